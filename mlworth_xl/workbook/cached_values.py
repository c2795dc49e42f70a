"""The cached values of a workbook's formula cells, read from its sheets' XML.

``mlworth-xl check`` needs both faces of a returned workbook: its formulas and
the results its last calculation stored.  openpyxl gives one face a load
(``data_only=False`` or ``True``), and a load of the default comparison takes
longer than the rest of the audit.  So the workbook is loaded once, for its
formulas, and :func:`read` takes the cached values of its formula cells from
the sheets' XML, as openpyxl reads them with ``data_only=True``: a number
(``int`` unless it has a point or an exponent), ``TRUE``/``FALSE``, an error
value (data type ``e``), text (``s``), or None where nothing is stored.  Every
other cell holds the same in both faces (a formula cell that a merged range
hides too: openpyxl keeps no value of it either way).

Anything this reader leaves to openpyxl makes :func:`read` return None, and
the caller loads the workbook with ``data_only=True`` after all: a cell
without its address, a cached value that is shared text, a date or inline
text, a cell or row where the schema puts none, an element inside a value,
a set of formula cells other than openpyxl found, sheets named twice.  The
XML is parsed with expat, entity declarations and external entities refused
(as defusedxml refuses them for openpyxl); the archive was checked by
:func:`mlworth_xl.safe_xlsx.check_archive` before.

This is part of the check's speed path, fenced by
:func:`mlworth_xl.workbook.fast_path.why_plain_reading`.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable, Sequence
from pyexpat import ParserCreate
from typing import IO, Any, NamedTuple

from openpyxl.cell.cell import MergedCell
from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple

from mlworth_xl.workbook.libreoffice import sheet_parts

__all__ = ["Cached", "CachedValues", "read"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CELL, _VALUE, _FORMULA, _ROW, _DATA = (f"{_MAIN} {n}" for n in ("c", "v", "f", "row", "sheetData"))
#: Cached values' types read here: number, TRUE/FALSE, error, text of a formula.
_TYPES = ("n", "b", "e", "str")


class Cached(NamedTuple):
    """A formula cell's cached value and data type, as an openpyxl cell loaded ``data_only``."""

    value: Any
    data_type: str


#: A formula cell without a cached value, by type (most cells of a file never calculated).
_NOTHING = {kind: Cached(None, kind) for kind in ("n", "b", "e", "str")}


class _UnusualError(Exception):
    """The sheet holds something this reader leaves to openpyxl."""


class CachedSheet:
    """One sheet of :class:`CachedValues`: ``cell(row=, column=)`` and ``["B7"]``."""

    def __init__(self, cells: dict[tuple[int, int], Cached], others: Callable[[], Any]):
        self._cells, self._others = cells, others

    def cell(self, row: int, column: int) -> Any:
        found = self._cells.get((row, column))
        if found is not None:
            return found
        return self._others().cell(row=row, column=column)

    def __getitem__(self, coordinate: str) -> Any:
        return self.cell(*coordinate_to_tuple(coordinate))


class CachedValues:
    """A workbook's cached values, looked up as in a workbook openpyxl loaded ``data_only``.

    ``values[sheet].cell(row=, column=)`` and ``values[sheet]["B7"]`` give a formula
    cell's :class:`Cached` value; a cell without a formula is looked up in the sheet
    ``others(sheet)`` gives (the same cell loaded for formulas holds the same).
    """

    def __init__(
        self,
        sheets: dict[str, dict[tuple[int, int], Cached]],
        sheetnames: Sequence[str],
        others: Callable[[str], Any],
    ):
        self._sheets, self._others = sheets, others
        self.sheetnames = list(sheetnames)

    def __getitem__(self, sheet: str) -> CachedSheet:
        return CachedSheet(self._sheets[sheet], lambda: self._others(sheet))


def read(
    source: str | IO[bytes] | Any,
    formulas: Any,
    cells: Callable[[Any], Sequence[Any]],
    others: Callable[[str], Any] | None = None,
) -> CachedValues | None:
    """The cached values of the workbook ``source``, or None: load it ``data_only`` instead.

    ``formulas`` is the workbook loaded for its formulas (or the workbook the file was
    written from); ``cells(ws)`` lists a sheet's cells that hold a value (the formula
    cells read must be its formula cells); ``others(sheet)`` gives the sheet whose cells
    without a formula hold what the file's do (by default ``formulas[sheet]``).
    """
    try:
        with zipfile.ZipFile(source) as archive:
            parts = sheet_parts(archive)
            if list(parts) != list(formulas.sheetnames):
                return None  # a name twice, or a sheet openpyxl left out
            sheets = {
                ws.title: _sheet(_formula_cells(archive.read(parts[ws.title])), ws, cells(ws))
                for ws in formulas.worksheets
            }
    except Exception:  # _UnusualError, or a damaged part: openpyxl says what is wrong
        return None
    return CachedValues(
        sheets,
        formulas.sheetnames,
        others if others is not None else (lambda sheet: formulas[sheet]),
    )


