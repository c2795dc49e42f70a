"""The Loans sheet: each option's loan, and a yearly schedule.

The formulas implement :mod:`mlworth_xl.model.loans`: the amount borrowed is
grossed up for the origination fee; simple interest accrues during study
and grace, is capitalized (or paid) when repayment starts; then level
monthly payments (``PMT``).  The interest of year ``y`` is the deferment
interest of its months plus the interest part of its payments, with
``k = MAX(0, MIN(n, 12y − months before repayment))`` payments made by the
end of the year and the balance after ``k`` payments ``−FV(i, k, −payment,
balance)``.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mlworth_xl.workbook import layout, styles
from mlworth_xl.workbook.layout import (
    LOANS_ROW,
    LOANS_ROWS,
    MAX_YEARS,
    MONTHS_PER_YEAR,
    SCHEDULE_BLOCK,
    SCHEDULE_FIRST_ROW,
    Layout,
    cell,
)

_FORMAT = {"name": "General", "cost_of_attendance": styles.USD, "need": styles.USD,
           "borrowed": styles.USD, "fee": styles.USD, "study_months": styles.WHOLE,
           "deferment_months": styles.WHOLE, "monthly_interest": styles.USD_CENTS,
           "deferment_interest": styles.USD, "balance": styles.USD, "rate": "0.0000%",
           "payments": styles.WHOLE, "payment": styles.USD_CENTS,
           "total_interest": styles.USD}
_HOW_WIDTH = 60
_SCHEDULE_FORMAT = {"payments_made": styles.WHOLE, "interest": styles.USD,
                    "balance": styles.USD}


def _key_figures(lay: Layout, i: int) -> dict[str, str]:
    def p(field: str) -> str:
        return lay.program(field, i)

    def k(key: str) -> str:
        return cell(None, lay.option_col(i), LOANS_ROW[key], absolute=False)

    return {
        "name": f"={p('name')}",
        "cost_of_attendance": f"=SUM({lay.cf_range(i, 'direct')})",
        "need": f"=MAX(0,{k('cost_of_attendance')}-Savings)*{p('loan_share')}",
        "borrowed": f"={k('need')}/(1-{p('loan_fee')})",
        "fee": f"={k('borrowed')}-{k('need')}",
        "study_months": f"=ROUND({p('years')}*{MONTHS_PER_YEAR},0)",
        "deferment_months": f"={k('study_months')}+{p('grace_months')}",
        "monthly_interest": f"={k('borrowed')}*{p('loan_apr')}/{MONTHS_PER_YEAR}",
        "deferment_interest": (f"={k('borrowed')}*{p('loan_apr')}"
                               f"*({k('deferment_months')}/{MONTHS_PER_YEAR})"),
        "balance": (f"={k('borrowed')}+IF({p('capitalize_interest')},"
                    f"{k('deferment_interest')},0)"),
        "rate": f"={p('loan_apr')}/{MONTHS_PER_YEAR}",
        "payments": f"={MONTHS_PER_YEAR}*{p('loan_term_years')}",
        "payment": f"=PMT({k('rate')},{k('payments')},-{k('balance')})",
        "total_interest": (f"={k('payments')}*{k('payment')}-{k('balance')}"
                           f"+{k('deferment_interest')}"),
    }


def _schedule(lay: Layout, i: int, row: int) -> dict[str, str]:
    def s(key: str, at: int = row) -> str:
        return cell(None, lay.schedule_col(i, key), at, absolute=False)

    y = f"$A{row}"
    months, rate, n, pay, bal, monthly, borrowed = (
        lay.loan(key, i, local=True) for key in (
            "deferment_months", "rate", "payments", "payment", "balance", "monthly_interest",
            "borrowed"))
    k, k_prev = s("payments_made"), f"N({s('payments_made', row - 1)})"
    deferred = f"MAX(0,MIN({MONTHS_PER_YEAR}*{y},{months})-{MONTHS_PER_YEAR}*({y}-1))"
    return {
        "payments_made": f"=MAX(0,MIN({n},{MONTHS_PER_YEAR}*{y}-{months}))",
        "interest": (f"={monthly}*{deferred}+(({k}-{k_prev})*{pay}+(-FV({rate},{k},-{pay},{bal}))"
                     f"-(-FV({rate},{k_prev},-{pay},{bal})))"),
        "balance": (f"=IF({MONTHS_PER_YEAR}*{y}<{months},"
                    f"{borrowed}+IF({lay.program('capitalize_interest', i)},"
                    f"{monthly}*({MONTHS_PER_YEAR}*{y}),0),-FV({rate},{k},-{pay},{bal}))"),
    }


def write(wb: Workbook, n: int, lay: Layout) -> None:
    ws = wb[layout.LOANS]
    styles.title(ws, "Loans: what each option borrows, and what the loan costs",
                 "Disbursed on the first day of study; simple interest until repayment starts "
                 "(study + grace); then level monthly payments.")
    styles.header(ws, layout.LOANS_HEADER_ROW, 1, "Per option")
    styles.header(ws, layout.LOANS_HEADER_ROW, 2, "How it is computed")
    for i in range(n):
        styles.header(ws, layout.LOANS_HEADER_ROW, lay.option_col(i), f"Option {i + 1}")
    for key, label, how in LOANS_ROWS:
        target = ws.cell(row=LOANS_ROW[key], column=1, value=label)
        target.font = styles.BOLD
        target.alignment = styles.WRAP
        ws.cell(row=LOANS_ROW[key], column=2, value=how or None).alignment = styles.WRAP
        ws.row_dimensions[LOANS_ROW[key]].height = styles.lines_height((how, _HOW_WIDTH))
    for i in range(n):
        for key, formula in _key_figures(lay, i).items():
            target = ws.cell(row=LOANS_ROW[key], column=lay.option_col(i), value=formula)
            target.number_format = _FORMAT[key]
            if key == "name":
                target.alignment = styles.WRAP
                target.font = styles.BOLD

    ws.cell(row=layout.SCHEDULE_TITLE_ROW, column=1,
            value="Yearly schedule (years from the first day of study)").font = (
        styles.SECTION_FONT)
    styles.header(ws, layout.SCHEDULE_HEADER_ROW, 1, "Year")
    width = len(SCHEDULE_BLOCK)
    for i in range(n):
        first = lay.schedule_col(i, "payments_made")
        name = ws.cell(row=layout.SCHEDULE_NAME_ROW, column=first,
                       value=f"={lay.loan('name', i, local=True)}")
        name.font = styles.BOLD
        ws.merge_cells(start_row=layout.SCHEDULE_NAME_ROW, start_column=first,
                       end_row=layout.SCHEDULE_NAME_ROW, end_column=first + width - 1)
        for key, text in SCHEDULE_BLOCK:
            styles.header(ws, layout.SCHEDULE_HEADER_ROW, lay.schedule_col(i, key), text)
    for year in range(1, MAX_YEARS + 1):
        row = lay.schedule_row(year)
        ws.cell(row=row, column=1, value=f"=ROWS($A${SCHEDULE_FIRST_ROW}:$A{row})")
        for i in range(n):
            for key, formula in _schedule(lay, i, row).items():
                ws.cell(row=row, column=lay.schedule_col(i, key), value=formula).number_format = (
                    _SCHEDULE_FORMAT[key])

    ws.row_dimensions[layout.SCHEDULE_HEADER_ROW].height = 45
    ws.row_dimensions[LOANS_ROW["name"]].height = 45
    styles.widths(ws, {"A": 34, "B": _HOW_WIDTH})
    last = max(lay.option_col(n - 1), lay.schedule_col(n - 1, "balance"))
    for column in range(layout.OPTION_COL, last + 1):
        ws.column_dimensions[get_column_letter(column)].width = 15
    ws.freeze_panes = ws.cell(row=layout.LOANS_FIRST_ROW + 1, column=layout.OPTION_COL)
    styles.protect(ws)
