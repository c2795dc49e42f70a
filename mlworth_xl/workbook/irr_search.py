"""The IRR search on Cash flows: bisection, so every spreadsheet finds the same rate.

Excel's and LibreOffice's ``IRR`` run Newton's method from a guess for at
most 20 steps and stop at a change of 1e-7 (Excel: 0.00001%): for the
flows of a long, expensive option (years of costs, then gains) Newton
diverges from the default guess and ``IRR`` returns #NUM!, and where it
converges it is only good to about seven digits.  Instead, each option
bisects ``log(1 + rate)`` between two named rates (Inputs): the NPV at the
midpoint keeps the sign of the NPV at the lowest rate or not, and the
bracket halves.  After :data:`~mlworth_xl.workbook.layout.IRR_STEPS` steps
the bracket is narrower than a double's precision.  Where the NPVs at the
two bounds have the same sign the IRR lies outside them: above the highest
rate it shows as ``> 99,900%``, below the lowest as "n/a", as in the model.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from mlworth_xl.workbook import fast_path, layout, styles
from mlworth_xl.workbook.layout import (
    IRR_BLOCK,
    IRR_FIRST_ROW,
    IRR_HEADER_ROW,
    IRR_HIGH,
    IRR_LAST_ROW,
    IRR_LOW,
    IRR_NPV_HIGH_ROW,
    IRR_NPV_LOW_ROW,
    Layout,
    cell,
)

#: What Summary shows where a value does not exist (no IRR, no ROI, no break-even salary).
NOT_AVAILABLE = "n/a"


def npv_at_bound(lay: Layout, i: int, bound: str, *, local: bool = False) -> str:
    """The cell holding option ``i``'s NPV at the lowest or highest rate."""
    row = IRR_NPV_LOW_ROW if bound == IRR_LOW else IRR_NPV_HIGH_ROW
    return cell(None if local else layout.CASH_FLOWS, lay.irr_col(i, "low"), row)


def result(lay: Layout, i: int) -> str:
    """Summary's IRR of option ``i``, as the model defines it.

    Only flows whose sign changes exactly once (costs, then gains) have one
    IRR; others show "n/a", as the model gives NaN.  The IRR is the root
    the search brackets.  Outside the two rates no spreadsheet's own ``IRR``
    is asked (they disagree there): an IRR above the highest rate shows
    ``> 99,900%`` (the model's ``inf``, :data:`mlworth_xl.api.IRR_ABOVE`), one
    below the lowest "n/a" (the model's NaN).  Below its IRR a rate leaves an
    NPV of the sign of the last flow, so the IRR is above the highest rate
    where the NPV there has that sign (the sign column's last row).
    """
    low, high = npv_at_bound(lay, i, IRR_LOW), npv_at_bound(lay, i, IRR_HIGH)
    mid = cell(layout.CASH_FLOWS, lay.irr_col(i, "mid"), IRR_LAST_ROW)
    last_sign = cell(layout.CASH_FLOWS, lay.cf_col(i, "sign"), layout.CF_LAST_ROW)
    above = f'"> "&FIXED({IRR_HIGH}/1%,0)&"%"'  # "> 99,900%" for the rate on Inputs
    return (
        f"=IF({lay.sign_changes(i)}=1,IF(SIGN({low})*SIGN({high})<0,{mid},"
        f'IF(SIGN({high})={last_sign},{above},"{NOT_AVAILABLE}")),"{NOT_AVAILABLE}")'
    )


def write(ws: Worksheet, n: int, lay: Layout) -> None:
    """The IRR search rows below the years on Cash flows."""
    ws.cell(
        row=layout.IRR_TITLE_ROW,
        column=1,
        value=(
            "IRR search: bisection between the lowest and highest rates on Inputs; the IRR on "
            "Summary is the last midpoint"
        ),
    ).font = styles.SECTION_FONT
    ws.cell(row=IRR_NPV_LOW_ROW, column=1, value="NPV at the lowest rate")
    ws.cell(row=IRR_NPV_HIGH_ROW, column=1, value="NPV at the highest rate")
    cells = styles.Cells(ws, fast=fast_path.enabled())
    cells.header(IRR_HEADER_ROW, 1, "Step")
    for row in range(IRR_FIRST_ROW, IRR_LAST_ROW + 1):
        ws.cell(row=row, column=1, value=f"=N($A{row - 1})+1")  # the header above counts as 0
    for i in range(n):
        flows = lay.cf_range(i, "flow", local=True)
        for bound, row in ((IRR_LOW, IRR_NPV_LOW_ROW), (IRR_HIGH, IRR_NPV_HIGH_ROW)):
            npv = lay.when_filled(i, f"=NPV({bound},{flows})")
            cells.formula(row, lay.irr_col(i, "low"), npv, styles.USD_SIGNED)
        for key, text in IRR_BLOCK:
            cells.header(IRR_HEADER_ROW, lay.irr_col(i, key), text)
        sign_low = f"SIGN({npv_at_bound(lay, i, IRR_LOW, local=True)})"
        for row in range(IRR_FIRST_ROW, IRR_LAST_ROW + 1):

            def c(key: str, at: int = row, i: int = i) -> str:
                return cell(None, lay.irr_col(i, key), at, absolute=False)

            if row == IRR_FIRST_ROW:
                low, high = f"={IRR_LOW}", f"={IRR_HIGH}"
            else:
                same = f"SIGN({c('npv_mid', row - 1)})={sign_low}"
                low = f"=IF({same},{c('mid', row - 1)},{c('low', row - 1)})"
                high = f"=IF({same},{c('high', row - 1)},{c('mid', row - 1)})"
            formulas = {
                "low": low,
                "high": high,
                "mid": f"=SQRT((1+{c('low')})*(1+{c('high')}))-1",
                "npv_mid": f"=NPV({c('mid')},{flows})",
            }
            for key, formula in formulas.items():
                cells.formula(
                    row,
                    lay.irr_col(i, key),
                    lay.when_filled(i, formula),
                    styles.USD_SIGNED if key == "npv_mid" else "0.000000%",
                )
