"""Tests for mlworth_xl.workbook.libreoffice (headless LibreOffice recalculation)."""

from __future__ import annotations

import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from mlworth_xl.workbook import libreoffice
from mlworth_xl.workbook.libreoffice import (
    LibreOfficeError,
    export_pdf,
    fill_cached_values,
    find_soffice,
    recalculate,
)

requires_soffice = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice (soffice) not found: install libreoffice-calc-nogui"
)


def _product_workbook(path: Path, a1: float, a2: float = 4) -> Path:
    """Write A1, A2 and the formulas A3 = A1*A2, A4 = text, A5 = bool, A6 = error; no cache."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Inputs"
    ws["A1"], ws["A2"] = a1, a2
    ws["A3"] = "=A1*A2"
    ws["A4"] = '=IF(A3>10,"big","small")'
    ws["A5"] = "=A3>10"
    ws["A6"] = "=1/0"
    dv = DataValidation(type="whole", operator="greaterThan", formula1="0")
    dv.add("A1")
    ws.add_data_validation(dv)
    wb.save(path)
    return path


def _values(path: Path) -> list[object]:
    ws = openpyxl.load_workbook(path, data_only=True)["Inputs"]
    return [ws[f"A{row}"].value for row in range(1, 7)]


def _set_cached_input(path: Path, a1: int) -> None:
    """Change the stored value of input A1 in the XML, leaving every formula's cache stale."""
    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'(<c r="A1"[^>]*>)<v>[^<]*</v>', rb"\g<1><v>%d</v>" % a1, data
                )
                assert count == 1
            zout.writestr(info, data)


@pytest.mark.libreoffice
@requires_soffice
def test_fresh_workbook_gets_values(tmp_path: Path) -> None:
    src = _product_workbook(tmp_path / "fresh.xlsx", 3)
    assert _values(src)[2:] == [None, None, None, None]  # openpyxl writes no cached values
    dest = recalculate(src, tmp_path / "out" / "fresh.xlsx")
    assert dest == tmp_path / "out" / "fresh.xlsx"
    # A3 = 3 * 4 = 12 > 10, so "big" and TRUE; 1/0 is an error
    assert _values(dest) == [3, 4, 12, "big", True, "#DIV/0!"]
    assert openpyxl.load_workbook(dest)["Inputs"]["A3"].value == "=A1*A2"  # formulas kept


@pytest.mark.libreoffice
@requires_soffice
def test_stale_cached_values_are_recalculated(tmp_path: Path) -> None:
    src = _product_workbook(tmp_path / "book.xlsx", 2)
    recalculate(src, src)  # may overwrite its own source
    assert _values(src)[:3] == [2, 4, 8]  # 2 * 4, cached now
    _set_cached_input(src, 3)
    assert _values(src)[:4] == [3, 4, 8, "small"]  # stale: the cache still says 2 * 4
    dest = recalculate(src, tmp_path / "recalculated.xlsx")
    # 3 * 4 = 12, the new input; 12 > 10 makes A4 "big" and A5 TRUE
    assert _values(dest) == [3, 4, 12, "big", True, "#DIV/0!"]


@pytest.mark.libreoffice
@requires_soffice
def test_export_pdf(tmp_path: Path) -> None:
    src = _product_workbook(tmp_path / "book.xlsx", 3)
    dest = export_pdf(src, tmp_path / "book.pdf")
    assert dest.read_bytes().startswith(b"%PDF")


def test_missing_source_raises(tmp_path: Path) -> None:
    with pytest.raises(LibreOfficeError, match="not found"):
        recalculate(tmp_path / "absent.xlsx", tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_missing_soffice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    src = _product_workbook(tmp_path / "book.xlsx", 3)
    with pytest.raises(LibreOfficeError, match="libreoffice-calc-nogui"):
        recalculate(src, tmp_path / "out.xlsx")


def test_env_var_overrides_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLWORTH_SOFFICE", "/opt/custom/soffice")
    assert find_soffice() == "/opt/custom/soffice"


@pytest.mark.libreoffice
@requires_soffice
def test_unloadable_file_raises_and_leaves_no_dest(tmp_path: Path) -> None:
    src = tmp_path / "garbage.xlsx"
    src.write_bytes(b"not a spreadsheet\n" * 10)
    dest = tmp_path / "out.xlsx"
    with pytest.raises(LibreOfficeError, match="could not convert"):  # soffice exits 0 here
        recalculate(src, dest)
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == [src]  # no temporary file left beside dest


@pytest.mark.libreoffice
@requires_soffice
def test_timeout_raises(tmp_path: Path) -> None:
    src = _product_workbook(tmp_path / "book.xlsx", 3)
    with pytest.raises(LibreOfficeError, match="timed out"):
        recalculate(src, tmp_path / "out.xlsx", timeout=0.01)
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.libreoffice
@requires_soffice
def test_parallel_recalculations_use_separate_profiles(tmp_path: Path) -> None:
    sources = [_product_workbook(tmp_path / f"in{n}.xlsx", n) for n in (5, 7)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outs = list(pool.map(lambda s: recalculate(s, tmp_path / f"out-{s.name}"), sources))
    assert [_values(out)[2] for out in outs] == [20, 28]  # 5 * 4 and 7 * 4


@pytest.mark.libreoffice
@requires_soffice
def test_fill_cached_values_keeps_everything_else(tmp_path: Path) -> None:
    original = _product_workbook(tmp_path / "book.xlsx", 3)
    recalculated = recalculate(original, tmp_path / "recalculated.xlsx")
    filled = fill_cached_values(original, recalculated, tmp_path / "filled.xlsx")
    # 3 * 4 = 12 > 10: "big" (t="str"), TRUE (t="b"), 1/0 an error (t="e")
    assert _values(filled) == [3, 4, 12, "big", True, "#DIV/0!"]
    with zipfile.ZipFile(original) as before, zipfile.ZipFile(filled) as after:
        assert before.namelist() == after.namelist()
        changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
        sheet = after.read("xl/worksheets/sheet1.xml")
    assert changed == ["xl/worksheets/sheet1.xml"]
    assert b'<c r="A3"><f>A1*A2</f><v>12</v></c>' in sheet
    assert b'<c r="A5" t="b"><f>A3&gt;10</f><v>1</v></c>' in sheet
    ws = openpyxl.load_workbook(filled)["Inputs"]
    assert ws["A3"].value == "=A1*A2"
    assert len(ws.data_validations.dataValidation) == 1
