"""Direct cost of attendance, year by year.

Year ``k`` of study (k = 0, 1, …) costs tuition × (1 + tuition_growth)^k
plus fees and books, minus grants, scholarships and employer assistance
(never below zero: aid covers at most that year's tuition, fees and books),
plus travel and 12 × (extra living + caregiving) per month.  A partial
year pays its share.  Relocation and a whole-program price are paid once,
at the start.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model.timeline import Array, study_share


def education_cost_rate(
    tuition_per_year: ArrayLike,
    tuition_growth: ArrayLike,
    fees_per_year: ArrayLike,
    books_per_year: ArrayLike,
    aid_per_year: ArrayLike,
    year: ArrayLike,
) -> Array:
    """Tuition, fees and books less aid, per full year of study, in year ``year``.

    >>> float(education_cost_rate(52000, 0.05, 1000, 0, 60000, 2))
    0.0
    """
    y = np.asarray(year, dtype=float)
    tuition = np.asarray(tuition_per_year, dtype=float) * (1.0 + np.asarray(tuition_growth)) ** (
        y - 1.0
    )
    fees, books = np.asarray(fees_per_year, dtype=float), np.asarray(books_per_year, dtype=float)
    return np.maximum(0.0, tuition + fees + books - np.asarray(aid_per_year))


def direct_cost_by_year(
    *,
    years: ArrayLike,
    tuition_per_year: ArrayLike,
    tuition_growth: ArrayLike = 0.0,
    program_price: ArrayLike = 0.0,
    fees_per_year: ArrayLike = 0.0,
    books_per_year: ArrayLike = 0.0,
    living_per_month: ArrayLike = 0.0,
    caregiving_per_month: ArrayLike = 0.0,
    travel_per_year: ArrayLike = 0.0,
    relocation: ArrayLike = 0.0,
    aid_per_year: ArrayLike = 0.0,
    employer_assistance_per_year: ArrayLike = 0.0,
    year: ArrayLike,
) -> Array:
    """Direct cost paid in each year ``year`` (an array of 1-based years).

    Per-scenario inputs of shape ``(n, 1)`` and ``year`` of shape ``(H,)`` give
    an ``(n, H)`` array.

    Examples
    --------
    A nine-month program at $40,000 a year with a $2,000 move:

    >>> direct_cost_by_year(years=0.75, tuition_per_year=40000, relocation=2000,
    ...                     year=[1, 2]).tolist()
    [32000.0, 0.0]
    """
    y = np.asarray(year, dtype=float)
    aid = np.asarray(aid_per_year, dtype=float) + np.asarray(employer_assistance_per_year)
    travel = np.asarray(travel_per_year, dtype=float)
    living = np.asarray(living_per_month, dtype=float)
    caregiving = np.asarray(caregiving_per_month, dtype=float)
    rate = (
        education_cost_rate(tuition_per_year, tuition_growth, fees_per_year, books_per_year, aid, y)
        + travel
        + 12.0 * (living + caregiving)
    )
    paid_once = np.asarray(relocation, dtype=float) + np.asarray(program_price, dtype=float)
    once = np.where(y == 1.0, paid_once, 0.0)
    return study_share(years, y) * rate + once


def cost_of_attendance(
    tuition_per_year: ArrayLike,
    years: ArrayLike = 2.0,
    fees_per_year: ArrayLike = 0.0,
    living_per_month: ArrayLike = 0.0,
    relocation: ArrayLike = 0.0,
    aid_per_year: ArrayLike = 0.0,
    tuition_growth: ArrayLike = 0.0,
) -> Array:
    """Direct cost of attendance over a whole program (Excel: ``MLWORTH_COST``).

    Parameters
    ----------
    tuition_per_year : array_like
        Tuition for the first full year.
    years : array_like
        Length of the program; a final partial year pays its share.
    fees_per_year, living_per_month, relocation, aid_per_year : array_like
        Yearly fees, extra living cost per month, one-off relocation, yearly
        grants and scholarships (capped at each year's tuition + fees).
    tuition_growth : array_like
        Yearly tuition increase.

    Returns
    -------
    ndarray
        Total direct cost, the shape of the broadcast inputs.

    Notes
    -----
    .. math:: \\sum_k s_k \\max(0, T (1+g)^k + F - A) + 12 L Y + R

    where :math:`s_k` is the share of year k spent studying.

    Examples
    --------
    Two years at Carnegie Mellon's $52,000 tuition with $1,000 a month of
    big-city housing:

    >>> float(cost_of_attendance(52000, 2, living_per_month=1000))
    128000.0

    Tuition rising 5% a year over 1.5 years: 40,000 + 0.5 × 42,000:

    >>> float(cost_of_attendance(40000, 1.5, tuition_growth=0.05))
    61000.0
    """
    years = np.asarray(years, dtype=float)
    horizon = int(np.ceil(np.max(years))) if years.size else 1
    y = np.arange(1, max(horizon, 1) + 1, dtype=float)
    shape = np.broadcast_shapes(
        *(
            np.shape(a)
            for a in (
                tuition_per_year,
                years,
                fees_per_year,
                living_per_month,
                relocation,
                aid_per_year,
                tuition_growth,
            )
        )
    )

    def col(a: ArrayLike) -> Array:
        return np.broadcast_to(np.asarray(a, dtype=float), shape)[..., None]

    by_year = direct_cost_by_year(
        years=col(years),
        tuition_per_year=col(tuition_per_year),
        tuition_growth=col(tuition_growth),
        fees_per_year=col(fees_per_year),
        living_per_month=col(living_per_month),
        relocation=col(relocation),
        aid_per_year=col(aid_per_year),
        year=y,
    )
    return by_year.sum(axis=-1)
