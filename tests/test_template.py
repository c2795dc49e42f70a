"""Templates: empty option columns to fill in in Excel, and the round trip back.

The oracle is the comparison workbook of the same options (the generator's
formulas, LibreOffice's values) and ``mlworth-xl compare`` of the CSV the
template is filled from.  Cells are filled with openpyxl as an advisor would
type them; only the LibreOffice tests recalculate.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import pickle
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.cell_range import MultiCellRange
from workbook_support import (
    error_cells,
    formula_positions,
    load_values,
    option_formulas,
    option_places,
    random_sets,
    recalculate_all,
    template_problems,
    value_at,
)

from mlworth_xl.api import COMPARE_COLUMNS
from mlworth_xl.cli import main
from mlworth_xl.inputs import read_programs
from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import PROGRAM_NUMERIC, Person, Programs
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.workbook import build_workbook, guide, layout, odds_sheet, reader
from mlworth_xl.workbook.check import audit
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.summary import STALE
from mlworth_xl.workbook.template import (
    DEFAULT_OPTIONS,
    build_template,
    template_programs,
    write_template,
)
from mlworth_xl.workbook.writer import MAX_OPTIONS, workbook_bytes
from tests.workbook_support import stale_members

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

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
    """A template of ``n`` columns with option k of ``programs`` in column ``columns[k]``.

    Each distinct one is written and filled in once per test process (several tests fill
    in the same): later calls copy its bytes.
    """
    path.write_bytes(_filled_template_bytes(pickle.dumps((programs, person, columns, n))))
    return path


@functools.cache
def _filled_template_bytes(key: bytes) -> bytes:
    programs, person, columns, n = pickle.loads(key)
    with tempfile.TemporaryDirectory(prefix="mlworth-template-") as tmp:
        path = write_template(Path(tmp) / "filled.xlsx", n)
        wb = openpyxl.load_workbook(path)
        for k, column in enumerate(columns):
            fill(wb, column, programs, k)
        fill_person(wb, person)
        wb.save(path)
        return path.read_bytes()


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
    words = words.replace("Option", "Option (its name)", 1)
    assert f"once its {words} and {fields.PROGRAM[layout.REQUIRED[-1]].label} are filled in" in text
    assert guide.required_words() in text
    assert f"It needs its {guide.required_words()}; choose its Kind" in text  # step 2
    assert "`mlworth-xl workbook --programs filled.xlsx" in text  # what fills the Risk sheet
    assert "take the default of the option's kind" in text or "default of the option's kind" in text
    assert '"Defaults by kind of option"' in text and '"Values used"' in text
    assert "`mlworth-xl template --options N`" in text and "fill in an empty column" in text
    assert "repayment_plan = rap in a programs file" in text  # what gets an option on RAP
    assert layout.FILLED_LABEL in text
    # the Programs sheet's note and the command's help name them from the field table too
    assert guide.required_words() in wb[layout.PROGRAMS]["A2"].value
    assert guide.required_words() in " ".join(run("template", "--help").output.split())


def test_blank_columns_leave_the_required_inputs_and_those_of_the_kind_empty():
    wb = build_template(3)
    ws = wb[layout.PROGRAMS]
    for i in range(3):
        col = Layout.option_col(i)
        for spec in fields.PROGRAM_FIELDS:
            value = ws.cell(row=layout.PROGRAM_ROW[spec.name], column=col).value
            if spec.name in layout.REQUIRED or spec.by_kind:
                assert value is None, spec.name
            elif spec.name == "kind":
                assert value == "other"
            else:
                assert value is not None, spec.name
        unc = Uncertainty.for_kind("other")
        for spec in RISK_FIELDS:
            value = ws.cell(row=layout.RISK_ROW[spec.name], column=col).value
            assert value == (None if spec.by_kind else getattr(unc, spec.name)), spec.name
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


def test_every_formula_of_an_option_waits_for_its_flag():
    # On Summary, Odds, Cash flows and Loans: every formula in an option's own row or blocks
    # shows empty text until its flag is TRUE, and every option has as many of them
    wb = build_template(3)
    lay = Layout(3, template=True)
    formulas = formula_positions(wb)
    counts = []
    for i in range(3):
        own = option_formulas(lay, i, formulas)
        for at in own.values():
            formula = value_at(wb, at)
            assert formula.startswith(f"=IF({lay.filled(i)},") and formula.endswith(',"")'), at
        counts.append(len(own))
    assert counts == [counts[0]] * 3 and counts[0] > 4_000

    def shared(n: int) -> set[tuple[str, int, int]]:
        """The formulas of those sheets in no option's row or blocks."""
        found = formula_positions(build_template(n))
        sheets = (layout.SUMMARY, layout.ODDS, layout.CASH_FLOWS, layout.LOANS)
        found = {at for at in found if at[0] in sheets}
        for i in range(n):
            found -= set(option_places(Layout(n, template=True), i).values())
        return found

    # an option's formula missed above would be one more "shared" formula with each option
    assert shared(1) == shared(3)


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


