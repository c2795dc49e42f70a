"""One unit of money: today's dollars, with the nominal loans deflated year by year.

The oracle here is an independent month-by-month simulation of the loans'
cash: what the borrower receives and pays each month, in the dollars of that
month, summed by year and valued at that year's prices ``(1 + π)^(y − 1)``.
The loans' cost in today's dollars is what is paid less what is received.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import numpy_financial as npf
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mlworth_xl import udfs
from mlworth_xl.cli import main
from mlworth_xl.model import federal, financing
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Programs

evaluate = importlib.import_module("mlworth_xl.model.evaluate").evaluate

ONE_LOAN = dict(
    years=2,
    tuition_per_year=30_000,
    salary_after=100_000,
    salary=60_000,
    tax_rate=0,
    discount_rate=0,
    savings=0,
    horizon_years=40,
    loan_share=1,
    financing=0,
    repayment_plan=0,
    loan_apr=0.06,
    loan_fee=0.01,
    loan_term_years=10,
    grace_months=6,
    placement_prob=1,  # the new job for sure, at once (those of no kind are "other"'s)
    months_to_job=0,
)


def price(pi: float, month: int) -> float:
    """Prices of the year that holds ``month`` (month 0 = the first day of study)."""
    return (1 + pi) ** (month // 12)


def test_one_capitalized_loan_against_a_monthly_simulation():
    pi = 0.03
    out = evaluate(ONE_LOAN, inflation=pi, capitalize_interest=True)
    # 60,000 needed on day 1, grossed up for the 1% fee; 30 months of simple interest
    # capitalized, then 120 level payments in months 31..150
    borrowed = 60_000 / 0.99
    balance = borrowed * (1 + 0.06 * 30 / 12)
    pay = -npf.pmt(0.06 / 12, 120, balance)
    paid = sum(pay / price(pi, m) for m in range(30, 150))  # payment k in month 30 + k
    assert out.loan_cost[0] == pytest.approx(paid - 60_000, rel=1e-12)
    # the loan statement's own figures stay nominal
    assert out.total_interest[0] == pytest.approx(120 * pay - borrowed, rel=1e-12)
    assert out.monthly_payment[0] == pytest.approx(pay, rel=1e-12)
    assert out.total_cost[0] == pytest.approx(60_000 + 120_000 + paid - 60_000, rel=1e-12)


def test_interest_paid_as_it_accrues_against_a_monthly_simulation():
    pi = 0.05
    out = evaluate(ONE_LOAN, inflation=pi, capitalize_interest=False)
    borrowed = 60_000 / 0.99
    pay = -npf.pmt(0.06 / 12, 120, borrowed)
    interest_month = borrowed * 0.06 / 12  # paid in each of the 30 months before repayment
    paid = sum(interest_month / price(pi, m) for m in range(30)) + sum(
        pay / price(pi, m) for m in range(30, 150)
    )
    assert out.loan_cost[0] == pytest.approx(paid - 60_000, rel=1e-12)


def test_federal_and_private_loans_against_a_monthly_simulation():
    pi = 0.04
    given_ = dict(
        years=2,
        tuition_per_year=60_000,
        salary_after=120_000,
        salary=60_000,
        savings=0,
        loan_share=1,
        start_year=2026,
        start_month=9,
        grace_months=6,
        private_apr=0.10,
        private_fee=0.0,
        private_term_years=10,
        private_deferment=True,
        capitalize_interest=False,
        inflation=pi,
    )
    out = evaluate(given_)
    # Each year's need is billed in its own dollars: 60,000, then 60,000 × 1.04
    need = [60_000.0, 60_000.0 * (1 + pi)]
    split = federal.split([need], "2026-09-01", private_apr=0.10, private_fee=0.0)
    unsub, fees = split.direct_unsub[0], split.direct_unsub_fee[0]
    private = split.private[0]
    rate = split.direct_unsub_rate[0]
    assert out.federal_loans[0] == pytest.approx(unsub.sum(), rel=1e-12)
    cash = np.zeros(40 * 12)  # what the borrower pays, month by month, nominal
    got = np.zeros(40 * 12)  # what the loans pay out (net of fees)
    for k in range(2):
        got[12 * k] += unsub[k] * (1 - fees[k]) + private[k]
    # Direct Unsubsidized interest is not capitalized: paid as it accrues until month 30
    for m in range(30):
        cash[m] += sum(unsub[k] * rate[k] / 12 for k in range(2) if m >= 12 * k)
    federal_rate = (unsub * rate).sum() / unsub.sum()
    federal_pay = -npf.pmt(federal_rate / 12, 180, unsub.sum())  # $41,000: the 15-year tier
    private_balance = sum(private[k] * (1 + 0.10 * (30 - 12 * k) / 12) for k in range(2))
    private_pay = -npf.pmt(0.10 / 12, 120, private_balance)
    cash[30:210] += federal_pay
    cash[30:150] += private_pay
    real = sum((cash[m] - got[m]) / price(pi, m) for m in range(len(cash)))
    assert out.loan_cost[0] == pytest.approx(real, rel=1e-11)
    # the net disbursed covers the need of each year, in that year's dollars
    assert out.amount_borrowed[0] - out.loan_fees[0] == pytest.approx(sum(need), rel=1e-12)


def test_a_deflated_level_payment_stream_is_its_present_value_at_the_real_rate():
    # The Fisher relation the unit rests on, with the model's own deflator: payments of p at
    # the end of years 1..n (the start of years 2..n+1, valued at P(y + 1) = (1 + π)^y) and
    # discounted at the real rate (1 + i)/(1 + π) − 1 are worth what they are worth at i.
    i, pi, n, p = 0.07, 0.03, 10, 1_000.0
    real_rate = (1 + i) / (1 + pi) - 1
    prices = financing.price_level(np.array([pi]), np.arange(2.0, n + 2.0))[:, 0]
    assert prices[0] == pytest.approx(1 + pi, rel=1e-15)
    deflated = p / prices
    assert npf.npv(real_rate, [0.0, *deflated]) == pytest.approx(-npf.pv(i, n, p), rel=1e-12)


def test_inflation_zero_is_the_nominal_model_and_the_deflating_path_meets_it():
    table, person = Programs.default(), Person(inflation=0.0)
    values = table.inputs(person)
    exact = evaluate(values)
    # inflation 0: the loans' cost is fees + interest − relief, as a loan statement adds it
    assert np.array_equal(
        exact.loan_cost, exact.loan_fees + exact.total_interest - exact.loan_relief
    )
    assert np.array_equal(
        exact.total_cost, exact.cost_of_attendance + exact.income_given_up + exact.loan_cost
    )
    # the deflating code path at an inflation of 1e-12 gives the same to ~1e-9
    tiny = evaluate({**values, "inflation": np.full(len(table), 1e-12)})
    for name in ("total_cost", "npv", "payback_years", "break_even_salary", "loan_cost"):
        assert np.allclose(
            getattr(tiny, name), getattr(exact, name), rtol=1e-9, atol=1e-6, equal_nan=True
        ), name


def test_inflation_zero_on_rap_and_legacy_grad_plus_meets_the_deflating_path():
    # (a salary after away from RAP's $10,000 band edges, where the payment jumps)
    base = dict(
        years=3,
        tuition_per_year=60_000,
        salary_after=87_000,
        salary=50_000,
        loan_share=1,
        start_year=2025,
        start_month=8,
        grad_plus_legacy=True,
    )
    for plan in (0, 1, 2):
        exact = evaluate(base, repayment_plan=plan, inflation=0.0)
        tiny = evaluate(base, repayment_plan=plan, inflation=1e-12)
        assert tiny.npv[0] == pytest.approx(exact.npv[0], rel=1e-9)
        assert tiny.loan_cost[0] == pytest.approx(exact.loan_cost[0], rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    pi_low=st.floats(-0.05, 0.2),
    step=st.floats(0.001, 0.05),
    apr=st.floats(0.0, 0.15),
    term=st.integers(1, 30),
    cap=st.booleans(),
    grace=st.integers(0, 12),
)
def test_higher_inflation_never_raises_the_real_cost_of_a_fixed_rate_loan(
    pi_low, step, apr, term, cap, grace
):
    given_ = {
        **ONE_LOAN,
        "loan_apr": apr,
        "loan_term_years": term,
        "capitalize_interest": cap,
        "grace_months": grace,
        "horizon_years": 80,
    }
    low = evaluate(given_, inflation=pi_low).loan_cost[0]
    high = evaluate(given_, inflation=min(0.25, pi_low + step)).loan_cost[0]
    assert high <= low + 1e-9 * abs(low)


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(0.0, 0.3),
    step=st.floats(0.001, 0.1),
    tuition=st.floats(10_000, 90_000),
    pi=st.sampled_from([0.0, 0.02, 0.05]),
    plan=st.sampled_from([0, 1]),
)
def test_total_cost_never_falls_when_the_private_rate_rises(low, step, tuition, pi, plan):
    given_ = dict(
        years=2,
        tuition_per_year=tuition,
        salary_after=110_000,
        loan_share=1,
        inflation=pi,
        repayment_plan=plan,
        horizon_years=80,
    )
    a = evaluate(given_, private_apr=low).total_cost[0]
    b = evaluate(given_, private_apr=min(0.4, low + step)).total_cost[0]
    assert b >= a - 1e-9 * abs(a)


@settings(max_examples=80, deadline=None)
@given(
    years=st.sampled_from([1.0, 2.0, 3.0, 4.0, 6.0]),
    tuition=st.floats(0, 200_000),
    intensity=st.floats(0, 1),
    prior_grad=st.floats(0, 150_000),
    prior_ug=st.floats(0, 100_000),
    pi=st.floats(0, 0.1),
    start=st.sampled_from([2026, 2027, 2030]),
)
def test_federal_borrowing_never_exceeds_a_limit(
    years, tuition, intensity, prior_grad, prior_ug, pi, start
):
    out = evaluate(
        years=years,
        tuition_per_year=tuition,
        salary_after=90_000,
        loan_share=1,
        enrolment_intensity=intensity,
        prior_grad_borrowing=prior_grad,
        prior_undergrad_borrowing=prior_ug,
        inflation=pi,
        start_year=start,
        horizon_years=80,
    )
    fed = out.federal_loans[0]
    # 2026 rules (no legacy): $20,500 a year, $100,000 graduate, $257,500 lifetime
    assert fed <= 20_500 * math.ceil(years) + 1e-6
    assert fed <= max(0.0, 100_000 - prior_grad) + 1e-6
    assert fed <= max(0.0, 257_500 - prior_grad - prior_ug) + 1e-6


# --- bad input, in every face -------------------------------------------------------------

BAD = [
    # (inputs, field named, words in the message)
    ({"private_apr": 12}, "private_apr", "12 looks like a percentage; enter 0.12"),
    ({"inflation": -0.5}, "inflation", "-0.5 is out of range; allowed: a number from -0.05"),
    ({"start_year": 2024}, "start_year", "before 2025-07, the first award year"),
    (
        {"repayment_plan": 0, "loan_term_years": 15},
        "repayment_plan",
        "a fixed plan of 15 years is not open to Direct Loans first disbursed from 2026-07-01",
    ),
]
OPTION = dict(years=2, tuition_per_year=52_000, salary_after=120_883, loan_share=1)


@pytest.mark.parametrize(("bad", "field", "words"), BAD)
def test_bad_input_in_the_model(bad, field, words):
    with pytest.raises(InputError) as caught:
        evaluate(OPTION, **bad)
    assert f"{field}: " in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize(("bad", "field", "words"), BAD)
def test_bad_input_in_the_cli(tmp_path, bad, field, words):
    person = {k: v for k, v in bad.items() if k == "inflation"}
    program = {k: v for k, v in bad.items() if k != "inflation"}
    columns = {"name": "MS", **OPTION, **program}
    path = tmp_path / "p.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(str(v) for v in columns.values()) + "\n")
    args = ["compare", "--programs", str(path)]
    if person:
        toml = tmp_path / "me.toml"
        toml.write_text(f"inflation = {person['inflation']}\n")
        args += ["--person", str(toml)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"{field}: " in line and words in line and "Traceback" not in line


@pytest.mark.parametrize(("bad", "field", "words"), BAD)
def test_bad_input_in_the_excel_functions(bad, field, words):
    scenario = [[k, float(v)] for k, v in {**OPTION, **bad}.items()]
    shown = udfs.MLWORTH_EVALUATE(scenario, "NPV")
    assert isinstance(shown, str) and shown.startswith("#")
    assert f"{field}: " in shown and words in shown


# --- the default comparison under the law in force ------------------------------------------


def test_default_compare_borrows_within_the_limits_and_covers_the_need():
    from mlworth_xl import compare

    table, person = Programs.default(), Person.default()
    frame = compare()
    values = table.inputs(person)
    for i, name in enumerate(table.names):
        row = frame.iloc[i]
        years = float(values["years"][i])
        # 2026 rules: $20,500 a year × the enrolment intensity (whole percent), $100,000 in all
        annual = 20_500 * round(float(values["enrolment_intensity"][i]) * 100) / 100
        assert row["Federal loans"] <= annual * math.ceil(years) + 1e-6, name
        assert row["Federal loans"] <= 100_000 + 1e-6, name
        assert row["Federal loans"] + row["Private loans"] == pytest.approx(
            row["Amount borrowed"], rel=1e-12
        ), name
    cmu = frame.iloc[0]
    assert cmu["Option"].startswith("Carnegie Mellon") and cmu["Private loans"] > 0
    # the need: 136,000 of attendance less 10,000 of savings, year 2's part in its own dollars:
    # year 1 costs 70,500 (52,000 + 1,500 + 12 × 1,000 + 5,000 relocation), 60,500 of it
    # borrowed; year 2 costs 65,500 (no relocation), billed at 1.02
    need = (70_500 - 10_000) + 65_500 * 1.02
    assert cmu["Amount borrowed"] - cmu["Loan fees"] == pytest.approx(need, rel=1e-12)
