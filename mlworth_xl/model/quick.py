"""Single-purpose calculations behind the Excel functions, on the model's definitions.

These answer one question each with few arguments, for a user's own
spreadsheet; :func:`mlworth_xl.model.evaluate.evaluate` answers all of them
for a whole option.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model import loans, metrics, repayment, timeline
from mlworth_xl.model.timeline import Array


def payback_after_job(
    total_cost: ArrayLike,
    salary_before: ArrayLike,
    salary_after: ArrayLike,
    tax_rate: ArrayLike = 0.0,
    growth_before: ArrayLike = 0.0,
    growth_after: ArrayLike = 0.0,
    discount_rate: ArrayLike = 0.0,
    horizon_years: ArrayLike = 40,
) -> Array:
    """Years after starting the new job until the after-tax gain covers ``total_cost``.

    Excel: ``MLWORTH_PAYBACK``.  The flow of year k (k = 1 is the first year
    in the new job) is
    ``(salary_after (1+growth_after)^(k-1) - salary_before (1+growth_before)^(k-1))
    (1 - tax_rate) / (1 + discount_rate)^k``, interpolated linearly inside the
    year; ``nan`` when it never covers the cost within ``horizon_years``.

    Notes
    -----
    With no growth, tax or discounting the payback is
    ``total_cost / (salary_after - salary_before)``.

    Examples
    --------
    $180,000 of cost and a $40,000 raise:

    >>> float(payback_after_job(180000, 60000, 100000))
    4.5
    """
    shape = np.broadcast_shapes(
        *(
            np.shape(a)
            for a in (
                total_cost,
                salary_before,
                salary_after,
                tax_rate,
                growth_before,
                growth_after,
                discount_rate,
                horizon_years,
            )
        )
    )

    def col(a: ArrayLike) -> Array:
        return np.broadcast_to(np.asarray(a, dtype=float), shape)[..., None]

    h = col(horizon_years)
    k = np.arange(1, int(np.max(h)) + 1, dtype=float) if h.size else np.arange(1.0, 2.0)
    gain = col(salary_after) * (1.0 + col(growth_after)) ** (k - 1.0) - col(salary_before) * (
        1.0 + col(growth_before)
    ) ** (k - 1.0)
    flows = np.where(k <= h, gain * (1.0 - col(tax_rate)) / (1.0 + col(discount_rate)) ** k, 0.0)
    return metrics.payback(flows, initial=-np.broadcast_to(np.asarray(total_cost, float), shape))


def income_given_up(
    salary: ArrayLike,
    years: ArrayLike,
    work_fraction: ArrayLike = 0.0,
    tax_rate: ArrayLike = 0.0,
    salary_growth: ArrayLike = 0.0,
    months_to_job: ArrayLike = 0.0,
) -> Array:
    """After-tax income given up while studying and looking for the new job.

    Excel: ``MLWORTH_INCOME_GIVEN_UP``.  The current salary grows yearly; a
    share ``work_fraction`` of it is still earned while away.

    Examples
    --------
    Two years full-time on a $58,260 salary at a 25% tax rate:

    >>> float(income_given_up(58260, 2, tax_rate=0.25))
    87390.0
    """
    shape = np.broadcast_shapes(
        *(
            np.shape(a)
            for a in (salary, years, work_fraction, tax_rate, salary_growth, months_to_job)
        )
    )

    def col(a: ArrayLike) -> Array:
        return np.broadcast_to(np.asarray(a, dtype=float), shape)[..., None]

    end = timeline.job_start(col(years), col(months_to_job))
    y = np.arange(1, int(np.ceil(np.max(end))) + 1 if end.size else 2, dtype=float)
    away = timeline.overlap(0.0, end, y)
    s0 = col(salary) * (1.0 + col(salary_growth)) ** (y - 1.0)
    return ((1.0 - col(tax_rate)) * (1.0 - col(work_fraction)) * away * s0).sum(axis=-1)


def plan_term_years(
    tiered: ArrayLike,
    principal: ArrayLike,
    apr: ArrayLike,
    term_years: ArrayLike = 10,
    deferment_months: ArrayLike = 0,
    capitalize: ArrayLike = True,
) -> Array:
    """Repayment term in years: ``term_years``, or the tiered standard plan's where ``tiered``.

    The tiered plan (loans from 2026-07-01) sets the term by the balance when
    repayment starts, deferment interest included if capitalized.

    Examples
    --------
    $20,000 with 30 months of capitalized interest at 8%: a $24,000 balance, under
    the $25,000 boundary, so 10 years; $21,000 grows to $25,200, so 15 years:

    >>> plan_term_years(True, [20_000, 21_000], 0.08, 10, 30).tolist()
    [10.0, 15.0]
    """
    balance = loans.repayment_balance(principal, apr, deferment_months, capitalize)
    tiers = np.reshape(repayment.tiered_term_years(balance), np.shape(balance))
    return np.where(
        np.asarray(tiered, dtype=bool),
        tiers,
        np.broadcast_to(np.asarray(term_years, dtype=float), np.shape(tiers)),
    )


@cache
def default_scenario() -> dict[str, float]:
    """The default case for functions called with arguments left out.

    The first option of the embedded comparison (a two-year in-person
    master's at Carnegie Mellon's tuition) for the default person, if it is
    completed, as the model evaluates it: its total cost, the person's
    current salary, and the salary after of a graduate as expected
    (``salary_after``): the pay of a placed graduate (``placed_salary``,
    weighted over its role shares, :func:`mlworth_xl.model.roles.salary_after`)
    with the chance of being placed (``placement_prob``), the current salary
    without, so that the raise is the model's ``placement_prob × (placed − current)``.
    """
    from mlworth_xl.model.records import Person, Programs
    from mlworth_xl.model.roles import salary_after

    programs, person = Programs.default(), Person.default()
    outcome = programs.evaluate(person)
    placed = float(salary_after({k: v[:1] for k, v in programs.columns.items()})[0])
    placement = float(programs.columns["placement_prob"][0])
    return {
        "total_cost": float(outcome.total_cost[0]),
        "salary_before": float(person.salary),
        "placed_salary": placed,
        "placement_prob": placement,
        "salary_after": float(person.salary) + placement * (placed - float(person.salary)),
        "tax_rate": float(person.tax_rate),
    }
