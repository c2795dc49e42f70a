"""Outcome measures of yearly cash flows: payback, NPV, IRR.

Flows are yearly; the flow of year ``y`` (1, 2, …) happens evenly through
the year, so the cumulative sum is linear inside a year and the payback is
interpolated linearly.  For NPV and discounted payback, year ``y`` is
discounted by (1 + rate)^y, as Excel's ``NPV`` does.  "Never within the
horizon" is ``nan``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model.timeline import Array, BoolArray, IntArray

#: The rates an IRR is looked for between: -99% and 99,900%, the workbook's IrrLowestRate and
#: IrrHighestRate (its bisection keeps (1 + 999)^80 within a double's range).  An IRR above
#: the ceiling is reported as ``inf`` ("above 99,900%"), one below the floor as ``nan``.
IRR_FLOOR, IRR_CEILING = -0.99, 999.0
#: The same bounds as discount factors v = 1/(1+r): 1/1000 and 100.
V_LOWEST, V_HIGHEST = 1.0 / (1.0 + IRR_CEILING), 100.0


def discount_factors(rate: ArrayLike, n_years: int) -> Array:
    """(1 + rate)^-y for y = 1..n_years, shape ``rate.shape + (n_years,)``."""
    r = np.asarray(rate, dtype=float)[..., None]
    return (1.0 + r) ** -np.arange(1, n_years + 1, dtype=float)


def payback(flows: ArrayLike, initial: ArrayLike = 0.0) -> Array:
    """Years until the cumulative flow turns non-negative for good (within the flows given).

    Parameters
    ----------
    flows : array_like, shape (..., H)
        Yearly flows, year 1 first.
    initial : array_like
        Cumulative amount at time 0 (a cost paid up front is negative).

    Returns
    -------
    ndarray
        Years, interpolated linearly inside the year of the last crossing
        from negative to zero or more; 0 when the cumulative is never
        negative; ``nan`` when it is still negative at the end.

    Notes
    -----
    The payback is the time after which the cumulative stays at or above
    zero.  Where the cumulative crosses zero only once, as it does for a
    cost followed by gains, this is the ordinary payback.  Taking the last
    crossing keeps the payback monotone: an option that costs more in any
    year never pays back sooner.  In a spreadsheet: the largest crossing
    time, and "never" when the final cumulative is negative.

    Examples
    --------
    $100,000 paid back by $30,000 a year takes 3⅓ years:

    >>> round(float(payback([30000.0] * 10, initial=-100000)), 12)
    3.333333333333
    >>> float(payback([-5.0, 1.0, 1.0]))
    nan

    Ahead after a year, behind in the second, ahead for good in the third:

    >>> float(payback([2.0, -3.0, 2.0]))
    2.5
    """
    f = np.asarray(flows, dtype=float)
    rows = np.moveaxis(f, -1, 0).reshape(f.shape[-1], -1)
    init = np.broadcast_to(np.asarray(initial, dtype=float), f.shape[:-1]).reshape(-1)
    return payback_rows(rows, init).reshape(f.shape[:-1])


def cumsum_rows(flows: Array) -> Array:
    """Cumulative sums down the rows of (years, scenarios) flows.

    A row at a time: numpy's ``cumsum`` along the first axis is several
    times slower than adding contiguous rows.
    """
    out = np.empty_like(flows)
    if len(flows):
        out[0] = flows[0]
    for k in range(1, len(flows)):
        np.add(out[k - 1], flows[k], out=out[k])
    return out


def sum_rows(values: Array) -> Array:
    """Sums of the columns of (years, scenarios) values, adding year after year.

    The same order of additions for any number of scenarios, so one
    scenario's NPV is bit for bit the same alone or in a batch (numpy sums a
    single column pairwise).
    """
    out = np.zeros(values.shape[1:])
    for row in values:
        out += row
    return out


def _numbers(count: int, descending: bool = False) -> IntArray:
    """1..count (or count..1) as a column of the smallest integer type that holds them."""
    numbers = np.arange(1, count + 1, dtype=np.min_scalar_type(count))
    return (numbers[::-1] if descending else numbers)[:, None]


def _last_true(mask: BoolArray) -> IntArray:
    """1-based index of the last True in each column of a (years, scenarios) mask; 0 if none."""
    return (_numbers(len(mask)) * mask).max(axis=0, initial=0).astype(np.intp)


def _first_true(mask: BoolArray) -> IntArray:
    """1-based index of the first True in each column; len(mask) + 1 if none."""
    highest = (_numbers(len(mask), descending=True) * mask).max(axis=0, initial=0)
    return len(mask) + 1 - highest.astype(np.intp)


def payback_rows(flows: Array, initial: ArrayLike = 0.0) -> Array:
    """:func:`payback` of flows laid out (years, scenarios), as the model holds them.

    The crossing is in the year after the last negative cumulative; it is
    "never" when the final cumulative is negative.
    """
    n_years, n = flows.shape
    init = np.broadcast_to(np.asarray(initial, dtype=float), (n,))
    cum = cumsum_rows(flows)
    if np.any(init):
        cum += init
    crossing = _last_true(cum < 0.0)  # 0-based row of the crossing year
    cols = np.arange(n)
    before = np.where(crossing > 0, cum[np.maximum(crossing - 1, 0), cols], init)
    flow = flows[np.minimum(crossing, n_years - 1), cols]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        years = crossing + (-before / flow)
    never_negative = (init >= 0.0) & (crossing == 0)
    recovered = cum[-1] >= 0.0 if n_years else init >= 0.0
    return np.where(never_negative, 0.0, np.where(recovered, years, np.nan))


def npv(rate: ArrayLike, flows: ArrayLike) -> Array:
    """Net present value of flows at years 1..H (Excel's ``NPV(rate, flows)``).

    −100/1.1 + 60/1.1² + 60/1.1³:

    >>> round(float(npv(0.1, [-100.0, 60.0, 60.0])), 6)
    3.756574
    """
    f = np.asarray(flows, dtype=float)
    return np.sum(f * discount_factors(rate, f.shape[-1]), axis=-1)


def irr(flows: ArrayLike, guess: float = 0.1, iterations: int = 100) -> Array:
    """Internal rate of return of yearly flows (Excel's ``IRR``); ``nan`` unless it is unique.

    Solves :math:`\\sum_y f_y v^{y-1} = 0` for the discount factor
    :math:`v = 1/(1+r)` by Newton's method on the log of the ratio of the
    positive to the negative terms, falling back to Newton kept inside a
    sign-change bracket (``guess`` is where that starts), for every
    scenario at once.  A rate is found between :data:`IRR_FLOOR` (-99%) and
    :data:`IRR_CEILING` (99,900%); an IRR above the ceiling is ``inf``, one
    below the floor ``nan``.

    Flows whose signs (zeros skipped) change exactly once have exactly one
    IRR (Descartes' rule of signs).  Flows that never change sign have none,
    and flows that change sign more than once may have several, so that
    which one a solver reports depends on where it starts: both are
    ``nan``.

    Examples
    --------
    >>> round(float(irr([-100.0, 60.0, 60.0])), 10)
    0.1306623863

    Flows of −100, +230, −132 have two IRRs, 10% and 20%, so none is chosen:

    >>> float(irr([-100.0, 230.0, -132.0]))
    nan

    A cost of 1, then gains of 5,000 twice: −1 + 5,000 v + 5,000 v² = 0 at
    v ≈ 1/5,001, an IRR of about 5,000 (500,000%), above the 99,900% looked at:

    >>> float(irr([-1.0, 5_000.0, 5_000.0]))
    inf
    """
    f = np.asarray(flows, dtype=float)
    rows = np.ascontiguousarray(np.moveaxis(f, -1, 0).reshape(f.shape[-1], -1))
    return irr_rows(rows, guess, iterations).reshape(f.shape[:-1])


def irr_rows(flows: Array, guess: float = 0.1, iterations: int = 100) -> Array:
    """:func:`irr` of flows laid out (years, scenarios), as the model holds them."""
    out = np.full(flows.shape[1], np.nan)
    idx = np.nonzero(one_sign_change_rows(flows))[0]
    if idx.size:
        above = _above_ceiling(flows[:, idx])
        out[idx[above]] = np.inf
        idx = idx[~above]
    if idx.size:
        out[idx] = _irr_bracketed(flows[:, idx], guess, iterations)
    return out


def _above_ceiling(ft: Array) -> BoolArray:
    """Whether the one IRR of each column of flows (one sign change) is above the ceiling.

    Below its IRR a rate leaves an NPV of the sign of the last flows (the
    gains after the costs, say), above it one of the sign of the first; so
    the IRR is above :data:`IRR_CEILING` where the NPV there still has the
    last flows' sign, as the workbook's search tells it.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        q, _ = _poly(ft, np.full(ft.shape[1], V_LOWEST))
    last = _last_true(ft != 0.0) - 1
    return np.sign(q) == np.sign(ft[last, np.arange(ft.shape[1])])


def one_sign_change_rows(flows: Array) -> BoolArray:
    """Whether the signs of each column of (years, scenarios) flows change exactly once.

    Zeros are skipped: exactly one change means every negative flow comes
    before every positive one, or every positive before every negative.
    """
    pos, neg = flows > 0.0, flows < 0.0
    last_pos, last_neg = _last_true(pos), _last_true(neg)
    both = (last_pos > 0) & (last_neg > 0)
    return both & ((last_neg < _first_true(pos)) | (last_pos < _first_true(neg)))


def sign_changes(flows: ArrayLike) -> IntArray:
    """How many times the sign of the flows changes along the last axis, zeros skipped.

    >>> sign_changes([-5.0, 0.0, 3.0, -1.0]).tolist()
    2
    """
    f = np.asarray(flows, dtype=float)
    s = np.sign(f)
    # carry the last nonzero sign forward over zeros
    idx = np.where(s != 0, np.arange(s.shape[-1]), 0)
    np.maximum.accumulate(idx, axis=-1, out=idx)
    filled = np.take_along_axis(s, idx, axis=-1)
    return np.sum((filled[..., 1:] * filled[..., :-1]) < 0, axis=-1)


def _poly(ft: Array, v: Array) -> tuple[Array, Array]:
    """Q(v) = sum f_y v^(y-1) and Q'(v) by Horner's rule; ``ft`` is (H, n)."""
    q = ft[-1].copy()
    dq = np.zeros_like(q)
    for row in ft[-2::-1]:
        dq *= v
        dq += q
        q *= v
        q += row
    return q, dq


def _irr_log_newton(ft: Array, iterations: int = 30) -> tuple[Array, BoolArray]:
    """Newton's method on ``h(u) = log S+(e^u) − log S−(e^u)``; returns (v, converged).

    ``S+`` and ``S−`` are the sums of the positive and of the (absolute)
    negative terms of Q at ``v = e^u``.  With one sign change ``h`` is
    monotone and close to linear, so Newton's steps neither overshoot into
    the steep high powers nor crawl, as they do on Q itself.  The start is
    the perpetuity estimate r = (mean gain) / (total cost).
    """
    m = ft.shape[1]
    # The positive terms and the negative ones side by side: one Horner pass for both.
    terms = np.empty((len(ft), 2 * m))
    pos, neg = terms[:, :m], terms[:, m:]
    np.maximum(ft, 0.0, out=pos)
    np.negative(ft, out=neg)
    np.maximum(neg, 0.0, out=neg)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean_positive = pos.sum(axis=0) / np.maximum((ft > 0.0).sum(axis=0), 1)
        u = -np.log1p(mean_positive / neg.sum(axis=0))
    lowest, highest = np.log(V_LOWEST) - 1.0, np.log(V_HIGHEST) + 1.0
    u = np.clip(np.nan_to_num(u), lowest, highest)
    converged = np.zeros(m, dtype=bool)
    active = np.arange(m)
    for _ in range(iterations):
        v = np.exp(u[active])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            q, dq = _poly(terms, np.concatenate((v, v)))
            up, down = q[: len(v)], q[len(v) :]
            step = (np.log(up) - np.log(down)) / (v * (dq[: len(v)] / up - dq[len(v) :] / down))
        new = np.clip(u[active] - step, lowest, highest)
        ok = np.isfinite(new) & (new > lowest) & (new < highest)
        u[active] = np.where(ok, new, u[active])
        # Quadratic convergence: the error left after a step is about its square.
        done = ok & (np.abs(step) <= 1e-7)
        converged[active[done]] = True
        keep = ok & ~done
        if not keep.any():
            break
        if keep.sum() < 0.75 * len(active):  # copy the flows only when many have finished
            terms, active = terms[:, np.concatenate((keep, keep))], active[keep]
    return np.exp(u), converged


def _is_root(ft: Array, v: Array) -> BoolArray:
    """Whether Q(v) is zero to rounding: small against the sum of the terms' sizes."""
    with np.errstate(over="ignore", invalid="ignore"):
        q, _ = _poly(ft, v)
        size, _ = _poly(np.abs(ft), v)
        return np.isfinite(q) & np.isfinite(size) & (np.abs(q) <= 1e-9 * size)


def _irr_bracketed(ft: Array, guess: float, iterations: int) -> Array:
    v, converged = _irr_log_newton(ft)
    converged &= (v >= V_LOWEST) & (v <= V_HIGHEST)
    rate = np.full(ft.shape[1], np.nan)
    rate[converged] = 1.0 / v[converged] - 1.0
    rest = np.nonzero(~converged)[0]
    if rest.size:
        rate[rest] = _irr_safeguarded(np.ascontiguousarray(ft[:, rest]), guess, iterations)
    return rate


def _irr_safeguarded(ft: Array, guess: float, iterations: int) -> Array:
    """Newton kept inside a sign-change bracket (as "rtsafe" does).

    A Newton step is taken only when it stays inside the bracket and is at
    most half the step before it; otherwise the bracket is bisected, so the
    bracket at least halves every other iteration and the search always ends.
    """
    n = ft.shape[1]
    lo = np.full(n, V_LOWEST)
    hi = np.full(n, V_HIGHEST)
    with np.errstate(over="ignore", invalid="ignore"):
        q_lo, _ = _poly(ft, lo)
        q_hi, _ = _poly(ft, hi)
    ok = np.sign(q_lo) * np.sign(q_hi) < 0
    lo_sign = np.sign(q_lo)
    v = np.clip(np.full(n, 1.0 / (1.0 + guess)), lo, hi)
    last_step = hi - lo
    for _ in range(max(iterations, 200)):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            q, dq = _poly(ft, v)
            same = np.sign(q) == lo_sign
            lo = np.where(same, v, lo)
            hi = np.where(same, hi, v)
            newton = v - q / dq
        inside = (
            np.isfinite(newton)
            & (newton > np.minimum(lo, hi))
            & (newton < np.maximum(lo, hi))
            & (np.abs(newton - v) <= 0.5 * last_step)
        )
        new = np.where(inside, newton, 0.5 * (lo + hi))
        new = np.where(q == 0.0, v, new)
        last_step = np.abs(new - v)
        v = new
        if np.all((last_step <= 1e-15 * v) | (np.abs(hi - lo) <= 1e-15 * v) | ~ok):
            break
    rate = 1.0 / v - 1.0
    return np.where(ok & _is_root(ft, v), rate, np.nan)
