"""The Monte Carlo Excel functions: analytic answers with fixed seeds, Excel shapes, errors.

Called as Excel calls them (``RUNTIME`` is "classic" on Linux): one cell as
a float or ``[[x]]``, a range as rows, an empty cell as None, an error as
text that starts with its code.  The worked option throughout: 2 years at
$30,000 tuition, $60,000 now, $100,000 after, no tax, growth or
discounting, 40-year horizon.  Its deterministic payback is 2 + 180,000 /
40,000 = 6.5 years from the first day of study (docs/design.md: cost / raise,
plus the two years of study; the cost is 2 × 30,000 tuition + 2 × 60,000
income given up) and its NPV is −180,000 + 38 × 40,000 = 1,340,000.
"""

from __future__ import annotations

import math
import subprocess
import sys
from statistics import NormalDist

import pytest

from mlworth_xl import udfs
from mlworth_xl.excel import risk as excel_risk
from mlworth_xl.risk_api import risk
from mlworth_xl.udfs import (
    MLWORTH_NPV,
    MLWORTH_NPV_PERCENTILE,
    MLWORTH_PAYBACK_PERCENTILE,
    MLWORTH_PAYBACK_PROB,
)

OPTION = (2, 30000, 100000)  # years, tuition_per_year, salary_after
SALARY = 60000
PAYBACK = 6.5  # 2 + 180,000 / 40,000, see the module docstring
NPV = -180000 + 38 * 40000  # 1,340,000
#: The new job at once (a range of no kind would take the months of the kind "other").
PLAIN = [
    ["salary_growth", 0],
    ["tax_rate", 0],
    ["discount_rate", 0],
    ["horizon_years", 40],
    ["months_to_job", 0],
]
#: Nothing uncertain: every draw is the deterministic scenario (Uncertainty.none()).
NOTHING = [
    ["placement_prob", 1],
    ["completion_prob", 1],
    ["salary_sigma", 0],
    ["job_search", "fixed"],
    ["random_placement", False],
]
#: Only placement is random: 80% land the role, the others go back to the $60,000 path.
PLACEMENT = [
    ["completion_prob", 1],
    ["salary_sigma", 0],
    ["job_search", "fixed"],
    ["random_placement", True],
    ["placement_prob", 0.8],
]
#: Only the salary is random: lognormal, median $100,000, log sd 0.3.
SALARY_ONLY = [
    ["completion_prob", 1],
    ["salary_sigma", 0.3],
    ["job_search", "fixed"],
    ["placement_prob", 1],
]
DRAWS = 100_000


def four_se(p: float, n: int = DRAWS) -> float:
    """Four binomial standard errors of a share p of n draws: a 1-in-15,000 false alarm."""
    return 4 * math.sqrt(p * (1 - p) / n)


# --- Analytic answers ---------------------------------------------------------------------


def test_nothing_uncertain_pays_back_with_probability_0_or_1_exactly():
    sc = PLAIN + NOTHING
    assert MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK, SALARY, sc) == 1.0
    assert MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK - 0.01, SALARY, sc) == 0.0
    for q in (0, 0.1, 0.5, 1):
        assert MLWORTH_PAYBACK_PERCENTILE(*OPTION, q, SALARY, sc) == PAYBACK
        assert MLWORTH_NPV_PERCENTILE(*OPTION, q, SALARY, sc) == NPV
    # the deterministic function agrees
    assert MLWORTH_NPV(*OPTION, SALARY, PLAIN + [["placement_prob", 1]]) == NPV


def test_only_placement_random_pays_back_with_the_placement_probability():
    sc = PLAIN + PLACEMENT
    p = MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK, SALARY, sc)
    assert abs(p - 0.8) <= four_se(0.8)
    assert MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK - 0.01, SALARY, sc) == 0.0
    assert MLWORTH_PAYBACK_PROB(*OPTION, 40, SALARY, sc) == p  # the others never do
    assert MLWORTH_PAYBACK_PERCENTILE(*OPTION, 0.5, SALARY, sc) == PAYBACK
    assert MLWORTH_PAYBACK_PERCENTILE(*OPTION, 0.9, SALARY, sc) == (
        "#N/A at percentile 90% the option never pays back within the horizon"
    )
    # Not placed: the two years' cost and then the old salary path; placed: the NPV above.
    assert MLWORTH_NPV_PERCENTILE(*OPTION, 0.1, SALARY, sc) == -180000
    assert MLWORTH_NPV_PERCENTILE(*OPTION, 0.5, SALARY, sc) == NPV
    # The same draws as mlworth_xl.model.risk.simulate's docstring example (10,000, seed 1).
    assert MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK, SALARY, sc, 10000, 1) == 0.7992


