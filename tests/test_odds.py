"""The exact odds (mlworth_xl.model.odds) against closed forms and the Monte Carlo layer.

Monte Carlo comparisons allow 3 standard errors of the simulation at 100,000 draws
(SE = sqrt(p (1 − p) / n) for a share, sd / sqrt(n) for a mean) plus 1 / n, the size of
one draw, which a share of draws cannot resolve below.  The seeds and examples are fixed,
so the tests give the same answer every run.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlworth_xl.model import fields
from mlworth_xl.model import odds as odds_module
from mlworth_xl.model.odds import odds, odds_programs, payback_probability, verdict
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.risk import Uncertainty, simulate
from tests.strategies import scenarios, share, uncertainties

N = 100_000
SEED = 11
RECORDS = Programs.default().records()

# The plain case of test_evaluate: 2 years at 30,000 a year from a 60,000 job to a 100,000 one,
# no tax, growth, discounting, savings, loan or search: it costs 2 × 30,000 + 2 × 60,000 =
# 180,000, then earns S − 60,000 a year, so the cumulative at t ≥ 2 years is
# −180,000 + (S − 60,000)(t − 2).
PROGRAM = {
    "years": 2,
    "tuition_per_year": 30_000,
    "salary_after": 100_000,
    "placement_prob": 1.0,
    "months_to_job": 0,
}
PERSON = {
    "salary": 60_000,
    "tax_rate": 0,
    "discount_rate": 0,
    "savings": 0,
    "horizon_years": 40,
    "target_payback_years": 10,
}
SIGMA = 0.4
ONLY_SALARY = Uncertainty(completion_prob=1.0, salary_sigma=SIGMA, job_search="fixed")


def share_bound(p: float) -> float:
    return 3.0 * math.sqrt(p * (1.0 - p) / N) + 1.0 / N


def mean_bound(x: np.ndarray) -> float:
    return 3.0 * float(np.std(x, ddof=1)) / math.sqrt(len(x))


def salary_at_least(threshold: float, median: float = 100_000, sigma: float = SIGMA) -> float:
    """P(S ≥ threshold) of a lognormal salary, the closed form."""
    return 0.5 * math.erfc(math.log(threshold / median) / (sigma * math.sqrt(2.0)))


# --- closed forms ---------------------------------------------------------------------------


def test_with_only_the_salary_uncertain_the_chance_is_the_lognormal_tail_above_a_threshold():
    # Pays back within 10 years ⟺ (S − 60,000) × 8 ≥ 180,000 ⟺ S ≥ 82,500.
    expected = salary_at_least(82_500)
    assert payback_probability(PROGRAM, PERSON, ONLY_SALARY) == pytest.approx(expected, abs=1e-12)
    # Within 6.5 years (a fractional target): S − 60,000 ≥ 180,000 / 4.5 ⟺ S ≥ 100,000, the
    # median, so exactly one half.
    assert payback_probability(PROGRAM, PERSON, ONLY_SALARY, target_years=6.5) == (
        pytest.approx(0.5, abs=1e-12)
    )
    # Within 3.5 years: S ≥ 60,000 + 180,000 / 1.5 = 180,000.
    assert payback_probability(PROGRAM, PERSON, ONLY_SALARY, target_years=3.5) == (
        pytest.approx(salary_at_least(180_000), abs=1e-12)
    )


def test_with_only_the_salary_uncertain_npv_and_quantiles_have_closed_forms():
    o = odds(PROGRAM, PERSON, ONLY_SALARY)
    # NPV (no discounting, 40 years) = −180,000 + 38 (S − 60,000), linear in S, so its mean is
    # at E[S] = 100,000 exp(σ² / 2) and its percentiles at S's percentiles 100,000 exp(±σ z90).
    mean_salary = 100_000 * math.exp(SIGMA**2 / 2)
    z90 = NormalDist().inv_cdf(0.9)
    assert o.expected_npv == pytest.approx(-180_000 + 38 * (mean_salary - 60_000), rel=1e-12)
    assert o.npv_p10 == pytest.approx(
        -180_000 + 38 * (100_000 * math.exp(-SIGMA * z90) - 60_000), rel=1e-8
    )
    assert o.npv_p90 == pytest.approx(
        -180_000 + 38 * (100_000 * math.exp(SIGMA * z90) - 60_000), rel=1e-8
    )
    # The payback 2 + 180,000 / (S − 60,000) falls as S rises: its median is at S's median.
    assert o.median_payback_years == pytest.approx(2 + 180_000 / 40_000, abs=1e-8)
    assert o.exact and o.left_out == 0.0 and o.scenarios == 1


def test_completion_and_placement_scale_the_graduates_chance():
    # Dropouts and graduates without the role earn no uplift here and never pay back, so the
    # chance is completion × placement × P(S ≥ 82,500), as above.
    unc = ONLY_SALARY.replace(completion_prob=0.66)
    p = payback_probability({**PROGRAM, "placement_prob": 0.8}, PERSON, unc)
    assert p == pytest.approx(0.66 * 0.8 * salary_at_least(82_500), abs=1e-12)


def test_the_search_for_a_job_is_followed_until_less_than_1e_12_is_left():
    # Geometric, mean 3 months: P(M > m) = 0.75^(m + 1) (h = 1 / (1 + 3)); the first m with
    # 0.75^(m + 1) < 1e-12 has m + 1 = ceil(ln 1e-12 / ln 0.75) = ceil(96.05) = 97.
    o = odds({**PROGRAM, "months_to_job": 3}, PERSON, ONLY_SALARY.replace(job_search="geometric"))
    assert math.ceil(math.log(1e-12) / math.log(0.75)) == 97
    assert o.left_out == pytest.approx(0.75**97, rel=1e-9)
    assert o.scenarios == 97  # months 0 … 96, every one a placed graduate
    # Mean 10 months: 120 months leave (10/11)^121 ≈ 1e-5 > 1e-12, and the cap of 120 months
    # holds that rest, so nothing is left out.
    o = odds({**PROGRAM, "months_to_job": 10}, PERSON, ONLY_SALARY.replace(job_search="geometric"))
    assert o.left_out == 0.0 and o.scenarios == 121


def test_the_probabilities_of_the_scenarios_add_up_to_one_less_what_is_left_out():
    from mlworth_xl.model import risk

    for record in RECORDS:
        values, kind = risk._one_option(record, Person.default())
        option = risk._Option(values, Uncertainty.for_kind(kind))
        _, prob, left = option.distribution(1e-12)
        assert float(np.sum(prob)) + left == pytest.approx(1.0, abs=1e-12)
        assert 0 <= left < 1e-12


def test_verdict_words():
    # thresholds: 2/3 and 1/3, ends included
    assert [verdict(p) for p in (1.0, 2 / 3, 0.66, 0.5, 0.34, 1 / 3, 0.0)] == [
        "Likely",
        "Likely",
        "Uncertain",
        "Uncertain",
        "Uncertain",
        "Unlikely",
        "Unlikely",
    ]


# --- against the simulation -----------------------------------------------------------------


@pytest.fixture(scope="module")
def default_runs():
    person = Person.default()
    return [
        (record, odds(record, person), simulate(record, person, draws=N, seed=SEED))
        for record in RECORDS
    ]


def test_exact_chance_equals_the_simulated_share_on_every_default_option(default_runs):
    for record, o, r in default_runs:
        assert o.exact
        p = o.payback_probability
        assert abs(r.payback_probability() - p) <= share_bound(p), record.name


def test_expected_npv_equals_the_simulated_mean_on_every_default_option(default_runs):
    for record, o, r in default_runs:
        assert abs(r.mean_npv - o.expected_npv) <= mean_bound(r.npv), record.name


def test_exact_quantiles_split_the_draws_as_they_should(default_runs):
    # At the exact q-quantile x, P(X < x) ≤ q ≤ P(X ≤ x) (equal where X has no atom at x,
    # such as the NPV of graduates without the role): so for the draws, up to sampling error.
    for record, o, r in default_runs:
        for q, x in ((0.1, o.npv_p10), (0.9, o.npv_p90)):
            assert float(np.mean(r.npv < x)) <= q + share_bound(q), (record.name, q)
            assert float(np.mean(r.npv <= x)) >= q - share_bound(q), (record.name, q)
        m = o.median_payback_years
        if math.isnan(m):  # half or more never pay back within the horizon
            assert r.payback_probability(float(r.horizon_years)) <= 0.5 + share_bound(0.5)
        else:
            assert float(np.mean(r.payback_years < m)) <= 0.5 + share_bound(0.5)
            assert r.payback_probability(m) >= 0.5 - share_bound(0.5)


@settings(
    max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(), unc=uncertainties())
def test_exact_chance_equals_the_simulated_share_for_other_options(scenario, unc):
    uncertainty = Uncertainty(**unc)
    p = payback_probability(scenario, scenario, uncertainty)
    r = simulate(scenario, scenario, uncertainty, draws=N, seed=SEED)
    assert abs(r.payback_probability() - p) <= share_bound(p)
    assert abs(r.mean_npv - odds(scenario, scenario, uncertainty).expected_npv) <= (
        mean_bound(r.npv) + 1e-9 * max(1.0, abs(r.mean_npv))
    )


def _random_option(rng: np.random.Generator) -> tuple[dict, dict, Uncertainty]:
    """A default option with its figures moved about, for a person with another target."""
    record = RECORDS[int(rng.integers(len(RECORDS)))].__dict__
    program = {
        **record,
        "tuition_per_year": record["tuition_per_year"] * rng.uniform(0.3, 1.7),
        "salary_after": record["salary_after"] * rng.uniform(0.7, 1.4),
        "placement_prob": rng.uniform(0.3, 1.0),
        "months_to_job": rng.uniform(0.0, 9.0),
    }
    person = {**Person.default().__dict__, "target_payback_years": rng.uniform(3.0, 20.0)}
    unc = Uncertainty(
        completion_prob=rng.uniform(0.3, 1.0),
        salary_sigma=rng.uniform(0.1, 0.8),
        job_search=str(rng.choice(["geometric", "fixed"])),
        random_placement=bool(rng.random() < 0.8),
    )
    return program, person, unc


@pytest.mark.parametrize("case", range(10))
def test_exact_chance_equals_the_simulated_share_for_moved_default_options(case):
    program, person, unc = _random_option(np.random.default_rng([2026, case]))
    o = odds(program, person, unc)
    r = simulate(program, person, unc, draws=N, seed=SEED + case)
    assert 0.0 < o.payback_probability < 1.0  # the seeds were chosen so no case is trivial
    assert abs(r.payback_probability() - o.payback_probability) <= share_bound(
        o.payback_probability
    )
    assert abs(r.mean_npv - o.expected_npv) <= mean_bound(r.npv)


def test_a_table_gives_the_chance_of_each_option():
    table, person = Programs.default(), Person.default()
    together = payback_probability(table, person)
    alone = [payback_probability(record, person) for record in RECORDS]
    assert together == pytest.approx(alone, abs=1e-15)
    assert [o.payback_probability for o in odds_programs(table, person)] == pytest.approx(
        alone, abs=1e-15
    )


# --- properties -----------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    scenario=scenarios(),
    unc=uncertainties(),
    a=share,
    b=share,
    which=st.sampled_from(["completion", "placement"]),
)
def test_a_better_chance_of_finishing_or_of_the_role_never_lowers_the_chance(
    scenario, unc, a, b, which
):
    low, high = sorted((a, b))
    if which == "completion":
        chances = [
            payback_probability(scenario, scenario, Uncertainty(**{**unc, "completion_prob": c}))
            for c in (low, high)
        ]
    else:
        uncertainty = Uncertainty(**unc)
        person = {k: v for k, v in scenario.items() if k in fields.PERSON}
        chances = [
            # the person's inputs only: a person mapping's values override the option's
            payback_probability({**scenario, "placement_prob": c}, person, uncertainty)
            for c in (low, high)
        ]
    assert chances[0] <= chances[1] + 1e-12


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name[:20])
def test_on_the_default_options_more_completion_or_placement_never_lowers_the_chance(record):
    person = Person.default()
    grid = np.linspace(0.0, 1.0, 11)
    by_completion = [
        payback_probability(
            record, person, Uncertainty.for_kind(record.kind, completion_prob=float(c))
        )
        for c in grid
    ]
    by_placement = [
        payback_probability({**record.__dict__, "placement_prob": float(c)}, person) for c in grid
    ]
    assert np.all(np.diff(by_completion) >= -1e-12)
    assert np.all(np.diff(by_placement) >= -1e-12)


@pytest.mark.slow
def test_under_rap_with_a_salary_spread_the_figures_come_from_the_simulation():
    record = {**PROGRAM, "loan_share": 1.0, "financing": 1, "repayment_plan": 2}
    unc = Uncertainty(completion_prob=0.9, salary_sigma=0.4)
    o = odds(record, PERSON, unc)
    r = simulate(record, PERSON, unc)  # the default draws and seed, as the module says
    assert not o.exact
    assert o.payback_probability == r.payback_probability()
    assert o.expected_npv == r.mean_npv
    assert odds_module.TAIL == 1e-12
