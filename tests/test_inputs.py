"""Reading programs tables (CSV, XLSX) and person profiles (TOML) as people write them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from mlworth_xl.api import compare
from mlworth_xl.inputs import parse_rows, read_person, read_programs
from mlworth_xl.model import InputError
from mlworth_xl.model.records import Person, Programs

ROOT = Path(__file__).resolve().parents[1]
HEADER = "name,years,tuition_per_year,salary_after"


def write(tmp_path: Path, text: str, name: str = "p.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_templates_reproduce_the_embedded_defaults():
    from_files = compare(ROOT / "templates" / "programs.csv", ROOT / "templates" / "person.toml")
    assert from_files.equals(compare())


def test_numbers_typed_with_dollars_commas_and_percent(tmp_path):
    path = write(tmp_path, HEADER + ',loan_apr\nMS,2,"$52,000","$120,883",7.94%\n')
    table = read_programs(path)
    assert table.columns["tuition_per_year"][0] == 52_000
    assert table.columns["loan_apr"][0] == pytest.approx(0.0794, rel=1e-15)


def test_semicolon_csv_with_bom_and_decimal_commas(tmp_path):
    text = "\ufeffname;years;tuition_per_year;salary_after\nMS;1,5;30000;90000\n"
    table = read_programs(write(tmp_path, text))
    assert table.columns["years"][0] == 1.5


def test_labels_are_accepted_as_headers_and_blank_rows_skipped(tmp_path):
    text = "Option,Length (years),Tuition per year,Salary after\n\nMS,2,1000,90000\n,,,\n"
    table = read_programs(write(tmp_path, text))
    assert table.names == ["MS"] and table.rows == [3]


def test_missing_unknown_and_duplicate_columns_are_all_listed(tmp_path):
    path = write(tmp_path, "name,years,years,tution_per_year\nA,1,1,1\n")
    with pytest.raises(InputError) as info:
        read_programs(path)
    text = str(info.value)
    assert "duplicate column: years" in text
    assert "tution_per_year: unknown column; did you mean tuition_per_year?" in text
    assert "salary_after: required column is missing" in text


def test_every_bad_cell_of_a_file_is_reported_with_row_and_field(tmp_path):
    rows = [HEADER + ",loan_apr", "A,2,-5,90000,0.05", "B,two,1000,90000,794", "C,1,1,1,0.05"]
    path = write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(InputError) as info:
        read_programs(path)
    found = [(p.row, p.field) for p in info.value.problems]
    assert found == [(2, "tuition_per_year"), (3, "years"), (3, "loan_apr")]
    assert all(p.source == str(path) for p in info.value.problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (HEADER + "\n", "the table has a header but no rows"),
        (HEADER + '\nA,2,"1,5",90000\n', "ambiguous"),
        (HEADER + "\nA,2,1000,nan\n", "must be a finite number"),
        (HEADER + "\nA,2,1000,1e12\n", "out of range"),
        (HEADER + "\nA,300,1000,90000\n", "years: 300 is out of range"),
        (HEADER + ",capitalize_interest\nA,2,1,1,maybe\n", "'maybe' is not TRUE or FALSE"),
        (HEADER + "\nA,2,10%,90000\n", "a percentage is not allowed here"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        read_programs(write(tmp_path, text))


def test_wrong_extension_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="unknown file type '.json'"):
        read_programs(write(tmp_path, "{}", "p.json"))
    with pytest.raises(InputError, match="file not found"):
        read_programs(tmp_path / "nope.csv")


def test_xlsx_table_reads_values_and_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programs"
    ws.append(
        ["name", "years", "tuition_per_year", "salary_after", "loan_apr", "capitalize_interest"]
    )
    ws.append(["MS", 2, 52000, 120883, 0.0794, False])
    ws.append(["Bad", 2, -1, 120883, 0.0794, True])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_programs(path)
    assert [(p.row, p.field) for p in info.value.problems] == [(3, "tuition_per_year")]


def test_xlsx_cell_that_looks_like_a_formula_is_just_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "years", "tuition_per_year", "salary_after"])
    ws.append(["x", 1, 1, 1])
    ws["A2"].value = "=1+1"
    ws["A2"].data_type = "s"
    path = tmp_path / "p.xlsx"
    wb.save(path)
    assert read_programs(path).names == ["=1+1"]


def test_person_profile_with_percent_strings_and_a_table(tmp_path):
    path = write(tmp_path, '[person]\nsalary = 70000\ntax_rate = "28%"\n', "me.toml")
    person = read_person(path)
    assert person.salary == 70_000 and person.tax_rate == pytest.approx(0.28, rel=1e-15)
    assert person.horizon_years == Person.default().horizon_years


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("salery = 1\n", "salery: is not a person field"),
        ("tax_rate = 25\n", "looks like a percentage"),
        ("horizon_years = 10.5\n", "not a whole number"),
        ("salary = \n", "not valid TOML"),
        ('salary = "lots"\n', "'lots' is not a number"),
    ],
)
def test_bad_person_profiles(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        read_person(write(tmp_path, text, "me.toml"))


def test_a_large_table_reads_and_evaluates(tmp_path):
    rows = [HEADER] + [
        f"Option {i},{1 + i % 3},{1000 * (i % 50)},{60000 + i}" for i in range(20_000)
    ]
    table = read_programs(write(tmp_path, "\n".join(rows) + "\n"))
    assert len(table) == 20_000
    out = table.evaluate(Person())
    assert len(out) == 20_000


def test_records_round_trip_through_the_table():
    table = Programs.default()
    again = Programs.from_records(table.records())
    assert again.names == table.names
    for key, column in table.columns.items():
        assert (again.columns[key] == column).all(), key


def test_rows_of_cells_read_as_the_same_table_as_the_csv_file():
    # templates/programs.csv as a spreadsheet range holds it: numbers, TRUE/FALSE, text
    from tests.test_pyodide import programs_rows

    typed = parse_rows(programs_rows(), "programs")
    from_file = read_programs(ROOT / "templates" / "programs.csv")
    assert typed.names == from_file.names and typed.kinds == from_file.kinds
    for k, column in from_file.columns.items():
        assert typed.columns[k].tolist() == column.tolist(), k


def test_rows_of_cells_name_the_row_and_the_problem():
    rows = [
        ["name", "years", "tuition_per_year", "salary_after", "capitalize_interest"],
        [None, None, None, None, None],  # an empty row is skipped, as in a file
        ["MS", 2.0, True, 100000.0, 2.0],
    ]
    with pytest.raises(InputError) as caught:
        parse_rows(rows, "programs")
    assert [(p.field, p.row, p.message) for p in caught.value.problems] == [
        (
            "tuition_per_year",
            3,
            "'TRUE' is not a number; allowed: a number from 0 to 500,000 "
            "(digits, with $, US$ or USD if you like)",
        ),
        ("capitalize_interest", 3, "'2.0' is not TRUE or FALSE"),
    ]
