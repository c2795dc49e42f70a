"""The financing split: federal limits, Grad PLUS for legacy borrowers, private remainder, fees.

Rules: Public Law 119-21 (2025) and the Department of Education final rule,
91 FR 23768 (2026-05-01); figures as embedded in the data with their sources.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlworth_xl.model import federal
from mlworth_xl.model.data import figure

UNSUB_FEE = 0.01057  # FSA: first disbursed 2024-10-01 to 2026-09-30
PLUS_FEE = 0.04228  # FSA: the same period
ANNUAL = 20_500  # Public Law 119-21: graduate annual limit


def test_need_above_the_annual_limit_is_split_federal_and_private():
    # $30,000 needed in a year starting 2026-08-24 (award year 2026-27, fee period to
    # 2026-09-30): Direct Unsubsidized capped at $20,500, which nets 20,500 × (1 − 1.057%)
    # = 20,283.315; the private loan (2% fee) is grossed up: 9,716.685 / 0.98.
    f = federal.split(30_000, "2026-08-24", private_apr=0.11, private_fee=0.02)
    assert f.direct_unsub[0, 0] == ANNUAL
    assert f.grad_plus[0, 0] == 0
    assert f.private[0, 0] == pytest.approx((30_000 - ANNUAL * (1 - UNSUB_FEE)) / 0.98, rel=1e-12)
    assert f.direct_unsub_rate[0, 0] == 0.0807  # 2026-27, derived (4.47% + 3.60)
    assert f.fees[0] == pytest.approx(ANNUAL * UNSUB_FEE + f.private[0, 0] * 0.02, rel=1e-12)


def test_need_under_the_limit_is_all_federal_and_grossed_up():
    # 15,000 / (1 − 1.057%) = 15,160.2438...: the net received is exactly the need
    f = federal.split(15_000, "2026-09-01", private_apr=0.11)
    assert f.direct_unsub[0, 0] == pytest.approx(15_000 / (1 - UNSUB_FEE), rel=1e-14)
    assert f.private_total[0] == 0
    assert f.blended_apr[0] == f.federal_apr[0] == 0.0807


@pytest.mark.parametrize(
    ("intensity", "limit"),
    [
        (1.0, 20_500),
        (0.875, 18_040),  # ED negotiated rulemaking example: 21 of 24 credits = 87.5% → 88%
        (0.6, 12_300),  # 60% × 20,500
        (0.5, 10_250),  # half time, the least that gets a Direct Loan (34 CFR 685.200)
        (0.734, 14_965),  # 73.4% rounds to 73%: 0.73 × 20,500
        (0.49, 0),  # below half time: no Direct Loan at all
    ],
)
def test_part_time_annual_limit_is_prorated_to_the_whole_percent(intensity, limit):
    assert federal.prorated_annual_limit(intensity) == pytest.approx(limit, rel=1e-12)


def test_part_time_student_borrows_the_prorated_limit_then_private():
    f = federal.split([16_000, 16_000], "2026-09-01", private_apr=0.09, enrolment_intensity=0.6)
    assert f.annual_limit[0].tolist() == [12_300, 12_300]
    assert f.direct_unsub[0].tolist() == [12_300, 12_300]
    below_half = federal.split(16_000, "2026-09-01", private_apr=0.09, enrolment_intensity=0.4)
    assert below_half.federal_total[0] == 0
    assert below_half.private_total[0] == 16_000


def test_aggregate_limit_counts_prior_graduate_borrowing():
    # $100,000 aggregate (Public Law 119-21) less $70,000 borrowed before: 20,500 then 9,500.
    f = federal.split([25_000, 25_000], "2026-09-01", private_apr=0.1, prior_grad_borrowing=70_000)
    assert f.direct_unsub[0].tolist() == [20_500, 9_500]


def test_lifetime_limit_counts_undergraduate_borrowing():
    # $257,500 lifetime less 200,000 undergraduate and 50,000 graduate: 7,500 left.
    f = federal.split(
        25_000,
        "2026-09-01",
        private_apr=0.1,
        prior_grad_borrowing=50_000,
        prior_undergrad_borrowing=200_000,
    )
    assert f.direct_unsub[0, 0] == pytest.approx(7_500, rel=1e-15)


def test_no_grad_plus_for_a_new_borrower_from_2026_07_01():
    f = federal.split([50_000, 50_000], "2026-08-24", private_apr=0.1)
    assert f.grad_plus.sum() == 0
    assert not f.old_rules.any()
    assert (f.private > 0).all()


def test_legacy_borrower_keeps_grad_plus_for_three_academic_years():
    # A first disbursement on 2025-09-01 (before 2026-07-01, so Grad PLUS is open) makes the
    # borrower a legacy borrower: Grad PLUS stays open for the first 3 academic years from
    # 2026-07-01 (interim exception), then the rest is private.
    f = federal.split([40_000] * 5, "2025-09-01", private_apr=0.1)
    assert f.old_rules[0].tolist() == [True, True, True, True, False]
    assert (f.grad_plus[0, :4] > 0).all() and f.grad_plus[0, 4] == 0
    assert f.private[0, :4].sum() == 0 and f.private[0, 4] > 0
    # 2025-26 rates (FSA): 7.94% and 8.94%; 2026-27 Grad PLUS derived: 4.47% + 4.60 = 9.07%
    assert f.direct_unsub_rate[0, 0] == 0.0794 and f.grad_plus_rate[0, 0] == 0.0894
    assert f.grad_plus_rate[0, 1] == 0.0907
    # Grad PLUS covers the rest of the need net of its 4.228% fee
    rest = 40_000 - ANNUAL * (1 - UNSUB_FEE)
    assert f.grad_plus[0, 0] == pytest.approx(rest / (1 - PLUS_FEE), rel=1e-12)


def test_legacy_flag_for_a_continuing_student():
    # A student already in the program with a loan before 2026-07-01, modelling the years left.
    f = federal.split(40_000, "2026-09-01", private_apr=0.1, grad_plus_legacy=True)
    assert f.grad_plus[0, 0] > 0 and f.private[0, 0] == 0
    plain = federal.split(40_000, "2026-09-01", private_apr=0.1)
    assert plain.grad_plus[0, 0] == 0 and plain.private[0, 0] > 0


def test_no_loan_before_2026_07_01_means_no_legacy():
    # Savings paid the whole first year (before 2026-07-01): no Direct Loan was received,
    # so the interim exception does not apply to the next year.
    f = federal.split([0, 40_000], "2025-09-01", private_apr=0.1)
    assert f.grad_plus[0, 1] == 0 and f.private[0, 1] > 0


def test_legacy_borrower_has_the_older_aggregate_including_undergraduate_loans():
    # $138,500 (FSA Handbook) less 57,500 undergraduate and 70,000 graduate: 11,000 left;
    # the new $100,000 aggregate would have left 30,000 and the lifetime 130,000.
    legacy = federal.split(
        30_000,
        "2026-09-01",
        private_apr=0.1,
        grad_plus_legacy=True,
        prior_grad_borrowing=70_000,
        prior_undergrad_borrowing=57_500,
    )
    assert legacy.direct_unsub[0, 0] == pytest.approx(11_000, rel=1e-15)
    new = federal.split(
        30_000,
        "2026-09-01",
        private_apr=0.1,
        prior_grad_borrowing=70_000,
        prior_undergrad_borrowing=57_500,
    )
    assert new.direct_unsub[0, 0] == ANNUAL


@pytest.mark.parametrize(
    ("date", "rate", "fee_key"),
    [
        ("2026-06-30", 0.0794, "loan.direct_unsub_grad_2025_26.fee"),
        ("2026-07-01", 0.0807, "loan.direct_unsub_grad_2025_26.fee"),
        ("2026-09-30", 0.0807, "loan.direct_unsub_grad_2025_26.fee"),
        ("2026-10-01", 0.0807, "loan.direct_unsub_grad_2026_27.fee"),
    ],
)
def test_rate_by_award_year_and_fee_by_fiscal_year_of_the_disbursement(date, rate, fee_key):
    f = federal.split(10_000, date, private_apr=0.1)
    assert f.direct_unsub_rate[0, 0] == rate
    assert f.direct_unsub_fee[0, 0] == figure(fee_key).value
    assert f.notes == ()


def test_carried_forward_fee_is_labelled_an_assumption():
    assert figure("loan.direct_unsub_grad_2026_27.fee").kind == "assumption"
    assert figure("loan.grad_plus_2026_27.rate").kind == "derived"


def test_dates_past_the_data_take_the_last_year_and_say_so():
    f = federal.split([10_000, 10_000, 10_000], "2026-09-01", private_apr=0.1)
    assert f.direct_unsub_rate[0].tolist() == [0.0807] * 3
    assert f.award_year[0].tolist() == [2026, 2027, 2028]
    assert any("rate" in note for note in f.notes)


def test_need_by_year_spends_savings_first():
    # 40,000 of savings against 30,000 + 30,000 + 15,000 (a half final year)
    need = federal.need_by_year([[30_000, 30_000, 15_000]], 40_000)
    assert need.tolist() == [[0, 20_000, 15_000]]
    assert need.sum() == max(0, 75_000 - 40_000)


def test_accrued_interest_runs_from_each_disbursement():
    # Two $10,000 federal loans disbursed at months 0 and 12 at 8.07%, repayment at month 30:
    # 10,000 × 8.07% × 30/12 + 10,000 × 8.07% × 18/12
    f = federal.split([10_000 * (1 - UNSUB_FEE)] * 2, "2026-09-01", private_apr=0.1)
    fed, private = f.accrued_interest(30)
    assert fed[0] == pytest.approx(10_000 * 0.0807 * (30 + 18) / 12, rel=1e-12)
    assert private[0] == 0


def test_vectorized_split_equals_one_scenario_at_a_time():
    need = np.array([[30_000, 30_000], [10_000, 50_000], [60_000, 0]])
    starts = np.array(["2026-08-24", "2025-09-01", "2027-01-10"], dtype="datetime64[D]")
    intensity = np.array([1.0, 0.75, 0.5])
    both = federal.split(need, starts, private_apr=[0.08, 0.1, 0.12], enrolment_intensity=intensity)
    for k in range(3):
        one = federal.split(
            need[k], starts[k], private_apr=[0.08, 0.1, 0.12][k], enrolment_intensity=intensity[k]
        )
        for name in ("direct_unsub", "grad_plus", "private", "direct_unsub_rate"):
            assert getattr(both, name)[k] == pytest.approx(getattr(one, name)[0], rel=1e-15)


@given(
    need=st.lists(st.floats(0, 150_000), min_size=1, max_size=5),
    year=st.integers(2025, 2029),
    month=st.integers(1, 12),
    intensity=st.floats(0, 1),
    prior=st.floats(0, 150_000),
    legacy=st.booleans(),
    private_fee=st.floats(0, 0.1),
)
def test_money_received_covers_the_need_within_the_limits(
    need, year, month, intensity, prior, legacy, private_fee
):
    f = federal.split(
        need,
        f"{year}-{month:02d}-15",
        private_apr=0.1,
        private_fee=private_fee,
        enrolment_intensity=intensity,
        prior_grad_borrowing=prior,
        grad_plus_legacy=legacy,
    )
    received = (
        f.direct_unsub * (1 - f.direct_unsub_fee)
        + f.grad_plus * (1 - f.grad_plus_fee)
        + f.private * (1 - f.private_fee)
    )
    assert received[0] == pytest.approx(need, rel=1e-12, abs=1e-6)
    assert (f.direct_unsub <= f.annual_limit + 1e-9).all()
    assert (f.grad_plus[~f.old_rules] == 0).all()
    new = ~f.old_rules[0]
    assert prior + f.direct_unsub[0, new].sum() <= max(prior, 100_000) + 1e-6


def test_split_then_repay_the_federal_part_under_each_plan():
    # Two years from 2026-08-24 needing $60,000 each: $41,000 federal (2 × 20,500 at 8.07%),
    # the rest private. Repayment starts 30 months after the first disbursement (24 months of
    # study + 6 of grace, FSA); with the interest capitalized the federal balance is
    # 41,000 + 20,500 × 8.07% × (30 + 18) / 12 = 47,617.00, so the tiered standard plan
    # repays it over 15 years (the $25,000-$50,000 tier).
    from mlworth_xl.model import repayment

    f = federal.split([60_000, 60_000], "2026-08-24", private_apr=0.1)
    fed_interest, _ = f.accrued_interest(30)
    balance = f.federal_total + fed_interest
    assert balance[0] == pytest.approx(41_000 + 20_500 * 0.0807 * 48 / 12, rel=1e-12)
    tiered = repayment.repay(balance, f.federal_apr, "tiered")
    assert tiered.years_to_pay_off[0] == 15
    # RAP on an AGI of $120,883 (Salary.com ML engineer): above $100,000 the band is 10%,
    # so 12,088.30 a year, 1,007.36 a month, above that month's interest (~320)
    rap = repayment.repay(balance, f.federal_apr, "rap", agi_path=[120_883])
    assert rap.first_year_monthly_payment[0] == pytest.approx(12_088.3 / 12, rel=1e-12)
