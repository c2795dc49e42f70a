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

The file is read with the protections of :mod:`mlworth_xl.safe_xlsx`: size
limits checked before anything is unpacked, XML entity attacks refused,
macros never run, external links never refreshed.  It is loaded twice, for
the formulas' text and for the cached values.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import column_index_from_string, get_column_letter

from mlworth_xl.api import COMPARE_COLUMNS, odds_frame
from mlworth_xl.excel.cells import ERROR_VALUES
from mlworth_xl.model import fields
from mlworth_xl.model.codes import Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.evaluate import yearly_detail
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.risk import MAX_DRAWS
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.safe_xlsx import check_archive, check_extent, open_workbook
from mlworth_xl.workbook import layout, reader, risk_sheet
from mlworth_xl.workbook.cashflows import shown
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.risk_sheet import DEFAULT_RISK, RiskSettings
from mlworth_xl.workbook.summary import NEVER, NOT_AVAILABLE, STALE, WRITTEN
from mlworth_xl.workbook.validation import RAP_NEEDS_REGENERATING

#: Relative and absolute tolerance between a cached result and the model.
REL, ABS = 1e-9, 1e-6
#: Sheets without which the file is not a comparison workbook at all.
REQUIRED_SHEETS = (layout.INPUTS, layout.PROGRAMS, layout.SUMMARY, layout.CASH_FLOWS, layout.LOANS)
#: Sheets of values written from the inputs (stale once an input is edited): what they hold.
_FROM_INPUTS = {
    risk_sheet.RISK: "a simulation of this workbook's inputs with the draws and seed of its stamp",
    layout.SOURCES: "the sources of this workbook's inputs",
    layout.ODDS: "the odds the model gives this workbook's inputs (the figures the "
    "Summary says are out of date once the inputs change)",
}
#: Most differing values of such a sheet reported one by one (more make one finding).
_SHOWN_BY_CELL = 5
#: Longest formula quoted in full in a finding.
_SHOWN = 80
#: Cash-flow columns of each option compared with :func:`yearly_detail`: (column, attribute).
_YEARLY = (
    ("direct", "direct_cost"),
    ("foregone", "income_given_up"),
    ("gain", "gain"),
    ("fee", "loan_fee"),
    ("interest", "interest"),
    ("flow", "flow"),
    ("cumulative", "cumulative"),
    ("discounted_cumulative", "discounted_cumulative"),
)
#: Loans key figures compared with the model's outcome: (row key, outcome attribute).
_LOAN_FIGURES = (
    ("cost_of_attendance", "cost_of_attendance"),
    ("borrowed", "amount_borrowed"),
    ("fee", "loan_fees"),
    ("payment", "monthly_payment"),
    ("total_interest", "total_interest"),
)


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
            return [f"{self.path}: OK, {self.options} options; checked {checked}"]
        head = (
            f"{self.path}: {len(self.findings)} problem"
            f"{'s' if len(self.findings) != 1 else ''} in a workbook of {self.options} "
            f"options; checked {checked}"
        )
        body = [f"  {f}" for f in self.findings[:limit]]
        if len(self.findings) > limit:
            body.append(f"  and {len(self.findings) - limit} more")
        return [head, *body]


# --- reading ------------------------------------------------------------------------------


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


def _is_formula(c: Any) -> bool:
    return c.data_type == "f"  # text such as "=HYPERLINK(…)" stored as text is no formula


def _formula_text(c: Any) -> str:
    value = c.value
    return value if isinstance(value, str) else str(getattr(value, "text", value))


_STRING = re.compile(r'("(?:[^"]|"")*")')
_BOOL_CALL = re.compile(r"\b(TRUE|FALSE)\(\)", re.I)
#: The name over a block of the RAP sheet: ``=Loans!$C$5``, the option's name on Loans.
_RAP_NAME = re.compile(r"=\s*'?" + layout.LOANS + r"'?!\$?([A-Z]{1,3})\$?(\d+)\s*", re.I)


