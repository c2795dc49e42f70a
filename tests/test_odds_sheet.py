"""The workbook's live chance of paying back (Odds sheet) against the model's exact odds.

Expected numbers come from :mod:`mlworth_xl.model.odds` (the Monte Carlo layer's
scenarios summed exactly, itself checked against the simulation in
tests/test_odds.py) at the inputs the recalculated file holds; LibreOffice
recalculates the file.
"""

from __future__ import annotations

import io
import math
from dataclasses import replace

import numpy as np
import openpyxl
import pytest

from mlworth_xl.model.odds import odds, odds_programs
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.risk import simulate_programs, uncertainties
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.workbook import layout, odds_sheet, summary
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import recalculate
from mlworth_xl.workbook.writer import build_workbook, workbook_bytes
from tests.workbook_support import random_sets

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow


def _chances(wb: openpyxl.Workbook, n: int) -> list[object]:
    ws = wb[layout.ODDS]
    return [
        ws.cell(row=odds_sheet.block(i).top + odds_sheet.SCALAR_ROW["chance"], column=2).value
        for i in range(n)
    ]


def _summary(wb: openpyxl.Workbook, i: int, key: str) -> object:
    return wb[layout.SUMMARY].cell(row=Layout.summary_row(i), column=layout.SUMMARY_COL[key]).value


# --- without a spreadsheet engine ------------------------------------------------------------
def test_programs_holds_each_options_uncertainty_validated():
    table = Programs.default()
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(build_workbook(table, risk=None))))
    ws = wb[layout.PROGRAMS]
    expected = uncertainties(table, None)
    for i, unc in enumerate(expected):
        column = Layout.option_col(i)
        for field in RISK_FIELDS:
            value = ws.cell(row=layout.RISK_ROW[field.name], column=column).value
            assert value == getattr(unc, field.name), (i, field.name)
    covered = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    last = Layout.option_col(len(table) - 1)
    for field in RISK_FIELDS:
        row = layout.RISK_ROW[field.name]
        dv = covered[f"C{row}:{openpyxl.utils.get_column_letter(last)}{row}"]
        assert dv.showErrorMessage and field.label in dv.error
        assert dv.allow_blank is (field.name == "salary_median")


def test_a_given_uncertainty_is_written_and_used_for_the_written_figures():
    table = Programs.default()
    given = Uncertainty(
        completion_prob=0.9, salary_sigma=0.1, job_search="fixed", random_placement=False
    )
    wb = build_workbook(table, uncertainty=given, risk=None)
    ws = wb[layout.PROGRAMS]
    assert ws.cell(row=layout.RISK_ROW["completion_prob"], column=3).value == 0.9
    assert ws.cell(row=layout.RISK_ROW["job_search"], column=3).value == "fixed"
    found = odds(table.records()[0], Person.default(), given)
    written = (
        wb[layout.ODDS]
        .cell(row=odds_sheet.block(0).top + odds_sheet.SCALAR_ROW["written_expected"], column=2)
        .value
    )
    assert written == found.expected_npv


def test_the_verdict_bounds_are_the_models():
    from mlworth_xl.model.odds import LIKELY_FROM, UNLIKELY_UP_TO, verdict

    constants = {name: value for name, value, _, _ in layout.CONSTANTS}
    assert constants["LikelyFrom"] == LIKELY_FROM and constants["UnlikelyUpTo"] == UNLIKELY_UP_TO
    assert verdict(LIKELY_FROM) == "Likely" and verdict(UNLIKELY_UP_TO) == "Unlikely"


# --- the closed form against the simulation, on 25 random sets ---------------------------------
@pytest.mark.parametrize("case", range(25))
def test_the_closed_form_equals_the_simulation_on_random_sets(case):
    """The exact chance is within 4 standard errors of the share of 40,000 draws (seed 7)."""
    programs, person = random_sets(25, seed=20261203)[case]
    exact = odds_programs(programs, person, quantiles=False)
    draws = 40_000
    runs = simulate_programs(programs, person, draws=draws, seed=7)
    for o, r, name in zip(exact, runs, programs.names, strict=True):
        if not o.exact:
            continue  # RAP with a salary spread: the figure is the simulation itself
        p = o.payback_probability
        error = math.sqrt(max(p * (1 - p), 1 / draws) / draws)
        assert abs(r.payback_probability() - p) <= 4 * error, name


