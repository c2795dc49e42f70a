"""What is uncertain about an option, and how: the inputs of the Monte Carlo layer.

:class:`Uncertainty` holds them for one option; :data:`RISK_FIELDS`
describes each like the model's inputs (:mod:`mlworth_xl.model.fields`), so
every face checks and documents them the same way.  Defaults come from the
embedded data: the completion probability follows the option's kind (the
table of defaults by kind, :func:`mlworth_xl.model.data.kind_defaults`: the
completion rate of STEM master's students, Council of Graduate Schools, for
master's programs; illustrative assumptions for bootcamps and self-study;
the least favourable of them for certificates and the kind "other"), the
salary spread is that of data scientists' pay (BLS OEWS).  The definitions of the
draws are in :mod:`mlworth_xl.model.risk`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mlworth_xl.model import data, fields
from mlworth_xl.model.distributions import Lognormal
from mlworth_xl.model.errors import InputError, Problem

JOB_SEARCH = ("geometric", "fixed")

MASTERS_COMPLETION = "completion.stem_masters_within_4_years"
#: The completion-probability figure each kind of option takes by default (from the data's
#: table of defaults by kind).
COMPLETION_BY_KIND: dict[str, str] = {
    kind: str(data.kind_keys(kind)["completion_prob"]) for kind in fields.KINDS
}

Field = fields.Field
#: The uncertainty inputs of an option, described like the model's inputs.
RISK_FIELDS: tuple[fields.Field, ...] = (
    Field(
        "completion_prob",
        "Completion probability",
        "fraction",
        "Chance of finishing. A dropout leaves at the end of a month inside the program (each "
        "as likely), pays the costs up to then and earns no uplift. Empty: the kind's default.",
        default=COMPLETION_BY_KIND["other"],
        low=0,
        high=1,
        by_kind=True,
    ),
    Field(
        "salary_sigma",
        "Salary spread (log sd)",
        "count",
        "Standard deviation of the log of the salary after (lognormal); 0: every placed "
        "graduate earns the median.",
        default="risk.salary_log_sigma",
        low=0,
        high=2,
    ),
    Field(
        "salary_median",
        "Median salary after",
        "usd",
        "Median of the salary after; empty: the option's salary after.",
        default=None,
        low=0,
        high=10_000_000,
        low_open=True,
    ),
    Field(
        "job_search",
        "Months to a job",
        "text",
        "geometric: whole months, the same chance each month, mean months_to_job; fixed: "
        "always months_to_job.",
        default="geometric",
        choices=JOB_SEARCH,
    ),
    Field(
        "random_placement",
        "Draw placement",
        "bool",
        "TRUE: each graduate lands the role or not; FALSE: placement_prob as an expected "
        "value in every draw.",
        default=True,
    ),
    Field(
        "random_role",
        "Draw the role",
        "bool",
        "TRUE: a placed graduate becomes one role of the option's role shares, paid with that "
        "role's spread; FALSE: every placed graduate earns the shares' weighted median, with "
        "the salary spread above.",
        default=True,
    ),
)
RISK = {f.name: f for f in RISK_FIELDS}


def _number_problems(name: str, x: Any) -> list[Problem]:
    spec = RISK[name]
    if isinstance(x, bool) or not isinstance(x, int | float | np.number):
        return [Problem(name, f"{x!r} is not a number; allowed: {spec.allowed()}")]
    return [Problem(name, message) for _, message in fields.check(spec, [x])]


@dataclass(frozen=True)
class Uncertainty:
    """What is uncertain about one option, and how (see the module's definitions).

    >>> Uncertainty().completion_prob, Uncertainty.for_kind("bootcamp").completion_prob
    (0.5, 0.8)
    >>> Uncertainty(completion_prob=66)
    Traceback (most recent call last):
    mlworth_xl.model.errors.InputError: completion_prob: 66 looks like a percentage; ...
    """

    completion_prob: float = data.field_default(RISK["completion_prob"])
    salary_sigma: float = data.field_default(RISK["salary_sigma"])
    salary_median: float | None = None
    job_search: str = "geometric"
    random_placement: bool = True
    random_role: bool = True

    def __post_init__(self) -> None:
        problems = _number_problems("completion_prob", self.completion_prob)
        problems += _number_problems("salary_sigma", self.salary_sigma)
        if self.salary_median is not None:
            problems += _number_problems("salary_median", self.salary_median)
        if self.job_search not in JOB_SEARCH:
            problems.append(
                Problem(
                    "job_search",
                    f"{self.job_search!r} is not allowed; allowed: {RISK['job_search'].allowed()}",
                )
            )
        for name in ("random_placement", "random_role"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                problems.append(Problem(name, f"{getattr(self, name)!r} is not TRUE or FALSE"))
        if problems:
            raise InputError(problems)

    @classmethod
    def none(cls) -> Uncertainty:
        """Nothing uncertain: every draw is the deterministic scenario."""
        return cls(
            completion_prob=1.0,
            salary_sigma=0.0,
            job_search="fixed",
            random_placement=False,
            random_role=False,
        )

    @classmethod
    def for_kind(cls, kind: str, **changes: Any) -> Uncertainty:
        """The defaults for a kind of option (:data:`COMPLETION_BY_KIND`; an unknown kind:
        those of "other"), with ``changes``."""
        return cls(**{"completion_prob": data.kind_default(kind, "completion_prob"), **changes})

    @classmethod
    def from_percentiles(
        cls, p10: float, p90: float, median: float | None = None, **changes: Any
    ) -> Uncertainty:
        """The salary spread fitted to a 10th and 90th percentile (and median, if given).

        Without a median the option's ``salary_after`` is the median and only
        the spread comes from the percentiles.
        """
        fit = Lognormal.from_percentiles(median, p10, p90)
        return cls(**{"salary_sigma": fit.sigma, "salary_median": median, **changes})

    def replace(self, **changes: Any) -> Uncertainty:
        """A copy with ``changes``."""
        return replace(self, **changes)

    def salary(self, salary_after: float) -> Lognormal:
        """The distribution of the salary after of a placed graduate."""
        median = self.salary_median if self.salary_median is not None else salary_after
        return Lognormal(median=float(median), sigma=float(self.salary_sigma))
