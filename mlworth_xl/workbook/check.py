"""Audit a comparison workbook that came back from a client (``mlworth-xl check``).

A comparison workbook travels: an advisor generates it, a client types into
it, it comes back.  :func:`audit` says, cell by cell, what in the returned
file is no longer what ``mlworth-xl workbook`` would write for the inputs
the file now holds:

- a formula overwritten with a number or text, deleted, or edited;
- an input outside its allowed range (the same ranges as everywhere else),
  or an option set to RAP that has no block on the RAP sheet (only options
  on RAP when the file was generated have one);
- a cell that shows an error value (``#DIV/0!``, ``#REF!``, …);
- a sheet missing, added (its formulas are listed: ``=cmd|' /C calc'!A0``,
  ``WEBSERVICE(…)``), renamed or moved, and a row or column inserted or
  deleted (named once; the cells of that sheet are then not compared);
- a defined name (DiscountRate, Salary, …) pointing elsewhere, missing or added;
- a value that is not an input (a label, a constant such as MonthsPerYear,
  a federal rule, the Risk sheet's stamp and simulated values) that differs
  from what the generator writes; the Risk sheet is simulated again with
  the draws and seed of its stamp for the file's inputs;
- where the file holds the results of its last calculation (Excel and
  LibreOffice store them; a file written by openpyxl has none), a result on
  Summary, Cash flows or Loans that differs from the model recomputed from
  the workbook's own inputs (relative 1e-9, or 1e-6 near zero), and any
  cached result that differs from LibreOffice's calculation of the workbook
  the generator writes for those inputs (when LibreOffice is installed;
  a note says when it is not).

Inputs (the coloured cells of Inputs and Programs) may change: the client
types there.  Everything else the file holds is what the generator wrote.

The inputs are read by :func:`.reader.read_as_generated`, the reader of
``--programs client.xlsx`` in its strict mode; the sheets, their rows and
columns and the defined names are compared by :mod:`.check_structure`; the
formulas, values and results by :mod:`.check_values`.  This module holds the
report and the order of the checks.

The file is read with the protections of :mod:`mlworth_xl.safe_xlsx`: size
limits checked before anything is unpacked, XML entity attacks refused,
macros never run, external links never refreshed.  It is loaded once, for the
formulas' text; the cached values are read from its sheets' XML
(:mod:`.cached_values`), and each sheet's cells that hold something are listed
once (:meth:`_Audit.sheet`) for every check that walks it.  Where
:mod:`.fast_path` says so (``MLWORTH_XL_PLAIN_OPENPYXL=1``, an untested
openpyxl), the file is loaded a second time for the cached values and the
sheets are walked with openpyxl's public API instead: the same findings.
"""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlworth_xl.model.codes import Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.risk import MAX_DRAWS
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import Uncertainty
from mlworth_xl.safe_xlsx import check_archive, check_extent, open_workbook
from mlworth_xl.workbook import (
    cached_values,
    check_structure,
    check_values,
    fast_path,
    input_cells,
    layout,
    risk_sheet,
)
from mlworth_xl.workbook.check_structure import describe, normalize
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.reader import read_as_generated
from mlworth_xl.workbook.risk_sheet import DEFAULT_RISK, RiskSettings

__all__ = ["Finding", "Report", "audit", "normalize"]

#: Sheets without which the file is not a comparison workbook at all.
REQUIRED_SHEETS = (layout.INPUTS, layout.PROGRAMS, layout.SUMMARY, layout.CASH_FLOWS, layout.LOANS)


@dataclass(frozen=True)
class Finding:
    """One thing wrong in one cell: ``Summary!K8: formula replaced by the number 4.2 …``."""

    cell: str
    kind: str  # "formula", "input", "value", "error", "result", "sheet", "name"
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}"


