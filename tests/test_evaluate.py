"""Whole options against staying put: closed forms, identities and monotonicity."""

from __future__ import annotations

import importlib
import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mlworth_xl.model import InputError, evaluate, yearly_detail
from tests.strategies import scenarios

# A plain case with every complication switched off: no tax, growth, discounting,
# savings or loan.  Study costs 2 × 30,000 tuition + 2 × 60,000 salary = 180,000 and
# then earns 100,000 − 60,000 = 40,000 a year more.
evaluate_module = importlib.import_module("mlworth_xl.model.evaluate")

PLAIN = {
    "years": 2,
    "tuition_per_year": 30_000,
    "salary_after": 100_000,
    "salary": 60_000,
    # one simple loan on a fixed plan, no inflation: the what-if whose closed forms the
    # tests write out (test_inflation.py covers the deflated loans)
    "financing": 0,
    "repayment_plan": 0,
    "inflation": 0,
    "tax_rate": 0,
    "discount_rate": 0,
    "savings": 0,
    "horizon_years": 40,
    # the new job for sure, at once (a scenario of no kind takes those of the kind "other")
    "placement_prob": 1,
    "months_to_job": 0,
}


def one(**changes: float) -> dict[str, float]:
    out = evaluate({**PLAIN, **changes}).as_dict()
    return {k: float(v[0]) for k, v in out.items()}


def test_plain_case_pays_back_at_study_plus_cost_over_raise():
    got = one()
    assert got["cost_of_attendance"] == 60_000
    assert got["income_given_up"] == 120_000
    assert got["total_cost"] == 180_000
    # docs/design.md closed form, counted from the first day: 2 + 180,000 / 40,000
    assert got["payback_years"] == 2 + 180_000 / 40_000
    assert got["discounted_payback_years"] == got["payback_years"]  # zero discount rate


def test_months_to_job_add_income_given_up_and_delay():
    # 6 months more without salary: 30,000 more given up, job starts at 2.5
    got = one(months_to_job=6)
    assert got["income_given_up"] == 150_000
    assert got["payback_years"] == pytest.approx(2.5 + 210_000 / 40_000, rel=1e-14)


def test_placement_probability_scales_the_expected_raise():
    # half the chance of the new salary: 20,000 a year expected → 2 + 180,000 / 20,000
    assert one(placement_prob=0.5)["payback_years"] == pytest.approx(11.0, rel=1e-14)


def test_tax_applies_to_salary_not_to_tuition():
    # 25% tax: 60,000 tuition + 0.75 × 120,000 given up = 150,000; raise 30,000 after tax
    got = one(tax_rate=0.25)
    assert got["total_cost"] == 150_000
    assert got["payback_years"] == pytest.approx(2 + 150_000 / 30_000, rel=1e-14)


def test_keeping_the_job_gives_up_nothing():
    got = one(work_fraction=1)
    assert got["income_given_up"] == 0
    assert got["payback_years"] == pytest.approx(2 + 60_000 / 40_000, rel=1e-14)


def test_savings_reduce_borrowing_and_fee_is_grossed_up():
    # COA 60,000; 10,000 of savings; 80% of the remaining 50,000 borrowed: 40,000 net
    got = one(savings=10_000, loan_share=0.8, loan_fee=0.01, loan_apr=0.0)
    assert got["amount_borrowed"] == pytest.approx(40_000 / 0.99, rel=1e-14)
    assert got["loan_fees"] == pytest.approx(40_000 / 0.99 - 40_000, rel=1e-12)
    assert got["total_interest"] == pytest.approx(0.0, abs=1e-6)


def test_loan_interest_matches_numpy_financial_and_counts_in_total_cost():
    got = one(
        loan_share=1,
        loan_apr=0.0794,
        loan_fee=0.0,
        loan_term_years=10,
        grace_months=6,
        capitalize_interest=1,
    )
    # 24 months of study + 6 of grace = 30 months of simple interest, capitalized
    balance = 60_000 * (1 + 0.0794 * 30 / 12)
    payment = -npf.pmt(0.0794 / 12, 120, balance)
    assert got["monthly_payment"] == pytest.approx(payment, rel=1e-10)
    assert got["total_interest"] == pytest.approx(120 * payment - 60_000, rel=1e-10)
    assert got["total_cost"] == pytest.approx(180_000 + 120 * payment - 60_000, rel=1e-12)


def test_flows_add_up_to_gain_minus_total_cost_over_a_long_horizon():
    values = {
        **PLAIN,
        "loan_share": 1,
        "loan_apr": 0.07,
        "loan_fee": 0.01,
        "tax_rate": 0.2,
        "salary_growth": 0.02,
        "salary_growth_after": 0.03,
        "placement_prob": 0.8,
    }
    detail = yearly_detail(values)
    out = evaluate(values)
    assert detail.flow.sum() == pytest.approx(detail.gain.sum() - out.total_cost[0], rel=1e-12)


