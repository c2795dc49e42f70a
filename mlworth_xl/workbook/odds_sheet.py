"""The Odds sheet: each option's chance of paying back within the target, as live formulas.

The chance is that of :mod:`mlworth_xl.model.odds` (the scenarios of the
Monte Carlo layer, summed exactly), written out so that it follows every
edited input, the uncertainty inputs on Programs included:

- a graduate (probability ``c``, the completion probability) who lands the
  role (``p``, the placement probability, when placement is drawn) starts
  the new job ``M`` months after the study ends, ``M`` geometric with mean
  ``months_to_job`` (``P(M = m) = q^m (1 − q)``, ``q = mean / (1 + mean)``,
  the last month of 120 holding every longer search) or ``months_to_job``
  itself for a fixed search;
- at salary ``S`` the running total of the flows at the end of year ``k``
  is ``S × B(k, m) − A(k, m)``: ``A`` the costs to date (direct costs, loan
  fees and interest from Cash flows, and the income given up) and ``B``
  what a dollar of the new salary has earned to date after tax (its growth
  counted from the first year at the new salary);
- the course pays back within the target ``T`` exactly when every running
  total from the year after ``T`` to the horizon is at least 0, and so is
  the one at ``T`` itself (read on the line between the years around it):
  for salary ``S ≥ s(m)``, the largest of ``A / B`` over those years (the
  grid of the month's row);
- the salary is lognormal, so ``P(S ≥ s) = NORMSDIST(−LN(s / median) / σ)``;
  with role shares (Roles sheet) a placed graduate is paid the salary after
  with weight ``1 − Σ shares`` and role ``r``'s pay with weight ``share_r``,
  so ``P(S ≥ s)`` is the weighted sum of the parts' chances (a role paid one
  salary, spread 0, is read with the spread TinySpread: a step);
- a dropout or a graduate without the role earns no uplift and so never
  pays back when the study costs anything.

So the chance is ``c × p × Σ_m P(M = m) × P(S ≥ s(m))``.  Where this does not
hold the chance cell says so, and the Summary shows the model's figure
from the file's making instead (the Risk sheet simulates it too): an
option on RAP with a loan (its payments follow the income, so the flows
are not linear in the salary), and an option whose first month costs
nothing (a dropout could then pay back).

The model's figures written with the file (median payback, expected NPV,
percentiles) cannot follow edits; :func:`stale` is TRUE once the inputs
move the live chance or the NPV away from the figures they were written
with, and the Summary then says so instead of showing them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mlworth_xl.model import fields
from mlworth_xl.model.distributions import MAX_MONTHS_TO_JOB
from mlworth_xl.model.odds import Odds
from mlworth_xl.workbook import fast_path, layout, styles
from mlworth_xl.workbook.layout import CF_SHARED_COL, MAX_YEARS, MONTHS_PER_YEAR, Layout, cell

#: A payback that does not happen within the horizon (as on Summary).
NEVER = "never within horizon"
#: A threshold that no salary reaches (and its negative, one every salary passes).
BIG = "NoSalaryReaches"
#: What the chance cell says where the formula does not apply.
ON_RAP = "RAP: income-driven payments, see the Risk sheet"
FREE_START = "the first month costs nothing: see the Risk sheet"

YEAR_ROW = 4
SALARY_ROW = 5
SALARY_TO_DATE_ROW = 6
FIRST_BLOCK_ROW = 8
MONTHS = MAX_MONTHS_TO_JOB + 1
#: Scalars of an option, in column B of its block from its second row: (key, label, format).
SCALARS = (
    ("completion", "Completion probability", styles.PERCENT),
    ("weight", "Share of graduates in the scenario (placement, when drawn)", styles.PERCENT),
    ("pi", "Weight of the new salary (placement, when not drawn)", styles.PERCENT),
    ("after_tax", "1 − tax rate", styles.PERCENT),
    ("kept_after_tax", "Income given up per dollar of current salary, after tax", styles.FACTOR),
    ("gain_after_tax", "Weight of the new salary after tax", styles.FACTOR),
    ("growth", "Growth factor of the new salary", styles.FACTOR),
    ("own_median", "Median salary after (placed graduates not in a role share)", styles.USD),
    (
        "median",
        "Median salary after, drawn or not (with the roles when they are not drawn)",
        styles.USD,
    ),
    ("sigma", "Salary spread (log sd)", styles.FACTOR),
    (
        "own_weight",
        "Share of placed graduates paid the salary after (the rest: Roles)",
        styles.PERCENT,
    ),
    ("roles_on", "Roles drawn (each placed graduate's role)", "General"),
    ("fixed", "Fixed search", "General"),
    ("q", "Chance of still searching after a month", styles.FACTOR),
    ("first", "First year-end checked", styles.WHOLE),
    ("k0", "Whole years of the target", styles.WHOLE),
    ("w", "Part year of the target", styles.FACTOR),
    ("at", "Running total at the target checked", "General"),
    ("no_job_k0", "Costs to date with no new job, end of the target's whole years", styles.USD),
    ("no_job_k1", "… and a year later", styles.USD),
    ("in_job_k0", "Costs to date in the new job, end of the target's whole years", styles.USD),
    ("in_job_k1", "… and a year later", styles.USD),
    ("growth_k0", "Growth sum, end of the target's whole years", styles.FACTOR),
    ("growth_k1", "… and a year later", styles.FACTOR),
    ("rap", "On RAP with a loan", "General"),
    ("costly", "The first month costs something", "General"),
    ("chance", "Chance of paying back within the target", "0.0%"),
    ("written_chance", "Chance when the file was written", "0.0%"),
    ("written_npv", "NPV when the file was written", styles.USD),
    ("written_median", "Median payback when the file was written (years)", styles.YEARS),
    ("written_expected", "Expected NPV when the file was written", styles.USD),
    ("written_p10", "NPV P10 when the file was written", styles.USD),
    ("written_p90", "NPV P90 when the file was written", styles.USD),
    ("written_how", "How the model found them", "General"),
    ("stale", "Inputs changed since the file was written", "General"),
)
SCALAR_ROW = {key: 1 + k for k, (key, _, _) in enumerate(SCALARS)}
#: By-year rows of an option (in the grid's columns), from its second row: (key, label).
BY_YEAR = (
    ("costs", "Costs to date: direct, loan fees, interest"),
    ("no_job", "Costs to date with no new job (income given up in every year)"),
    ("growth_sum", "Growth of the new salary: sum of its factors to date"),
    ("in_job", "Costs to date when every year is in the new job"),
)
BY_YEAR_ROW = {key: 1 + k for k, (key, _) in enumerate(BY_YEAR)}
MONTH_HEADER = len(SCALARS) + 2
#: Columns of the month table (from column A): (key, header, format).
MONTH_COLUMNS = (
    ("m", "Months to a job", styles.WHOLE),
    ("p", "Probability", styles.FACTOR),
    ("start", "New job starts (years)", "0.000"),
    ("y1", "First year at the new salary", styles.WHOLE),
    ("b0", "B: constant", styles.FACTOR),
    ("b1", "B: per growth sum", styles.FACTOR),
    ("a0", "A: shift (current salary not earned in the new job)", styles.USD),
    ("r_at", "Salary needed at the target", styles.USD),
    ("r_after", "Salary needed at the year-ends checked in the job", styles.USD),
    ("s", "Salary needed (behind before the job: never)", styles.USD),
    ("chance", "Chance the salary is enough", styles.FACTOR),
)
MONTH_COL = {key: 1 + k for k, (key, _, _) in enumerate(MONTH_COLUMNS)}
#: The by-year rows start in this column (year 1), after a column of labels.
GRID_COL = len(MONTH_COLUMNS) + 3
BLOCK_ROWS = MONTH_HEADER + 1 + MONTHS + 1


class _Block(NamedTuple):
    top: int

    def scalar(self, key: str) -> str:
        return cell(None, 2, self.top + SCALAR_ROW[key])

    def by_year(self, key: str, k: int) -> str:
        return cell(None, GRID_COL + k - 1, self.top + BY_YEAR_ROW[key], absolute=False)

    def by_year_row(self, key: str) -> str:
        r = self.top + BY_YEAR_ROW[key]
        return layout.area(None, GRID_COL, r, r, GRID_COL + MAX_YEARS - 1)

    def month_row(self, m: int) -> int:
        return self.top + MONTH_HEADER + 1 + m

    def month_range(self, key: str) -> str:
        return layout.area(None, MONTH_COL[key], self.month_row(0), self.month_row(MONTHS - 1))


def block(i: int) -> _Block:
    return _Block(FIRST_BLOCK_ROW + i * BLOCK_ROWS)


def chance(i: int) -> str:
    """The cell of option ``i``'s live chance (a number, or text where it does not apply)."""
    return cell(layout.ODDS, 2, block(i).top + SCALAR_ROW["chance"])


