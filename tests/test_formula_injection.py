"""Text from inputs never becomes a formula: every formula in a generated file is the generator's.

Names starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would be read as formulas by a spreadsheet (CSV/formula injection).  The
workbook is generated twice, with hostile names and with harmless ones:
the formula cells must be the same addresses with the same text, and the
hostile names must read back as text.  The raw sheet XML is checked too.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mlworth_xl.model.records import Program, Programs
from mlworth_xl.workbook import layout, write_workbook
from mlworth_xl.workbook.check import audit
from mlworth_xl.workbook.layout import Layout

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "=cmd|' /C calc'!A0",
    "-2+3",
]


def table(names: list[str]) -> Programs:
    return Programs.from_records(
        [Program(n, years=1, tuition_per_year=10_000, salary_after=80_000) for n in names]
    )


def formulas(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {
        f"{ws.title}!{c.coordinate}": c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


@pytest.fixture(scope="module")
def books(tmp_path_factory, default_workbook) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    return {
        "default": default_workbook,  # made once per session (tests/conftest.py)
        "hostile": write_workbook(folder / "hostile.xlsx", table(HOSTILE)),
        "harmless": write_workbook(
            folder / "harmless.xlsx", table([f"Option {k}" for k in range(len(HOSTILE))])
        ),
    }


def test_hostile_names_add_or_change_no_formula(books):
    hostile, harmless = formulas(books["hostile"]), formulas(books["harmless"])
    assert hostile.keys() == harmless.keys()
    assert hostile == harmless
    assert not any("HYPERLINK" in f or "cmd|" in f or "SUM(A1)" in f for f in hostile.values())


def test_the_default_workbook_holds_only_generated_formulas(books):
    # The default comparison, regenerated from the same inputs, has the same formulas:
    # the audit compares every formula cell with what the generator writes.
    assert audit(books["default"]).findings == []
    assert audit(books["hostile"]).findings == []
    assert len(formulas(books["default"])) > 1000  # Summary, Cash flows, Loans: all formulas


def test_hostile_names_read_back_as_text(books):
    wb = openpyxl.load_workbook(books["hostile"])
    ws = wb[layout.PROGRAMS]
    cells = [
        ws.cell(row=layout.PROGRAM_ROW["name"], column=Layout.option_col(i))
        for i in range(len(HOSTILE))
    ]
    assert {c.data_type for c in cells} == {"s"}
    # A carriage return comes back as a line feed: XML readers normalize line ends
    # (openpyxl writes it unescaped). Still text, never a formula.
    assert [c.value for c in cells] == [n.replace("\r", "\n") for n in HOSTILE]
    assert all(c.quotePrefix for c in cells)  # Excel keeps them text when edited


def test_no_formula_element_holds_input_text(books):
    with zipfile.ZipFile(books["hostile"]) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    found = [f for xml in sheets for f in re.findall(rb"<f>(.*?)</f>", xml)]
    assert found and not any(b"HYPERLINK" in f or b"cmd|" in f for f in found)