def test_data_validation_covers_the_blank_columns(tmp_path):
    # Every input row, of the programs and of the uncertainty below them: each option column
    # C..L covered by exactly one validation, which explains the input when the cell is chosen
    # (the file as written: the validations' ranges parsed, not matched as text).
    ws = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))[layout.PROGRAMS]
    options = {Layout.option_col(i) for i in range(DEFAULT_OPTIONS)}
    rows = {layout.PROGRAM_ROW[f.name]: f for f in fields.PROGRAM_FIELDS}
    rows |= {layout.RISK_ROW[f.name]: f for f in RISK_FIELDS}
    covered: dict[int, list[int]] = {row: [] for row in rows}
    for dv in ws.data_validations.dataValidation:
        cells = [cell for r in MultiCellRange(str(dv.sqref)).ranges for cell in r.cells]
        [row] = {row for row, _ in cells}  # one input's row each
        spec = rows[row]
        assert dv.showInputMessage, spec.name  # Excel's titles: 32 characters at most
        assert dv.promptTitle in (spec.label, spec.label[:31] + "…"), spec.name
        assert dv.prompt and len(dv.prompt) > len(spec.label), spec.name
        for row, column in cells:
            covered[row].append(column)
    for row, columns in covered.items():
        assert sorted(columns) == sorted(options), (rows[row].name, columns)


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


#: Random program sets read back (besides the default comparison).
RANDOM_SETS = 25


@functools.cache
def _random_sets() -> list[tuple[Programs, Person]]:
    return random_sets(RANDOM_SETS, seed=20261203)


@functools.cache
def _template_bytes(n: int, whole: bool) -> bytes:
    """A template of ``n`` columns, written once per test run.  Not ``whole``: without the
    sheets of results (Summary, Odds, Cash flows, Loans), which reading the inputs back never
    opens but openpyxl would load and save each time."""
    wb = build_template(n)
    if whole:
        return workbook_bytes(wb)
    for sheet in (layout.SUMMARY, layout.ODDS, layout.CASH_FLOWS, layout.LOANS):
        del wb[sheet]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def typed(x: object) -> object:
    """A number as an advisor types it: 12 significant digits at most (which openpyxl keeps)."""
    return float(f"{x:.12g}") if isinstance(x, float) else x


def typed_person(person: Person) -> Person:
    return dataclasses.replace(
        person, **{k: typed(v) for k, v in dataclasses.asdict(person).items()}
    )


