"""The distributions of the Monte Carlo layer (:mod:`mlworth_xl.model.risk`).

- **Salary after** (a graduate who lands the role): lognormal, given by its
  median and ``sigma``, the standard deviation of the natural log of pay.
  :meth:`Lognormal.from_percentiles` fits it to a median and the 10th and
  90th percentiles (the way the BLS publishes pay);
  :meth:`Lognormal.from_range` to a range such as LinkedIn's
  $72,600–$170,000, read as the 10th to 90th percentile.
- **Months to a job**: whole months with the same chance ``h`` of finding the
  job in every month, a geometric distribution:
  ``P(M >= m) = (1 - h)^m`` with ``h = 1 / (1 + mean)``, so the mean is
  ``mean``; capped at 120 months, the longest search the model accepts.
- **When a dropout leaves**: at the end of one of the months inside the
  program, each as likely (see :func:`leave_points`); on average halfway.

Every draw is made by inverting uniform (or standard normal) numbers, so a
higher number always means a later job, a later exit or a higher salary:
options simulated with the same seed see the same luck.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.timeline import Array

#: The standard normal 90th percentile: the 10th to 90th percentile span ±Z90 sigmas.
Z90 = NormalDist().inv_cdf(0.9)

#: The longest search for a job that the model accepts (months_to_job's upper bound).
MAX_MONTHS_TO_JOB = 120


@dataclass(frozen=True)
class Lognormal:
    """A lognormal distribution of pay: ``median × exp(sigma × Z)``, Z standard normal.

    Examples
    --------
    What do data scientists' BLS percentiles say about the spread of pay?

    >>> fit = Lognormal.from_percentiles(median=112590, p10=63650, p90=194410)
    >>> round(fit.sigma, 4)
    0.4356

    The mean is above the median: ``median × exp(sigma² / 2)``.

    >>> round(fit.mean)
    123797
    """

    median: float
    sigma: float

    def __post_init__(self) -> None:
        problems = []
        # a median of 0 is every draw at 0: a salary after of 0 is an allowed input
        if not (math.isfinite(self.median) and self.median >= 0):
            problems.append(
                Problem(
                    "salary_median", f"{self.median:g} is not allowed; allowed: a number from 0"
                )
            )
        if not (math.isfinite(self.sigma) and self.sigma >= 0):
            problems.append(
                Problem("salary_sigma", f"{self.sigma:g} is not allowed; allowed: a number from 0")
            )
        if problems:
            raise InputError(problems)

    @classmethod
    def from_percentiles(cls, median: float | None, p10: float, p90: float) -> Lognormal:
        """Fitted to a median and the 10th and 90th percentiles.

        The median is kept (None: the geometric mean ``sqrt(p10 × p90)``);
        ``sigma = ln(p90 / p10) / (2 × 1.28155)``, the least-squares fit of
        both percentiles on the log scale.  Both are
        reproduced exactly when they are symmetric in logs about the median
        (``p10 × p90 = median²``); otherwise both are off by the factor
        ``median / sqrt(p10 × p90)``.  BLS data scientists: 1.2%, the fitted
        10th percentile is $64,423 for the published $63,650, the 90th
        $196,770 for $194,410.

        >>> fit = Lognormal.from_percentiles(100000, 50000, 200000)
        >>> [round(float(x), 6) for x in fit.quantile([0.1, 0.5, 0.9])]
        [50000.0, 100000.0, 200000.0]
        """
        problems = []
        for name, x in (("salary_p10", p10), ("salary_p90", p90), ("salary_median", median)):
            if x is not None and not (math.isfinite(x) and x > 0):
                problems.append(Problem(name, f"{x:g} is not allowed; allowed: a number above 0"))
        if problems:
            raise InputError(problems)
        if median is None:
            median = math.sqrt(p10 * p90)
        if not p10 < median < p90:
            raise InputError(
                [
                    Problem(
                        "salary_p10",
                        f"the percentiles must rise: 10th {p10:,.0f} < "
                        f"median {median:,.0f} < 90th {p90:,.0f}",
                    )
                ]
            )
        return cls(median=float(median), sigma=math.log(p90 / p10) / (2.0 * Z90))

    @classmethod
    def from_range(cls, low: float, high: float, coverage: float = 0.8) -> Lognormal:
        """Fitted to a range that holds the central ``coverage`` of salaries.

        With ``coverage=0.8`` the range is the 10th to 90th percentile; the
        median is the geometric mean ``sqrt(low × high)``, and both ends are
        reproduced exactly.  LinkedIn's ML-engineer range $72,600–$170,000:

        >>> fit = Lognormal.from_range(72600, 170000)
        >>> round(fit.median), round(fit.sigma, 4)
        (111095, 0.332)
        """
        problems = []
        if not (math.isfinite(low) and low > 0):
            problems.append(
                Problem("salary_low", f"{low:g} is not allowed; allowed: a number above 0")
            )
        if not (math.isfinite(high) and high > low):
            problems.append(
                Problem(
                    "salary_high",
                    f"{high:g} is not allowed; allowed: a number above the low end of the range",
                )
            )
        if not 0 < coverage < 1:
            problems.append(
                Problem(
                    "coverage",
                    f"{coverage:g} is not allowed; allowed: a number above 0 and below 1",
                )
            )
        if problems:
            raise InputError(problems)
        z = NormalDist().inv_cdf(0.5 + coverage / 2.0)
        return cls(median=math.sqrt(low * high), sigma=math.log(high / low) / (2.0 * z))

    @property
    def mean(self) -> float:
        """The mean, ``median × exp(sigma² / 2)``."""
        return self.median * math.exp(self.sigma**2 / 2.0)

    def quantile(self, q: ArrayLike) -> Array:
        """The ``q`` quantiles (0 < q < 1): ``median × exp(sigma × z_q)``."""
        z = np.array([NormalDist().inv_cdf(float(x)) for x in np.ravel(q)])
        return (self.median * np.exp(self.sigma * z)).reshape(np.shape(q))

    def from_normal(self, z: ArrayLike) -> Array:
        """Salaries for standard normal numbers ``z`` (the inversion the simulation uses)."""
        return self.median * np.exp(self.sigma * np.asarray(z, dtype=float))

    def sample(self, rng: np.random.Generator, size: int) -> Array:
        """``size`` salaries drawn with ``rng``."""
        return self.from_normal(rng.standard_normal(size))

    def draw(self, u: ArrayLike, z: ArrayLike) -> Array:
        """Salaries for uniform ``u`` (unused: one part) and standard normal ``z``."""
        return self.from_normal(z)

    @property
    def varies(self) -> bool:
        """Whether salaries differ between draws."""
        return self.sigma > 0

    @property
    def top_median(self) -> float:
        """The highest median of the parts (the scale of the salaries)."""
        return self.median

    def at_least(self, s: ArrayLike) -> Array:
        """``P(S ≥ s)``, element by element: ``½ erfc(ln(s / median) / (sigma √2))``.

        >>> Lognormal(100000, 0.5).at_least([100000, 0, np.inf]).tolist()
        [0.5, 1.0, 0.0]
        """
        s = np.asarray(s, dtype=float)
        out = np.where(s <= 0, 1.0, 0.0)
        inside = (s > 0) & np.isfinite(s)
        if self.median > 0 and self.sigma > 0 and inside.any():
            with np.errstate(over="ignore", divide="ignore"):
                z = np.log(s[inside] / self.median) / (self.sigma * math.sqrt(2.0))
            out[inside] = 0.5 * _erfc(z).astype(float)
        elif self.median > 0 and inside.any():
            out[inside] = (self.median >= s[inside]).astype(float)
        return out


_erfc = np.frompyfunc(math.erfc, 1, 1)


@dataclass(frozen=True)
class SalaryMix:
    """The salary after of a graduate who may land one of several roles: a mixture.

    Part ``k`` (a :class:`Lognormal`) is drawn with probability ``weights[k]``
    (they sum to 1).  A draw takes a uniform number for the part (parts in
    order, the first for the smallest numbers) and a standard normal number
    for the salary within it.

    >>> mix = SalaryMix((0.5, 0.5), (Lognormal(100000, 0), Lognormal(50000, 0)))
    >>> mix.mean, mix.at_least([60000]).tolist(), mix.draw([0.2, 0.7], [0, 0]).tolist()
    (75000.0, [0.5], [100000.0, 50000.0])
    """

    weights: tuple[float, ...]
    parts: tuple[Lognormal, ...]

    @property
    def median(self) -> float:
        """The weighted mean of the parts' medians (the salary of the expected outcome)."""
        return float(sum(w * p.median for w, p in zip(self.weights, self.parts, strict=True)))

    @property
    def mean(self) -> float:
        """The mean: the parts' means weighted."""
        return float(sum(w * p.mean for w, p in zip(self.weights, self.parts, strict=True)))

    @property
    def varies(self) -> bool:
        return len(self.parts) > 1 or self.parts[0].sigma > 0

    @property
    def top_median(self) -> float:
        return max(p.median for p in self.parts)

    def at_least(self, s: ArrayLike) -> Array:
        """``P(S ≥ s)``: the parts' chances, weighted."""
        out = np.zeros(np.shape(s))
        for w, p in zip(self.weights, self.parts, strict=True):
            out += w * p.at_least(s)
        return out

    def draw(self, u: ArrayLike, z: ArrayLike) -> Array:
        """Salaries for uniform ``u`` (picks the part) and standard normal ``z``."""
        u = np.asarray(u, dtype=float)
        z = np.asarray(z, dtype=float)
        edges = np.cumsum(self.weights)[:-1]
        part = np.searchsorted(edges, u, side="right")
        medians = np.array([p.median for p in self.parts])
        sigmas = np.array([p.sigma for p in self.parts])
        return medians[part] * np.exp(sigmas[part] * z)