def test_npv_and_irr_agree_with_numpy_financial_on_the_yearly_flows():
    values = {**PLAIN, "loan_share": 1, "loan_apr": 0.07, "discount_rate": 0.03}
    flows = yearly_detail(values).flow[0]
    out = evaluate(values)
    # numpy-financial discounts its first value by (1+r)^0: prepend a zero for year 0
    assert out.npv[0] == pytest.approx(npf.npv(0.03, [0.0, *flows]), rel=1e-12)
    assert out.irr[0] == pytest.approx(npf.irr(flows), rel=1e-9)
    assert npf.npv(out.irr[0], [0.0, *flows]) == pytest.approx(0, abs=1e-6)


def test_never_pays_back_within_the_horizon():
    got = one(salary_after=61_000, horizon_years=20)  # 1,000 a year cannot repay 180,000
    assert math.isnan(got["payback_years"])
    assert math.isnan(got["discounted_payback_years"])
    assert got["pays_back_within_target"] == 0


def test_break_even_salary_pays_back_exactly_at_the_target():
    # closed form for PLAIN: 2 + 180,000 / (S − 60,000) = 10 → S = 82,500
    assert one(target_payback_years=10)["break_even_salary"] == pytest.approx(82_500, rel=1e-12)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_break_even_salary_round_trip(scenario):
    target = scenario["target_payback_years"]
    assume(target <= scenario["horizon_years"])
    be = evaluate(scenario).break_even_salary[0]
    assume(np.isfinite(be) and 0 <= be <= 10_000_000)
    cumulative = yearly_detail({**scenario, "salary_after": be}).cumulative[0]
    # the cumulative at the target (interpolated inside its year) is zero at that salary
    y = int(math.floor(target))
    before = cumulative[y - 1] if y >= 1 else 0.0
    at = before + (target - y) * (cumulative[y] - before) if y < len(cumulative) else before
    scale = max(1.0, abs(be), float(np.abs(cumulative).max()))
    assert at == pytest.approx(0.0, abs=1e-9 * scale)


def _payback(scenario: dict[str, float]) -> float:
    value = evaluate(scenario).payback_years[0]
    return math.inf if math.isnan(value) else value


@settings(max_examples=150)
@given(scenario=scenarios(), more=st.floats(1, 100_000))
def test_more_tuition_never_shortens_payback(scenario, more):
    cheaper = _payback(scenario)
    dearer = _payback({**scenario, "tuition_per_year": scenario["tuition_per_year"] + more})
    assert dearer >= cheaper - 1e-9


@settings(max_examples=150)
@given(scenario=scenarios(), more=st.floats(1, 100_000))
def test_higher_salary_after_never_lengthens_payback(scenario, more):
    lower = _payback(scenario)
    higher = _payback({**scenario, "salary_after": scenario["salary_after"] + more})
    assert higher <= lower + 1e-9


@settings(max_examples=100)
@given(scenario=scenarios(), more=st.floats(0.001, 0.1))
def test_higher_apr_never_lowers_total_interest_of_an_option(scenario, more):
    low = evaluate(scenario).total_interest[0]
    high = evaluate({**scenario, "loan_apr": min(0.4, scenario["loan_apr"] + more)})
    assert high.total_interest[0] >= low - 1e-9 * max(1.0, low)


def test_vectorized_equals_one_by_one_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(evaluate_module, "CHUNK", 7)
    rng = np.random.default_rng(7)
    n = 30
    batch = {
        **PLAIN,
        "tuition_per_year": rng.uniform(0, 80_000, n),
        "salary_after": rng.uniform(50_000, 200_000, n),
        "loan_share": rng.uniform(0, 1, n),
        "years": rng.choice([0.25, 1.0, 2.0], n),
        "horizon_years": rng.integers(5, 41, n),
    }
    together = evaluate(batch).as_dict()
    for i in range(n):
        alone = evaluate({k: (v[i] if np.ndim(v) else v) for k, v in batch.items()}).as_dict()
        for key, values in together.items():
            np.testing.assert_allclose(values[i], alone[key][0], rtol=1e-12, err_msg=key)


def test_every_problem_is_reported_with_its_row():
    with pytest.raises(InputError) as info:
        evaluate(
            years=np.array([2.0, 0.0, 2.0]),
            tuition_per_year=np.array([1.0, -1.0, 1.0]),
            salary_after=1.0,
            loan_apr=np.array([0.05, 0.05, 7.94]),
        )
    fields = [(p.row, p.field) for p in info.value.problems]
    assert fields == [(1, "years"), (1, "tuition_per_year"), (2, "loan_apr")]
    assert "looks like a percentage" in str(info.value)


def test_horizon_must_cover_the_study():
    with pytest.raises(InputError, match="horizon_years: 2 is shorter than the program"):
        evaluate(years=3, tuition_per_year=1, salary_after=1, horizon_years=2)


def test_unknown_input_is_refused_with_the_list_of_inputs():
    with pytest.raises(InputError, match="tution_per_year: is not an input"):
        evaluate(years=2, tution_per_year=1, salary_after=1)
