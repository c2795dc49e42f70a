"""Data validation of input cells, from the allowed ranges in :mod:`mlworth_xl.model.fields`.

Each rule's error message names the field and says what is allowed, in the
same words as the command line's errors.
"""

from __future__ import annotations

from dataclasses import replace

from openpyxl.worksheet.datavalidation import DataValidation

from mlworth_xl.model import fields
from mlworth_xl.model.codes import Plan

# Excel's limits on the lengths of a validation's titles and messages.
_TITLE_MAX = 32
_MESSAGE_MAX = 255
#: An error message is shorter: Office refuses one of more than 224 characters (MS-OI29500).
_ERROR_MAX = 224


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(x: float) -> str:
    return f"{x:.15g}"


def rule(field: fields.Field, first_cell: str) -> DataValidation:
    """The validation of ``field``; ``first_cell`` is the top-left cell it will cover.

    >>> dv = rule(fields.PROGRAM["loan_term_years"], "C23")
    >>> dv.type, dv.operator, dv.formula1, dv.formula2
    ('whole', 'between', '1', '30')
    >>> rule(fields.PROGRAM["years"], "C7").formula1
    'AND(ISNUMBER(C7),C7>0,C7<=10)'
    """
    allowed = field.allowed()
    if field.unit == "bool":
        dv = DataValidation(type="list", formula1='"TRUE,FALSE"')
    elif field.unit == "text" and field.choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(field.choices) + '"')
    elif field.unit == "text":
        dv = DataValidation(type="textLength", operator="greaterThan", formula1="0")
        allowed = "text of at least one character"
    elif field.low_open:
        lo, hi = _number(field.low or 0.0), _number(field.high or 0.0)
        dv = DataValidation(
            type="custom",
            formula1=(f"AND(ISNUMBER({first_cell}),{first_cell}>{lo},{first_cell}<={hi})"),
        )
    else:
        dv = DataValidation(
            type="whole" if field.integer else "decimal",
            operator="between",
            formula1=_number(field.low or 0.0),
            formula2=_number(field.high or 0.0),
        )
    dv.allow_blank = False
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = _short(field.label, _TITLE_MAX)
    dv.error = _short(f"{field.label} ({field.name}): {allowed}.", _ERROR_MAX)
    dv.showInputMessage = True
    dv.promptTitle = _short(field.label, _TITLE_MAX)
    dv.prompt = _short(f"{field.doc} Allowed: {allowed}.", _MESSAGE_MAX)
    return dv


#: Why an option without a block on the RAP sheet cannot be switched to RAP in the workbook.
RAP_NEEDS_REGENERATING = (
    "RAP needs the workbook generated again with this option on RAP: set repayment_plan = rap "
    "in the programs file, then run `mlworth-xl workbook --programs FILE`."
)


def plan_without_rap(first_cell: str) -> DataValidation:
    """The validation of the repayment plan of an option with no block on the RAP sheet.

    Only the plans before RAP are allowed (fixed and tiered); the messages say
    how to get RAP.

    >>> dv = plan_without_rap("C27")
    >>> dv.type, dv.formula1, dv.formula2
    ('whole', '0', '1')
    >>> print(dv.error)  # doctest: +ELLIPSIS
    Repayment plan (repayment_plan): 0 (fixed) or 1 (tiered) here. For RAP set ...
    """
    plan = fields.PROGRAM["repayment_plan"]
    allowed = replace(plan, high=int(Plan.RAP) - 1, choices=plan.choices[: Plan.RAP])
    dv = rule(allowed, first_cell)
    dv.error = _short(
        f"{plan.label} ({plan.name}): {allowed.allowed()} here. For RAP set "
        "repayment_plan = rap in the programs file, then run "
        "`mlworth-xl workbook --programs FILE`.",
        _ERROR_MAX,
    )
    dv.prompt = _short(
        f"{plan.doc.split(':')[0]}: {allowed.allowed()} here. {RAP_NEEDS_REGENERATING}",
        _MESSAGE_MAX,
    )
    return dv
