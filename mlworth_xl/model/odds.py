"""The odds of an option, exactly: no sampling, the Monte Carlo layer's own scenarios.

:mod:`mlworth_xl.model.risk` draws courses of an option; apart from the
salary they fall into few distinct scenarios (exit month × months to a job
× placed or not), each with a probability that follows from the
definitions of the draws.  In each, the salary ``S`` (lognormal, median
``m``, spread ``σ``) enters linearly, so

- the scenario pays back within ``T`` years exactly when ``S`` is at least
  a threshold ``s_T`` of the scenario, which happens with probability
  ``P(S ≥ s_T) = ½ erfc(ln(s_T / m) / (σ √2))``;
- its NPV is ``a + b S``, with expectation ``a + b m exp(σ² / 2)``.

Summed over the scenarios, weighted by their probabilities, these are the
probability of paying back within the target and the expected NPV of the
simulation, without its sampling error.  The median payback and the 10th
and 90th percentile of the NPV are quantiles of the mixture, found by
bisection on its distribution function (to about 1e-9 of their scale).

The geometric search for a job is cut at the first month after which less
than ``tail`` (1e-12) of the probability is left; that mass is left out and
kept in :attr:`Odds.left_out` (with a mean search of up to ~6.8 months the
cap of 120 months comes first and nothing is left out).

Where the flows are not linear in the salary (an option repaid under RAP
with a salary spread), there is no threshold: the figures are those of the
simulation (:data:`~mlworth_xl.model.risk.DEFAULT_DRAWS` draws, seed
:data:`~mlworth_xl.model.risk.DEFAULT_SEED`) and :attr:`Odds.exact` is False.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlworth_xl.model import risk
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.timeline import Array
from mlworth_xl.model.uncertainty import Uncertainty

__all__ = [
    "LIKELY_FROM",
    "TAIL",
    "UNLIKELY_UP_TO",
    "Odds",
    "odds",
    "odds_programs",
    "payback_probability",
    "verdict",
]

#: The verdict's bounds: Likely from this chance, Unlikely up to the other.
LIKELY_FROM, UNLIKELY_UP_TO = 2.0 / 3.0, 1.0 / 3.0
#: Months to a job are followed until less than this probability is left.
TAIL = 1e-12
#: Bisection steps of a quantile (each halves the bracket).
_STEPS = 200


@dataclass(frozen=True)
class Odds:
    """What one option's uncertain course adds up to.

    ``payback_probability``: the chance of paying back within
    ``target_years`` (years from the first day of study).
    ``median_payback_years``: ``nan`` when half or more never pay back
    within the horizon.  ``exact``: computed from the scenarios (True) or
    taken from the simulation (False, see the module).  ``scenarios``: the
    distinct scenarios summed over; ``left_out``: probability of the months
    to a job left out.
    """

    payback_probability: float
    target_years: float
    median_payback_years: float
    expected_npv: float
    npv_p10: float
    npv_p90: float
    exact: bool
    scenarios: int
    left_out: float


def verdict(probability: float) -> str:
    """The chance of paying back in words: Likely (≥ 2/3), Unlikely (≤ 1/3), else Uncertain.

    >>> verdict(0.7), verdict(0.5), verdict(1 / 3)
    ('Likely', 'Uncertain', 'Unlikely')
    """
    if probability >= LIKELY_FROM:
        return "Likely"
    if probability <= UNLIKELY_UP_TO:
        return "Unlikely"
    return "Uncertain"


def payback_probability(
    program: Mapping[str, Any] | Program | Programs,
    person: Mapping[str, Any] | Person | None = None,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
    *,
    target_years: float | None = None,
    tail: float = TAIL,
    roles: Roles | None = None,
) -> float | Array:
    """The exact chance of paying back within the target (default: the person's).

    ``program`` is one option (a float is returned) or a table of options
    (:class:`Programs`: an array, one per option).  ``uncertainty`` as in
    :func:`mlworth_xl.model.risk.simulate` (for a table, also one per option).

    A master's that pays back in 6.5 years for a graduate who lands the
    $100,000 job, which 80% do:

    >>> payback_probability({"years": 2, "tuition_per_year": 30000, "salary_after": 100000,
    ...                      "placement_prob": 0.8, "months_to_job": 0},
    ...                     {"salary": 60000, "tax_rate": 0, "discount_rate": 0, "savings": 0},
    ...                     Uncertainty.none().replace(random_placement=True), target_years=6.5)
    0.8
    """
    if isinstance(program, Programs):
        return np.array(
            [
                o.payback_probability
                for o in odds_programs(
                    program,
                    person
                    if isinstance(person, Person) or person is None
                    else Person.from_mapping(person),
                    uncertainty,
                    target_years=target_years,
                    tail=tail,
                    quantiles=False,
                    roles=roles,
                )
            ]
        )
    return odds(
        program,
        person,
        # One option takes one Uncertainty (or None); a sequence, one per option, is for a
        # Programs table.  Passing one here fails in odds as it always has, so no check is added.
        uncertainty,  # type: ignore[arg-type]
        target_years=target_years,
        tail=tail,
        quantiles=False,
        roles=roles,
    ).payback_probability


def odds(
    program: Mapping[str, Any] | Program,
    person: Mapping[str, Any] | Person | None = None,
    uncertainty: Uncertainty | None = None,
    *,
    target_years: float | None = None,
    tail: float = TAIL,
    quantiles: bool = True,
    roles: Roles | None = None,
) -> Odds:
    """The :class:`Odds` of one option (``quantiles=False``: skip the median and percentiles)."""
    values, kind = risk._one_option(program, person)
    unc = uncertainty if uncertainty is not None else Uncertainty.for_kind(kind)
    risk._check_run(1, risk.DEFAULT_SEED, target_years)
    target = values["target_payback_years"] if target_years is None else float(target_years)
    return _odds(values, target, unc, tail, quantiles, roles)


def odds_programs(
    programs: Programs,
    person: Person | None = None,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
    *,
    target_years: float | None = None,
    tail: float = TAIL,
    quantiles: bool = True,
    roles: Roles | None = None,
) -> list[Odds]:
    """The :class:`Odds` of every option of a table for a person (uncertainty as in
    :func:`mlworth_xl.model.risk.simulate_programs`)."""
    who = person if person is not None else Person.default()
    programs.validate(who)
    per_option = risk.uncertainties(programs, uncertainty)
    risk._check_run(1, risk.DEFAULT_SEED, target_years)
    arrays = programs.inputs(who)
    return [
        _odds(*risk._row(arrays, i, target_years), unc, tail, quantiles, roles)
        for i, unc in enumerate(per_option)
    ]


class _Mixture:
    """An option's distinct scenarios, their probabilities and what the salary does in each."""

    def __init__(
        self, values: dict[str, float], unc: Uncertainty, tail: float, roles: Roles | None = None
    ):
        self.option = risk._Option(values, unc, roles)
        keys, self.prob, self.left_out = self.option.distribution(tail)
        self.rows = self.option.rows(keys)
        table = self.option.table
        self.salary = self.option.salary
        # rows whose outcome depends on the drawn salary, and the rest (fixed outcomes)
        self.by_salary = (keys % 2 == 1) & self.option.by_salary
        fixed = ~self.by_salary
        self.fixed_prob = self.prob[fixed]
        self.fixed_payback = table["payback"][self.rows[fixed]]
        self.fixed_npv = table["npv"][self.rows[fixed]]
        self.var_rows = self.rows[self.by_salary]
        self.var_prob = self.prob[self.by_salary]
        if self.var_rows.size:
            self.npv_a = table["npv"][self.var_rows]
            self.npv_b = table["npv_per"][self.var_rows]
        self.linear = not (self.option.nonlinear and self.var_rows.size)

    def at_least(self, s: Array) -> Array:
        """P(S ≥ s) for the salary after (a lognormal, or one per role), element by element."""
        return self.salary.at_least(s)

    def paid_back_by(self, years: float) -> float:
        """P(payback ≤ years)."""
        p = float(np.sum(self.fixed_prob[self.fixed_payback <= years]))
        if self.var_rows.size:
            p += float(
                np.dot(self.var_prob, self.at_least(self.option.thresholds(self.var_rows, years)))
            )
        return p

    def npv_at_most(self, x: float) -> float:
        """P(NPV ≤ x)."""
        p = float(np.sum(self.fixed_prob[self.fixed_npv <= x]))
        if self.var_rows.size:
            a, b = self.npv_a, self.npv_b
            with np.errstate(divide="ignore", invalid="ignore"):
                s = (x - a) / b
            below = np.where(
                b > 0,
                1.0 - self.at_least(np.where(b > 0, s, 0.0)),
                np.where(b < 0, self.at_least(np.where(b < 0, s, 0.0)), (a <= x).astype(float)),
            )
            p += float(np.dot(self.var_prob, below))
        return p

    def expected_npv(self) -> float:
        e = float(np.dot(self.fixed_prob, self.fixed_npv))
        if self.var_rows.size:
            e += float(np.dot(self.var_prob, self.npv_a + self.npv_b * self.salary.mean))
        return e


def _smallest(cdf, q: float, lo: float, hi: float, atoms: Array) -> float:
    """The smallest x in (lo, hi] with cdf(x) ≥ q, given cdf(lo) < q ≤ cdf(hi), by bisection.

    ``atoms`` are the values the distribution takes with a positive probability: when the
    bracket closes on one where the cdf reaches ``q``, that value itself is the answer.
    """
    for _ in range(_STEPS):
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi or hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):
            break
        if cdf(mid) >= q:
            hi = mid
        else:
            lo = mid
    inside = atoms[(atoms > lo) & (atoms <= hi)]
    if inside.size and cdf(float(inside.min())) >= q:
        return float(inside.min())
    return hi


