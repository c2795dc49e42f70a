"""The Cash flows sheet: year by year, per option, the flows against staying put.

The formulas implement the definitions of :mod:`mlworth_xl.model.evaluate`
term by term, in the same order of operations.  Every year up to the
longest horizon allowed has a row; rows beyond the horizon input are zero,
so changing the horizon works live.

Year ``y`` of option ``o`` (names as on Programs and Inputs):

- shares of the year spent studying, job-hunting and in the new job, with
  the new job starting at ``years + months_to_job / 12``;
- direct cost = study share × (MAX(0, tuition × (1 + growth)^(y−1) + fees +
  books − aid − employer assistance) + travel + 12 × (living + caregiving))
  + relocation and program price in year 1;
- income given up = (1 − tax) × (1 − salary kept) × (study + search share) ×
  current salary;
- gain = (1 − tax) × placement × job share × (salary after × (1 + growth
  after)^(y − first job year) − current salary);
- gross income (what RAP reads): salary kept × (study + search share) ×
  current salary + job share × (placement × new salary + (1 − placement)
  × current salary); the AGI of year y is the income of year y − 1 (the
  current salary in year 1);
- net flow = gain − income given up − direct cost − loan fees − interest
  + loan relief (Loans), its running total, and the running total of
  flow × (1 + r)^−y.

The two crossing columns hold, for a year in which the running total turns
from negative to zero or more, the time of the crossing interpolated inside
the year; the payback on Summary is the last of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mlworth_xl.model import fields
from mlworth_xl.workbook import fast_path, irr_search, layout, styles
from mlworth_xl.workbook.layout import (
    CF_BLOCK,
    CF_BLOCK_OFFSET,
    CF_FIRST_ROW,
    CF_HEADER_ROW,
    CF_LAST_ROW,
    CF_SHARED,
    CF_SHARED_COL,
    MAX_YEARS,
    MONTHS_PER_YEAR,
    SCHEDULE_BLOCK,
    Layout,
    cell,
)

_FORMAT = {
    "study": styles.SHARE,
    "search": styles.SHARE,
    "job": styles.SHARE,
    "direct": styles.USD,
    "foregone": styles.USD,
    "per_salary": styles.FACTOR,
    "gain": styles.USD_SIGNED,
    "fee": styles.USD,
    "interest": styles.USD,
    "relief": styles.USD,
    "income": styles.USD,
    "agi": styles.USD,
    "flow": styles.USD_SIGNED,
    "cumulative": styles.USD_SIGNED,
    "discounted_cumulative": styles.USD_SIGNED,
    "crossing": "0.000",
    "discounted_crossing": "0.000",
    "sign": styles.WHOLE,
}
_SHARED_FORMAT = {
    "year": styles.WHOLE,
    "in_horizon": "General",
    "salary": styles.USD,
    "discount": styles.FACTOR,
    "weight": styles.SHARE,
}


def _shared(row: int) -> dict[str, str]:
    """Formulas of the shared columns in the row of one year."""
    year = f"$A{row}"
    return {
        # the row above plus 1 (its header counts as 0): a ROWS() counter would refer to itself
        "year": f"=N($A{row - 1})+1",
        "in_horizon": f"={year}<=Horizon",
        "salary": f"=Salary*(1+SalaryGrowth)^({year}-1)",
        "discount": f"=(1+DiscountRate)^(-{year})",
        "weight": f"=MAX(0,MIN(1,TargetPayback-({year}-1)))",
    }


class _Option(NamedTuple):
    """Option ``i``'s references that are the same in every year row, made once."""

    inputs: dict[str, str]  # its cells on Programs, by field
    columns: dict[str, str]  # its column letters on Cash flows, by key
    schedule: dict[str, str]  # its columns of the yearly schedule on Loans, by key
    job_start: str
    first_job_year: str

    @classmethod
    def of(cls, lay: Layout, i: int) -> _Option:
        loans = layout.sheet_prefix(layout.LOANS)
        inputs = {f.name: lay.program(f.name, i) for f in fields.PROGRAM_FIELDS}
        inputs["salary_after"] = lay.placed_salary(i)  # weighted over the roles (Roles sheet)
        return cls(
            inputs,
            {key: get_column_letter(lay.cf_col(i, key)) for key, _ in CF_BLOCK},
            {key: loans + get_column_letter(lay.schedule_col(i, key)) for key, _ in SCHEDULE_BLOCK},
            lay.job_start(i),
            lay.first_job_year(i),
        )