def geometric_months(u: ArrayLike, mean: float) -> Array:
    """Whole months to a job, for uniform numbers ``u`` in (0, 1], with the given mean.

    Each month the job is found with the same chance ``h = 1 / (1 + mean)``,
    so ``P(M >= m) = (1 - h)^m`` and ``M = floor(ln u / ln(1 - h))``: a
    larger ``u`` is a shorter search.  The mean is ``mean`` before the cap
    at 120 months (which removes less than 0.001 month for means up to 10).

    >>> geometric_months([1.0, 0.75, 0.5625 - 1e-12], mean=3).tolist()
    [0.0, 1.0, 2.0]
    """
    u = np.asarray(u, dtype=float)
    if mean <= 0:
        return np.zeros(u.shape)
    with np.errstate(divide="ignore"):
        months = np.floor(np.log(u) / math.log(mean / (1.0 + mean)))
    return np.minimum(months, float(MAX_MONTHS_TO_JOB))


def leave_steps(years: float) -> int:
    """Into how many equal steps (about months) a program is cut for a dropout's exit.

    ``max(2, round(12 × years))``: a two-year program has 24 steps, and a
    dropout leaves at one of the 23 boundaries inside it.

    >>> leave_steps(2), leave_steps(0.25), leave_steps(1 / 24)
    (24, 3, 2)
    """
    return max(2, int(math.floor(12.0 * years + 0.5)))


def leave_points(u: ArrayLike, years: float) -> tuple[Array, Array]:
    """When dropouts leave, for uniform numbers ``u`` in [0, 1).

    The program of ``years`` is cut into ``m = leave_steps(years)`` equal
    steps; a dropout leaves at the end of step ``j``, ``j`` equally likely
    to be any of 1 … m−1, so after ``years × j / m`` years (whole months
    when 12 × years is whole) and on average halfway through.

    Returns ``(j, years × j / m)``.

    >>> j, left = leave_points([0.0, 0.5, 0.999], 2)
    >>> j.tolist(), (left * 12).round(9).tolist()
    ([1, 12, 23], [1.0, 12.0, 23.0])
    """
    m = leave_steps(years)
    j = 1 + np.floor(np.asarray(u, dtype=float) * (m - 1)).astype(np.int64)
    return j, years * j / m
