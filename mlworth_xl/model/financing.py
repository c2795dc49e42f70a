"""What the loans of each scenario cost, year by year: the financing split and the plan.

Money borrowed covers ``loan_share`` of the cost not paid from savings.
Two ways to finance it (the ``financing`` input):

- **simple** (0): one loan of ``loan_share × max(0, cost of attendance −
  savings)``, grossed up for ``loan_fee`` and disbursed on the first day
  of study at ``loan_apr``;
- **federal** (1): each study year's need (``loan_share`` ×
  :func:`mlworth_xl.model.federal.need_by_year`) split by
  :func:`mlworth_xl.model.federal.split` into Direct Unsubsidized, Grad
  PLUS (legacy borrowers) and a private loan at ``private_apr`` and
  ``private_fee``, disbursed at the start of each study year (disbursement
  ``k`` = 0, 1, … in month ``12 k``); each fee falls in its year.

Every disbursement accrues simple interest at its own rate until the
first payment, ``M`` = study (rounded to months) + grace months after the
first day of study.  The plan loan's interest is capitalized or not
(``capitalize_interest``) as in :mod:`mlworth_xl.model.loans`, except Grad
PLUS interest, which capitalizes when the in-school deferment ends; the private
loan's is capitalized under full deferment (``private_deferment``) and
otherwise paid as it accrues.  Then:

- the *plan loan* (the one loan, or the federal loans together at their
  principal-weighted rate, as one consolidated loan) is repaid under
  ``repayment_plan``: fixed over ``loan_term_years``, tiered standard, or
  RAP with the AGI of year ``y`` = the gross income the option earns in
  year ``y − 1`` (the current salary for year 1): salary kept while
  studying and job-hunting, and in the new job the placement-weighted mix
  of the new and the current salary paths;
- the private loan is repaid in level payments over ``private_term_years``.

Payment ``k`` (1-based) falls in month ``M + k`` after the first day of
study, in year ``(M + k − 1) // 12 + 1``.  The loan cost of year ``y`` is
the deferment interest accrued in it plus the interest paid in it;
``relief`` is RAP's principal match plus the forgiven balance less tax on
it at ``tax_rate`` (a forgiven balance may be taxable income).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from mlworth_xl.model import federal, loans, repayment, timeline
from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.model.timeline import Array

#: Years of loan flows kept in today's dollars: past any study, grace and term or RAP's 30 years.
_LIFE_YEARS = 60

#: Codes of the ``financing`` and ``repayment_plan`` inputs, by their old names
#: (:mod:`mlworth_xl.model.codes` holds them).
SIMPLE, FEDERAL = Financing.SIMPLE, Financing.FEDERAL
FIXED, TIERED, RAP = Plan.FIXED, Plan.TIERED, Plan.RAP


@dataclass(frozen=True)
class LoanFlows:
    """The loans of each scenario: totals (n,) and amounts by year, (years, n).

    The amounts by year hold only the first years in which they can be
    nonzero (year 1 in row 0): ``fee_by_year`` the study years,
    ``interest_by_year`` the years up to the last payment within the
    horizon, ``relief_by_year`` the horizon, or no row when no scenario is
    on RAP.  Rows past them are zero.
    """

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
    loan_cost: Array


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
    away = timeline.study_share(col["years"], y) + timeline.search_share(
        col["years"], col["months_to_job"], y
    )
    job = timeline.job_share(col["years"], col["months_to_job"], y)
    y1 = timeline.first_job_year(col["years"], col["months_to_job"])
    s1 = col["salary_after"] * (1.0 + col["salary_growth_after"]) ** (y - y1)
    p = col["placement_prob"]
    return col["work_fraction"] * away * s0 + job * (p * s1 + (1.0 - p) * s0)


def agi_by_year(v: Mapping[str, Array], y: Array) -> Array:
    """AGI that sets the RAP payments of each year: the income of the year before, (n, H)."""
    income = income_by_year(v, y)
    return np.concatenate((v["salary"][:, None], income[:, :-1]), axis=1)


def _fixed_by_year(
    balance: Array, apr: Array, term_months: Array, months: Array, horizon: int
) -> tuple[Array, Array]:
    """Level payment (n,) and the interest paid in each year (years, n) up to the last payment.

    After ``k`` payments of ``p`` at the monthly rate ``i`` the interest
    paid so far is ``p k − (b − balance_k) = b ((1+i)^k − 1) − p (((1+i)^k − 1)/i − k)``;
    a year's interest is its increase over the year's payments.
    """
    payment = np.where(balance > 0, loans.level_payment(balance, apr, term_months / 12.0), 0.0)
    live = balance > 0
    if not live.any():
        return payment, np.zeros((0, len(balance)))
    last = float(np.max((months + term_months)[live]))
    y = np.arange(1.0, min(horizon, int(np.ceil(last / 12.0))) + 1.0)[:, None]
    i = apr / 12.0
    k = 12.0 * y - months  # payments made by the end of each year; in place from here
    np.maximum(k, 0.0, out=k)
    np.minimum(k, term_months, out=k)
    grown = k * np.log1p(i)
    np.expm1(grown, out=grown)  # (1+i)^k - 1 without cancellation for small rates
    annuity = k.copy()  # ((1+i)^k - 1) / i, or k at a zero rate
    np.divide(grown, i, out=annuity, where=np.broadcast_to(i > 0, k.shape))
    annuity -= k
    annuity *= payment
    paid = grown
    paid *= balance
    paid -= annuity  # interest paid so far; then each year's increase
    for row in range(len(paid) - 1, 0, -1):
        paid[row] -= paid[row - 1]
    return payment, paid


def loan_flows(v: Mapping[str, Array], direct: Array, horizon: int) -> LoanFlows:
    """The loans of scenarios ``v`` (1-d inputs) with direct cost ``direct`` (study years, n)."""
    width, n = direct.shape
    inflating = bool(np.any(v["inflation"] != 0.0))
    # In today's dollars the loans' cost is summed over their whole life, so their yearly
    # amounts are kept past the horizon (and cut to it at the end).
    span = horizon if not inflating else max(horizon, _LIFE_YEARS)
    months = timeline.deferment_months(v["years"], v["grace_months"])
    simple = v["financing"] == Financing.SIMPLE
    apr, fee_rate = v["loan_apr"], v["loan_fee"]
    p_apr = v["private_apr"]
    cap = v["capitalize_interest"]
    p_cap = v["private_deferment"]

    # Disbursements (study years, n) of the plan loan and of the private loan.
    need = np.maximum(0.0, direct.sum(axis=0) - v["savings"]) * v["loan_share"]
    one = loans.gross_principal(need, fee_rate)
    plan_p = np.zeros((width, n))
    plan_r = np.zeros((width, n))
    priv_p = np.zeros((width, n))
    fee_by_disb = np.zeros((width, n))
    plus_r = np.zeros((width, n))  # Grad PLUS interest per year of each disbursement
    plan_p[0] = np.where(simple, one, 0.0)
    plan_r[0] = np.where(simple, apr, 0.0)
    fee_by_disb[0] = np.where(simple, one - need, 0.0)
    if not simple.all():
        need_real = federal.need_by_year(direct.T, v["savings"])
        if inflating:  # each year's need is billed in the dollars of its start
            need_real = need_real * price_level(v["inflation"], np.arange(1.0, width + 1.0)).T
        split = federal.split(
            v["loan_share"][:, None] * need_real,
            start_dates(v["start_year"], v["start_month"]),
            private_apr=p_apr,
            private_fee=v["private_fee"],
            enrolment_intensity=v["enrolment_intensity"],
            prior_grad_borrowing=v["prior_grad_borrowing"],
            prior_undergrad_borrowing=v["prior_undergrad_borrowing"],
            grad_plus_legacy=v["grad_plus_legacy"],
        )
        fed = ~simple
        unsub, plus, private = split.direct_unsub.T, split.grad_plus.T, split.private.T
        fed_p = unsub + plus
        fed_interest = unsub * split.direct_unsub_rate.T + plus * split.grad_plus_rate.T
        with np.errstate(divide="ignore", invalid="ignore"):
            fed_r = np.where(fed_p > 0, fed_interest / np.where(fed_p > 0, fed_p, 1.0), 0.0)
        plus_r = np.where(fed, plus * split.grad_plus_rate.T, 0.0)
        plan_p = np.where(fed, fed_p, plan_p)
        plan_r = np.where(fed, fed_r, plan_r)
        priv_p = np.where(fed, private, 0.0)
        fees = (
            unsub * split.direct_unsub_fee.T
            + plus * split.grad_plus_fee.T
            + private * split.private_fee.T
        )
        fee_by_disb = np.where(fed, fees, fee_by_disb)

    start = 12.0 * np.arange(width)[:, None]
    held = (months - start) / 12.0
    plan_d = (plan_p * plan_r * held).sum(axis=0)
    priv_d = (priv_p * p_apr * held).sum(axis=0)
    plan_total, priv_total = plan_p.sum(axis=0), priv_p.sum(axis=0)
    # Repaid at the principal-weighted rate (the one loan's rate under simple financing).
    with np.errstate(divide="ignore", invalid="ignore"):
        plan_rate = np.where(
            plan_total > 0,
            (plan_p * plan_r).sum(axis=0) / np.where(plan_total > 0, plan_total, 1.0),
            0.0,
        )
    plan_rate = np.where(simple, apr, plan_rate)
    # Grad PLUS's in-school period is a deferment, so its interest capitalizes when it ends
    # whatever ``capitalize_interest`` says of the Direct Unsubsidized loans (34 CFR 685.202(b)).
    plus_d = (plus_r * held).sum(axis=0)
    plan_balance = plan_total + cap * plan_d + (1.0 - cap) * plus_d
    priv_balance = priv_total + p_cap * priv_d

    # Deferment interest accrues month by month on what has been disbursed.
    y = np.arange(1.0, min(span, int(np.ceil(np.max(months, initial=0.0) / 12.0))) + 1.0)
    accrual = np.cumsum((plan_p * plan_r + priv_p * p_apr) / 12.0, axis=0)
    monthly = accrual[np.minimum(y, width).astype(int) - 1]
    deferred = np.maximum(0.0, np.minimum(12.0 * y[:, None], months) - 12.0 * (y[:, None] - 1.0))
    deferment = monthly * deferred

    code = v["repayment_plan"]
    term = 12.0 * np.where(
        code == Plan.TIERED, repayment.tiered_term_years(plan_balance), v["loan_term_years"]
    )
    plan_pay, plan_paid = _fixed_by_year(plan_balance, plan_rate, term, months, span)
    plan_months = np.where(plan_balance > 0, term, 0.0)
    priv_term = 12.0 * v["private_term_years"]
    priv_pay, priv_paid = _fixed_by_year(priv_balance, p_apr, priv_term, months, span)
    relief = np.zeros((0, n))
    forgiven = np.zeros(n)
    matched = np.zeros(n)
    rap_rows = np.nonzero((code == Plan.RAP) & (plan_balance > 0))[0]
    if rap_rows.size:
        sub = {k: a[rap_rows] for k, a in v.items()}
        # AGI for every year a payment can fall in, whatever the horizon
        last_year = int(np.max(sub["grace_months"]) + 12 * np.ceil(np.max(sub["years"]))) // 12
        y_rap = np.arange(1.0, last_year + 32.0)
        agi = agi_by_year(sub, y_rap)
        if inflating:  # the AGI of each year in its own (nominal) dollars
            agi = agi * price_level(sub["inflation"], y_rap).T
        r = repayment.rap(
            plan_balance[rap_rows],
            plan_rate[rap_rows],
            agi,
            sub["dependents"],
            offset_months=months[rap_rows],
        )
        tax = sub["tax_rate"][:, None]
        cols = min(span, r.yearly["payment"].shape[1])
        plan_pay[rap_rows] = r.first_year_monthly_payment
        plan_months[rap_rows] = r.months
        plan_paid = _rows(plan_paid, cols)
        plan_paid[:, rap_rows] = 0.0
        plan_paid[:cols, rap_rows] = r.yearly["interest_paid"][:, :cols].T
        relief = np.zeros((span, n))
        relief[:cols, rap_rows] = (
            r.yearly["principal_matched"] + (1.0 - tax) * r.yearly["forgiven"]
        )[:, :cols].T
        forgiven[rap_rows] = r.forgiven
        matched[rap_rows] = r.principal_matched
        plan_interest = r.total_interest
    fixed_interest = plan_months * plan_pay - plan_balance
    total_interest = np.where(plan_balance > 0, fixed_interest, 0.0) + plan_d
    if rap_rows.size:
        total_interest[rap_rows] = plan_interest + plan_d[rap_rows]
    total_interest = (
        total_interest
        + np.where(priv_balance > 0, priv_term * priv_pay - priv_balance, 0.0)
        + priv_d
    )

    borrowed = plan_total + priv_total
    fee = np.where(simple, one - need, fee_by_disb.sum(axis=0))
    relief_total = matched + (1.0 - v["tax_rate"]) * forgiven
    interest = _rows(deferment, max(len(deferment), len(plan_paid), len(priv_paid)))
    interest[: len(plan_paid)] += plan_paid
    interest[: len(priv_paid)] += priv_paid
    flows = LoanFlows(
        borrowed=borrowed,
        federal=plan_total,
        private=priv_total,
        fee=fee,
        monthly_payment=plan_pay + priv_pay,
        total_interest=total_interest,
        total_paid=borrowed + total_interest - matched - forgiven,
        months_to_pay_off=np.maximum(plan_months, np.where(priv_balance > 0, priv_term, 0.0)),
        forgiven=forgiven,
        relief=relief_total,
        fee_by_year=fee_by_disb,
        interest_by_year=interest,
        relief_by_year=relief,
        loan_cost=fee + total_interest - relief_total,
    )  # nominal: replaced below if inflating
    if not inflating:
        return flows
    rows = max(len(interest), len(relief), width)
    y_all = np.arange(1.0, rows + 1.0)
    plan_debt = _debt(
        plan_p,
        np.where(cap, plan_p * plan_r, plus_r),
        months,
        plan_balance,
        plan_paid,
        plan_pay,
        plan_months,
        y_all,
    )
    if rap_rows.size:
        # from 0.0, as sum's default start 0 does; an array start keeps the type an array
        paid_down = sum(
            (r.yearly[k] for k in ("principal_paid", "principal_matched", "forgiven")),
            start=np.zeros(()),
        )
        cols = min(rows, paid_down.shape[1])
        left = plan_balance[rap_rows, None] - np.cumsum(paid_down[:, :cols], axis=1)
        after = 12.0 * y_all[None, :cols] >= months[rap_rows, None]
        block = plan_debt[:cols, rap_rows]
        plan_debt[:cols, rap_rows] = np.where(after.T, np.maximum(0.0, left.T), block)
        if cols < rows:
            plan_debt[cols:, rap_rows] = 0.0
    priv_debt = _debt(
        priv_p,
        p_cap * priv_p * p_apr,
        months,
        priv_balance,
        priv_paid,
        priv_pay,
        np.where(priv_balance > 0, priv_term, 0.0),
        y_all,
    )
    real = deflate(flows, v["inflation"], plan_debt + priv_debt)
    return replace(
        real,
        interest_by_year=real.interest_by_year[:horizon],
        relief_by_year=real.relief_by_year[:horizon],
    )


def price_level(inflation: Array, y: Array) -> Array:
    """Prices in year ``y`` (1-based) over today's, (len(y), n): ``(1 + inflation)^(y − 1)``.

    Every flow of year ``y`` is valued at the prices of its start, so year 1
    is in today's dollars exactly.

    >>> price_level(np.array([0.02]), np.array([1.0, 2.0, 3.0])).ravel().round(4).tolist()
    [1.0, 1.02, 1.0404]
    """
    return np.exp((np.asarray(y, dtype=float)[:, None] - 1.0) * np.log1p(inflation)[None, :])


def deflate(flows: LoanFlows, inflation: Array, debt: Array) -> LoanFlows:
    """The yearly loan flows in today's dollars, net of inflation's erosion of the debt.

    ``debt`` (years, n) is what is owed at the end of each year in nominal
    dollars.  A debt D carried from year ``y`` into ``y + 1`` is repaid in
    dollars worth ``1/P(y+1)`` instead of ``1/P(y)``: year ``y + 1`` gains
    ``D (1/P(y) − 1/P(y+1))``, subtracted from its interest.  Then, with
    every year's fee, interest and relief deflated by ``P(y)``, the loans'
    cost summed over the years is the real value of everything paid on them
    less the real value of everything they paid out (the fees included).
    """
    rows = len(debt)
    p = price_level(inflation, np.arange(1.0, rows + 1.0))
    fee = flows.fee_by_year / p[: len(flows.fee_by_year)]
    interest = _rows(flows.interest_by_year, rows)[:rows] / p
    interest[1:] -= debt[:-1] * (1.0 / p[:-1] - 1.0 / p[1:])
    relief = flows.relief_by_year / p[: len(flows.relief_by_year)]
    cost = fee.sum(axis=0) + interest.sum(axis=0) - relief.sum(axis=0)
    return replace(
        flows, fee_by_year=fee, interest_by_year=interest, relief_by_year=relief, loan_cost=cost
    )


def _debt(
    disbursed: Array,
    capitalized_rate: Array,
    months: Array,
    balance: Array,
    interest_paid: Array,
    payment: Array,
    payments: Array,
    y: Array,
) -> Array:
    """What a level-payment loan owes at the end of each year ``y`` (nominal), (len(y), n).

    Before the first payment (month ``months``): the disbursements made
    (disbursement ``k`` in month 12 k) and the interest accrued on them that
    is capitalized (``capitalized_rate``: principal × rate of each, or 0).
    From then: the balance plus the interest paid so far (``interest_paid``,
    by year, as :func:`_fixed_by_year` gives it) less the payments made, zero
    once all ``payments`` are made.
    """
    t = 12.0 * y[:, None]
    k = np.clip(t - months, 0.0, payments)
    paid = np.cumsum(_rows(interest_paid, len(y))[: len(y)], axis=0)
    after = np.where(k >= payments, 0.0, balance + paid - payment * k)
    np.maximum(after, 0.0, out=after)
    # Before the first payment: only the first years, one disbursement at a time.
    early = min(len(y), int(np.ceil(np.max(months, initial=0.0) / 12.0)))
    before = np.zeros((early, len(months)))
    reach = np.minimum(t[:early], months)
    for j in range(len(disbursed)):
        start = 12.0 * j
        before += disbursed[j] * (t[:early] > start + 1e-9)  # disbursed before the year end
        before += capitalized_rate[j] * np.clip(reach - start, 0.0, None) / 12.0
    after[:early] = np.where(t[:early] < months, before, after[:early])
    return after


def _rows(a: Array, count: int) -> Array:
    """``a`` (years, n) with zero rows added to make at least ``count`` rows (a copy)."""
    out = np.zeros((max(count, len(a)), a.shape[1]))
    out[: len(a)] = a
    return out
