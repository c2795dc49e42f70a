"""How likely is an option to pay back?  The Monte Carlo layer on the model.

Each draw is one possible course of one option for one person, and each is
a deterministic scenario of :func:`mlworth_xl.model.evaluate.evaluate`:

1. **Completion**: with probability ``completion_prob`` the person finishes.
   A dropout leaves at the end of one of the months inside the program, each
   as likely (:func:`~mlworth_xl.model.distributions.leave_points`): the
   scenario is the program cut short (``years`` = the time spent), so the
   dropout pays tuition, living costs, income given up and loan interest up
   to then, and the whole of anything paid at the start, and earns no
   uplift (``placement_prob`` 0).
2. **Months to a job** ``M``: ``job_search="geometric"`` draws whole months
   with the same chance each month and mean = the option's
   ``months_to_job``; ``"fixed"`` uses ``months_to_job`` itself.  Everyone
   who leaves study, graduate or dropout, spends ``M`` months looking,
   earning ``work_fraction`` of the old salary, as the deterministic model
   has it.
3. **Placement**: a graduate lands the target role with probability
   ``placement_prob`` (the draw has ``placement_prob`` 1), or goes back to
   the current salary path (``placement_prob`` 0).  With
   ``random_placement=False`` every draw keeps ``placement_prob`` as an
   expected value instead.
4. **Salary after** of a placed graduate: lognormal, median
   ``salary_median`` (by default the option's ``salary_after``), spread
   ``salary_sigma`` (:class:`~mlworth_xl.model.distributions.Lognormal`).

Each draw's payback (years from the first day of study; ``nan`` when it
never pays back within the horizon) and NPV are those the model gives its
scenario.  With :meth:`Uncertainty.none` every draw *is* the deterministic
scenario.  The flows are linear in ``placement_prob`` and in
``salary_after``, so the mean NPV over draws where only placement and the
salary are random equals the deterministic NPV at ``placement_prob`` and
``salary_after`` = the lognormal's mean.

How it is fast: apart from the salary, the draws of an option fall into few
distinct scenarios (exit month × months to a job × placed or not; a few
thousand at most).  Each is evaluated once by the model's own code; a
draw's salary ``S`` then enters by linearity: NPV = fixed + S × per-dollar,
and the cumulative flow of year k is below zero exactly when S is below a
threshold of that year, so the payback year is found by a binary search.

Randomness: one numpy ``Generator`` per variable, spawned from
``SeedSequence(seed)`` and consumed in order, so results depend only on
the seed and the number of draws; every option of a table is simulated
with the same seed (common random numbers: draw i is the same luck in each
option, so differences between options are not noise).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model import data, fields
from mlworth_xl.model.distributions import (
    MAX_MONTHS_TO_JOB,
    SalaryMix,
    geometric_months,
    leave_points,
    leave_steps,
)
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.evaluate import inputs_with_defaults, salary_split, validate
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.roles import Roles, salary_mix
from mlworth_xl.model.timeline import Array, BoolArray, IntArray
from mlworth_xl.model.uncertainty import Uncertainty

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "RiskResult",
    "Uncertainty",
    "draw_scenarios",
    "iter_simulations",
    "simulate",
    "simulate_programs",
]

DEFAULT_SEED = 2026
DEFAULT_DRAWS = 100_000
#: At most this many draws per option (each holds ~18 bytes of results).
MAX_DRAWS = 10_000_000
#: Draws simulated at a time (bounds memory; progress is reported after each).
CHUNK_DRAWS = 131_072


@dataclass(frozen=True)
class RiskResult:
    """The draws of one option: per-draw payback and NPV, and what they add up to.

    ``payback_years`` is ``nan`` where the draw never pays back within the
    horizon.  ``placed`` marks graduates who landed the role (with placement
    as an expected value, every graduate).
    """

    payback_years: Array
    npv: Array
    completed: BoolArray
    placed: BoolArray
    seed: int
    target_years: float
    horizon_years: float
    uncertainty: Uncertainty

    @property
    def draws(self) -> int:
        """Number of draws."""
        return len(self.npv)

    def payback_probability(self, n_years: float | None = None) -> float:
        """Share of draws that pay back within ``n_years`` (default: the target)."""
        n = self.target_years if n_years is None else n_years
        return float(np.count_nonzero(self.payback_years <= n)) / self.draws

    @property
    def never_share(self) -> float:
        """Share of draws that never pay back within the horizon."""
        return float(np.count_nonzero(np.isnan(self.payback_years))) / self.draws

    def payback_percentiles(self, q: ArrayLike = (10, 50, 90)) -> Array:
        """Percentiles of the payback, each one of the draws (``nan``: never, within the horizon).

        "Never" ranks after every number of years, so the 90th percentile is
        ``nan`` when more than 10% of draws never pay back.
        """
        x = np.where(np.isnan(self.payback_years), np.inf, self.payback_years)
        out = np.percentile(x, np.asarray(q, dtype=float), method="inverted_cdf")
        return np.where(np.isinf(out), np.nan, out)

    def npv_percentiles(self, q: ArrayLike = (10, 50, 90)) -> Array:
        """Percentiles of the NPV; each is one of the draws (the empirical quantile)."""
        return np.percentile(self.npv, np.asarray(q, dtype=float), method="inverted_cdf")

    @property
    def mean_npv(self) -> float:
        """Average NPV over the draws (the expected NPV, up to sampling error)."""
        return float(np.mean(self.npv))

    def standard_error(self, share: float) -> float:
        """Sampling standard error of a share of the draws: sqrt(p (1 − p) / draws)."""
        return math.sqrt(share * (1.0 - share) / self.draws)


def simulate(
    program: Mapping[str, Any] | Program,
    person: Mapping[str, Any] | Person | None = None,
    uncertainty: Uncertainty | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    target_years: float | None = None,
    progress: Callable[[int], None] | None = None,
    roles: Roles | None = None,
) -> RiskResult:
    """Simulate one option ``draws`` times.

    Parameters
    ----------
    program : mapping or Program
        The option's inputs (figure keys allowed); its ``kind`` (default "other") picks the
        defaults of the inputs left out that follow it (placement, months to a job, role
        shares: :func:`mlworth_xl.model.data.fill_by_kind`) and the default uncertainty
        (:meth:`Uncertainty.for_kind`).
    person : mapping, Person or None
        The person (None: the embedded default person).
    uncertainty : Uncertainty, optional
        What is uncertain; default: the defaults for the option's kind.
    draws, seed : int
        Number of draws and the seed (None: a fresh one, kept in the result).
    target_years : float, optional
        The payback that counts as success; default the person's target.
    roles : Roles, optional
        The role table the option's role shares refer to (default: the embedded one).
    progress : callable, optional
        Called after each chunk of draws with the number just done.

    Examples
    --------
    A master's that pays back in 6.5 years for a graduate who lands the
    $100,000 job; 80% do, the others never pay it back:

    >>> r = simulate({"years": 2, "tuition_per_year": 30000, "salary_after": 100000,
    ...               "placement_prob": 0.8, "months_to_job": 0},
    ...              {"salary": 60000, "tax_rate": 0, "discount_rate": 0, "savings": 0},
    ...              Uncertainty.none().replace(random_placement=True), draws=10000, seed=1)
    >>> r.payback_probability(6.5), r.never_share
    (0.7992, 0.2008)
    """
    values, kind = _one_option(program, person)
    unc = uncertainty if uncertainty is not None else Uncertainty.for_kind(kind)
    entropy = _check_run(draws, seed, target_years)
    target = values["target_payback_years"] if target_years is None else float(target_years)
    return _simulate(values, target, unc, draws, entropy, progress, roles)


def simulate_programs(
    programs: Programs,
    person: Person | None = None,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    target_years: float | None = None,
    progress: Callable[[int], None] | None = None,
    roles: Roles | None = None,
) -> list[RiskResult]:
    """Simulate every option of a table for a person, each with the same seed.

    ``uncertainty`` is one for all options, one per option, or None for the
    defaults of each option's kind.  ``progress`` is called after each chunk
    with the number of draws just done (``draws × len(programs)`` in all).
    """
    return list(
        iter_simulations(
            programs,
            person,
            uncertainty,
            draws=draws,
            seed=seed,
            target_years=target_years,
            progress=progress,
            roles=roles,
        )
    )


def uncertainties(
    programs: Programs, uncertainty: Uncertainty | Sequence[Uncertainty] | None
) -> list[Uncertainty]:
    """One :class:`Uncertainty` per option: the kind's defaults, one for all, or one each."""
    if uncertainty is None:
        return [Uncertainty.for_kind(k) for k in programs.kinds]
    if isinstance(uncertainty, Uncertainty):
        return [uncertainty] * len(programs)
    per_option = list(uncertainty)
    if len(per_option) != len(programs):
        raise InputError.single(
            "uncertainty", f"give one per option: got {len(per_option)} for {len(programs)} options"
        )
    return per_option


