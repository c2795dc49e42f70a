"""The columns of the comparison, shared by every face: their keys, headers, formats and docs.

:func:`mlworth_xl.api.compare` (and so ``mlworth-xl compare``),
``MLWORTH_COMPARE`` and the workbook's Summary sheet show the same columns in
the same order: the option, its odds (:data:`ODDS_COLUMNS`), the rank by the
expected NPV, then the figures if completed (:data:`COLUMNS`) and the
repayment (:data:`COMPARE_COLUMNS`).  They live here, below the faces, so the
workbook and the Excel functions read them without importing the Python API.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlworth_xl.model import metrics

__all__ = [
    "COLUMNS",
    "COMPARE_COLUMNS",
    "EXPECTED_HEADERS",
    "HEADERS",
    "IRR_ABOVE",
    "ODDS_COLUMNS",
    "REPAYMENT",
    "Column",
]


@dataclass(frozen=True)
class Column:
    """One column of the comparison: the model's name, the header people see, its format."""

    key: str
    header: str
    kind: str  # "text", "usd", "years", "rate", "rank"
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column("option", "Option", "text", "The option's name."),
    Column(
        "rank",
        "Rank (by NPV if completed)",
        "rank",
        "1 for the highest NPV if completed (the table without the odds).",
    ),
    Column(
        "cost_of_attendance",
        "Cost of attendance",
        "usd",
        "Tuition, fees, books, extra living, travel, relocation, less aid.",
    ),
    Column(
        "income_given_up",
        "Income given up",
        "usd",
        "After-tax salary not earned while studying and looking for the job.",
    ),
    Column(
        "amount_borrowed",
        "Amount borrowed",
        "usd",
        "Loan principal, fee included, in the dollars of each disbursement.",
    ),
    Column(
        "loan_fees", "Loan fees", "usd", "Origination fees, in the dollars of each disbursement."
    ),
    Column(
        "total_interest",
        "Total interest",
        "usd",
        "Interest over the loans' life, in the dollars of the day it is paid.",
    ),
    Column(
        "loan_cost",
        "Loan cost (today's $)",
        "usd",
        "Fees + interest − relief, each year deflated to today's dollars, less inflation's "
        "erosion of the debt.",
    ),
    Column(
        "total_cost",
        "Total cost",
        "usd",
        "Cost of attendance + income given up + loan cost, in today's dollars.",
    ),
    Column(
        "monthly_payment",
        "Monthly payment",
        "usd",
        "Payment of all loans in the first month of repayment.",
    ),
    Column(
        "payback_years",
        "Payback if completed (years)",
        "years",
        "Years from the first day of study until the option has earned back its cost, if it "
        "is completed (placement and months to a job as expected; no dropout).",
    ),
    Column(
        "discounted_payback_years",
        "Discounted payback if completed (years)",
        "years",
        "The same with each year's flow discounted.",
    ),
    Column(
        "npv",
        "NPV if completed",
        "usd",
        "Net present value over the horizon at the discount rate, if the option is completed.",
    ),
    Column(
        "irr",
        "IRR if completed",
        "rate",
        "The discount rate at which the NPV if completed is zero.",
    ),
    Column(
        "roi", "ROI if completed", "rate", "Gain over the horizon / total cost − 1, if completed."
    ),
    Column(
        "break_even_salary",
        "Break-even salary (if completed)",
        "usd",
        "Salary after at which the option, if completed, pays back in the target payback years.",
    ),
    Column(
        "pays_back_within_target",
        "Pays back within target if completed",
        "text",
        "Yes or No: whether the payback if completed is within the person's target (the "
        "chance, completion included, is in the table with the odds).",
    ),
    Column(
        "federal_loans",
        "Federal loans",
        "usd",
        "Direct Unsubsidized and Grad PLUS principal, fees included (simple financing: "
        "the one loan).",
    ),
    Column(
        "private_loans",
        "Private loans",
        "usd",
        "Principal of the private loan that covers the rest (federal financing).",
    ),
    Column(
        "total_paid",
        "Total paid on loans",
        "usd",
        "Every loan payment: amount borrowed + total interest − principal matched − forgiven.",
    ),
    Column(
        "years_to_pay_off",
        "Years to pay off",
        "years",
        "Years from the first payment until every loan is repaid or forgiven.",
    ),
    Column(
        "amount_forgiven",
        "Amount forgiven",
        "usd",
        "Balance forgiven under RAP after 360 payments (may be taxable).",
    ),
    Column(
        "loan_relief",
        "Loan relief",
        "usd",
        "RAP's principal match plus the amount forgiven less tax on it.",
    ),
)

HEADERS = {c.key: c.header for c in COLUMNS}

#: What an IRR above the highest rate looked at (:data:`~mlworth_xl.model.metrics.IRR_CEILING`)
#: shows as: the model's ``inf``, in `mlworth-xl compare`, the Excel functions and the
#: workbook's Summary alike.
#:
#: >>> IRR_ABOVE
#: '> 99,900%'
IRR_ABOVE = f"> {metrics.IRR_CEILING:,.0%}"

#: The odds of each option (:mod:`mlworth_xl.model.odds`), which :func:`compare` leads with.
ODDS_COLUMNS: tuple[Column, ...] = (
    Column(
        "payback_chance",
        "Chance of paying back within target",
        "rate",
        "Probability of paying back within the person's target payback years, over "
        "completion, months to a job, placement and the salary (exact; under RAP with a "
        "salary spread, from 100,000 simulated draws).",
    ),
    Column(
        "verdict",
        "Verdict",
        "text",
        "The chance in words: Likely (at least 2/3), Unlikely (at most 1/3), otherwise "
        "Uncertain, with the chance.",
    ),
    Column(
        "median_payback_years",
        "Median payback (years)",
        "years",
        "Half of the possible courses pay back within this (never: half or more do not "
        "within the horizon).",
    ),
    Column("expected_npv", "Expected NPV", "usd", "The NPV averaged over the possible courses."),
    Column("npv_p10", "NPV P10", "usd", "10th percentile of the NPV over the possible courses."),
    Column("npv_p90", "NPV P90", "usd", "90th percentile of the NPV over the possible courses."),
)

#: How the loans are repaid, in words (after the loan columns of :func:`compare`).
REPAYMENT = Column(
    "repayment",
    "Repayment",
    "text",
    "The federal (or simple) loans' plan and the private loan's term; a fixed "
    "plan on loans from 2026-07-01 is said to pay more than the tiered plan "
    "requires.",
)

#: Columns of :data:`COLUMNS` that :func:`compare` shows otherwise after the odds: the rank is
#: by the expected NPV there.
EXPECTED_HEADERS = {
    "rank": Column("rank", "Rank (by expected NPV)", "rank", "1 for the highest expected NPV.")
}

#: The columns of :func:`compare`: the option, its odds, the rank by the expected NPV, then
#: :data:`COLUMNS` if completed (whether that pays back within the target is left to the odds).
COMPARE_COLUMNS: tuple[Column, ...] = (
    COLUMNS[0],
    *ODDS_COLUMNS,
    *(EXPECTED_HEADERS.get(c.key, c) for c in COLUMNS[1:] if c.key != "pays_back_within_target"),
    REPAYMENT,
)
