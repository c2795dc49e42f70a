"""The workbook's speed path and openpyxl's public API write the same bytes, and the speed
path steps aside where openpyxl is not a tested one or lacks an internal it uses.

"The same bytes" is meant literally: each test builds the workbook once with the
speed path (:class:`~mlworth_xl.workbook.styles.Cells` copying style arrays,
:class:`~mlworth_xl.workbook.sheet_xml.WorkbookXml` writing cells as text) and once
with openpyxl's public API only (``MLWORTH_XL_PLAIN_OPENPYXL=1``: every cell
styled through openpyxl, saved by ``ExcelWriter``), and compares the files whole.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import replace
from functools import partial

import openpyxl
import openpyxl.cell._writer
import pytest

from mlworth_xl import udfs
from mlworth_xl.model.records import Programs
from mlworth_xl.workbook import build_workbook, fast_path, functions_example, sheet_xml, styles
from mlworth_xl.workbook.risk_sheet import RiskSettings
from mlworth_xl.workbook.writer import workbook_bytes

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow


@pytest.fixture
def probe_again():
    """The probe's verdict forgotten before and after the test (it is kept a process)."""
    fast_path.probe.cache_clear()
    yield
    fast_path.probe.cache_clear()


def both_ways(build, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """The file of ``build()`` by the speed path, and by openpyxl's public API."""
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    assert fast_path.why_plain() is None
    fast = workbook_bytes(build())
    monkeypatch.setenv(fast_path.PLAIN_ENV, "1")
    assert fast_path.why_plain() == "MLWORTH_XL_PLAIN_OPENPYXL is set"
    plain = workbook_bytes(build())
    return fast, plain


def test_the_speed_path_is_taken_with_the_installed_openpyxl(monkeypatch):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    assert fast_path.in_tested_range(openpyxl.__version__)
    assert fast_path.why_plain() is None
    assert fast_path.enabled()
    monkeypatch.setenv(fast_path.PLAIN_ENV, "0")  # 0 leaves it on
    assert fast_path.enabled()


@pytest.mark.parametrize("plain", ["", "1"])
def test_every_sheet_writer_styles_its_cells_as_the_fence_says(plain, monkeypatch):
    # styles.Cells and sheet_xml.save take the speed path only when told (they import nothing
    # of the fence); each sheet's writer and the writer's save ask fast_path.enabled()
    monkeypatch.setenv(fast_path.PLAIN_ENV, plain)
    told = []
    real = styles.Cells.__init__

    def spy(self, ws, *, fast=False):
        told.append((ws.title, fast))
        real(self, ws, fast=fast)

    monkeypatch.setattr(styles.Cells, "__init__", spy)
    records = Programs.default().records()[:2]
    records[1] = replace(records[1], repayment_plan=2)  # 2: RAP, so the RAP sheet is written
    build_workbook(Programs.from_records(records), risk=RiskSettings(draws=200, seed=3))
    assert {title for title, _ in told} >= {"Cash flows", "Loans", "RAP", "Odds", "Roles"}
    assert {fast for _, fast in told} == {plain == ""}


def test_default_workbook_is_the_same_both_ways(monkeypatch):
    fast, plain = both_ways(build_workbook, monkeypatch)
    assert fast == plain


def test_workbook_with_rap_and_awkward_names_is_the_same_both_ways(monkeypatch):
    records = Programs.default().records()[:3]
    names = [" padded & <tagged> ", "=1+1", "tab\there, ünïcode 日本"]
    records = [replace(r, name=name) for r, name in zip(records, names, strict=True)]
    records[1] = replace(records[1], repayment_plan=2)  # 2: RAP (fields.PLANS)
    programs = Programs.from_records(records)
    fast, plain = both_ways(
        lambda: build_workbook(programs, risk=RiskSettings(draws=200, seed=3)), monkeypatch
    )
    assert fast == plain


def test_template_is_the_same_both_ways(monkeypatch):
    fast, plain = both_ways(lambda: build_workbook(template=True, blank=[1]), monkeypatch)
    assert fast == plain


def test_functions_example_and_its_array_formulas_are_the_same_both_ways(monkeypatch):
    # the speed path hands an array formula to openpyxl's own cell writer (sheet_xml._cell)
    fast, plain = both_ways(lambda: functions_example.build(partial(getattr, udfs)), monkeypatch)
    assert fast == plain
    with zipfile.ZipFile(io.BytesIO(fast)) as z:
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert sheets.count(b'<f t="array" ref="') == 4  # Ranges (2), Compare, Loan schedule
    assert (
        b'<c r="D1"><f t="array" ref="D1:H127">MLWORTH_LOAN_SCHEDULE(B1,B2,B3,B4,B5)</f>'
        b"<v /></c>" in sheets
    )


@pytest.mark.parametrize("version", ["3.1.1", "3.2.0", "4.0.0"])
def test_an_untested_openpyxl_is_written_by_its_public_api(version, monkeypatch):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    expected = workbook_bytes(build_workbook())
    monkeypatch.setattr(fast_path, "installed_version", lambda: version)
    assert fast_path.why_plain() == (f"openpyxl {version} is outside the tested range >=3.1.2,<3.2")
    assert not fast_path.enabled()
    assert workbook_bytes(build_workbook()) == expected


def test_an_openpyxl_without_a_module_it_uses_is_written_by_its_public_api(
    monkeypatch, probe_again
):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    expected = workbook_bytes(build_workbook())
    monkeypatch.setitem(sys.modules, "openpyxl.cell._writer", None)  # import fails
    fast_path.probe.cache_clear()
    assert fast_path.why_plain() == "openpyxl has no module openpyxl.cell._writer"
    assert workbook_bytes(build_workbook()) == expected


def test_an_openpyxl_without_an_attribute_it_uses_is_written_by_its_public_api(
    monkeypatch, probe_again
):
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    expected = workbook_bytes(build_workbook())
    # the speed path hands unusual cells to it (openpyxl's own writer keeps its reference)
    monkeypatch.delattr(openpyxl.cell._writer, "write_cell")
    fast_path.probe.cache_clear()
    assert fast_path.why_plain() == "openpyxl has no openpyxl.cell._writer.write_cell"
    assert not fast_path.enabled()
    assert workbook_bytes(build_workbook()) == expected


def test_an_openpyxl_whose_internals_fail_the_speed_path_is_written_by_its_public_api(
    monkeypatch, probe_again
):
    # every name is there, but one no longer works as the speed path expects
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    expected = workbook_bytes(build_workbook())

    def changed(*args):
        raise AttributeError("'Cell' object has no attribute '_value'")

    monkeypatch.setattr(sheet_xml.WorksheetXml, "_row", changed)
    fast_path.probe.cache_clear()
    assert fast_path.why_plain() == (
        "the speed path fails with this openpyxl (AttributeError: "
        "'Cell' object has no attribute '_value')"
    )
    assert workbook_bytes(build_workbook()) == expected


def test_an_openpyxl_whose_internals_mean_another_file_is_written_by_its_public_api(
    monkeypatch, probe_again
):
    # the speed path runs, but its file is no longer openpyxl's: text cells written otherwise
    monkeypatch.delenv(fast_path.PLAIN_ENV, raising=False)
    expected = workbook_bytes(build_workbook())
    cell = sheet_xml._cell
    monkeypatch.setattr(sheet_xml, "_cell", lambda *a: (cell(*a) or "").replace("<is>", "<is >"))
    fast_path.probe.cache_clear()
    assert fast_path.why_plain() == "the speed path writes a different file with this openpyxl"
    assert workbook_bytes(build_workbook()) == expected
