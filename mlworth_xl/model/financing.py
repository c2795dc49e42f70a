"""What the loans of each scenario cost, year by year: the financing split and the plan.

Money borrowed covers ``loan_share`` of the cost not paid from savings.
Two ways to finance it (the ``financing`` input):

- **simple** (0): one loan of ``loan_share × max(0, cost of attendance −
  savings)``, grossed up for ``loan_fee`` and disbursed on the first day
  of study at ``loan_apr``;
- **federal** (1): each study year's need (``loan_share`` ×
  :func:`mlworth_xl.model.federal.need_by_year`) split by
  :func:`mlworth_xl.model.federal.split` into Direct Unsubsidized, Grad
  PLUS (legacy borrowers) and a private loan at ``loan_apr`` and
  ``loan_fee``, disbursed at the start of each study year (disbursement
  ``k`` = 0, 1, … in month ``12 k``); each fee falls in its year.

Every disbursement accrues simple interest at its own rate until the
first payment, ``M`` = study (rounded to months) + grace months after the
first day of study; capitalized or not (``capitalize_interest``) as in
:mod:`mlworth_xl.model.loans`.  Then:

- the *plan loan* (the one loan, or the federal loans together at their
  principal-weighted rate, as one consolidated loan) is repaid under
  ``repayment_plan``: fixed over ``loan_term_years``, tiered standard, or
  RAP with the AGI of year ``y`` = the gross income the option earns in
  year ``y − 1`` (the current salary for year 1): salary kept while
  studying and job-hunting, and in the new job the placement-weighted mix
  of the new and the current salary paths;
- the private loan is repaid in level payments over ``loan_term_years``.

Payment ``k`` (1-based) falls in month ``M + k`` after the first day of
study, in year ``(M + k − 1) // 12 + 1``.  The loan cost of year ``y`` is
the deferment interest accrued in it plus the interest paid in it;
``relief`` is RAP's principal match plus the forgiven balance less tax on
it at ``tax_rate`` (a forgiven balance may be taxable income).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from mlworth_xl.model import federal, loans, repayment, timeline
from mlworth_xl.model.timeline import Array

#: Codes of the ``financing`` and ``repayment_plan`` inputs.
SIMPLE, FEDERAL = 0, 1
FIXED, TIERED, RAP = 0, 1, 2


@dataclass(frozen=True)
class LoanFlows:
    """The loans of each scenario: totals (n,) and amounts by year (n, horizon years)."""

    borrowed: Array
    federal: Array
    private: Array
    fee: Array
    monthly_payment: Array
    total_interest: Array
    total_paid: Array
    months_to_pay_off: Array
    forgiven: Array
    relief: Array
    fee_by_year: Array
    interest_by_year: Array
    relief_by_year: Array


def start_dates(year: Array, month: Array) -> np.ndarray:
    """The first day of study as dates: the 1st of ``month`` in ``year``.

    >>> [str(d) for d in start_dates(np.array([2026.0]), np.array([8.0]))]
    ['2026-08-01']
    """
    months = (year.astype(np.int64) - 1970) * 12 + month.astype(np.int64) - 1
    return months.astype("datetime64[M]").astype("datetime64[D]")


def income_by_year(v: Mapping[str, Array], y: Array) -> Array:
    """Gross income the option earns in each year ``y`` (placement-weighted), (n, H)."""
    col = {k: a[:, None] for k, a in v.items()}
    s0 = col["salary"] * (1.0 + col["salary_growth"]) ** (y - 1.0)
    away = (timeline.study_share(col["years"], y)
            + timeline.search_share(col["years"], col["months_to_job"], y))
    job = timeline.job_share(col["years"], col["months_to_job"], y)
    y1 = timeline.first_job_year(col["years"], col["months_to_job"])
    s1 = col["salary_after"] * (1.0 + col["salary_growth_after"]) ** (y - y1)
    p = col["placement_prob"]
    return col["work_fraction"] * away * s0 + job * (p * s1 + (1.0 - p) * s0)


def agi_by_year(v: Mapping[str, Array], y: Array) -> Array:
    """AGI that sets the RAP payments of each year: the income of the year before, (n, H)."""
    income = income_by_year(v, y)
    return np.concatenate((v["salary"][:, None], income[:, :-1]), axis=1)


def _fixed_by_year(balance: Array, apr: Array, term_months: Array, months: Array,
                   y: Array) -> tuple[Array, Array]:
    """Level payment and the interest paid in each year (n, H), as loans.interest_by_year."""
    payment = np.where(balance > 0, loans.level_payment(balance, apr, term_months / 12.0), 0.0)
    b, i, p, n, m = (a[:, None] for a in (balance, apr, payment, term_months, months))
    k_end = np.clip(12.0 * y - m, 0.0, n)
    k_start = np.clip(12.0 * (y - 1.0) - m, 0.0, n)
    paid = ((k_end - k_start) * p + loans.balance_after(b, i, p, k_end)
            - loans.balance_after(b, i, p, k_start))
    return payment, np.where(b > 0, paid, 0.0)


def loan_flows(v: Mapping[str, Array], direct: Array, y: Array) -> LoanFlows:
    """The loans of scenarios ``v`` (1-d inputs) with direct cost ``direct`` (n, H) by year."""
    n, horizon = direct.shape
    months = timeline.deferment_months(v["years"], v["grace_months"])
    simple = v["financing"] == SIMPLE
    apr, fee_rate = v["loan_apr"], v["loan_fee"]
    cap = v["capitalize_interest"]

    # Disbursements (n, study years) of the plan loan and of the private loan.
    width = max(1, min(horizon, int(np.ceil(np.max(v["years"], initial=1.0)))))
    need = np.maximum(0.0, direct.sum(axis=1) - v["savings"]) * v["loan_share"]
    one = loans.gross_principal(need, fee_rate)
    plan_p = np.zeros((n, width))
    plan_r = np.zeros((n, width))
    priv_p = np.zeros((n, width))
    fee_by_disb = np.zeros((n, width))
    plan_p[:, 0] = np.where(simple, one, 0.0)
    plan_r[:, 0] = np.where(simple, apr, 0.0)
    fee_by_disb[:, 0] = np.where(simple, one - need, 0.0)
    if not simple.all():
        split = federal.split(
            v["loan_share"][:, None] * federal.need_by_year(direct[:, :width], v["savings"]),
            start_dates(v["start_year"], v["start_month"]), private_apr=apr,
            private_fee=fee_rate, enrolment_intensity=v["enrolment_intensity"],
            prior_grad_borrowing=v["prior_grad_borrowing"],
            prior_undergrad_borrowing=v["prior_undergrad_borrowing"],
            grad_plus_legacy=v["grad_plus_legacy"])
        fed = ~simple[:, None]
        fed_p = split.direct_unsub + split.grad_plus
        fed_interest = (split.direct_unsub * split.direct_unsub_rate
                        + split.grad_plus * split.grad_plus_rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            fed_r = np.where(fed_p > 0, fed_interest / np.where(fed_p > 0, fed_p, 1.0), 0.0)
        plan_p = np.where(fed, fed_p, plan_p)
        plan_r = np.where(fed, fed_r, plan_r)
        priv_p = np.where(fed, split.private, 0.0)
        fees = (split.direct_unsub * split.direct_unsub_fee + split.grad_plus
                * split.grad_plus_fee + split.private * split.private_fee)
        fee_by_disb = np.where(fed, fees, fee_by_disb)

    start = 12.0 * np.arange(width)
    held = (months[:, None] - start) / 12.0
    plan_d = (plan_p * plan_r * held).sum(axis=1)
    priv_d = (priv_p * apr[:, None] * held).sum(axis=1)
    plan_total, priv_total = plan_p.sum(axis=1), priv_p.sum(axis=1)
    # Repaid at the principal-weighted rate (the one loan's rate under simple financing).
    with np.errstate(divide="ignore", invalid="ignore"):
        plan_rate = np.where(plan_total > 0, (plan_p * plan_r).sum(axis=1)
                             / np.where(plan_total > 0, plan_total, 1.0), 0.0)
    plan_rate = np.where(simple, apr, plan_rate)
    plan_balance = plan_total + cap * plan_d
    priv_balance = priv_total + cap * priv_d

    # Deferment interest accrues month by month on what has been disbursed.
    rows = np.minimum(y, width).astype(int) - 1
    monthly = np.cumsum((plan_p * plan_r + priv_p * apr[:, None]) / 12.0, axis=1)[:, rows]
    deferred = np.maximum(0.0, np.minimum(12.0 * y, months[:, None]) - 12.0 * (y - 1.0))
    interest = monthly * deferred

    code = v["repayment_plan"]
    term = 12.0 * np.where(code == TIERED, repayment.tiered_term_years(plan_balance),
                           v["loan_term_years"])
    plan_pay, plan_paid = _fixed_by_year(plan_balance, plan_rate, term, months, y)
    plan_months = np.where(plan_balance > 0, term, 0.0)
    priv_term = 12.0 * v["loan_term_years"]
    priv_pay, priv_paid = _fixed_by_year(priv_balance, apr, priv_term, months, y)
    relief = np.zeros((n, horizon))
    forgiven = np.zeros(n)
    matched = np.zeros(n)
    rap_rows = np.nonzero((code == RAP) & (plan_balance > 0))[0]
    if rap_rows.size:
        sub = {k: a[rap_rows] for k, a in v.items()}
        # AGI for every year a payment can fall in, whatever the horizon
        last_year = int(np.max(sub["grace_months"]) + 12 * np.ceil(np.max(sub["years"]))) // 12
        y_rap = np.arange(1.0, last_year + 32.0)
        r = repayment.rap(plan_balance[rap_rows], plan_rate[rap_rows], agi_by_year(sub, y_rap),
                          sub["dependents"], offset_months=months[rap_rows])
        tax = sub["tax_rate"][:, None]
        cols = min(horizon, r.yearly["payment"].shape[1])
        plan_pay[rap_rows] = r.first_year_monthly_payment
        plan_months[rap_rows] = r.months
        paid = np.zeros((len(rap_rows), horizon))
        paid[:, :cols] = r.yearly["interest_paid"][:, :cols]
        plan_paid[rap_rows] = paid
        relief[rap_rows, :cols] = (r.yearly["principal_matched"]
                                   + (1.0 - tax) * r.yearly["forgiven"])[:, :cols]
        forgiven[rap_rows] = r.forgiven
        matched[rap_rows] = r.principal_matched
        plan_interest = r.total_interest
    fixed_interest = plan_months * plan_pay - plan_balance
    total_interest = np.where(plan_balance > 0, fixed_interest, 0.0) + plan_d
    if rap_rows.size:
        total_interest[rap_rows] = plan_interest + plan_d[rap_rows]
    total_interest = total_interest + np.where(
        priv_balance > 0, priv_term * priv_pay - priv_balance, 0.0) + priv_d

    borrowed = plan_total + priv_total
    fee = np.where(simple, one - need, fee_by_disb.sum(axis=1))
    fee_by_year = np.zeros((n, horizon))
    fee_by_year[:, :width] = fee_by_disb
    relief_total = matched + (1.0 - v["tax_rate"]) * forgiven
    return LoanFlows(
        borrowed=borrowed, federal=plan_total, private=priv_total, fee=fee,
        monthly_payment=plan_pay + priv_pay, total_interest=total_interest,
        total_paid=borrowed + total_interest - matched - forgiven,
        months_to_pay_off=np.maximum(plan_months, np.where(priv_balance > 0, priv_term, 0.0)),
        forgiven=forgiven, relief=relief_total, fee_by_year=fee_by_year,
        interest_by_year=interest + plan_paid + priv_paid, relief_by_year=relief)
