"""``mlworth-xl excel``: the setup it prints and writes, and the example workbook."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mlworth_xl import __version__, udfs
from mlworth_xl.cli import excel, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "mlworth-functions-example.xlsx"


def run(*args: str):
    return CliRunner().invoke(main, ["excel", *args])


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0
    assert "Set up the MLWORTH_* Excel functions" in result.output
    assert "mlworth-xl excel --lite --write excel-setup" in result.output


def test_prints_both_setups_with_the_exact_config():
    result = run()
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Windows desktop Excel (classic xlwings add-in, free)\n")
    assert '       "UDF MODULES","mlworth_xl.udfs"\n' in out
    assert f"       {sys.executable}\n" in out
    assert "Mac, Windows or Excel on the web (xlwings Lite add-in, free" in out
    assert f"       xlwings=={version('xlwings')}\n       mlworth-xl=={__version__}\n" in out
    for name in udfs.__all__:
        assert f"           {name},\n" in out
    assert out.endswith("To write these files instead: mlworth-xl excel --write DIR\n")


def test_windows_and_lite_alone():
    assert "xlwings Lite" not in run("--windows").output
    lite = run("--lite").output
    assert "Windows desktop" not in lite and "requirements.txt" in lite


def test_wheel_url_replaces_the_pypi_pin():
    out = run("--lite", "--wheel-url", "https://example.org/mlworth_xl-0.1.0-py3-none-any.whl")
    assert "       https://example.org/mlworth_xl-0.1.0-py3-none-any.whl\n" in out.output
    assert "mlworth-xl==" not in out.output


def test_write_puts_the_printed_files_in_the_folder(tmp_path):
    folder = tmp_path / "setup"
    result = run("--write", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["main.py", "requirements.txt",
                                                        "xlwings.conf"]
    assert (folder / "xlwings.conf").read_text() == '"UDF MODULES","mlworth_xl.udfs"\n'
    assert (folder / "requirements.txt").read_text() == (
        f"xlwings=={version('xlwings')}\nmlworth-xl=={__version__}\n")
    assert f"wrote {folder / 'main.py'}\n" in result.output
    assert f"the content of {folder / 'main.py'}" in result.output


def test_the_written_main_py_registers_every_function(tmp_path):
    run("--lite", "--write", str(tmp_path))
    namespace: dict = {}
    exec((tmp_path / "main.py").read_text(), namespace)  # what xlwings Lite runs
    registered = {k for k, v in namespace.items() if hasattr(v, "__mlworth_udf__")}
    assert registered == set(udfs.__all__)


def test_never_overwrites_without_force(tmp_path):
    (tmp_path / "main.py").write_text("# mine\n")
    result = CliRunner().invoke(main, ["excel", "--write", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{tmp_path / 'main.py'} already exists; add --force to overwrite it" in result.stderr
    assert (tmp_path / "main.py").read_text() == "# mine\n"
    assert not (tmp_path / "xlwings.conf").exists()  # refused before writing anything
    assert run("--write", str(tmp_path), "--force").exit_code == 0
    assert "mlworth_xl.udfs" in (tmp_path / "main.py").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_example_refuses_other_file_types(tmp_path):
    result = run("--example", str(tmp_path / "x.xlsm"))
    assert result.exit_code == 2 and "must end in .xlsx" in result.stderr


# --- The example workbook ------------------------------------------------------------------

def entries(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_example_is_reproducible(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        assert run("--example", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_committed_example_is_up_to_date():
    # compares the unzipped parts, so a different zlib cannot fail it
    assert entries(EXAMPLE.read_bytes()) == entries(excel.example_workbook()), (
        "regenerate: mlworth-xl excel --example workbooks/mlworth-functions-example.xlsx --force")


FORMULA = re.compile(r"^=(MLWORTH_\w+)\((.*)\)$")


def formulas(wb):
    """Every formula: sheet, cell, text, and the range an array formula fills."""
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if hasattr(v, "ref"):
                    yield ws, c, v.text, v.ref
                elif isinstance(v, str) and v.startswith("="):
                    yield ws, c, v, c.coordinate


def arguments(text: str) -> list:
    inner = FORMULA.match(text).group(2)
    out = []
    for a in (inner.split(",") if inner else []):
        if a.startswith('"'):
            out.append(a.strip('"'))
        else:
            try:
                out.append(float(a))
            except ValueError:
                out.append(a)
    return out


def test_example_says_on_its_first_sheet_that_it_needs_the_add_in():
    wb = openpyxl.load_workbook(EXAMPLE)
    first = wb.worksheets[0]
    text = " ".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    assert first.title == "Read me"
    assert "needs the mlworth-xl add-in" in text
    assert "mlworth-xl excel --windows" in text and "mlworth-xl excel --lite" in text


def test_example_formulas_call_real_functions_and_give_the_expected_values():
    wb = openpyxl.load_workbook(EXAMPLE)
    seen = set()
    for ws, _cell, text, ref in formulas(wb):
        name = FORMULA.match(text).group(1)
        seen.add(name)
        args = arguments(text)
        # what the add-in computes for the formula: the same function with the sheet's cells
        result = excel.call(name, args, excel.reader(ws))
        rows = result if isinstance(result, list) else [[result]]
        top, bottom = ref.split(":") if ":" in ref else (ref, ref)
        block = ws[f"{top}:{bottom}"]
        assert (len(block), len(block[0])) == (len(rows), len(rows[0])), f"{ws.title}!{ref}"
        after = block[0][-1].column + 1
        if ws.cell(1, after).value == "Expected":
            for i, r in enumerate(rows):
                expected = ws.cell(block[0][0].row + i, after).value
                if expected != "Expected":
                    assert r[-1] == (pytest.approx(expected) if isinstance(expected, float)
                                     else expected), f"{ws.title}!{ref} row {i + 1}"
        flat = [v for r in rows for v in r]
        errors = [v for v in flat if isinstance(v, str) and v[:1] == "#"]
        assert all("never pay back" in e or "never pays back" in e for e in errors), errors
    assert {"MLWORTH_COST", "MLWORTH_LOAN_PAYMENT", "MLWORTH_LOAN_INTEREST", "MLWORTH_PAYBACK",
            "MLWORTH_EVALUATE", "MLWORTH_COMPARE", "MLWORTH_LOAN_SCHEDULE"} <= seen
