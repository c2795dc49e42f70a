"""The speed paths of the workbook writer and of ``mlworth-xl check``, and the fences around them.

Two parts of the writer reach past openpyxl's public API to save time on
the hundreds of thousands of formula cells of a large comparison:

- :class:`~mlworth_xl.workbook.sheet_xml.WorksheetXml` writes a sheet's cells
  as text: it reads ``Worksheet._cells`` and each cell's ``_value``, ``_style``,
  ``_comment`` and ``_hyperlink``, hands unusual cells to
  ``openpyxl.cell._writer.write_cell``, and writes through et_xmlfile's
  ``_file``;
- :class:`~mlworth_xl.workbook.styles.Cells` gives new cells a copy of a style
  array (``Cell(ws, row, column, value, style_array)``, ``Worksheet._add_cell``).

Both write the same file as openpyxl's public API does (but for the type
openpyxl gives an empty cell, which either way is dropped:
:func:`~mlworth_xl.workbook.sheet_xml.untyped_empty`; ``tests/test_workbook_xml.py``,
``tests/test_fast_path.py``), but internals may change in any release.  So the
speed path is taken only

- with an openpyxl in :data:`TESTED`, the range ``pyproject.toml`` allows and
  ``tests/test_openpyxl_versions.py`` installs at both ends;
- when every internal it uses is there and a small probe workbook comes out
  the same both ways (:func:`probe`, once a process);
- unless the environment variable :data:`PLAIN_ENV` is ``1``.

Otherwise the workbook is written with openpyxl's public API alone
(``Worksheet.cell``, the style attributes, ``ExcelWriter``, then the empty
cells' types dropped from its sheets): the same bytes,
about 1.6 times as long for the default comparison (0.9 s against 0.6 s).
That way also leaves out two guards of the speed path's sheet writer: signals
are not deferred while openpyxl makes a sheet's temporary file, and a sheet's
stream that fails on a full disk is closed by the garbage collector, which may
print "Exception ignored" after the error.

The audit of a returned workbook (``mlworth-xl check``) has a speed path of
its own, fenced the same way (:func:`why_plain_reading`): :func:`filled_cells`
lists the cells of a sheet that hold something from ``Worksheet._cells``, where
openpyxl's public API (``iter_rows``) would visit, and create, every empty cell
of the sheet's rectangle; and the formulas' cached values are read from the
sheets' XML (:mod:`~mlworth_xl.workbook.cached_values`) instead of loading the
file a second time with ``data_only=True``.  Both give what the public API
gives (:func:`probe_reading`; ``tests/test_check_speed_path.py``); without
them the audit of the default comparison takes about twice as long.

>>> why_plain() is None  # the installed openpyxl is a tested one
True
>>> why_plain_reading() is None
True
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
from datetime import datetime
from typing import Any

import openpyxl

#: Set to ``1`` to write workbooks with openpyxl's public API only.
PLAIN_ENV = "MLWORTH_XL_PLAIN_OPENPYXL"
#: openpyxl versions the speed path is tested with: at least the first, below the second.
TESTED = ((3, 1, 2), (3, 2))


def _release(version: str) -> tuple[int, ...]:
    """The release numbers of a version: ``"3.1.0b1"`` is ``(3, 1, 0)``."""
    numbers = []
    for piece in version.split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.group() != piece:  # a pre-release, post-release or local tag ends it
            break
    return tuple(numbers)


def in_tested_range(version: str) -> bool:
    """Whether the speed path is tested with openpyxl ``version``.

    >>> [in_tested_range(v) for v in ("3.1.2", "3.1.5", "3.1.10", "3.1.1", "3.2.0b1", "3.2", "4.0")]
    [True, True, True, False, False, False, False]
    """
    low, high = TESTED
    return low <= _release(version) < high


def installed_version() -> str:
    """The version of the openpyxl imported."""
    return openpyxl.__version__


def _range() -> str:
    low, high = TESTED
    return f">={'.'.join(map(str, low))},<{'.'.join(map(str, high))}"


def why_plain() -> str | None:
    """Why workbooks are written with openpyxl's public API only; None when they are not.

    Read each time a workbook is built or saved (the environment may change in between).
    """
    return _fenced() or probe()


def _fenced() -> str | None:
    """Why no speed path may be taken, whatever the probes say: the switch, or the version."""
    if os.environ.get(PLAIN_ENV, "").strip() not in ("", "0"):
        return f"{PLAIN_ENV} is set"
    version = installed_version()
    if not in_tested_range(version):
        return f"openpyxl {version} is outside the tested range {_range()}"
    return None


def enabled() -> bool:
    """Whether the speed path is taken (see the module's docstring)."""
    return why_plain() is None


#: Modules and names of openpyxl the speed path uses.
_NAMES = {
    "openpyxl.cell._writer": ("write_cell",),
    "openpyxl.cell.cell": ("Cell",),
    "openpyxl.comments.comment_sheet": ("CommentRecord",),
    "openpyxl.compat": ("safe_string",),
    "openpyxl.styles.cell_style": ("StyleArray",),
    "openpyxl.worksheet._writer": ("WorksheetWriter",),
    "openpyxl.writer.excel": ("ExcelWriter",),
}
#: Attributes of a worksheet, a cell and the writers that the speed path uses.
_ATTRIBUTES = {
    "Worksheet": ("_cells", "_add_cell", "_comments", "_charts", "_images", "row_dimensions"),
    "Cell": ("_value", "_style", "_comment", "_hyperlink", "style_id", "data_type"),
    "WorksheetWriter": ("write", "write_rows", "write_row", "cleanup"),
    "ExcelWriter": ("write_worksheet", "save"),
}


@functools.cache
def probe() -> str | None:
    """What the speed path misses in the installed openpyxl, or None if nothing.

    Every name and attribute it uses must be there, and a small workbook of
    every kind of cell it writes itself must come out the same, byte for
    byte, as openpyxl's public API writes it.
    """
    import importlib

    found = {}
    for module, names in _NAMES.items():
        try:
            loaded = importlib.import_module(module)
        except ImportError:
            return f"openpyxl has no module {module}"
        for name in names:
            if not hasattr(loaded, name):
                return f"openpyxl has no {module}.{name}"
            found[name] = getattr(loaded, name)
    wb = openpyxl.Workbook()
    objects = {
        "Worksheet": wb.active,
        "Cell": wb.active.cell(row=1, column=1),
        "WorksheetWriter": found["WorksheetWriter"],
        "ExcelWriter": found["ExcelWriter"],
    }
    for kind, names in _ATTRIBUTES.items():
        for name in names:
            if not hasattr(objects[kind], name):
                return f"openpyxl's {kind} has no {name}"
    try:
        fast, plain = _probe_file(True), _probe_file(False)
    except Exception as exc:  # any internal that changed its ways
        return f"the speed path fails with this openpyxl ({type(exc).__name__}: {exc})"
    if fast != plain:
        return "the speed path writes a different file with this openpyxl"
    return None


def _probe_file(fast: bool) -> bytes:
    """A small workbook, built and saved by the speed path or by openpyxl's public API."""
    from openpyxl.comments import Comment

    from mlworth_xl.workbook import sheet_xml, styles

    wb = openpyxl.Workbook()
    ws = wb.active
    cells = styles.Cells(ws, fast=fast)
    for row in range(1, 4):
        cells.header(row, 1, f"Head {row} & <more>")
        cells.formula(row, 2, f'=IF(A{row}<>"",B{row + 1}*2,"a&b")', styles.USD)
        cells.formula(row, 3, row * 1.5, styles.PERCENT)
    ws.cell(row=4, column=1, value=" padded ")
    ws.cell(row=4, column=2, value=True)
    ws.cell(row=4, column=3, value="#N/A").data_type = "e"
    ws.cell(row=5, column=1, value="note").comment = Comment("why", "mlworth-xl")
    ws.cell(row=5, column=2).fill = styles.INPUT_FILL
    ws.row_dimensions[6].height = 30
    wb.properties.created = wb.properties.modified = datetime(2026, 1, 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        sheet_xml.save(wb, archive, fast=fast)
    return out.getvalue()


# --- reading: mlworth-xl check ------------------------------------------------------------


def why_plain_reading() -> str | None:
    """Why ``check`` reads a workbook with openpyxl's public API only; None when it does not.

    As :func:`why_plain`: the environment variable :data:`PLAIN_ENV`, an openpyxl
    outside :data:`TESTED`, or what :func:`probe_reading` finds amiss.
    """
    return _fenced() or probe_reading()


def filled_cells(ws: Any) -> list[Any]:
    """The cells of a worksheet that hold a value (not None), row by row, left to right.

    The speed path reads them from ``Worksheet._cells`` (the cells the sheet has);
    openpyxl's public API walks the sheet's rectangle from A1, creating a cell for
    each empty place.  Either way the list is the same (cells outside the rectangle
    from A1, which a damaged file may hold at row 0, are left out as ``iter_rows``
    leaves them out).
    """
    if why_plain_reading() is None:
        return _filled_fast(ws)
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def _filled_fast(ws: Any) -> list[Any]:
    cells = ws._cells
    found = [cells[k] for k in sorted(cells) if k[0] >= 1 and k[1] >= 1]
    return [c for c in found if c.value is not None]


@functools.cache
def probe_reading() -> str | None:
    """What ``check``'s speed path misses in the installed openpyxl, or None if nothing.

    A small workbook, saved and loaded again, must give the same cells both ways
    (:func:`filled_cells`), and the cached values read from its XML must be those
    openpyxl loads with ``data_only=True``.
    """
    if not isinstance(getattr(openpyxl.Workbook().active, "_cells", None), dict):
        return "openpyxl's Worksheet has no _cells"
    try:
        problem = _probe_reading()
    except Exception as exc:  # any internal that changed its ways
        return f"the speed path fails with this openpyxl ({type(exc).__name__}: {exc})"
    return problem


def _probe_reading() -> str | None:
    from mlworth_xl.workbook import cached_values
    from mlworth_xl.workbook.libreoffice import fill_sheet, sheet_parts

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Probe"
    ws["C3"] = "text"
    ws["A1"] = 1.5
    ws["B2"] = ""
    ws.cell(row=7, column=2).value = None  # an empty cell the sheet has
    values = {
        b"A2": (b"n", b"3"),
        b"A3": (b"n", b"-2.5E-3"),
        b"A4": (b"b", b"1"),
        b"A5": (b"e", b"#DIV/0!"),
        b"A6": (b"str", b"a &amp; b"),
        b"A7": (b"str", b""),
    }
    for k in range(2, 9):  # A8 keeps no value
        ws.cell(row=k, column=1).value = f"=B{k}+1"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dest:
        part = sheet_parts(src)["Probe"]
        for info in src.infolist():
            data = src.read(info)
            dest.writestr(info, fill_sheet(data, values) if info.filename == part else data)
    content = out.getvalue()
    formulas = openpyxl.load_workbook(io.BytesIO(content))
    plain = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    sheet = formulas["Probe"]
    fast = [(c.coordinate, c.value, c.data_type) for c in _filled_fast(sheet)]
    public = [(c.coordinate, c.value, c.data_type) for row in sheet.iter_rows() for c in row]
    if fast != [x for x in public if x[1] is not None]:
        return "the speed path lists other cells with this openpyxl"
    read = cached_values.read(io.BytesIO(content), formulas, _filled_fast)
    if read is None:
        return "the cached values cannot be read from the XML with this openpyxl"
    for k in range(2, 9):
        want = plain["Probe"].cell(row=k, column=1)
        got = read["Probe"].cell(row=k, column=1)
        if (got.value, got.data_type) != (want.value, want.data_type) or type(
            got.value
        ) is not type(want.value):
            return "the cached values read from the XML are not openpyxl's with this openpyxl"
    return None
