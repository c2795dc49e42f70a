"""One audit of ``mlworth-xl check`` as it goes: the file read, what is known of it, the findings.

:class:`Audit` holds the returned workbook's formulas and cached values (read
once: :mod:`.cached_values`, or a second load where :mod:`.fast_path` says
so), each sheet's filled cells listed once (:meth:`Audit.sheet`), the inputs
read back (:func:`.reader.read_as_generated`) and the workbook the generator
writes for them.  The checks of :mod:`.check_structure` and
:mod:`.check_values` read it and add their findings to it; :mod:`.check`
runs them in order and makes the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlworth_xl.model.codes import Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.risk import MAX_DRAWS
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import Uncertainty
from mlworth_xl.safe_xlsx import check_archive, check_extent, open_workbook
from mlworth_xl.workbook import cached_values, fast_path, input_cells, layout, risk_sheet
from mlworth_xl.workbook.input_cells import describe
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.reader import read_as_generated
from mlworth_xl.workbook.risk_sheet import RiskSettings

__all__ = ["REQUIRED_SHEETS", "Audit", "Finding", "SheetCells", "check_file"]

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


def check_file(path: Path) -> None:
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


class Audit:
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