@dataclass
class Report:
    """What :func:`audit` found in one workbook."""

    path: Path
    options: int
    cached_values: bool
    findings: list[Finding] = field(default_factory=list)
    #: Warnings about the file (macros, external links): reported, never fatal.
    notes: list[str] = field(default_factory=list)
    #: A template's options filled in (None: the file is no template).
    filled: int | None = None

    @property
    def clean(self) -> bool:
        return not self.findings

    def lines(self, limit: int = 200) -> list[str]:
        """The report: a heading, then one line per finding (at most ``limit``)."""
        checked = (
            "formulas, inputs, error values and results against the model"
            if self.cached_values
            else "formulas, inputs and error values (no cached results to compare: "
            "the file was never calculated)"
        )
        if self.clean:
            options = (
                f"{self.options} options"
                if self.filled is None
                else f"{self.filled} of {self.options} options filled in"
            )
            return [f"{self.path}: OK, {options}; checked {checked}"]
        book = (
            f"a workbook of {self.options} options"
            if self.filled is None
            else f"a template of {self.options} options, {self.filled} filled in"
        )
        head = (
            f"{self.path}: {len(self.findings)} problem"
            f"{'s' if len(self.findings) != 1 else ''} in {book}; checked {checked}"
        )
        body = [f"  {f}" for f in self.findings[:limit]]
        if len(self.findings) > limit:
            body.append(f"  and {len(self.findings) - limit} more")
        return [head, *body]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError.single("workbook", "file not found", source=str(path))
    if path.is_dir():
        raise InputError.single("workbook", "is a folder, not a file", source=str(path))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError.single(
            "workbook",
            f"unknown file type {path.suffix or '(none)'!r}; allowed: .xlsx, .xlsm",
            source=str(path),
        )
    if path.stat().st_size == 0:
        raise InputError.single("workbook", "the file is empty", source=str(path))


class SheetCells:
    """The cells of a worksheet that hold a value, row by row, and each by its place."""

    __slots__ = ("_at", "cells")

    def __init__(self, ws: Any):
        self.cells: list[Any] = fast_path.filled_cells(ws)
        self._at: dict[tuple[int, int], Any] | None = None

    def at(self, row: int, column: int) -> Any | None:
        """The cell at (``row``, ``column``) if it holds a value, else None."""
        if self._at is None:
            self._at = {(c.row, c.column): c for c in self.cells}
        return self._at.get((row, column))


