"""The workbook's Risk sheet: the numbers of ``mlworth-xl risk``, stamped, charted, reproducible.

The oracle is :func:`mlworth_xl.risk_api.risk` (the Python API of the Monte
Carlo layer) with the same draws and seed: the sheet must hold exactly its
numbers, as values.  LibreOffice opens and recalculates the whole workbook
with no error cell.
"""

from __future__ import annotations

import io
import math

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from mlworth_xl import __version__
from mlworth_xl.cli import main
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.risk import DEFAULT_DRAWS, DEFAULT_SEED, Uncertainty
from mlworth_xl.risk_api import risk
from mlworth_xl.workbook import build_workbook, write_workbook, writer
from mlworth_xl.workbook.risk_sheet import (
    ASSUMED,
    COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    RISK,
    STAMP_LABELS,
    STAMP_ROW,
    RiskSettings,
)
from mlworth_xl.workbook.summary import NEVER
from mlworth_xl.workbook.writer import workbook_bytes
from tests.workbook_support import error_cells, load_values

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

#: A small, quick comparison: a master's, a bootcamp and self-study, and its person.
SMALL = Programs.from_records(
    [
        Program(
            "MS",
            kind="masters",
            years=2,
            tuition_per_year=30000,
            salary_after=100000,
            placement_prob=0.8,
            months_to_job=3,
        ),
        Program(
            "Bootcamp",
            kind="bootcamp",
            years=0.25,
            tuition_per_year=0,
            program_price=13500,
            salary_after=72600,
            placement_prob=0.6,
            months_to_job=4,
        ),
        Program(
            "Self-study",
            kind="self-study",
            years=1,
            tuition_per_year=0,
            work_fraction=1,
            salary_after=90000,
            placement_prob=0.2,
        ),
    ]
)
PERSON = Person(salary=60000, horizon_years=25, target_payback_years=6)


def saved(wb: openpyxl.Workbook) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb)))


@pytest.fixture(scope="module")
def default_book() -> openpyxl.Workbook:
    return saved(build_workbook())


def table(ws) -> list[dict]:
    """The per-option rows of the Risk sheet, by header."""
    headers = [c.value for c in ws[HEADER_ROW] if c.value is not None]
    rows = []
    for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if r[0] is None:
            break
        rows.append(dict(zip(headers, r, strict=False)))
    return rows


def same(actual, expected) -> bool:
    """Equal to 15 significant digits; NaN (never within the horizon) is the Summary's words.

    A cell keeps 15 significant digits (openpyxl writes floats so, as Excel keeps them).
    """
    if isinstance(expected, float) and math.isnan(expected):
        return actual == NEVER
    if isinstance(expected, str):
        return actual == expected
    return math.isclose(actual, expected, rel_tol=1e-14, abs_tol=1e-9)


def assert_sheet_is_risk(ws, programs, person, draws, seed) -> None:
    expected = risk(programs, person, draws=draws, seed=seed)
    rows = table(ws)
    assert [r["Option"] for r in rows] == programs.names
    assert list(rows[0]) == [c.header for c in COLUMNS] + [h for h, _, _ in ASSUMED]
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        for c in COLUMNS:
            assert same(row[c.header], want[c.header]), (row["Option"], c.header)
    for row, kind in zip(rows, programs.kinds, strict=True):
        assert row["Completion probability"] == Uncertainty.for_kind(kind).completion_prob
        assert row["Salary spread (log sd)"] == Uncertainty().salary_sigma


def stamp(ws) -> dict:
    return {
        ws.cell(row=STAMP_ROW + k, column=1).value: ws.cell(row=STAMP_ROW + k, column=2).value
        for k in range(len(STAMP_LABELS))
    }


def test_the_sheet_follows_summary(default_book):
    names = default_book.sheetnames
    assert names.index(RISK) == names.index("Summary") + 1


def test_default_sheet_holds_mlworth_xl_risk_for_the_default_comparison(default_book):
    assert_sheet_is_risk(
        default_book[RISK], Programs.default(), Person.default(), DEFAULT_DRAWS, DEFAULT_SEED
    )


def test_draws_and_seed_given_are_used_and_stamped():
    ws = saved(build_workbook(SMALL, PERSON, RiskSettings(draws=4000, seed=7)))[RISK]
    assert_sheet_is_risk(ws, SMALL, PERSON, 4000, 7)
    assert stamp(ws) == {
        "Draws per option": 4000,
        "Seed": 7,
        "Made with": f"mlworth-xl {__version__}",
        "Simulated with the data as of": writer.figures_date(),
    }


def test_stamps_and_says_the_numbers_are_values(default_book):
    ws = default_book[RISK]
    assert stamp(ws)["Draws per option"] == DEFAULT_DRAWS
    assert stamp(ws)["Seed"] == DEFAULT_SEED
    assert "values, not formulas" in ws["A2"].value and "mlworth-xl workbook" in ws["A2"].value
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert ws.protection.sheet and not ws.protection.password
    assert all(c.protection.locked for row in ws.iter_rows() for c in row)


