"""The Monte Carlo Excel functions: how likely an option is to pay back, and percentiles.

``MLWORTH_PAYBACK_PROB``, ``MLWORTH_PAYBACK_PERCENTILE`` and
``MLWORTH_NPV_PERCENTILE`` take an option as ``MLWORTH_NPV`` does (length,
tuition, salary after, the current salary, and an optional two-column
``scenario`` range for every other input) and simulate it with
:func:`mlworth_xl.model.risk.simulate`.  The scenario range may also hold
the option's ``kind`` (its defaults are those of the placement, months to a
job, role shares and completion probability left out) and
the uncertainty inputs of :data:`mlworth_xl.model.uncertainty.RISK_FIELDS`
(``completion_prob``, ``salary_sigma``, ``salary_median``, ``job_search``,
``random_placement``).

The draws are seeded (``seed``, default 2026) so a recalculation gives the
same number, and by default they are those of ``mlworth-xl risk`` and the
workbook's Risk sheet (100,000 draws, seed 2026), so the three agree.  A
call runs on one thread (xlwings Lite's Pyodide has none); rows with the
same option are simulated once.  :mod:`mlworth_xl.udfs` names these
functions with the others of :mod:`mlworth_xl.excel.functions`, so Excel
registers them all.

>>> MLWORTH_PAYBACK_PROB(2, 30000, 100000, 6.5, 60000,
...                      [["tax_rate", 0], ["discount_rate", 0], ["savings", 0],
...                       ["placement_prob", 0.8], ["months_to_job", 0], ["completion_prob", 1],
...                       ["salary_sigma", 0], ["job_search", "fixed"]], 10000, 1)
0.7992
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from mlworth_xl.excel import scenarios
from mlworth_xl.excel.cells import Arg, CellError, Cells
from mlworth_xl.excel.registry import OPTION_ARGS, SCENARIO, num, shown, udf
from mlworth_xl.excel.scenarios import ODDS_MEASURES, odds_value, program_and_person
from mlworth_xl.model import fields
from mlworth_xl.model.odds import odds
from mlworth_xl.model.risk import DEFAULT_DRAWS, DEFAULT_SEED, RiskResult, simulate
from mlworth_xl.model.uncertainty import Uncertainty

F = fields.ALL

#: Most draws one call simulates per option: about 0.1 s each on a laptop, more in Pyodide.
MAX_CELL_DRAWS = 500_000
#: Largest seed: a million seeds, each written in full in an error message.
MAX_SEED = 999_999

DRAWS = fields.Field(
    "draws", "Draws", "count", "Draws per option.", low=1, high=MAX_CELL_DRAWS, integer=True
)
SEED = fields.Field(
    "seed", "Seed", "count", "Seed of the random numbers.", low=0, high=MAX_SEED, integer=True
)
PERCENTILE = fields.Field(
    "percentile",
    "Percentile",
    "fraction",
    "Share of the draws at or below the value.",
    low=0,
    high=1,
)

RUN_ARGS = dict(
    draws=Arg(
        f"Draws to simulate, at most {MAX_CELL_DRAWS:,} (default {DEFAULT_DRAWS:,}, "
        "as `mlworth-xl risk`); more draws, less noise, slower.",
        kind="one",
        field=DRAWS,
    ),
    seed=Arg(
        f"Seed of the random numbers (default {DEFAULT_SEED}): the same seed gives "
        "the same answer at every recalculation.",
        kind="one",
        field=SEED,
    ),
)
RISK_SCENARIO = Arg(
    SCENARIO.doc.replace(
        "every other input;",
        "every other input, the kind and completion_prob, salary_sigma, job_search;",
    ),
    kind="table",
)


def simulate_rows(
    scenario: list[list[Any]] | None,
    draws: float,
    seed: float,
    within_years: Any = None,
    rows: int = 1,
    **given: Any,
) -> list[RiskResult]:
    """Simulate the option of each row: the scenario range overridden by ``given``.

    ``given`` holds floats or arrays of one length (one element per row),
    as :func:`mlworth_xl.excel.cells.excel_function` passes them; ``rows``
    says how many rows there are when no array does.  Rows with the same
    inputs are simulated once.
    """
    model_rows, extra = scenarios.split_scenario(scenario)
    values, _ = scenarios.scenario(model_rows, columns=1)
    base: dict[str, float] = {k: float(v[0]) for k, v in values.items()}
    kind = extra.pop("kind", "other")
    uncertainty = Uncertainty.for_kind(kind, **extra)
    columns = {k: v for k, v in given.items() if v is not None}
    if within_years is not None:
        columns["target_payback_years"] = within_years
    n = max([rows, *(len(v) for v in columns.values() if isinstance(v, np.ndarray))])
    done: dict[tuple[tuple[str, float], ...], RiskResult] = {}
    results = []
    for i in range(n):
        row = {
            **base,
            **{k: float(v[i] if isinstance(v, np.ndarray) else v) for k, v in columns.items()},
        }
        key = tuple(sorted(row.items()))
        if key not in done:
            done[key] = _simulate_one(row, uncertainty, int(draws), int(seed), n > 1, i)
        results.append(done[key])
    return results


def _simulate_one(
    row: Mapping[str, float], uncertainty: Uncertainty, draws: int, seed: int, many: bool, i: int
) -> RiskResult:
    scenarios.checked_inputs(row, f"value {i + 1}: " if many else "")
    program, person = program_and_person(row)
    return simulate(program, person, uncertainty, draws=draws, seed=seed)


def _each(results: list[RiskResult], measure: Callable[[RiskResult], float]) -> Any:
    """One number per row: a float for one row, else an array."""
    out = np.array([measure(r) for r in results])
    return float(out[0]) if len(out) == 1 else out


def _percentiles(results: list[RiskResult], percentile: Any, measure: str) -> Any:
    """Each row's percentile (0 to 1) of ``payback`` or ``npv``, as numpy's 0 to 100.

    Rounded to 9 decimals so that 0.1 is the 10th percentile exactly, as in ``mlworth-xl risk``.
    """
    q = np.broadcast_to(np.round(np.asarray(percentile, dtype=float) * 100.0, 9), (len(results),))
    out = np.array(
        [
            float(getattr(r, f"{measure}_percentiles")([x])[0])
            for r, x in zip(results, q.tolist(), strict=True)
        ]
    )
    return float(out[0]) if len(out) == 1 else out


WITHIN = num(
    F["target_payback_years"],
    "Years from the first day of study to pay back within. "
    f"Empty: the scenario's target payback, else {shown('target_payback_years')}.",
)
PERCENTILE_ARG = num(
    PERCENTILE,
    "Which percentile, from 0 to 1 as Excel's PERCENTILE takes "
    "it: 0.1 for the 10th, 0.5 for the median.",
)
COMMON = dict(
    years=OPTION_ARGS["years"],
    tuition_per_year=OPTION_ARGS["tuition_per_year"],
    salary_after=OPTION_ARGS["salary_after"],
)
TAIL = dict(salary=OPTION_ARGS["salary"], scenario=RISK_SCENARIO, **RUN_ARGS)


@udf(**COMMON, within_years=WITHIN, **TAIL)
def MLWORTH_PAYBACK_PROB(
    years: Cells,
    tuition_per_year: Cells,
    salary_after: Cells,
    within_years: Cells = None,
    salary: Cells = None,
    scenario: Cells = None,
    draws: Cells = DEFAULT_DRAWS,
    seed: Cells = DEFAULT_SEED,
) -> Cells:
    """Chance (0 to 1) that an option pays back within the years given, from the first day of
    study: the share of seeded Monte Carlo draws of completion, job search, placement and
    salary."""
    results = simulate_rows(
        scenario,
        draws,
        seed,
        within_years,
        years=years,
        tuition_per_year=tuition_per_year,
        salary_after=salary_after,
        salary=salary,
    )
    return _each(results, RiskResult.payback_probability)


@udf(
    nan="at percentile {percentile:.0%} the option never pays back within the horizon",
    **COMMON,
    percentile=PERCENTILE_ARG,
    **TAIL,
)
def MLWORTH_PAYBACK_PERCENTILE(
    years: Cells,
    tuition_per_year: Cells,
    salary_after: Cells,
    percentile: Cells,
    salary: Cells = None,
    scenario: Cells = None,
    draws: Cells = DEFAULT_DRAWS,
    seed: Cells = DEFAULT_SEED,
) -> Cells:
    """Percentile of the payback over seeded Monte Carlo draws, in years from the first day of
    study; #N/A when that share of draws never pays back within the horizon."""
    results = simulate_rows(
        scenario,
        draws,
        seed,
        rows=np.size(percentile),
        years=years,
        tuition_per_year=tuition_per_year,
        salary_after=salary_after,
        salary=salary,
    )
    return _percentiles(results, percentile, "payback")