def normalize(formula: str) -> str:
    """A formula as compared: spreadsheet applications' harmless rewrites undone.

    LibreOffice saves ``FALSE`` as ``FALSE()`` and Excel adds ``_xlfn.``
    prefixes; case and spaces outside text literals do not matter.

    >>> normalize('=IF(a1 > 0, FALSE(), "Keep  Case")')
    '=IF(A1>0,FALSE,"Keep  Case")'
    """
    parts = _STRING.split(formula)
    for k in range(0, len(parts), 2):  # the parts outside "…"
        text = parts[k].replace("_xlfn.", "").replace(" ", "").upper()
        parts[k] = _BOOL_CALL.sub(r"\1", text)
    return "".join(parts)


def _shorten(formula: str) -> str:
    return formula if len(formula) <= _SHOWN else formula[: _SHOWN - 3] + "..."


def _describe(value: Any, data_type: str = "n") -> str:
    """A constant as a finding names it: ``the number 4.2``, ``the text 'abc'``."""
    if data_type == "e" or (isinstance(value, str) and value in ERROR_VALUES):
        return f"the error {value}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"the number {value:g}"
    return f"the text {str(value)!r}"


#: The value of an input that holds a formula never calculated (reported already).
_UNKNOWN = object()


# --- the audit ----------------------------------------------------------------------------


