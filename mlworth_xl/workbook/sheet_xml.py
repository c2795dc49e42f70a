"""Saving a workbook: the cells of each sheet written straight as XML text.

openpyxl serialises every cell through ElementTree (via ``et_xmlfile``):
an element per cell, its value and formula as sub-elements, namespace
bookkeeping, then escaping; about 15 µs a cell.  The Cash flows and Loans
sheets of a workbook comparing 100 options hold a quarter of a million
formula cells, and that took most of the time to save.  :class:`WorksheetXml`
writes the ``<sheetData>`` rows as text instead, the same characters
openpyxl writes; everything around the rows (views, columns, protection,
validation, conditional formatting, print setup, drawings) is still
openpyxl's.

Only the cells a generated workbook holds take the short path: formulas,
numbers, booleans, error values, text without surrounding spaces and
styled empty cells (a comment is not part of its cell's XML).  Any other
cell (a date, rich text, an array formula, a hyperlink, text that needs
``xml:space``) is written by openpyxl's own cell writer, in its place.
With lxml installed openpyxl serialises through lxml, and then the whole
sheet is left to it.

One thing differs from openpyxl's own file, on both paths: an empty cell
carries no type (``<c r="C5" s="15" />``, as Excel and LibreOffice write it;
openpyxl writes ``t="n"``, which IronCalc reads as the number 0), so a
template's empty input cells are empty in every engine (:func:`untyped_empty`).

All of this leans on openpyxl's internals: :func:`save` takes this way only
where :mod:`mlworth_xl.workbook.fast_path` allows it, and otherwise saves
with openpyxl's own ``ExcelWriter``.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from typing import Any

from openpyxl import LXML, Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from mlworth_xl.interrupt import signals_deferred

try:  # internals: an openpyxl without them is written by its own API (fast_path.probe)
    from openpyxl.cell._writer import write_cell
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.compat import safe_string
    from openpyxl.worksheet._writer import WorksheetWriter
except ImportError:  # pragma: no cover - no tested openpyxl lacks them
    WorksheetWriter = object  # type: ignore[assignment,misc]

#: Value types whose text openpyxl writes with ``safe_string`` (exact types: not subclasses).
_PLAIN = (int, float, bool)


def _text(value: str) -> str:
    """Character data escaped as ElementTree escapes it (``&``, ``<``, ``>``)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attribute(value: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    value = _text(value).replace('"', "&quot;")
    return value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


class WorksheetXml(WorksheetWriter):
    """openpyxl's worksheet writer, with the rows of cells written as text."""

    #: Whether openpyxl's own writer wrote any cell (then its empty cells carry a type).
    by_openpyxl = False

    def write_rows(self) -> None:
        if LXML:  # lxml's writer takes elements only: openpyxl's way
            self.by_openpyxl = True
            super().write_rows()
            return
        xf = self.xf.send(True)
        raw = getattr(xf, "_file", None)  # et_xmlfile's write function for text as it is
        with xf.element("sheetData"):
            styles: dict[bytes, str] = {}
            for row_idx, row in self.rows():
                if callable(raw):
                    self._row(xf, raw, styles, row, row_idx)
                else:  # an et_xmlfile that hides it: openpyxl's way
                    self.by_openpyxl = True
                    self.write_row(xf, row, row_idx)
        self.xf.send(None)  # return control to the generator

    def rows(self) -> list[tuple[int, list[Any]]]:
        """The rows that have cells or a row format, in order, each with its cells in order."""
        cells = self.ws._cells
        rows: dict[int, list[Any]] = {}
        for key in sorted(cells):
            found = rows.get(key[0])
            if found is None:
                rows[key[0]] = [cells[key]]
            else:
                found.append(cells[key])
        for row in self.ws.row_dimensions.keys() - rows.keys():
            rows[row] = []
        return sorted(rows.items())

    def _row(
        self, xf: Any, raw: Any, styles: dict[bytes, str], row: list[Any], row_idx: int
    ) -> None:
        """One ``<row>``: as :meth:`WorksheetWriter.write_row` and openpyxl's cell writer.

        ``styles`` holds the style attribute of each style array met so far.
        """
        ws = self.ws
        letter = get_column_letter
        attrs = {"r": f"{row_idx}"}
        attrs.update(ws.row_dimensions.get(row_idx, {}))
        parts = ["<row", *(f' {k}="{_attribute(v)}"' for k, v in attrs.items()), ">"]
        for cell in row:
            comment = cell._comment
            if comment is not None:
                ws._comments.append(CommentRecord.from_cell(cell))
            style = cell._style
            value = cell._value
            if style is not None and any(style):
                key = style.tobytes()
                s = styles.get(key)
                if s is None:  # registered in the workbook as openpyxl's writer does
                    s = styles[key] = f' s="{cell.style_id}"'
            elif value is None and not comment:
                continue
            else:
                s = ""
            if (
                cell.data_type == "f"
                and type(value) is str
                and len(value) > 1
                and cell._hyperlink is None
            ):  # most cells: formulas
                formula = value[1:]
                if "&" in formula or "<" in formula or ">" in formula:
                    formula = _text(formula)
                parts.append(f'<c r="{letter(cell.column)}{cell.row}"{s}><f>{formula}</f><v /></c>')
                continue
            text = None if cell.hyperlink else _cell(cell, value, s)
            if text is None:  # openpyxl writes it
                raw("".join(parts))
                parts.clear()
                self.by_openpyxl = True
                write_cell(xf, ws, cell, bool(s))
            else:
                parts.append(text)
        parts.append("</row>")
        raw("".join(parts))


def _cell(cell: Any, value: Any, s: str) -> str | None:
    """A ``<c>`` element (``s``: its style attribute) as openpyxl writes it, or None for a
    cell left to openpyxl."""
    kind = cell.data_type
    if kind == "f":
        if type(value) is not str or len(value) < 2:  # array formulas etc.
            return None
        t, body = "", f"<f>{_text(value[1:])}</f><v />"
    elif kind == "s":
        if type(value) is not str or value != value.strip():
            return None
        t = ' t="inlineStr"'
        body = f"<is><t>{_text(value)}</t></is>" if value else ""
    elif kind in ("n", "b", "e"):
        t = f' t="{kind}"'
        if value is None:  # an empty cell carries no type (see _TYPED_EMPTY)
            t = body = ""
        elif type(value) in _PLAIN or type(value) is str:
            number = safe_string(value)
            if not number:  # NaN and infinities: an empty <v />
                return None
            body = f"<v>{_text(number)}</v>"
        else:
            return None
    else:  # dates and anything new
        return None
    ref = f"{get_column_letter(cell.column)}{cell.row}"
    if not body:
        return f'<c r="{ref}"{s}{t} />'
    return f'<c r="{ref}"{s}{t}>{body}</c>'


class WorkbookXml(ExcelWriter):
    """openpyxl's workbook writer, its sheets written by :class:`WorksheetXml`."""

    #: The worksheet writer (openpyxl's own: ``WorksheetWriter``; tests compare the two).
    sheet_writer: type[WorksheetWriter] = WorksheetXml

    def write_worksheet(self, ws: Worksheet) -> None:
        # ExcelWriter.write_worksheet, with the writer class above
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        # the writer makes a temporary file "openpyxl.*" and registers it for removal at
        # exit: a signal in between would leave it behind
        with signals_deferred():
            writer = self.sheet_writer(ws)
        try:
            writer.write()
            if getattr(writer, "by_openpyxl", True):  # its empty cells typed: as save() does
                with open(writer.out, "r+b") as sheet:
                    xml = untyped_empty(sheet.read())
                    sheet.seek(0)
                    sheet.write(xml)
                    sheet.truncate()
        except BaseException:
            # close the sheet's stream now: left to the garbage collector, a stream whose
            # disk is full fails again there, as "Exception ignored in: <generator …>"
            with contextlib.suppress(Exception):
                writer.xf.close()
            raise
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


#: An empty cell as openpyxl's own writer writes it, with a type but no value
#: (``<c r="C5" s="15" t="n" />``; with lxml, ``<c r="C5" s="15" t="n"></c>``).
_TYPED_EMPTY = re.compile(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="[nbe]"( />|></c>)')


def untyped_empty(xml: bytes) -> bytes:
    """A sheet's XML with its empty cells' types dropped, as Excel and LibreOffice write them.

    IronCalc reads an empty cell of type ``n`` as the number 0 (``ISNUMBER`` is TRUE there).

    >>> untyped_empty(b'<c r="C5" s="15" t="n" /><c r="C6" t="n"><v>1</v></c><c r="C7" t="n"></c>')
    b'<c r="C5" s="15" /><c r="C6" t="n"><v>1</v></c><c r="C7"></c>'
    """
    return _TYPED_EMPTY.sub(rb"\1\2", xml)


def save(wb: Workbook, archive: zipfile.ZipFile, *, fast: bool = False) -> None:
    """Write ``wb`` into ``archive`` (and close it): by :class:`WorkbookXml` where ``fast``
    is true (the writer passes what :func:`mlworth_xl.workbook.fast_path.enabled` says),
    otherwise by openpyxl's public ``ExcelWriter``; the same bytes either way.

    An empty cell (styled) carries no type either way:

    >>> import io, zipfile
    >>> wb = Workbook()
    >>> wb.active["A1"] = "=1+1"
    >>> wb.active["A2"].number_format = "0.00"
    >>> for fast in (True, False):
    ...     raw = io.BytesIO()
    ...     save(wb, zipfile.ZipFile(raw, "w"), fast=fast)
    ...     xml = zipfile.ZipFile(raw).read("xl/worksheets/sheet1.xml")
    ...     print(b'<f>1+1</f><v /></c>' in xml, b'<c r="A2" s="1" />' in xml)
    True True
    True True
    """
    if fast:
        WorkbookXml(wb, archive).save()
        return
    written = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(written, "w", archive.compression)).save()
    with zipfile.ZipFile(written) as members, archive:
        for info in members.infolist():
            data = members.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = untyped_empty(data)
            archive.writestr(info, data)
