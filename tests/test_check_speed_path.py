"""``mlworth-xl check``'s speed path gives what openpyxl's public API gives, and steps aside.

The audit lists each sheet's cells from ``Worksheet._cells``
(:func:`~mlworth_xl.workbook.fast_path.filled_cells`) and reads the formulas' cached
values from the sheets' XML (:mod:`~mlworth_xl.workbook.cached_values`) instead of
walking every sheet's rectangle and loading the file a second time with
``data_only=True``.  Each test here runs both ways (``MLWORTH_XL_PLAIN_OPENPYXL=1``:
the public API only) and compares, or shows a file the XML reader leaves to openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell

from mlworth_xl.model.records import Programs
from mlworth_xl.workbook import cached_values, check_run, fast_path, write_workbook
from mlworth_xl.workbook.check import audit
from mlworth_xl.workbook.check_run import Audit
from mlworth_xl.workbook.libreoffice import sheet_parts
from mlworth_xl.workbook.risk_sheet import RiskSettings

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def probe_again():
    """The probe's verdict forgotten before and after the test (it is kept a process)."""
    fast_path.probe_reading.cache_clear()
    yield
    fast_path.probe_reading.cache_clear()


def with_sheet(src: Path, dest: Path, sheet: str, change) -> Path:
    """``src`` with the XML of ``sheet`` passed through ``change`` (bytes to bytes)."""
    with zipfile.ZipFile(src) as z:
        part = sheet_parts(z)[sheet]
        members = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            out.writestr(info, change(data) if info.filename == part else data)
    return dest


def cache(xml: bytes, ref: str, kind: str, value: str) -> bytes:
    """A generated sheet's XML with the cached value of formula cell ``ref`` set."""
    cell = re.compile(
        rb'<c r="' + ref.encode() + rb'"((?: s="\d+")?)(?: t="\w+")?><f>(.*?)</f>.*?</c>'
    )
    assert cell.search(xml), ref
    t = b"" if kind == "n" else b' t="' + kind.encode() + b'"'
    return cell.sub(
        lambda m: (
            b'<c r="' + ref.encode() + b'"' + m.group(1) + t + b"><f>" + m.group(2) + b"</f>"
            b"<v>" + value.encode() + b"</v></c>"
        ),
        xml,
        count=1,
    )


def outcome(report) -> tuple:
    return (
        [(f.cell, f.kind, f.message) for f in report.findings],
        report.cached_values,
        report.notes,
        report.options,
        report.filled,
        report.lines(),
    )


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    """The audit of ``path`` by the speed path, and by openpyxl's public API (loaded twice)."""
    loads: list[bool] = []
    opened = check_run.open_workbook

    def spy(*args, **kwargs):
        loads.append(kwargs["data_only"])
        return opened(*args, **kwargs)

    monkeypatch.setattr(check_run, "open_workbook", spy)
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    assert fast_path.why_plain_reading() is None
    fast = outcome(audit(path))
    assert loads == [False]  # the cached values came from the XML
    loads.clear()
    monkeypatch.setenv(fast_path.PLAIN_ENV, "1")
    assert fast_path.why_plain_reading() == "MLWORTH_XL_PLAIN_OPENPYXL is set"
    plain = outcome(audit(path))
    assert loads == [False, True]
    return fast, plain


# --- the switch ---------------------------------------------------------------------------


def test_the_check_speed_path_is_taken_with_the_installed_openpyxl(monkeypatch):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    assert fast_path.why_plain_reading() is None
    monkeypatch.setenv(fast_path.PLAIN_ENV, "0")  # 0 leaves it on
    assert fast_path.why_plain_reading() is None
    monkeypatch.setenv(fast_path.PLAIN_ENV, "1")
    assert fast_path.why_plain_reading() == "MLWORTH_XL_PLAIN_OPENPYXL is set"


@pytest.mark.parametrize("version", ["3.1.1", "3.2.0"])
def test_an_untested_openpyxl_is_read_by_its_public_api(version, monkeypatch):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    monkeypatch.setattr(fast_path, "installed_version", lambda: version)
    assert fast_path.why_plain_reading() == (
        f"openpyxl {version} is outside the tested range >=3.1.2,<3.2"
    )