# --- LibreOffice ---------------------------------------------------------------------------
EDITS = (  # (option, where, row key, factor, direction the chance must move)
    (0, "program", "tuition_per_year", 1.5, -1),
    (5, "risk", "salary_median", 1.3, +1),  # a bootcamp: no role shares, so it is its pay
    (2, "risk", "completion_prob", 1.2, +1),
    (3, "program", "placement_prob", 0.5, -1),
)


@pytest.fixture(scope="module")
def edited(tmp_path_factory, soffice):
    """The default workbook with four inputs edited as a user would, recalculated."""
    folder = tmp_path_factory.mktemp("odds")
    table, person = Programs.default(), Person.default()
    path = folder / "edited.xlsx"
    path.write_bytes(workbook_bytes(build_workbook(table, person)))
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.PROGRAMS]
    records = table.records()
    per_option = uncertainties(table, None)
    for i, where, key, factor, _ in EDITS:
        row = (layout.PROGRAM_ROW if where == "program" else layout.RISK_ROW)[key]
        target = ws.cell(row=row, column=Layout.option_col(i))
        if where == "program":
            target.value = getattr(records[i], key) * factor
            records[i] = replace(records[i], **{key: target.value})
        else:
            base = per_option[i].salary_median or records[i].salary_after
            old = base if key == "salary_median" else getattr(per_option[i], key)
            target.value = min(old * factor, 1.0) if key == "completion_prob" else old * factor
            per_option[i] = per_option[i].replace(**{key: target.value})
    wb.save(path)
    out = recalculate(path, folder / "recalculated.xlsx")
    return (
        openpyxl.load_workbook(out, data_only=True),
        Programs.from_records(records),
        person,
        per_option,
    )


@pytest.mark.libreoffice
def test_edited_inputs_move_the_live_chance_as_the_model_does(edited):
    wb, table, person, per_option = edited
    before = odds_programs(Programs.default(), person, quantiles=False)
    after = odds_programs(table, person, per_option, quantiles=False, tail=0.0)
    live = _chances(wb, len(table))
    for i, _, key, _, direction in EDITS:
        assert live[i] == pytest.approx(after[i].payback_probability, rel=1e-9, abs=1e-12), key
        assert np.sign(live[i] - before[i].payback_probability) == direction, key
    untouched = [i for i in range(len(table)) if i not in {e[0] for e in EDITS}]
    for i in untouched:
        assert live[i] == pytest.approx(before[i].payback_probability, rel=1e-9, abs=1e-12)


@pytest.mark.libreoffice
def test_figures_that_cannot_follow_edits_say_so_and_the_others_stay(edited):
    wb, table, person, _ = edited
    edited_options = {e[0] for e in EDITS}
    for i in range(len(table)):
        median = _summary(wb, i, "median_payback_years")
        expected_npv = _summary(wb, i, "expected_npv")
        if i in edited_options:  # each edit moves the live chance or the NPV
            assert median == expected_npv == summary.STALE, i
        else:
            assert median != summary.STALE and isinstance(expected_npv, float), i
        verdict = _summary(wb, i, "verdict")
        assert verdict.split(" (")[0] in ("Likely", "Uncertain", "Unlikely"), verdict


@pytest.mark.libreoffice
def test_the_rank_and_the_headline_follow_the_same_guard(edited):
    # they are by the expected NPV: once any option's is stale, no ranking is shown
    wb, table, _, _ = edited
    assert {_summary(wb, i, "rank") for i in range(len(table))} == {summary.STALE}
    assert wb[layout.SUMMARY]["A3"].value == "Highest expected NPV"
    assert wb[layout.SUMMARY]["A4"].value == summary.STALE


@pytest.mark.libreoffice
def test_under_rap_the_chance_cell_says_so_and_summary_shows_the_simulation(tmp_path, soffice):
    records = Programs.default().records()[:2]
    records[1] = replace(records[1], repayment_plan=2)  # 2: RAP
    table, person = Programs.from_records(records), Person.default()
    path = tmp_path / "rap.xlsx"
    path.write_bytes(workbook_bytes(build_workbook(table, person, risk=None)))
    wb = openpyxl.load_workbook(recalculate(path, tmp_path / "out.xlsx"), data_only=True)
    live = _chances(wb, 2)
    found = odds_programs(table, person)
    assert isinstance(live[0], float) and live[1] == odds_sheet.ON_RAP
    assert not found[1].exact
    assert _summary(wb, 1, "payback_chance") == pytest.approx(
        found[1].payback_probability, rel=1e-12
    )
    assert _summary(wb, 1, "verdict").endswith(", simulated)")
