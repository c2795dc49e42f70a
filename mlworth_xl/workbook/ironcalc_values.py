"""Compute a workbook's formulas with IronCalc, to store them as cached values.

openpyxl writes formulas without results, so previewers and
``pandas.read_excel`` show empty cells until a spreadsheet recalculates the
file.  IronCalc (the ``ironcalc`` package: a spreadsheet engine in Rust,
with wheels for Windows, macOS and Linux) evaluates the file in process;
:func:`results` reads every formula cell's value, and
:func:`~mlworth_xl.workbook.libreoffice.fill_results` writes them into the
generated file as its cached values, leaving everything else as it was.
IronCalc's own saved file is not used: it drops parts of ours (charts, data
validation).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from mlworth_xl.workbook.libreoffice import Results

__all__ = ["MISSING", "available", "cached", "results"]

#: Why the values cannot be computed without IronCalc, and what to do.
MISSING = (
    "the ironcalc package is not installed: `pip install ironcalc` stores the "
    "formulas' values in the file"
)


def available() -> bool:
    """Whether the ``ironcalc`` package can be imported."""
    return importlib.util.find_spec("ironcalc") is not None


def cached(value: Any, error: bool = False) -> tuple[bytes, bytes]:
    """A cell value as the ``t`` attribute and ``<v>`` text of an ``.xlsx`` cell.

    Numbers keep every bit (``repr`` round-trips a double); whole numbers are
    written without a decimal point, as Excel writes them.

    >>> cached(1.5), cached(136000.0), cached(True), cached("n/a"), cached("#N/A", error=True)
    ((b'n', b'1.5'), (b'n', b'136000'), (b'b', b'1'), (b'str', b'n/a'), (b'e', b'#N/A'))
    >>> cached("a < b & c")
    (b'str', b'a &lt; b &amp; c')
    """
    if error:
        return b"e", escape(str(value)).encode()
    if isinstance(value, bool):
        return b"b", b"1" if value else b"0"
    if isinstance(value, int | float):
        number = float(value)
        text = str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
        return b"n", text.encode()
    return b"str", escape("" if value is None else str(value)).encode()


def results(path: Path) -> Results:
    """Every cell's value (those of formula cells computed) as IronCalc evaluates ``path``.

    Raises
    ------
    ModuleNotFoundError
        If ``ironcalc`` is not installed (:data:`MISSING` says what to do).
    """
    import ironcalc

    model = ironcalc.load_from_xlsx(str(path))
    model.evaluate()
    names = [sheet["name"] for sheet in model.get_worksheets_properties()]
    out: Results = {name: {} for name in names}
    column_name = ironcalc.column_name_from_number
    error = ironcalc.CellType.ErrorValue
    # Every cell's value: those of formula cells are used.  (Asking each cell for its
    # formula, to leave out the others, would take longer than IronCalc's evaluation.)
    for sheet, row, column in model.get_all_cells():
        ref = f"{column_name(column)}{row}".encode()
        out[names[sheet]][ref] = cached(
            model.get_cell_value(sheet, row, column),
            model.get_cell_type(sheet, row, column) == error,
        )
    return out
