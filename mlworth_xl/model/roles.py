"""The role table: what graduates become, what each role pays, and how an option splits them.

A graduate who lands a new role (``placement_prob``) becomes one of the
roles of the table with the option's share of it (``share_<role>``, see
:data:`mlworth_xl.model.fields.SHARE_FIELDS`).  An option's shares add up
to 1, or are all 0: then every placed graduate earns the option's
``salary_after`` (:func:`share_problems` refuses any other sum).  Those not
placed stay in the current kind of job (the counterfactual, ``1 -
placement_prob``).  So over all graduates the outcomes are (``Σ shares``
being 1 or 0)::

    role r                 placement_prob × share_r
    the salary after       placement_prob × (1 - Σ shares)
    stays in current job   1 - placement_prob

and they add up to 1.  Each role's pay is lognormal, fitted to the median
and the 10th and 90th percentiles of its occupation in the US Bureau of
Labor Statistics' OEWS (:meth:`Role.salary`).

The deterministic model (:func:`mlworth_xl.model.evaluate.evaluate`)
reads the placed graduate's salary as the shares' weighted median
(:func:`salary_after`); the Monte Carlo layer and the exact odds draw the
role, then the salary in it (:func:`salary_mix`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model import data, fields
from mlworth_xl.model.distributions import Z90, Lognormal, SalaryMix
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.timeline import Array

__all__ = [
    "SHARES_ALLOWED",
    "SHARE_TOLERANCE",
    "Role",
    "Roles",
    "salary_after",
    "salary_mix",
    "share_problems",
]

#: Shares may add up to 1 give or take this much (rounding of typed fractions such as 1/3);
#: a sum within it of 0 counts as all 0.
SHARE_TOLERANCE = 1e-9
#: What the role shares of an option may add up to, in words.
SHARES_ALLOWED = (
    "role shares that add up to 1, or all 0 (then every placed graduate earns the salary after)"
)


@dataclass(frozen=True)
class Role:
    """One role: its pay as a median and a 10th and 90th percentile (yearly, today's dollars).

    ``sources`` names the figures they come from (keys of the embedded data).

    >>> r = Role("data_scientist", "Data scientist", 112590, 63650, 194410)
    >>> round(r.sigma, 4), round(r.salary().median)
    (0.4356, 112590)
    """

    key: str
    label: str
    median: float
    p10: float
    p90: float
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"role {self.key}"
        problems = []
        for name in ("median", "p10", "p90"):
            x = getattr(self, name)
            if (
                isinstance(x, bool)
                or not isinstance(x, int | float | np.number)
                or not (math.isfinite(x) and 0 < x <= 10_000_000)
            ):
                problems.append(
                    Problem(
                        name,
                        f"{x!r} is not allowed; allowed: a number above 0 and at most 10,000,000",
                        source=where,
                    )
                )
        if not problems and not self.p10 <= self.median <= self.p90:
            problems.append(
                Problem(
                    "p10",
                    f"the pay must rise: 10th percentile {self.p10:,.0f} "
                    f"≤ median {self.median:,.0f} ≤ 90th percentile "
                    f"{self.p90:,.0f}",
                    source=where,
                )
            )
        if problems:
            raise InputError(problems)

    @property
    def sigma(self) -> float:
        """Spread of the log of pay: ``ln(p90 / p10) / (2 × 1.28155)`` (0: one salary)."""
        return math.log(self.p90 / self.p10) / (2.0 * Z90)

    def salary(self) -> Lognormal:
        """The pay of a graduate in the role: lognormal with the role's median and spread."""
        return Lognormal(median=float(self.median), sigma=self.sigma)


@dataclass(frozen=True)
class Roles:
    """The role table, one :class:`Role` per key of :data:`~mlworth_xl.model.fields.ROLE_LABELS`.

    >>> Roles.default().get("software_engineer").median
    133080
    """

    roles: tuple[Role, ...]

    def __post_init__(self) -> None:
        keys = tuple(r.key for r in self.roles)
        if keys != tuple(fields.ROLE_LABELS):
            raise InputError.single(
                "roles",
                "the role table must hold "
                f"{', '.join(fields.ROLE_LABELS)} in this order, got "
                f"{', '.join(keys) or 'none'}",
            )

    @classmethod
    def default(cls, preset: str | None = None) -> Roles:
        """The embedded role table (``preset``: see :data:`mlworth_xl.model.data.PRESETS`)."""
        out = []
        for key, entry in data.role_entries(preset).items():
            figs = {k: entry[k] for k in ("median", "p10", "p90")}
            out.append(
                Role(
                    key,
                    fields.ROLE_LABELS[key],
                    **{k: data.resolve(v) for k, v in figs.items()},
                    sources=tuple(dict.fromkeys(figs.values())),
                )
            )
        return cls(tuple(out))

    @classmethod
    def from_rows(cls, rows: Mapping[str, Mapping[str, Any]], base: Roles | None = None) -> Roles:
        """A table with ``rows`` (role key → median/p10/p90) replacing those of ``base``.

        An unknown role is an :class:`InputError` naming the roles there are.
        """
        base = base if base is not None else cls.default()
        unknown = [k for k in rows if k not in fields.ROLE_LABELS]
        if unknown:
            raise InputError(
                [
                    Problem(
                        "role", f"{k!r} is not a role; roles are: " + ", ".join(fields.ROLE_LABELS)
                    )
                    for k in unknown
                ]
            )
        return cls(
            tuple(
                replace(
                    r,
                    **{
                        k: v
                        for k, v in rows.get(r.key, {}).items()
                        if k in ("median", "p10", "p90")
                    },
                )
                for r in base.roles
            )
        )

    def get(self, key: str) -> Role:
        """The role ``key``."""
        for r in self.roles:
            if r.key == key:
                return r
        raise InputError.single(
            "role", f"{key!r} is not a role; roles are: " + ", ".join(fields.ROLE_LABELS)
        )

    @property
    def medians(self) -> Array:
        return np.array([float(r.median) for r in self.roles])


def shares(values: Mapping[str, ArrayLike]) -> Array:
    """The role shares of scenarios, shape (scenarios, roles); absent fields count as 0."""
    cols = [
        np.atleast_1d(np.asarray(values.get(name, 0.0), dtype=float))
        for name in fields.SHARE_FIELDS
    ]
    return np.stack(np.broadcast_arrays(*cols), axis=1)


def salary_after(values: Mapping[str, ArrayLike], roles: Roles | None = None) -> Array:
    """The salary of a placed graduate in the deterministic model: the shares' weighted median.

    ``(1 - Σ shares) × salary_after + Σ share_r × median_r``: with no shares,
    the option's own salary after.

    >>> float(salary_after({"salary_after": 100000, "share_data_scientist": 0.5},
    ...                    Roles.default())[0])
    106295.0
    """
    table = roles if roles is not None else Roles.default()
    s = shares(values)
    own = np.atleast_1d(np.asarray(values["salary_after"], dtype=float))
    if not s.any():
        return own
    return (1.0 - s.sum(axis=1)) * own + s @ table.medians


def salary_mix(
    values: Mapping[str, float], own: Lognormal, roles: Roles | None = None, draw_role: bool = True
) -> Lognormal | SalaryMix:
    """The salary after of one option's placed graduate: ``own`` for the rest, a role's pay
    for each share (parts of weight 0 are left out).

    ``draw_role`` False: one lognormal, the shares' weighted median (``own``'s median for
    the rest) with ``own``'s spread.
    """
    table = roles if roles is not None else Roles.default()
    s = shares(values)[0]
    if not s.any():
        return own
    if not draw_role:
        median = (1.0 - float(s.sum())) * own.median + float(s @ table.medians)
        return Lognormal(median=median, sigma=own.sigma)
    weights = [1.0 - float(s.sum())] + [float(x) for x in s]
    parts = [own] + [r.salary() for r in table.roles]
    kept = [(w, p) for w, p in zip(weights, parts, strict=True) if w > 0]
    if len(kept) == 1:
        return kept[0][1]
    total = sum(w for w, _ in kept)
    return SalaryMix(tuple(w / total for w, _ in kept), tuple(p for _, p in kept))


def share_problems(
    values: Mapping[str, ArrayLike], row: Any = None, source: str | None = None
) -> list[Problem]:
    """Options whose role shares neither add up to 1 nor are all 0 (each share is checked
    as a field).

    >>> print(share_problems({"share_ml_engineer": 0.7})[0].message)
    add up to 0.7 (share_ml_engineer 0.7); allowed: role shares that add up to 1, or all 0
    (then every placed graduate earns the salary after)
    >>> share_problems({"share_ml_engineer": 0.7, "share_data_scientist": 0.3})
    []
    """
    s = shares(values)
    total = s.sum(axis=1)
    each_allowed = np.all((s >= 0) & (s <= 1), axis=1)  # else reported share by share
    bad = np.flatnonzero(
        each_allowed & (total > SHARE_TOLERANCE) & (np.abs(total - 1.0) > SHARE_TOLERANCE)
    )
    scalar = all(np.ndim(values.get(n, 0.0)) == 0 for n in fields.SHARE_FIELDS)
    out = []
    for i in bad:
        given = ", ".join(f"{n} {x:g}" for n, x in zip(fields.SHARE_FIELDS, s[i], strict=True) if x)
        out.append(
            Problem(
                "role shares",
                f"add up to {total[i]:g} ({given}); allowed: {SHARES_ALLOWED}",
                None if scalar or row is None else row(int(i)),
                source,
            )
        )
    return out


def role_names(names: Sequence[str]) -> list[Problem]:
    """Problems of column names that look like a role share of a role the table lacks."""
    return [
        Problem(
            n, f"{n[len('share_') :]!r} is not a role; roles are: " + ", ".join(fields.ROLE_LABELS)
        )
        for n in names
        if n.startswith("share_") and n not in fields.SHARE_FIELDS
    ]
