"""Loans: payment, interest, schedule and gross-up against numpy-financial and closed forms."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlworth_xl.model import loans


@pytest.mark.parametrize(
    ("principal", "apr", "term"),
    [
        (200_000, 0.075, 15),  # numpy-financial's own worked example (pmt docstring)
        (41_000, 0.0794, 10),  # Direct Unsubsidized 2025-26 rate (FSA)
        (20_500, 0.0894, 25),  # Grad PLUS 2025-26 rate (FSA)
        (5_000, 0.001, 1),
    ],
)
def test_payment_without_deferment_matches_numpy_financial(principal, apr, term):
    expected = -npf.pmt(apr / 12, 12 * term, principal)  # numpy-financial, Excel's PMT sign
    # 1e-10: npf computes (1+r)^n - 1 directly, which loses digits at small rates
    assert loans.loan_payment(principal, apr, term) == pytest.approx(expected, rel=1e-10)


def test_capitalized_deferment_is_added_before_amortizing():
    # 30 months of simple interest on $41,000 at 7.94%: 41,000 × 0.0794 × 30/12 = 8,138.50,
    # capitalized into a 49,138.50 balance, then numpy-financial's PMT over 120 months.
    expected = -npf.pmt(0.0794 / 12, 120, 41_000 + 8_138.50)
    assert loans.deferment_interest(41_000, 0.0794, 30) == pytest.approx(8_138.50, rel=1e-14)
    assert loans.loan_payment(41_000, 0.0794, 10, 30, True) == pytest.approx(expected, rel=1e-12)


def test_uncapitalized_deferment_interest_is_paid_not_amortized():
    # capitalize=False: the payment is the PMT of the principal alone; total interest is the
    # 8,138.50 of deferment interest plus the amortization interest of the principal.
    pmt = -npf.pmt(0.0794 / 12, 120, 41_000)
    assert loans.loan_payment(41_000, 0.0794, 10, 30, False) == pytest.approx(pmt, rel=1e-12)
    expected = 8_138.50 + 120 * pmt - 41_000
    assert loans.total_interest(41_000, 0.0794, 10, 30, False) == pytest.approx(expected, rel=1e-12)


def test_capitalizing_costs_more_than_paying_as_you_go():
    capitalized = loans.total_interest(41_000, 0.0794, 10, 30, True)
    paid = loans.total_interest(41_000, 0.0794, 10, 30, False)
    assert capitalized > paid


def test_zero_rate_loan_repays_principal_evenly():
    # No interest: $12,000 over 10 years is 12,000 / 120 = $100 a month, no interest at all.
    assert loans.loan_payment(12_000, 0.0, 10, 30) == pytest.approx(100.0, rel=1e-15)
    assert loans.total_interest(12_000, 0.0, 10, 30) == 0.0


def test_gross_up_nets_the_need_after_the_fee():
    # Borrowing N / (1 − fee) leaves exactly N after a 1.057% fee (FSA 2025-26 fee).
    principal = loans.gross_principal(30_000, 0.01057)
    assert principal * (1 - 0.01057) == pytest.approx(30_000, rel=1e-14)


@given(
    principal=st.floats(100, 500_000),
    apr=st.floats(0, 0.2),
    term=st.integers(1, 30),
    months=st.integers(0, 60),
    capitalize=st.booleans(),
)
def test_schedule_repays_the_balance_and_sums_to_total_interest(
    principal, apr, term, months, capitalize
):
    s = loans.schedule(principal, apr, term, months, capitalize)
    balance = loans.repayment_balance(principal, apr, months, capitalize)
    # principal repaid over the schedule sums to the balance at repayment start
    assert s.principal.sum() == pytest.approx(balance, rel=1e-9)
    assert abs(s.balance[-1]) <= 1e-6 * balance
    # everything paid minus principal is the total interest
    paid = s.payment.sum()
    total = loans.total_interest(principal, apr, term, months, capitalize)
    assert paid - principal == pytest.approx(total, rel=1e-9, abs=1e-6)


@given(
    principal=st.floats(100, 500_000),
    apr=st.floats(0, 0.2),
    term=st.integers(1, 30),
    months=st.integers(0, 60),
    capitalize=st.booleans(),
)
def test_yearly_interest_adds_up_to_total_interest(principal, apr, term, months, capitalize):
    years = np.arange(1, 100, dtype=float)
    by_year = loans.interest_by_year(principal, apr, term, months, capitalize, years)
    total = loans.total_interest(principal, apr, term, months, capitalize)
    assert by_year.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert (by_year >= -1e-9).all()


def test_interest_in_first_repayment_year_matches_numpy_financial_ipmt():
    # No deferment: year 1 interest is the sum of numpy-financial's IPMT for months 1-12.
    expected = -sum(npf.ipmt(0.06 / 12, k, 120, 50_000) for k in range(1, 13))
    got = loans.interest_by_year(50_000, 0.06, 10, 0, True, 1.0)
    assert got == pytest.approx(expected, rel=1e-12)


@given(
    principal=st.floats(1_000, 200_000),
    low=st.floats(0, 0.15),
    step=st.floats(0, 0.1),
    term=st.integers(1, 30),
    months=st.integers(0, 48),
    capitalize=st.booleans(),
)
def test_higher_apr_never_lowers_total_interest(principal, low, step, term, months, capitalize):
    lower = loans.total_interest(principal, low, term, months, capitalize)
    higher = loans.total_interest(principal, low + step, term, months, capitalize)
    # floating-point noise of n × payment − balance is ~1e-16 of the principal
    assert higher >= lower - 1e-12 * principal


def test_vectorized_call_returns_one_result_per_scenario():
    apr = np.array([0.05, 0.06, 0.07])
    out = loans.loan_payment(10_000, apr, 10)
    assert out.shape == (3,)
    for a, got in zip(apr, out, strict=True):
        assert got == pytest.approx(-npf.pmt(a / 12, 120, 10_000), rel=1e-12)
