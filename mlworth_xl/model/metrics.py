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

from mlworth_xl.model.timeline import Array

#: Discount factors v = 1/(1+r) searched for an IRR: r from -99% to 10^6 - 1.
V_LOWEST, V_HIGHEST = 1e-6, 100.0


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
    init = np.broadcast_to(np.asarray(initial, dtype=float), f.shape[:-1])
    cum = init[..., None] + np.cumsum(f, axis=-1)
    prev = np.concatenate((init[..., None], cum[..., :-1]), axis=-1)
    crossing = (prev < 0.0) & (cum >= 0.0)
    last = f.shape[-1] - 1 - np.argmax(crossing[..., ::-1], axis=-1)
    before = np.take_along_axis(prev, last[..., None], -1)[..., 0]
    flow = np.take_along_axis(f, last[..., None], -1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        years = last + (-before / flow)
    never_negative = (init >= 0.0) & np.all(cum >= 0.0, axis=-1)
    recovered = cum[..., -1] >= 0.0
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
    :math:`v = 1/(1+r)` by Newton's method, falling back to Newton kept
    inside a sign-change bracket, for every scenario at once.  A rate is
    found in (-99%, 10^6).

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
    """
    f = np.asarray(flows, dtype=float)
    shape = f.shape[:-1]
    f = f.reshape(-1, f.shape[-1])
    out = np.full(f.shape[0], np.nan)
    idx = np.nonzero(sign_changes(f) == 1)[0]
    if idx.size:
        out[idx] = _irr_bracketed(np.ascontiguousarray(f[idx].T), guess, iterations)
    return out.reshape(shape)


def sign_changes(flows: ArrayLike) -> Array:
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


def _irr_newton(ft: Array, guess: float, iterations: int = 20) -> tuple[Array, Array]:
    """Newton's method on the scenarios still moving; returns (v, converged)."""
    n = ft.shape[1]
    v = np.full(n, 1.0 / (1.0 + guess))
    converged = np.zeros(n, dtype=bool)
    active = np.arange(n)
    sub = ft
    for _ in range(iterations):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            q, dq = _poly(sub, v[active])  # a wild step may overflow: it is then discarded
            new = v[active] - q / dq
        ok = np.isfinite(new) & (new > 0.0)
        done = ok & (np.abs(new - v[active]) <= 1e-14 * new)
        v[active] = np.where(ok, new, v[active])
        converged[active[done]] = True
        keep = ok & ~done
        if not keep.any():
            break
        if keep.sum() < 0.75 * len(active):  # copy the flows only when many have finished
            sub = sub[:, keep]
            active = active[keep]
    return v, converged


def _is_root(ft: Array, v: Array) -> Array:
    """Whether Q(v) is zero to rounding: small against the sum of the terms' sizes."""
    with np.errstate(over="ignore", invalid="ignore"):
        q, _ = _poly(ft, v)
        size, _ = _poly(np.abs(ft), v)
        return np.isfinite(q) & np.isfinite(size) & (np.abs(q) <= 1e-9 * size)


def _irr_bracketed(ft: Array, guess: float, iterations: int) -> Array:
    v, converged = _irr_newton(ft, guess)
    # A step that overflowed looks like convergence; keep only true roots in range.
    converged &= (v >= V_LOWEST) & (v <= V_HIGHEST)
    converged[converged] = _is_root(ft[:, converged], v[converged])
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
        inside = (np.isfinite(newton) & (newton > np.minimum(lo, hi))
                  & (newton < np.maximum(lo, hi)) & (np.abs(newton - v) <= 0.5 * last_step))
        new = np.where(inside, newton, 0.5 * (lo + hi))
        new = np.where(q == 0.0, v, new)
        last_step = np.abs(new - v)
        v = new
        if np.all((last_step <= 1e-15 * v) | (np.abs(hi - lo) <= 1e-15 * v) | ~ok):
            break
    rate = 1.0 / v - 1.0
    return np.where(ok & _is_root(ft, v), rate, np.nan)