def iter_simulations(
    programs: Programs,
    person: Person | None = None,
    uncertainty: Uncertainty | Sequence[Uncertainty] | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    target_years: float | None = None,
    progress: Callable[[int], None] | None = None,
    roles: Roles | None = None,
) -> Iterator[RiskResult]:
    """:func:`simulate_programs` one option at a time, so only one option's draws are held.

    The whole table is checked before the first option is simulated.
    """
    who = person if person is not None else Person.default()
    programs.validate(who)
    per_option = uncertainties(programs, uncertainty)
    entropy = _check_run(draws, seed, target_years)
    arrays = programs.inputs(who)
    return (
        _simulate(*_row(arrays, i, target_years), unc, draws, entropy, progress, roles)
        for i, unc in enumerate(per_option)
    )


def _row(
    arrays: Mapping[str, Array], i: int, target_years: float | None
) -> tuple[dict[str, float], float]:
    values = {k: float(np.atleast_1d(a)[i]) for k, a in arrays.items()}
    return values, values["target_payback_years"] if target_years is None else float(target_years)


def draw_scenarios(
    program: Mapping[str, Any] | Program,
    person: Mapping[str, Any] | Person | None = None,
    uncertainty: Uncertainty | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    roles: Roles | None = None,
) -> dict[str, Array]:
    """The draws of :func:`simulate` as the model's scenarios, one element per draw.

    ``evaluate(draw_scenarios(...), check=False)`` gives each draw every
    outcome of the model (IRR, discounted payback …), the slow way; the
    payback and NPV equal :func:`simulate`'s for the same seed.  (A drawn
    salary may exceed the model's input range, hence ``check=False``.)
    """
    values, kind = _one_option(program, person)
    unc = uncertainty if uncertainty is not None else Uncertainty.for_kind(kind)
    entropy = _check_run(draws, seed, None)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(entropy).spawn(6)]
    option = _Option(values, unc, roles)
    parts = [
        option.scenarios(*option.draw(streams, min(CHUNK_DRAWS, draws - start))[1:])
        for start in range(0, draws, CHUNK_DRAWS)
    ]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _one_option(
    program: Mapping[str, Any] | Program, person: Mapping[str, Any] | Person | None
) -> tuple[dict[str, float], str]:
    if isinstance(program, Program):
        program = asdict(program)
    given = {k: data.resolve(v) for k, v in program.items() if k != "name"}
    kind = given.pop("kind", "other")
    if kind not in fields.KINDS:
        raise InputError.single(
            "kind", f"{kind!r} is not allowed; allowed: " + fields.PROGRAM["kind"].allowed()
        )
    given = {k: v for k, v in given.items() if not (k in fields.KIND_FIELDS and v is None)}
    given.update(data.fill_by_kind(kind, given))  # placement, search, shares: the kind's
    if person is None:
        person = Person.default()
    person_values = asdict(person) if isinstance(person, Person) else dict(person)
    arrays = inputs_with_defaults(
        {**given, **{k: data.resolve(v) for k, v in person_values.items()}}
    )
    if any(np.ndim(a) for a in arrays.values()):
        raise InputError.single(
            "inputs", "simulate takes one option (scalars); for a table use simulate_programs"
        )
    problems = validate(arrays)
    if problems:
        raise InputError(problems)
    return {k: float(a) for k, a in arrays.items()}, kind


