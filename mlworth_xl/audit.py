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
- where the file holds the results of its last calculation (Excel and
  LibreOffice store them; a file written by openpyxl has none), a result on
  Summary, Cash flows or Loans that differs from the model recomputed from
  the workbook's own inputs (relative 1e-9, or 1e-6 near zero).

The file is read with the protections of :mod:`mlworth_xl.safe_xlsx`: size
limits checked before anything is unpacked, XML entity attacks refused,
macros never run, external links never refreshed.  It is loaded twice, for
the formulas' text and for the cached values.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import column_index_from_string

from mlworth_xl.api import COMPARE_COLUMNS, odds_frame
from mlworth_xl.model import fields
from mlworth_xl.model.codes import Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.evaluate import yearly_detail
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.safe_xlsx import check_archive, check_extent, open_workbook
from mlworth_xl.workbook import layout, reader
from mlworth_xl.workbook.cashflows import shown
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.summary import NEVER, NOT_AVAILABLE, STALE, WRITTEN
from mlworth_xl.workbook.validation import RAP_NEEDS_REGENERATING

#: Relative and absolute tolerance between a cached result and the model.
REL, ABS = 1e-9, 1e-6
#: Sheets without which the file is not a comparison workbook at all.
REQUIRED_SHEETS = (layout.INPUTS, layout.PROGRAMS, layout.SUMMARY, layout.CASH_FLOWS,
                   layout.LOANS)
#: Longest formula quoted in full in a finding.
_SHOWN = 80
#: Cash-flow columns of each option compared with :func:`yearly_detail`: (column, attribute).
_YEARLY = (("direct", "direct_cost"), ("foregone", "income_given_up"), ("gain", "gain"),
           ("fee", "loan_fee"), ("interest", "interest"), ("flow", "flow"),
           ("cumulative", "cumulative"), ("discounted_cumulative", "discounted_cumulative"))
#: Loans key figures compared with the model's outcome: (row key, outcome attribute).
_LOAN_FIGURES = (("cost_of_attendance", "cost_of_attendance"), ("borrowed", "amount_borrowed"),
                 ("fee", "loan_fees"), ("payment", "monthly_payment"),
                 ("total_interest", "total_interest"))


@dataclass(frozen=True)
class Finding:
    """One thing wrong in one cell: ``Summary!K8: formula replaced by the number 4.2 …``."""

    cell: str
    kind: str  # "formula", "input", "error", "result", "sheet"
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
        checked = ("formulas, inputs, error values and results against the model"
                   if self.cached_values else
                   "formulas, inputs and error values (no cached results to compare: "
                   "the file was never calculated)")
        if self.clean:
            return [f"{self.path}: OK, {self.options} options; checked {checked}"]
        head = (f"{self.path}: {len(self.findings)} problem"
                f"{'s' if len(self.findings) != 1 else ''} in a workbook of {self.options} "
                f"options; checked {checked}")
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
        raise InputError.single("workbook", f"unknown file type {path.suffix or '(none)'!r}; "
                                "allowed: .xlsx, .xlsm", source=str(path))
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
    return formula if len(formula) <= _SHOWN else formula[:_SHOWN - 3] + "..."


def _describe(value: Any, data_type: str = "n") -> str:
    """A constant as a finding names it: ``the number 4.2``, ``the text 'abc'``."""
    if data_type == "e" or (isinstance(value, str) and value in _ERRORS):
        return f"the error {value}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"the number {value:g}"
    return f"the text {str(value)!r}"


#: The value of an input that holds a formula never calculated (reported already).
_UNKNOWN = object()
_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
           "#GETTING_DATA", "#SPILL!", "#CALC!"}


# --- the audit ----------------------------------------------------------------------------

