"""The workbook's look: one colour for inputs, number formats by unit, headers, protection.

Inputs are the only unlocked cells and the only cells in :data:`INPUT_FILL`
with a blue font (the usual spreadsheet-modelling convention); formulas are
black on white and locked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.worksheet import Worksheet

try:  # an internal: without it Cells styles every cell through openpyxl (fast_path.probe)
    from openpyxl.styles.cell_style import StyleArray
except ImportError:  # pragma: no cover - no tested openpyxl lacks it
    StyleArray = None  # type: ignore[assignment,misc]

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="0000FF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
NOTE_FONT = Font(italic=True, color="595959")
BOLD = Font(bold=True)
# Conditional formats are differential styles: Excel takes their fill colour from bgColor.
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
GOOD_FONT = Font(color="006100")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
BAD_FONT = Font(bold=True, color="9C0006")
WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_RIGHT = Alignment(wrap_text=True, vertical="top", horizontal="right")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
UNLOCKED = Protection(locked=False)

USD = '"$"#,##0'
USD_CENTS = '"$"#,##0.00'
USD_SIGNED = '"$"#,##0;[Red]-"$"#,##0'
PERCENT = "0.0##%"
SHARE = "0.00"
FACTOR = "0.0000"
YEARS = "0.0"
WHOLE = "0"

#: Number format of an input by its unit in :mod:`mlworth_xl.model.fields`.
UNIT_FORMAT = {
    "usd": USD,
    "rate": PERCENT,
    "fraction": PERCENT,
    "years": "General",
    "months": "General",
    "count": WHOLE,
    "bool": "General",
    "text": "@",
}

#: Number format of a comparison column by its kind in :data:`mlworth_xl.api.COLUMNS`.
KIND_FORMAT = {
    "usd": USD,
    "years": YEARS,
    "rate": "0.0%",
    "rank": WHOLE,
    "flag": "General",
    "text": "General",
}

#: The unit of an input, in words.
UNIT_WORDS = {
    "usd": "dollars",
    "rate": "percent",
    "fraction": "percent",
    "years": "years",
    "months": "months",
    "count": "count",
    "bool": "TRUE or FALSE",
    "text": "text",
}


def lines_height(*texts: tuple[str, float]) -> float:
    """Row height (points) that shows each ``(text, column width)`` wrapped in full.

    Spreadsheets do not grow a row for wrapped text when they open a file,
    so rows with long text get their height here (15 points a line).

    >>> lines_height(("a" * 30, 20), ("short", 10))
    30
    """
    return 15 * max(max(1, math.ceil(len(text) / (width * 0.95))) for text, width in texts)


def title(ws: Worksheet, text: str, note: str | None = None) -> None:
    """A sheet's title in A1 and a one-line explanation in A2."""
    ws["A1"] = text
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = 24
    if note:
        ws["A2"] = note
        ws["A2"].font = NOTE_FONT


def header(ws: Worksheet, row: int, column: int, text: str) -> None:
    """A column header: white bold on dark blue, wrapped."""
    _header_look(ws.cell(row=row, column=column, value=text))


def _header_look(cell: Cell) -> None:
    cell.fill = HEADER_FILL
    cell.font = HEADER_FONT
    cell.alignment = HEADER_ALIGN


class Cells:
    """Writes the many cells of one sheet that share a few looks, quickly.

    Styling a cell through openpyxl looks each font, fill and number format
    up in the workbook's collections (hashing a ``Font`` field by field);
    for the tens of thousands of formula cells of Cash flows and Loans that
    took longer than everything else.  Here the first cell of each look is
    styled through openpyxl, which registers the look in the workbook as it
    always did, and every later cell of that look gets a copy of its style
    array: the same styles, and the same file.  That reaches into openpyxl's
    internals, so it is done only when ``fast`` is true: the sheets' writers
    pass what :func:`mlworth_xl.workbook.fast_path.enabled` says; otherwise
    every cell is styled through openpyxl.

    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> cells = Cells(ws)
    >>> for row in (1, 2):
    ...     _ = cells.formula(row, 1, f"=B{row}*2", USD)
    >>> ws["A2"].value, ws["A2"].number_format, ws["A2"].data_type
    ('=B2*2', '"$"#,##0', 'f')
    """

    def __init__(self, ws: Worksheet, *, fast: bool = False) -> None:
        self.ws = ws
        self.fast = fast
        self._looks: dict[Hashable, StyleArray] = {}

    def _copy(self, row: int, column: int, look: Hashable) -> Cell | None:
        """A new cell styled as the first cell of ``look``; None for the first cell of a
        look, or a cell that exists already, or always off the speed path: :meth:`_styled`
        writes those."""
        if not self.fast:
            return None
        template = self._looks.get(look)
        if template is None or (row, column) in self.ws._cells:
            return None
        cell = Cell(self.ws, row, column, None, template)  # copies the style array
        self.ws._add_cell(cell)
        return cell

    def _styled(self, row: int, column: int, look: Hashable, style: Callable[[Cell], None]) -> Cell:
        """A cell styled through openpyxl; the first new cell of a look keeps its style."""
        if not self.fast:
            cell = self.ws.cell(row=row, column=column)
            style(cell)
            return cell
        new = (row, column) not in self.ws._cells
        cell = self.ws.cell(row=row, column=column)
        style(cell)
        if new:
            self._looks.setdefault(look, StyleArray(cell._style))
        return cell

    def formula(self, row: int, column: int, formula: str | int, number_format: str) -> Cell:
        """A formula cell (``formula`` starts with ``=``) or a number, in ``number_format``."""
        cell = self._copy(row, column, number_format)
        if cell is None:

            def style(target: Cell) -> None:
                target.number_format = number_format

            cell = self._styled(row, column, number_format, style)
        if self.fast and isinstance(formula, str) and len(formula) > 1 and formula[0] == "=":
            # What setting .value does with a formula, without scanning it for characters
            # a file cannot hold: formulas are built from references and names, not input.
            cell._value, cell.data_type = formula, "f"
        else:
            cell.value = formula
        return cell

    def header(self, row: int, column: int, text: str) -> Cell:
        """A column header, as :func:`header` writes it."""
        cell = self._copy(row, column, _header_look) or self._styled(
            row, column, _header_look, _header_look
        )
        cell.value = text
        return cell


def mark_input(cell: object) -> None:
    """Style a cell as an input: input colour, blue font, unlocked."""
    cell.fill = INPUT_FILL  # type: ignore[attr-defined]
    cell.font = INPUT_FONT  # type: ignore[attr-defined]
    cell.protection = UNLOCKED  # type: ignore[attr-defined]


def protect(ws: Worksheet) -> None:
    """Protect a sheet without a password: a user can unprotect it from the menu.

    Locked cells (all formulas) cannot be edited; column widths and row
    heights can still be changed.
    """
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def widths(ws: Worksheet, by_letter: dict[str, float]) -> None:
    """Set column widths (in characters)."""
    for letter, width in by_letter.items():
        ws.column_dimensions[letter].width = width


#: A text starting with one of these would be read as a formula if typed into a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def set_text(target: Any, text: str) -> None:
    """Write ``text`` into a cell as text that can never become a formula.

    openpyxl stores a string starting with ``=`` as a formula; the data type
    is forced back to text, and a quote prefix keeps Excel from turning it
    into a formula when the cell is edited.
    """
    target.value = text
    target.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        target.quotePrefix = True
