"""Financing and repayment inside the model: the federal split, the plans, RAP by model year.

Expected numbers are worked by hand from the rules (sources in mlworth_xl/data/defaults.toml)
or computed with numpy-financial, as each comment says.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from mlworth_xl.inputs import read_programs
from mlworth_xl.model import federal, loans, repayment
from mlworth_xl.model.evaluate import evaluate, yearly_detail

# Carnegie Mellon, as in the default comparison: 2 years, year 1 costs 52,000 + 1,500 books
# + 12 × 1,000 living + 5,000 relocation = 70,500, year 2 65,500; savings 10,000 pay first.
CMU = dict(
    years=2,
    tuition_per_year=52_000,
    books_per_year=1_500,
    living_per_month=1_000,
    relocation=5_000,
    salary_after=120_883,
    loan_share=1,
    savings=10_000,
    salary=58_260,
    placement_prob=0.9,
    months_to_job=3,
    start_year=2026,
    start_month=8,
    inflation=0,
)  # nominal loans as they are: test_inflation.py deflates them
FEE = 0.01057  # Direct Unsubsidized fee (FSA), carried to 2026-27 (assumption in the data)
RATE = 0.0807  # Direct Unsubsidized 2026-27 (derived in the data); 2027-28 carries it
SIMPLE_APR = 0.0794  # loan_apr's default: the one loan of simple financing (a what-if)
PRIVATE = 0.0894  # private_apr's default: the middle of a lender's 2.89%-14.99% fixed range
# private_fee's default is 0 (no origination fee at the lenders in the data)


def test_federal_split_of_the_cmu_example_is_the_default():
    out = evaluate(**CMU)
    # 20,500 a year of Direct Unsubsidized (the annual limit) nets 20,500 × (1 − fee); the
    # rest is private with no fee: (60,500 − 20,500 × (1 − fee)) + (65,500 − 20,500 × (1 − fee))
    private = (60_500 - 20_500 * (1 - FEE)) + (65_500 - 20_500 * (1 - FEE))
    assert out.federal_loans[0] == pytest.approx(41_000, rel=1e-15)
    assert out.private_loans[0] == pytest.approx(private, rel=1e-12)
    # net of fees the loans cover exactly the 126,000 needed
    assert out.amount_borrowed[0] - out.loan_fees[0] == pytest.approx(126_000, rel=1e-12)


def test_default_tiered_plan_does_not_capitalize_federal_interest():
    out = evaluate(**CMU)
    # Direct Unsubsidized interest is not capitalized at repayment (34 CFR 685.202(b)): the
    # federal balance is the 41,000 borrowed, in the 15-year tier ($25,000 to $50,000)
    federal_pay = -npf.pmt(RATE / 12, 180, 41_000)
    private = float(out.private_loans[0])
    p1 = 60_500 - 20_500 * (1 - FEE)  # the first year's private disbursement (no fee)
    # full deferment: the private loan's interest (month 0 and 12 to month 30) is capitalized
    private_balance = private + p1 * PRIVATE * 30 / 12 + (private - p1) * PRIVATE * 18 / 12
    private_pay = -npf.pmt(PRIVATE / 12, 120, private_balance)  # the 10-year private term
    assert out.monthly_payment[0] == pytest.approx(federal_pay + private_pay, rel=1e-12)
    assert out.years_to_pay_off[0] == 15
    # the federal deferment interest is owed all the same, counted as it accrues
    federal_deferment = 20_500 * RATE * 30 / 12 + 20_500 * RATE * 18 / 12
    paid = 180 * federal_pay + 120 * private_pay + federal_deferment
    assert out.total_paid[0] == pytest.approx(paid, rel=1e-12)


def test_tiered_plan_payment_agrees_with_numpy_financial():
    out = evaluate(**CMU, financing=1, repayment_plan=1, capitalize_interest=True)
    # Federal balance at the first payment (month 30): each 20,500 accrues simple interest
    # from its disbursement (month 0 and 12), capitalized: 41,000 + 20,500 × 8.07% × 30/12
    # + 20,500 × 8.07% × 18/12 = 47,617.40, in the 15-year tier ($25,000 to $50,000).
    balance = 41_000 + 20_500 * RATE * 30 / 12 + 20_500 * RATE * 18 / 12
    assert balance == pytest.approx(47_617.4, rel=1e-12)
    federal_pay = -npf.pmt(RATE / 12, 180, balance)
    private = float(out.private_loans[0])
    p1 = 60_500 - 20_500 * (1 - FEE)
    private_balance = private + p1 * PRIVATE * 30 / 12 + (private - p1) * PRIVATE * 18 / 12
    private_pay = -npf.pmt(PRIVATE / 12, 120, private_balance)  # fixed over the 10-year term
    assert out.monthly_payment[0] == pytest.approx(federal_pay + private_pay, rel=1e-12)
    assert out.years_to_pay_off[0] == 15
    paid = 180 * federal_pay + 120 * private_pay
    assert out.total_paid[0] == pytest.approx(paid, rel=1e-12)
    assert out.total_interest[0] == pytest.approx(paid - out.amount_borrowed[0], rel=1e-12)


def test_simple_financing_is_the_one_loan_of_the_loans_module():
    out = evaluate(**CMU, financing=0, repayment_plan=0, capitalize_interest=True)
    borrowed = 126_000 / (1 - FEE)
    assert out.amount_borrowed[0] == pytest.approx(borrowed, rel=1e-15)
    assert out.monthly_payment[0] == float(loans.loan_payment(borrowed, SIMPLE_APR, 10, 30))
    assert out.federal_loans[0] == out.amount_borrowed[0] and out.private_loans[0] == 0


def test_rap_in_the_model_is_repayment_rap_with_the_salary_as_agi():
    # Keeps the job (work_fraction 1) and is never placed: the income is the current
    # salary every year, so every year's AGI is 58,260 and the RAP payment 5% × 58,260 / 12.
    given = dict(
        CMU,
        work_fraction=1,
        placement_prob=0,
        repayment_plan=2,
        horizon_years=80,
        financing=0,
        capitalize_interest=True,
    )
    out = evaluate(given)
    assert out.monthly_payment[0] == pytest.approx(0.05 * 58_260 / 12, rel=1e-15)
    borrowed = float(out.amount_borrowed[0])
    d = borrowed * SIMPLE_APR * 30 / 12
    r = repayment.rap(borrowed + d, SIMPLE_APR, [58_260])
    assert out.amount_forgiven[0] == pytest.approx(r.forgiven[0], rel=1e-12)
    assert out.total_interest[0] == pytest.approx(d + r.total_interest[0], rel=1e-12)
    assert out.years_to_pay_off[0] == pytest.approx(r.months[0] / 12, rel=1e-15)


@pytest.mark.parametrize("plan", [0, 1, 2])
@pytest.mark.parametrize("financing", [0, 1])
def test_yearly_loan_costs_add_up_to_the_totals(plan, financing):
    # With a horizon that covers the whole repayment (RAP: at most 30 years after month 30)
    given = dict(CMU, financing=financing, repayment_plan=plan, horizon_years=80)
    out, detail = evaluate(given), yearly_detail(given)
    assert detail.interest.sum() == pytest.approx(out.total_interest[0], rel=1e-12)
    assert detail.loan_relief.sum() == pytest.approx(out.loan_relief[0], rel=1e-12, abs=1e-9)
    assert detail.loan_fee.sum() == pytest.approx(out.loan_fees[0], rel=1e-12)
    # money is conserved: what is paid = borrowed + interest − matched − forgiven
    assert out.total_paid[0] + out.loan_relief[0] + 0.25 * out.amount_forgiven[0] == (
        pytest.approx(out.amount_borrowed[0] + out.total_interest[0], rel=1e-12)
    )


def test_part_time_intensity_prorates_the_federal_limit():
    out = evaluate(**CMU, financing=1, enrolment_intensity=0.5)
    assert out.federal_loans[0] == pytest.approx(2 * 10_250, rel=1e-15)  # 50% of 20,500
    below = evaluate(**CMU, financing=1, enrolment_intensity=0.49)
    assert below.federal_loans[0] == 0  # below half time: no Direct Loan


def test_legacy_borrower_gets_grad_plus_instead_of_a_private_loan():
    given = dict(CMU, financing=1, start_year=2025, grad_plus_legacy=True)
    out = evaluate(given)
    split = federal.split(
        federal.need_by_year([[70_500, 65_500]], 10_000),
        "2025-08-01",
        private_apr=PRIVATE,
        private_fee=0.0,
        grad_plus_legacy=True,
    )
    assert out.private_loans[0] == 0
    assert out.federal_loans[0] == pytest.approx(float(split.federal_total[0]), rel=1e-15)


def test_many_scenarios_mix_financing_and_plans():
    n = 12
    out = evaluate(
        CMU,
        financing=np.arange(n) % 2,
        repayment_plan=np.arange(n) % 3,
        enrolment_intensity=np.linspace(0.4, 1, n),
    )
    one = [
        evaluate(
            CMU,
            financing=k % 2,
            repayment_plan=k % 3,
            enrolment_intensity=np.linspace(0.4, 1, n)[k],
        )
        for k in range(n)
    ]
    for name in ("total_cost", "npv", "monthly_payment", "years_to_pay_off"):
        assert np.allclose(getattr(out, name), [getattr(o, name)[0] for o in one], rtol=1e-12)


def test_plans_and_financing_are_read_as_words(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "name,years,tuition_per_year,salary_after,financing,repayment_plan\n"
        "MS,2,30000,90000,federal,RAP\n"
    )
    table = read_programs(path)
    assert table.columns["financing"][0] == 1 and table.columns["repayment_plan"][0] == 2
