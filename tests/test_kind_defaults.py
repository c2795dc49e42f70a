"""The inputs that follow an option's kind: placement, months to a job, role shares, completion.

Left empty (or out) they take the defaults of the option's kind from the one
table of the data (``[kinds]`` in ``defaults.toml``), in every face: the
records, a programs file, the Excel functions' scenario ranges, a template's
formulas and its reader.  The oracle is the data's table itself, and
``compare`` of the same options written out in full.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from mlworth_xl import api, udfs
from mlworth_xl.cli import main
from mlworth_xl.inputs import parse_rows, read_programs
from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.odds import odds
from mlworth_xl.model.records import PROGRAM_NUMERIC, Person, Program, Programs
from mlworth_xl.model.uncertainty import RISK, Uncertainty
from mlworth_xl.workbook import layout, reader
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.template import build_template
from mlworth_xl.workbook.writer import workbook_bytes

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

#: The kinds something is known of: the others take the least favourable of their figures.
KNOWN = ("masters", "online", "hybrid", "bootcamp", "self-study")
UNKNOWN = ("certificate", "other")
REQUIRED = {"name": "x", "years": 1.0, "tuition_per_year": 5000.0, "salary_after": 90_000.0}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# --- the table of the data --------------------------------------------------------------------


def test_every_kind_has_a_sourced_or_labelled_default_for_every_input_that_follows_it():
    assert (*fields.KIND_FIELDS, "completion_prob") == data.KIND_INPUTS
    assert ("placement_prob", "months_to_job", *fields.SHARE_FIELDS) == fields.KIND_FIELDS
    for kind in fields.KINDS:
        keys = data.kind_keys(kind)
        for name in ("placement_prob", "months_to_job", "completion_prob"):
            figure = data.figure(keys[name])  # a figure, with its source or label and date
            assert figure.as_of and (figure.kind != "assumption" or figure.label), (kind, name)
            spec = fields.PROGRAM.get(name) or RISK[name]
            assert fields.check(spec, [figure.value]) == [], (kind, name)
        shares = [data.kind_defaults(kind)[n] for n in fields.SHARE_FIELDS]
        assert sum(shares) == pytest.approx(1.0) or not any(shares), kind


def test_a_certificate_and_other_take_the_least_favourable_of_the_kinds_figures():
    known = [data.kind_defaults(k) for k in KNOWN]
    for kind in UNKNOWN:
        got = data.kind_defaults(kind)
        assert got["placement_prob"] == min(d["placement_prob"] for d in known)
        assert got["months_to_job"] == max(d["months_to_job"] for d in known)
        assert got["completion_prob"] == min(d["completion_prob"] for d in known)
        assert not any(got[n] for n in fields.SHARE_FIELDS)  # every placed graduate: own salary
        for name in ("placement_prob", "months_to_job", "completion_prob"):
            figure = data.figure(data.kind_keys(kind)[name])
            assert figure.kind == "assumption" and "least favourable" in figure.label
            assert "must not flatter" in figure.label  # the reason, in the data


def test_the_default_comparison_takes_its_kinds_defaults():
    # every option of the default comparison gives the inputs that follow its kind as the
    # kind's table does: written out or left to the kind, the comparison is the same
    for entry, record in zip(
        data.default_program_entries(), Programs.default().records(), strict=True
    ):
        defaults = data.kind_defaults(record.kind)
        for name in fields.KIND_FIELDS:
            assert getattr(record, name) == pytest.approx(defaults[name]), (entry["name"], name)


def test_the_field_table_s_default_is_that_of_the_kind_other():
    other = data.kind_defaults("other")
    for name in fields.KIND_FIELDS:
        spec = fields.PROGRAM[name]
        assert spec.by_kind and data.field_default(spec) == other[name], name
    assert data.field_default(RISK["completion_prob"]) == other["completion_prob"]
    assert [f.name for f in fields.PROGRAM_FIELDS if f.by_kind] == list(fields.KIND_FIELDS)


# --- records, files, the Excel functions ---------------------------------------------------------


@pytest.mark.parametrize("kind", fields.KINDS)
def test_a_program_left_to_its_kind_takes_the_kind_s_defaults(kind):
    defaults = data.kind_defaults(kind)
    for record in (
        Program(**REQUIRED, kind=kind),
        Program(**REQUIRED, kind=kind, placement_prob=None, months_to_job=None),
        Program.from_mapping(
            {**REQUIRED, "kind": kind, "placement_prob": "", "months_to_job": None}
        ),
    ):
        for name in fields.KIND_FIELDS:
            assert getattr(record, name) == defaults[name], (kind, name)
    assert Uncertainty.for_kind(kind).completion_prob == defaults["completion_prob"]


def test_the_role_shares_are_one_input():
    # all left out: the kind's; any given: the others 0 (and then they must add up to 1)
    masters = Program(**REQUIRED, kind="masters")
    assert sum(getattr(masters, n) for n in fields.SHARE_FIELDS) == pytest.approx(1.0)
    assert masters.share_ml_engineer == data.kind_defaults("masters")["share_ml_engineer"]
    one = Program(**REQUIRED, kind="masters", share_data_scientist=1.0)
    assert [getattr(one, n) for n in fields.SHARE_FIELDS] == [0.0, 1.0, 0.0, 0.0, 0.0]
    none = Program(**REQUIRED, kind="masters", share_ml_engineer=0.0)
    assert not any(getattr(none, n) for n in fields.SHARE_FIELDS)
    with pytest.raises(InputError, match="role shares: add up to 0.5"):
        Program(**REQUIRED, kind="masters", share_ml_engineer=0.5)


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_programs_file_without_those_columns_or_with_them_empty_gives_the_kinds_defaults(
    tmp_path,
):
    header = ["name", "kind", "years", "tuition_per_year", "salary_after"]
    rows = [[f"{k} option", k, 1, 5000, 90000] for k in fields.KINDS] + [["no kind", "", 1, 0, 1]]
    short = read_programs(_csv(tmp_path / "short.csv", header, rows))
    wide_header = header + list(fields.KIND_FIELDS) + ["completion_prob"]
    empty = [""] * (len(fields.KIND_FIELDS) + 1)
    wide = read_programs(_csv(tmp_path / "wide.csv", wide_header, [r + empty for r in rows]))
    for table in (short, wide):
        for i, kind in enumerate([*fields.KINDS, "other"]):
            for name in fields.KIND_FIELDS:
                assert table.columns[name][i] == data.kind_defaults(kind)[name], (kind, name)
    assert wide.uncertainties == [Uncertainty.for_kind(k) for k in wide.kinds]
    # and the records say the same
    records = [Program.from_mapping(dict(zip(header, r, strict=True))) for r in rows[:-1]]
    for name in PROGRAM_NUMERIC:
        np.testing.assert_array_equal(
            Programs.from_records(records).columns[name], short.columns[name][:-1], name
        )


def test_a_bootcamp_file_no_longer_assumes_everyone_is_placed_at_once(tmp_path):
    # the flattering default of before: placement 1, no search; now the kind's 60%, 6 months
    path = _csv(
        tmp_path / "p.csv",
        ["name", "kind", "years", "tuition_per_year", "program_price", "salary_after"],
        [["Bootcamp", "bootcamp", 0.25, 0, 13500, 72600]],
    )
    frame = api.compare(path)
    written = api.compare(
        [
            {
                "name": "Bootcamp",
                "kind": "bootcamp",
                "years": 0.25,
                "tuition_per_year": 0,
                "program_price": 13500,
                "salary_after": 72600,
                "placement_prob": "assumption.bootcamp_placement_prob",
                "months_to_job": "assumption.bootcamp_months_to_job",
                **dict.fromkeys(fields.SHARE_FIELDS, 0),
            }
        ]
    )
    assert frame.drop(columns="Option").equals(written.drop(columns="Option"))
    header = ["name", "kind", "years", "tuition_per_year", "program_price", "salary_after"]
    flattering = api.compare(
        _csv(
            tmp_path / "q.csv",
            [*header, "placement_prob", "months_to_job"],
            [["Bootcamp", "bootcamp", 0.25, 0, 13500, 72600, 1, 0]],
        )
    )
    chance = "Chance of paying back within target"
    assert frame[chance][0] < flattering[chance][0]


def test_scenario_ranges_take_the_kinds_defaults_as_the_programs_table_does():
    rows = [
        ["name", "kind", "years", "tuition_per_year", "salary_after"],
        ["A", "bootcamp", 0.25, 13500.0, 72600.0],
        ["B", "masters", 2.0, 30000.0, 140910.0],
    ]
    table = parse_rows(rows, "programs")
    person = Person.default()
    outcome = table.evaluate(person)
    for i, (kind, years, tuition, after) in enumerate(r[1:] for r in rows[1:]):
        scenario = [["Kind", kind], ["years", years], ["tuition_per_year", tuition]]
        scenario += [["salary_after", after]]
        got = udfs.MLWORTH_EVALUATE(scenario, "NPV if completed")
        assert got == pytest.approx(float(outcome.npv[i]), rel=1e-12), kind
        chance = udfs.MLWORTH_ODDS(years, tuition, after, "payback_chance", None, None, scenario)
        want = odds(table.records()[i], person, Uncertainty.for_kind(kind), quantiles=False)
        assert chance == pytest.approx(want.payback_probability, rel=1e-12), kind
    # several value columns, each with its kind
    side = [
        ["Input", "A", "B"],
        ["kind", "bootcamp", "masters"],
        ["years", 0.25, 2.0],
        ["tuition_per_year", 13500.0, 30000.0],
        ["salary_after", 72600.0, 140910.0],
    ]
    got = udfs.MLWORTH_EVALUATE(side, "NPV if completed")
    assert got == [pytest.approx(outcome.npv.tolist(), rel=1e-12)]


def test_the_model_s_options_given_as_mappings_take_their_kinds_defaults():
    person = Person.default()
    given = {**REQUIRED, "kind": "self-study"}
    want = odds(Program(**REQUIRED, kind="self-study"), person, quantiles=False)
    assert odds(given, person, quantiles=False) == want


# --- the template --------------------------------------------------------------------------------


def test_a_template_holds_the_kinds_table_its_formulas_read():
    wb = build_template(2)
    ws = wb[layout.INPUTS]
    names = {name: str(wb.defined_names[name].attr_text) for name, _ in layout.KIND_COLUMNS}
    for j, (name, header) in enumerate(layout.KIND_COLUMNS, start=1):
        assert ws.cell(row=layout.KINDS_HEADER_ROW, column=j).value == header
        assert names[name] == layout.area(
            layout.INPUTS, j, layout.KINDS_FIRST_ROW, layout.KINDS_LAST_ROW
        )
    for k, kind in enumerate(fields.KINDS):
        row = layout.KINDS_FIRST_ROW + k
        assert ws.cell(row=row, column=1).value == kind
        got = [ws.cell(row=row, column=j).value for j in range(2, len(layout.KIND_COLUMNS) + 1)]
        assert got == [data.kind_defaults(kind)[n] for n in data.KIND_INPUTS]
    # the comparison workbook writes the values themselves: no table, no values used
    from mlworth_xl.workbook import build_workbook

    plain = build_workbook(risk=None)
    assert plain[layout.INPUTS].cell(row=layout.KINDS_TITLE_ROW, column=1).value is None
    assert plain[layout.PROGRAMS].cell(row=layout.PROGRAMS_USED_TITLE_ROW, column=1).value is None
    lay = Layout(2)
    assert lay.program("placement_prob", 0) == "Programs!$C$40"


def test_a_template_s_formulas_read_the_values_used():
    lay = Layout(2, template=True)
    for name in fields.KIND_FIELDS:
        assert lay.program(name, 1) == layout.cell(
            layout.PROGRAMS, Layout.option_col(1), layout.USED_ROW[name]
        )
    assert lay.risk_input("completion_prob", 0) == lay.used("completion_prob", 0)
    assert lay.risk_input("salary_sigma", 0).endswith(f"${layout.RISK_ROW['salary_sigma']}")
    first, last = (layout.USED_ROW[n] for n in (fields.SHARE_FIELDS[0], fields.SHARE_FIELDS[-1]))
    assert lay.shares(0) == layout.area(layout.PROGRAMS, Layout.option_col(0), first, last)


def _bootcamp_and_masters(wb: openpyxl.Workbook, columns: tuple[int, int]) -> list[dict]:
    """Type only the required inputs and the kind of two options into a template."""
    options = [
        {
            "name": "Boot",
            "kind": "bootcamp",
            "years": 0.25,
            "tuition_per_year": 0.0,
            "program_price": 13500.0,
            "salary_after": 72600.0,
        },
        {
            "name": "MS",
            "kind": "masters",
            "years": 2.0,
            "tuition_per_year": 30000.0,
            "salary_after": 140910.0,
        },
    ]
    ws = wb[layout.PROGRAMS]
    for option, column in zip(options, columns, strict=True):
        for name, value in option.items():
            ws.cell(row=layout.PROGRAM_ROW[name], column=Layout.option_col(column), value=value)
    return options


def test_a_template_with_only_the_required_inputs_and_the_kind_reads_back_as_its_file(tmp_path):
    # the advisor fills in the required inputs and the kind of a bootcamp and a master's,
    # nothing else: `compare --programs filled.xlsx` is `compare` of the same file
    book = tmp_path / "filled.xlsx"
    book.write_bytes(workbook_bytes(build_template(4)))
    wb = openpyxl.load_workbook(book)
    options = _bootcamp_and_masters(wb, (1, 3))
    wb.save(book)
    header = ["name", "kind", "years", "tuition_per_year", "program_price", "salary_after"]
    rows = [[o.get(h, "") for h in header] for o in options]
    path = _csv(tmp_path / "p.csv", header, rows)
    got, want = run("compare", "--programs", str(book)), run("compare", "--programs", str(path))
    assert got.exit_code == 0 and got.stdout == want.stdout
    table = reader.read_programs_sheet(book)
    assert table.columns["placement_prob"].tolist() == [0.6, 0.9]
    assert table.columns["months_to_job"].tolist() == [6.0, 3.0]
    assert table.uncertainties == [Uncertainty.for_kind(k) for k in ("bootcamp", "masters")]


def test_a_template_computes_the_kinds_defaults_as_the_model_does(tmp_path):
    # IronCalc computes the template as written (every empty input truly empty)
    ironcalc = pytest.importorskip("ironcalc")
    del ironcalc
    from mlworth_xl.workbook import ironcalc_values

    wb = build_template(4)
    options = _bootcamp_and_masters(wb, (0, 2))
    book = tmp_path / "t.xlsx"
    book.write_bytes(workbook_bytes(wb))
    values = ironcalc_values.results(book)
    outcome = Programs.from_records([Program(**o) for o in options]).evaluate(Person.default())
    for k, column in enumerate((0, 2)):
        letter = openpyxl.utils.get_column_letter(Layout.option_col(column))
        used = {
            name: float(values[layout.PROGRAMS][f"{letter}{row}".encode()][1])
            for name, row in layout.USED_ROW.items()
            if name != "kind"
        }
        assert used == pytest.approx(data.kind_defaults(options[k]["kind"]))
        row = Layout.summary_row(column)
        npv = openpyxl.utils.get_column_letter(layout.SUMMARY_COL["npv"])
        got = float(values[layout.SUMMARY][f"{npv}{row}".encode()][1])
        assert got == pytest.approx(float(outcome.npv[k]), rel=1e-9)
    # an empty column uses the kind "other"'s, shown below its uncertain inputs
    letter = openpyxl.utils.get_column_letter(Layout.option_col(1))
    kind = values[layout.PROGRAMS][f"{letter}{layout.USED_ROW['kind']}".encode()][1]
    assert kind == b"other"


def test_a_column_with_inputs_but_no_name_is_refused_with_its_cell(tmp_path):
    book = tmp_path / "t.xlsx"
    book.write_bytes(workbook_bytes(build_template(4)))
    wb = openpyxl.load_workbook(book)
    _bootcamp_and_masters(wb, (0, 1))
    ws = wb[layout.PROGRAMS]
    col = Layout.option_col(2)
    ws.cell(row=layout.PROGRAM_ROW["kind"], column=col, value="bootcamp")
    ws.cell(row=layout.PROGRAM_ROW["program_price"], column=col, value=9000)
    ws.cell(row=layout.PROGRAM_ROW["fees_per_year"], column=col, value=500)
    wb.save(book)
    result = run("compare", "--programs", str(book))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert (
        f"{book}, Programs!E5: name: is empty, but other inputs of the column are filled in" in line
    )
    assert "(Kind E6, Program price E10, Fees per year E11)" in line
    assert "fill them in, or empty the column" in line


def test_a_template_s_person_is_read_back_without_person(tmp_path):
    # `workbook --programs filled.xlsx` with no --person keeps the client's Inputs sheet
    person = Person(salary=91_234.0, horizon_years=31, tax_rate=0.31)
    book = tmp_path / "filled.xlsx"
    book.write_bytes(workbook_bytes(build_template(3, person)))
    wb = openpyxl.load_workbook(book)
    _bootcamp_and_masters(wb, (0, 2))
    wb.save(book)
    out = tmp_path / "client.xlsx"
    result = run("workbook", "--programs", str(book), "-o", str(out), "--no-risk")
    assert result.exit_code == 0, result.output
    assert reader.read_person_sheet(out) == person
    assert api.resolve_inputs(book)[1] == person
    # a --person given still wins
    toml = tmp_path / "p.toml"
    toml.write_text("salary = 50000\n", encoding="utf-8")
    assert api.resolve_inputs(book, toml)[1].salary == 50_000
