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
>>> MLWORTH_PAYBACK(180000, 60000, [[100000.0], [240000.0]])
[[4.5], [1.0]]
>>> print(MLWORTH_LOAN_PAYMENT(41000, 7.94))
#NUM! apr: 7.94 looks like a percentage; enter 0.0794 (7.94%) or write 7.94%; allowed: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mlworth_xl.api import COMPARE_COLUMNS, IRR_ABOVE, Column, odds_frame
from mlworth_xl.excel import scenarios
from mlworth_xl.excel.cells import Arg, CellError, Cells
from mlworth_xl.excel.registry import OPTION_ARGS, SCENARIO, num, udf
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


@udf(
    tuition_per_year=num(F["tuition_per_year"], "Tuition for the first full year, in dollars."),
    years=num(F["years"], "Length in years (default 2); a final partial year pays its share."),
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
    years: Cells = 2,
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
    term_years=num(F["loan_term_years"], "Years of level monthly payments (default 10)."),
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
PLAN = Arg(
    'Optional repayment plan: "fixed" (default) over term_years, or "tiered": '
    "the standard plan for loans from 2026-07-01, 10 to 25 years by the balance "
    "(term_years is then not used).",
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
    term_years: Cells = 10,
    deferment_months: Cells = 0,
    capitalize: Cells = True,
    plan: Cells = None,
) -> Cells:
    """Level monthly loan payment, as a positive amount, once repayment starts after the
    deferment; plan "tiered" takes the term of the standard plan for loans from 2026-07-01."""
    term = _term(plan, principal, apr, term_years, deferment_months, capitalize)
    return loans.loan_payment(principal, apr, term, deferment_months, capitalize)


@udf(**LOAN_ARGS, plan=PLAN)
def MLWORTH_LOAN_INTEREST(
    principal: Cells,
    apr: Cells,
    term_years: Cells = 10,
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


@udf(
    agi=num(
        AGI, "Adjusted gross income of the year, in dollars (with a spouse's if filing jointly)."
    ),
    dependents=num(
        F["dependents"], "Dependents claimed; each lowers the payment by $50 a month (default 0)."
    ),
)
def MLWORTH_RAP_PAYMENT(agi: Cells, dependents: Cells = 0) -> Cells:
    """Monthly payment under the Repayment Assistance Plan: 1% to 10% of AGI by $10,000 band ($120
    a year up to $10,000), less $50 a month per dependent, at least $10."""
    return repayment.rap_payment(agi, dependents)


def _scenario(key: str) -> Callable[[], float]:
    return lambda: quick.default_scenario()[key]


@udf(
    nan="never pays back within {horizon_years:g} years",
    total_cost=num(
        TOTAL_COST,
        "Total cost to earn back. Empty: the default scenario's "
        "(Carnegie Mellon MS in ML, default person).",
        default=_scenario("total_cost"),
    ),
    salary_before=num(
        F["salary"],
        "Yearly salary now. Empty: $58,260 (BLS 2021 average).",
        default=_scenario("salary_before"),
    ),
    salary_after=num(
        F["salary_after"],
        "Yearly salary in the new job. Empty: $120,883 (ML engineer, Salary.com).",
        default=_scenario("salary_after"),
    ),
    tax_rate=num(F["tax_rate"], "Tax rate on the raise as a decimal (default 0)."),
    growth_before=num(F["salary_growth"], "Yearly growth of the old salary (default 0)."),
    growth_after=num(F["salary_growth_after"], "Yearly growth of the new salary (default 0)."),
    discount_rate=num(
        F["discount_rate"], "Yearly discount rate; year k is divided by (1+rate)^k (default 0)."
    ),
    horizon_years=num(F["horizon_years"], "Years to look ahead (default 40)."),
)
def MLWORTH_PAYBACK(
    total_cost: Cells = None,
    salary_before: Cells = None,
    salary_after: Cells = None,
    tax_rate: Cells = 0,
    growth_before: Cells = 0,
    growth_after: Cells = 0,
    discount_rate: Cells = 0,
    horizon_years: Cells = 40,
) -> Cells:
    """Years after starting the new job until the after-tax raise covers the total cost; #N/A if
    never within the horizon. No growth, tax or discount: cost / (after - before)."""
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
        "Share of the salary still earned while studying: 0 full-time (default), 1 keeps the job.",
    ),
    tax_rate=num(F["tax_rate"], "Tax rate as a decimal (default 0)."),
    salary_growth=num(F["salary_growth"], "Yearly growth of the salary (default 0)."),
    months_to_job=num(
        F["months_to_job"], "Months between the end of study and the new job (default 0)."
    ),
)
def MLWORTH_INCOME_GIVEN_UP(
    salary: Cells,
    years: Cells,
    work_fraction: Cells = 0,
    tax_rate: Cells = 0,
    salary_growth: Cells = 0,
    months_to_job: Cells = 0,
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
    """Net present value of an option against staying in the current job, over the horizon at the
    discount rate (defaults 40 years, 3%)."""
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
    """Return on investment of an option: after-tax gain over the horizon divided by its total
    cost, minus 1."""
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
        "Payback accepted, in years from the first day of study. Empty: the scenario's, else 10.",
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
    """Salary after the degree at which the option pays back exactly in the target number of years
    from the first day of study."""
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
    term_years: Cells = 10,
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
MEASURE_ALIASES = {scenarios.key("Payback (years)"): "payback_years"}


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
        'Optional measure to return, e.g. "NPV" or "Payback (years)"; left '
        "out: a table of all of them.",
        kind="text",
    ),
)
def MLWORTH_EVALUATE(scenario: Cells, measure: Cells = None) -> Cells:
    """Evaluate a whole option kept as a table of inputs: all measures spilled, the odds first
    (chance of paying back, verdict, median payback, expected NPV, percentiles), then cost,
    loans, payback, NPV, IRR, ROI, break-even salary; or one of them."""
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
    """Compare options against staying put, spilled with a header row as `mlworth-xl compare`:
    the odds first (chance of paying back, verdict, median payback, expected NPV, percentiles),
    then cost, loans, payback, NPV, IRR, ROI."""
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
