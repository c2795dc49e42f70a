"""``mlworth-xl check``: the workbook's cells against the generator's and the model's.

Every formula as the generator writes it (not replaced, deleted, edited or
added), every value that is not an input (labels, constants, the Risk, Odds
and Sources sheets written from the inputs), every cell showing an error
value and, where the file holds the results of its last calculation, every
result against the model and against a calculation of the expected workbook
(by IronCalc, else LibreOffice).  Each check adds its findings to the audit
(:mod:`.check`); the sheets a row or column moved (:mod:`.check_structure`)
are not compared cell by cell, nor the input cells (:mod:`.reader`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mlworth_xl.api import odds_frame
from mlworth_xl.columns import COMPARE_COLUMNS
from mlworth_xl.error_values import ERROR_VALUES
from mlworth_xl.model.evaluate import yearly_detail
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.safe_xlsx import open_workbook
from mlworth_xl.workbook import cached_values, fast_path, layout, risk_sheet
from mlworth_xl.workbook.cashflows import shown
from mlworth_xl.workbook.check_run import Audit
from mlworth_xl.workbook.input_cells import describe, formula_text, is_formula, normalize, shorten
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.summary import GUARDED, NEVER, NOT_AVAILABLE, STALE

#: Relative and absolute tolerance between a cached result and the model.
REL, ABS = 1e-9, 1e-6
#: Sheets of values written from the inputs (stale once an input is edited): what they hold.
_FROM_INPUTS = {
    risk_sheet.RISK: "a simulation of this workbook's inputs with the draws and seed of its stamp",
    layout.SOURCES: "the sources of this workbook's inputs",
    layout.ODDS: "the odds the model gives this workbook's inputs (the figures the "
    "Summary says are out of date once the inputs change)",
}
#: Most differing values of such a sheet reported one by one (more make one finding).
_SHOWN_BY_CELL = 5
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


# --- formulas -----------------------------------------------------------------------------


def check_formulas(run: Audit, expected: Any) -> None:
    """A finding per formula replaced, deleted or edited, and per formula added."""
    sheets = list(expected.sheetnames)
    if risk_sheet.RISK in run.formulas.sheetnames and risk_sheet.RISK not in sheets:
        sheets.append(risk_sheet.RISK)  # not regenerated (bad inputs): it holds no formula
    for sheet in sheets:
        if sheet not in run.formulas.sheetnames or sheet in run.moved:
            continue  # reported by check_sheets or check_shapes
        theirs = run.sheet(run.formulas[sheet])
        wanted = (
            {(e.row, e.column): e for e in run.sheet(expected[sheet]).cells if is_formula(e)}
            if sheet in expected.sheetnames
            else {}
        )
        for (row, column), e in wanted.items():
            text = formula_text(e)
            c = theirs.at(row, column)
            if c is not None and is_formula(c):
                found = formula_text(c)
                # as written, most are the same text: normalized only where they are not
                if found != text and normalize(found) != normalize(text):
                    run.add(
                        f"{sheet}!{e.coordinate}",
                        "formula",
                        f"formula changed to {shorten(found)} (expected {shorten(text)})",
                    )
            elif c is None:
                run.add(
                    f"{sheet}!{e.coordinate}",
                    "formula",
                    f"formula deleted (expected {shorten(text)})",
                )
            else:
                run.add(
                    f"{sheet}!{e.coordinate}",
                    "formula",
                    f"formula replaced by "
                    f"{describe(c.value, c.data_type)} (expected {shorten(text)})",
                )
        for c in theirs.cells:
            if is_formula(c) and (c.row, c.column) not in wanted:
                where = f"{sheet}!{c.coordinate}"
                if where not in run.input_cells:
                    run.add(
                        where,
                        "formula",
                        f"a formula where the generator writes none: {shorten(formula_text(c))}",
                    )


# --- values that are no inputs ------------------------------------------------------------


def check_constants(run: Audit, expected: Any, sheets: list[str]) -> None:
    """Every cell holding a value (not a formula, not an input) as the generator writes it."""
    for sheet in sheets:
        if sheet not in run.formulas.sheetnames or sheet in run.moved:
            continue
        if run.template and sheet == layout.SOURCES:
            continue  # a template lists the figures of its empty columns' defaults
        before = len(run.findings)
        _constants(run, expected[sheet], run.formulas[sheet])
        found = run.findings[before:]
        if sheet in _FROM_INPUTS and len(found) > _SHOWN_BY_CELL:
            del run.findings[before:]
            run.add(
                sheet,
                "value",
                f"{len(found)} values differ from "
                f"{_FROM_INPUTS[sheet]} (first {found[0]}): the inputs or the sheet "
                "were edited since the file was written; run `mlworth-xl workbook` "
                "again to refresh it",
            )


def _constants(run: Audit, mine: Any, theirs: Any) -> None:
    sheet = theirs.title
    expected, found = run.sheet(mine), run.sheet(theirs)
    wanted = {(e.row, e.column): e for e in expected.cells if not is_formula(e)}
    for (row, column), cell in wanted.items():
        where = f"{sheet}!{cell.coordinate}"
        if where in run.input_cells:
            continue
        c = found.at(row, column)
        if c is not None and is_formula(c):
            continue  # reported by check_formulas
        value = None if c is None else c.value
        if not _same(value, cell.value):
            now = "emptied" if c is None or value == "" else f"holds {describe(value, c.data_type)}"
            run.add(
                where,
                "value",
                f"{now}; the generator writes {describe(cell.value, cell.data_type)}",
            )
    for c in found.cells:
        if c.value == "" or is_formula(c) or (c.row, c.column) in wanted:
            continue
        where = f"{sheet}!{c.coordinate}"
        e = expected.at(c.row, c.column)
        if where in run.input_cells or (e is not None and is_formula(e)):
            continue
        run.add(
            where,
            "value",
            f"holds {describe(c.value, c.data_type)} where the generator writes nothing",
        )


# --- cached values ------------------------------------------------------------------------


def formula_values(run: Audit) -> Iterator[tuple[str, Any, Any]]:
    """(address, formula cell, cached value cell) of every formula in the file."""
    for ws in run.formulas.worksheets:
        cached = run.values[ws.title]
        for c in run.sheet(ws).cells:
            if is_formula(c):
                yield f"{ws.title}!{c.coordinate}", c, cached.cell(row=c.row, column=c.column)


def check_errors(run: Audit) -> bool:
    """Add a finding per formula showing an error value; whether any result was cached."""
    cached = False
    for where, _, value in formula_values(run):
        if value.value is None:
            continue
        cached = True
        if value.data_type == "e" or (isinstance(value.value, str) and value.value in ERROR_VALUES):
            run.add(where, "error", f"shows the error {value.value}")
    return cached


def check_results(run: Audit, table: Programs, who: Person) -> None:
    """Compare cached results with the model, cell by cell."""
    lay = Layout(run.n, run.rap_options)
    used = [i for i in range(run.n) if i not in run.blank]  # all but a template's empty
    uncertainty = run.uncertainties
    if not used:
        return  # a template with nothing filled in: no result to compare
    if run.blank:  # the model of the options filled in (the rank is among them)
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
        c = run.formulas[sheet].cell(row=row, column=column)
        if not is_formula(c):
            return  # a constant there is reported as a replaced formula
        v = run.values[sheet].cell(row=row, column=column)
        actual = v.value
        if actual is None or v.data_type == "e" or actual in ERROR_VALUES:
            return  # not calculated, or an error value (reported as such)
        if not _agrees(actual, expected):
            run.add(
                f"{sheet}!{c.coordinate}",
                "result",
                f"shows {_show(actual)} but the model gives {_show(expected)} for "
                f"this workbook's inputs ({what})",
            )

    written = GUARDED  # the simulated figures, and the rank by the expected NPV
    for j, (i, name) in enumerate(zip(used, table.names, strict=True)):
        row = lay.summary_row(i)
        for k, col in enumerate(COMPARE_COLUMNS):
            expected = frame.iloc[j][col.header]
            if col.key == "verdict":
                continue  # words from the chance, rounded as each engine's TEXT rounds
            if run.template and col.key in written:  # a template has no simulated ones
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


def check_recalculated(run: Audit, expected: Any) -> None:
    """Every cached result against a calculation of the expected workbook.

    IronCalc calculates it in process (the engine whose values the generator stores);
    without it, LibreOffice does; without either, only the model's figures are compared.
    """
    from mlworth_xl.atomic import temporary_folder
    from mlworth_xl.workbook import ironcalc_values
    from mlworth_xl.workbook.libreoffice import LibreOfficeError, find_soffice, recalculate
    from mlworth_xl.workbook.writer import computed_bytes, workbook_bytes

    engine = "IronCalc" if ironcalc_values.available() else "LibreOffice"
    if engine == "LibreOffice" and find_soffice() is None:
        run.notes.append(
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
                run.notes.append(f"cached results not compared cell by cell: {exc}")
                return
        truth = _calculated(run, expected, calculated, written=engine == "IronCalc")
        reported = {f.cell for f in run.findings}
        for where, c, value in formula_values(run):
            sheet = where.split("!", 1)[0]
            if (
                value.value is None
                or where in reported
                or where in run.input_cells
                or sheet in run.moved
                or sheet not in truth.sheetnames
            ):
                continue
            right = truth[sheet].cell(row=c.row, column=c.column)
            if value.data_type == "e" or value.value in ERROR_VALUES:
                continue  # reported as an error value
            if not _same(value.value, right.value, cached=True):
                run.add(
                    where,
                    "result",
                    f"shows {_show(value.value)} but its formula gives "
                    f"{_show(right.value)} for this workbook's inputs (as {engine} "
                    "calculates it)",
                )


def _calculated(run: Audit, expected: Any, calculated: Path, *, written: bool) -> Any:
    """The values of ``calculated`` (the expected workbook calculated), as loaded ``data_only``.

    A file ``written`` from ``expected`` (its cells and styles, IronCalc's values added)
    is read from its XML where :mod:`.fast_path` allows; a cell without a formula, a file
    the XML reader leaves to openpyxl, or one LibreOffice saved (in its own styles) is
    read by openpyxl.
    """
    loaded: list[Any] = []

    def load() -> Any:
        if not loaded:
            loaded.append(open_workbook(calculated, "workbook", data_only=True))
        return loaded[0]

    if written and fast_path.why_plain_reading() is None:
        found = cached_values.read(
            calculated, expected, lambda ws: run.sheet(ws).cells, lambda sheet: load()[sheet]
        )
        if found is not None:
            return found
    return load()


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