def _check_run(draws: int, seed: int | None, target_years: float | None) -> int:
    problems = []
    if (
        isinstance(draws, bool)
        or not isinstance(draws, int | np.integer)
        or not (1 <= draws <= MAX_DRAWS)
    ):
        problems.append(
            Problem(
                "draws",
                f"{draws!r} is not allowed; allowed: a whole number from 1 to {MAX_DRAWS:,}",
            )
        )
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        problems.append(Problem("seed", f"{seed!r} is not allowed; allowed: a whole number from 0"))
    if target_years is not None and not (
        isinstance(target_years, int | float | np.number) and 0 < target_years <= 80
    ):
        problems.append(
            Problem(
                "target_years",
                f"{target_years!r} is not allowed; allowed: a number above 0 and at most 80",
            )
        )
    if problems:
        raise InputError(problems)
    entropy = np.random.SeedSequence(seed).entropy
    # the seed itself (a whole number) or, for None, fresh entropy: never a sequence or None
    assert isinstance(entropy, int | np.integer)
    return int(entropy)


def _simulate(
    values: dict[str, float],
    target: float,
    unc: Uncertainty,
    draws: int,
    entropy: int,
    progress: Callable[[int], None] | None,
    roles: Roles | None = None,
) -> RiskResult:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(entropy).spawn(6)]
    option = _Option(values, unc, roles)
    parts = []
    for start in range(0, draws, CHUNK_DRAWS):
        n = min(CHUNK_DRAWS, draws - start)
        parts.append(option.run(streams, n))
        if progress is not None:
            progress(n)
    payback, npv, completed, placed = (np.concatenate(p) for p in zip(*parts, strict=True))
    return RiskResult(
        payback_years=payback,
        npv=npv,
        completed=completed,
        placed=placed,
        seed=entropy,
        target_years=target,
        horizon_years=values["horizon_years"],
        uncertainty=unc,
    )


