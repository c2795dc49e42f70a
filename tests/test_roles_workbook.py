"""The Roles sheet and the role shares on Programs, against the model.

Expected numbers come from the model (:mod:`mlworth_xl.model.roles`,
:mod:`mlworth_xl.model.odds`) at the inputs the recalculated file holds;
LibreOffice recalculates the file.
"""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from mlworth_xl.model import fields
from mlworth_xl.model.odds import odds_programs
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.roles import Roles, salary_after
from mlworth_xl.workbook import layout, odds_sheet, roles_sheet
from mlworth_xl.workbook.check import audit
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import recalculate
from mlworth_xl.workbook.reader import read_programs_sheet
from mlworth_xl.workbook.writer import build_workbook, workbook_bytes

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow


def _chance(wb: openpyxl.Workbook, i: int) -> object:
    return (
        wb[layout.ODDS]
        .cell(row=odds_sheet.block(i).top + odds_sheet.SCALAR_ROW["chance"], column=2)
        .value
    )


def test_the_roles_sheet_holds_the_role_table_as_inputs_and_the_shares_as_programs_rows():
    table = Programs.default()
    wb = build_workbook(table, risk=None)
    ws = wb[layout.ROLES]
    for role in Roles.default().roles:
        row = layout.ROLE_ROW[role.key]
        assert ws.cell(row=row, column=layout.ROLE_COL["label"]).value == role.label
        assert ws.cell(row=row, column=layout.ROLE_COL["median"]).value == role.median
    programs = wb[layout.PROGRAMS]
    for name in fields.SHARE_FIELDS:
        assert (
            programs.cell(row=layout.PROGRAM_ROW[name], column=3).value == (table.columns[name][0])
        )
    assert str(wb.defined_names[layout.ROLE_MEDIANS].attr_text) == "Roles!$B$5:$B$9"


@pytest.fixture(scope="module")
def edited(tmp_path_factory, soffice):
    """The default workbook with a role's pay, a share and two impossible splits edited."""
    folder = tmp_path_factory.mktemp("roles")
    table, person = Programs.default(), Person.default()
    path = folder / "edited.xlsx"
    path.write_bytes(workbook_bytes(build_workbook(table, person)))
    wb = openpyxl.load_workbook(path)
    records = table.records()
    # 1. data scientists paid 20% less, in every option
    roles = Roles.default()
    scientist = roles.get("data_scientist")
    lower = scientist.median * 0.8
    wb[layout.ROLES].cell(
        row=layout.ROLE_ROW["data_scientist"], column=layout.ROLE_COL["median"]
    ).value = lower
    roles = Roles.from_rows({"data_scientist": {"median": lower}}, roles)
    # 2. option 1 sends its doctoral students to software engineering
    ws = wb[layout.PROGRAMS]
    moved = records[1].share_doctoral_student
    shares = {
        "share_doctoral_student": 0.0,
        "share_software_engineer": records[1].share_software_engineer + moved,
    }
    for name, value in shares.items():
        ws.cell(row=layout.PROGRAM_ROW[name], column=Layout.option_col(1)).value = value
    records[1] = dataclasses.replace(records[1], **shares)  # still adding up to 1
    # 3. option 2's shares add up to 1.5, option 3's to 0.7
    ws.cell(row=layout.PROGRAM_ROW["share_ml_engineer"], column=Layout.option_col(2)).value = (
        records[2].share_ml_engineer + 0.5
    )
    ws.cell(row=layout.PROGRAM_ROW["share_ml_engineer"], column=Layout.option_col(3)).value = (
        records[3].share_ml_engineer - 0.3
    )
    wb.save(path)
    out = recalculate(path, folder / "recalculated.xlsx")
    return out, openpyxl.load_workbook(out, data_only=True), records, person, roles


@pytest.mark.libreoffice
def test_edited_roles_and_shares_move_the_live_chance_as_the_model_does(edited):
    _, wb, records, person, roles = edited
    good = [r for i, r in enumerate(records) if i not in (2, 3)]
    want = odds_programs(
        Programs.from_records(good), person, quantiles=False, tail=0.0, roles=roles
    )
    before = odds_programs(Programs.default(), person, quantiles=False)
    for j, i in enumerate(k for k in range(len(records)) if k not in (2, 3)):
        assert _chance(wb, i) == pytest.approx(want[j].payback_probability, rel=1e-9, abs=1e-12), i
        if records[i].share_data_scientist > 0 and i != 1:  # data scientists paid less
            assert _chance(wb, i) < before[i].payback_probability, i
    # moving the stipend's share to a better-paid role raises the chance (same role table)
    unmoved = odds_programs(
        Programs.from_records([Programs.default().records()[1]]),
        person,
        quantiles=False,
        roles=roles,
    )[0]
    assert _chance(wb, 1) > unmoved.payback_probability
    placed = (
        wb[layout.ROLES]
        .cell(row=layout.OUTCOME_ROW["placed_salary"], column=Layout.option_col(0))
        .value
    )
    values = {n: getattr(records[0], n) for n in (*fields.SHARE_FIELDS, "salary_after")}
    assert placed == pytest.approx(float(salary_after(values, roles)[0]), rel=1e-12)


