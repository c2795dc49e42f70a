"""Templates: empty option columns to fill in in Excel, and the round trip back.

The oracle is the comparison workbook of the same options (the generator's
formulas, LibreOffice's values) and ``mlworth-xl compare`` of the CSV the
template is filled from.  Cells are filled with openpyxl as an advisor would
type them; only the LibreOffice tests recalculate.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from workbook_support import error_cells, load_values, random_sets, recalculate_all

from mlworth_xl.api import COMPARE_COLUMNS
from mlworth_xl.audit import audit
from mlworth_xl.cli import main
from mlworth_xl.model import fields
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import PROGRAM_NUMERIC, Person, Programs
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.workbook import build_workbook, guide, layout, odds_sheet, reader
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.summary import STALE, WRITTEN
from mlworth_xl.workbook.template import (
    DEFAULT_OPTIONS,
    build_template,
    template_programs,
    write_template,
)
from mlworth_xl.workbook.writer import MAX_OPTIONS, workbook_bytes
from tests.workbook_support import stale_members

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks" / "ml-comparison-template.xlsx"


# --- filling a template as an advisor types it ---------------------------------------------


def fill(wb: openpyxl.Workbook, column: int, programs: Programs, k: int) -> None:
    """Type option ``k`` of ``programs`` into option column ``column`` of a template."""
    ws = wb[layout.PROGRAMS]
    col = Layout.option_col(column)
    record = programs.records()[k]
    for spec in fields.PROGRAM_FIELDS:
        value = getattr(record, spec.name)
        ws.cell(row=layout.PROGRAM_ROW[spec.name], column=col, value=value)
    # the uncertain inputs of the option's kind (those `compare` uses for a CSV)
    unc = Uncertainty.for_kind(record.kind)
    for spec in RISK_FIELDS:
        ws.cell(row=layout.RISK_ROW[spec.name], column=col, value=getattr(unc, spec.name))


def fill_person(wb: openpyxl.Workbook, person: Person) -> None:
    ws = wb[layout.INPUTS]
    for k, spec in enumerate(fields.PERSON_FIELDS):
        ws.cell(
            row=layout.INPUTS_FIRST_ROW + k,
            column=layout.INPUTS_VALUE_COL,
            value=getattr(person, spec.name),
        )


def filled_template(
    path: Path, programs: Programs, person: Person, columns: list[int], n: int = DEFAULT_OPTIONS
) -> Path:
    """A template of ``n`` columns with option k of ``programs`` in column ``columns[k]``."""
    write_template(path, n, force=True)
    wb = openpyxl.load_workbook(path)
    for k, column in enumerate(columns):
        fill(wb, column, programs, k)
    fill_person(wb, person)
    wb.save(path)
    return path


def write_csv(path: Path, programs: Programs) -> Path:
    names = [f.name for f in fields.PROGRAM_FIELDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for record in programs.records():
        writer.writerow(
            [repr(v) if isinstance(v, float) else v for v in (getattr(record, k) for k in names)]
        )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_toml(path: Path, person: Person) -> Path:
    path.write_text(
        "".join(f"{f.name} = {getattr(person, f.name)!r}\n" for f in fields.PERSON_FIELDS),
        encoding="utf-8",
    )
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def formulas(wb: openpyxl.Workbook) -> dict[str, str]:
    return {
        f"{ws.title}!{c.coordinate}": c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


# --- the template itself -------------------------------------------------------------------


def test_required_inputs_are_the_fields_without_default():
    assert (
        tuple(f.name for f in fields.PROGRAM_FIELDS if f.required or f.default is None)
        == layout.REQUIRED
    )
    assert set(layout.REQUIRED) == {"name", "years", "tuition_per_year", "salary_after"}


def test_the_guide_names_the_required_inputs_from_the_field_table():
    wb = build_template(4)
    text = " ".join(str(c.value) for row in wb[layout.GUIDE].iter_rows() for c in row if c.value)
    assert "A template: 4 option columns to fill in" in text
    words = ", ".join(fields.PROGRAM[k].label for k in layout.REQUIRED[:-1])
    assert f"once its {words} and {fields.PROGRAM[layout.REQUIRED[-1]].label} are filled in" in text
    assert guide.required_words() in text
    assert "`mlworth-xl workbook --programs filled.xlsx" in text  # what fills the Risk sheet
    assert 'defaults of the kind "other"' in text
    assert layout.FILLED_LABEL in text


def test_blank_columns_leave_only_the_required_inputs_empty():
    wb = build_template(3)
    ws = wb[layout.PROGRAMS]
    for i in range(3):
        col = Layout.option_col(i)
        for spec in fields.PROGRAM_FIELDS:
            value = ws.cell(row=layout.PROGRAM_ROW[spec.name], column=col).value
            if spec.name in layout.REQUIRED:
                assert value is None, spec.name
            elif spec.name == "kind":
                assert value == "other"
            else:
                assert value is not None, spec.name
        unc = Uncertainty.for_kind("other")
        for spec in RISK_FIELDS:
            value = ws.cell(row=layout.RISK_ROW[spec.name], column=col).value
            assert value == getattr(unc, spec.name), spec.name
    assert "Risk" not in wb.sheetnames


def test_a_blank_column_has_the_formulas_of_a_filled_one():
    # The formulas do not depend on the values: a template filled in (blank=()) has the
    # same formulas, cell for cell, as the blank one.
    programs = Programs.default()
    n = len(programs)
    blank = build_workbook(template_programs(n), None, None, template=True, blank=range(n))
    filled = build_workbook(programs, None, None, template=True)
    assert formulas(blank) == formulas(filled)
    # and the Programs inputs are where the filled workbook has them
    for spec in fields.PROGRAM_FIELDS:
        for i in range(n):
            c = filled[layout.PROGRAMS].cell(
                row=layout.PROGRAM_ROW[spec.name], column=Layout.option_col(i)
            )
            assert c.value is not None


def test_every_result_of_an_option_waits_for_its_flag():
    wb = build_template(2)
    lay = Layout(2, template=True)
    for i in range(2):
        flag = lay.filled(i)
        for key in (c.key for c in COMPARE_COLUMNS):
            value = (
                wb[layout.SUMMARY]
                .cell(row=lay.summary_row(i), column=layout.SUMMARY_COL[key])
                .value
            )
            assert value.startswith(f"=IF({flag},") and value.endswith(',"")'), key
        chance = odds_sheet.chance(i).split("!")[1].replace("$", "")
        assert wb[layout.ODDS][chance].value.startswith(f"=IF({flag},")
    flag_cell = (
        wb[layout.PROGRAMS].cell(row=layout.PROGRAMS_FILLED_ROW, column=Layout.option_col(0)).value
    )
    for k in layout.REQUIRED:  # the flag reads exactly the required inputs
        assert f"$C${layout.PROGRAM_ROW[k]}" in flag_cell
    assert flag_cell.count("$C$") == len(layout.REQUIRED)


def test_data_validation_covers_the_blank_columns():
    wb = build_template(DEFAULT_OPTIONS)
    ws = wb[layout.PROGRAMS]
    last = openpyxl.utils.get_column_letter(Layout.option_col(DEFAULT_OPTIONS - 1))
    ranges = [str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges]
    for spec in fields.PROGRAM_FIELDS:
        row = layout.PROGRAM_ROW[spec.name]
        if spec.unit == "text" and not spec.choices:
            continue  # the name: any text
        assert any(r.endswith(f"{last}{row}") or f"{last}{row}" in r for r in ranges) or any(
            f"{last}{row}" == r for r in ranges
        ), spec.name


def test_template_command_writes_and_refuses(tmp_path):
    dest = tmp_path / "t.xlsx"
    result = run("template", "-o", str(dest), "--options", "3")
    assert result.exit_code == 0, result.output
    assert f"Wrote {dest}" in result.stdout
    assert reader.option_count(openpyxl.load_workbook(dest)[layout.PROGRAMS]) == 3
    before = dest.read_bytes()
    again = run("template", "-o", str(dest))
    assert again.exit_code == 2
    [line] = again.stderr.splitlines()
    assert "already exists; use --force" in line
    assert dest.read_bytes() == before
    assert run("template", "-o", str(dest), "--force").exit_code == 0
    for args, words in (
        (("--options", "0"), "--options"),
        (("--options", str(MAX_OPTIONS + 1)), "--options"),
        (("-o", str(tmp_path / "t.csv")), "must end in .xlsx"),
        (("-o", str(tmp_path / "nope" / "t.xlsx")), "does not exist"),
    ):
        bad = run("template", *args)
        assert bad.exit_code == 2, args
        [line] = bad.stderr.splitlines()
        assert words in line
    folder = run("template", "-o", str(tmp_path))
    assert folder.exit_code == 0 and (tmp_path / "ml-comparison-template.xlsx").exists()


def test_template_takes_the_person(tmp_path):
    person = Person(salary=91_234.0, tax_rate=0.3, horizon_years=30)
    dest = tmp_path / "t.xlsx"
    assert (
        run(
            "template", "-o", str(dest), "--person", str(write_toml(tmp_path / "p.toml", person))
        ).exit_code
        == 0
    )
    assert reader.read_person_sheet(dest) == person


def test_the_same_inputs_give_the_same_bytes():
    assert workbook_bytes(build_template(4)) == workbook_bytes(build_template(4))


def test_committed_template_is_up_to_date(tmp_path):
    result = CliRunner().invoke(
        main, ["template", "-o", str(tmp_path / "new.xlsx")], catch_exceptions=False
    )
    assert result.exit_code == 0
    with zipfile.ZipFile(COMMITTED) as old, zipfile.ZipFile(tmp_path / "new.xlsx") as new:
        assert old.namelist() == new.namelist()
        stale = stale_members(
            {n: old.read(n) for n in old.namelist()}, {n: new.read(n) for n in new.namelist()}
        )
    assert stale == [], (
        "workbooks/ml-comparison-template.xlsx is out of date; regenerate it "
        "with: mlworth-xl template -o workbooks/ml-comparison-template.xlsx "
        "--force"
    )


# --- reading a filled template back ----------------------------------------------------------


def _compare_csv(*args: str) -> str:
    result = run("compare", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("case", range(4))
def test_read_back_gives_the_compare_table_of_the_csv(tmp_path, case):
    if case == 0:
        programs, person = Programs.default(), Person.default()
    else:
        programs, person = random_sets(case + 1, seed=20261203)[case]
    rng = np.random.default_rng(case)
    n = max(DEFAULT_OPTIONS, len(programs) + 3)
    columns = sorted(rng.choice(n, size=len(programs), replace=False).tolist())
    assert case == 0 or columns != list(range(len(programs))) or len(programs) == n
    book = filled_template(tmp_path / "filled.xlsx", programs, person, columns, n)
    from_csv = _compare_csv(
        "--programs",
        str(write_csv(tmp_path / "p.csv", programs)),
        "--person",
        str(write_toml(tmp_path / "p.toml", person)),
    )
    assert _compare_csv("--programs", str(book), "--person", str(book)) == from_csv


def test_non_adjacent_columns_are_read_in_order(tmp_path):
    programs = Programs.default()
    columns = [0, 2, 3, 5, 6, 7, 8, 9][: len(programs)]
    book = filled_template(tmp_path / "f.xlsx", programs, Person.default(), columns)
    table = reader.read_programs_sheet(book)
    assert table.names == programs.names and table.kinds == programs.kinds
    for k in PROGRAM_NUMERIC:
        np.testing.assert_array_equal(table.columns[k], programs.columns[k], err_msg=k)
    assert table.uncertainties == [Uncertainty.for_kind(k) for k in programs.kinds]


def test_a_comparison_workbook_reads_back_as_its_inputs():
    table = reader.read_programs_sheet(ROOT / "workbooks" / "ml-masters-comparison.xlsx")
    programs = Programs.default()
    assert table.names == programs.names
    for k in PROGRAM_NUMERIC:
        np.testing.assert_array_equal(table.columns[k], programs.columns[k], err_msg=k)
    assert (
        reader.read_person_sheet(ROOT / "workbooks" / "ml-masters-comparison.xlsx")
        == Person.default()
    )


def test_workbook_from_a_filled_template_has_a_fresh_risk_sheet(tmp_path):
    programs = Programs.default()
    book = filled_template(
        tmp_path / "f.xlsx", Programs.from_records(programs.records()[:2]), Person.default(), [1, 4]
    )
    out = tmp_path / "client.xlsx"
    result = run(
        "workbook",
        "--programs",
        str(book),
        "--person",
        str(book),
        "-o",
        str(out),
        "--draws",
        "2000",
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert "Risk" in wb.sheetnames
    assert reader.option_count(wb[layout.PROGRAMS]) == 2
    assert audit(out).clean


def test_an_empty_template_is_refused(tmp_path):
    result = run("compare", "--programs", str(COMMITTED))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "no option is filled in" in line and "Tuition per year" in line


# --- bad input in a filled template ----------------------------------------------------------


def _bad(tmp_path: Path, edits: dict[str, object]) -> str:
    programs = Programs.from_records(Programs.default().records()[:2])
    book = filled_template(tmp_path / "bad.xlsx", programs, Person.default(), [0, 3])
    wb = openpyxl.load_workbook(book)
    for where, value in edits.items():
        sheet, ref = where.split("!")
        wb[sheet][ref] = value
    wb.save(book)
    out = tmp_path / "out.xlsx"
    result = run("workbook", "--programs", str(book), "--person", str(book), "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert not out.exists()  # nothing is written
    [line] = result.stderr.splitlines()
    assert line.startswith(f"mlworth-xl: error: {book}, ")
    return line


def _ref(field: str, column: int) -> str:
    return layout.cell(None, Layout.option_col(column), layout.PROGRAM_ROW[field], absolute=False)


def test_text_tuition_names_the_sheet_and_cell(tmp_path):
    line = _bad(tmp_path, {f"Programs!{_ref('tuition_per_year', 3)}": "abc"})
    assert (
        f"Programs!{_ref('tuition_per_year', 3)}: tuition_per_year: 'abc' is not a number; "
        f"allowed: {fields.PROGRAM['tuition_per_year'].allowed()}"
    ) in line


def test_share_above_one(tmp_path):
    line = _bad(tmp_path, {f"Programs!{_ref('loan_share', 0)}": 150})
    assert (
        f"Programs!{_ref('loan_share', 0)}: loan_share: 150 is out of range; allowed: "
        f"{fields.PROGRAM['loan_share'].allowed()}"
    ) in line


def test_name_left_blank_while_the_column_is_filled(tmp_path):
    line = _bad(tmp_path, {f"Programs!{_ref('name', 3)}": None})
    assert f"Programs!{_ref('name', 3)}: name: is empty" in line


def test_a_required_input_missing_in_a_column_in_use(tmp_path):
    line = _bad(tmp_path, {f"Programs!{_ref('tuition_per_year', 5)}": 20_000})
    assert f"Programs!{_ref('name', 5)}: name: is empty" in line
    assert f"Programs!{_ref('years', 5)}: years: is empty; allowed:" in line


def test_bad_person_names_the_inputs_cell(tmp_path):
    row = layout.INPUTS_FIRST_ROW + list(fields.PERSON).index("tax_rate")
    line = _bad(tmp_path, {f"Inputs!B{row}": "a lot"})
    assert f"Inputs!B{row}: tax_rate: 'a lot' is not a number; allowed:" in line


def test_reader_lists_every_problem(tmp_path):
    programs = Programs.from_records(Programs.default().records()[:2])
    book = filled_template(tmp_path / "bad.xlsx", programs, Person.default(), [0, 3])
    wb = openpyxl.load_workbook(book)
    wb[layout.PROGRAMS][_ref("tuition_per_year", 0)] = "abc"
    wb[layout.PROGRAMS][_ref("kind", 3)] = "university"
    wb[layout.PROGRAMS][
        layout.cell(None, Layout.option_col(3), layout.RISK_ROW["completion_prob"], absolute=False)
    ] = 2
    wb.save(book)
    with pytest.raises(InputError) as exc:
        reader.read_programs_sheet(book)
    fields_named = [p.field for p in exc.value.problems]
    assert fields_named == ["tuition_per_year", "kind", "completion_prob"]


# --- check ---------------------------------------------------------------------------------


def test_check_accepts_a_blank_and_a_filled_template(tmp_path):
    assert audit(COMMITTED).clean
    programs = Programs.default()
    book = filled_template(
        tmp_path / "f.xlsx", programs, Person.default(), [0, 1, 3, 4, 5, 6, 8, 9]
    )
    report = audit(book)
    assert report.clean, report.lines()
    wb = openpyxl.load_workbook(book)
    wb[layout.PROGRAMS][_ref("years", 3)] = 20
    wb.save(book)
    assert [f.cell for f in audit(book).findings] == [f"Programs!{_ref('years', 3)}"]


# --- LibreOffice -------------------------------------------------------------------------------

#: The written columns a template cannot hold (simulated figures): they say so.
_WRITTEN = {key for key, _ in WRITTEN}


@pytest.mark.libreoffice
def test_libreoffice_blank_columns_and_filled_ones(tmp_path):
    three = Programs.from_records(Programs.default().records()[:3])
    person = Person.default()
    blank = tmp_path / "blank.xlsx"
    write_template(blank)
    adjacent = filled_template(tmp_path / "adjacent.xlsx", three, person, [0, 1, 2])
    apart = filled_template(tmp_path / "apart.xlsx", three, person, [1, 4, 9])
    reference = tmp_path / "reference.xlsx"
    reference.write_bytes(workbook_bytes(build_workbook(three, person, None)))
    out = recalculate_all([blank, adjacent, apart, reference], tmp_path / "out")
    books = [load_values(p) for p in out]
    for wb in books:
        assert error_cells(wb) == []

    def results(wb: openpyxl.Workbook, column: int) -> list[object]:
        row = Layout.summary_row(column)
        return [
            wb[layout.SUMMARY].cell(row=row, column=layout.SUMMARY_COL[c.key]).value
            for c in COMPARE_COLUMNS
        ]

    def odds(wb: openpyxl.Workbook, column: int) -> object:
        ref = odds_sheet.chance(column).split("!")[1].replace("$", "")
        return wb[layout.ODDS][ref].value

    # blank columns: empty text everywhere (openpyxl reads LibreOffice's "" as None)
    empty_columns = [(books[0], c) for c in range(DEFAULT_OPTIONS)]
    empty_columns += [(books[1], c) for c in range(3, DEFAULT_OPTIONS)]
    empty_columns += [(books[2], c) for c in range(DEFAULT_OPTIONS) if c not in (1, 4, 9)]
    for wb, column in empty_columns:
        assert all(v in (None, "") for v in results(wb, column)), (column, results(wb, column))
        assert odds(wb, column) in (None, "")
        cumulative = [
            wb[layout.CASH_FLOWS]
            .cell(row=Layout.cf_row(y), column=Layout.cf_col(column, "cumulative"))
            .value
            for y in range(1, layout.MAX_YEARS + 1)
        ]
        assert all(v in (None, "") for v in cumulative)  # no line on the chart
    assert books[0][layout.SUMMARY]["A4"].value in (None, "")

    # filled columns: the 3-option workbook's values, option for option
    ref_book = books[3]
    for wb, columns in ((books[1], [0, 1, 2]), (books[2], [1, 4, 9])):
        for k, column in enumerate(columns):
            got, want = results(wb, column), results(ref_book, k)
            for c, g, w in zip(COMPARE_COLUMNS, got, want, strict=True):
                if c.key in _WRITTEN:
                    assert g == STALE, c.key  # a template holds no simulated figures
                elif isinstance(w, float):
                    assert g == pytest.approx(w, rel=1e-12, abs=1e-9), (column, c.key)
                else:
                    assert g == w, (column, c.key)
        assert wb[layout.SUMMARY]["A4"].value == ref_book[layout.SUMMARY]["A4"].value
    # and `check` takes the recalculated files as its own
    for path in out[:3]:
        report = audit(path)
        assert report.clean and report.cached_values, report.lines()