def test_lognormal_salary_gives_the_normal_cdf_at_the_threshold_salary():
    # Pays back within 10 years iff 2 + 180,000 / (S − 60,000) <= 10, i.e. S >= 82,500:
    # P = 1 − Φ(ln(82,500 / 100,000) / 0.3) = 0.73932 (statistics.NormalDist).
    sc = PLAIN + SALARY_ONLY
    expected = 1 - NormalDist().cdf(math.log(82500 / 100000) / 0.3)
    assert abs(MLWORTH_PAYBACK_PROB(*OPTION, 10, SALARY, sc) - expected) <= four_se(expected)
    # The median draw earns the median salary, which pays back in 6.5 years; the sample
    # median's error is ~0.013 years (quantile standard error through 180,000/(S − 60,000)²).
    assert abs(MLWORTH_PAYBACK_PERCENTILE(*OPTION, 0.5, SALARY, sc) - PAYBACK) < 0.05
    # NPV is −180,000 + 38 (S − 60,000), increasing in S: its 10th percentile is at
    # S = 100,000 exp(0.3 z₀.₁); the sample quantile's standard error is about $4,200.
    s10 = 100000 * math.exp(0.3 * NormalDist().inv_cdf(0.1))
    assert (
        abs(MLWORTH_NPV_PERCENTILE(*OPTION, 0.1, SALARY, sc) - (-180000 + 38 * (s10 - 60000)))
        < 17000
    )


def test_equals_the_risk_table_for_the_same_seed():
    program = {
        "name": "Bootcamp",
        "kind": "bootcamp",
        "years": 0.25,
        "tuition_per_year": 0,
        "program_price": 13500,
        "salary_after": 72600,
        "months_to_job": 4,
        "placement_prob": 0.7,
    }
    person = {
        "salary": 50000,
        "tax_rate": 0.2,
        "discount_rate": 0.03,
        "horizon_years": 30,
        "target_payback_years": 3,
        "savings": 5000,
    }
    row = risk([program], person, draws=20000, seed=11, within=(5,)).iloc[0]
    scenario = [
        ["Kind", "bootcamp"],
        ["Program price", 13500],
        ["months_to_job", 4],
        ["placement_prob", 0.7],
    ] + [[k, v] for k, v in person.items() if k != "salary"]
    option = (0.25, 0, 72600)
    run = dict(salary=50000, scenario=scenario, draws=20000, seed=11)
    assert MLWORTH_PAYBACK_PROB(*option, **run) == row["P(pays back within target)"]
    assert MLWORTH_PAYBACK_PROB(*option, 5, **run) == row["P(within 5 years)"]
    for q in (10, 50, 90):
        payback = MLWORTH_PAYBACK_PERCENTILE(*option, q / 100, **run)
        expected = row[f"Payback p{q} (years)"]
        assert payback == expected or (math.isnan(expected) and payback.startswith("#N/A"))
        assert MLWORTH_NPV_PERCENTILE(*option, q / 100, **run) == row[f"NPV p{q}"]


def test_defaults_are_the_draws_and_seed_of_mlworth_xl_risk():
    program = {"name": "CMU", "years": 2, "tuition_per_year": 52000, "salary_after": 120883}
    person = {"salary": 58260}
    row = risk([program], person).iloc[0]
    assert MLWORTH_PAYBACK_PROB(2, 52000, 120883, None, 58260) == row["P(pays back within target)"]


def test_the_same_seed_gives_the_same_answer_and_another_seed_another():
    sc = PLAIN + SALARY_ONLY
    first = MLWORTH_NPV_PERCENTILE(*OPTION, 0.5, SALARY, sc, 5000, 3)
    assert MLWORTH_NPV_PERCENTILE(*OPTION, 0.5, SALARY, sc, 5000, 3) == first
    assert MLWORTH_NPV_PERCENTILE(*OPTION, 0.5, SALARY, sc, 5000, 4) != first


# --- What Excel sends ------------------------------------------------------------------------