class _Audit:
    def __init__(self, path: Path):
        self.path = path
        self.notes = check_archive(path, "workbook")
        self.formulas = open_workbook(path, "workbook", data_only=False)
        check_extent(self.formulas, path)  # before any sheet is walked cell by cell
        self.values = open_workbook(path, "workbook", data_only=True)
        check_extent(self.values, path)
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
        self.template = programs is not None and (
            programs.cell(row=layout.PROGRAMS_FILLED_ROW, column=1).value == layout.FILLED_LABEL
        )
        self.blank = frozenset(
            i
            for i in range(self.n)
            if self.template and programs is not None and not reader.in_use(programs, i)
        )
        self.rap_options = self._rap_options()

    def _count_options(self) -> int:
        n = reader.option_count(self.formulas[layout.PROGRAMS])
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

    def _rap_options(self) -> tuple[int, ...]:
        """The options with a block on the file's RAP sheet, read from the blocks' names."""
        if layout.RAP not in self.formulas.sheetnames:
            return ()
        ws = self.formulas[layout.RAP]
        found: list[int] = []
        for block in range(self.n):
            c = ws.cell(row=layout.RAP_NAME_ROW, column=Layout.rap_block_col(block, "year"))
            match = _RAP_NAME.fullmatch(_formula_text(c)) if _is_formula(c) else None
            if match is None or int(match.group(2)) != layout.LOANS_ROW["name"]:
                break
            i = column_index_from_string(match.group(1).upper()) - layout.OPTION_COL
            if not 0 <= i < self.n or (found and i <= found[-1]):
                break
            found.append(i)
        return tuple(found)

    def add(self, where: str, kind: str, message: str) -> None:
        self.findings.append(Finding(where, kind, message))

    # --- inputs ---------------------------------------------------------------------------
    def _input(self, sheet: str, column: int, row: int) -> tuple[str, Any, str]:
        """The value of an input cell: (address, value, data type); formulas give their result."""
        c = self.formulas[sheet].cell(row=row, column=column)
        where = f"{sheet}!{c.coordinate}"
        self.input_cells.add(where)
        if not _is_formula(c):
            return where, c.value, c.data_type
        text = _formula_text(c)
        if _BOOL_CALL.fullmatch(text.lstrip("=")):  # LibreOffice writes TRUE as =TRUE()
            return where, text.upper().startswith("=TRUE"), "b"
        cached = self.values[sheet].cell(row=row, column=column)
        self.add(
            where,
            "input",
            f"input holds the formula {_shorten(text)}; the generator writes a value here",
        )
        if cached.value is None:  # never calculated: its value is unknown, not empty
            return where, _UNKNOWN, "n"
        return where, cached.value, cached.data_type

    def _number(self, where: str, spec: fields.Field, value: Any, data_type: str) -> float | None:
        """A number input's value, or None after adding a finding."""
        if value is _UNKNOWN:
            return None
        x, why = reader.number(spec, value, data_type, text=False)
        if why is not None:
            self.add(where, "input", f"{spec.name}: {why}")
        return x

    def read_inputs(self) -> tuple[Programs, Person] | None:
        """The workbook's own inputs, or None if any is not allowed (each is a finding)."""
        before = len(self.findings)
        person: dict[str, float | None] = {}
        for k, spec in enumerate(fields.PERSON_FIELDS):
            where, value, dtype = self._input(
                layout.INPUTS, layout.INPUTS_VALUE_COL, layout.INPUTS_FIRST_ROW + k
            )
            person[spec.name] = self._number(where, spec, value, dtype)
        names, kinds = [], []
        columns = {f.name: np.empty(self.n) for f in fields.PROGRAM_FIELDS if f.unit != "text"}
        for i in range(self.n):
            if i in self.blank:  # an empty column of a template: it computes nothing
                from mlworth_xl.workbook.template import placeholder

                empty = Programs.from_records([placeholder(i)])
                names.append(empty.names[0])
                kinds.append(empty.kinds[0])
                for k in columns:
                    columns[k][i] = empty.columns[k][0]
                for spec in fields.PROGRAM_FIELDS:  # its inputs, as LibreOffice saves them
                    self._input(
                        layout.PROGRAMS, Layout.option_col(i), layout.PROGRAM_ROW[spec.name]
                    )
                continue
            for spec in fields.PROGRAM_FIELDS:
                where, value, dtype = self._input(
                    layout.PROGRAMS, Layout.option_col(i), layout.PROGRAM_ROW[spec.name]
                )
                if spec.name == "name":
                    if value is None or not str(value).strip():
                        self.add(where, "input", "name: is empty; every option needs a name")
                    names.append("" if value is None else str(value))
                elif spec.name == "kind":
                    kind = "" if value is None else str(value).strip().lower()
                    if kind not in fields.KINDS:
                        self.add(
                            where,
                            "input",
                            f"kind: {value!r} is not allowed; allowed: {spec.allowed()}",
                        )
                    kinds.append(kind)
                else:
                    x = self._number(where, spec, value, dtype)
                    columns[spec.name][i] = math.nan if x is None else x
                    on_rap = spec.name == "repayment_plan" and x == Plan.RAP
                    if on_rap and i not in self.rap_options:
                        self.add(
                            where,
                            "input",
                            f"repayment_plan: {int(Plan.RAP)} (RAP), but this "
                            "workbook has no block on the RAP sheet for this option. "
                            + RAP_NEEDS_REGENERATING,
                        )
        self.uncertainties = self._read_uncertainties(kinds)
        self.roles = self._read_roles()
        if len(self.findings) > before:
            return None
        who = Person(
            **{
                k: (int(v) if fields.PERSON[k].integer else v)  # type: ignore[arg-type]
                for k, v in person.items()
            }
        )
        table = Programs(names=names, kinds=kinds, columns=columns)
        try:
            table.validate(who)
        except InputError as exc:  # values allowed one by one, not together (horizon < years)
            for p in exc.problems:
                i = names.index(p.source) if p.source in names else 0
                if p.field in fields.PERSON:
                    row = layout.INPUTS_FIRST_ROW + list(fields.PERSON).index(p.field)
                    column = layout.INPUTS_VALUE_COL
                    where = layout.INPUTS + "!" + layout.cell(None, column, row, absolute=False)
                else:
                    where = (
                        layout.PROGRAMS
                        + "!"
                        + layout.cell(
                            None,
                            Layout.option_col(i),
                            layout.PROGRAM_ROW.get(
                                p.field, layout.PROGRAM_ROW[fields.SHARE_FIELDS[0]]
                            ),
                            absolute=False,
                        )
                    )
                self.add(where, "input", f"{p.field}: {p.message}")
            return None
        return table, who

    def _read_uncertainties(self, kinds: list[str]) -> list[Uncertainty] | None:
        """Each option's uncertainty inputs below the Programs check (None: the file has none)."""
        out: list[Uncertainty] = []
        before = len(self.findings)
        sheet = self.formulas[layout.PROGRAMS]
        if sheet.cell(row=layout.PROGRAMS_RISK_TITLE_ROW, column=1).value is None:
            return None  # written before the odds had inputs: the kinds' defaults
        for i in range(self.n):
            given: dict[str, Any] = {}
            for spec in RISK_FIELDS:
                where, value, dtype = self._input(
                    layout.PROGRAMS, Layout.option_col(i), layout.RISK_ROW[spec.name]
                )
                if spec.unit == "text":
                    text = "" if value is None else str(value).strip().lower()
                    if text not in spec.choices:
                        self.add(
                            where,
                            "input",
                            f"{spec.name}: {value!r} is not allowed; allowed: {spec.allowed()}",
                        )
                    given[spec.name] = text
                elif spec.name == "salary_median" and value is None:
                    given[spec.name] = None
                else:
                    x = self._number(where, spec, value, dtype)
                    given[spec.name] = bool(x) if spec.unit == "bool" and x is not None else x
            if len(self.findings) == before:
                out.append(Uncertainty(**given))
        return out if len(self.findings) == before else None

    def _read_roles(self) -> Roles | None:
        """The role table on the Roles sheet (None: the file has none, or a value is bad)."""
        if layout.ROLES not in self.formulas.sheetnames:
            return None
        before = len(self.findings)
        rows: dict[str, dict[str, float]] = {}
        for key in fields.ROLE_LABELS:
            rows[key] = {}
            for name in ("median", "p10", "p90"):
                where, value, dtype = self._input(
                    layout.ROLES, layout.ROLE_COL[name], layout.ROLE_ROW[key]
                )
                x = self._number(where, reader._PAY, value, dtype)
                if x is not None:
                    rows[key][name] = x
        if len(self.findings) > before:
            return None
        try:
            return Roles.from_rows(rows)
        except InputError as exc:
            for p in exc.problems:
                key = (p.source or "").removeprefix("role ")
                where = (
                    layout.ROLES
                    + "!"
                    + layout.cell(
                        None,
                        layout.ROLE_COL.get(p.field, 2),
                        layout.ROLE_ROW.get(key, layout.ROLES_FIRST_ROW),
                        absolute=False,
                    )
                )
                self.add(where, "input", f"{key} {p.field}: {p.message}")
            return None

    # --- formulas -------------------------------------------------------------------------
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

    def check_formulas(self, expected: Any) -> None:
        sheets = list(expected.sheetnames)
        if risk_sheet.RISK in self.formulas.sheetnames and risk_sheet.RISK not in sheets:
            sheets.append(risk_sheet.RISK)  # not regenerated (bad inputs): it holds no formula
        for sheet in sheets:
            if sheet not in self.formulas.sheetnames or sheet in self.moved:
                continue  # reported by check_sheets or check_shapes
            theirs = self.formulas[sheet]
            mine = expected[sheet] if sheet in expected.sheetnames else None
            wanted = (
                {}
                if mine is None
                else {
                    c.coordinate: _formula_text(c)
                    for row in mine.iter_rows()
                    for c in row
                    if _is_formula(c)
                }
            )
            for coord, text in wanted.items():
                c = theirs[coord]
                where = f"{sheet}!{coord}"
                if _is_formula(c):
                    found = _formula_text(c)
                    if normalize(found) != normalize(text):
                        self.add(
                            where,
                            "formula",
                            f"formula changed to {_shorten(found)} (expected {_shorten(text)})",
                        )
                elif c.value is None:
                    self.add(where, "formula", f"formula deleted (expected {_shorten(text)})")
                else:
                    self.add(
                        where,
                        "formula",
                        f"formula replaced by "
                        f"{_describe(c.value, c.data_type)} (expected {_shorten(text)})",
                    )
            for row in theirs.iter_rows():
                for c in row:
                    where = f"{sheet}!{c.coordinate}"
                    if (
                        _is_formula(c)
                        and c.coordinate not in wanted
                        and where not in self.input_cells
                    ):
                        self.add(
                            where,
                            "formula",
                            f"a formula where the generator writes none: "
                            f"{_shorten(_formula_text(c))}",
                        )

    # --- cached values --------------------------------------------------------------------
    def formula_values(self) -> Iterator[tuple[str, Any, Any]]:
        """(address, formula cell, cached value cell) of every formula in the file."""
        for ws in self.formulas.worksheets:
            cached = self.values[ws.title]
            for row in ws.iter_rows():
                for c in row:
                    if _is_formula(c):
                        yield f"{ws.title}!{c.coordinate}", c, cached[c.coordinate]

    def check_errors(self) -> bool:
        """Add a finding per formula showing an error value; whether any result was cached."""
        cached = False
        for where, _, value in self.formula_values():
            if value.value is None:
                continue
            cached = True
            if value.data_type == "e" or (
                isinstance(value.value, str) and value.value in ERROR_VALUES
            ):
                self.add(where, "error", f"shows the error {value.value}")
        return cached

    def check_results(self, table: Programs, who: Person) -> None:
        """Compare cached results with the model, cell by cell."""
        lay = Layout(self.n, self.rap_options)
        used = [i for i in range(self.n) if i not in self.blank]  # all but a template's empty
        uncertainty = self.uncertainties
        if not used:
            return  # a template with nothing filled in: no result to compare
        if self.blank:  # the model of the options filled in (the rank is among them)
            table = Programs(
                names=[table.names[i] for i in used],
                kinds=[table.kinds[i] for i in used],
                columns={k: v[used] for k, v in table.columns.items()},
            )
            uncertainty = None if uncertainty is None else [uncertainty[i] for i in used]
        outcome = table.evaluate(who)
        frame = odds_frame(table, who, outcome, uncertainty)
        detail = yearly_detail(table.inputs(who))
        horizon = int(who.horizon_years)

        def compare(sheet: str, column: int, row: int, expected: Any, what: str) -> None:
            c = self.formulas[sheet].cell(row=row, column=column)
            if not _is_formula(c):
                return  # a constant there is reported as a replaced formula
            v = self.values[sheet].cell(row=row, column=column)
            actual = v.value
            if actual is None or v.data_type == "e" or actual in ERROR_VALUES:
                return  # not calculated, or an error value (reported as such)
            if not _agrees(actual, expected):
                self.add(
                    f"{sheet}!{c.coordinate}",
                    "result",
                    f"shows {_show(actual)} but the model gives {_show(expected)} for "
                    f"this workbook's inputs ({what})",
                )

        written = {key for key, _ in WRITTEN}
        for j, (i, name) in enumerate(zip(used, table.names, strict=True)):
            row = lay.summary_row(i)
            for k, col in enumerate(COMPARE_COLUMNS):
                expected = frame.iloc[j][col.header]
                if col.key == "verdict":
                    continue  # words from the chance, rounded as each engine's TEXT rounds
                if self.template and col.key in written:  # a template has no simulated ones
                    compare(layout.SUMMARY, k + 1, row, STALE, f"{col.header} of {name!r}")
                    continue
                if col.kind == "flag":
                    expected = bool(expected)
                elif col.kind == "rank":
                    expected = int(expected)
                elif col.kind != "text":
                    expected = float(expected)
                compare(layout.SUMMARY, k + 1, row, expected, f"{col.header} of {name!r}")
            for key, attr in _LOAN_FIGURES:
                if key in layout.LOANS_ROW:
                    compare(
                        layout.LOANS,
                        lay.option_col(i),
                        layout.LOANS_ROW[key],
                        float(getattr(outcome, attr)[j]),
                        f"{key} of {name!r}",
                    )
            for key, attr in _YEARLY:
                series = getattr(detail, attr)[j]
                for y in range(1, layout.MAX_YEARS + 1):
                    compare(
                        layout.CASH_FLOWS,
                        lay.cf_col(i, key),
                        lay.cf_row(y),
                        shown(series, key, y, horizon),
                        f"{attr} of {name!r} in year {y}",
                    )

    # --- sheets and their shape -----------------------------------------------------------
    def expected_sheets(self) -> list[str]:
        """The sheets the generator writes for this file, in order (Risk if the file has it)."""
        sheets = list(Layout(max(self.n, 1), self.rap_options).sheets)
        if risk_sheet.RISK in self.formulas.sheetnames:
            sheets.insert(sheets.index(layout.SUMMARY) + 1, risk_sheet.RISK)
        return sheets

    def check_sheets(self) -> None:
        """A finding per sheet missing, added, renamed or moved."""
        wanted, found = self.expected_sheets(), list(self.formulas.sheetnames)
        missing = [s for s in wanted if s not in found]
        extra = [s for s in found if s not in wanted]
        for name in missing:
            renamed = [s for s in extra if found.index(s) == wanted.index(name)]
            if renamed and len(missing) == len(extra):
                self.add(renamed[0], "sheet", f"sheet {name!r} renamed to {renamed[0]!r}")
                extra.remove(renamed[0])
            else:
                self.add(name, "sheet", "sheet is missing")
        for name in extra:
            self.add(
                name, "sheet", "a sheet the generator does not write; allowed: " + ", ".join(wanted)
            )
            ws = self.formulas[name]
            for row in ws.iter_rows():
                for c in row:
                    if _is_formula(c):
                        self.add(
                            f"{name}!{c.coordinate}",
                            "formula",
                            "a formula where the "
                            f"generator writes none: {_shorten(_formula_text(c))}",
                        )
        if not missing and not extra and found != wanted:
            self.add(
                "workbook",
                "sheet",
                f"sheets in the order {', '.join(found)}; the generator writes {', '.join(wanted)}",
            )

    def check_shapes(self, expected: Any, sheets: Iterable[str]) -> None:
        """A finding per sheet with a row or column inserted or deleted (then not compared)."""
        for sheet in sheets:
            if sheet not in self.formulas.sheetnames or sheet not in expected.sheetnames:
                continue
            mine, theirs = expected[sheet], self.formulas[sheet]
            for axis in ("column", "row"):
                change = _moved(_occupancy(mine, axis), _occupancy(theirs, axis))
                if change is not None:
                    what, first, k = change
                    name = get_column_letter if axis == "column" else str
                    ref = f"{name(k + 1)}:{name(k + 1)}"
                    at = (
                        f"at {axis} {name(k + 1)}"
                        if first == k
                        else f"among {axis}s {name(first + 1)} to {name(k + 1)}"
                    )
                    self.add(
                        f"{sheet}!{ref}",
                        "sheet",
                        f"a {axis} {what} {at}; the cells "
                        "after it no longer are where the generator writes them (the "
                        "sheet's cells are not compared one by one)",
                    )
                    self.moved.add(sheet)
                    break

    # --- constants ------------------------------------------------------------------------
    def check_constants(self, expected: Any, sheets: list[str]) -> None:
        """Every cell holding a value (not a formula, not an input) as the generator writes it."""
        for sheet in sheets:
            if sheet not in self.formulas.sheetnames or sheet in self.moved:
                continue
            if self.template and sheet == layout.SOURCES:
                continue  # a template lists the figures of its empty columns' defaults
            before = len(self.findings)
            self._constants(expected[sheet], self.formulas[sheet])
            found = self.findings[before:]
            if sheet in _FROM_INPUTS and len(found) > _SHOWN_BY_CELL:
                del self.findings[before:]
                self.add(
                    sheet,
                    "value",
                    f"{len(found)} values differ from "
                    f"{_FROM_INPUTS[sheet]} (first {found[0]}): the inputs or the sheet "
                    "were edited since the file was written; run `mlworth-xl workbook` "
                    "again to refresh it",
                )

    def _constants(self, mine: Any, theirs: Any) -> None:
        sheet = theirs.title
        wanted = {
            c.coordinate: c
            for row in mine.iter_rows()
            for c in row
            if c.value is not None and not _is_formula(c)
        }
        for coord, cell in wanted.items():
            where = f"{sheet}!{coord}"
            if where in self.input_cells:
                continue
            c = theirs[coord]
            if _is_formula(c):
                continue  # reported by check_formulas
            if not _same(c.value, cell.value):
                now = (
                    "emptied"
                    if c.value is None or c.value == ""
                    else f"holds {_describe(c.value, c.data_type)}"
                )
                self.add(
                    where,
                    "value",
                    f"{now}; the generator writes {_describe(cell.value, cell.data_type)}",
                )
        for row in theirs.iter_rows():
            for c in row:
                where = f"{sheet}!{c.coordinate}"
                if (
                    c.value is None
                    or c.value == ""
                    or _is_formula(c)
                    or c.coordinate in wanted
                    or where in self.input_cells
                    or _is_formula(mine[c.coordinate])
                ):
                    continue
                self.add(
                    where,
                    "value",
                    f"holds {_describe(c.value, c.data_type)} where the generator writes nothing",
                )

    def check_names(self, expected: Any) -> None:
        """The defined names (DiscountRate, Salary, …) point where the generator's do."""

        def names(wb: Any) -> dict[str, str]:
            found = {
                k: str(v.attr_text)
                for k, v in wb.defined_names.items()
                if not k.startswith("_xlnm.")
            }
            for ws in wb.worksheets:  # names local to a sheet: the generator writes none
                found |= {
                    f"{ws.title}!{k}": str(v.attr_text)
                    for k, v in ws.defined_names.items()
                    if not k.startswith("_xlnm.")
                }
            return found

        mine, theirs = names(expected), names(self.formulas)
        for name, ref in mine.items():
            if name not in theirs:
                self.add(
                    f"name {name}",
                    "name",
                    f"the defined name is missing (the generator writes {name} = {ref})",
                )
            elif normalize("=" + theirs[name]) != normalize("=" + ref):
                self.add(
                    f"name {name}",
                    "name",
                    f"refers to {_shorten(theirs[name])}; the generator writes {ref}",
                )
        for name in theirs.keys() - mine.keys():
            self.add(
                f"name {name}",
                "name",
                f"a defined name the generator does not write: {name} = {_shorten(theirs[name])}",
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
                    f"the stamp's {label}: {_describe(x, c.data_type)} is not allowed; "
                    f"allowed: a whole number from {low:,} to {high:,} (the Risk sheet's "
                    "values are not checked)",
                )
                return None
            values.append(int(x))
        return RiskSettings(*values)

    def check_recalculated(self, expected: Any) -> None:
        """Every cached result against a calculation of the expected workbook.

        IronCalc calculates it in process (the engine whose values the generator stores);
        without it, LibreOffice does; without either, only the model's figures are compared.
        """
        from mlworth_xl.atomic import temporary_folder
        from mlworth_xl.workbook import ironcalc_values
        from mlworth_xl.workbook.libreoffice import LibreOfficeError, find_soffice, recalculate
        from mlworth_xl.workbook.writer import computed_bytes, workbook_bytes

        # IronCalc reads an empty input cell as the number 0 (ISNUMBER is TRUE there): a
        # template's empty columns are calculated by LibreOffice where it is installed
        engine = (
            "IronCalc"
            if ironcalc_values.available() and not (self.template and find_soffice() is not None)
            else "LibreOffice"
        )
        if engine == "LibreOffice" and find_soffice() is None:
            self.notes.append(
                "neither IronCalc nor LibreOffice (soffice) is installed: cached "
                "results were compared with the model on Summary, Cash flows and "
                "the Loans key figures only, not cell by cell"
            )
            return
        with temporary_folder("mlworth-check-") as work:
            book = Path(work) / "expected.xlsx"
            if engine == "IronCalc":
                book.write_bytes(computed_bytes(expected, Path(work)))
                calculated = book
            else:
                book.write_bytes(workbook_bytes(expected))
                calculated = Path(work) / "calculated.xlsx"
                try:
                    recalculate(book, calculated)
                except LibreOfficeError as exc:
                    self.notes.append(f"cached results not compared cell by cell: {exc}")
                    return
            truth = open_workbook(calculated, "workbook", data_only=True)
        reported = {f.cell for f in self.findings}
        for where, c, value in self.formula_values():
            sheet = where.split("!", 1)[0]
            if (
                value.value is None
                or where in reported
                or where in self.input_cells
                or sheet in self.moved
                or sheet not in truth.sheetnames
            ):
                continue
            right = truth[sheet][c.coordinate]
            if value.data_type == "e" or value.value in ERROR_VALUES:
                continue  # reported as an error value
            if not _same(value.value, right.value, cached=True):
                self.add(
                    where,
                    "result",
                    f"shows {_show(value.value)} but its formula gives "
                    f"{_show(right.value)} for this workbook's inputs (as {engine} "
                    "calculates it)",
                )


