"""The Summary sheet: one row per option, the comparison's columns, two charts, one page.

The headers are those of ``mlworth-xl compare --format csv``
(:data:`mlworth_xl.columns.COMPARE_COLUMNS`): each option leads with its odds.
The chance of paying back within the target is live (the Odds sheet; an
option it does not cover shows the model's figure from the file's making),
and so is the verdict.  The median payback, the expected NPV and its
percentiles are the model's figures at the inputs written: once the inputs
change, those cells say so instead of showing figures that no longer hold.
The rank and the headline above the table ("Highest expected NPV") are by
the expected NPV, so they say so too once any option's figures are stale
(:data:`GUARDED`).  The deterministic columns follow, named for what they
are: the figures if the option is completed ("Payback if completed
(years)", "NPV if completed"…).  A payback that does not happen within the
horizon says so in words.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mlworth_xl.columns import COMPARE_COLUMNS
from mlworth_xl.workbook import irr_search, layout, odds_sheet, styles
from mlworth_xl.workbook.layout import (
    CF_FIRST_ROW,
    CF_LAST_ROW,
    SUMMARY_COL,
    SUMMARY_FIRST_ROW,
    SUMMARY_HEADER_ROW,
    Layout,
    cell,
)

NEVER = odds_sheet.NEVER
#: What a figure written with the file shows once the inputs have changed.
STALE = "inputs changed: write the file again"
#: The odds the model gives at the inputs written: (column key, attribute of Odds).
WRITTEN = (
    ("median_payback_years", "written_median"),
    ("expected_npv", "written_expected"),
    ("npv_p10", "written_p10"),
    ("npv_p90", "written_p90"),
)
#: The columns that say :data:`STALE` once the inputs change: the written figures, and the rank
#: by the expected NPV (all options' ranks, once any option's expected NPV is stale).
GUARDED = frozenset({key for key, _ in WRITTEN} | {"rank"})
NOT_AVAILABLE = irr_search.NOT_AVAILABLE
#: The parts of the total cost, stacked in the cost chart.
COST_PARTS = ("cost_of_attendance", "income_given_up", "loan_cost")
#: Key inputs shown above the table: (label, formula).
_CONTEXT = (
    ("Current salary", "=Salary", styles.USD),
    ("Tax rate", "=TaxRate", styles.PERCENT),
    ("Discount rate", "=DiscountRate", styles.PERCENT),
    ("Horizon, years", "=Horizon", "General"),
    ("Target payback", "=TargetPayback", "General"),
    ("Savings", "=Savings", styles.USD),
)
#: Chart size in cm, and the rows it covers (at the default row height of 0.53 cm).
_CHART_HEIGHT = 14.0
_CHART_ROWS = 28


def _payback(cumulative: str, crossing: str, last: str) -> str:
    """0 if never behind; else the last crossing if ahead at the end; else never."""
    return f'=IF(MIN({cumulative})>=0,0,IF({last}>=0,MAX({crossing}),"{NEVER}"))'


def _odds(lay: Layout, i: int) -> dict[str, str]:
    """The odds columns of option ``i``: the live chance and verdict, the written figures."""
    live, stale = odds_sheet.chance(i), odds_sheet.stale(i)
    chance = cell(None, SUMMARY_COL["payback_chance"], lay.summary_row(i), absolute=False)
    how = odds_sheet.scalar(i, "written_how")
    out = {
        "payback_chance": (
            f'=IF(ISNUMBER({live}),{live},IF({stale},"{STALE}",'
            f"{odds_sheet.scalar(i, 'written_chance')}))"
        ),
        "verdict": (
            f'=IF(ISNUMBER({chance}),IF({chance}>=LikelyFrom,"Likely",'
            f'IF({chance}<=UnlikelyUpTo,"Unlikely","Uncertain"))&" ("'
            f'&TEXT({chance},"0%")&IF(AND(ISNUMBER({live})=FALSE,{how}="simulated"),'
            f'", simulated","")&")","{STALE}")'
        ),
    }
    for key, scalar in WRITTEN:
        out[key] = f'=IF({stale},"{STALE}",{odds_sheet.scalar(i, scalar)})'
    return out


def _row(lay: Layout, i: int) -> dict[str, str]:
    def s(key: str) -> str:
        return cell(None, SUMMARY_COL[key], lay.summary_row(i), absolute=False)

    def cf(key: str) -> str:
        return lay.cf_range(i, key)

    def cf_last(key: str) -> str:
        return cell(layout.CASH_FLOWS, lay.cf_col(i, key), CF_LAST_ROW)

    expected = lay.summary_range("expected_npv", local=True)
    first_expected = cell(None, SUMMARY_COL["expected_npv"], SUMMARY_FIRST_ROW)
    weight, per_salary, flow = (lay.cf_shared_range("weight"), cf("per_salary"), cf("flow"))
    per = f"SUMPRODUCT({weight},{per_salary})"
    borrowed, private = lay.loan("borrowed", i), lay.loan("private", i)
    return {
        "option": f"={lay.program('name', i)}",
        **_odds(lay, i),
        "repayment": (
            f'=IF({borrowed}<=0,"nothing borrowed",IF({lay.program("financing", i)}=0,'
            f'"simple what-if loan: ","federal: ")&{lay.loan("plan_words", i)}'
            f'&IF({private}>0,"; private: "&{lay.loan("private_term", i)}&" years",""))'
        ),
        "rank": (  # by the expected NPV; none while any of them is stale
            f'=IF(COUNTIF({expected},"{STALE}")>0,"{STALE}",RANK({s("expected_npv")},{expected})'
            f"+COUNTIF({first_expected}:{s('expected_npv')},{s('expected_npv')})-1)"
        ),
        "cost_of_attendance": f"={lay.loan('cost_of_attendance', i)}",
        "income_given_up": f"=SUM({cf('foregone')})",
        "amount_borrowed": f"={lay.loan('borrowed', i)}",
        "loan_fees": f"={lay.loan('fee', i)}",
        "total_interest": f"={lay.loan('total_interest', i)}",
        "loan_cost": f"={lay.loan('loan_cost', i)}",
        "total_cost": f"={s('cost_of_attendance')}+{s('income_given_up')}+{s('loan_cost')}",
        "monthly_payment": f"={lay.loan('payment', i)}",
        "federal_loans": f"={lay.loan('federal', i)}",
        "private_loans": f"={lay.loan('private', i)}",
        "total_paid": f"={lay.loan('total_paid', i)}",
        "years_to_pay_off": f"={lay.loan('years_to_pay_off', i)}",
        "amount_forgiven": f"={lay.loan('forgiven', i)}",
        "loan_relief": f"={lay.loan('relief', i)}",
        "payback_years": _payback(cf("cumulative"), cf("crossing"), cf_last("cumulative")),
        "discounted_payback_years": _payback(
            cf("discounted_cumulative"), cf("discounted_crossing"), cf_last("discounted_cumulative")
        ),
        "npv": f"=NPV(DiscountRate,{flow})",
        "irr": irr_search.result(lay, i),
        "roi": (
            f'=IF({s("total_cost")}>0,SUM({cf("gain")})/{s("total_cost")}-1,"{NOT_AVAILABLE}")'
        ),
        "break_even_salary": (
            f"=IF({per}>0,-SUMPRODUCT({weight},{flow}-{per_salary}"
            f'*{lay.placed_salary(i)})/{per},"{NOT_AVAILABLE}")'
        ),
    }


def write(wb: Workbook, n: int, lay: Layout, horizon: int) -> None:
    """The Summary sheet; the line chart spans ``horizon`` years (the horizon given)."""
    ws = wb[layout.SUMMARY]
    styles.title(
        ws,
        "Summary: is each option worth its money?",
        "Each option against staying in the current job. Payback counts years from "
        "the first day of study; NPV and discounted payback use the discount rate.",
    )
    ws.cell(row=3, column=1, value="Highest expected NPV").font = styles.NOTE_FONT
    ranks = lay.summary_range("rank")
    best_formula = f"INDEX({lay.summary_range('option')},MATCH(1,{ranks},0))"
    if lay.template:  # no option filled in yet: no best one
        best_formula = f'IF(COUNT({ranks})=0,"",{best_formula})'
    best_formula = f'IF(COUNTIF({ranks},"{STALE}")>0,"{STALE}",{best_formula})'
    best = ws.cell(row=4, column=1, value=f"={best_formula}")
    best.font = styles.BOLD
    for k, (label, formula, fmt) in enumerate(_CONTEXT, start=2):
        ws.cell(row=3, column=k, value=label).font = styles.NOTE_FONT
        ws.cell(row=3, column=k).alignment = styles.WRAP
        ws.cell(row=4, column=k, value=formula).number_format = fmt
    for c in COMPARE_COLUMNS:
        styles.header(ws, SUMMARY_HEADER_ROW, SUMMARY_COL[c.key], c.header)
    formats = {c.key: styles.KIND_FORMAT[c.kind] for c in COMPARE_COLUMNS}
    for i in range(n):
        row = lay.summary_row(i)
        for key, formula in _row(lay, i).items():
            target = ws.cell(row=row, column=SUMMARY_COL[key], value=lay.when_filled(i, formula))
            target.number_format = formats[key]
            target.alignment = styles.WRAP if key == "option" else styles.WRAP_RIGHT
        ws.row_dimensions[row].height = 30
    last = lay.summary_last_row
    _highlight(ws, last)
    ws.cell(
        row=last + 1,
        column=1,
        value=(
            "Green: likely to pay back within the target (a chance of 2/3 or more); red: unlikely "
            "(1/3 or less), or a payback that does not happen within the horizon. The chance and "
            "verdict follow the inputs (Odds sheet); the median payback, expected NPV, its "
            "percentiles and the rank by it are those of the inputs written. Columns headed "
            "'if completed' assume the option is finished (no dropout). Not financial advice: the "
            "results are as good as the inputs."
        ),
    ).font = styles.NOTE_FONT

    _charts(ws, n, lay, anchor_row=last + 3, years=horizon)
    ws.row_dimensions[3].height = 30
    ws.row_dimensions[SUMMARY_HEADER_ROW].height = 60  # four lines of a wrapped header
    styles.widths(ws, {"A": 36})
    for c in COMPARE_COLUMNS[1:]:
        ws.column_dimensions[get_column_letter(SUMMARY_COL[c.key])].width = 11.5
    last_col = get_column_letter(len(COMPARE_COLUMNS))
    ws.print_area = f"A1:{last_col}{last + 3 + _CHART_ROWS}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = ws.cell(row=SUMMARY_FIRST_ROW, column=2)
    styles.protect(ws)


def _highlight(ws: Worksheet, last: int) -> None:
    """Red for a payback that does not happen; green and red for likely and unlikely."""
    first = SUMMARY_FIRST_ROW
    payback = cell(None, SUMMARY_COL["payback_years"], first, absolute=False)
    discounted = cell(None, SUMMARY_COL["discounted_payback_years"], last, absolute=False)
    ws.conditional_formatting.add(
        f"{payback}:{discounted}",
        FormulaRule(
            formula=[f'{payback}="{NEVER}"'],
            fill=styles.BAD_FILL,
            font=styles.BAD_FONT,
            stopIfTrue=True,
        ),
    )
    chance = get_column_letter(SUMMARY_COL["payback_chance"])
    good = FormulaRule(
        formula=[f"AND(ISNUMBER(${chance}{first}),${chance}{first}>=LikelyFrom)"],
        fill=styles.GOOD_FILL,
        font=styles.GOOD_FONT,
    )
    bad = FormulaRule(
        formula=[f"AND(ISNUMBER(${chance}{first}),${chance}{first}<=UnlikelyUpTo)"],
        fill=styles.BAD_FILL,
        font=styles.BAD_FONT,
    )
    for key in ("option", "payback_chance", "verdict"):
        column = get_column_letter(SUMMARY_COL[key])
        ws.conditional_formatting.add(f"{column}{first}:{column}{last}", good)
        ws.conditional_formatting.add(f"{column}{first}:{column}{last}", bad)


def _charts(ws: Worksheet, n: int, lay: Layout, anchor_row: int, years: int) -> None:
    """A line chart of the running totals and a stacked bar chart of the total costs.

    The line chart spans the first ``years`` years: a chart's range cannot
    follow the horizon input without volatile functions.
    """
    cf = ws.parent[layout.CASH_FLOWS]
    last_year_row = CF_FIRST_ROW + years - 1
    line = LineChart()
    line.title = "Cumulative net gain against staying put"
    line.y_axis.title = "Dollars"
    line.x_axis.title = "Year from the first day of study"
    line.y_axis.number_format = '"$"#,##0'
    for i in range(n):
        values = Reference(
            cf, min_col=lay.cf_col(i, "cumulative"), min_row=CF_FIRST_ROW, max_row=last_year_row
        )
        series = Series(values)
        series.tx = SeriesLabel(
            strRef=StrRef(cell(layout.CASH_FLOWS, lay.cf_col(i, "study"), layout.CF_NAME_ROW))
        )
        series.smooth = False
        line.series.append(series)
    line.set_categories(
        Reference(
            cf, min_col=layout.CF_SHARED_COL["year"], min_row=CF_FIRST_ROW, max_row=last_year_row
        )
    )
    line.x_axis.tickLblPos = "low"  # below the plot, not across it at $0
    line.width, line.height = 21, _CHART_HEIGHT

    bar = BarChart()
    bar.type = "bar"
    bar.grouping = "stacked"
    bar.overlap = 100
    bar.gapWidth = 60
    bar.title = "Total cost by part"
    bar.y_axis.title = "Dollars"
    bar.y_axis.number_format = '"$"#,##0'
    bar.x_axis.scaling.orientation = "maxMin"  # the first option on top, as in the table
    first, last = SUMMARY_FIRST_ROW, lay.summary_last_row
    for key in COST_PARTS:
        column = SUMMARY_COL[key]
        series = Series(Reference(ws, min_col=column, min_row=first, max_row=last))
        series.tx = SeriesLabel(strRef=StrRef(cell(layout.SUMMARY, column, SUMMARY_HEADER_ROW)))
        bar.series.append(series)
    bar.set_categories(Reference(ws, min_col=SUMMARY_COL["option"], min_row=first, max_row=last))
    bar.width, bar.height = 22, _CHART_HEIGHT
    for chart in (line, bar):
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
    ws.add_chart(line, f"A{anchor_row}")
    ws.add_chart(bar, f"{get_column_letter(SUMMARY_COL['total_interest'])}{anchor_row}")
