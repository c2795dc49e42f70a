"""How a graduate program is financed under the federal loan rules as they stand from 2026-07-01.

Each year of study needs money: its cost of attendance less grants, aid
and the savings spent on it (:func:`need_by_year`).  That need is covered,
at the start of the study year, by (in this order)

1. a Direct Unsubsidized loan, up to the annual limit ($20,500), the
   graduate aggregate limit and the lifetime limit;
2. a Grad PLUS loan for the rest, only for disbursements before 2026-07-01
   or for a *legacy* borrower (the interim exception below);
3. a private loan at the user's APR and fee for whatever is left.

Every loan is grossed up for its origination fee, so the amount received
covers the need; limits apply to the amount borrowed.  Rates are chosen by
the award year (July 1 – June 30) of the disbursement and fees by the
federal fiscal year (October 1 – September 30), from the award-year
figures in the data (``loan.direct_unsub_grad_2026_27.rate`` and so on);
a date past the last figure takes the last one, a date before the first
takes the first (see :attr:`Financing.notes`).

Rules, with sources in the data:

- Public Law 119-21 (2025) and the Department of Education final rule
  (91 FR 23768, 2026-05-01) for disbursements from 2026-07-01: annual limit
  ``law.grad_annual_limit``; aggregate ``law.grad_aggregate_limit`` for
  graduate Direct Unsubsidized loans (prior graduate borrowing counts);
  lifetime ``law.lifetime_limit`` for all federal loans (prior graduate and
  undergraduate borrowing count); no Grad PLUS.
- Less than full-time enrolment: the annual limit × the enrolment
  intensity rounded to the nearest whole percent
  (``law.enrolment_intensity_rounding``).  Below half time
  (``law.min_enrolment_for_loans``) there is no Direct Loan at all.
  A short final year is not prorated for its length: graduate limits never
  were (FSA Handbook, Vol. 8 Ch. 5), and the new proration is by intensity.
- Before 2026-07-01, and for a legacy borrower: the annual limit, the older
  aggregate ``law.grad_aggregate_limit_before_2026`` (undergraduate loans
  count) and Grad PLUS up to the need.  A legacy borrower was enrolled in
  the program on 2026-06-30 and had received a Direct Loan for it before
  2026-07-01 (given as ``grad_plus_legacy`` or found from this program's
  own disbursements); the exception lasts for the first
  ``law.interim_exception_academic_years`` academic years from 2026-07-01,
  or the rest of the program if shorter.

Assumptions of this module, not of the rules: one disbursement per study
year, on the anniversary of the start (a 29 February start moves to
1 March); the proration applies to every disbursement from 2026-07-01,
legacy or not; the cap of a loan at cost of attendance less aid is not
applied to the fee gross-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mlworth_xl.model.data import figure, figures
from mlworth_xl.model.timeline import Array

Dates = NDArray[np.datetime64]

_KEY = re.compile(r"loan\.(direct_unsub_grad|grad_plus)_(\d{4})_(\d{2})\.(rate|fee)")


@cache
def rate_table(loan: str, what: str) -> tuple[Dates, Array]:
    """Start dates and values of the award-year figures of ``loan`` ("direct_unsub_grad" or
    "grad_plus"), ``what`` = "rate" (from July 1) or "fee" (from October 1 of the first year).

    >>> starts, values = rate_table("direct_unsub_grad", "rate")
    >>> [str(s) for s in starts], values.tolist()
    (['2025-07-01', '2026-07-01'], [0.0794, 0.0807])
    """
    rows = sorted(
        (int(m[2]), f.value)
        for key, f in figures().items()
        if (m := _KEY.fullmatch(key)) and m[1] == loan and m[4] == what
    )
    month = "07" if what == "rate" else "10"
    return (
        np.array([f"{y}-{month}-01" for y, _ in rows], dtype="datetime64[D]"),
        np.array([v for _, v in rows], dtype=float),
    )


def _lookup(loan: str, what: str, dates: Dates) -> tuple[Array, NDArray[np.bool_]]:
    starts, values = rate_table(loan, what)
    k = np.searchsorted(starts, dates, side="right") - 1
    next_year = (starts[-1].astype("datetime64[M]") + 12).astype("datetime64[D]")
    outside = (k < 0) | (dates >= next_year)
    return values[np.clip(k, 0, len(values) - 1)], outside


#: The longest fixed term open to loans first disbursed from 2026-07-01: the
#: tiered plan's shortest tier, so a fixed plan of at most this many years
#: only ever pays more than the tiered plan requires.
FIXED_TERM_LIMIT_YEARS = 10


def _month(date: np.datetime64) -> int:
    return int(date.astype("datetime64[M]").astype(np.int64))


def first_rule_month() -> int:
    """Months since 1970-01 of the first award year whose rates are in the data.

    >>> month_text(first_rule_month())
    '2025-07'
    """
    return min(
        _month(rate_table(loan, "rate")[0][0]) for loan in ("direct_unsub_grad", "grad_plus")
    )


def new_rules_month() -> int:
    """Months since 1970-01 of the date the 2026 rules start (Grad PLUS closed, tiered plan)."""
    return _month(np.datetime64(figure("law.grad_plus_closed_from").value, "D"))


def month_index(year: ArrayLike, month: ArrayLike) -> Array:
    """Months since 1970-01 of ``month`` (1-12) of ``year``.

    >>> month_text(int(month_index(2026, 8)))
    '2026-08'
    """
    return (np.asarray(year, dtype=float) - 1970.0) * 12.0 + np.asarray(month, dtype=float) - 1.0


def new_rule_loans(
    start_year: ArrayLike,
    start_month: ArrayLike,
    years: ArrayLike,
) -> NDArray[np.bool_]:
    """Whether an option has a loan under the 2026 rules: its last disbursement (one each
    study year, at the start's anniversary) is on or after 2026-07-01.

    >>> new_rule_loans([2025, 2025, 2026], [8, 8, 8], [1, 2, 1]).tolist()
    [False, True, True]
    """
    last = month_index(start_year, start_month) + 12.0 * (
        np.ceil(np.asarray(years, dtype=float) - 1e-9) - 1.0
    )
    return np.asarray(last >= new_rules_month())


def month_text(month: int) -> str:
    """``'2026-07'`` for a month counted from 1970-01."""
    return str(np.datetime64(month, "M"))


def disbursement_dates(start: ArrayLike, n_years: int) -> Dates:
    """Dates of the disbursements: the start and its anniversaries, shape (scenarios, years).

    >>> [str(d) for d in disbursement_dates("2026-08-24", 2)[0]]
    ['2026-08-24', '2027-08-24']
    """
    day = np.atleast_1d(np.asarray(start, dtype="datetime64[D]"))
    month = day.astype("datetime64[M]")
    offset = day - month.astype("datetime64[D]")
    years = 12 * np.arange(n_years)
    return (month[:, None] + years).astype("datetime64[D]") + offset[:, None]


def award_year(dates: ArrayLike) -> NDArray[np.int64]:
    """Award year of each date, by its first calendar year: 2026-08-24 is in 2026(-27).

    >>> award_year(np.array(["2026-06-30", "2026-07-01"], dtype="datetime64[D]")).tolist()
    [2025, 2026]
    """
    d = np.asarray(dates, dtype="datetime64[D]")
    months = d.astype("datetime64[M]").astype(np.int64)
    return months // 12 + 1970 - (months % 12 < 6)


def need_by_year(cost_by_year: ArrayLike, savings: ArrayLike = 0.0) -> Array:
    """Each year's cost not paid from savings, savings spent first: shape (scenarios, years).

    ``cost_by_year`` is the cost of attendance less aid for each study
    year, a short final year already prorated (as
    :func:`mlworth_xl.model.cost.direct_cost_by_year` gives it).

    >>> need_by_year([[30_000, 30_000, 15_000]], 40_000).tolist()
    [[0.0, 20000.0, 15000.0]]
    """
    cost = np.atleast_2d(np.asarray(cost_by_year, dtype=float))
    s = np.asarray(savings, dtype=float).reshape(-1, 1)
    after = np.maximum(0.0, np.cumsum(cost, axis=1) - s)
    return np.diff(after, axis=1, prepend=0.0)


@dataclass(frozen=True)
class Financing:
    """The loans that cover each year's need; arrays of shape (scenarios, study years).

    Principal is the amount borrowed (fee included).  ``old_rules`` marks
    disbursements under the rules before 2026-07-01 (Grad PLUS open).
    ``notes`` says which rates or fees were carried past their figures.
    """

    date: Dates
    award_year: NDArray[np.int64]
    need: Array
    annual_limit: Array
    old_rules: NDArray[np.bool_]
    direct_unsub: Array
    direct_unsub_rate: Array
    direct_unsub_fee: Array
    grad_plus: Array
    grad_plus_rate: Array
    grad_plus_fee: Array
    private: Array
    private_apr: Array
    private_fee: Array
    notes: tuple[str, ...] = ()

    @property
    def federal(self) -> Array:
        """Federal principal by disbursement (Direct Unsubsidized plus Grad PLUS)."""
        return self.direct_unsub + self.grad_plus

    @property
    def federal_total(self) -> Array:
        return self.federal.sum(axis=1)

    @property
    def private_total(self) -> Array:
        return self.private.sum(axis=1)

    @property
    def principal_total(self) -> Array:
        return self.federal_total + self.private_total

    @property
    def fees(self) -> Array:
        """Origination fees of each scenario: borrowed minus received."""
        return (
            self.direct_unsub * self.direct_unsub_fee
            + self.grad_plus * self.grad_plus_fee
            + self.private * self.private_fee
        ).sum(axis=1)

    @property
    def federal_apr(self) -> Array:
        """Principal-weighted rate of the federal loans (0 where none)."""
        return _weighted(
            self.federal_total,
            self.direct_unsub * self.direct_unsub_rate + self.grad_plus * self.grad_plus_rate,
        )

    @property
    def blended_apr(self) -> Array:
        """Principal-weighted rate of all loans (0 where nothing is borrowed)."""
        return _weighted(
            self.principal_total,
            self.direct_unsub * self.direct_unsub_rate
            + self.grad_plus * self.grad_plus_rate
            + self.private * self.private_apr,
        )

    def accrued_interest(self, months: ArrayLike) -> tuple[Array, Array]:
        """Simple interest (federal, private) accrued by ``months`` after the first disbursement.

        Disbursement ``k`` (0-based) accrues from month 12 k.  Pass the month
        repayment starts (study plus grace) to get the deferment interest.

        >>> f = split(30_000, "2026-08-24", private_apr=0.10)
        >>> [round(float(x[0]), 2) for x in f.accrued_interest(12)]
        [1654.35, 971.67]
        """
        m = np.asarray(months, dtype=float).reshape(-1, 1)
        held = np.maximum(0.0, m - 12.0 * np.arange(self.need.shape[1])) / 12.0
        federal = (
            held
            * (self.direct_unsub * self.direct_unsub_rate + self.grad_plus * self.grad_plus_rate)
        ).sum(axis=1)
        return federal, (held * self.private * self.private_apr).sum(axis=1)

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in dc_fields(self)}


def _weighted(total: Array, weighted: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, weighted.sum(axis=1) / np.where(total > 0, total, 1.0), 0.0)


def prorated_annual_limit(enrolment_intensity: ArrayLike) -> Array:
    """Annual limit for an enrolment intensity (share of a full-time load, 0 to 1).

    Rounded to the nearest whole percent (half up); below half time no loan.

    >>> prorated_annual_limit([1.0, 0.875, 0.5, 0.49]).tolist()
    [20500.0, 18040.0, 10250.0, 0.0]
    """
    x = np.asarray(enrolment_intensity, dtype=float)
    step = float(figure("law.enrolment_intensity_rounding").value)
    share = np.minimum(1.0, np.floor(x / step + 0.5 + 1e-9) * step)
    ok = x >= float(figure("law.min_enrolment_for_loans").value) - 1e-12
    return np.where(ok, share * float(figure("law.grad_annual_limit").value), 0.0)


def split(
    need: ArrayLike,
    start: ArrayLike,
    *,
    private_apr: ArrayLike,
    private_fee: ArrayLike = 0.0,
    enrolment_intensity: ArrayLike = 1.0,
    prior_grad_borrowing: ArrayLike = 0.0,
    prior_undergrad_borrowing: ArrayLike = 0.0,
    grad_plus_legacy: ArrayLike = False,
) -> Financing:
    """Split each study year's need into Direct Unsubsidized, Grad PLUS and private loans.

    Parameters
    ----------
    need : array_like
        Need of each study year, shape (years,) or (scenarios, years): see
        :func:`need_by_year`.  A negative need counts as none.
    start : date-like or array of them
        Date of the first disbursement (the first day of study), e.g. "2026-08-24".
    private_apr, private_fee : array_like
        Rate and origination fee of the private loan that covers the rest.
    enrolment_intensity : array_like
        Share of a full-time load, 0 to 1 (credits enrolled / full-time credits).
    prior_grad_borrowing, prior_undergrad_borrowing : array_like
        Federal loans already borrowed, counted against the aggregate and
        lifetime limits.
    grad_plus_legacy : array_like of bool
        The borrower was enrolled in this program on 2026-06-30 and had a
        Direct Loan for it before 2026-07-01.

    Returns
    -------
    Financing

    Examples
    --------
    $30,000 needed in a year starting 2026-08-24: the Direct Unsubsidized
    loan is capped at $20,500 and nets 20,500 × (1 − 1.057%) = $20,283.315;
    a private loan with no fee covers the other $9,716.685.

    >>> f = split(30_000, "2026-08-24", private_apr=0.10)
    >>> float(f.direct_unsub[0, 0]), round(float(f.private[0, 0]), 3), float(f.grad_plus[0, 0])
    (20500.0, 9716.685, 0.0)
    """
    need_2d = np.maximum(0.0, np.atleast_2d(np.asarray(need, dtype=float)))
    n = max(
        need_2d.shape[0],
        np.size(start),
        *(
            np.size(a)
            for a in (
                private_apr,
                private_fee,
                enrolment_intensity,
                prior_grad_borrowing,
                prior_undergrad_borrowing,
                grad_plus_legacy,
            )
        ),
    )
    years = need_2d.shape[1]
    need_2d = np.broadcast_to(need_2d, (n, years))

    def col(x: ArrayLike) -> Array:
        return np.broadcast_to(np.asarray(x, dtype=float).reshape(-1), (n,))

    start_dates = np.broadcast_to(np.atleast_1d(np.asarray(start, dtype="datetime64[D]")), (n,))
    dates = disbursement_dates(start_dates, years)
    closed = np.datetime64(figure("law.grad_plus_closed_from").value, "D")
    notes: list[str] = []
    table: dict[str, Array] = {}
    for loan, prefix in (("direct_unsub_grad", "direct_unsub"), ("grad_plus", "grad_plus")):
        for what in ("rate", "fee"):
            table[f"{prefix}_{what}"], outside = _lookup(loan, what, dates)
            if outside.any():
                notes.append(
                    f"some {loan.replace('_', ' ')} {what}s are taken from the nearest "
                    "award year in the data"
                )
    new_limit = np.broadcast_to(
        prorated_annual_limit(col(enrolment_intensity))[:, None], (n, years)
    )
    eligible = col(enrolment_intensity) >= float(figure("law.min_enrolment_for_loans").value)
    annual = float(figure("law.grad_annual_limit").value)
    aggregate_new = float(figure("law.grad_aggregate_limit").value)
    aggregate_old = float(figure("law.grad_aggregate_limit_before_2026").value)
    lifetime = float(figure("law.lifetime_limit").value)
    window = int(figure("law.interim_exception_academic_years").value)

    prior_grad, prior_ug = col(prior_grad_borrowing), col(prior_undergrad_borrowing)
    legacy = col(grad_plus_legacy).astype(bool).copy()
    after_close = np.zeros(n)
    unsub_so_far = np.zeros(n)
    federal_so_far = np.zeros(n)
    out = {name: np.zeros((n, years)) for name in ("direct_unsub", "grad_plus", "private")}
    old_rules = np.zeros((n, years), dtype=bool)
    limit = np.zeros((n, years))
    p_apr, p_fee = col(private_apr), col(private_fee)
    for k in range(years):
        before = dates[:, k] < closed
        old = before | legacy & (after_close < window)
        after_close += ~before
        limit[:, k] = np.where(before, np.where(eligible, annual, 0.0), new_limit[:, k])
        room = np.where(
            old,
            aggregate_old - prior_grad - prior_ug - unsub_so_far,
            np.minimum(
                aggregate_new - prior_grad - unsub_so_far,
                lifetime - prior_grad - prior_ug - federal_so_far,
            ),
        )
        fee = table["direct_unsub_fee"][:, k]
        wanted = need_2d[:, k] / (1.0 - fee)
        unsub = np.clip(np.minimum(np.minimum(wanted, limit[:, k]), room), 0.0, None)
        rest = np.where(unsub >= wanted, 0.0, need_2d[:, k] - unsub * (1.0 - fee))
        plus = np.where(old & eligible, rest / (1.0 - table["grad_plus_fee"][:, k]), 0.0)
        rest = np.where(old & eligible, 0.0, rest)
        out["direct_unsub"][:, k] = unsub
        out["grad_plus"][:, k] = plus
        out["private"][:, k] = rest / (1.0 - p_fee)
        old_rules[:, k] = old
        unsub_so_far += unsub
        federal_so_far += unsub + plus
        legacy |= before & (unsub + plus > 0)
    return Financing(
        date=dates,
        award_year=award_year(dates),
        need=np.array(need_2d),
        annual_limit=limit,
        old_rules=old_rules,
        private_apr=np.broadcast_to(p_apr[:, None], (n, years)),
        private_fee=np.broadcast_to(p_fee[:, None], (n, years)),
        notes=tuple(notes),
        **out,
        **table,
    )