@pytest.mark.libreoffice
@pytest.mark.parametrize(("i", "total"), [(2, 1.5), (3, 0.7)])
def test_shares_not_adding_up_to_1_give_an_error_value_and_the_reason(edited, i, total):
    _, wb, *_ = edited

    def roles_row(key: str) -> object:
        return wb[layout.ROLES].cell(row=layout.OUTCOME_ROW[key], column=Layout.option_col(i))

    assert roles_row("placed_salary").value == roles_sheet.WRONG_SHARES
    assert roles_row("shares_sum").value == pytest.approx(total)
    check = wb[layout.PROGRAMS].cell(row=layout.PROGRAMS_CHECK_ROW, column=Layout.option_col(i))
    assert check.value == roles_sheet.WRONG_SHARES  # beside the shares on Programs
    npv = wb[layout.SUMMARY].cell(row=Layout.summary_row(i), column=layout.SUMMARY_COL["npv"])
    assert str(npv.value).startswith("#")
    ok = wb[layout.PROGRAMS].cell(row=layout.PROGRAMS_CHECK_ROW, column=Layout.option_col(0))
    assert ok.value == "ok"


@pytest.mark.libreoffice
def test_the_edited_file_reads_back_and_check_names_the_bad_split(edited):
    path, *_ = edited
    with pytest.raises(Exception, match=r"Programs!E\d+: role shares: add up to 1\.5") as exc:
        read_programs_sheet(path)
    assert "Programs!F42: role shares: add up to 0.7" in str(exc.value)
    assert "allowed: role shares that add up to 1, or all 0" in str(exc.value)
    report = audit(path)
    assert any("role shares: add up to 1.5" in f.message for f in report.findings)
    assert any("role shares: add up to 0.7" in f.message for f in report.findings)
    # the role table's edit is an input: not reported as a changed value
    assert not any(f.cell.startswith("Roles!B") for f in report.findings)


def test_a_workbook_read_back_pays_the_roles_as_its_roles_sheet_says(tmp_path):
    # no recalculation needed: the reader takes the inputs, which are values
    from mlworth_xl import api, risk_api

    table, person = Programs.default(), Person.default()
    path = tmp_path / "client.xlsx"
    path.write_bytes(workbook_bytes(build_workbook(table, person, risk=None)))
    wb = openpyxl.load_workbook(path)
    higher = Roles.default().get("ml_engineer").median * 1.25
    wb[layout.ROLES].cell(
        row=layout.ROLE_ROW["ml_engineer"], column=layout.ROLE_COL["median"]
    ).value = higher
    wb.save(path)
    roles = Roles.from_rows({"ml_engineer": {"median": higher}})
    read = read_programs_sheet(path)
    assert read.roles == roles
    want = odds_programs(table, person, roles=roles, quantiles=False)
    frame = api.compare(path, person)
    got = frame["Chance of paying back within target"].tolist()
    assert got == pytest.approx([o.payback_probability for o in want], rel=1e-12)
    assert got[0] > odds_programs(table, person, quantiles=False)[0].payback_probability
    sim = risk_api.risk(path, person, draws=2_000)
    base = risk_api.risk(None, person, draws=2_000)
    column = "P(pays back within target)"
    assert sim[column][0] > base[column][0]  # same seed, higher pay: more draws pay back


def test_a_template_s_roles_sheet_shows_nothing_for_an_option_until_it_is_filled_in():
    from mlworth_xl.workbook.template import build_template

    wb = build_template(3)
    lay = Layout(3, template=True)
    ws = wb[layout.ROLES]
    for i in range(3):
        col = Layout.option_col(i)
        rows = [layout.ROLES_OPTIONS_HEADER_ROW, *layout.OUTCOME_ROW.values()]
        for row in rows:
            formula = ws.cell(row=row, column=col).value
            assert formula.startswith(f"=IF({lay.filled(i)},") and formula.endswith(',"")'), row
        # the shares it reads are those used: the kind's where they are left empty
        assert lay.shares(i) in ws.cell(row=layout.OUTCOME_ROW["shares_sum"], column=col).value