class _Audit:
    """One audit: the file's formulas and cached values, what is known of it, the findings."""

    def __init__(self, path: Path):
        self.path = path
        self.notes = check_archive(path, "workbook")
        self.formulas = open_workbook(path, "workbook", data_only=False)
        check_extent(self.formulas, path)  # before any sheet is walked cell by cell
        self._sheets: dict[int, tuple[Any, SheetCells]] = {}
        values = (
            cached_values.read(path, self.formulas, lambda ws: self.sheet(ws).cells)
            if fast_path.why_plain_reading() is None
            else None
        )
        if values is None:  # loaded again, the cached values in place of the formulas
            values = open_workbook(path, "workbook", data_only=True)
            check_extent(values, path)
        self.values: Any = values
        if not any(s in self.formulas.sheetnames for s in REQUIRED_SHEETS):
            raise InputError.single(
                "workbook",
                "it has none of the sheets "
                f"{', '.join(REQUIRED_SHEETS)}; this is not a comparison "
                "workbook written by `mlworth-xl workbook`",
                source=str(path),
            )
        self.findings: list[Finding] = []
        self.input_cells: set[str] = set()
        self.uncertainties: list[Uncertainty] | None = None
        self.roles: Roles | None = None
        #: Sheets whose cells are not compared one by one (moved by an inserted row or column).
        self.moved: set[str] = set()
        self.n = self._count_options() if layout.PROGRAMS in self.formulas.sheetnames else 0
        programs = (
            self.formulas[layout.PROGRAMS] if layout.PROGRAMS in self.formulas.sheetnames else None
        )
        # A template (`mlworth-xl template`): its empty option columns are as generated.
        self.template = programs is not None and input_cells.is_template(programs)
        self.blank = frozenset(
            i
            for i in range(self.n)
            if self.template and programs is not None and not input_cells.in_use(programs, i)
        )
        self.rap_options = input_cells.rap_blocks(self.formulas, self.n)

    def _count_options(self) -> int:
        n = input_cells.option_count(self.formulas[layout.PROGRAMS])
        if n == 0:
            first = layout.cell(
                None, Layout.option_col(0), layout.PROGRAMS_HEADER_ROW, absolute=False
            )
            self.add(
                f"{layout.PROGRAMS}!{first}",
                "sheet",
                "the Programs sheet has no "
                "options (the generator writes the "
                f"headers Option 1, Option 2, … in row {layout.PROGRAMS_HEADER_ROW})",
            )
        return n

    def add(self, where: str, kind: str, message: str) -> None:
        self.findings.append(Finding(where, kind, message))

    def sheet(self, ws: Any) -> SheetCells:
        """The cells of worksheet ``ws`` (of the file or of an expected workbook), listed once."""
        found = self._sheets.get(id(ws))
        if found is None:
            found = self._sheets[id(ws)] = (ws, SheetCells(ws))  # ws kept: its id stays its own
        return found[1]

    def read_inputs(self) -> tuple[Programs, Person] | None:
        """The workbook's own inputs, or None if any is not allowed (each is a finding)."""
        read = read_as_generated(
            self.formulas, self.values, self.n, blank=self.blank, rap_options=self.rap_options
        )
        self.input_cells |= read.cells
        for problem in read.problems:
            self.add(problem.cell, "input", str(problem))
        self.uncertainties, self.roles = read.uncertainties, read.roles
        if read.programs is None or read.person is None:
            return None
        return read.programs, read.person

    def expected_workbook(
        self, inputs: tuple[Programs, Person] | None, risk: RiskSettings | None = None
    ) -> Any:
        """What the generator writes for these inputs (placeholders where they are bad).

        The Risk sheet holds simulated values, not formulas, and is optional
        (``--no-risk``): it is regenerated with the draws and seed its stamp
        gives (``risk``), for the file's inputs, when they are allowed.
        """
        from mlworth_xl.workbook import build_workbook

        if inputs is not None:
            try:
                return build_workbook(
                    *inputs,
                    risk=risk,
                    rap_options=self.rap_options,
                    uncertainty=self.uncertainties,
                    template=self.template,
                    blank=self.blank,
                    roles=self.roles,
                )
            except InputError:
                pass
        # Formulas depend on the number of options and on which have a block on the RAP
        # sheet (the file's), not on the values: any allowed ones do.
        placeholder = [
            Program(
                f"Option {i + 1}",
                years=1,
                tuition_per_year=10_000,
                salary_after=80_000,
                repayment_plan=(Plan.RAP if i in self.rap_options else Plan.FIXED),
            )
            for i in range(self.n)
        ]
        return build_workbook(
            Programs.from_records(placeholder),
            Person(),
            risk=None,
            rap_options=self.rap_options,
            template=self.template,
            blank=self.blank,
        )

    def risk_settings(self) -> RiskSettings | None:
        """The draws and seed the Risk sheet is stamped with, or None (then a finding)."""
        if risk_sheet.RISK not in self.formulas.sheetnames:
            return None
        ws = self.formulas[risk_sheet.RISK]
        values = []
        for k, (label, low, high) in enumerate((("draws", 1, MAX_DRAWS), ("seed", 0, 2**63 - 1))):
            c = ws.cell(row=risk_sheet.STAMP_ROW + k, column=2)
            x = c.value
            whole = (
                isinstance(x, int | float)
                and not isinstance(x, bool)
                and math.isfinite(x)
                and x == int(x)
            )
            if not whole or not low <= int(x) <= high:
                self.add(
                    f"{risk_sheet.RISK}!{c.coordinate}",
                    "value",
                    f"the stamp's {label}: {describe(x, c.data_type)} is not allowed; "
                    f"allowed: a whole number from {low:,} to {high:,} (the Risk sheet's "
                    "values are not checked)",
                )
                return None
            values.append(int(x))
        return RiskSettings(*values)