@udf(**COMMON, percentile=PERCENTILE_ARG, **TAIL)
def MLWORTH_NPV_PERCENTILE(
    years: Cells,
    tuition_per_year: Cells,
    salary_after: Cells,
    percentile: Cells,
    salary: Cells = None,
    scenario: Cells = None,
    draws: Cells = DEFAULT_DRAWS,
    seed: Cells = DEFAULT_SEED,
) -> Cells:
    """Percentile of the NPV against staying in the current job over seeded Monte Carlo draws:
    0.1 gives an NPV that 10% of the draws fall below."""
    results = simulate_rows(
        scenario,
        draws,
        seed,
        rows=np.size(percentile),
        years=years,
        tuition_per_year=tuition_per_year,
        salary_after=salary_after,
        salary=salary,
    )
    return _percentiles(results, percentile, "npv")


ODDS_MEASURE = Arg(
    'Optional measure to return: "Chance of paying back within target" '
    '(or payback_chance), "Verdict", "Median payback (years)", '
    '"Expected NPV", "NPV P10", "NPV P90"; left out: all of them, '
    "spilled with their names.",
    kind="text",
)


@udf(
    **COMMON,
    measure=ODDS_MEASURE,
    within_years=WITHIN,
    salary=OPTION_ARGS["salary"],
    scenario=RISK_SCENARIO,
)
def MLWORTH_ODDS(
    years: Cells,
    tuition_per_year: Cells,
    salary_after: Cells,
    measure: Cells = None,
    within_years: Cells = None,
    salary: Cells = None,
    scenario: Cells = None,
) -> Cells:
    """The odds of an option, exactly (no draws): the chance of paying back within the target,
    the verdict in words, the median payback, the expected NPV and its 10th and 90th
    percentiles, over completion, months to a job, placement and the salary."""
    model_rows, extra = scenarios.split_scenario(scenario)
    values, _ = scenarios.scenario(model_rows, columns=1)
    row = {k: float(v[0]) for k, v in values.items()}
    row.update(
        {
            k: float(v)
            for k, v in dict(
                years=years,
                tuition_per_year=tuition_per_year,
                salary_after=salary_after,
                salary=salary,
                target_payback_years=within_years,
            ).items()
            if v is not None
        }
    )
    kind = extra.pop("kind", "other")
    scenarios.checked_inputs(row)
    found = odds(*program_and_person(row, kind), Uncertainty.for_kind(kind, **extra))
    if measure is None:
        return [
            ["Measure", "Value"],
            *([header, odds_value(found, attr)] for _, header, attr in ODDS_MEASURES),
        ]
    for name, header, attr in ODDS_MEASURES:
        if scenarios.key(measure) in (scenarios.key(name), scenarios.key(header)):
            return odds_value(found, attr)
    raise CellError(
        "#N/A",
        f"measure: {measure!r} is not a measure; measures are: "
        + ", ".join(h for _, h, _ in ODDS_MEASURES),
    )
