"""Input cells of a comparison or template workbook: where they are, and one read at a time.

:mod:`.reader` reads a workbook's inputs sheet by sheet through :class:`CellReader`,
in either of its two modes: filled in (``--programs``: cached values, empty inputs
take their defaults, text is read as a programs file's) or as generated (``check``:
every input holds a value the generator writes, a formula is a problem).  The
functions before it tell where the inputs are: which columns of the Programs sheet
are options, which are filled in, and which options have a block on the RAP sheet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string

from mlworth_xl.error_values import ERROR_VALUES
from mlworth_xl.model import fields
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.parse import parse_bool, parse_code, parse_number
from mlworth_xl.workbook import layout
from mlworth_xl.workbook.layout import Layout


@dataclass(frozen=True)
class CellProblem:
    """A problem of one input cell: its address (``Programs!D8``), the field and what is wrong.

    ``field`` is empty for a problem of the cell itself (a formula where a value belongs).

    >>> str(CellProblem("Programs!C8", "years", "is empty"))
    'years: is empty'
    """

    cell: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def problem(self, path: Path) -> Problem:
        """As an :class:`InputError` lists it: ``client.xlsx, Programs!D8: years: ...``."""
        return Problem(self.field, self.message, source=f"{path}, {self.cell}")


def empty(value: Any) -> bool:
    """Whether a cell value counts as empty: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def number(
    spec: fields.Field, value: Any, data_type: str = "n", *, text: bool = True
) -> tuple[float | None, str | None]:
    """An input cell's value as a number (0/1 for TRUE/FALSE): ``(value, None)`` or ``(None, why)``.

    ``text``: a text cell is read as a programs file's text (``"$52,000"``);
    otherwise only numbers (and TRUE/FALSE for a TRUE/FALSE input) are.

    >>> number(fields.PROGRAM["tuition_per_year"], "abc")[1][:45]
    "'abc' is not a number; allowed: a number from"
    >>> number(fields.PROGRAM["loan_share"], -0.5)[1]
    '-0.5 is out of range; allowed: a number from 0 (0%) to 1 (100%)'
    """
    allowed = spec.allowed()
    if data_type == "e" or (isinstance(value, str) and value.strip() in ERROR_VALUES):
        return None, f"holds the error {value}; allowed: {allowed}"
    if empty(value):
        return None, f"is empty; allowed: {allowed}"
    if isinstance(value, str) and text:
        try:
            x = (
                parse_bool(value)
                if spec.unit == "bool"
                else parse_code(value, spec)
                if spec.is_code
                else parse_number(value, spec)
            )
        except ValueError as exc:
            return None, str(exc)
    elif spec.unit == "bool":
        if not isinstance(value, bool):
            return None, f"{value!r} is not TRUE or FALSE"
        x = float(value)
    elif isinstance(value, bool) or not isinstance(value, int | float):
        shown = ("TRUE" if value else "FALSE") if isinstance(value, bool) else repr(value)
        return None, f"{shown} is not a number; allowed: {allowed}"
    else:
        x = float(value)
    problems = fields.check(spec, [x])
    return (None, problems[0][1]) if problems else (x, None)


def is_formula(c: Any) -> bool:
    """Whether a cell holds a formula (text such as ``"=HYPERLINK(…)"`` stored as text does not)."""
    return c.data_type == "f"


def formula_text(c: Any) -> str:
    """The text of a formula cell (array formulas included)."""
    value = c.value
    return value if isinstance(value, str) else str(getattr(value, "text", value))


def shorten(formula: str) -> str:
    """A formula as a message quotes it: the first 77 characters and "..." when longer than 80."""
    return formula if len(formula) <= _SHOWN else formula[: _SHOWN - 3] + "..."


#: Longest formula quoted in full in a problem.
_SHOWN = 80
#: LibreOffice's TRUE and FALSE: ``=TRUE()``.
BOOL_CALL = re.compile(r"\b(TRUE|FALSE)\(\)", re.I)
#: The name over a block of the RAP sheet: ``=Loans!$C$5``, the option's name on Loans.
_RAP_NAME = re.compile(r"=\s*'?" + layout.LOANS + r"'?!\$?([A-Z]{1,3})\$?(\d+)\s*", re.I)


def is_comparison(ws: Any) -> bool:
    """Whether a Programs sheet is that of a workbook the generator wrote (its header row)."""
    return (
        ws.cell(row=layout.PROGRAMS_HEADER_ROW, column=1).value == "Input"
        and ws.cell(row=layout.PROGRAMS_HEADER_ROW, column=layout.OPTION_COL).value == "Option 1"
    )


def is_template(ws: Any) -> bool:
    """Whether a Programs sheet is a template's (``mlworth-xl template``): its "filled in" row."""
    return ws.cell(row=layout.PROGRAMS_FILLED_ROW, column=1).value == layout.FILLED_LABEL


def option_count(ws: Any) -> int:
    """How many option columns a Programs sheet has (headers Option 1, Option 2, …)."""
    n = 0
    while (
        ws.cell(row=layout.PROGRAMS_HEADER_ROW, column=Layout.option_col(n)).value
        == f"Option {n + 1}"
    ):
        n += 1
    return n