def test_chart_has_one_line_per_option_over_the_years_of_the_table(default_book):
    ws = default_book[RISK]
    (chart,) = ws._charts  # openpyxl reads charts back from the file
    assert chart.tagname == "lineChart"
    n = len(Programs.default())
    assert len(chart.series) == n
    refs = [s.val.numRef.f for s in chart.series]
    assert all(ref.replace("'", "").startswith(f"{RISK}!$") for ref in refs)
    # The chart's data: year 0 to the horizon, the share paid back by then, per option.
    top = next(
        r
        for r in range(1, ws.max_row + 1)
        if ws.cell(row=r, column=1).value == "Year from the first day of study"
    )
    header = [ws.cell(row=top, column=k).value for k in range(2, n + 2)]
    assert header == Programs.default().names
    horizon = int(Person.default().horizon_years)
    years = [ws.cell(row=top + 1 + y, column=1).value for y in range(horizon + 1)]
    assert years == list(range(horizon + 1))
    assert ws.cell(row=top + 2 + horizon, column=1).value is None
    # At 5, 10 and 20 years the curve is the table's "P(within n years)"; at the horizon it
    # is everything but "Never pays back" (up to rounding of 1 − share).
    for row, k in zip(table(ws), range(2, n + 2), strict=True):
        for y in (5, 10, 20):
            assert same(ws.cell(row=top + 1 + y, column=k).value, row[f"P(within {y} years)"])
        assert math.isclose(
            ws.cell(row=top + 1 + horizon, column=k).value,
            1 - row["Never pays back"],
            abs_tol=1e-12,
        )
        curve = [ws.cell(row=top + 1 + y, column=k).value for y in range(horizon + 1)]
        assert curve == sorted(curve)


def test_generation_is_reproducible_and_the_seed_matters(tmp_path):
    settings = RiskSettings(draws=3000, seed=11)
    first = workbook_bytes(build_workbook(SMALL, PERSON, settings))
    assert workbook_bytes(build_workbook(SMALL, PERSON, settings)) == first
    other = saved(build_workbook(SMALL, PERSON, RiskSettings(draws=3000, seed=12)))[RISK]
    assert table(other) != table(openpyxl.load_workbook(io.BytesIO(first))[RISK])


def test_no_risk_leaves_the_sheet_out(tmp_path):
    wb = build_workbook(SMALL, PERSON, None)
    assert RISK not in wb.sheetnames
    path = write_workbook(tmp_path / "book.xlsx", SMALL, PERSON, risk=None)
    assert RISK not in openpyxl.load_workbook(path).sheetnames


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_draws_seed_and_no_risk(tmp_path):
    result = run("workbook", "-o", str(tmp_path / "a.xlsx"), "--draws", "2000", "--seed", "5")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")[RISK]
    assert (stamp(ws)["Draws per option"], stamp(ws)["Seed"]) == (2000, 5)
    assert_sheet_is_risk(ws, Programs.default(), Person.default(), 2000, 5)
    assert run("workbook", "-o", str(tmp_path / "b.xlsx"), "--no-risk").exit_code == 0
    assert RISK not in openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames


def test_cli_refuses_draws_out_of_range(tmp_path):
    result = CliRunner().invoke(main, ["workbook", "-o", str(tmp_path / "a.xlsx"), "--draws", "0"])
    assert result.exit_code == 2
    assert "--draws" in result.output and not (tmp_path / "a.xlsx").exists()


@pytest.mark.libreoffice
def test_libreoffice_opens_the_whole_workbook_with_no_error_and_keeps_the_values(
    default_recalculated,
):
    # the default workbook recalculated by LibreOffice (made once per session: conftest.py)
    wb = load_values(default_recalculated)
    assert error_cells(wb) == []
    assert_sheet_is_risk(
        wb[RISK], Programs.default(), Person.default(), DEFAULT_DRAWS, DEFAULT_SEED
    )
    values = [c.value for row in wb[RISK].iter_rows() for c in row if isinstance(c.value, float)]
    assert values and not any(np.isnan(values))


def test_an_option_that_never_pays_back_is_simulated_and_the_others_are_unchanged():
    # A salary after of 0 (an allowed input; its salary distribution is all at 0) cannot pay
    # back a year of lost salary: every draw is "never".
    records = SMALL.records() + [Program("No salary", years=1, tuition_per_year=0, salary_after=0)]
    ws = saved(
        build_workbook(Programs.from_records(records), PERSON, RiskSettings(draws=2000, seed=3))
    )[RISK]
    last = table(ws)[len(SMALL)]
    assert last["Option"] == "No salary" and last["Never pays back"] == 1.0
    single = saved(build_workbook(SMALL, PERSON, RiskSettings(draws=2000, seed=3)))[RISK]
    assert table(ws)[: len(SMALL)] == table(single)