def _sheet(
    found: dict[str, tuple[str, str | None, str | None]], ws: Any, filled: Sequence[Any]
) -> dict[tuple[int, int], Cached]:
    """The cached values of a sheet's formula cells (``found`` by address), by (row, column).

    ``ws`` is the sheet loaded for formulas, ``filled`` its cells that hold a value.
    """
    formula_cells = {(c.row, c.column): c for c in filled if c.data_type == "f"}
    dates: dict[str | None, bool] = {}  # by style: whether a number shows as a date or time
    out: dict[tuple[int, int], Cached] = {}
    merged = 0
    for ref, (kind, text, style) in found.items():
        key = _place(ref)
        cell = formula_cells.get(key)
        if cell is None:
            if isinstance(ws.cell(row=key[0], column=key[1]), MergedCell):
                merged += 1  # hidden by a merged range: no value either way
                continue
            raise _UnusualError(f"{ref} is no formula cell for openpyxl")
        value = text or None  # as openpyxl: an empty <v> is no value
        if value is None:
            out[key] = _NOTHING.get(kind) or Cached(None, kind)
        elif kind == "n":
            if style not in dates:
                fmt = cell.number_format
                dates[style] = is_date_format(fmt) or is_timedelta_format(fmt)
            if dates[style]:
                raise _UnusualError(f"{ref} holds a date")
            out[key] = Cached(_number(value), "n")
        elif kind == "b":
            out[key] = Cached(bool(int(value)), "b")
        elif kind == "e":
            out[key] = Cached(value, "e")
        else:  # "str"
            out[key] = Cached(value, "s")
    if not len(out) + merged == len(found) or len(out) != len(formula_cells):
        raise _UnusualError("other formula cells than openpyxl's")
    return out


#: A cell's address as the generator, Excel and LibreOffice write it: ``AB12``.
_ADDRESS = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


@functools.cache
def _column(letters: str) -> int:
    return column_index_from_string(letters)


def _place(ref: str) -> tuple[int, int]:
    """(row, column) of a cell's address, as openpyxl's reader places the cell.

    >>> _place("AB12"), _place("a1")
    ((12, 28), (1, 1))
    """
    found = _ADDRESS.fullmatch(ref)
    if found is None:  # anything else as openpyxl reads it
        return coordinate_to_tuple(ref)
    return int(found.group(2)), _column(found.group(1))


def _number(text: str) -> int | float:
    """A cached number as openpyxl reads it: an int unless it has a point or an exponent."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _refuse(*args: Any) -> None:
    raise _UnusualError("entities are refused")


def _formula_cells(xml: bytes) -> dict[str, tuple[str, str | None, str | None]]:
    """``{address: (type, <v> text or None, style)}`` of the formula cells of a sheet's XML.

    A cell written twice counts as written last, as openpyxl places it.
    """
    parser = ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    found: dict[str, tuple[str, str | None, str | None]] = {}
    stack: list[str] = [""]
    # the cell being read: address, type, style, whether it has a formula, its value
    ref = kind = style = value = None
    formula = seen_value = False
    text: list[str] | None = None  # inside the cell's first <v>

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal ref, kind, style, value, formula, seen_value, text
        parent = stack[-1]
        stack.append(name)
        if text is not None:
            raise _UnusualError("an element inside a value")
        if parent == _CELL:
            if name == _FORMULA:
                formula = True
            elif name == _VALUE and not seen_value:
                text = []
        elif name == _CELL:
            if parent != _ROW:
                raise _UnusualError("a cell outside a row")
            ref = attrs.get("r")
            if ref is None:
                raise _UnusualError("a cell without its address")
            kind, style = attrs.get("t", "n"), attrs.get("s")
            value, formula, seen_value = None, False, False
        elif name == _ROW:
            if parent != _DATA:
                raise _UnusualError("a row outside the sheet's data")
        elif parent == _ROW:
            raise _UnusualError("a row holding something else than cells")

    def end(name: str) -> None:
        nonlocal value, seen_value, text
        stack.pop()
        parent = stack[-1]
        if text is not None:  # the end of the first <v>
            value, seen_value, text = "".join(text), True, None
        elif name == _CELL and parent == _ROW:
            assert ref is not None and kind is not None
            if not formula:
                found.pop(ref, None)
            elif kind not in _TYPES:
                raise _UnusualError(f"{ref} caches a value of type {kind}")
            else:
                found.pop(ref, None)  # written again: last
                found[ref] = (kind, value, style)

    def chars(data: str) -> None:
        if text is not None:
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.Parse(xml, True)
    return found
