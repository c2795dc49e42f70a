"""Repayment plans: fixed and tiered standard against numpy-financial, RAP against the rules.

Rule text: 34 CFR 685.208 and 685.209 as revised by the Department of
Education final rule, 91 FR 23768 (2026-05-01), implementing Public Law 119-21.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlworth_xl.model import repayment
from mlworth_xl.model.data import figure

# --- RAP payment: worked examples from 685.209(b)(2) and (f)(5) -------------------------------


def test_rap_payment_agi_60000_two_dependents():
    # By hand from the rule text: $60,000 is "more than $50,000 and not more than $60,000",
    # so the base payment is 5% × 60,000 = $3,000 a year; / 12 = $250 a month; minus $50 for
    # each of 2 dependents = $150 a month, above the $10 minimum.
    assert repayment.rap_payment(60_000, 2) == pytest.approx(150.0, rel=1e-15)


@pytest.mark.parametrize(
    ("agi", "dependents", "expected"),
    [
        (0, 0, 10.0),  # "not more than $10,000, is $120": 120 / 12
        (10_000, 0, 10.0),  # the same, at the edge of the flat amount
        (10_000.01, 0, 10.0),  # 1% × 10,000.01 / 12 = 8.33, raised to the $10 minimum
        (20_000, 0, 200 / 12),  # 1% band includes its top: 200 a year
        (20_001, 0, 400.02 / 12),  # 2% band: 2% × 20,001 = 400.02 a year
        (60_001, 0, 3_600.06 / 12),  # 6%: 3,600.06 a year
        (100_000, 0, 750.0),  # "more than $90,000 and not more than $100,000": 9%
        (100_001, 0, 10_000.1 / 12),  # "more than $100,000": 10%
        (250_000, 1, 25_000 / 12 - 50),
        (45_000, 10, 10.0),  # 4% × 45,000 / 12 = 150, less 10 × 50: floor of $10
    ],
)
def test_rap_payment_by_band(agi, dependents, expected):
    assert repayment.rap_payment(agi, dependents) == pytest.approx(expected, rel=1e-12)


def test_rap_payment_is_vectorized_and_never_below_the_minimum():
    agi = np.linspace(0, 300_000, 3001)
    pay = repayment.rap_payment(agi, 1)
    assert pay.shape == agi.shape
    assert (pay >= figure("plan.rap_minimum_monthly").value).all()
    # within a band the payment grows with AGI; across a band edge it jumps up
    assert (np.diff(pay) >= -1e-12).all()


# --- tiered standard: 685.208(c)(1)(iii) -----------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "years"),
    [
        (1, 10),
        (24_999.99, 10),
        (25_000, 15),  # "equal to or greater than $25,000 but less than $50,000"
        (49_999.99, 15),
        (50_000, 20),
        (99_999.99, 20),
        (100_000, 25),
        (1_000_000, 25),
    ],
)
def test_tiered_term_boundaries_go_to_the_higher_tier(balance, years):
    assert repayment.tiered_term_years(balance)[0] == years


@pytest.mark.parametrize("balance", [12_000, 25_000, 41_000, 75_000, 160_000])
def test_tiered_standard_matches_numpy_financial(balance):
    apr = 0.0807  # Direct Unsubsidized 2026-27, derived (data)
    n = 12 * repayment.tiered_term_years(balance)[0]
    expected = -npf.pmt(apr / 12, n, balance)  # numpy-financial, Excel's PMT sign
    r = repayment.tiered_standard(balance, apr)
    assert r.first_year_monthly_payment[0] == pytest.approx(expected, rel=1e-10)
    assert r.total_paid[0] == pytest.approx(n * expected, rel=1e-10)
    assert r.months[0] == n


@pytest.mark.parametrize(
    ("balance", "apr", "months"),
    [
        (200_000, 0.075, 180),  # numpy-financial's pmt docstring example
        (41_000, 0.0794, 120),  # Direct Unsubsidized 2025-26 (FSA)
        (9_000, 0.12, 37),  # an odd term: any number of months
        (5_000, 0.0, 24),  # zero rate: 5,000 / 24
    ],
)
def test_fixed_plan_matches_numpy_financial(balance, apr, months):
    expected = -npf.pmt(apr / 12, months, balance) if apr else balance / months
    r = repayment.fixed(balance, apr, months)
    assert r.first_year_monthly_payment[0] == pytest.approx(expected, rel=1e-10)
    assert r.total_interest[0] == pytest.approx(months * expected - balance, rel=1e-9, abs=1e-9)
    # numpy-financial's IPMT for the first 12 months is the first year's interest
    if apr:
        ipmt = -sum(npf.ipmt(apr / 12, k, months, balance) for k in range(1, 13))
        assert r.yearly["interest_paid"][0, 0] == pytest.approx(ipmt, rel=1e-9)


@given(balance=st.floats(0, 400_000), apr=st.floats(0, 0.2), months=st.integers(1, 360))
def test_fixed_plan_yearly_flows_add_up(balance, apr, months):
    r = repayment.fixed(balance, apr, months)
    assert r.yearly["principal_paid"].sum() == pytest.approx(balance, rel=1e-9, abs=1e-6)
    assert r.yearly["payment"].sum() == pytest.approx(r.total_paid[0], rel=1e-12, abs=1e-9)
    assert r.forgiven[0] == r.waived_interest[0] == r.principal_matched[0] == 0


# --- RAP schedule: 685.209(h)(4)(i), the matching principal payment, (k) -----------------------

agi_paths = st.lists(st.floats(0, 300_000), min_size=1, max_size=35)


@settings(max_examples=150, deadline=None)
@given(
    balance=st.floats(0, 400_000),
    apr=st.floats(0, 0.15),
    path=agi_paths,
    dependents=st.integers(0, 6),
)
def test_rap_conserves_money(balance, apr, path, dependents):
    r = repayment.rap(balance, apr, path, dependents)
    # payments + waived interest + the Department's principal match + forgiven
    #   == balance at repayment start + interest accrued
    left = r.total_paid + r.waived_interest + r.principal_matched + r.forgiven
    right = balance + r.interest_accrued
    assert left[0] == pytest.approx(right[0], rel=1e-9, abs=1e-6)
    assert r.months[0] <= figure("plan.rap_forgiveness_payments").value
    assert min(r.waived_interest[0], r.principal_matched[0], r.forgiven[0]) >= 0
    if r.forgiven[0] > 0:
        assert r.months[0] == 360
    for name in repayment.YEARLY:
        assert r.yearly[name].sum() == pytest.approx(
            {
                "payment": r.total_paid,
                "interest_paid": r.total_interest,
                "waived_interest": r.waived_interest,
                "principal_matched": r.principal_matched,
                "forgiven": r.forgiven,
            }.get(name, balance - r.principal_matched - r.forgiven)[0],
            rel=1e-9,
            abs=1e-6,
        )


@settings(max_examples=60, deadline=None)
@given(
    balance=st.floats(1_000, 300_000),
    apr=st.floats(0, 0.15),
    path=agi_paths,
    dependents=st.integers(0, 4),
)
def test_rap_principal_falls_by_at_least_50_or_the_payment(balance, apr, path, dependents):
    s = repayment.schedule(balance, apr, "rap", agi_path=path, dependents=dependents)
    before = np.concatenate(([balance], s.balance[:-1]))
    fall = before - s.balance - s.forgiven
    regular = s.balance > 0
    assert (fall[regular] >= np.minimum(50.0, s.payment[regular]) - 1e-9).all()
    # interest the payment does not cover is waived, never added to the balance
    assert (s.waived_interest >= -1e-12).all()
    assert (s.balance <= before + 1e-9).all()


def test_rap_low_income_worked_example():
    # $40,000 at 8.07% (2026-27, derived), AGI $30,000 every year, no dependents:
    # 2% × 30,000 = 600 a year = $50 a month, less than the first month's interest
    # (40,000 × 0.0807 / 12 = 269). All $50 goes to interest, the rest of the interest is
    # waived, and the Department matches $50 of principal each month: 360 × 50 = 18,000
    # of principal, so 40,000 - 18,000 = 22,000 is forgiven after 360 payments.
    r = repayment.rap(40_000, 0.0807, [30_000])
    assert r.first_year_monthly_payment[0] == 50.0
    assert r.total_paid[0] == pytest.approx(360 * 50, rel=1e-12)
    assert r.principal_matched[0] == pytest.approx(18_000, rel=1e-12)
    assert r.forgiven[0] == pytest.approx(22_000, rel=1e-12)
    assert r.total_interest[0] == pytest.approx(18_000, rel=1e-12)
    assert r.years_to_pay_off[0] == 30


def test_rap_payment_below_interest_brings_a_match_equal_to_the_payment():
    # $10 minimum on $20,000 at 6%: interest 100, payment 10 covers no principal,
    # so principal falls by the lesser of $50 and the $10 payment: $10.
    s = repayment.schedule(20_000, 0.06, "rap", agi_path=[8_000])
    assert s.payment[0] == 10.0
    assert s.waived_interest[0] == pytest.approx(90.0, rel=1e-12)
    assert s.principal_matched[0] == pytest.approx(10.0, rel=1e-12)
    assert s.balance[0] == pytest.approx(19_990.0, rel=1e-15)


def test_rap_match_tops_principal_up_to_50():
    # $10,000 at 6%: the first month's interest is $50. AGI $55,000 → 5% → $229.17 a month,
    # less 3 × $50 → $79.17; $29.17 of it is principal, so the match is 50 - 29.17 = $20.83.
    s = repayment.schedule(10_000, 0.06, "rap", agi_path=[55_000], dependents=3)
    assert s.principal_paid[0] == pytest.approx(55_000 * 0.05 / 12 - 150 - 50, rel=1e-12)
    assert s.principal_paid[0] + s.principal_matched[0] == pytest.approx(50.0, rel=1e-12)


def test_rap_high_income_repays_like_a_level_loan():
    # AGI $120,000 every year: 10% → $1,000 a month on $50,000 at 7%; numpy-financial's NPER
    # gives the number of payments, the last one partial.
    r = repayment.rap(50_000, 0.07, [120_000])
    n = npf.nper(0.07 / 12, -1_000, 50_000)
    assert r.months[0] == np.ceil(n)
    assert r.forgiven[0] == 0 and r.principal_matched[0] == 0 and r.waived_interest[0] == 0
    assert r.total_paid[0] - 50_000 == pytest.approx(r.interest_accrued[0], rel=1e-9)


def test_rap_uses_each_years_agi_and_keeps_the_last():
    # Payment of repayment year k comes from agi_path[k-1]; years past the path keep the last.
    s = repayment.schedule(500_000, 0.05, "rap", agi_path=[30_000, 50_000, 80_000])
    assert s.payment[0] == pytest.approx(50.0)  # 2% × 30,000 / 12
    assert s.payment[12] == pytest.approx(2_000 / 12)  # 4% × 50,000 / 12
    assert s.payment[24] == s.payment[300] == pytest.approx(5_600 / 12)  # 7% × 80,000


def test_vectorized_rap_equals_one_scenario_at_a_time():
    balance = np.array([30_000.0, 80_000.0, 5_000.0])
    apr = np.array([0.0807, 0.06, 0.09])
    paths = np.array([[40_000, 45_000], [90_000, 150_000], [12_000, 12_000]])
    both = repayment.rap(balance, apr, paths, [0, 2, 1])
    for k in range(3):
        one = repayment.rap(balance[k], apr[k], paths[k], [0, 2, 1][k])
        assert both.total_paid[k] == pytest.approx(one.total_paid[0], rel=1e-12)
        assert both.forgiven[k] == pytest.approx(one.forgiven[0], rel=1e-12, abs=1e-9)


def test_schedule_totals_match_the_vectorized_plan():
    for plan in repayment.PLANS:
        s = repayment.schedule(
            35_000, 0.0807, plan, term_years=12, agi_path=[52_000, 60_000], dependents=1
        )
        r = repayment.repay(
            35_000, 0.0807, plan, term_years=12, agi_path=[52_000, 60_000], dependents=1
        )
        assert s.payment.sum() == pytest.approx(r.total_paid[0], rel=1e-9)
        assert s.forgiven.sum() == pytest.approx(r.forgiven[0], rel=1e-9, abs=1e-9)
        assert len(s.month) == r.months[0]
        assert abs(s.balance[-1]) < 1e-6


def test_repay_mixes_plans_per_scenario():
    out = repayment.repay(
        [30_000, 30_000, 30_000], 0.07, [0, "tiered", "RAP"], term_years=7, agi_path=[40_000]
    )
    alone = [
        repayment.fixed(30_000, 0.07, 84),
        repayment.tiered_standard(30_000, 0.07),
        repayment.rap(30_000, 0.07, [40_000]),
    ]
    for k, r in enumerate(alone):
        assert out.total_paid[k] == pytest.approx(r.total_paid[0], rel=1e-12)
        assert out.yearly["payment"][k].sum() == pytest.approx(r.total_paid[0], rel=1e-12)


def test_bad_plans_are_refused_with_the_list_of_plans():
    with pytest.raises(ValueError, match="fixed, tiered, rap"):
        repayment.repay(1_000, 0.05, "graduated")
    with pytest.raises(ValueError, match="needs agi_path"):
        repayment.repay(1_000, 0.05, "rap")


def test_nothing_owed_means_nothing_paid():
    for plan in repayment.PLANS:
        r = repayment.repay(0.0, 0.07, plan, agi_path=[50_000])
        assert r.total_paid[0] == r.months[0] == r.first_year_monthly_payment[0] == 0


def test_forgiveness_note_says_it_may_be_taxable():
    assert "taxable" in repayment.FORGIVENESS_TAX_NOTE
    assert "taxable" in figure("plan.rap_forgiveness_payments").label


def test_rap_first_payment_is_what_is_owed_when_that_is_less():
    # $500 at 6% with AGI $100,000 (9%: $750 due): the first payment is 500 + 2.50 of interest.
    r = repayment.rap(500, 0.06, [100_000])
    assert r.first_year_monthly_payment[0] == pytest.approx(502.5, rel=1e-15)
    assert r.months[0] == 1