def scalar(i: int, key: str) -> str:
    """The cell of scalar ``key`` of option ``i`` (see :data:`SCALARS`)."""
    return cell(layout.ODDS, 2, block(i).top + SCALAR_ROW[key])


def stale(i: int) -> str:
    """The cell that is TRUE once option ``i``'s inputs differ from those written."""
    return cell(layout.ODDS, 2, block(i).top + SCALAR_ROW["stale"])


def _threshold(a: str, b: str) -> str:
    """The salary from which S × b − a ≥ 0: a / b, or ±BIG when b is 0."""
    return f"IF({b}>0,({a})/({b}),IF({a}>0,{BIG},-{BIG}))"


def _roles_at_least(lay: Layout, i: int, salary: str) -> str:
    """Σ_r share_r × P(pay of role r ≥ salary), one term per role (no array formula)."""
    terms = []
    for key, name in zip(fields.ROLE_LABELS, fields.SHARE_FIELDS, strict=True):
        row = layout.ROLE_ROW[key]
        median = cell(layout.ROLES, layout.ROLE_COL["median"], row)
        sigma = cell(layout.ROLES, layout.ROLE_COL["sigma"], row)
        terms.append(
            f"{lay.program(name, i)}*NORMSDIST((LN({median})-LN({salary}))"
            f"/({sigma}+({sigma}<=0)*{layout.TINY_SPREAD}))"
        )
    return "+".join(terms)


