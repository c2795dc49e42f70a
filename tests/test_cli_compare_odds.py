"""``mlworth-xl compare`` leads with the odds: exact, and as ``mlworth-xl risk`` simulates them."""

from __future__ import annotations

import csv
import io
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
    assert "Payback at the expected outcome" in compared[0]
    assert "Pays back within target" not in compared[0]


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


def test_paying_back_at_the_expected_outcome_is_not_likely_paying_back(compared):
    # Master's options that pay back within the default target of 10 years at the expected
    # outcome: with only 66% finishing (the completion figure) at most 66% of courses can,
    # so none is "Likely", which needs 2/3.
    target = float(Person.default().target_payback_years)
    masters = [
        row
        for row in compared
        if "master" in row["Option"] and float(row["Payback at the expected outcome"]) <= target
    ]
    assert masters  # e.g. the private non-profit master's (9.0 years at the defaults)
    for row in masters:
        assert float(row["Chance of paying back within target"]) <= 0.66
        assert not row["Verdict"].startswith("Likely")


def test_no_odds_gives_the_deterministic_table():
    from mlworth_xl import COLUMNS

    rows = run("compare", "--format", "csv", "--no-odds")
    assert list(rows[0]) == [c.header for c in COLUMNS]