def in_use(ws: Any, i: int) -> bool:
    """Whether option column ``i`` is filled in: any of its required inputs holds something."""
    return any(
        not empty(ws.cell(row=layout.PROGRAM_ROW[k], column=Layout.option_col(i)).value)
        for k in layout.REQUIRED
    )


def rap_blocks(wb: Any, n: int) -> tuple[int, ...]:
    """The options (of ``n``) with a block on a workbook's RAP sheet, read from the blocks' names.

    Only options on RAP when the workbook was generated have one.
    """
    if layout.RAP not in wb.sheetnames:
        return ()
    ws = wb[layout.RAP]
    found: list[int] = []
    for block in range(n):
        c = ws.cell(row=layout.RAP_NAME_ROW, column=Layout.rap_block_col(block, "year"))
        match = _RAP_NAME.fullmatch(formula_text(c)) if is_formula(c) else None
        if match is None or int(match.group(2)) != layout.LOANS_ROW["name"]:
            break
        i = column_index_from_string(match.group(1).upper()) - layout.OPTION_COL
        if not 0 <= i < n or (found and i <= found[-1]):
            break
        found.append(i)
    return tuple(found)


#: The value of an input that holds a formula never calculated (a problem already).
UNKNOWN: Any = object()


class CellReader:
    """The input cells of one workbook, read in one of the two modes (see the module).

    Filled in (``values`` None): ``wb`` holds the cached values; an empty input takes its
    default and text is read as a programs file's.  As generated (``strict``): ``wb`` holds
    the formulas and ``values`` the cached values; every cell read is kept in ``cells``.
    """

    def __init__(self, wb: Any, values: Any = None):
        self.wb, self.values = wb, values
        self.strict = values is not None
        self.problems: list[CellProblem] = []
        self.cells: set[str] = set()

    def problem(self, where: str, field: str, message: str) -> None:
        self.problems.append(CellProblem(where, field, message))

    def cell(self, sheet: str, column: int, row: int) -> tuple[str, Any, str]:
        """An input cell: (address, value, data type); as generated, a formula is a problem
        and gives its cached value (:data:`UNKNOWN` if it was never calculated)."""
        c = self.wb[sheet].cell(row=row, column=column)
        where = f"{sheet}!{c.coordinate}"
        if not self.strict:
            return where, c.value, c.data_type
        self.cells.add(where)
        if not is_formula(c):
            return where, c.value, c.data_type
        text = formula_text(c)
        if BOOL_CALL.fullmatch(text.lstrip("=")):  # LibreOffice writes TRUE as =TRUE()
            return where, text.upper().startswith("=TRUE"), "b"
        self.problem(
            where, "", f"input holds the formula {shorten(text)}; the generator writes a value here"
        )
        cached = self.values[sheet].cell(row=row, column=column)
        if cached.value is None:  # never calculated: its value is unknown, not empty
            return where, UNKNOWN, "n"
        return where, cached.value, cached.data_type

    def number(
        self, spec: fields.Field, where: str, value: Any, data_type: str, default: float | None
    ) -> float:
        """A number input's value; a problem gives the default (as generated: none) or NaN."""
        if self.strict:
            default = None  # the generator writes every input
        if value is UNKNOWN:
            return math.nan
        if empty(value) and default is not None:
            return default
        x, why = number(spec, value, data_type, text=not self.strict)
        if why is not None:
            self.problem(where, spec.name, why)
            return default if default is not None else math.nan
        return x  # type: ignore[return-value]

    def value(
        self, spec: fields.Field, sheet: str, column: int, row: int, default: float | None
    ) -> float:
        return self.number(spec, *self.cell(sheet, column, row), default)

    def text(self, value: Any, default: str | None) -> str:
        """A text input (a kind, a job search), lower case; empty: ``default`` if filled in."""
        if empty(value) and default is not None and not self.strict:
            return default
        return "" if value is None else str(value).strip().lower()

    def error(self, path: Path) -> InputError:
        """The problems as an :class:`InputError`, each naming ``path`` and its cell."""
        return InputError([q.problem(path) for q in self.problems])

    def raise_problems(self, path: Path) -> None:
        if self.problems:
            raise self.error(path)


def address(sheet: str, column: int, row: int) -> str:
    """A cell's address as a problem names it: ``Programs!C8``."""
    return f"{sheet}!{layout.cell(None, column, row, absolute=False)}"


# --- formulas and constants as the check compares and names them ------------------------

_STRING = re.compile(r'("(?:[^"]|"")*")')


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
        parts[k] = BOOL_CALL.sub(r"\1", text)
    return "".join(parts)


def describe(value: Any, data_type: str = "n") -> str:
    """A constant as a finding names it: ``the number 4.2``, ``the text 'abc'``."""
    if data_type == "e" or (isinstance(value, str) and value in ERROR_VALUES):
        return f"the error {value}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"the number {value:g}"
    return f"the text {str(value)!r}"