def _occupancy(ws: Any, axis: str) -> list[tuple[int, ...]]:
    """Per column (or row) of a sheet, the rows (or columns) of its cells that hold something."""
    lines: dict[int, list[int]] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None and c.value != "":
                at, other = (c.column, c.row) if axis == "column" else (c.row, c.column)
                lines.setdefault(at - 1, []).append(other)
    size = max(lines, default=-1) + 1
    return [tuple(sorted(lines.get(k, ()))) for k in range(size)]


def _moved(
    expected: list[tuple[int, ...]], found: list[tuple[int, ...]]
) -> tuple[str, int, int] | None:
    """("inserted" or "deleted", first, last) if ``found`` is ``expected`` shifted by one line.

    The lines are the occupancy of :func:`_occupancy`; most of the lines after the
    first that differs (``last``) must match once shifted by one (inputs may have been
    edited too).  Lines alike before it make the place ambiguous: it is one of
    ``first`` to ``last``.

    >>> _moved([(1,), (2,), (3,)], [(1,), (), (2,), (3,)])
    ('inserted', 1, 1)
    >>> _moved([(1,), (2,), (3,)], [(1,), (3,)])
    ('deleted', 1, 1)
    >>> _moved([(1,), (2,), (2,), (3,)], [(1,), (2,), (3,)])  # one of the two (2,) lines
    ('deleted', 1, 2)
    >>> _moved([(1,), (2,), (3,)], [(1,), (2,), (4,)]) is None
    True
    """
    k = next(
        (j for j, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b),
        min(len(expected), len(found)),
    )
    rest = expected[k:]
    if len(rest) < 2:
        return None
    for what, shifted in (("inserted", found[k + 1 :]), ("deleted", found[k : k + len(rest) - 1])):
        pairs = list(zip(rest if what == "inserted" else rest[1:], shifted, strict=False))
        same = sum(a == b for a, b in pairs)
        level = sum(a == b for a, b in zip(rest, found[k:], strict=False))
        if pairs and same >= 0.8 * len(pairs) and same > level:
            moved = expected[k] if what == "deleted" else found[k]
            first = k
            while first > 0 and (expected if what == "deleted" else found)[first - 1] == moved:
                first -= 1
            return what, first, k
    return None