def _block(option: _Option, row: int) -> dict[str, str]:
    """Formulas of an option's columns in the row of one year."""

    def p(field: str) -> str:
        return option.inputs[field]

    def c(key: str, at: int = row) -> str:
        return f"{option.columns[key]}{at}"

    y, inh, s0, df = f"$A{row}", f"$B{row}", f"$C{row}", f"$D{row}"
    js, y1 = option.job_start, option.first_job_year
    after_tax = "(1-TaxRate)"
    rate = (
        f"MAX(0,{p('tuition_per_year')}*(1+{p('tuition_growth')})^({y}-1)"
        f"+{p('fees_per_year')}+{p('books_per_year')}"
        f"-({p('aid_per_year')}+{p('employer_assistance_per_year')}))"
        f"+{p('travel_per_year')}"
        f"+{MONTHS_PER_YEAR}*({p('living_per_month')}+{p('caregiving_per_month')})"
    )
    once = f"IF({y}=1,{p('relocation')}+{p('program_price')},0)"
    cum, prev_cum = c("cumulative"), f"N({c('cumulative', row - 1)})"
    dcum, prev_dcum = c("discounted_cumulative"), f"N({c('discounted_cumulative', row - 1)})"

    def schedule(key: str) -> str:
        return f"{option.schedule[key]}{Layout.schedule_row(row - CF_FIRST_ROW + 1)}"

    return {
        "study": f"=MAX(0,MIN({y},{p('years')})-MAX({y}-1,0))",
        "search": f"=MAX(0,MIN({y},{js})-MAX({y}-1,{p('years')}))",
        "job": f"=MIN(1,MAX(0,{y}-{js}))",
        "direct": f"=IF({inh},{c('study')}*({rate})+{once},0)",
        "foregone": (
            f"=IF({inh},{after_tax}*(1-{p('work_fraction')})*({c('study')}+{c('search')})*{s0},0)"
        ),
        "per_salary": (
            f"=IF({inh},{after_tax}*{p('placement_prob')}*{c('job')}"
            f"*(1+{p('salary_growth_after')})^({y}-{y1}),0)"
        ),
        "gain": (
            f"={c('per_salary')}*{p('salary_after')}"
            f"-IF({inh},{after_tax}*{p('placement_prob')}*{c('job')}*{s0},0)"
        ),
        "fee": f"={schedule('real_fee')}",
        "interest": f"=IF({inh},{schedule('real_interest')},0)",
        "relief": f"=IF({inh},{schedule('real_relief')},0)",
        "income": (
            f"={p('work_fraction')}*({c('study')}+{c('search')})*{s0}+{c('job')}"
            f"*({p('placement_prob')}*{p('salary_after')}*(1+{p('salary_growth_after')})"
            f"^({y}-{y1})+(1-{p('placement_prob')})*{s0})"
        ),
        "agi": "=Salary" if row == CF_FIRST_ROW else f"={c('income', row - 1)}",
        "flow": (
            f"={c('gain')}-{c('foregone')}-{c('direct')}-{c('fee')}-{c('interest')}+{c('relief')}"
        ),
        "cumulative": f"={prev_cum}+{c('flow')}",
        "discounted_cumulative": f"={prev_dcum}+{c('flow')}*{df}",
        "crossing": (f'=IF(AND({prev_cum}<0,{cum}>=0),{y}-1+(-{prev_cum})/{c("flow")},"")'),
        "discounted_crossing": (
            f'=IF(AND({prev_dcum}<0,{dcum}>=0),{y}-1+(-{prev_dcum})/({c("flow")}*{df}),"")'
        ),
        "sign": f"=IF({c('flow')}<>0,SIGN({c('flow')}),N({c('sign', row - 1)}))",
    }


def shown(by_year: Sequence[float], attr: str, year: int, horizon: int) -> float:
    """What the sheet shows for year ``year`` of an amount the model gives ``by_year``.

    Past the horizon a cumulative stays at its last value and any other amount is 0.
    """
    if year <= horizon:
        return float(by_year[year - 1])
    if attr in ("cumulative", "discounted_cumulative"):
        return float(by_year[horizon - 1])
    return 0.0


