"""The Excel functions ``MLWORTH_*``: thin xlwings wrappers over :mod:`mlworth_xl.model`.

Classic xlwings (Windows desktop: UDF Modules ``mlworth_xl.udfs``, Import
Functions) and xlwings Lite (``from mlworth_xl.udfs import …`` in main.py)
register the same functions; ``mlworth-xl excel`` prints the setup.  Each
function is a docstring (the function wizard shows it) and one call into the
model; :mod:`mlworth_xl.excel.cells` reads what Excel sends (a number, a
column, a row, empty cells) and turns problems into Excel errors.  The Monte
Carlo functions are in :mod:`mlworth_xl.excel.risk`; :mod:`mlworth_xl.udfs`
names both.

Called from Python they take what Excel would send:

>>> MLWORTH_COST(52000, 2, living_per_month=1000)
128000.0
>>> MLWORTH_PAYBACK(180000, 60000, [[100000.0], [240000.0]], 0)
[[4.5], [1.0]]
>>> print(MLWORTH_LOAN_PAYMENT(41000, 7.94))
#NUM! apr: 7.94 looks like a percentage; enter 0.0794 (7.94%) or write 7.94%; allowed: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mlworth_xl.api import odds_frame
from mlworth_xl.columns import COMPARE_COLUMNS, IRR_ABOVE, Column
from mlworth_xl.excel import scenarios
from mlworth_xl.excel.cells import Arg, CellError, Cells
from mlworth_xl.excel.registry import OPTION_ARGS, SCENARIO, default, num, shown, udf
from mlworth_xl.inputs import parse_rows
from mlworth_xl.model import cost, data, fields, loans, quick, repayment
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person

F = fields.ALL


#: Why a measure has no value, for the results the model leaves as NaN.
NAN_MESSAGES = {
    "payback_years": "never pays back within the horizon",
    "median_payback_years": "half or more of the possible courses never pay back within the "
    "horizon",
    "discounted_payback_years": "never pays back within the horizon, discounted",
    "irr": "no IRR: the yearly flows never change sign",
    "roi": "no ROI: the total cost is 0",
    "break_even_salary": "no salary pays back within the target (the new job starts after "
    "it, or the placement probability is 0)",
}

#: Inputs of the Excel functions that are not fields of a whole option.
PRINCIPAL = fields.Field(
    "principal", "Amount borrowed", "usd", "Amount borrowed.", low=0, high=100_000_000
)
DEFERMENT = fields.Field(
    "deferment_months",
    "Deferment (months)",
    "months",
    "Months of study and grace before the first payment.",
    low=0,
    high=180,
    integer=True,
)
TOTAL_COST = fields.Field(
    "total_cost", "Total cost", "usd", "Total cost of the option.", low=0, high=100_000_000
)


# --- The stable contract -------------------------------------------------------------------

#: The length of a master's in the data, the default ``years`` of MLWORTH_COST.
MASTERS_YEARS = data.figure("duration.masters_full_time").value
#: The term of a fixed plan in the data, the default ``term_years`` of the loan functions.
TERM_YEARS = default("loan_term_years")
#: The defaults of the person's and the option's inputs as the data gives them, those of the
#: functions' arguments of the same meaning (never a more flattering 0).
TAX_RATE = default("tax_rate")
SALARY_GROWTH = default("salary_growth")
SALARY_GROWTH_AFTER = default("salary_growth_after")
HORIZON_YEARS = default("horizon_years")
WORK_FRACTION = default("work_fraction")
MONTHS_TO_JOB = default("months_to_job")
DEPENDENTS = default("dependents")


@udf(
    tuition_per_year=num(F["tuition_per_year"], "Tuition for the first full year, in dollars."),
    years=num(
        F["years"],
        f"Length in years (default {MASTERS_YEARS:g}, a full-time master's); a final partial "
        "year pays its share.",
    ),
    fees_per_year=num(F["fees_per_year"], "Mandatory fees per year (default 0)."),
    living_per_month=num(
        F["living_per_month"], "Extra housing and living cost per month of study (default 0)."
    ),
    relocation=num(F["relocation"], "One-off cost of moving, paid once (default 0)."),
    aid_per_year=num(
        F["aid_per_year"],
        "Grants and scholarships per year, at most that year's tuition + fees (default 0).",
    ),
    tuition_growth=num(
        F["tuition_growth"], "Yearly tuition increase as a decimal, 0.03 for 3% (default 0)."
    ),
)
def MLWORTH_COST(
    tuition_per_year: Cells,
    years: Cells = MASTERS_YEARS,
    fees_per_year: Cells = 0,
    living_per_month: Cells = 0,
    relocation: Cells = 0,
    aid_per_year: Cells = 0,
    tuition_growth: Cells = 0,
) -> Cells:
    """Direct cost of attendance over the program: tuition (growing yearly) and fees less aid, plus
    extra living cost per month and relocation once."""
    return cost.cost_of_attendance(
        tuition_per_year,
        years,
        fees_per_year,
        living_per_month,
        relocation,
        aid_per_year,
        tuition_growth,
    )


LOAN_ARGS = dict(
    principal=num(PRINCIPAL, "Amount borrowed, in dollars."),
    apr=num(F["loan_apr"], "Yearly interest rate as a decimal: 0.0794 for 7.94%."),
    term_years=num(
        F["loan_term_years"], f"Years of level monthly payments (default {TERM_YEARS:g})."
    ),
    deferment_months=num(
        DEFERMENT,
        "Months of study and grace before the first payment; "
        "simple interest accrues meanwhile (default 0).",
    ),
    capitalize=num(
        F["capitalize_interest"],
        "TRUE (default): deferment interest is added to "
        "the balance. FALSE: it is paid as it accrues and earns no interest.",
    ),
)
#: The tiered standard plan in the data: (balance up to, years) and the day its loans start.
TIERS = data.figure("plan.tiered_standard").value
NEW_RULES = data.figure("law.grad_plus_closed_from").value
PLAN = Arg(
    'Optional repayment plan: "fixed" (default) over term_years, or "tiered": '
    f"the standard plan for loans from {NEW_RULES}, {TIERS[0][1]:g} to {TIERS[-1][1]:g} years "
    "by the balance (term_years is then not used).",
    kind="text",
)


def _term(
    plan: str | None,
    principal: Any,
    apr: Any,
    term_years: Any,
    deferment_months: Any,
    capitalize: Any,
) -> Any:
    """The term in years of ``plan`` ("fixed" or "tiered"), from the model."""
    code = plan.strip().lower() if plan is not None else "fixed"
    if code in ("fixed", "tiered"):
        return quick.plan_term_years(
            code == "tiered", principal, apr, term_years, deferment_months, capitalize
        )
    if code == "rap":
        raise CellError(
            "#VALUE!",
            "plan: RAP payments follow income, not the loan; use "
            "MLWORTH_RAP_PAYMENT(agi, dependents)",
        )
    raise CellError("#VALUE!", f"plan: {plan!r} is not a plan; plans: fixed, tiered")


@udf(**LOAN_ARGS, plan=PLAN)
def MLWORTH_LOAN_PAYMENT(
    principal: Cells,
    apr: Cells,
    term_years: Cells = TERM_YEARS,
    deferment_months: Cells = 0,
    capitalize: Cells = True,
    plan: Cells = None,
) -> Cells:
    """Level monthly loan payment, as a positive amount, once repayment starts after the
    deferment; plan "tiered" takes the term of the tiered standard plan by the balance."""
    term = _term(plan, principal, apr, term_years, deferment_months, capitalize)
    return loans.loan_payment(principal, apr, term, deferment_months, capitalize)


@udf(**LOAN_ARGS, plan=PLAN)
def MLWORTH_LOAN_INTEREST(
    principal: Cells,
    apr: Cells,
    term_years: Cells = TERM_YEARS,
    deferment_months: Cells = 0,
    capitalize: Cells = True,
    plan: Cells = None,
) -> Cells:
    """Total interest over the loan's life: everything paid minus the principal. With capitalize
    FALSE the deferment interest is paid as it accrues. Plan: "fixed" or "tiered"."""
    term = _term(plan, principal, apr, term_years, deferment_months, capitalize)
    return loans.total_interest(principal, apr, term, deferment_months, capitalize)


AGI = fields.Field(
    "agi", "AGI", "usd", "Adjusted gross income of the year.", low=0, high=100_000_000
)
#: The Repayment Assistance Plan's figures in the data, as its help texts quote them.
RAP = {
    key: data.figure(f"plan.rap_{key}").value
    for key in (
        "percent_by_agi_band",
        "agi_band",
        "minimum_yearly_low_agi",
        "dependent_reduction_per_month",
        "minimum_monthly",
    )
}


@udf(
    doc=(
        "Monthly payment under the Repayment Assistance Plan: "
        f"{RAP['percent_by_agi_band'][0]:.0%} to {RAP['percent_by_agi_band'][-1]:.0%} of AGI "
        f"by ${RAP['agi_band']:,} band (${RAP['minimum_yearly_low_agi']:,} a year up to "
        f"${RAP['agi_band']:,}), less ${RAP['dependent_reduction_per_month']:,} a month per "
        f"dependent, at least ${RAP['minimum_monthly']:,}."
    ),
    agi=num(
        AGI, "Adjusted gross income of the year, in dollars (with a spouse's if filing jointly)."
    ),
    dependents=num(
        F["dependents"],
        f"Dependents claimed; each lowers the payment by ${RAP['dependent_reduction_per_month']:,}"
        f" a month (default {shown('dependents')}).",
    ),
)
def MLWORTH_RAP_PAYMENT(agi: Cells, dependents: Cells = DEPENDENTS) -> Cells:
    return repayment.rap_payment(agi, dependents)


def _scenario(key: str) -> Callable[[], float]:
    return lambda: quick.default_scenario()[key]


@udf(
    nan="never pays back within {horizon_years:g} years",
    total_cost=num(
        TOTAL_COST,
        "Total cost to earn back. Empty: the default option's if completed "
        "(Carnegie Mellon MS in ML, default person).",
        default=_scenario("total_cost"),
    ),
    salary_before=num(
        F["salary"],
        f"Yearly salary now. Empty: the default person's, {shown('salary')}.",
        default=_scenario("salary_before"),
    ),
    salary_after=num(
        F["salary_after"],
        "Yearly salary after. Empty: a graduate of the default option as expected: its roles' "
        "median pay, weighted by the chance of landing one (the rest keep the default person's "
        "salary).",
        default=_scenario("salary_after"),
    ),
    tax_rate=num(
        F["tax_rate"],
        f"Tax rate on the raise as a decimal (default {shown('tax_rate')}, the default person's).",
    ),
    growth_before=num(
        F["salary_growth"], f"Yearly growth of the old salary (default {shown('salary_growth')})."
    ),
    growth_after=num(
        F["salary_growth_after"],
        f"Yearly growth of the new salary (default {shown('salary_growth_after')}).",
    ),
    discount_rate=num(
        F["discount_rate"],
        "Yearly discount rate; year k is divided by (1+rate)^k. Default 0: the payback as "
        f"compare counts it; the person's {shown('discount_rate')} gives the discounted payback.",
    ),
    horizon_years=num(
        F["horizon_years"], f"Years to look ahead (default {shown('horizon_years')})."
    ),
)
def MLWORTH_PAYBACK(
    total_cost: Cells = None,
    salary_before: Cells = None,
    salary_after: Cells = None,
    tax_rate: Cells = TAX_RATE,
    growth_before: Cells = SALARY_GROWTH,
    growth_after: Cells = SALARY_GROWTH_AFTER,
    discount_rate: Cells = 0,
    horizon_years: Cells = HORIZON_YEARS,
) -> Cells:
    """Payback if completed: years after starting the new job until the after-tax raise covers
    the total cost; #N/A if never within the horizon. No growth, tax or discount: cost / (after -
    before). The chance of it: MLWORTH_ODDS."""
    return quick.payback_after_job(
        total_cost,
        salary_before,
        salary_after,
        tax_rate,
        growth_before,
        growth_after,
        discount_rate,
        horizon_years,
    )


# --- More single questions -----------------------------------------------------------------


@udf(
    salary=num(F["salary"], "Yearly salary now, before tax."),
    years=num(F["years"], "Years of study; 0.25 is three months."),
    work_fraction=num(
        F["work_fraction"],
        "Share of the salary still earned while studying: 0 full-time, 1 keeps the job "
        f"(default {shown('work_fraction')}).",
    ),
    tax_rate=num(
        F["tax_rate"], f"Tax rate as a decimal (default {shown('tax_rate')}, the default person's)."
    ),
    salary_growth=num(
        F["salary_growth"], f"Yearly growth of the salary (default {shown('salary_growth')})."
    ),
    months_to_job=num(
        F["months_to_job"],
        f"Months between the end of study and the new job (default {shown('months_to_job')}).",
    ),
)
def MLWORTH_INCOME_GIVEN_UP(
    salary: Cells,
    years: Cells,
    work_fraction: Cells = WORK_FRACTION,
    tax_rate: Cells = TAX_RATE,
    salary_growth: Cells = SALARY_GROWTH,
    months_to_job: Cells = MONTHS_TO_JOB,
) -> Cells:
    """After-tax income given up while studying and looking for the new job, against staying in the
    current one."""
    return quick.income_given_up(
        salary, years, work_fraction, tax_rate, salary_growth, months_to_job
    )


@udf(**OPTION_ARGS)
def MLWORTH_NPV(
    years: Cells,
    tuition_per_year: Cells,
    salary_after: Cells,
    salary: Cells = None,
    scenario: Cells = None,
) -> Cells:
    """NPV if completed: net present value of an option against staying in the current job, over
    the horizon at the discount rate, if it is completed (no dropout). The expected NPV over
    completion and the rest: MLWORTH_ODDS."""
    return scenarios.evaluate_option(
        scenario,
        years=years,
        tuition_per_year=tuition_per_year,
        salary_after=salary_after,
        salary=salary,
    ).npv


@udf(nan=NAN_MESSAGES["roi"], **OPTION_ARGS)
def MLWORTH_ROI(
    years: Cells,
    tuition_per_year: Cells,
    salary_after: Cells,
    salary: Cells = None,
    scenario: Cells = None,
) -> Cells:
    """ROI if completed: an option's after-tax gain over the horizon divided by its total cost,
    minus 1, if it is completed (no dropout)."""
    return scenarios.evaluate_option(
        scenario,
        years=years,
        tuition_per_year=tuition_per_year,
        salary_after=salary_after,
        salary=salary,
    ).roi


@udf(
    nan=NAN_MESSAGES["break_even_salary"],
    years=OPTION_ARGS["years"],
    tuition_per_year=OPTION_ARGS["tuition_per_year"],
    target_payback_years=num(
        F["target_payback_years"],
        "Payback accepted, in years from the first day of study. Empty: the scenario's, else "
        f"{shown('target_payback_years')}.",
    ),
    salary=OPTION_ARGS["salary"],
    scenario=SCENARIO,
)
def MLWORTH_BREAK_EVEN_SALARY(
    years: Cells,
    tuition_per_year: Cells,
    target_payback_years: Cells = None,
    salary: Cells = None,
    scenario: Cells = None,
) -> Cells:
    """Break-even salary (if completed): the salary after at which the option, if completed,
    pays back exactly in the target number of years from the first day of study."""
    return scenarios.evaluate_option(
        scenario,
        years=years,
        tuition_per_year=tuition_per_year,
        target_payback_years=target_payback_years,
        salary=salary,
        salary_after=0.0,
    ).break_even_salary


# --- Tables that spill -----------------------------------------------------------------------

SCHEDULE_HEADER = ["Month", "Payment", "Interest", "Principal", "Balance"]


@udf(**{k: Arg(a.doc + " One value.", kind="one", field=a.field) for k, a in LOAN_ARGS.items()})
def MLWORTH_LOAN_SCHEDULE(
    principal: Cells,
    apr: Cells,
    term_years: Cells = TERM_YEARS,
    deferment_months: Cells = 0,
    capitalize: Cells = True,
) -> Cells:
    """The loan month by month, spilled with a header row: Month, Payment, Interest, Principal,
    Balance. Months of deferment come first."""
    s = loans.schedule(principal, apr, int(term_years), int(deferment_months), bool(capitalize))
    body = np.column_stack([s.month, s.payment, s.interest, s.principal, s.balance])
    return [SCHEDULE_HEADER, *body.tolist()]


#: What MLWORTH_EVALUATE reports: compare's columns of one option, the odds first.
MEASURES = [c for c in COMPARE_COLUMNS if c.key not in ("option", "rank", "repayment")]
#: Earlier names of measures, still understood.
MEASURE_ALIASES = {
    scenarios.key(name): "payback_years"
    for name in ("Payback (years)", "Payback at the expected outcome", "Payback if completed")
}


def _number(c: Column, x: Any, why: str) -> Any:
    """A measure's value as a cell shows it: #N/A for NaN, ``> 99,900%`` for an IRR of inf
    (above the highest rate looked at, as the workbook shows it)."""
    if np.isnan(x):
        return CellError("#N/A", why)
    if c.key == "irr" and x == np.inf:
        return IRR_ABOVE
    return float(x)


def _measure_rows(values: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for c in MEASURES:
        v = values[c.key]
        if c.kind == "text":
            rows.append([c.header, *v])
            continue
        why = NAN_MESSAGES.get(c.key, "no value")
        rows.append([c.header, *(bool(x) if c.kind == "flag" else _number(c, x, why) for x in v)])
    return rows


@udf(
    scenario=Arg(
        "Range of input names (field names or labels) in the first column and "
        "values in the next; more value columns evaluate more options.",
        kind="table",
    ),
    measure=Arg(
        'Optional measure to return, e.g. "Expected NPV" or "NPV if completed"; left '
        "out: a table of all of them.",
        kind="text",
    ),
)
def MLWORTH_EVALUATE(scenario: Cells, measure: Cells = None) -> Cells:
    """Evaluate a whole option kept as a table of inputs: every measure spilled, the odds first
    (chance of paying back, verdict, median payback, expected NPV, percentiles), then cost,
    loans, and payback, NPV, IRR, ROI, break-even salary if completed; or one."""
    model_rows, extra = scenarios.split_scenario(scenario)
    values, header = scenarios.scenario(model_rows)
    out: dict[str, Any] = scenarios.evaluate_option(None, **values).as_dict()
    out.update(scenarios.scenario_odds(values, extra))
    rows = _measure_rows(out)
    if measure is None:
        names = [h if h is not None else f"Value {i + 1}" for i, h in enumerate(header)]
        return [["Measure", *(names if len(names) > 1 else ["Value"])], *rows]
    wanted = MEASURE_ALIASES.get(scenarios.key(measure), scenarios.key(measure))
    for c, row in zip(MEASURES, rows, strict=True):
        if wanted in (scenarios.key(c.header), scenarios.key(c.key), c.key):
            return [row[1:]] if len(row) > 2 else row[1]
    raise CellError(
        "#N/A",
        f"measure: {measure!r} is not a measure; measures are: "
        + ", ".join(c.header for c in MEASURES),
    )


@udf(
    programs=Arg(
        "Range of options: a header row as in templates/programs.csv (names or "
        "labels), then one row per option.",
        kind="table",
    ),
    person=Arg(
        "Optional range of person inputs (salary, tax_rate, …) and values; left "
        "out: the default person.",
        kind="table",
    ),
)
def MLWORTH_COMPARE(programs: Cells, person: Cells = None) -> Cells:
    """Compare options as `mlworth-xl compare`, spilled with a header row: the odds first
    (chance of paying back, verdict, median payback, expected NPV, percentiles), the rank by
    expected NPV, then cost, loans, payback, NPV, IRR, ROI if completed."""
    table = parse_rows(programs, "programs")
    values, _ = scenarios.scenario(person, "person", fields.PERSON, columns=1)
    who = Person.from_mapping({k: float(v[0]) for k, v in values.items()})
    frame = odds_frame(table, who, table.evaluate(who))
    out = [[c.header for c in COMPARE_COLUMNS]]
    for record in frame.itertuples(index=False):
        out.append(
            [
                _number(c, x, NAN_MESSAGES.get(c.key, "no value")) if isinstance(x, float) else x
                for c, x in zip(COMPARE_COLUMNS, record, strict=True)
            ]
        )
    return out


# --- The embedded defaults ---------------------------------------------------------------------

KEY = Arg(
    'A figure key such as "salary.ml_engineer" (see `mlworth-xl sources`), or an '
    'input name or label such as "loan_apr".',
    kind="text",
)


def lookup(name: str) -> tuple[Any, str]:
    """Value and citation of an embedded figure, or of an input's default.

    >>> lookup("salary.ml_engineer")
    (120883, 'Salary.com (as cited), 2022')
    >>> lookup("Loan APR")[0]
    0.0794
    """
    field = scenarios.field_named(name)
    key = field.default if field is not None else name
    if field is not None and key is None:
        raise CellError("#N/A", f"{field.name} has no default: it is required")
    if field is not None and not (isinstance(key, str) and key in data.figures()):
        return key, f"mlworth-xl default for {field.label}"
    try:
        fig = data.figure(key)
    except InputError as exc:
        raise CellError("#N/A", exc.problems[0].message) from None
    return fig.value, fig.citation


@udf(key=KEY)
def MLWORTH_DEFAULT(key: Cells) -> Cells:
    """The value of an embedded default figure, or the default of an input; #N/A if unknown."""
    value = lookup(key)[0]
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        return [list(r) for r in value]  # a table (rows of cells) is a 2-D range as it is
    return [value] if isinstance(value, list) else value


@udf(key=KEY)
def MLWORTH_SOURCE(key: Cells) -> Cells:
    """Where an embedded default comes from: its source and as-of date, or "Illustrative
    assumption"."""
    return lookup(key)[1]
