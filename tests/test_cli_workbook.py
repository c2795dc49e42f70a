"""``mlworth-xl workbook``, run in-process as a user would, with exact outputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mlworth_xl import compare
from mlworth_xl.cli import main
from mlworth_xl.cli.render import table
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.workbook import layout, writer
from tests.workbook_support import (
    compare_with_model,
    error_cells,
    formula_cells,
    irr_problems,
    load_values,
)

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NAME = "ml-masters-comparison.xlsx"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_no_arguments_write_the_default_comparison_here(in_tmp):
    result = run("workbook")
    assert result.exit_code == 0
    assert result.stdout == f"Wrote {NAME}\n" + table(compare())
    assert zipfile.is_zipfile(in_tmp / NAME)
    assert sorted(p.name for p in in_tmp.iterdir()) == [NAME]  # no temporary file left


def test_ironcalc_values_show_the_numbers_without_a_spreadsheet(in_tmp):
    # Every formula's value is stored (IronCalc's), so pandas, previewers and phones read
    # numbers: the model's, as LibreOffice's recalculation of the same file gives them
    pd = pytest.importorskip("pandas")
    assert run("workbook", "--ironcalc-values").exit_code == 0
    assert formula_cells(in_tmp / NAME, valued=True) == formula_cells(in_tmp / NAME)
    wb = load_values(in_tmp / NAME)
    programs, person = Programs.default(), Person.default()
    assert error_cells(wb) == []
    assert compare_with_model(wb, programs, person, skip=("IRR if completed",)) == []
    assert irr_problems(wb, programs, person) == []
    summary = pd.read_excel(
        in_tmp / NAME,
        sheet_name=layout.SUMMARY,
        header=layout.SUMMARY_HEADER_ROW - 1,
        nrows=len(programs),
    )
    expected = compare()
    assert list(summary["Option"]) == list(expected["Option"])
    assert summary["Chance of paying back within target"].tolist() == pytest.approx(
        expected["Chance of paying back within target"].tolist(), rel=1e-9
    )
    npv = "NPV if completed"
    assert summary[npv].tolist() == pytest.approx(expected[npv].tolist(), rel=1e-12)
    assert summary["Cost of attendance"].iloc[0] == 136_000  # test_workbook_libreoffice


def test_by_default_the_file_stores_formulas_only(in_tmp):
    # IronCalc's values cost about 2 s with the live odds: asked for with --ironcalc-values
    assert run("workbook").exit_code == 0
    assert formula_cells(in_tmp / NAME, valued=True) == {
        part: set() for part in formula_cells(in_tmp / NAME)
    }
    result = CliRunner().invoke(main, ["workbook", "--ironcalc-values", "--values", "--force"])
    assert result.exit_code == 2 and "--ironcalc-values" in result.stderr


def test_an_existing_file_is_an_error_without_force(in_tmp):
    (in_tmp / NAME).write_bytes(b"keep me")
    result = run("workbook")
    assert result.exit_code == 2
    assert result.stderr == (
        f"mlworth-xl: error: -o: {NAME} already exists; use --force to replace it\n"
    )
    assert (in_tmp / NAME).read_bytes() == b"keep me"
    assert run("workbook", "--force").exit_code == 0
    assert zipfile.is_zipfile(in_tmp / NAME)


def test_a_missing_folder_is_an_error_naming_o(in_tmp):
    result = run("workbook", "-o", "nowhere/book.xlsx")
    assert result.exit_code == 2
    assert result.stderr == "mlworth-xl: error: -o: the folder 'nowhere' does not exist\n"


def test_output_must_be_xlsx(in_tmp):
    result = run("workbook", "-o", "book.csv")
    assert result.exit_code == 2
    assert result.stderr == "mlworth-xl: error: -o: 'book.csv' must end in .xlsx\n"


def test_a_folder_gets_the_default_name(in_tmp):
    (in_tmp / "out").mkdir()
    result = run("workbook", "-o", "out")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"Wrote {Path('out') / NAME}"


def test_programs_and_person_files(in_tmp):
    programs, person = ROOT / "templates" / "programs.csv", ROOT / "templates" / "person.toml"
    result = run(
        "workbook", "--programs", str(programs), "--person", str(person), "-o", "client.xlsx"
    )
    assert result.exit_code == 0
    assert result.stdout == "Wrote client.xlsx\n" + table(compare(programs, person))
    ws = openpyxl.load_workbook(in_tmp / "client.xlsx")[layout.PROGRAMS]
    row = layout.PROGRAM_ROW["name"]
    names = [ws.cell(row=row, column=3 + i).value for i in range(len(compare(programs)))]
    assert names == list(compare(programs, person)["Option"])


def test_bad_input_writes_nothing(in_tmp):
    bad = in_tmp / "bad.csv"
    bad.write_text("name,years,tuition_per_year,salary_after\nMS,0,1000,90000\n")
    result = run("workbook", "--programs", str(bad))
    assert result.exit_code == 2
    assert "years" in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in in_tmp.iterdir()) == ["bad.csv"]


@pytest.mark.parametrize("option", ["--values", "--pdf"])
def test_values_and_pdf_without_libreoffice_say_so(in_tmp, monkeypatch, option):
    monkeypatch.setattr(writer, "find_soffice", lambda: None)
    result = run("workbook", option)
    assert result.exit_code == 2
    assert result.stderr == (
        f"mlworth-xl: error: {option} needs LibreOffice (soffice), which "
        "is not installed: install it (e.g. `apt-get install "
        "libreoffice-calc-nogui`) or set MLWORTH_SOFFICE\n"
    )
    assert list(in_tmp.iterdir()) == []


def test_help_has_an_example():
    result = run("workbook", "--help")
    assert "mlworth-xl workbook --programs my-programs.csv" in result.stdout
    for option in ("--force", "--values", "--pdf", "-o, --output"):
        assert option in result.stdout


@pytest.mark.libreoffice
def test_values_and_pdf(in_tmp, soffice):
    result = run("workbook", "--values", "--pdf")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"Wrote {NAME} and ml-masters-comparison.pdf"
    summary = load_values(in_tmp / NAME)[layout.SUMMARY]
    row = [c.value for c in summary[layout.SUMMARY_FIRST_ROW]]
    frame = compare()
    # the cached values are the model's (to the 15 digits LibreOffice writes)
    assert row[0] == frame["Option"][0]
    assert row[layout.SUMMARY_COL["npv"] - 1] == pytest.approx(
        frame["NPV if completed"][0], rel=1e-12
    )
    assert (in_tmp / "ml-masters-comparison.pdf").read_bytes().startswith(b"%PDF")