def _same(found: Any, wanted: Any, *, cached: bool = False) -> bool:
    """Whether a cell holds what the generator writes (numbers to 1e-9; "" as empty)."""
    if found == "":
        found = None
    if wanted == "":
        wanted = None
    if isinstance(wanted, bool) or isinstance(found, bool):
        return type(found) is type(wanted) and found == wanted
    if isinstance(wanted, int | float) and isinstance(found, int | float):
        if math.isnan(wanted) or math.isnan(found):
            return math.isnan(wanted) and math.isnan(found)
        tol = max(REL * abs(wanted), ABS) if cached else REL * abs(wanted)
        return abs(found - wanted) <= tol
    return found == wanted


def _agrees(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool | str):
        return actual == expected and type(actual) is type(expected)
    if isinstance(actual, str) and actual in (NEVER, NOT_AVAILABLE):
        return math.isnan(expected)  # the Summary says in words what the model gives as NaN
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= max(REL * abs(expected), ABS)


def _show(x: Any) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "no number (never / n/a)"
    if isinstance(x, bool) or not isinstance(x, int | float):
        return repr(x)
    return f"{x:.10g}"


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
    run = _Audit(p)
    run.check_sheets()
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
    run.check_shapes(expected, [s for s in sheets if inputs is not None or s not in by_values])
    if layout.INPUTS in run.moved or layout.PROGRAMS in run.moved:
        # the inputs were read from cells that moved: what they say is no finding, and no
        # input to regenerate the workbook from
        del run.findings[before:after]
        run.input_cells.clear()
        if inputs is not None:
            inputs, expected = None, run.expected_workbook(None, risk)
    run.check_formulas(expected)
    run.check_names(expected)
    # Names and values of the options are echoed as text on most sheets: with inputs that are
    # not allowed (each a finding already) the placeholder's text would differ everywhere.
    compared = (
        [s for s in expected.sheetnames if s != risk_sheet.RISK or settings is not None]
        if inputs is not None
        else [layout.INPUTS]
    )
    run.check_constants(expected, compared)
    cached = run.check_errors()
    if cached and inputs is not None:
        run.check_results(*inputs)
        run.check_recalculated(expected)
    return Report(
        path=p, options=run.n, cached_values=cached, findings=run.findings, notes=run.notes
    )