def audit(path: str | os.PathLike[str]) -> Report:
    """Audit a comparison workbook: what differs from what the generator would write.

    Parameters
    ----------
    path : path
        An ``.xlsx`` file written by ``mlworth-xl workbook`` and perhaps edited since.

    Returns
    -------
    Report
        Its ``findings``, one per cell (empty when the file is as generated
        for its inputs), and ``notes`` (macros, external links).

    Raises
    ------
    InputError
        If the file cannot be read safely or is not a comparison workbook.

    Examples
    --------
    A freshly generated workbook is clean:

    >>> import tempfile, pathlib
    >>> from mlworth_xl.workbook import write_workbook
    >>> book = write_workbook(pathlib.Path(tempfile.mkdtemp()) / "client.xlsx")
    >>> audit(book).clean
    True
    """
    p = Path(path)
    _check_file(p)
    with _collector_paused():
        return _audit(p)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during an audit.

    The file and the expected workbook are some hundred thousand cells that live as
    long as the audit; the collector, run every few hundred new objects, would walk
    them again and again to find no garbage (a quarter of the audit's time).
    Reference counting frees objects as usual meanwhile, and the collector is
    switched back on only if it was on (as the writer's build does).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit(p: Path) -> Report:
    run = _Audit(p)
    check_structure.check_sheets(run)
    sheets = run.formulas.sheetnames
    if run.n == 0:  # no Programs sheet, or no options on it: nothing more can be compared
        return Report(
            path=p, options=0, cached_values=False, findings=run.findings, notes=run.notes
        )
    readable = all(s in sheets for s in (layout.INPUTS, layout.PROGRAMS))
    before = len(run.findings)
    inputs = run.read_inputs() if readable else None
    after = len(run.findings)
    settings = run.risk_settings()
    has_risk = risk_sheet.RISK in sheets
    # a stamp not allowed: the Risk sheet is not simulated, but the Guide still lists it
    risk = settings or (DEFAULT_RISK if has_risk else None)
    expected = run.expected_workbook(inputs, risk)
    # the shapes of the formula sheets do not depend on the inputs' values; those of Sources
    # (the figures the options use) and Risk (a line per option simulated) do
    by_values = (layout.SOURCES, risk_sheet.RISK)
    check_structure.check_shapes(
        run, expected, [s for s in sheets if inputs is not None or s not in by_values]
    )
    if layout.INPUTS in run.moved or layout.PROGRAMS in run.moved:
        # the inputs were read from cells that moved: what they say is no finding, and no
        # input to regenerate the workbook from
        del run.findings[before:after]
        run.input_cells.clear()
        if inputs is not None:
            inputs, expected = None, run.expected_workbook(None, risk)
    check_values.check_formulas(run, expected)
    check_structure.check_names(run, expected)
    # Names and values of the options are echoed as text on most sheets: with inputs that are
    # not allowed (each a finding already) the placeholder's text would differ everywhere.
    compared = (
        [s for s in expected.sheetnames if s != risk_sheet.RISK or settings is not None]
        if inputs is not None
        else [layout.INPUTS]
    )
    check_values.check_constants(run, expected, compared)
    cached = check_values.check_errors(run)
    if cached and inputs is not None:
        check_values.check_results(run, *inputs)
        check_values.check_recalculated(run, expected)
    return Report(
        path=p,
        options=run.n,
        cached_values=cached,
        findings=run.findings,
        notes=run.notes,
        filled=run.n - len(run.blank) if run.template else None,
    )