def _scalars(lay: Layout, i: int, o: _Block) -> dict[str, str | float]:
    def p(field: str) -> str:
        return lay.program(field, i)

    def r(field: str) -> str:
        return lay.risk_input(field, i)

    def s(key: str) -> str:
        return o.scalar(key)

    median_cell = cell(layout.PROGRAMS, lay.option_col(i), layout.RISK_ROW["salary_median"])
    direct1 = cell(layout.CASH_FLOWS, lay.cf_col(i, "direct"), layout.CF_FIRST_ROW)
    return {
        "completion": f"={r('completion_prob')}",
        "weight": f"=IF({r('random_placement')},{p('placement_prob')},1)",
        "pi": f"=IF({r('random_placement')},1,{p('placement_prob')})",
        "after_tax": "=1-TaxRate",
        "kept_after_tax": f"={s('after_tax')}*(1-{p('work_fraction')})",
        "gain_after_tax": f"={s('after_tax')}*{s('pi')}",
        "growth": f"=1+{p('salary_growth_after')}",
        "own_median": (
            f"=IF(AND(ISNUMBER({median_cell}),N({median_cell})>0),{median_cell},"
            f"{p('salary_after')})"
        ),
        "median": (
            f"=IF({s('roles_on')},{s('own_median')},(1-SUM({lay.shares(i)}))"
            f"*{s('own_median')}+SUMPRODUCT({lay.shares(i)},{layout.ROLE_MEDIANS}))"
        ),
        "sigma": f"={r('salary_sigma')}",
        "own_weight": f"=IF({s('roles_on')},1-SUM({lay.shares(i)}),1)",
        "roles_on": f"={r('random_role')}",
        "fixed": f'={r("job_search")}="fixed"',
        "q": (
            f"=IF(OR({s('fixed')},{p('months_to_job')}<=0),0,"
            f"{p('months_to_job')}/(1+{p('months_to_job')}))"
        ),
        "first": "=IF(TargetPayback>=Horizon,Horizon,IF(INT(TargetPayback)=0,1,"
        "INT(TargetPayback)+1))",
        "k0": "=INT(TargetPayback)",
        "w": f"=TargetPayback-{s('k0')}",
        "at": f"=AND(TargetPayback<Horizon,{s('k0')}>=1)",
        **{
            f"{key}_k{j}": (
                f"=IF({s('at')},INDEX({o.by_year_row(row)},{s('k0')}{'+1' if j else ''}),0)"
            )
            for key, row in (("no_job", "no_job"), ("in_job", "in_job"), ("growth", "growth_sum"))
            for j in (0, 1)
        },
        "rap": f"=AND({p('repayment_plan')}=RapPlanCode,{lay.loan('borrowed', i)}>0)",
        "costly": f"=OR({direct1}>0,{s('kept_after_tax')}*Salary>0)",
        "chance": (
            f'=IF({s("rap")},"{ON_RAP}",IF({s("costly")}=FALSE,"{FREE_START}",'
            f"{s('completion')}*{s('weight')}*SUMPRODUCT({o.month_range('p')},"
            f"{o.month_range('chance')})))"
        ),
    }