_MONTHS = MAX_MONTHS_TO_JOB + 1
#: Draws evaluated at once where the salary cannot be applied by linearity (bounds memory).
_EXACT_CHUNK = 8_192


class _Option:
    """One option's draws: distinct scenarios evaluated once, salaries applied by linearity.

    A scenario is keyed by (exit step j, 0 for a graduate; months to a job;
    placed or not).  Its rows in the tables hold the model's payback and NPV
    at the median salary and, when the salary varies, the pieces that turn a
    salary into a payback and an NPV.
    """

    def __init__(self, values: dict[str, float], unc: Uncertainty, roles: Roles | None = None):
        self.values = values
        self.unc = unc
        self.roles = roles
        self.steps = leave_steps(values["years"])
        self.salary = salary_mix(values, unc.salary(values["salary_after"]), roles, unc.random_role)
        self.by_salary = self.salary.varies
        self.place = 1.0 if unc.random_placement else values["placement_prob"]
        # Index arrays are np.intp throughout: under Pyodide (wasm32) that is 32-bit, and
        # bincount, take and indexing refuse int64 indices there.
        self.row_of = np.full(self.steps * _MONTHS * 2, -1, dtype=np.intp)
        self.table: dict[str, Array] = {}
        # Under RAP the loan's cost depends on the income, so flows are not linear in the
        # salary: such draws are evaluated one by one at their own salary.
        self.nonlinear = False

    def draw(
        self, streams: list[np.random.Generator], n: int
    ) -> tuple[BoolArray, IntArray, IntArray, BoolArray, Array]:
        """The next ``n`` draws: completed, exit step, months to a job, placed, salary if placed.

        The exit step is 0 for a graduate; the months are 0 with a fixed search.  The
        role of a placed graduate is drawn from a sixth stream, only when there are
        role shares (so an option without them draws as it always has).
        """
        u_done, u_leave, u_place, u_months = (s.random(n) for s in streams[:4])
        z = streams[4].standard_normal(n)
        u_role = streams[5].random(n) if isinstance(self.salary, SalaryMix) else z
        salary = self.salary.draw(u_role, z)
        completed = u_done < self.unc.completion_prob
        step = np.where(completed, 0, leave_points(u_leave, self.values["years"])[0]).astype(
            np.intp
        )
        if self.unc.job_search == "geometric":
            months = geometric_months(1.0 - u_months, self.values["months_to_job"])
            month = months.astype(np.intp)
        else:
            month = np.zeros(n, dtype=np.intp)
        placed = (
            completed & (u_place < self.values["placement_prob"])
            if (self.unc.random_placement)
            else completed
        )
        return completed, step, month, placed, salary

    def scenarios(
        self, step: IntArray, month: IntArray, placed: BoolArray | IntArray, salary: Array
    ) -> dict[str, Array]:
        """The model's inputs of draws, one element per draw."""
        years = self.values["years"]
        out = {k: np.full(len(step), v) for k, v in self.values.items()}
        out["years"] = np.where(step == 0, years, years * step / self.steps)
        if self.unc.job_search == "geometric":
            out["months_to_job"] = month.astype(float)
        out["placement_prob"] = placed * self.place
        out["salary_after"] = np.where(placed, salary, self.salary.median)
        for name in fields.SHARE_FIELDS:  # the draw has chosen the role: its salary is the draw's
            out[name] = np.zeros(len(step))
        return out

    def run(
        self, streams: list[np.random.Generator], n: int
    ) -> tuple[Array, Array, BoolArray, BoolArray]:
        completed, step, month, placed, salary = self.draw(streams, n)
        key = (step * _MONTHS + month) * 2 + placed
        present = np.flatnonzero(np.bincount(key, minlength=len(self.row_of)))
        new = present[self.row_of[present] < 0]
        if new.size:
            self._add(new)
        row = self.row_of[key]
        payback, npv = self.table["payback"][row], self.table["npv"][row]
        paid = np.flatnonzero(placed)
        if self.by_salary and paid.size and self.nonlinear:
            payback[paid], npv[paid] = self._exact(step[paid], month[paid], salary[paid])
        elif self.by_salary and paid.size:
            payback[paid], npv[paid] = self._with_salary(row[paid], salary[paid])
        return payback, npv, completed, placed

    def _exact(self, step: IntArray, month: IntArray, salary: Array) -> tuple[Array, Array]:
        """Payback and NPV of placed draws evaluated by the model at their own salary."""
        payback, npv = np.empty(len(step)), np.empty(len(step))
        for s in range(0, len(step), _EXACT_CHUNK):
            part = slice(s, s + _EXACT_CHUNK)
            split = salary_split(
                self.scenarios(
                    step[part], month[part], np.ones(len(step[part]), dtype=bool), salary[part]
                )
            )
            payback[part], npv[part] = split.payback, split.npv
        return payback, npv

    def _add(self, keys: IntArray) -> None:
        """Evaluate the scenarios of new keys with the model and append their rows."""
        scenario = self.scenarios(
            keys // 2 // _MONTHS,
            keys // 2 % _MONTHS,
            keys % 2,
            np.full(len(keys), self.salary.median),
        )
        if self.by_salary:
            scenario["salary_after"] = np.zeros(len(keys))
        split = salary_split(scenario)
        self.nonlinear |= not bool(np.all(split.linear))
        rows = {"payback": split.payback, "npv": split.npv}
        if self.by_salary:  # salary 0 in the scenario: the flow is the fixed part
            fixed, per = split.flow, split.per_salary
            cum, cum_per = np.cumsum(fixed, axis=1), np.cumsum(per, axis=1)
            threshold = _threshold(cum, cum_per)  # cumulative of year k < 0 ⟺ salary below it
            rows.update(
                fixed=fixed,
                per=per,
                cum=cum,
                cum_per=cum_per,
                npv_per=split.npv_per_salary,
                # largest threshold of year k or later, stored backwards (ascending)
                ascending=np.maximum.accumulate(threshold[:, ::-1], axis=1),
            )
        first = len(self.table.get("npv", ()))
        self.row_of[keys] = first + np.arange(len(keys), dtype=np.intp)
        for name, value in rows.items():
            old = self.table.get(name)
            self.table[name] = value if old is None else np.concatenate((old, value))

    def distribution(self, tail: float = 0.0) -> tuple[IntArray, Array, float]:
        """Every distinct scenario the draws fall in: ``(keys, probabilities, mass left out)``.

        The probabilities are those :meth:`draw` gives each key (the salary
        aside).  Months to a job past the first month ``m`` with
        ``P(M > m) < tail`` are left out, and their mass ``P(M > m)`` is
        returned; with ``tail`` 0 (or when ``m`` reaches the cap of 120
        months, which holds the rest) nothing is left out.
        """
        c, m = self.unc.completion_prob, self.steps
        mean = self.values["months_to_job"]
        if self.unc.job_search == "geometric" and mean > 0:
            q = mean / (1.0 + mean)
            months = np.arange(_MONTHS)
            p_month = q**months * (1.0 - q)
            p_month[-1] = q**MAX_MONTHS_TO_JOB  # the cap holds every longer search
            beyond = q ** (months + 1.0)  # P(M > month) before the cap
            last = (
                int(np.argmax(beyond < tail))
                if tail > 0 and beyond[-2] < tail
                else (MAX_MONTHS_TO_JOB)
            )
            left = float(beyond[last]) if last < MAX_MONTHS_TO_JOB else 0.0
            months, p_month = months[: last + 1], p_month[: last + 1]
        else:
            months, p_month, left = np.zeros(1, dtype=np.intp), np.ones(1), 0.0
        p_place = self.values["placement_prob"] if self.unc.random_placement else 1.0
        graduate = [(1, c * p_place), (0, c * (1.0 - p_place))]
        keys, prob = [], []
        for placed, share in graduate:
            keys.append(months * 2 + placed)
            prob.append(share * p_month)
        steps = np.arange(1, m)
        keys.append(((steps[:, None] * _MONTHS + months[None, :]) * 2).ravel())
        prob.append(((1.0 - c) / (m - 1) * p_month[None, :]).repeat(len(steps), axis=0).ravel())
        key, p = np.concatenate(keys), np.concatenate(prob)
        keep = p > 0
        return key[keep], p[keep], left

    def rows(self, keys: IntArray) -> IntArray:
        """The rows of scenarios ``keys`` in the tables, evaluating those not yet there."""
        new = np.unique(keys[self.row_of[keys] < 0])
        if new.size:
            self._add(new)
        return self.row_of[keys]

    def thresholds(self, rows: IntArray, years: float) -> Array:
        """Per row, the salary from which its scenario pays back within ``years``.

        For placed rows of an option whose flows are linear in the salary:
        the payback :meth:`_with_salary` gives a salary ``S`` is at most
        ``years`` exactly when ``S`` is at least the threshold (``inf``:
        never, ``-inf``: always).  With ``years`` = k + w (k whole, 0 ≤ w <
        1) that is: every cumulative flow from year k + 1 on is at least 0,
        and so is the cumulative at ``years`` read on the line between the
        cumulatives of years k and k + 1 (the interpolation of the payback);
        for k = 0 the payback is 0, every cumulative at least 0; past the
        horizon, the last cumulative at least 0.
        """
        t = self.table
        horizon = t["cum"].shape[1]
        ascending = t["ascending"][rows]
        if years >= horizon:
            return ascending[:, 0]
        k = int(math.floor(years))
        if k == 0:
            return ascending[:, horizon - 1]
        w = years - k
        at = _threshold(
            t["cum"][rows, k - 1] + w * t["fixed"][rows, k],
            t["cum_per"][rows, k - 1] + w * t["per"][rows, k],
        )
        return np.maximum(ascending[:, horizon - 1 - k], at)

    def _with_salary(self, row: IntArray, salary: Array) -> tuple[Array, Array]:
        """Payback and NPV of placed draws at their own salary."""
        t = self.table
        horizon = t["cum"].shape[1]
        below = np.empty(len(row), dtype=np.intp)  # years whose cumulative is below zero, …
        order = np.argsort(row.astype(np.int32), kind="stable")
        ordered = row[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        for a, e in zip(starts, np.r_[starts[1:], len(row)], strict=True):
            idx = order[a:e]
            # … counted to the last such year: the number of suffix maxima above the salary
            below[idx] = horizon - np.searchsorted(
                t["ascending"][ordered[a]], salary[idx], side="right"
            )
        # positions in the tables flattened (cheaper than indexing them by row and column)
        last = row * horizon + np.maximum(below - 1, 0)
        after = row * horizon + np.minimum(below, horizon - 1)
        before = t["cum"].ravel().take(last) + salary * t["cum_per"].ravel().take(last)
        flow = t["fixed"].ravel().take(after) + salary * t["per"].ravel().take(after)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            years = below + (-before / flow)
        payback = np.where(below == 0, 0.0, np.where(below == horizon, np.nan, years))
        return payback, t["npv"][row] + salary * t["npv_per"][row]


def _threshold(cum: Array, cum_per: Array) -> Array:
    """The salary from which ``cum + salary × cum_per`` is at least 0 (±inf: never, always)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(cum_per > 0, -cum / cum_per, np.where(cum < 0, np.inf, -np.inf))
