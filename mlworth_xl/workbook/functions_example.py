"""The example workbook of the ``MLWORTH_*`` Excel functions (``mlworth-xl excel --example``).

Formulas that call the functions, each next to the value it should give
(its *Expected* cells), on four sheets besides the Read me: Functions (one
question per formula), Ranges (a column of salaries in one call, an option
kept as a table of inputs), Compare (the default options side by side) and
Loan schedule.  Results of more than one cell are array formulas sized to
their result.

The Expected values are what the functions give, but the workbook generator
does not import the Excel functions (:mod:`mlworth_xl.udfs`): the caller
passes a :data:`Lookup` that gives the function of a name, and the command
line passes the one of :mod:`mlworth_xl.udfs`.  The file is saved as the
comparison workbook is (:func:`mlworth_xl.workbook.writer.workbook_bytes`):
the same bytes each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from mlworth_xl.model import data, fields
from mlworth_xl.workbook import styles
from mlworth_xl.workbook.writer import workbook_bytes

#: The function of a name: ``"MLWORTH_PAYBACK"`` to the function a formula calls by it.
Lookup = Callable[[str], Callable[..., Any]]
#: A formula row: label, function, arguments (cell references or literals), number format.
Row = tuple[str, str, list[Any], str]

README_NOTES = [
    "mlworth-xl: the MLWORTH_* Excel functions, by example",
    "",
    "This workbook needs the mlworth-xl add-in: its formulas call MLWORTH_* functions that run "
    "Python. Without the add-in those cells show #NAME? or nothing.",
    "Windows desktop Excel: install mlworth-xl in Python, run `mlworth-xl excel --windows` and "
    "follow its steps (xlwings add-in, UDF Modules = mlworth_xl.udfs, Import Functions). Save "
    "as .xlsm to keep the functions.",
    "Mac, Windows or Excel on the web: add the free xlwings Lite add-in and paste the "
    "requirements.txt and main.py that `mlworth-xl excel --lite` prints.",
    "Columns headed Expected hold what mlworth-xl computed when it wrote this file: once the "
    "add-in works, the formulas next to them show the same.",
    "Functions: one question per formula; edit the inputs in column B. Ranges: a column of "
    "salaries in one call, and an option kept as a table of inputs. Compare: the default "
    "options side by side. Loan schedule: a loan month by month.",
    "Results of more than one cell are array formulas sized to their result (they work in "
    "every Excel); after editing one, select its whole range and press Ctrl+Shift+Enter.",
    "Regenerate: mlworth-xl excel --example workbooks/mlworth-functions-example.xlsx --force",
]

INPUT_ROWS: list[tuple[str, Any, str]] = [
    ("Tuition per year", 52000, "$#,##0"),
    ("Years", 2, "0.00"),
    ("Fees per year", 0, "$#,##0"),
    ("Extra living per month", 1000, "$#,##0"),
    ("Relocation", 5000, "$#,##0"),
    ("Grants and scholarships per year", 0, "$#,##0"),
    ("Tuition growth", 0, "0.0%"),
    ("Amount borrowed", 41000, "$#,##0"),
    ("APR", 0.0794, "0.00%"),
    ("Term (years)", 10, "0"),
    ("Deferment (months): 2 years of school + 6 of grace", 30, "0"),
    ("Capitalize interest", True, "General"),
    ("Total cost", 180000, "$#,##0"),
    ("Salary before", 60000, "$#,##0"),
    ("Salary after", 100000, "$#,##0"),
    ("Tax rate", 0.25, "0%"),
]
FORMULA_ROWS: list[Row] = [
    ("Cost of attendance", "MLWORTH_COST", ["B2", "B3", "B4", "B5", "B6", "B7", "B8"], "$#,##0"),
    (
        "Monthly loan payment",
        "MLWORTH_LOAN_PAYMENT",
        ["B9", "B10", "B11", "B12", "B13"],
        "$#,##0.00",
    ),
    (
        "Total loan interest",
        "MLWORTH_LOAN_INTEREST",
        ["B9", "B10", "B11", "B12", "B13"],
        "$#,##0.00",
    ),
    (
        "Payback if completed (years after starting the new job)",
        "MLWORTH_PAYBACK",
        ["B14", "B15", "B16", "B17"],
        "0.00",
    ),
    ("Payback of the default option if completed", "MLWORTH_PAYBACK", [], "0.00"),
    ("Never pays back: the raise is too small", "MLWORTH_PAYBACK", [500000, "B15", 61000], "0.00"),
    (
        "Income given up while studying",
        "MLWORTH_INCOME_GIVEN_UP",
        ["B15", "B3", 0, "B17"],
        "$#,##0",
    ),
    ("ML engineer salary (embedded default)", "MLWORTH_DEFAULT", ["salary.ml_engineer"], "$#,##0"),
    ("Its source", "MLWORTH_SOURCE", ["salary.ml_engineer"], "General"),
]


def formula(name: str, args: list[Any]) -> str:
    """``=MLWORTH_X(B2,"key",3)`` from cell references and literals.

    >>> formula("MLWORTH_DEFAULT", ["salary.ml_engineer"]), formula("MLWORTH_PAYBACK", ["B14", 3])
    ('=MLWORTH_DEFAULT("salary.ml_engineer")', '=MLWORTH_PAYBACK(B14,3)')
    """
    return f"={name}({','.join(f'{chr(34)}{a}{chr(34)}' if _text(a) else str(a) for a in args)})"


def _text(a: Any) -> bool:
    """A literal text argument, not a reference like ``B2`` or ``A2:A11``."""
    return isinstance(a, str) and not all(
        p.rstrip("0123456789").isalpha() and p[len(p.rstrip("0123456789")) :].isdigit()
        for p in a.split(":")
    )


def call(lookup: Lookup, name: str, args: list[Any], read: Callable[[str], Any]) -> Any:
    """What the function ``lookup(name)`` gives for a formula; references (``B2``, ``A2:A11``)
    read with ``read``."""
    return lookup(name)(*(read(a) if isinstance(a, str) and not _text(a) else a for a in args))


def reader(ws: Worksheet) -> Callable[[str], Any]:
    """Cell values of a worksheet as Excel passes them: one value, or rows for a range."""

    def read(ref: str) -> Any:
        return [[c.value for c in row] for row in ws[ref]] if ":" in ref else ws[ref].value

    return read


def build(lookup: Lookup) -> Workbook:
    """The example workbook, its Expected values given by the functions of ``lookup``."""
    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    for i, text in enumerate(README_NOTES, start=1):
        readme.cell(i, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110

    ws = wb.create_sheet("Functions")
    for col, head in enumerate(("Input or result", "Value", "Expected", "Formula"), start=1):
        ws.cell(1, col, head).font = _bold()
    for r, (label, value, fmt) in enumerate(INPUT_ROWS, start=2):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value).number_format = fmt
    for r, (label, name, args, fmt) in enumerate(FORMULA_ROWS, start=len(INPUT_ROWS) + 3):
        ws.cell(r, 1, label).font = _bold()
        ws.cell(r, 3, call(lookup, name, args, reader(ws))).number_format = fmt
        ws.cell(r, 2, formula(name, args)).number_format = fmt
        ws.cell(r, 4, formula(name, args)[1:])
    styles.widths(ws, {"A": 50, "B": 16, "C": 16, "D": 60})
    ws.freeze_panes = "B2"
    _ranges_sheet(wb.create_sheet("Ranges"), lookup)
    _compare_sheet(wb.create_sheet("Compare"), lookup)
    _schedule_sheet(wb.create_sheet("Loan schedule"), lookup)

    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = "mlworth-xl"
    return wb


def example_workbook(lookup: Lookup) -> bytes:
    """The ``.xlsx`` file of :func:`build`: the same bytes for the same functions."""
    return workbook_bytes(build(lookup))


def _bold() -> Font:
    return Font(bold=True)


def _array(
    ws: Worksheet, lookup: Lookup, top_left: str, name: str, args: list[Any], expected: bool = True
) -> list[list[Any]]:
    """An array formula sized to its result; its last column beside it, headed Expected."""
    result = call(lookup, name, args, reader(ws))
    rows = result if isinstance(result, list) else [[result]]
    letter, row = coordinate_from_string(top_left)
    after = column_index_from_string(letter) + len(rows[0])
    ref = f"{top_left}:{get_column_letter(after - 1)}{row + len(rows) - 1}"
    ws[top_left] = ArrayFormula(ref, formula(name, args))
    if expected:
        ws.cell(1, after, "Expected").font = _bold()
        for i, r in enumerate(rows):
            if row + i > 1:
                ws.cell(row + i, after, r[-1])
    return rows


def _ranges_sheet(ws: Worksheet, lookup: Lookup) -> None:
    ws["A1"], ws["B1"] = "Salary after", "Payback if completed (years)"
    for i in range(10):
        ws.cell(2 + i, 1, 70000 + 10000 * i)
    _array(ws, lookup, "B2", "MLWORTH_PAYBACK", [180000, 60000, "A2:A11"])
    scenario = [
        ("Input", "Value"),
        ("Kind", "masters"),  # placement, months to a job, role shares: a master's
        ("Length (years)", 2),
        ("Tuition per year", 52000),
        ("Salary after", 120883),
        ("Current salary", 58260),
        ("Tax rate", 0.25),
        ("Share borrowed", 1),
        ("Savings available", 10000),
    ]
    for r, (label, value) in enumerate(scenario, start=1):
        ws.cell(r, 5, label), ws.cell(r, 6, value)
    _array(ws, lookup, "H1", "MLWORTH_EVALUATE", [f"E1:F{len(scenario)}"])
    for cell in ("A1", "B1", "E1", "F1"):
        ws[cell].font = _bold()
    styles.widths(ws, {"A": 14, "B": 16, "C": 14, "E": 20, "F": 12, "H": 28, "I": 16, "J": 16})


def _compare_sheet(ws: Worksheet, lookup: Lookup) -> None:
    names = [f.name for f in fields.PROGRAM_FIELDS]
    entries = data.default_program_entries()
    ws.append(names)
    for entry in entries:
        ws.append(
            [data.resolve(entry.get(n, data.field_default(fields.PROGRAM[n]))) for n in names]
        )
    top = len(entries) + 3
    table = f"A1:{get_column_letter(len(names))}{top - 2}"
    rows = _array(ws, lookup, f"A{top}", "MLWORTH_COMPARE", [table], expected=False)
    below = top + len(rows) + 1
    ws.cell(below, 1, "Expected (computed when this file was written)").font = _bold()
    for i, r in enumerate(rows, start=below + 1):
        for j, v in enumerate(r, start=1):
            ws.cell(i, j, v)
    styles.widths(ws, {"A": 40})


def _schedule_sheet(ws: Worksheet, lookup: Lookup) -> None:
    inputs = [
        ("Amount borrowed", 20500),
        ("APR", 0.0794),
        ("Term (years)", 10),
        ("Deferment (months)", 6),
        ("Capitalize interest", True),
    ]
    for r, (label, value) in enumerate(inputs, start=1):
        ws.cell(r, 1, label), ws.cell(r, 2, value)
    _array(
        ws, lookup, "D1", "MLWORTH_LOAN_SCHEDULE", ["B1", "B2", "B3", "B4", "B5"], expected=False
    )
    styles.widths(ws, {"A": 22})
