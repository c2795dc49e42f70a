"""Evaluate options against staying put: the whole model, for any number of scenarios.

A scenario is one option for one person: every field of
:data:`mlworth_xl.model.fields.NUMERIC_INPUTS`.  Inputs are scalars or 1-d
arrays (one element per scenario) that broadcast together.

Year ``y`` of the horizon (1-based, from the first day of study) has these
incremental flows against the counterfactual of staying in the current job:

- direct cost: :func:`mlworth_xl.model.cost.direct_cost_by_year`;
- income given up: ``(1 - tax) (1 - work_fraction) (study + search share) S0(y)``
  with the current salary ``S0(y) = salary (1 + salary_growth)^(y-1)``;
- gain: ``(1 - tax) placement_prob × job share × (S1(y) - S0(y))``, with the
  new salary ``S1(y) = salary_after (1 + salary_growth_after)^(y - y1)`` from
  the year ``y1`` the job starts (placement probability in expectation: a
  graduate who is not placed earns the current salary path);
- loans (:mod:`mlworth_xl.model.financing`): the origination fees of the
  year's disbursements, the interest accrued in the year before repayment
  and paid in it after, less RAP's relief (principal matched, balance
  forgiven after tax).

flow(y) = gain − income given up − direct cost − fee − interest + relief.  Its
cumulative sum is the change in net worth against staying put, so the
payback is when the option has earned back everything it cost, including
all interest accrued so far, and stays ahead through the horizon (see
:func:`mlworth_xl.model.metrics.payback`).

Money is in today's dollars: salaries, costs and their growth are real, and
the loans, nominal contracts, are deflated by ``(1 + inflation)^(y − 1)``
in year ``y``, the debt's erosion counting for the borrower
(:func:`mlworth_xl.model.financing.deflate`).

Money borrowed: ``loan_share`` of the cost not paid from savings, as one
loan on the first day of study (``financing`` 0, simple) or split each
study year under the federal rules (1); repayment starts after study
(rounded to whole months) plus grace, under ``repayment_plan``.  Total
cost = cost of attendance + income given up + the loans' cost in today's
dollars (with inflation 0: fees + total interest − loan relief).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import fields as dc_fields

import numpy as np
from numpy.typing import ArrayLike

from mlworth_xl.model import federal, fields, financing, metrics, timeline
from mlworth_xl.model import roles as roles_mod
from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.model.cost import direct_cost_by_year
from mlworth_xl.model.data import field_default
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.timeline import Array, BoolArray

#: Scenarios evaluated at once; bounds memory to a few hundred MB at any size.
CHUNK = 4_096


@dataclass(frozen=True)
class Outcome:
    """The results for each scenario (1-d arrays, one element per scenario).

    Money is in today's dollars (of the first day of study), positive for
    costs, except the loans' own amounts: ``amount_borrowed``,
    ``federal_loans``, ``private_loans``, ``loan_fees``, ``total_interest``,
    ``monthly_payment``, ``total_paid``, ``amount_forgiven`` and
    ``loan_relief`` are in the dollars of the day they are lent or paid (as
    a loan statement shows them).  ``loan_cost`` is what the loans cost in
    today's dollars: fees, interest and relief deflated year by year, less
    inflation's erosion of the debt (with inflation 0, fees + interest −
    relief).  ``monthly_payment`` is the
    payment of the first month of repayment (all loans); ``total_paid``
    everything paid on the loans; ``loan_relief`` RAP's principal match
    plus the forgiven balance less tax on it.  ``payback_years`` and
    ``discounted_payback_years`` are ``nan`` when the option never pays back
    within the horizon; ``irr`` is ``nan`` where no rate exists (or it is
    below -99%) and ``inf`` where it is above :data:`~mlworth_xl.model.metrics.IRR_CEILING`
    (99,900%), the highest rate looked at;
    ``break_even_salary`` is ``nan`` when no salary can pay back within the
    target (the new job starts too late or placement is 0).
    """

    cost_of_attendance: Array
    income_given_up: Array
    amount_borrowed: Array
    federal_loans: Array
    private_loans: Array
    loan_fees: Array
    total_interest: Array
    loan_relief: Array
    loan_cost: Array
    total_cost: Array
    monthly_payment: Array
    total_paid: Array
    years_to_pay_off: Array
    amount_forgiven: Array
    payback_years: Array
    discounted_payback_years: Array
    npv: Array
    irr: Array
    roi: Array
    break_even_salary: Array
    pays_back_within_target: BoolArray

    def __len__(self) -> int:
        return len(self.npv)

    def as_dict(self) -> dict[str, Array | BoolArray]:
        return {f.name: getattr(self, f.name) for f in dc_fields(self)}


@dataclass(frozen=True)
class YearlyDetail:
    """Year-by-year amounts, each of shape (n scenarios, horizon years)."""

    year: Array
    direct_cost: Array
    income_given_up: Array
    gain: Array
    loan_fee: Array
    interest: Array
    loan_relief: Array
    flow: Array
    cumulative: Array
    discounted_cumulative: Array


def inputs_with_defaults(values: Mapping[str, ArrayLike]) -> dict[str, Array]:
    """All numeric inputs as float arrays broadcast to one shape, defaults filled in (those of
    the kind "other" for the inputs that follow the kind).

    Unknown names are an :class:`InputError`; required fields must be given.
    """
    unknown = sorted(set(values) - set(fields.NUMERIC_INPUTS))
    if unknown:
        raise InputError(
            [
                Problem(
                    name,
                    "is not an input of the model; inputs are: " + ", ".join(fields.NUMERIC_INPUTS),
                )
                for name in unknown
            ]
        )
    missing = [
        name for name in fields.NUMERIC_INPUTS if name not in values and fields.ALL[name].required
    ]
    if missing:
        raise InputError([Problem(name, "is required") for name in missing])
    arrays = {}
    problems = []
    for name in fields.NUMERIC_INPUTS:
        raw = values[name] if name in values else field_default(fields.ALL[name])
        try:
            arrays[name] = np.asarray(raw, dtype=float)
        except (TypeError, ValueError, OverflowError):
            problems.append(
                Problem(name, f"{raw!r} is not a number; allowed: {fields.ALL[name].allowed()}")
            )
    if problems:
        raise InputError(problems)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        sizes = sorted({a.shape for a in arrays.values()})
        raise InputError.single(
            "inputs",
            f"arrays of different lengths {sizes} do not "
            "line up; give one value or one per scenario",
        ) from None
    if len(shape) > 1:
        raise InputError.single("inputs", f"must be scalars or 1-d arrays, got shape {shape}")
    return {k: np.broadcast_to(v, shape) for k, v in arrays.items()}


def validate(
    values: Mapping[str, Array], *, first_row: int = 0, source: str | None = None
) -> list[Problem]:
    """Every problem of broadcast inputs, with rows numbered from ``first_row``."""
    problems: list[Problem] = []

    def row(i: int) -> int | None:
        return first_row + i if np.ndim(values["years"]) else None

    for name in fields.NUMERIC_INPUTS:
        for i, message in fields.check(fields.ALL[name], values[name]):
            problems.append(Problem(name, message, row(i), source))
    short = np.atleast_1d(values["horizon_years"] < values["years"])
    for j in np.nonzero(short)[0]:
        problems.append(
            Problem(
                "horizon_years",
                f"{float(np.atleast_1d(values['horizon_years'])[j]):g} is shorter than the "
                f"program ({float(np.atleast_1d(values['years'])[j]):g} years); the horizon must "
                "cover the study",
                row(int(j)),
                source,
            )
        )
    problems += _law_problems(values, row, source)
    problems += roles_mod.share_problems(values, row, source)
    return problems


def _law_problems(
    values: Mapping[str, Array], row: Callable[[int], int | None], source: str | None
) -> list[Problem]:
    """Federal financing outside what the data covers, and a plan the law does not offer."""
    v = {
        k: np.atleast_1d(values[k])
        for k in (
            "financing",
            "start_year",
            "start_month",
            "years",
            "repayment_plan",
            "loan_term_years",
        )
    }
    if not np.all(np.isfinite(np.concatenate(list(v.values())))):
        return []  # already reported field by field
    fed = v["financing"] == Financing.FEDERAL
    month = federal.month_index(v["start_year"], v["start_month"])
    first = federal.first_rule_month()
    problems = []
    for i in np.nonzero(fed & (month < first))[0]:
        problems.append(
            Problem(
                "start_year",
                f"{int(v['start_year'][i])}-{int(v['start_month'][i]):02d} is before "
                f"{federal.month_text(first)}, the first award year whose federal rates and fees "
                "are in the data; allowed: a start from then, or financing 0 (simple, a what-if)",
                row(int(i)),
                source,
            )
        )
    longest = int(federal.FIXED_TERM_LIMIT_YEARS)
    new_loans = fed & federal.new_rule_loans(v["start_year"], v["start_month"], v["years"])
    bad_plan = new_loans & (v["repayment_plan"] == Plan.FIXED) & (v["loan_term_years"] > longest)
    for i in np.nonzero(bad_plan)[0]:
        problems.append(
            Problem(
                "repayment_plan",
                f"a fixed plan of {int(v['loan_term_years'][i])} years is not open "
                "to Direct Loans first disbursed from 2026-07-01; allowed: "
                f"{Plan.TIERED:d} (tiered standard), {Plan.RAP:d} (RAP), or {Plan.FIXED:d} "
                "(fixed) with a term of at most "
                f"{longest} years, which pays more than the tiered plan requires",
                row(int(i)),
                source,
            )
        )
    return problems


def evaluate(
    values: Mapping[str, ArrayLike] | None = None,
    *,
    check: bool = True,
    workers: int = 1,
    roles: roles_mod.Roles | None = None,
    **kwargs: ArrayLike,
) -> Outcome:
    """Evaluate scenarios; every input not given takes its default.

    The scenarios have no kind: an input that follows the kind (placement, months to a job,
    role shares) takes the default of the kind "other", the least favourable
    (:class:`mlworth_xl.model.records.Program` takes the option's kind's).

    Parameters
    ----------
    values : mapping, optional
        Inputs by field name (scalars or 1-d arrays that broadcast).
    check : bool
        Validate the inputs first (an :class:`InputError` lists every problem).
    workers : int
        Threads evaluating chunks at once (numpy releases the GIL); 1 runs
        in the calling thread, as it must where there are no threads (Pyodide).
    roles : Roles, optional
        The role table the role shares refer to (default: the embedded one,
        :class:`mlworth_xl.model.roles.Roles`).
    **kwargs
        More inputs by name.

    Returns
    -------
    Outcome
        1-d arrays, one element per scenario (a scalar input gives length 1).

    Examples
    --------
    Two years at $30,000 a year, borrowing nothing, from a $60,000 job to a
    $100,000 one, no tax, growth or discounting: study costs 60,000 + 120,000
    given up, repaid at $40,000 a year after graduation:

    >>> out = evaluate(years=2, tuition_per_year=30000, salary_after=100000,
    ...                placement_prob=1, months_to_job=0,
    ...                salary=60000, tax_rate=0, discount_rate=0, savings=0)
    >>> float(out.total_cost[0]), float(out.payback_years[0])
    (180000.0, 6.5)
    """
    merged = {**(values or {}), **kwargs}
    arrays = inputs_with_defaults(merged)
    if check:
        problems = validate(arrays)
        if problems:
            raise InputError(problems)
    flat = {k: np.atleast_1d(v) for k, v in arrays.items()}
    flat["salary_after"] = roles_mod.salary_after(flat, roles)
    n = len(flat["years"])
    chunks = ({k: v[s : s + CHUNK] for k, v in flat.items()} for s in range(0, max(n, 1), CHUNK))
    if workers > 1 and n > CHUNK:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            parts = [out for out, _ in pool.map(_evaluate_chunk, chunks)]
    else:
        parts = [_evaluate_chunk(chunk)[0] for chunk in chunks]
    return Outcome(
        **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in dc_fields(Outcome)}
    )


def yearly_detail(
    values: Mapping[str, ArrayLike] | None = None,
    *,
    roles: roles_mod.Roles | None = None,
    **kwargs: ArrayLike,
) -> YearlyDetail:
    """Year-by-year flows of scenarios (validated), for tables and the workbook."""
    arrays = inputs_with_defaults({**(values or {}), **kwargs})
    problems = validate(arrays)
    if problems:
        raise InputError(problems)
    flat = {k: np.atleast_1d(v) for k, v in arrays.items()}
    flat["salary_after"] = roles_mod.salary_after(flat, roles)
    detail = _evaluate_chunk(flat, detail=True)[1]
    assert detail is not None
    return detail


@dataclass(frozen=True)
class SalarySplit:
    """Yearly flows of scenarios, each of shape (n scenarios, horizon years).

    ``flow`` is the flow :func:`evaluate` measures; the gain in it is linear
    in the salary after, so ``flow = fixed + salary_after × per_salary`` (up
    to rounding).  Under RAP the loan's cost depends on the income, so
    ``fixed`` holds it at the AGI of the scenario's own salary after: the
    split is exact only at that salary (``linear`` is False there).
    ``payback`` and ``npv`` are :func:`evaluate`'s, computed the same way
    (bit for bit); ``npv_per_salary`` is the NPV of ``per_salary``.  The
    Monte Carlo layer (:mod:`mlworth_xl.model.risk`) draws salaries and
    combines the parts.
    """

    flow: Array
    fixed: Array
    per_salary: Array
    linear: Array
    payback: Array
    npv: Array
    npv_per_salary: Array


def salary_split(
    values: Mapping[str, ArrayLike], roles: roles_mod.Roles | None = None
) -> SalarySplit:
    """The yearly flows of scenarios split by the salary after (inputs not validated).

    ``values`` holds every numeric input as 1-d arrays of one length, as
    :func:`inputs_with_defaults` returns them; the salary split by is the
    placed graduate's (:func:`mlworth_xl.model.roles.salary_after`).
    """
    flat = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in values.items()}
    flat["salary_after"] = roles_mod.salary_after(flat, roles)
    parts = _flows(flat)
    rap = (np.atleast_1d(np.asarray(values["repayment_plan"])) == Plan.RAP) & (
        parts.loans.borrowed > 0
    )
    return SalarySplit(
        flow=parts.flow.T,
        fixed=parts.fixed.T,
        per_salary=parts.per_salary.T,
        linear=~rap,
        payback=metrics.payback_rows(parts.flow),
        npv=metrics.sum_rows(parts.flow * parts.discount),
        npv_per_salary=metrics.sum_rows(parts.per_salary * parts.discount),
    )


@dataclass(frozen=True)
class _Flows:
    """Everything year by year that the outcome measures are computed from.

    Arrays are laid out (years, scenarios), year 1 in row 0; ``direct``,
    ``foregone`` and the loans' arrays by year hold only their first rows
    (the rest are zero): see :meth:`full`.
    """

    y: Array
    direct: Array
    foregone: Array
    per_salary: Array
    gain: Array
    loans: financing.LoanFlows
    interest: Array
    relief: Array
    flow: Array
    discount: Array
    salary_after: Array

    @property
    def fixed(self) -> Array:
        """The part of the flow that does not depend on the salary after."""
        return self.flow - self.per_salary * self.salary_after

    def full(self, rows: Array) -> Array:
        """``rows`` (its first years) padded with zero rows to the whole horizon."""
        return financing._rows(rows, len(self.flow))


def _same(a: Array) -> Array | float:
    """A scalar when every scenario has the same value (cheaper to broadcast), else ``a``."""
    return float(a[0]) if a.size and np.all(a == a[0]) else a


def _rows_to(count: int, horizon: int) -> int:
    """Rows to hold amounts that end by year ``count``: at least 1, at most the horizon."""
    return max(1, min(horizon, count))


def _flows(v: Mapping[str, Array]) -> _Flows:
    horizon = int(np.max(v["horizon_years"]))
    y = np.arange(1.0, horizon + 1.0)[:, None]
    study = _rows_to(int(np.ceil(np.max(v["years"]))), horizon)
    job_start = timeline.job_start(v["years"], v["months_to_job"])
    away = _rows_to(int(np.ceil(np.max(job_start))), horizon)
    in_horizon = None if np.all(v["horizon_years"] == horizon) else y <= v["horizon_years"]

    def within(rows: Array) -> Array:
        return rows if in_horizon is None else rows * in_horizon[: len(rows)]

    direct = within(
        direct_cost_by_year(
            years=v["years"],
            tuition_per_year=v["tuition_per_year"],
            tuition_growth=v["tuition_growth"],
            program_price=v["program_price"],
            fees_per_year=v["fees_per_year"],
            books_per_year=v["books_per_year"],
            living_per_month=v["living_per_month"],
            caregiving_per_month=v["caregiving_per_month"],
            travel_per_year=v["travel_per_year"],
            relocation=v["relocation"],
            aid_per_year=v["aid_per_year"],
            employer_assistance_per_year=v["employer_assistance_per_year"],
            year=y[:study],
        )
    )

    after_tax = 1.0 - _same(v["tax_rate"])
    s0 = _same(v["salary"]) * np.exp((y - 1.0) * np.log1p(_same(v["salary_growth"])))
    foregone = within(
        after_tax
        * (1.0 - v["work_fraction"])
        * timeline.overlap(0.0, job_start, y[:away])
        * s0[:away]
    )
    # Share of each year in the new job: 1 from the year after the last start.
    job_share = np.clip(y[:away] - job_start, 0.0, 1.0)
    y1 = timeline.first_job_year(v["years"], v["months_to_job"])
    placed = after_tax * v["placement_prob"]
    # Built in place: fresh (years, n) temporaries cost more than the arithmetic.
    growth = np.subtract(y, y1)
    growth *= np.log1p(v["salary_growth_after"])
    np.exp(growth, out=growth)  # (1 + salary_growth_after)^(y - y1)
    gain = growth * v["salary_after"]
    gain -= s0
    per_salary = growth
    for a in (gain, per_salary):
        a *= placed
        a[:away] *= job_share
        if in_horizon is not None:
            a *= in_horizon

    lf = financing.loan_flows(v, direct, horizon)
    interest = within(lf.interest_by_year)
    relief = within(lf.relief_by_year)

    flow = gain.copy()
    for rows, sign in (
        (direct, -1.0),
        (foregone, -1.0),
        (lf.fee_by_year, -1.0),
        (interest, -1.0),
        (relief, 1.0),
    ):
        if sign < 0:
            flow[: len(rows)] -= rows
        else:
            flow[: len(rows)] += rows
    discount_rate = _same(v["discount_rate"])
    return _Flows(
        y=y[:, 0],
        direct=direct,
        foregone=foregone,
        per_salary=per_salary,
        gain=gain,
        loans=lf,
        interest=interest,
        relief=relief,
        flow=flow,
        discount=np.exp(-y * np.log1p(discount_rate)),
        salary_after=v["salary_after"],
    )


def _evaluate_chunk(
    v: dict[str, Array],
    detail: bool = False,
) -> tuple[Outcome, YearlyDetail | None]:
    f = _flows(v)
    flow, per_salary = f.flow, f.per_salary
    cost_of_attendance = f.direct.sum(axis=0)
    discounted = flow * f.discount

    lf = f.loans
    income_given_up = f.foregone.sum(axis=0)
    total_cost = cost_of_attendance + income_given_up + lf.loan_cost
    payback = metrics.payback_rows(flow)
    target = v["target_payback_years"]
    within_target = _rows_to(int(np.ceil(np.max(target))), len(flow))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        roi = np.where(total_cost > 0, f.gain.sum(axis=0) / total_cost - 1.0, np.nan)
        weight = np.clip(target - (f.y[:within_target, None] - 1.0), 0.0, 1.0)
        per = (weight * per_salary[:within_target]).sum(axis=0)
        fixed = (weight * flow[:within_target]).sum(axis=0) - per * v["salary_after"]
        break_even = np.where(per > 0, -fixed / per, np.nan)

    outcome = Outcome(
        cost_of_attendance=cost_of_attendance,
        income_given_up=income_given_up,
        amount_borrowed=lf.borrowed,
        federal_loans=lf.federal,
        private_loans=lf.private,
        loan_fees=lf.fee,
        total_interest=lf.total_interest,
        loan_relief=lf.relief,
        loan_cost=lf.loan_cost,
        total_cost=total_cost,
        monthly_payment=lf.monthly_payment,
        total_paid=lf.total_paid,
        years_to_pay_off=lf.months_to_pay_off / 12.0,
        amount_forgiven=lf.forgiven,
        payback_years=payback,
        discounted_payback_years=metrics.payback_rows(discounted),
        npv=metrics.sum_rows(discounted),
        irr=metrics.irr_rows(flow),
        roi=roi,
        break_even_salary=break_even,
        pays_back_within_target=payback <= target,
    )
    if not detail:
        return outcome, None
    by_year = YearlyDetail(
        year=f.y,
        direct_cost=f.full(f.direct).T,
        income_given_up=f.full(f.foregone).T,
        gain=f.gain.T,
        loan_fee=f.full(lf.fee_by_year).T,
        interest=f.full(f.interest).T,
        loan_relief=f.full(f.relief).T,
        flow=flow.T,
        cumulative=metrics.cumsum_rows(flow).T,
        discounted_cumulative=metrics.cumsum_rows(discounted).T,
    )
    return outcome, by_year
