"""Workbooks from elsewhere: entity bombs and zip bombs refused, macros and links only noted.

The malicious files are built here with zipfile, part by part.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from click.testing import CliRunner

from mlworth_xl import safe_xlsx
from mlworth_xl.cli import main
from mlworth_xl.inputs import read_programs
from mlworth_xl.model.errors import InputError
from mlworth_xl.workbook.check import audit

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">'
        for k in range(1, 10)
    )
    + "]>"
)  # 10^9 "lol"s once expanded: the "billion laughs"


def programs_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programs"
    ws.append(["name", "years", "tuition_per_year", "salary_after"])
    ws.append(["MS", 2, 52000, 120883])
    wb.save(path)
    return path


def rebuilt(src: Path, dest: Path, change: dict[str, bytes | None]) -> Path:
    """``src`` with parts replaced (or added), a None removes one."""
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for name, payload in change.items():
        if payload is None:
            parts.pop(name, None)
        else:
            parts[name] = payload
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for name, payload in parts.items():
            out.writestr(name, payload)
    return dest


def with_laughs(xml: bytes) -> bytes:
    head, _, body = xml.partition(b"?>") if xml.startswith(b"<?xml") else (b"", b"", xml)
    return (head + b"?>" if head else b"") + LAUGHS.encode() + body


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML  # defusedxml is a dependency, so openpyxl uses it


@pytest.mark.parametrize(
    "part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"]
)
def test_a_billion_laughs_is_refused_naming_the_file(tmp_path, part):
    clean = programs_xlsx(tmp_path / "clean.xlsx")
    with zipfile.ZipFile(clean) as z:
        xml = z.read(part)
    bomb = rebuilt(clean, tmp_path / "laughs.xlsx", {part: with_laughs(xml)})
    with pytest.raises(InputError) as info:
        read_programs(bomb)
    assert str(info.value) == (
        f"{bomb}: programs: cannot read the workbook: its XML declares "
        'entities, which are refused (a possible "billion laughs" attack)'
    )
    result = CliRunner().invoke(main, ["compare", "--programs", str(bomb)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"{bomb}: programs: cannot read the workbook" in result.stderr


def test_check_refuses_a_billion_laughs(tmp_path, default_workbook):
    book = default_workbook  # as `mlworth-xl workbook` writes it
    with zipfile.ZipFile(book) as z:
        xml = z.read("xl/workbook.xml")
    bomb = rebuilt(book, tmp_path / "laughs.xlsx", {"xl/workbook.xml": with_laughs(xml)})
    result = CliRunner().invoke(main, ["check", str(bomb)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"mlworth-xl: error: {bomb}: workbook: cannot read the workbook: "
        'its XML declares entities, which are refused (a possible "billion '
        'laughs" attack)\n'
    )


def zip_bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return path


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path, monkeypatch):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 5_000_000)  # 5 MB of zeros: about 1000 to 1

    def unpack(*args, **kw):
        raise AssertionError("a part was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpack)
    with pytest.raises(InputError) as info:
        read_programs(bomb)
    assert "part xl/worksheets/sheet1.xml compresses" in str(info.value)
    assert str(info.value).endswith("to 1; refused as a possible zip bomb")
    assert str(info.value).startswith(f"{bomb}: programs: ")


def test_a_zip_that_declares_too_much_is_refused(tmp_path, monkeypatch):
    # What the directory declares bounds what is unpacked (zipfile stops there and checks
    # the CRC), so the declared total is checked first.
    monkeypatch.setattr(safe_xlsx, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = zip_bomb(tmp_path / "big.xlsx", 1_000_001)
    with pytest.raises(
        InputError,
        match=r"would unpack to 1,000,\d+ bytes; at most 1,000,000 "
        r"are read \(possible zip bomb\)",
    ):
        read_programs(bomb)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match=r"not an Excel \.xlsx workbook \(no xl/workbook\.xml\)"):
        read_programs(path)


def macros_and_links(src: Path, dest: Path) -> Path:
    return rebuilt(
        src,
        dest,
        {
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run",
            "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
        },
    )


def test_macros_and_external_links_are_warned_about_and_ignored(tmp_path):
    path = macros_and_links(programs_xlsx(tmp_path / "p.xlsx"), tmp_path / "p.xlsm")
    with pytest.warns(UserWarning) as caught:
        table = read_programs(path)
    assert table.names == ["MS"]
    assert [str(w.message) for w in caught] == [
        f"{path}: the workbook contains macros; they are ignored and never run",
        f"{path}: the workbook links to other files; linked values are not refreshed",
    ]


def test_the_cli_shows_each_warning_on_one_line_and_carries_on(tmp_path):
    path = macros_and_links(programs_xlsx(tmp_path / "p.xlsx"), tmp_path / "p.xlsm")
    out = subprocess.run(
        [sys.executable, "-m", "mlworth_xl", "compare", "--programs", str(path), "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0
    assert out.stderr.splitlines() == [
        f"mlworth-xl: warning: {path}: the workbook contains macros; they are ignored and never "
        "run",
        f"mlworth-xl: warning: {path}: the workbook links to other files; linked values are not "
        "refreshed",
    ]
    assert out.stdout.splitlines()[1].startswith("MS,")


def test_check_notes_macros_and_links_without_failing(tmp_path, default_workbook):
    path = macros_and_links(default_workbook, tmp_path / "client.xlsm")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"mlworth-xl: warning: {path}: the workbook contains macros; they are ignored and never "
        "run",
        f"mlworth-xl: warning: {path}: the workbook links to other files; linked values are not "
        "refreshed",
    ]
    report = audit(path)
    assert report.notes and report.clean


def test_values_only_formulas_are_never_computed(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "years", "tuition_per_year", "salary_after"])
    ws.append(["MS", 2, "=10*10", 90000])  # a formula with no stored result
    path = tmp_path / "p.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_programs(path)
    # the formula is neither run nor read as text: the cell has no value
    assert [(p.row, p.field, p.message) for p in info.value.problems] == [
        (2, "tuition_per_year", "is empty; allowed: a number from 0 to 500,000")
    ]


def test_values_only_a_stored_result_is_what_is_read(tmp_path):
    path = programs_xlsx(tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    # C2 holds 52000; make it a formula =1/0 whose stored result is 40000
    assert b'<c r="C2" t="n"><v>52000</v></c>' in xml
    xml = xml.replace(b'<c r="C2" t="n"><v>52000</v></c>', b'<c r="C2"><f>1/0</f><v>40000</v></c>')
    stored = rebuilt(path, tmp_path / "stored.xlsx", {"xl/worksheets/sheet1.xml": xml})
    assert read_programs(stored).columns["tuition_per_year"][0] == 40_000