def write(wb: Workbook, names: list[str], lay: Layout) -> None:
    ws = wb[layout.CASH_FLOWS]
    styles.title(
        ws,
        "Cash flows: each option against staying in the current job, year by year",
        "Year 1 starts on the first day of study. Flows are after tax; the gain is "
        "weighted by the placement probability. Rows beyond the horizon are zero.",
    )
    ws.cell(row=layout.CF_NAME_ROW, column=1, value="Option").font = styles.BOLD
    ws.cell(
        row=layout.CF_JOB_START_ROW,
        column=1,
        value="New job starts (years from the first day of study)",
    )
    ws.cell(
        row=layout.CF_FIRST_JOB_YEAR_ROW,
        column=1,
        value="First year at the new salary (its growth counts from here)",
    )
    ws.cell(
        row=layout.CF_SIGN_CHANGES_ROW,
        column=1,
        value="Sign changes of the net flow (an IRR needs exactly one)",
    )
    cells = styles.Cells(ws, fast=fast_path.enabled())
    for key, text in CF_SHARED:
        cells.header(CF_HEADER_ROW, CF_SHARED_COL[key], text)
    width = len(CF_BLOCK)
    for i in range(len(names)):
        first = lay.cf_col(i, "study")
        name = ws.cell(
            row=layout.CF_NAME_ROW,
            column=first,
            value=lay.when_filled(i, f"={lay.program('name', i)}"),
        )
        name.font = styles.SECTION_FONT
        ws.merge_cells(
            start_row=layout.CF_NAME_ROW,
            start_column=first,
            end_row=layout.CF_NAME_ROW,
            end_column=first + width - 1,
        )
        ws.cell(
            row=layout.CF_JOB_START_ROW,
            column=first,
            value=lay.when_filled(
                i,
                f"={lay.program('years', i)}+{lay.program('months_to_job', i)}/{MONTHS_PER_YEAR}",
            ),
        ).number_format = "0.00"
        ws.cell(
            row=layout.CF_FIRST_JOB_YEAR_ROW,
            column=first,
            value=lay.when_filled(i, f"=INT({lay.job_start(i)})+1"),
        ).number_format = styles.WHOLE
        signs = [cell(None, lay.cf_col(i, "sign"), row) for row in (CF_FIRST_ROW, CF_LAST_ROW)]
        before = f"{signs[0]}:{cell(None, lay.cf_col(i, 'sign'), CF_LAST_ROW - 1)}"
        after = f"{cell(None, lay.cf_col(i, 'sign'), CF_FIRST_ROW + 1)}:{signs[1]}"
        ws.cell(
            row=layout.CF_SIGN_CHANGES_ROW,
            column=first,
            value=lay.when_filled(i, f"=SUMPRODUCT(--({before}*{after}<0))"),
        ).number_format = styles.WHOLE
        for key, text in CF_BLOCK:
            cells.header(CF_HEADER_ROW, lay.cf_col(i, key), text)

    options = [_Option.of(lay, i) for i in range(len(names))]
    for year in range(1, MAX_YEARS + 1):
        row = lay.cf_row(year)
        for key, formula in _shared(row).items():
            cells.formula(row, CF_SHARED_COL[key], formula, _SHARED_FORMAT[key])
        for i, option in enumerate(options):
            first = lay.cf_col(i, CF_BLOCK[0][0])
            for key, formula in _block(option, row).items():
                # a template's empty column: empty text, and no line on the chart
                formula = lay.when_filled(i, formula)
                cells.formula(row, first + CF_BLOCK_OFFSET[key], formula, _FORMAT[key])

    irr_search.write(ws, len(names), lay)
    ws.row_dimensions[CF_HEADER_ROW].height = 60
    ws.row_dimensions[layout.IRR_HEADER_ROW].height = 30
    styles.widths(ws, {"A": 7, "B": 9, "C": 13, "D": 10, "E": 11})
    for column in range(layout.CF_BLOCK_START, lay.cf_last_col + 1):
        ws.column_dimensions[get_column_letter(column)].width = 13
    ws.freeze_panes = ws.cell(row=CF_FIRST_ROW, column=2)
    styles.protect(ws)