def _by_year(lay: Layout, i: int, o: _Block, k: int) -> dict[str, str]:
    row = lay.cf_row(k)

    def cf(key: str) -> str:
        return cell(layout.CASH_FLOWS, lay.cf_col(i, key), row)

    def prev(key: str) -> str:
        return "0" if k == 1 else f"N({o.by_year(key, k - 1)})"

    to_date = cell(None, GRID_COL + k - 1, SALARY_TO_DATE_ROW, absolute=False)
    year = f"{get_column_letter(GRID_COL + k - 1)}${YEAR_ROW}"
    return {
        "costs": f"={prev('costs')}+{cf('direct')}+{cf('fee')}+{cf('interest')}-{cf('relief')}",
        "no_job": f"={o.by_year('costs', k)}+{o.scalar('kept_after_tax')}*{to_date}",
        "growth_sum": f"={prev('growth_sum')}+{o.scalar('growth')}^{year}",
        "in_job": f"={o.by_year('costs', k)}+{o.scalar('gain_after_tax')}*{to_date}",
    }


#: The row of the month table's formulas as written once per option, then replaced by each
#: month's row (no cell of the workbook lies this far down).
_ANY_ROW = 999_999


def _month(
    lay: Layout, i: int, o: _Block, m: int = 0, row: int | None = None
) -> dict[str, str | int]:
    row = o.month_row(m) if row is None else row

    def c(key: str) -> str:
        return cell(None, MONTH_COL[key], row)

    def s(key: str) -> str:
        return o.scalar(key)

    month = c("m")
    geometric = f"{s('q')}^{month}*IF({month}=MonthsToJobCap,1,1-{s('q')})"
    years, months = lay.program("years", i), lay.program("months_to_job", i)
    salaries = layout.area(None, GRID_COL, SALARY_ROW, SALARY_ROW, GRID_COL + MAX_YEARS - 1)
    to_date = layout.area(
        None, GRID_COL, SALARY_TO_DATE_ROW, SALARY_TO_DATE_ROW, GRID_COL + MAX_YEARS - 1
    )

    def a_at(j: int) -> str:
        k = s("k0") + ("+1" if j else "")
        return f"IF({k}<{c('y1')},{s(f'no_job_k{j}')},{s(f'in_job_k{j}')}+{c('a0')})"

    def b_at(j: int) -> str:
        k = s("k0") + ("+1" if j else "")
        return f"IF({k}<{c('y1')},0,{c('b0')}+{c('b1')}*{s(f'growth_k{j}')})"

    w = s("w")
    a = f"(1-{w})*{a_at(0)}+{w}*{a_at(1)}"
    b = f"(1-{w})*{b_at(0)}+{w}*{b_at(1)}"
    years_row = layout.area(None, GRID_COL, YEAR_ROW, YEAR_ROW, GRID_COL + MAX_YEARS - 1)
    in_job, growth_sum = o.by_year_row("in_job"), o.by_year_row("growth_sum")
    # year-ends in the job checked: from the later of the first checked and the first at the
    # new salary, to the horizon; the others get a denominator of 1 and -BIG
    kl = f"MAX({s('first')},{c('y1')})"
    mask = f"({years_row}>={kl})*({years_row}<=Horizon)"
    den = f"({mask}*({c('b0')}+{c('b1')}*{growth_sum})+1-{mask})"
    after = f"SUMPRODUCT(MAX({mask}*({in_job}+{c('a0')})/{den}+({mask}-1)*{BIG}))"
    last_before = f"MIN(Horizon,{c('y1')}-1)"
    before = (
        f"IF({s('first')}<={last_before},INDEX({o.by_year_row('no_job')},{last_before})>0,FALSE)"
    )
    y1 = c("y1")
    f = f"({c('start')}-{y1}+1)"  # the part of the first year at the new salary before the job
    d = f"IF({y1}>1,INDEX({to_date},{y1}-1),0)+{f}*INDEX({salaries},{y1})"
    h = f"{s('growth')}^(-{y1})"
    gq = f"INDEX({o.by_year_row('growth_sum')},{y1})"
    sig, med = s("sigma"), s("median")
    return {
        "m": m,
        "p": f"=IF(OR({s('fixed')},{s('q')}=0),IF({month}=0,1,0),{geometric})",
        "start": f"={years}+IF({s('fixed')},{months},{month})/{MONTHS_PER_YEAR}",
        "y1": f"=INT({c('start')})+1",
        "b0": f"={s('gain_after_tax')}*(1-{f}-{gq}*{h})",
        "b1": f"={s('gain_after_tax')}*{h}",
        "a0": f"=({s('kept_after_tax')}-{s('gain_after_tax')})*({d})",
        "r_at": f"=IF({s('at')},{_threshold(a, b)},-{BIG})",
        "r_after": f"=IF({s('gain_after_tax')}>0,{after},{BIG})",
        "s": f"=IF({before},{BIG},MAX({c('r_at')},{c('r_after')}))",
        "chance": (
            f"=IF({c('s')}>={BIG},0,IF({c('s')}<=0,1,{s('own_weight')}*IF({med}<=0,0,"
            f"IF({sig}>0,NORMSDIST(-LN({c('s')}/{med})/{sig}),IF({med}>={c('s')},1,0)))"
            f"+IF({s('roles_on')},{_roles_at_least(lay, i, c('s'))},0)))"
        ),
    }


