"""Where each year of the horizon falls: studying, looking for a job, or in the new job.

Time is counted in years from the first day of study.  Year ``y`` (1, 2, …)
is the interval ``[y-1, y)``.  Study lasts ``years``; the job search
``months_to_job / 12`` after it; the new job starts at
``job_start = years + months_to_job / 12``.

Each share is the part of year ``y`` spent in that phase, so the three
shares of a year add up to 1.  Arrays broadcast: pass per-scenario values of
shape ``(n, 1)`` and a year column ``(H,)`` to get ``(n, H)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The model's amounts, rates and years: float arrays.
Array = NDArray[np.float64]
#: Masks: comparisons of arrays, flags such as "placed" or "pays back within the target".
BoolArray = NDArray[np.bool_]
#: Whole numbers: indices, counts and codes (``np.intp`` for indexing, or another integer type).
IntArray = NDArray[np.integer[Any]]


def overlap(start: ArrayLike, end: ArrayLike, year: ArrayLike) -> Array:
    """Length of ``[start, end)`` that falls inside year ``year`` (``[year-1, year)``).

    >>> float(overlap(0, 2.5, 3))
    0.5
    """
    y = np.asarray(year, dtype=float)
    return np.maximum(0.0, np.minimum(y, end) - np.maximum(y - 1.0, start))


def job_start(years: ArrayLike, months_to_job: ArrayLike) -> Array:
    """Time (years from the start of study) at which the new job starts."""
    return np.asarray(years, dtype=float) + np.asarray(months_to_job, dtype=float) / 12.0


def study_share(years: ArrayLike, year: ArrayLike) -> Array:
    """Part of each year spent studying."""
    return overlap(0.0, years, year)


def search_share(years: ArrayLike, months_to_job: ArrayLike, year: ArrayLike) -> Array:
    """Part of each year spent between the end of study and the new job."""
    return overlap(years, job_start(years, months_to_job), year)


def job_share(years: ArrayLike, months_to_job: ArrayLike, year: ArrayLike) -> Array:
    """Part of each year spent in the new job.

    >>> job_share(2, 3, [2, 3, 4]).tolist()
    [0.0, 0.75, 1.0]
    """
    y = np.asarray(year, dtype=float)
    return np.minimum(1.0, np.maximum(0.0, y - job_start(years, months_to_job)))


def first_job_year(years: ArrayLike, months_to_job: ArrayLike) -> Array:
    """The year (1-based) in which the new job starts; its salary grows from then on."""
    return np.floor(job_start(years, months_to_job)) + 1.0


def deferment_months(years: ArrayLike, grace_months: ArrayLike) -> Array:
    """Months from the first disbursement to the first payment: study, rounded, plus grace.

    Study months are rounded half away from zero, as Excel's ROUND does.

    >>> float(deferment_months(2, 6))
    30.0
    """
    return np.floor(12.0 * np.asarray(years, dtype=float) + 0.5) + np.asarray(grace_months)