def left_to_kind(programs: Programs, seed: int) -> tuple[Programs, list[dict[str, object]]]:
    """The options as an advisor who follows the Guide fills them in: each input that follows
    the kind left empty at random (then it is the kind's default), the role shares as one input
    (all empty; or only those that are not 0 typed), the completion probability typed or left
    empty.  Returns the options and, per option, what is typed of those inputs (None: empty)."""
    rng = np.random.default_rng(seed)
    records, typed_inputs = [], []
    for record in programs.records():
        record = dataclasses.replace(
            record, **{k: typed(v) for k, v in dataclasses.asdict(record).items()}
        )
        kind = data.kind_defaults(record.kind)
        values: dict[str, object] = {}
        changes: dict[str, float] = {}
        for name in ("placement_prob", "months_to_job"):
            empty = rng.random() < 0.6
            values[name] = None if empty else getattr(record, name)
            if empty:
                changes[name] = kind[name]
        shares = {n: getattr(record, n) for n in fields.SHARE_FIELDS}
        how = rng.choice(["empty", "typed", "only those not 0"])
        if how == "empty" or (how == "only those not 0" and not any(shares.values())):
            values.update(dict.fromkeys(fields.SHARE_FIELDS))
            changes.update({n: kind[n] for n in fields.SHARE_FIELDS})
        else:
            values.update({n: x if x or how == "typed" else None for n, x in shares.items()})
        values["completion_prob"] = None if rng.random() < 0.6 else typed(rng.uniform(0.3, 1))
        records.append(dataclasses.replace(record, **changes))
        typed_inputs.append(values)
    return Programs.from_records(records), typed_inputs


def type_option(
    ws: openpyxl.worksheet.worksheet.Worksheet,
    column: int,
    record: object,
    typed: dict[str, object],
) -> None:
    """Type an option into option column ``column`` of a template's Programs sheet: every
    input, but those that follow the kind as ``typed`` says (None: left empty)."""
    col = Layout.option_col(column)
    for spec in fields.PROGRAM_FIELDS:
        value = typed[spec.name] if spec.by_kind else getattr(record, spec.name)
        ws.cell(row=layout.PROGRAM_ROW[spec.name], column=col, value=value)
    row = layout.RISK_ROW["completion_prob"]
    ws.cell(row=row, column=col, value=typed["completion_prob"])