# --- the cells of a sheet -------------------------------------------------------------------


def listed(cells) -> list[tuple]:
    return [(c.coordinate, c.value, c.data_type) for c in cells]


def test_filled_cells_are_the_same_both_ways_and_create_no_cell(monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["A5"], ws["B1"], ws["D2"] = "=A5*2", 4.5, "", True
    ws.cell(row=9, column=9)  # an empty cell the sheet has
    ws._cells[(0, 2)] = Cell(ws, row=0, column=2, value="row 0")  # as a damaged file may place it
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    before = dict(ws._cells)
    fast = listed(fast_path.filled_cells(ws))
    assert ws._cells == before  # no cell made
    assert fast == [
        ("B1", "", "s"),
        ("D2", True, "b"),
        ("C3", "=A5*2", "f"),
        ("A5", 4.5, "n"),
    ]
    monkeypatch.setenv(fast_path.PLAIN_ENV, "1")
    assert listed(fast_path.filled_cells(ws)) == fast


def test_filled_cells_of_a_generated_workbook_are_the_same_both_ways(fresh, monkeypatch):
    wb = openpyxl.load_workbook(fresh)
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    fast = {ws.title: listed(fast_path.filled_cells(ws)) for ws in wb.worksheets}
    monkeypatch.setenv(fast_path.PLAIN_ENV, "1")
    assert {ws.title: listed(fast_path.filled_cells(ws)) for ws in wb.worksheets} == fast


# --- cached values read from the XML --------------------------------------------------------


def book(tmp_path: Path, cells: str, *, prefixed: bool = False) -> Path:
    """A workbook of one sheet "S" whose sheetData is ``cells``; style 1 shows a date."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["Z1"] = datetime(2026, 1, 1)  # style 1: a date format
    raw = io.BytesIO()
    wb.save(raw)
    data = b"<sheetData>" + cells.encode() + b"</sheetData>"

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb"<sheetData>.*</sheetData>", lambda m: data, xml, flags=re.S)
        if prefixed:  # the main namespace under a prefix: the same sheet
            xml = re.sub(rb"<(/?)([A-Za-z]\w*)", rb"<\1x:\2", xml)
            xml = xml.replace(b' xmlns="', b' xmlns:x="', 1)
        return xml

    path = tmp_path / "raw.xlsx"
    path.write_bytes(raw.getvalue())
    return with_sheet(path, tmp_path / "book.xlsx", "S", change)


def read_both_ways(path: Path) -> tuple[list | None, list]:
    """Every formula cell's cached (value, type, data type): read from the XML, and by openpyxl."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    read = cached_values.read(path, formulas, fast_path.filled_cells)
    cells = [
        (ws.title, c.row, c.column)
        for ws in formulas.worksheets
        for c in fast_path.filled_cells(ws)
        if c.data_type == "f"
    ]

    def seen(cell) -> tuple:
        return cell.value, type(cell.value), cell.data_type

    plain = [seen(values[s].cell(row=r, column=k)) for s, r, k in cells]
    fast = None if read is None else [seen(read[s].cell(row=r, column=k)) for s, r, k in cells]
    return fast, plain


CASES = {
    "numbers": '<row r="1"><c r="A1"><f>1</f><v>12</v></c><c r="B1"><f>1</f><v>1.5E+3</v></c>'
    '<c r="C1" t="n"><f>1</f><v>-0.25</v></c><c r="D1" s="1"><f>1</f></c>'
    '<c r="E1"><f>1</f><v> 7 </v></c><c r="F1"><f>1</f><v>1e-5</v></c></row>',
    "types": '<row r="2"><c r="A2" t="b"><f>1</f><v>0</v></c><c r="B2" t="e"><f>1</f>'
    '<v>#N/A</v></c><c r="C2" t="str"><f>1</f><v>a &amp; &lt;b&gt; &#233;</v></c>'
    '<c r="D2" t="str"><f>1</f><v></v></c><c r="E2" t="str"><f>1</f>'
    '<v><![CDATA[x<y]]></v></c><c r="F2"><f>1</f><v/></c><c r="G2" t="str"><f>1</f></c>'
    '<c r="H2" t="n"><v>3</v></c></row>',
    "written twice": '<row r="3"><c r="A3"><f>1</f><v>1</v></c><c r="A3"><f>2</f><v>2</v></c>'
    '<c r="B3"><f>1</f><v>3</v></c><c r="B3"><v>4</v></c><c r="C3"><v>5</v></c>'
    '<c r="C3"><f>1</f><v>6</v></c></row>',
    "shared formulas": '<row r="4"><c r="A4"><f t="shared" ref="A4:C4" si="0">1+1</f><v>2</v>'
    '</c><c r="B4"><f t="shared" si="0"/><v>2</v></c><c r="C4" t="str">'
    '<f t="shared" si="0"/><v>two</v><v>ignored</v></c></row>',
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("prefixed", [False, True], ids=["plain", "prefixed"])
def test_cached_values_read_from_the_xml_are_openpyxls(case, prefixed, tmp_path):
    fast, plain = read_both_ways(book(tmp_path, CASES[case], prefixed=prefixed))
    assert plain  # formula cells there are
    assert fast == plain


LEFT_TO_OPENPYXL = {
    "a date": '<row r="1"><c r="A1" s="1"><f>1</f><v>45000</v></c></row>',
    "inline text": '<row r="1"><c r="A1" t="inlineStr"><f>1</f><is><t>x</t></is></c></row>',
    "a cell without its address": '<row r="1"><c><f>1</f><v>2</v></c></row>',
    "an element inside a value": '<row r="1"><c r="A1"><f>1</f><v>1<b/>2</v></c></row>',
    "a cell outside a row": '<row r="1"/><c r="A1"><f>1</f><v>1</v></c>',
    "something else in a row": '<row r="1"><c r="A1"><f>1</f><v>1</v></c><d r="B1"/></row>',
    "two spellings of a cell": '<row r="1"><c r="A1"><f>1</f><v>1</v></c><c r="a1"><f>2</f>'
    "<v>2</v></c></row>",
}


@pytest.mark.parametrize("case", LEFT_TO_OPENPYXL)
def test_what_the_xml_reader_leaves_to_openpyxl(case, tmp_path):
    fast, _ = read_both_ways(book(tmp_path, LEFT_TO_OPENPYXL[case]))
    assert fast is None  # the caller loads the file data_only


def test_entities_are_refused_by_the_xml_reader(tmp_path):
    (tmp_path / "clean").mkdir()
    clean = book(tmp_path / "clean", '<row r="1"><c r="A1"><f>1</f></c></row>')
    formulas = openpyxl.load_workbook(clean)
    path = book(tmp_path, '<row r="1"><c r="A1"><f>1</f><v>&a;</v></c></row>')
    declared = with_sheet(
        path,
        tmp_path / "entities.xlsx",
        "S",
        lambda xml: b'<!DOCTYPE worksheet [<!ENTITY a "1">]>' + xml.split(b"?>", 1)[-1],
    )
    assert cached_values.read(declared, formulas, fast_path.filled_cells) is None
    with zipfile.ZipFile(declared) as z:
        xml = z.read(sheet_parts(z)["S"])
    with pytest.raises(cached_values._UnusualError, match="entities are refused"):
        cached_values._formula_cells(xml)


# --- audits: the same report both ways ------------------------------------------------------


def two_options(path: Path, *, computed: bool) -> Path:
    """A comparison of two options (quicker to audit than the default's eight)."""
    programs = Programs.from_records(Programs.default().records()[:2])
    return write_workbook(
        path, programs, risk=RiskSettings(draws=2_000, seed=11), computed=computed
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    return two_options(tmp_path_factory.mktemp("fresh") / "client.xlsx", computed=False)


def test_a_tampered_workbook_gets_the_same_report_both_ways(fresh, tmp_path, monkeypatch):
    wb = openpyxl.load_workbook(fresh)
    wb["Summary"]["J7"] = 4.2  # a formula overwritten
    wb["Cash flows"]["C10"] = "=1+1"  # a formula edited
    wb["Inputs"]["H3"] = "=WEBSERVICE(1)"  # a formula added
    wb["Inputs"]["A1"] = "edited title"  # a value that is no input
    wb["Programs"]["C8"] = -5  # an input out of range
    wb.create_sheet("Extra")["B2"] = "=cmd|' /C calc'!A0"  # a sheet added
    wb["Loans"].insert_rows(6)  # a row inserted
    wb["Cash flows"].insert_cols(3)  # a column inserted (merged ranges stay, hiding formulas)
    path = tmp_path / "tampered.xlsx"
    wb.save(path)
    fast, plain = both_ways(path, monkeypatch)
    assert {kind for _, kind, _ in fast[0]} == {"formula", "input", "value", "sheet"}
    assert fast == plain


def test_edited_cached_values_get_the_same_report_both_ways(tmp_path, monkeypatch):
    computed = two_options(tmp_path / "computed.xlsx", computed=True)
    path = with_sheet(
        computed,
        tmp_path / "edited.xlsx",
        "Summary",
        lambda xml: cache(
            cache(cache(xml, "J7", "n", "123"), "K8", "e", "#REF!"), "L7", "str", "x"
        ),
    )
    fast, plain = both_ways(path, monkeypatch)
    assert fast[1]  # cached values compared
    assert {cell for cell, _, _ in fast[0]} >= {"Summary!J7", "Summary!K8", "Summary!L7"}
    assert fast == plain


def test_a_cached_value_the_xml_reader_leaves_to_openpyxl_is_read_by_it(fresh, tmp_path):
    inline = with_sheet(
        fresh,
        tmp_path / "inline.xlsx",
        "Summary",
        lambda xml: re.sub(
            rb'<c r="J7"( s="\d+")?><f>(.*?)</f><v ?/></c>',
            rb'<c r="J7"\1 t="inlineStr"><f>\2</f><is><t>typed</t></is></c>',
            xml,
            count=1,
        ),
    )
    run = Audit(inline)
    assert not isinstance(run.values, cached_values.CachedValues)
    assert run.values["Summary"]["J7"].value == "typed"


# --- the probe ------------------------------------------------------------------------------


def test_an_xml_reader_that_reads_otherwise_than_openpyxl_steps_aside(
    fresh, monkeypatch, probe_again
):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    expected = outcome(audit(fresh))
    monkeypatch.setattr(cached_values, "_number", float)  # 3 read as 3.0
    fast_path.probe_reading.cache_clear()
    assert fast_path.why_plain_reading() == (
        "the cached values read from the XML are not openpyxl's with this openpyxl"
    )
    assert outcome(audit(fresh)) == expected


def test_cells_listed_otherwise_than_openpyxl_step_aside(monkeypatch, probe_again):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    listing = fast_path._filled_fast
    monkeypatch.setattr(fast_path, "_filled_fast", lambda ws: listing(ws)[::-1])
    fast_path.probe_reading.cache_clear()
    assert fast_path.why_plain_reading() == "the speed path lists other cells with this openpyxl"
    wb = openpyxl.Workbook()
    wb.active["B1"], wb.active["A2"] = 1, 2
    assert listed(fast_path.filled_cells(wb.active)) == [("B1", 1, "n"), ("A2", 2, "n")]


def test_an_openpyxl_whose_internals_fail_the_check_speed_path_steps_aside(
    monkeypatch, probe_again
):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)

    def changed(ws):
        raise AttributeError("'Worksheet' object has no attribute '_cells'")

    monkeypatch.setattr(fast_path, "_filled_fast", changed)
    fast_path.probe_reading.cache_clear()
    assert fast_path.why_plain_reading() == (
        "the speed path fails with this openpyxl (AttributeError: "
        "'Worksheet' object has no attribute '_cells')"
    )