def test_cells_as_excel_sends_them():
    sc = PLAIN + NOTHING
    assert (
        MLWORTH_PAYBACK_PROB(
            [[2.0]], [[30000.0]], [[100000.0]], [[6.5]], [[60000.0]], sc, [[1000.0]], [[None]]
        )
        == 1.0
    )  # an empty seed: the default
    # Text as the file readers read it, TRUE/FALSE as Excel sends them.
    text = PLAIN + [
        ["placement_prob", "100%"],
        ["completion_prob", "100%"],
        ["salary_sigma", 0],
        ["job_search", "fixed"],
        ["random_placement", "FALSE"],
    ]
    assert MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK, SALARY, text, 1000) == 1.0


def test_a_column_gives_a_column_and_a_higher_salary_never_a_lower_chance():
    sc = PLAIN + SALARY_ONLY
    out = MLWORTH_PAYBACK_PROB(2, 30000, [[80000.0], [100000.0], [120000.0]], 10, SALARY, sc, 20000)
    values = [r[0] for r in out]
    assert len(values) == 3 and values == sorted(values)  # same seed: the same luck each row
    row = MLWORTH_PAYBACK_PROB(2, 30000, [[80000.0, 100000.0, 120000.0]], 10, SALARY, sc, 20000)
    assert row == [values]


