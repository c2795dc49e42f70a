"""The Monte Carlo layer: analytic answers with fixed seeds, the model draw by draw, seeds.

Sampling bounds: a share p estimated from n draws has standard error
sqrt(p (1 − p) / n), a mean sd / sqrt(n).  Each check allows 4 standard
errors (a 1-in-15,000 miss for a normal error; the seeds are fixed, so a
pass is a pass for good and a change of the draws that breaks it is a
change to look at).
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from mlworth_xl.model import InputError, data, evaluate, fields
from mlworth_xl.model.distributions import Lognormal, geometric_months, leave_steps
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.risk import Uncertainty, draw_scenarios, simulate, simulate_programs
from mlworth_xl.model.roles import Roles
from tests.strategies import scenarios, uncertainties

risk_module = importlib.import_module("mlworth_xl.model.risk")

SEED = 7
N = 100_000
K = 4.0  # standard errors allowed

# test_evaluate's plain case: 2 years at 30,000 from a 60,000 job to a 100,000 one, no tax,
# growth, discounting, savings or loan: it costs 180,000 and pays back at 2 + 180,000 / 40,000.
# The job for sure, at once (an option of no kind would take those of the kind "other").
PROGRAM = {
    "years": 2,
    "tuition_per_year": 30_000,
    "salary_after": 100_000,
    "placement_prob": 1,
    "months_to_job": 0,
}
PERSON = {"salary": 60_000, "tax_rate": 0, "discount_rate": 0, "savings": 0, "horizon_years": 40}
PLAIN_PAYBACK = 2 + 180_000 / 40_000

ONLY_PLACEMENT = Uncertainty.none().replace(random_placement=True)
RECORDS = Programs.default().records()


def share_bound(p: float, n: int) -> float:
    return K * math.sqrt(p * (1 - p) / n)


def mean_bound(x: np.ndarray) -> float:
    return K * float(np.std(x, ddof=1)) / math.sqrt(len(x))


def deterministic(program, person=PERSON, **changes):
    return evaluate({**program, **person, **changes})


# --- the deterministic model, exactly ------------------------------------------------------


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.kind)
def test_switched_off_every_draw_is_the_deterministic_scenario(record):
    person = Person.default()
    result = simulate(record, person, Uncertainty.none(), draws=1_000, seed=SEED)
    values = {**Programs.from_records([record]).inputs(person)}
    out = evaluate(values)
    np.testing.assert_array_equal(result.payback_years, np.full(1_000, out.payback_years[0]))
    np.testing.assert_array_equal(result.npv, np.full(1_000, out.npv[0]))
    assert result.payback_probability() == float(out.pays_back_within_target[0])


VARIANTS = {
    "kind defaults": None,
    "expected placement, spread": Uncertainty(random_placement=False),
    "no spread": Uncertainty(salary_sigma=0.0),
    "fixed search, many dropouts": Uncertainty(job_search="fixed", completion_prob=0.3),
    "wide spread": Uncertainty(salary_sigma=1.5, completion_prob=0.9),
}


def assert_same_as_the_model(result, scenarios_of_draws, exact: bool):
    model = evaluate(scenarios_of_draws, check=False)
    never = np.isnan(model.payback_years)
    np.testing.assert_array_equal(np.isnan(result.payback_years), never)
    if exact:  # no salary varies: the simulation uses the model's own numbers
        np.testing.assert_array_equal(result.payback_years, model.payback_years)
        np.testing.assert_array_equal(result.npv, model.npv)
    # a drawn salary enters by linearity: equal up to rounding
    np.testing.assert_allclose(
        result.payback_years[~never], model.payback_years[~never], rtol=0, atol=1e-9
    )
    scale = max(1.0, float(np.abs(model.npv).max()))
    np.testing.assert_allclose(result.npv, model.npv, rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.kind)
def test_the_fast_path_equals_the_model_draw_by_draw(record, variant):
    unc = VARIANTS[variant]
    person = Person.default()
    result = simulate(record, person, unc, draws=3_000, seed=SEED)
    drawn = draw_scenarios(record, person, unc, draws=3_000, seed=SEED)
    one_salary = (
        unc is not None
        and unc.salary_sigma == 0
        and not (unc.random_role and any(getattr(record, n) for n in fields.SHARE_FIELDS))
    )
    assert_same_as_the_model(result, drawn, exact=one_salary)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), unc=uncertainties())
def test_the_fast_path_equals_the_model_for_any_option(scenario, unc):
    uncertainty = Uncertainty(**unc)
    result = simulate(scenario, scenario, uncertainty, draws=300, seed=SEED)
    drawn = draw_scenarios(scenario, scenario, uncertainty, draws=300, seed=SEED)
    assert_same_as_the_model(result, drawn, exact=uncertainty.salary_sigma == 0)


# --- analytic answers -------------------------------------------------------------------------


def test_placement_alone_pays_back_with_probability_p_at_the_deterministic_payback():
    p = 0.7
    result = simulate({**PROGRAM, "placement_prob": p}, PERSON, ONLY_PLACEMENT, draws=N, seed=SEED)
    assert deterministic(PROGRAM).payback_years[0] == PLAIN_PAYBACK
    assert abs(result.payback_probability(PLAIN_PAYBACK) - p) <= share_bound(p, N)
    assert result.payback_probability(PLAIN_PAYBACK - 1e-9) == 0.0  # nobody sooner
    # a graduate who is not placed stays 180,000 behind: never
    assert result.never_share == 1.0 - result.payback_probability(PLAIN_PAYBACK)
    assert result.payback_probability(PLAIN_PAYBACK) == float(np.mean(result.placed))


def test_mean_npv_is_the_deterministic_expected_value_when_only_placement_is_random():
    # NPV is linear in placement_prob: E[NPV] = NPV(p) = NPV(0) + p (NPV(1) − NPV(0))
    record = RECORDS[0]  # Carnegie Mellon, with loans, tax and a 3% discount rate
    person = Person.default()
    values = Programs.from_records([record]).inputs(person)
    result = simulate(record, person, ONLY_PLACEMENT, draws=N, seed=SEED)
    expected = evaluate(values).npv[0]
    assert abs(result.mean_npv - expected) <= mean_bound(result.npv)
    npv0, npv1 = (evaluate({**values, "placement_prob": x}).npv[0] for x in (0.0, 1.0))
    placed = float(np.mean(result.placed))
    assert result.mean_npv == pytest.approx(npv0 + placed * (npv1 - npv0), rel=1e-9)


@pytest.mark.parametrize("shares", [False, True], ids=["one salary", "role shares"])
def test_mean_npv_with_a_salary_spread_is_the_npv_at_the_mean_salary(shares):
    # NPV is linear in salary_after too: E[NPV] = NPV(p, E[S]) with E[S] = median e^(σ²/2),
    # and over roles E[S] = Σ_k w_k median_k e^(σ_k²/2) (the weights: the role shares, the rest
    # for the salary after)
    record = RECORDS[2]
    if not shares:
        record = dataclasses.replace(record, **{n: 0.0 for n in fields.SHARE_FIELDS})
    person = Person.default()
    values = Programs.from_records([record]).inputs(person)
    unc = Uncertainty(completion_prob=1.0, job_search="fixed")  # BLS spread, random placement
    result = simulate(record, person, unc, draws=N, seed=SEED)
    table = Roles.default()
    parts = [
        (
            1.0 - sum(getattr(record, n) for n in fields.SHARE_FIELDS),
            unc.salary(record.salary_after).mean,
        )
    ]
    parts += [(getattr(record, f"share_{r.key}"), r.salary().mean) for r in table.roles]
    mean_salary = sum(w * m for w, m in parts)
    no_shares = {n: 0.0 for n in fields.SHARE_FIELDS}
    expected = evaluate({**values, **no_shares, "salary_after": mean_salary}).npv[0]
    assert abs(result.mean_npv - expected) <= mean_bound(result.npv)


def test_salary_percentiles_carry_over_to_payback_and_npv():
    # placed for sure, salary the only thing drawn: payback falls and NPV rises with the salary,
    # so their empirical q-quantiles sit between the model's values at the salary quantiles
    # q ± δ, δ = 4 sqrt(q (1 − q) / n) (order statistics of the uniform).
    unc = Uncertainty(completion_prob=1.0, job_search="fixed", random_placement=False)
    result = simulate(PROGRAM, PERSON, unc, draws=N, seed=SEED)
    fit = unc.salary(PROGRAM["salary_after"])
    for q in (0.1, 0.5, 0.9):
        d = share_bound(q, N)
        low, high = fit.quantile([q - d, q + d])
        npv = deterministic(PROGRAM, salary_after=np.array([low, high])).npv
        assert npv[0] <= result.npv_percentiles([100 * q])[0] <= npv[1]
        # the (1 − q) payback quantile comes from the q salary quantile
        # (never is later than any year: nan counts as infinity)
        payback = np.nan_to_num(
            deterministic(PROGRAM, salary_after=np.array([low, high])).payback_years, nan=np.inf
        )
        got = np.nan_to_num(result.payback_percentiles([100 * (1 - q)]), nan=np.inf)[0]
        assert payback[1] <= got <= payback[0]
    t90 = deterministic(PROGRAM, salary_after=fit.quantile(0.9)).payback_years[0]
    assert abs(result.payback_probability(t90) - 0.1) <= share_bound(0.1, N)


def test_completion_alone_dropouts_pay_what_they_used_and_never_pay_back():
    c = data.figure("completion.stem_masters_within_4_years").value
    unc = Uncertainty(completion_prob=c, salary_sigma=0.0, job_search="fixed")
    result = simulate(PROGRAM, PERSON, unc, draws=N, seed=SEED)
    assert abs(np.mean(result.completed) - c) <= share_bound(c, N)
    assert result.payback_probability(PLAIN_PAYBACK) == float(np.mean(result.completed))
    assert np.isnan(result.payback_years[~result.completed]).all()
    # a dropout after j of m steps: the program cut to 2 j / m years, placement 0
    m = leave_steps(PROGRAM["years"])
    exits = PROGRAM["years"] * np.arange(1, m) / m
    by_exit = deterministic(PROGRAM, years=exits, placement_prob=0.0).npv
    dropouts = result.npv[~result.completed]
    assert abs(dropouts.mean() - by_exit.mean()) <= mean_bound(dropouts)
    # with nothing else uncertain the first dropout pays 1 month: 2,500 tuition + 5,000 salary
    assert -by_exit[0] == pytest.approx(2_500 + 5_000, rel=1e-12)


def test_dropouts_leave_at_any_month_inside_the_program_equally_often():
    drawn = draw_scenarios(PROGRAM, PERSON, Uncertainty(completion_prob=0.0), draws=N, seed=SEED)
    months = np.round(12 * drawn["years"]).astype(int)
    counts = np.bincount(months, minlength=24)[1:24]
    assert months.min() == 1 and months.max() == 23  # never at 0, never the whole program
    assert np.all(np.abs(counts / N - 1 / 23) <= share_bound(1 / 23, N))
    assert (drawn["placement_prob"] == 0).all()


def test_months_to_a_job_are_geometric_with_the_programs_mean():
    mean = 3.0
    months = geometric_months(1.0 - np.random.default_rng(SEED).random(N), mean)
    # geometric on 0, 1, 2, …: P(M = 0) = 1 / (1 + mean), variance mean (1 + mean)
    assert abs(np.mean(months == 0) - 0.25) <= share_bound(0.25, N)
    assert abs(months.mean() - mean) <= K * math.sqrt(mean * (1 + mean) / N)
    drawn = draw_scenarios({**PROGRAM, "months_to_job": mean}, PERSON, None, draws=N, seed=SEED)
    assert abs(drawn["months_to_job"].mean() - mean) <= K * math.sqrt(mean * (1 + mean) / N)
    assert np.all(drawn["months_to_job"] == np.round(drawn["months_to_job"]))


def test_lognormal_fit_round_trips_median_and_percentiles():
    fit = Lognormal.from_percentiles(100_000, 50_000, 200_000)  # symmetric in logs: exact
    np.testing.assert_allclose(
        fit.quantile([0.1, 0.5, 0.9]), [50_000, 100_000, 200_000], rtol=1e-12
    )
    # BLS data scientists (docs/design.md): median kept, both ends off by median / sqrt(p10 p90)
    bls = Lognormal.from_percentiles(112_590, 63_650, 194_410)
    off = 112_590 / math.sqrt(63_650 * 194_410)
    np.testing.assert_allclose(
        bls.quantile([0.1, 0.5, 0.9]), [63_650 * off, 112_590, 194_410 * off], rtol=1e-12
    )
    # sampled quantiles: relative standard error σ sqrt(q (1 − q) / n) / φ(z_q)
    sample = bls.sample(np.random.default_rng(SEED), N)
    for q in (0.1, 0.5, 0.9):
        z = NormalDist().inv_cdf(q)
        density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        rel = K * bls.sigma * math.sqrt(q * (1 - q) / N) / density
        assert np.quantile(sample, q) == pytest.approx(float(bls.quantile(q)), rel=rel)


def test_a_range_is_read_as_the_10th_to_90th_percentile():
    fit = Lognormal.from_range(72_600, 170_000)  # LinkedIn ML-engineer range (the seed)
    np.testing.assert_allclose(fit.quantile([0.1, 0.9]), [72_600, 170_000], rtol=1e-12)
    assert fit.median == pytest.approx(math.sqrt(72_600 * 170_000), rel=1e-15)


def test_the_derived_salary_spread_is_the_fit_of_the_bls_percentiles():
    fig = data.figure
    fit = Lognormal.from_percentiles(
        fig("salary.data_scientists_median").value,
        fig("salary.data_scientists_p10").value,
        fig("salary.data_scientists_p90").value,
    )
    assert fig("risk.salary_log_sigma").value == round(fit.sigma, 4)
    assert fig("risk.salary_log_sigma").kind == "derived"


# --- reproducibility ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_draws_whatever_the_chunk_size(monkeypatch):
    first = simulate(RECORDS[0], None, draws=5_000, seed=SEED)
    monkeypatch.setattr(risk_module, "CHUNK_DRAWS", 777)
    again = simulate(RECORDS[0], None, draws=5_000, seed=SEED)
    np.testing.assert_array_equal(first.payback_years, again.payback_years)
    np.testing.assert_array_equal(first.npv, again.npv)
    other = simulate(RECORDS[0], None, draws=5_000, seed=SEED + 1)
    assert not np.array_equal(first.npv, other.npv)


def test_without_a_seed_the_seed_used_is_kept_so_the_run_can_be_repeated():
    first = simulate(RECORDS[5], None, draws=2_000, seed=None)
    again = simulate(RECORDS[5], None, draws=2_000, seed=first.seed)
    np.testing.assert_array_equal(first.npv, again.npv)


def test_every_option_of_a_table_sees_the_same_luck_as_alone():
    table = Programs.default()
    together = simulate_programs(table, None, draws=3_000, seed=SEED)
    for record, result in zip(RECORDS, together, strict=True):
        alone = simulate(record, None, draws=3_000, seed=SEED)
        np.testing.assert_array_equal(result.npv, alone.npv)
    # same completion chance, same uniforms: the same people finish
    masters = [r for r, rec in zip(together, RECORDS, strict=True) if rec.kind == "masters"]
    np.testing.assert_array_equal(masters[0].completed, masters[1].completed)


def test_progress_counts_every_draw():
    seen = []
    simulate_programs(Programs.default(), None, draws=300_000, seed=SEED, progress=seen.append)
    assert sum(seen) == 300_000 * len(RECORDS)
    assert max(seen) == risk_module.CHUNK_DRAWS


# --- summaries ----------------------------------------------------------------------------------


def test_probabilities_and_percentiles_are_ordered():
    result = simulate(RECORDS[3], None, draws=20_000, seed=SEED)
    probabilities = [result.payback_probability(n) for n in range(0, 41)]
    assert probabilities == sorted(probabilities)
    assert probabilities[-1] == pytest.approx(1 - result.never_share)
    p10, p50, p90 = result.npv_percentiles()
    assert p10 <= p50 <= p90
    assert result.payback_probability() == result.payback_probability(result.target_years)
    assert result.standard_error(0.5) == pytest.approx(0.5 / math.sqrt(20_000))


def test_a_percentile_beyond_the_horizon_is_never():
    result = simulate(
        {**PROGRAM, "placement_prob": 0.5}, PERSON, ONLY_PLACEMENT, draws=1_000, seed=SEED
    )
    p10, p90 = result.payback_percentiles([10, 90])
    assert p10 == PLAIN_PAYBACK and math.isnan(p90)


def test_default_uncertainty_by_kind_comes_from_the_data():
    assert Uncertainty.for_kind("masters").completion_prob == 0.66  # CGS 2013
    assert Uncertainty.for_kind("online").completion_prob == 0.66
    assert Uncertainty.for_kind("bootcamp").completion_prob == 0.8  # assumption
    assert Uncertainty.for_kind("self-study").completion_prob == 0.5  # assumption
    # nothing known of them: the least favourable of the kinds' (self-study's)
    assert Uncertainty.for_kind("certificate").completion_prob == 0.5
    assert Uncertainty.for_kind("other").completion_prob == 0.5 == Uncertainty().completion_prob
    assert Uncertainty().salary_sigma == 0.4356  # BLS, derived
    assert Uncertainty.from_percentiles(63_650, 194_410).salary_median is None
    assert Uncertainty.from_percentiles(63_650, 194_410, 112_590).salary(1.0).median == 112_590


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"completion_prob": -0.5}, "completion_prob", "out of range"),
        ({"completion_prob": 66}, "completion_prob", "looks like a percentage"),
        ({"completion_prob": "high"}, "completion_prob", "is not a number"),
        ({"salary_sigma": -0.1}, "salary_sigma", "out of range"),
        ({"salary_median": 0.0}, "salary_median", "out of range"),
        ({"job_search": "poisson"}, "job_search", "one of geometric, fixed"),
        ({"random_placement": "yes"}, "random_placement", "TRUE or FALSE"),
    ],
)
def test_bad_uncertainty_is_refused_naming_the_field(changes, field, words):
    with pytest.raises(InputError) as info:
        Uncertainty(**changes)
    assert [p.field for p in info.value.problems] == [field]
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"draws": 0}, "draws"),
        ({"draws": 2.5}, "draws"),
        ({"draws": True}, "draws"),
        ({"seed": -1}, "seed"),
        ({"target_years": 0}, "target_years"),
    ],
)
def test_bad_run_arguments_are_refused(kwargs, field):
    with pytest.raises(InputError, match=f"^{field}: "):
        simulate(PROGRAM, PERSON, **kwargs)


def test_bad_option_inputs_are_refused_like_the_model_does():
    with pytest.raises(InputError, match="tuition_per_year: -1 is out of range"):
        simulate({**PROGRAM, "tuition_per_year": -1}, PERSON)
    with pytest.raises(InputError, match="kind: 'phd' is not allowed"):
        simulate({**PROGRAM, "kind": "phd"}, PERSON)
    with pytest.raises(InputError, match="simulate takes one option"):
        simulate({**PROGRAM, "years": [1, 2]}, PERSON)
    with pytest.raises(InputError, match="uncertainty: give one per option"):
        simulate_programs(Programs.default(), None, [Uncertainty()])


def test_rap_option_with_a_drawn_salary_equals_the_model_draw_by_draw():
    """Regression: under RAP the loan cost depends on the income, so a drawn salary cannot be
    applied by linearity; such draws must be evaluated at their own salary."""
    record = {**PROGRAM, "loan_share": 1.0, "financing": 1, "repayment_plan": 2}
    unc = Uncertainty(completion_prob=0.9, salary_sigma=0.4)
    result = simulate(record, PERSON, unc, draws=2_000, seed=SEED)
    drawn = draw_scenarios(record, PERSON, unc, draws=2_000, seed=SEED)
    assert_same_as_the_model(result, drawn, exact=False)


def test_a_salary_after_of_zero_simulates_as_zero():
    """Regression: an allowed salary after of 0 was refused by the salary distribution."""
    record = {**PROGRAM, "salary_after": 0.0}
    result = simulate(
        record, PERSON, Uncertainty(completion_prob=1.0, salary_sigma=0.4), draws=1_000, seed=SEED
    )
    model = evaluate({**record, **PERSON})  # every draw earns 0 after: never pays back
    assert np.isnan(model.payback_years[0]) and result.never_share == 1.0