def write_typed_csv(path: Path, programs: Programs, typed: list[dict[str, object]]) -> Path:
    """The programs file of the same options: an empty cell where the template's is empty."""
    names = [f.name for f in fields.PROGRAM_FIELDS] + ["completion_prob"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for record, values in zip(programs.records(), typed, strict=True):
        row = []
        for name in names:
            x = values[name] if name in values else getattr(record, name)
            row.append("" if x is None else repr(x) if isinstance(x, float) else x)
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", range(RANDOM_SETS + 1))
def test_read_back_gives_the_compare_table_of_the_csv(tmp_path, case):
    # An advisor fills in a template from a programs file, in columns not next to each other,
    # leaving the inputs that follow the kind empty where the option takes its kind's: the
    # template read back (the person from its Inputs sheet, with no --person) gives the
    # `compare` table of the file.  The default comparison goes through the whole template,
    # the random sets through one without the sheets of results (the reader reads inputs
    # only).  The odds are compared for the default comparison and two
    # sets (simulating an option on RAP takes seconds); for all, the inputs read back are the
    # file's, the odds' too, and the table without the odds is the file's.
    if case == 0:
        programs, person = Programs.default(), Person.default()
    else:
        programs, person = _random_sets()[case - 1]
    programs, typed_inputs = left_to_kind(programs, seed=case)
    person = typed_person(person)
    rng = np.random.default_rng(case)
    whole = case == 0
    n = (
        max(DEFAULT_OPTIONS, len(programs) + 3)
        if whole
        else len(programs) + int(rng.integers(2, 5))
    )
    columns = sorted(rng.choice(n, size=len(programs), replace=False).tolist())
    book = tmp_path / "filled.xlsx"
    book.write_bytes(_template_bytes(n, whole=whole))
    wb = openpyxl.load_workbook(book)
    for record, values, column in zip(programs.records(), typed_inputs, columns, strict=True):
        type_option(wb[layout.PROGRAMS], column, record, values)
    fill_person(wb, person)
    wb.save(book)
    csv_file = write_typed_csv(tmp_path / "p.csv", programs, typed_inputs)
    toml = write_toml(tmp_path / "p.toml", person)
    odds = [] if case in (0, 2, 3) else ["--no-odds"]  # the first set has seven on RAP
    from_csv = _compare_csv("--programs", str(csv_file), "--person", str(toml), *odds)
    assert _compare_csv("--programs", str(book), *odds) == from_csv

    got, want = reader.read_programs_sheet(book), read_programs(csv_file)
    assert (got.names, got.kinds) == (want.names, want.kinds)
    for k in PROGRAM_NUMERIC:
        np.testing.assert_array_equal(got.columns[k], want.columns[k], err_msg=k)
    assert got.uncertainties == want.uncertainties
    assert got.person() == person
    # and the inputs left empty are empty: the kind's defaults come from the reader
    read_only = openpyxl.load_workbook(book, read_only=True)
    cells = {
        (c.row, c.column): c.value
        for row in read_only[layout.PROGRAMS].iter_rows()
        for c in row
        if c.value is not None
    }
    read_only.close()
    for values, column in zip(typed_inputs, columns, strict=True):
        for name, x in values.items():
            rows = layout.RISK_ROW if name == "completion_prob" else layout.PROGRAM_ROW
            value = cells.get((rows[name], Layout.option_col(column)))
            assert (value is None) == (x is None), (name, column)


def test_the_random_sets_leave_every_input_of_the_kind_empty_and_type_it(tmp_path):
    # the read-back cases above cover both ways for every input that follows the kind, and
    # options of every kind in columns not next to each other
    seen: dict[str, set[bool]] = {}
    kinds = set()
    for case in range(1, RANDOM_SETS + 1):
        programs, _ = _random_sets()[case - 1]
        kinds |= set(programs.kinds)
        for values in left_to_kind(programs, seed=case)[1]:
            for name, x in values.items():
                seen.setdefault(name, set()).add(x is None)
    assert kinds == set(fields.KINDS)
    assert all(both == {True, False} for both in seen.values()), seen


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
    assert report.lines()[0].startswith(f"{book}: OK, 8 of 10 options filled in; checked ")
    wb = openpyxl.load_workbook(book)
    wb[layout.PROGRAMS][_ref("years", 3)] = 20
    wb.save(book)
    report = audit(book)
    assert [f.cell for f in report.findings] == [f"Programs!{_ref('years', 3)}"]
    assert report.lines()[0].startswith(
        f"{book}: 1 problem in a template of 10 options, 8 filled in; checked "
    )


def test_check_says_how_many_options_are_filled_in(tmp_path):
    three = Programs.from_records(Programs.default().records()[:3])
    book = filled_template(tmp_path / "f.xlsx", three, Person.default(), [1, 4, 9])
    result = run("check", str(book))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{book}: OK, 3 of 10 options filled in; checked ")
    blank = run("check", str(COMMITTED))
    assert blank.exit_code == 0, blank.output
    assert blank.stdout.startswith(f"{COMMITTED}: OK, 0 of 10 options filled in; checked ")


# --- LibreOffice -------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_blank_columns_and_filled_ones(tmp_path):
    # A template typed into as an advisor would (openpyxl here), recalculated by LibreOffice:
    # no result cell of a blank column on Summary, Odds, Cash flows or Loans holds a number,
    # TRUE or FALSE, or an error value (and so no line on the chart); every cell of a filled
    # column equals its option's in the workbook of the three options alone.
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
    template_formulas = formula_positions(openpyxl.load_workbook(blank))
    reference_formulas = formula_positions(openpyxl.load_workbook(reference))
    for wb, columns in ((books[0], []), (books[1], [0, 1, 2]), (books[2], [1, 4, 9])):
        problems = template_problems(
            wb, template_formulas, DEFAULT_OPTIONS, columns, books[3], reference_formulas
        )
        assert problems == [], (columns, problems[:20])
    assert books[0][layout.SUMMARY]["A4"].value in (None, "")
    for wb in books[1:3]:  # the headline is by the expected NPV, which a template lacks
        assert wb[layout.SUMMARY]["A4"].value in (books[3][layout.SUMMARY]["A4"].value, STALE)
    # and `check` takes the recalculated files as its own
    for path in out[:3]:
        report = audit(path)
        assert report.clean and report.cached_values, report.lines()