class _Audit:
    def __init__(self, path: Path):
        self.path = path
        self.notes = check_archive(path, "workbook")
        self.formulas = open_workbook(path, "workbook", data_only=False)
        check_extent(self.formulas, path)  # before any sheet is walked cell by cell
        self.values = open_workbook(path, "workbook", data_only=True)
        check_extent(self.values, path)
        missing = [s for s in REQUIRED_SHEETS if s not in self.formulas.sheetnames]
        if missing:
            raise InputError.single("workbook", f"sheet {missing[0]!r} is missing; this is not "
                                    "a comparison workbook written by `mlworth-xl workbook`",
                                    source=str(path))
        self.n = self._count_options()
        programs = self.formulas[layout.PROGRAMS]
        # A template (`mlworth-xl template`): its empty option columns are as generated.
        self.template = (programs.cell(row=layout.PROGRAMS_FILLED_ROW, column=1).value
                         == layout.FILLED_LABEL)
        self.blank = frozenset(i for i in range(self.n) if self.template
                               and not reader.in_use(programs, i))
        self.rap_options = self._rap_options()
        self.findings: list[Finding] = []
        self.input_cells: set[str] = set()
        self.uncertainties: list[Uncertainty] | None = None

    def _count_options(self) -> int:
        n = reader.option_count(self.formulas[layout.PROGRAMS])
        if n == 0:
            raise InputError.single("workbook", "the Programs sheet has no options (headers "
                                    "Option 1, Option 2, … in row "
                                    f"{layout.PROGRAMS_HEADER_ROW})", source=str(self.path))
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
        self.add(where, "input", f"input holds the formula {_shorten(text)}; the generator "
                 "writes a value here")
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
            where, value, dtype = self._input(layout.INPUTS, layout.INPUTS_VALUE_COL,
                                              layout.INPUTS_FIRST_ROW + k)
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
                    self._input(layout.PROGRAMS, Layout.option_col(i),
                                layout.PROGRAM_ROW[spec.name])
                continue
            for spec in fields.PROGRAM_FIELDS:
                where, value, dtype = self._input(layout.PROGRAMS, Layout.option_col(i),
                                                  layout.PROGRAM_ROW[spec.name])
                if spec.name == "name":
                    if value is None or not str(value).strip():
                        self.add(where, "input", "name: is empty; every option needs a name")
                    names.append("" if value is None else str(value))
                elif spec.name == "kind":
                    kind = "" if value is None else str(value).strip().lower()
                    if kind not in fields.KINDS:
                        self.add(where, "input", f"kind: {value!r} is not allowed; allowed: "
                                 f"{spec.allowed()}")
                    kinds.append(kind)
                else:
                    x = self._number(where, spec, value, dtype)
                    columns[spec.name][i] = math.nan if x is None else x
                    on_rap = spec.name == "repayment_plan" and x == Plan.RAP
                    if on_rap and i not in self.rap_options:
                        self.add(where, "input", f"repayment_plan: {int(Plan.RAP)} (RAP), but this "
                                 "workbook has no block on the RAP sheet for this option. "
                                 + RAP_NEEDS_REGENERATING)
        self.uncertainties = self._read_uncertainties(kinds)
        if len(self.findings) > before:
            return None
        who = Person(**{k: (int(v) if fields.PERSON[k].integer else v)  # type: ignore[arg-type]
                        for k, v in person.items()})
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
                    where = layout.PROGRAMS + "!" + layout.cell(
                        None, Layout.option_col(i), layout.PROGRAM_ROW[p.field], absolute=False)
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
                where, value, dtype = self._input(layout.PROGRAMS, Layout.option_col(i),
                                                  layout.RISK_ROW[spec.name])
                if spec.unit == "text":
                    text = "" if value is None else str(value).strip().lower()
                    if text not in spec.choices:
                        self.add(where, "input", f"{spec.name}: {value!r} is not allowed; "
                                 f"allowed: {spec.allowed()}")
                    given[spec.name] = text
                elif spec.name == "salary_median" and value is None:
                    given[spec.name] = None
                else:
                    x = self._number(where, spec, value, dtype)
                    given[spec.name] = bool(x) if spec.unit == "bool" and x is not None else x
            if len(self.findings) == before:
                out.append(Uncertainty(**given))
        return out if len(self.findings) == before else None

    # --- formulas -------------------------------------------------------------------------
    def expected_workbook(self, inputs: tuple[Programs, Person] | None) -> Any:
        """What the generator writes for these inputs (placeholders where they are bad).

        The Risk sheet holds simulated values, not formulas, and is optional
        (``--no-risk``): it is neither regenerated nor required.
        """
        from mlworth_xl.workbook import build_workbook

        if inputs is not None:
            try:
                return build_workbook(*inputs, risk=None, rap_options=self.rap_options,
                                      uncertainty=self.uncertainties, template=self.template,
                                      blank=self.blank)
            except InputError:
                pass
        # Formulas depend on the number of options and on which have a block on the RAP
        # sheet (the file's), not on the values: any allowed ones do.
        placeholder = [Program(f"Option {i + 1}", years=1, tuition_per_year=10_000,
                               salary_after=80_000,
                               repayment_plan=(Plan.RAP if i in self.rap_options
                                               else Plan.FIXED))
                       for i in range(self.n)]
        return build_workbook(Programs.from_records(placeholder), Person(), risk=None,
                              rap_options=self.rap_options, template=self.template,
                              blank=self.blank)

    def check_formulas(self, expected: Any) -> None:
        for sheet in expected.sheetnames:
            if sheet not in self.formulas.sheetnames:
                self.add(sheet, "sheet", "sheet is missing")
                continue
            mine, theirs = expected[sheet], self.formulas[sheet]
            wanted = {c.coordinate: _formula_text(c) for row in mine.iter_rows() for c in row
                      if _is_formula(c)}
            for coord, text in wanted.items():
                c = theirs[coord]
                where = f"{sheet}!{coord}"
                if _is_formula(c):
                    found = _formula_text(c)
                    if normalize(found) != normalize(text):
                        self.add(where, "formula", f"formula changed to {_shorten(found)} "
                                 f"(expected {_shorten(text)})")
                elif c.value is None:
                    self.add(where, "formula", f"formula deleted (expected {_shorten(text)})")
                else:
                    self.add(where, "formula", f"formula replaced by "
                             f"{_describe(c.value, c.data_type)} (expected {_shorten(text)})")
            for row in theirs.iter_rows():
                for c in row:
                    where = f"{sheet}!{c.coordinate}"
                    if (_is_formula(c) and c.coordinate not in wanted
                            and where not in self.input_cells):
                        self.add(where, "formula", f"a formula where the generator writes none: "
                                 f"{_shorten(_formula_text(c))}")

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
            if value.data_type == "e" or (isinstance(value.value, str)
                                          and value.value in _ERRORS):
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
            table = Programs(names=[table.names[i] for i in used],
                             kinds=[table.kinds[i] for i in used],
                             columns={k: v[used] for k, v in table.columns.items()})
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
            if actual is None or v.data_type == "e" or actual in _ERRORS:
                return  # not calculated, or an error value (reported as such)
            if not _agrees(actual, expected):
                self.add(f"{sheet}!{c.coordinate}", "result",
                         f"shows {_show(actual)} but the model gives {_show(expected)} for "
                         f"this workbook's inputs ({what})")

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
                    compare(layout.LOANS, lay.option_col(i), layout.LOANS_ROW[key],
                            float(getattr(outcome, attr)[j]), f"{key} of {name!r}")
            for key, attr in _YEARLY:
                series = getattr(detail, attr)[j]
                for y in range(1, layout.MAX_YEARS + 1):
                    compare(layout.CASH_FLOWS, lay.cf_col(i, key), lay.cf_row(y),
                            shown(series, key, y, horizon), f"{attr} of {name!r} in year {y}")


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
    inputs = run.read_inputs()
    run.check_formulas(run.expected_workbook(inputs))
    cached = run.check_errors()
    if cached and inputs is not None:
        run.check_results(*inputs)
    return Report(path=p, options=run.n, cached_values=cached, findings=run.findings,
                  notes=run.notes)
