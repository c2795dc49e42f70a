"""The RAP sheet: the Repayment Assistance Plan of each option on it, month by month, 360 months.

The formulas implement :func:`mlworth_xl.model.repayment.rap` step by step
(the rules and their sources are there): the payment due from the AGI of
the payment's year (last year's income, from Cash flows, in today's dollars, times
``(1 + Inflation)^(year − 1)``: the AGI of its own year's dollars) and the
dependents; interest on the balance; a payment that covers the balance is
the last; interest not paid is waived; principal is matched up to the
lesser of $50 and the payment; what is left after payment 360 is
forgiven (Loans).

Only options on RAP when the workbook is generated have a block (see
:class:`~mlworth_xl.workbook.layout.Layout`); the others cannot be switched
to RAP in the workbook.  An option with a block that is switched to another
plan starts with a zero balance, so every row of its block is zero.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mlworth_xl.workbook import fast_path, layout, styles
from mlworth_xl.workbook.layout import (
    MONTHS_PER_YEAR,
    RAP_BLOCK,
    RAP_LAST_ROW,
    RAP_MONTH_ROW,
    Layout,
    cell,
)

M12 = MONTHS_PER_YEAR
_FORMAT = {"year": styles.WHOLE, "last": "General"}


def _month(lay: Layout, i: int, row: int) -> dict[str, str]:
    def c(key: str, at: int = row) -> str:
        return cell(None, lay.rap_col(i, key), at, absolute=False)

    m = f"$A{row}"
    months = lay.loan("deferment_months", i)
    agi = lay.cf_range(i, "agi")
    band = (
        f"INDEX(RapPercents,MIN(MAX(ROUNDUP(({c('agi')}-RapBand)/RapBand,0),1),"
        f"ROWS(RapPercents)))*{c('agi')}"
    )
    start = (
        f"=IF({lay.program('repayment_plan', i)}=RapPlanCode,{lay.loan('balance', i)},0)"
        if row == RAP_MONTH_ROW
        else f"={c('end', row - 1)}"
    )
    return {
        "year": f"=INT(({months}+{m}-1)/{M12})+1",
        "agi": f"=INDEX({agi},{c('year')})*(1+Inflation)^({c('year')}-1)",
        "due": (
            f"=MAX(RapMinMonthly,IF({c('agi')}<=RapBand,RapLowYearly,{band})/{M12}"
            f"-RapPerDependent*Dependents)"
        ),
        "start": start,
        "interest": f"=IF({c('start')}>0,{c('start')}*({lay.loan('rate', i)}/{M12}),0)",
        "last": f"=AND({c('start')}>0,{c('due')}>={c('start')}+{c('interest')})",
        "pay": (f"=IF({c('start')}>0,IF({c('last')},{c('start')}+{c('interest')},{c('due')}),0)"),
        "interest_paid": f"=MIN({c('pay')},{c('interest')})",
        "principal": f"=IF({c('last')},{c('start')},{c('pay')}-{c('interest_paid')})",
        "matched": (
            f"=IF({c('last')},0,MIN(MAX(MIN(RapMatch,{c('pay')})-{c('principal')},0),"
            f"{c('start')}-{c('principal')}))"
        ),
        "end": f"=IF({c('last')},0,{c('start')}-{c('principal')}-{c('matched')})",
    }


def write(wb: Workbook, lay: Layout) -> None:
    """Fill the RAP sheet: a block of columns for each option in ``lay.rap_options``."""
    ws = wb[layout.RAP]
    styles.title(
        ws,
        "RAP: the Repayment Assistance Plan, month by month",
        "One block per option on RAP (plan 2) when the workbook was made. Payment 1 "
        "is the first month after study and grace; the balance after payment 360 is "
        "forgiven (it may be taxable).",
    )
    cells = styles.Cells(ws, fast=fast_path.enabled())
    cells.header(layout.RAP_SHEET_HEADER_ROW, 1, "Payment")
    for i in lay.rap_options:
        first = lay.rap_col(i, RAP_BLOCK[0][0])
        name = ws.cell(
            row=layout.RAP_NAME_ROW,
            column=first,
            value=lay.when_filled(i, f"={lay.loan('name', i)}"),
        )
        name.font = styles.SECTION_FONT
        ws.merge_cells(
            start_row=layout.RAP_NAME_ROW,
            start_column=first,
            end_row=layout.RAP_NAME_ROW,
            end_column=first + len(RAP_BLOCK) - 1,
        )
        for key, text in RAP_BLOCK:
            cells.header(layout.RAP_SHEET_HEADER_ROW, lay.rap_col(i, key), text)
    for row in range(RAP_MONTH_ROW, RAP_LAST_ROW + 1):
        ws.cell(row=row, column=1, value=f"=N($A{row - 1})+1")  # the header above counts as 0
        for i in lay.rap_options:
            for key, formula in _month(lay, i, row).items():
                cells.formula(
                    row,
                    lay.rap_col(i, key),
                    lay.when_filled(i, formula),
                    _FORMAT.get(key, styles.USD_CENTS),
                )
    ws.row_dimensions[layout.RAP_SHEET_HEADER_ROW].height = 45
    styles.widths(ws, {"A": 9})
    for column in range(2, lay.rap_col(lay.rap_options[-1], RAP_BLOCK[-1][0]) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 12
    ws.freeze_panes = ws.cell(row=RAP_MONTH_ROW, column=2)
    styles.protect(ws)
