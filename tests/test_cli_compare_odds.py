"""``mlworth-xl compare`` leads with the odds: exact, and as ``mlworth-xl risk`` simulates them."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from click.testing import CliRunner

from mlworth_xl.cli import main
from mlworth_xl.model.odds import payback_probability
from mlworth_xl.model.records import Person, Programs

LEAD = [
    "Option",
    "Chance of paying back within target",
    "Verdict",
    "Median payback (years)",
    "Expected NPV",
    "NPV P10",
    "NPV P90",
]
DRAWS = 400_000  # risk's SE of a 1/3 share: sqrt(1/3 × 2/3 / 400,000) ≈ 0.00075


def run(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.fixture(scope="module")
def compared() -> list[dict[str, str]]:
    return run("compare", "--format", "csv")


def test_compare_csv_leads_with_the_odds(compared):
    assert list(compared[0])[: len(LEAD)] == LEAD
    assert "Payback if completed (years)" in compared[0]  # the deterministic payback, named
    assert not any(header.startswith("Pays back within target") for header in compared[0])


def test_compare_ranks_by_the_expected_npv(compared):
    expected = [float(row["Expected NPV"]) for row in compared]
    ranks = [int(row["Rank (by expected NPV)"]) for row in compared]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    by_rank = sorted(range(len(ranks)), key=ranks.__getitem__)
    assert [expected[i] for i in by_rank] == sorted(expected, reverse=True)  # 1: the highest
    assert "Rank (by NPV if completed)" not in compared[0]


def test_compare_chance_is_the_exact_one_and_the_verdict_says_it_in_words(compared):
    exact = payback_probability(Programs.default(), Person.default())
    for row, p in zip(compared, exact, strict=True):
        chance = float(row["Chance of paying back within target"])
        assert chance == pytest.approx(p, rel=1e-9)  # the CSV keeps 10 significant digits
        words = "Likely" if p >= 2 / 3 else "Unlikely" if p <= 1 / 3 else "Uncertain"
        assert row["Verdict"] == f"{words} ({p * 100:.0f}%)"


def test_compare_chance_agrees_with_risk_within_3_standard_errors(compared):
    simulated = run("risk", "--format", "csv", "--draws", str(DRAWS))
    for row, sim in zip(compared, simulated, strict=True):
        assert row["Option"] == sim["Option"] and int(sim["Draws"]) == DRAWS
        p = float(row["Chance of paying back within target"])
        share = float(sim["P(pays back within target)"])
        assert abs(share - p) <= 3 * math.sqrt(p * (1 - p) / DRAWS) + 1 / DRAWS, row["Option"]


def test_paying_back_if_completed_is_not_likely_paying_back(compared):
    # Master's options that pay back within the default target of 10 years if completed: with
    # only 66% finishing (the completion figure) at most 66% of courses can, so none is
    # "Likely", which needs 2/3.
    target = float(Person.default().target_payback_years)
    masters = [
        row
        for row in compared
        if "master" in row["Option"] and float(row["Payback if completed (years)"]) <= target
    ]
    assert masters  # e.g. the private non-profit master's (8.3 years at the defaults)
    for row in masters:
        assert float(row["Chance of paying back within target"]) <= 0.66
        assert not row["Verdict"].startswith("Likely")


def test_no_odds_gives_the_deterministic_table():
    from mlworth_xl import COLUMNS

    rows = run("compare", "--format", "csv", "--no-odds")
    assert list(rows[0]) == [c.header for c in COLUMNS]


def test_no_odds_says_in_words_whether_it_pays_back_if_completed_and_ranks_by_that_npv():
    # a verdict is words, never TRUE/FALSE: Yes when the payback if completed is within the
    # default target, No when it is later or never (an empty cell in the CSV)
    target = float(Person.default().target_payback_years)
    rows = run("compare", "--format", "csv", "--no-odds")
    for row in rows:
        payback = row["Payback if completed (years)"]
        within = payback != "" and float(payback) <= target
        assert row["Pays back within target if completed"] == ("Yes" if within else "No")
    assert {row["Pays back within target if completed"] for row in rows} == {"Yes", "No"}
    npv = [float(row["NPV if completed"]) for row in rows]
    ranks = [int(row["Rank (by NPV if completed)"]) for row in rows]
    assert [npv[i] for i in sorted(range(len(ranks)), key=ranks.__getitem__)] == sorted(
        npv, reverse=True
    )
    # the table and JSON say the same words
    table = CliRunner().invoke(main, ["compare", "--no-odds"], catch_exceptions=False).stdout
    assert "Yes" in table and "True" not in table and "False" not in table
    records = json.loads(
        CliRunner()
        .invoke(main, ["compare", "--no-odds", "--format", "json"], catch_exceptions=False)
        .stdout
    )
    assert [r["Pays back within target if completed"] for r in records] == [
        row["Pays back within target if completed"] for row in rows
    ]
