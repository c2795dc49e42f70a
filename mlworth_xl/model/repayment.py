"""Repayment plans for federal loans from 2026-07-01: fixed term, tiered standard, RAP.

Every plan starts from the balance owed on the first payment's month (the
caller decides what deferment interest that includes) and repays it in
monthly payments at apr / 12 on the balance.  Inputs are scalars or 1-d
arrays, one element per scenario; results are 1-d arrays.

- **Fixed term**: level payments over any number of months (Excel's PMT).
- **Tiered standard** (34 CFR 685.208(c)(1)(iii), final rule 91 FR 23768):
  a fixed term chosen by the balance when repayment starts, from the data
  table ``plan.tiered_standard``: under $25,000 10 years, under $50,000 15,
  under $100,000 20, else 25.  A balance on a boundary takes the higher
  tier ("equal to or greater than $25,000 but less than $50,000").
- **Repayment Assistance Plan** (HEA sec. 455(q), added by Public Law
  119-21; 34 CFR 685.209 as revised by the same rule), month by month:

  1. Yearly base payment from the AGI of that repayment year: $120 when
     AGI ≤ $10,000, else 1%–10% of the whole AGI by $10,000 band, each band
     closed at the top ($60,000 pays 5%, $60,001 pays 6%; 685.209(b)(2)).
  2. Monthly payment = base / 12 − $50 per dependent, at least $10
     (685.209(f)(5), (g)(3)); not capped at any standard amount.
  3. The payment goes to the month's interest, then to principal.  Interest
     it does not cover is not charged (685.209(h)(4)(i)): it is *waived*.
  4. If the on-time payment reduces principal by less than $50, the
     Department reduces principal further, so that it falls by the lesser
     of $50 and the payment (the *matching principal payment*; preamble at
     91 FR 23843).  Read this way a $10 payment that covers no principal
     brings a $10 match; the rule text was read through secondary sources,
     which word the cap as "up to $50 or the payment, whichever is less".
  5. After 360 qualifying payments the balance left is forgiven
     (685.209(k)); see :data:`FORGIVENESS_TAX_NOTE`.

  All payments are taken to be on time; cents are not rounded.

Every plan conserves money.  Over the schedule::

    total_paid + waived_interest + principal_matched + forgiven
        == balance + interest_accrued

since payments = interest paid + principal paid by the borrower, interest
accrued = interest paid + interest waived, and the balance is retired by
the borrower's principal, the Department's match and forgiveness.
``total_interest`` is the interest the borrower paid; with nothing waived,
matched or forgiven it is everything paid minus the balance, as in
:mod:`mlworth_xl.model.loans`.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dc_fields

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model.codes import PLAN_NAMES, Plan
from mlworth_xl.model.data import figure
from mlworth_xl.model.loans import balance_after, level_payment
from mlworth_xl.model.timeline import Array, IntArray

#: Plans by name; :func:`repay` also takes their codes (:class:`~mlworth_xl.model.codes.Plan`).
PLANS = PLAN_NAMES

FORGIVENESS_TAX_NOTE = (
    "A balance forgiven under RAP after 360 payments may be taxable income in the year it is "
    "forgiven: the federal exclusion for such discharges (IRC sec. 108(f)(5)) covered only "
    "discharges from 2021 through 2025."
)

#: The money of a schedule, in the order of :class:`Repayment`'s yearly arrays.
YEARLY = (
    "payment",
    "interest_paid",
    "principal_paid",
    "waived_interest",
    "principal_matched",
    "forgiven",
)


@dataclass(frozen=True)
class Repayment:
    """How loans are repaid under a plan; 1-d arrays, one element per scenario.

    ``first_year_monthly_payment`` is the first month's payment (the plan's
    level payment; under RAP the payment of repayment year 1, or less if
    that repays the loan).  ``total_paid + waived_interest +
    principal_matched + forgiven == balance + interest_accrued``.
    ``months`` counts payments until the loan is repaid or forgiven;
    ``years_to_pay_off`` is months / 12.  ``yearly`` holds, for each name in
    :data:`YEARLY`, an array (scenarios, repayment years): year 1 is the
    first 12 payments.
    """

    first_year_monthly_payment: Array
    months: Array
    total_paid: Array
    interest_accrued: Array
    total_interest: Array
    waived_interest: Array
    principal_matched: Array
    forgiven: Array
    yearly: dict[str, Array]

    @property
    def years_to_pay_off(self) -> Array:
        return self.months / 12.0

    def __len__(self) -> int:
        return len(self.months)


def _vec(x: ArrayLike) -> Array:
    return np.atleast_1d(np.asarray(x, dtype=float))


def tiered_term_years(balance: ArrayLike) -> Array:
    """Term of the tiered standard plan for the balance at repayment start.

    The boundary goes to the higher tier: $25,000 exactly is repaid over 15 years.

    >>> tiered_term_years([24_999.99, 25_000, 49_999, 50_000, 100_000]).tolist()
    [10.0, 15.0, 15.0, 20.0, 25.0]
    """
    table = np.asarray(figure("plan.tiered_standard").value, dtype=float)
    tier = np.searchsorted(table[:, 0], _vec(balance), side="right")
    return table[np.minimum(tier, len(table) - 1), 1]


def fixed(balance: ArrayLike, apr: ArrayLike, term_months: ArrayLike) -> Repayment:
    """Level monthly payments over ``term_months`` (any whole number of months).

    Examples
    --------
    $30,000 at 8.07% over 15 years: the payment is Excel's ``-PMT(8.07%/12, 180, 30000)``.

    >>> r = fixed(30_000, 0.0807, 180)
    >>> round(float(r.first_year_monthly_payment[0]), 2), float(r.years_to_pay_off[0])
    (287.91, 15.0)
    """
    b, i, n = np.broadcast_arrays(_vec(balance), _vec(apr), _vec(term_months))
    pay = np.where(b > 0, level_payment(b, i, n / 12.0), 0.0)
    months = np.where(b > 0, n, 0.0)
    paid = pay * months
    years = max(int(np.ceil(np.max(months, initial=0.0) / 12.0)), 1)
    k = np.minimum(12.0 * np.arange(years + 1), months[:, None])
    left = np.where(
        k < months[:, None], balance_after(b[:, None], i[:, None], pay[:, None], k), 0.0
    )
    principal = left[:, :-1] - left[:, 1:]
    payment = pay[:, None] * np.diff(k, axis=1)
    zero = np.zeros_like(payment)
    yearly = {
        "payment": payment,
        "interest_paid": payment - principal,
        "principal_paid": principal,
        "waived_interest": zero,
        "principal_matched": zero,
        "forgiven": zero,
    }
    none = np.zeros_like(b)
    return Repayment(
        first_year_monthly_payment=pay,
        months=months,
        total_paid=paid,
        interest_accrued=paid - b,
        total_interest=paid - b,
        waived_interest=none,
        principal_matched=none,
        forgiven=none,
        yearly=yearly,
    )


def tiered_standard(balance: ArrayLike, apr: ArrayLike) -> Repayment:
    """The standard plan for loans made from 2026-07-01: a fixed term by balance.

    Examples
    --------
    $41,000 owed: 15 years, the same as a fixed 180-month plan.

    >>> r = tiered_standard(41_000, 0.0807)
    >>> float(r.years_to_pay_off[0]), round(float(r.first_year_monthly_payment[0]), 2)
    (15.0, 393.48)
    """
    return fixed(balance, apr, 12.0 * tiered_term_years(balance))


def rap_payment(agi: ArrayLike, dependents: ArrayLike = 0) -> Array:
    """Monthly payment under the Repayment Assistance Plan (Excel: ``MLWORTH_RAP_PAYMENT``).

    Parameters
    ----------
    agi : array_like
        Adjusted gross income of the year (borrower, plus spouse if filing jointly).
    dependents : array_like
        Dependents claimed; each lowers the payment by $50 a month.

    Returns
    -------
    ndarray
        The monthly payment, at least $10.  Same shape as the inputs broadcast.

    Notes
    -----
    Base = $120 if AGI ≤ $10,000, else p × AGI with p = 1%, 2%, … 10% for
    AGI in ($10,000, $20,000], ($20,000, $30,000], … above $100,000.
    Payment = max($10, base / 12 − $50 × dependents).

    Examples
    --------
    AGI $60,000 and two dependents: 5% × 60,000 = 3,000 a year, 250 a month,
    less 2 × $50:

    >>> float(rap_payment(60_000, 2))
    150.0
    """
    band = float(figure("plan.rap_agi_band").value)
    pct = np.asarray(figure("plan.rap_percent_by_agi_band").value, dtype=float)
    a = np.asarray(agi, dtype=float)
    with np.errstate(invalid="ignore"):
        k = np.clip(np.ceil((np.where(np.isnan(a), band, a) - band) / band), 1, len(pct))
    base = np.where(
        a <= band,
        float(figure("plan.rap_minimum_yearly_low_agi").value),
        pct[k.astype(int) - 1] * a,
    )
    base = np.where(np.isnan(a), np.nan, base)
    per_dependent = float(figure("plan.rap_dependent_reduction_per_month").value)
    return np.maximum(
        float(figure("plan.rap_minimum_monthly").value),
        base / 12.0 - per_dependent * np.asarray(dependents, dtype=float),
    )


def _agi_matrix(agi_path: ArrayLike, n: int) -> Array:
    path = np.atleast_1d(np.asarray(agi_path, dtype=float))
    return np.broadcast_to(path, (n, path.shape[-1]))


def _simulate_rap(
    balance: Array,
    apr: Array,
    agi_path: ArrayLike,
    dependents: Array,
    record: bool,
    offset: IntArray | None = None,
) -> tuple[Repayment, dict[str, Array] | None]:
    n = len(balance)
    due_by_year = rap_payment(_agi_matrix(agi_path, n), dependents[:, None])
    limit = int(figure("plan.rap_forgiveness_payments").value)
    match_to = float(figure("plan.rap_min_principal_reduction").value)
    shift = np.zeros(n, dtype=np.int64) if offset is None else np.asarray(offset, dtype=np.int64)
    years = int((np.max(shift, initial=0) + limit - 1) // 12 + 1)
    everyone = np.arange(n)
    acc = {name: np.zeros((n, years)) for name in YEARLY}
    # This year's sums so far, moved into ``acc`` when a scenario's year ends (a month
    # at a time into a 2-d table costs more than the month's arithmetic).
    year_so_far = {name: np.zeros(n) for name in YEARLY}
    rows: dict[str, list[Array]] = {name: [] for name in ("balance", "interest", *YEARLY)}
    bal = balance.copy()
    i = apr / 12.0
    months = np.zeros(n)
    accrued = np.zeros(n)
    first = np.zeros(n)
    due = np.zeros(n)
    j = shift // 12
    for m in range(limit):
        j = (shift + m) // 12
        active = bal > 0
        if not record and not active.any():
            break
        new_year = everyone if m == 0 else np.flatnonzero((shift + m) % 12 == 0)
        due[new_year] = due_by_year[new_year, np.minimum(j[new_year], due_by_year.shape[1] - 1)]
        interest = np.where(active, bal * i, 0.0)
        owed = bal + interest
        last = active & (due >= owed)
        pay = np.where(active, np.where(last, owed, due), 0.0)
        interest_paid = np.minimum(pay, interest)
        principal = np.where(last, bal, pay - interest_paid)
        matched = np.where(
            last, 0.0, np.clip(np.minimum(match_to, pay) - principal, 0.0, bal - principal)
        )
        bal = np.where(last, 0.0, bal - principal - matched)
        months += active
        accrued += interest
        if m == 0:
            first = pay
        flows = {
            "payment": pay,
            "interest_paid": interest_paid,
            "principal_paid": principal,
            "waived_interest": interest - interest_paid,
            "principal_matched": matched,
            "forgiven": bal if m == limit - 1 else np.zeros(n),
        }
        ending = np.flatnonzero((shift + m + 1) % 12 == 0)
        for name, value in flows.items():
            year_so_far[name] += value
            acc[name][ending, j[ending]] += year_so_far[name][ending]
            year_so_far[name][ending] = 0.0
        if record:
            for name, value in {**flows, "interest": interest, "balance": bal}.items():
                rows[name].append(value)
    for name in YEARLY:  # the years still open when the loop ended
        acc[name][everyone, j] += year_so_far[name]
    forgiven = acc["forgiven"].sum(axis=1)
    if record:
        rows["balance"][-1] = rows["balance"][-1] - forgiven
    result = Repayment(
        first_year_monthly_payment=first,
        months=months,
        total_paid=acc["payment"].sum(axis=1),
        interest_accrued=accrued,
        total_interest=acc["interest_paid"].sum(axis=1),
        waived_interest=acc["waived_interest"].sum(axis=1),
        principal_matched=acc["principal_matched"].sum(axis=1),
        forgiven=forgiven,
        yearly=acc,
    )
    return result, ({k: np.stack(v, axis=1) for k, v in rows.items()} if record else None)


def rap(
    balance: ArrayLike,
    apr: ArrayLike,
    agi_path: ArrayLike,
    dependents: ArrayLike = 0,
    *,
    offset_months: ArrayLike | None = None,
) -> Repayment:
    """Repayment under the Repayment Assistance Plan, month by month.

    Parameters
    ----------
    balance, apr : array_like
        Balance when repayment starts and the yearly interest rate, per scenario.
    agi_path : array_like
        AGI for repayment year 1, 2, …: shape (years,) shared by all
        scenarios or (scenarios, years).  Years past its end keep the last value.
    dependents : array_like
        Dependents claimed, per scenario.
    offset_months : array_like of int, optional
        Months between the start of year 1 and the first payment, per
        scenario: payment ``m`` (1-based) then falls in year
        ``(offset + m - 1) // 12 + 1``, which picks its AGI from
        ``agi_path`` and the column of ``yearly`` it is added to.  Left out:
        0, so year 1 is the first 12 payments.  The model uses it to put
        payments in the years counted from the first day of study.

    Returns
    -------
    Repayment
        Includes the interest waived, the Department's principal match and
        the balance forgiven after 360 payments (may be taxable:
        :data:`FORGIVENESS_TAX_NOTE`).

    Examples
    --------
    $40,000 at 8.07% with AGI $30,000 a year: 2% × 30,000 / 12 = $50 a
    month, less than the $269 of interest, so interest is waived and the
    Department brings each month's principal reduction up to $50 (the
    payment): $18,000 over 360 payments, and $22,000 is forgiven.

    >>> r = rap(40_000, 0.0807, [30_000])
    >>> float(r.first_year_monthly_payment[0]), round(float(r.forgiven[0]), 2)
    (50.0, 22000.0)
    """
    b, i, d = (np.array(a) for a in np.broadcast_arrays(_vec(balance), _vec(apr), _vec(dependents)))
    shift = (
        None
        if offset_months is None
        else np.broadcast_to(np.asarray(offset_months, dtype=np.int64), b.shape)
    )
    return _simulate_rap(b, i, agi_path, d, record=False, offset=shift)[0]


def repay(
    balance: ArrayLike,
    apr: ArrayLike,
    plan: str | ArrayLike = "tiered",
    *,
    term_years: ArrayLike = 10,
    agi_path: ArrayLike | None = None,
    dependents: ArrayLike = 0,
) -> Repayment:
    """Repayment under ``plan`` ("fixed", "tiered", "rap", or their codes 0, 1, 2 per scenario).

    ``term_years`` is used by the fixed plan, ``agi_path`` and ``dependents``
    by RAP.  Scenarios on different plans are computed by plan and put back
    in order; ``yearly`` arrays are padded with zeros to the longest plan.

    $20,000 at 6%: five fixed years, or RAP at AGI $80,000 (7%: $466.67 a
    month, 48.35 months by numpy-financial's NPER, so 49 payments):

    >>> r = repay([20_000, 20_000], 0.06, ["fixed", "rap"], term_years=5, agi_path=[80_000])
    >>> r.months.tolist()
    [60.0, 49.0]
    """
    b, i, t, d = (
        np.array(a)
        for a in np.broadcast_arrays(_vec(balance), _vec(apr), _vec(term_years), _vec(dependents))
    )
    codes = plan_codes(plan, len(b))
    parts: list[tuple[IntArray, Repayment]] = []
    for code in np.unique(codes):
        rows = np.nonzero(codes == code)[0]
        if code == Plan.FIXED:
            part = fixed(b[rows], i[rows], 12.0 * t[rows])
        elif code == Plan.TIERED:
            part = tiered_standard(b[rows], i[rows])
        else:
            if agi_path is None:
                raise ValueError("the Repayment Assistance Plan needs agi_path")
            path = _agi_matrix(agi_path, len(b))[rows]
            part = rap(b[rows], i[rows], path, d[rows])
        parts.append((rows, part))
    return _merge(parts, len(b))


def plan_codes(plan: str | ArrayLike, n: int) -> IntArray:
    """Plan names or codes as an integer array of length ``n`` (ValueError if unknown)."""
    raw = np.atleast_1d(np.asarray(plan, dtype=object))
    codes = np.empty(raw.shape, dtype=int)
    for k, p in enumerate(raw):
        if isinstance(p, str) and p.strip().lower() in PLANS:
            codes[k] = Plan[p.strip().upper()]
        elif isinstance(p, int | float | np.number) and float(p) in {float(c) for c in Plan}:
            codes[k] = int(p)
        else:
            raise ValueError(f"unknown repayment plan {p!r}; plans are {', '.join(PLANS)}")
    return np.broadcast_to(codes, (n,))


def _merge(parts: list[tuple[IntArray, Repayment]], n: int) -> Repayment:
    years = max(r.yearly["payment"].shape[1] for _, r in parts)
    out: dict[str, Array] = {}
    for f in dc_fields(Repayment):
        if f.name == "yearly":
            continue
        col = np.zeros(n)
        for rows, r in parts:
            col[rows] = getattr(r, f.name)
        out[f.name] = col
    yearly = {name: np.zeros((n, years)) for name in YEARLY}
    for rows, r in parts:
        for name in YEARLY:
            width = r.yearly[name].shape[1]
            yearly[name][rows, :width] = r.yearly[name]
    return Repayment(yearly=yearly, **out)


@dataclass(frozen=True)
class MonthlySchedule:
    """One scenario's repayment month by month (month 1 is the first payment).

    ``interest`` accrues in the month; ``balance`` is owed after it.
    """

    month: Array
    payment: Array
    interest: Array
    interest_paid: Array
    waived_interest: Array
    principal_paid: Array
    principal_matched: Array
    forgiven: Array
    balance: Array

    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in dc_fields(self)}


def schedule(
    balance: float,
    apr: float,
    plan: str = "tiered",
    *,
    term_years: float = 10,
    agi_path: ArrayLike | None = None,
    dependents: float = 0,
) -> MonthlySchedule:
    """Month-by-month schedule of one loan under ``plan``.

    >>> s = schedule(10_000, 0.06, "rap", agi_path=[15_000])
    >>> len(s.month), round(float(s.forgiven.sum()), 2), float(s.balance[-1])
    (360, 5500.0, 0.0)
    """
    code = int(plan_codes(plan, 1)[0])
    if code == Plan.RAP:
        if agi_path is None:
            raise ValueError("the Repayment Assistance Plan needs agi_path")
        _, rows = _simulate_rap(
            _vec(balance), _vec(apr), np.atleast_2d(agi_path), _vec(dependents), record=True
        )
        assert rows is not None
        n = int(np.count_nonzero((rows["payment"][0] > 0) | (rows["forgiven"][0] > 0)))
        cut = {k: v[0, :n] for k, v in rows.items()}
    else:
        months = 12.0 * (
            float(term_years) if code == Plan.FIXED else float(tiered_term_years(balance)[0])
        )
        n = int(round(months)) if balance > 0 else 0
        pay = float(level_payment(balance, apr, months / 12.0))
        k = np.arange(1, n + 1, dtype=float)
        left = np.where(k < n, balance_after(balance, apr, pay, k), 0.0)
        prev = np.concatenate(([balance], left[:-1]))
        zero = np.zeros(n)
        cut = {
            "payment": np.full(n, pay),
            "interest": prev * apr / 12.0,
            "principal_paid": prev - left,
            "waived_interest": zero,
            "principal_matched": zero,
            "forgiven": zero,
            "balance": left,
        }
        cut["interest_paid"] = cut["payment"] - cut["principal_paid"]
    return MonthlySchedule(month=np.arange(1, n + 1, dtype=float), **cut)
