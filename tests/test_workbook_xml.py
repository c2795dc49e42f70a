"""The cells written as XML text (sheet_xml) are byte for byte what openpyxl writes.

Each test builds the same workbook twice and saves one with the short path,
the other with openpyxl's own worksheet writer (saving changes a workbook a
little, so one workbook cannot be saved twice), and compares the files.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.formula import ArrayFormula

from mlworth_xl.model.records import Programs
from mlworth_xl.workbook import build_workbook, fast_path, sheet_xml
from mlworth_xl.workbook.risk_sheet import RiskSettings
from mlworth_xl.workbook.writer import workbook_bytes

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow


def same_as_openpyxl(build: Callable[[], Workbook], monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether two workbooks from ``build`` save to the same bytes, ours and openpyxl's."""
    ours = workbook_bytes(build())
    with monkeypatch.context() as patch:
        patch.setattr(sheet_xml.WorkbookXml, "sheet_writer", WorksheetWriter)
        theirs = workbook_bytes(build())
    return ours == theirs


def test_default_workbook_is_written_as_openpyxl_writes_it(monkeypatch):
    assert same_as_openpyxl(build_workbook, monkeypatch)


def test_workbook_with_rap_and_awkward_names_is_written_as_openpyxl_writes_it(monkeypatch):
    records = Programs.default().records()[:4]
    names = [" padded & <tagged> ", "=1+1", "tab\there, ünïcode 日本", '"quoted"']
    records = [replace(r, name=name) for r, name in zip(records, names, strict=True)]
    records[2] = replace(records[2], repayment_plan=2)  # 2: RAP (fields.PLANS)
    programs = Programs.from_records(records)
    assert same_as_openpyxl(
        lambda: build_workbook(programs, risk=RiskSettings(draws=500, seed=1)), monkeypatch
    )


def awkward_workbook() -> Workbook:
    """Every kind of cell openpyxl writes, styled and not, with comments, links and merges."""
    wb = Workbook()
    ws = wb.active
    values = [
        "=A1+1",
        "=",
        "",
        " ",
        " lead",
        "trail ",
        'a & b < c > d "e"',
        "#N/A",
        "#DIV/0!",
        0,
        -1,
        2**40,
        0.1,
        1 / 3,
        -2.5e-300,
        1e300,
        math.nan,
        math.inf,
        -math.inf,
        True,
        False,
        np.float64(0.25),
        np.int64(7),
        dt.datetime(2026, 1, 2, 3, 4),
        dt.date(2026, 1, 2),
        dt.time(12, 30),
        dt.timedelta(days=1.5),
        ArrayFormula("C1:C2", "=A1:A2*2"),
    ]
    if fast_path.installed_version() != "3.1.2":  # whose own writer fails on rich text
        values.append(CellRichText("plain ", TextBlock(InlineFont(b=True), "bold")))
    for row, value in enumerate(values, start=1):
        ws.cell(row=row, column=1, value=value)
        styled = ws.cell(row=row, column=3, value=value)
        styled.number_format = "0.00"
        styled.font = Font(bold=row % 2 == 0)
    ws.cell(row=1, column=5).fill = PatternFill("solid", fgColor="FFF2CC")  # styled, empty
    ws.cell(row=2, column=5, value="commented").comment = Comment("why", "me")
    ws.cell(row=3, column=5, value="link").hyperlink = "https://example.com/?a=1&b=2"
    ws.cell(row=6, column=5, value="=E1*2").comment = Comment("a formula's note", "me")
    ws.cell(row=7, column=5, value='=IF(E1<1,"a&b",E1)').hyperlink = "https://example.com/"
    ws.cell(row=4, column=5, value="=B4").data_type = "s"  # text that looks like a formula
    ws.cell(row=5, column=5, value="x").data_type = "f"  # a formula without its =
    ws.cell(row=40, column=2, value="merged").font = Font(italic=True)
    ws.merge_cells("B40:D41")
    ws.row_dimensions[42].height = 30  # a row with a height and no cells
    ws.row_dimensions[3].hidden = True
    other = wb.create_sheet("Empty")
    other.sheet_properties.tabColor = "1F4E78"
    return wb


def test_every_kind_of_cell_is_written_as_openpyxl_writes_it(monkeypatch):
    """Cells a generated workbook never holds go to openpyxl's writer, in their place."""
    assert same_as_openpyxl(awkward_workbook, monkeypatch)