def test_a_column_of_percentiles_simulates_the_option_once(monkeypatch):
    calls = []
    real = excel_risk.simulate
    monkeypatch.setattr(excel_risk, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    out = MLWORTH_NPV_PERCENTILE(*OPTION, [[0.1], [0.5], [0.9]], SALARY, PLAIN + SALARY_ONLY, 5000)
    assert len(calls) == 1
    assert [r[0] for r in out] == sorted(r[0] for r in out)


def test_a_bad_value_in_a_column_spoils_only_its_row():
    out = MLWORTH_PAYBACK_PROB(
        [[2.0], [-1.0]], 30000, 100000, PAYBACK, SALARY, PLAIN + NOTHING, 1000
    )
    assert out[0] == [1.0]
    assert out[1][0].startswith("#NUM! years, value 2: ")


@pytest.mark.parametrize(
    ("call", "start"),
    [
        (dict(draws=0), "#NUM! draws: 0 is out of range; allowed: a whole number from 1 to 500000"),
        (dict(draws=500001), "#NUM! draws: "),
        (dict(draws=1.5), "#NUM! draws: "),
        (dict(draws=[[1.0], [2.0]]), "#VALUE! draws: takes one value, not a range"),
        (dict(seed=-1), "#NUM! seed: "),
        (dict(within_years=0), "#NUM! within_years: "),
        (
            dict(scenario=[["kind", "phd"]]),
            "#VALUE! scenario, row 1: kind: 'phd' is not allowed; allowed: one of masters",
        ),
        (dict(scenario=[["completion_prob", 1.5]]), "#NUM! scenario, row 1: completion_prob: "),
        (
            dict(scenario=[["job_search", "random"]]),
            "#VALUE! scenario, row 1: job_search: 'random' is not allowed",
        ),
        (
            dict(scenario=[["completion_prob", 1], ["Completion probability", 1]]),
            "#VALUE! scenario, row 2: completion_prob is given twice",
        ),
        (dict(scenario=[["horizon_years", 1]]), "#NUM! horizon_years: 1 is shorter than"),
        (dict(scenario=[["tuition", 1]]), "#VALUE! scenario, row 1: 'tuition' is not an input"),
        (dict(years="two"), "#VALUE! years: 'two' is text, not a number"),
        (dict(years="#N/A"), "#N/A years: the cell holds the error #N/A"),
    ],
)
def test_bad_arguments_say_what_is_wrong(call, start):
    args = dict(
        years=2,
        tuition_per_year=30000,
        salary_after=100000,
        within_years=None,
        salary=SALARY,
        scenario=None,
        draws=1000,
        seed=1,
    )
    args.update(call)
    out = MLWORTH_PAYBACK_PROB(**args)
    assert isinstance(out, str) and out.startswith(start), out


def test_a_percentage_typed_as_a_whole_number_is_refused():
    assert MLWORTH_PAYBACK_PERCENTILE(*OPTION, 90, SALARY).startswith(
        "#NUM! percentile: 90 looks like a percentage; enter 0.9"
    )


# --- Registration -------------------------------------------------------------------------


def test_udfs_registers_them_with_the_others():
    mine = sorted(n for n in dir(excel_risk) if n.startswith("MLWORTH_"))
    for name in mine:
        assert name in udfs.__all__ and getattr(udfs, name) is getattr(excel_risk, name)
    assert mine == [
        "MLWORTH_NPV_PERCENTILE",
        "MLWORTH_ODDS",
        "MLWORTH_PAYBACK_PERCENTILE",
        "MLWORTH_PAYBACK_PROB",
    ]


def test_importing_the_risk_module_first_works():
    # the risk module needs only the layers below it, not mlworth_xl.udfs
    code = (
        "import mlworth_xl.excel.risk as r, mlworth_xl.udfs as u\n"
        "assert u.MLWORTH_PAYBACK_PROB is r.MLWORTH_PAYBACK_PROB\n"
        "print(r.MLWORTH_PAYBACK_PROB(2, 30000, 100000, None, None, None, 100, 1))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 0 <= float(out.stdout) <= 1


# --- MLWORTH_ODDS: the exact odds, no draws ------------------------------------------------------


def test_odds_of_placement_alone_are_the_placement_probability_exactly():
    # 80% land the role and pay back at PAYBACK; the others never do (see the module docstring)
    odds = udfs.MLWORTH_ODDS(*OPTION, None, PAYBACK, SALARY, PLAIN + PLACEMENT)
    table = dict(odds[1:])
    assert odds[0] == ["Measure", "Value"]
    assert table["Chance of paying back within target"] == pytest.approx(0.8, abs=1e-15)
    assert table["Verdict"] == "Likely (80%)"
    assert table["Median payback (years)"] == pytest.approx(PAYBACK)
    # expected NPV: 80% × 1,340,000 + 20% × (−180,000), the two courses' NPVs at rate 0
    assert table["Expected NPV"] == pytest.approx(0.8 * NPV + 0.2 * -180000)
    assert table["NPV P10"] == -180000 and table["NPV P90"] == pytest.approx(NPV)
    assert (
        udfs.MLWORTH_ODDS(*OPTION, "verdict", PAYBACK - 0.01, SALARY, PLAIN + PLACEMENT)
        == "Unlikely (0%)"
    )


def test_odds_of_a_lognormal_salary_alone_are_its_tail_above_the_break_even():
    # pays back within 6.5 years exactly when the salary reaches 100,000 (the median): 1/2
    chance = udfs.MLWORTH_ODDS(*OPTION, "payback_chance", PAYBACK, SALARY, PLAIN + SALARY_ONLY)
    assert chance == pytest.approx(0.5, abs=1e-12)
    # and it agrees with the simulation within four standard errors
    simulated = MLWORTH_PAYBACK_PROB(*OPTION, PAYBACK, SALARY, PLAIN + SALARY_ONLY)
    assert abs(simulated - chance) <= four_se(0.5)


def test_odds_name_a_wrong_measure_or_input():
    assert udfs.MLWORTH_ODDS(*OPTION, "chance please").startswith(
        "#N/A measure: 'chance please' is not a measure; measures are: Chance of paying back"
    )
    assert udfs.MLWORTH_ODDS(*OPTION, None, None, SALARY, [["job_search", "sometimes"]]) == (
        "#VALUE! scenario, row 1: job_search: 'sometimes' is not allowed; allowed: one of "
        "geometric, fixed"
    )


def test_evaluate_leads_with_the_odds_and_reads_the_uncertainty_rows():
    # the odds rows are those of MLWORTH_ODDS for the same option; a scenario's completion_prob
    # (and the kind's default without one) reaches them
    sc = PLAIN + [
        ["years", 2],
        ["tuition_per_year", 30000],
        ["salary_after", 100000],
        ["salary", SALARY],
    ]
    out = udfs.MLWORTH_EVALUATE(sc + PLACEMENT)
    assert [r[0] for r in out[1:4]] == [
        "Chance of paying back within target",
        "Verdict",
        "Median payback (years)",
    ]
    assert out[1][1] == pytest.approx(0.8, abs=1e-15)  # placement alone, as above
    assert not any(r[0].startswith("Pays back within target") for r in out)  # words: the odds
    assert [r[0] for r in out].count("Payback if completed (years)") == 1
    half = [r if r[0] != "completion_prob" else ["completion_prob", 0.5] for r in PLACEMENT]
    assert udfs.MLWORTH_EVALUATE(sc + half, "payback_chance") == pytest.approx(0.4, abs=1e-15)
    # if completed, 80% of the raise, 32,000 a year, covers the 180,000 in 5.625 years after
    # the two of study; the measure's earlier names still answer
    for name in ("Payback if completed", "Payback at the expected outcome", "Payback (years)"):
        assert udfs.MLWORTH_EVALUATE(sc + PLACEMENT, name) == pytest.approx(7.625), name