def _median_payback(mix: _Mixture, horizon: float) -> float:
    if mix.paid_back_by(0.0) >= 0.5:
        return 0.0
    if mix.paid_back_by(horizon) < 0.5:
        return math.nan
    return _smallest(mix.paid_back_by, 0.5, 0.0, horizon, mix.fixed_payback)


def _npv_quantile(mix: _Mixture, q: float) -> float:
    ends = [*mix.fixed_npv]
    if mix.var_rows.size:
        ends += [*mix.npv_a]
    lo = min(ends) - 1.0
    hi = max(ends) + 1.0
    scale = max(1.0, abs(lo), abs(hi))
    if mix.var_rows.size:
        scale = max(scale, float(np.max(np.abs(mix.npv_b))) * mix.salary.top_median)
    while mix.npv_at_most(lo) >= q:
        lo -= scale
        scale *= 2.0
    scale = max(1.0, abs(hi))
    while mix.npv_at_most(hi) < q:
        hi += scale
        scale *= 2.0
    return _smallest(mix.npv_at_most, q, lo, hi, mix.fixed_npv)


def _odds(
    values: dict[str, float],
    target: float,
    unc: Uncertainty,
    tail: float,
    quantiles: bool,
    roles: Roles | None = None,
) -> Odds:
    mix = _Mixture(values, unc, tail, roles)
    scenarios = len(mix.prob)
    if not mix.linear:
        return _simulated(values, target, unc, scenarios, roles)
    nan = math.nan
    return Odds(
        payback_probability=mix.paid_back_by(target),
        target_years=target,
        median_payback_years=(_median_payback(mix, values["horizon_years"]) if quantiles else nan),
        expected_npv=mix.expected_npv(),
        npv_p10=_npv_quantile(mix, 0.1) if quantiles else nan,
        npv_p90=_npv_quantile(mix, 0.9) if quantiles else nan,
        exact=True,
        scenarios=scenarios,
        left_out=mix.left_out,
    )


def _simulated(
    values: dict[str, float],
    target: float,
    unc: Uncertainty,
    scenarios: int,
    roles: Roles | None = None,
) -> Odds:
    entropy = risk._check_run(risk.DEFAULT_DRAWS, risk.DEFAULT_SEED, None)
    r = risk._simulate(values, target, unc, risk.DEFAULT_DRAWS, entropy, None, roles)
    p10, p90 = r.npv_percentiles((10, 90))
    return Odds(
        payback_probability=r.payback_probability(),
        target_years=target,
        median_payback_years=float(r.payback_percentiles([50])[0]),
        expected_npv=r.mean_npv,
        npv_p10=float(p10),
        npv_p90=float(p90),
        exact=False,
        scenarios=scenarios,
        left_out=0.0,
    )
