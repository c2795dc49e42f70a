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
formulas, values and results by :mod:`.check_values`; what one audit holds
as it goes (the file, its inputs, the findings) is :class:`.check_run.Audit`.
This module holds the report and the order of the checks.

The file is read with the protections of :mod:`mlworth_xl.safe_xlsx`: size
limits checked before anything is unpacked, XML entity attacks refused,
macros never run, external links never refreshed.  It is loaded once, for the
formulas' text; the cached values are read from its sheets' XML
(:mod:`.cached_values`), and each sheet's cells that hold something are listed
once (:meth:`.check_run.Audit.sheet`) for every check that walks it.  Where
:mod:`.fast_path` says so (``MLWORTH_XL_PLAIN_OPENPYXL=1``, an untested
openpyxl), the file is loaded a second time for the cached values and the
sheets are walked with openpyxl's public API instead: the same findings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from mlworth_xl.workbook import (
    check_structure,
    check_values,
    layout,
    risk_sheet,
)
from mlworth_xl.workbook.check_run import Audit, Finding, check_file
from mlworth_xl.workbook.input_cells import normalize
from mlworth_xl.workbook.risk_sheet import DEFAULT_RISK
from mlworth_xl.workbook.writer import collector_paused

__all__ = ["Finding", "Report", "audit", "normalize"]


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
    check_file(p)
    # the file and the expected workbook are some hundred thousand cells, all kept
    with collector_paused():
        return _audit(p)


def _audit(p: Path) -> Report:
    run = Audit(p)
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