def write(
    wb: Workbook,
    names: Sequence[str],
    lay: Layout,
    odds: Sequence[Odds] | None,
    npvs: Sequence[float] | None,
) -> None:
    """The Odds sheet; ``odds`` and ``npvs`` are the model's figures at the inputs written
    (None in a template: it holds none, and its figures say the file must be written again)."""
    ws = wb.create_sheet(layout.ODDS) if layout.ODDS not in wb.sheetnames else wb[layout.ODDS]
    styles.title(
        ws,
        "Odds: the chance of paying back within the target, live",
        "Per option: a graduate who lands the role starts the new job after m months; "
        "the salary needed to pay back within the target is the largest of the grid's "
        "row (years from the one after the target to the horizon); the salary is "
        "lognormal. Dropouts and graduates without the role never pay back.",
    )
    cells = styles.Cells(ws, fast=fast_path.enabled())
    ws.cell(row=YEAR_ROW, column=GRID_COL - 1, value="Year").font = styles.BOLD
    ws.cell(row=SALARY_ROW, column=GRID_COL - 1, value="Current salary")
    ws.cell(row=SALARY_TO_DATE_ROW, column=GRID_COL - 1, value="Current salary to date")
    for k in range(1, MAX_YEARS + 1):
        col = GRID_COL + k - 1
        cells.formula(YEAR_ROW, col, k, styles.WHOLE)
        salary = cell(layout.CASH_FLOWS, CF_SHARED_COL["salary"], lay.cf_row(k))
        cells.formula(SALARY_ROW, col, f"={salary}", styles.USD)
        prev = "0" if k == 1 else f"N({get_column_letter(col - 1)}{SALARY_TO_DATE_ROW})"
        cells.formula(
            SALARY_TO_DATE_ROW, col, f"={prev}+{get_column_letter(col)}{SALARY_ROW}", styles.USD
        )
    for i in range(len(names)):
        o = block(i)
        name = ws.cell(row=o.top, column=1, value=lay.when_filled(i, f"={lay.program('name', i)}"))
        name.font = styles.SECTION_FONT
        scalars = _scalars(lay, i, o)
        if odds is None or npvs is None:  # no figures of the model: the Summary asks for the file
            scalars.update({key: None for key, _, _ in SCALARS if key.startswith("written_")})
            scalars["stale"] = "=TRUE"
        else:
            scalars["written_chance"] = float(odds[i].payback_probability)
            scalars["written_npv"] = float(npvs[i])
            median = float(odds[i].median_payback_years)
            scalars["written_median"] = NEVER if math.isnan(median) else median
            scalars["written_expected"] = float(odds[i].expected_npv)
            scalars["written_p10"] = float(odds[i].npv_p10)
            scalars["written_p90"] = float(odds[i].npv_p90)
            scalars["written_how"] = "exact" if odds[i].exact else "simulated"
            written_chance, written_npv = o.scalar("written_chance"), o.scalar("written_npv")
            npv = cell(layout.SUMMARY, layout.SUMMARY_COL["npv"], lay.summary_row(i))
            scalars["stale"] = (
                f"=OR(IF(ISNUMBER({o.scalar('chance')}),ABS({o.scalar('chance')}"
                f"-{written_chance})>SameFigure,FALSE),ABS({npv}-{written_npv})>"
                f"SameFigure*MAX(1,ABS({written_npv})))"
            )
        for key, label, fmt in SCALARS:
            r = o.top + SCALAR_ROW[key]
            ws.cell(row=r, column=1, value=label)
            value = scalars[key]
            # a template's empty column: every formula shows empty text
            cells.formula(r, 2, lay.when_filled(i, value) if isinstance(value, str) else value, fmt)
        for key, label in BY_YEAR:
            ws.cell(row=o.top + BY_YEAR_ROW[key], column=GRID_COL - 1, value=label)
        for k in range(1, MAX_YEARS + 1):
            for key, formula in _by_year(lay, i, o, k).items():
                cells.formula(
                    o.top + BY_YEAR_ROW[key],
                    GRID_COL + k - 1,
                    lay.when_filled(i, formula),
                    styles.USD if key != "growth_sum" else styles.FACTOR,
                )
        header = o.top + MONTH_HEADER
        for key, text, _ in MONTH_COLUMNS:
            cells.header(header, MONTH_COL[key], text)
        formats = {key: fmt for key, _, fmt in MONTH_COLUMNS}
        template = {
            key: formula if key == "m" else lay.when_filled(i, str(formula))
            for key, formula in _month(lay, i, o, row=_ANY_ROW).items()
        }
        anywhere = str(_ANY_ROW)
        for m in range(MONTHS):
            row = o.month_row(m)
            here = str(row)
            for key, formula in template.items():
                value = m if key == "m" else str(formula).replace(anywhere, here)
                cells.formula(row, MONTH_COL[key], value, formats[key])
    styles.widths(ws, {"A": 44, "B": 14})
    ws.freeze_panes = ws.cell(row=YEAR_ROW + 1, column=GRID_COL)
    styles.protect(ws)
