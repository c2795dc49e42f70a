"""The Programs sheet: one column per option, one validated input cell per program field.

In a template (:mod:`.template`) an empty column leaves its required inputs and those
that follow the kind (placement, months to a job, role shares, completion) empty; below
the uncertain inputs each option shows the values its formulas use of the latter: the
input, or its kind's default from the table on Inputs when it is left empty.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter

from mlworth_xl.model import data, fields
from mlworth_xl.model.records import Programs
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.workbook import layout, styles
from mlworth_xl.workbook.layout import Layout, cell
from mlworth_xl.workbook.styles import set_text
from mlworth_xl.workbook.validation import plan_without_rap, rule

#: What an input that follows the kind takes when it is left empty (a template's).
_KIND_DEFAULT = "empty: the kind's default (values used: at the bottom)"
#: The label of the check row.
CHECK_LABEL = "Check: study fits in the horizon, role shares add up"


def _value(field: fields.Field, x: float) -> bool | int | float:
    if field.unit == "bool":
        return bool(x)
    if field.integer or float(x).is_integer():
        return int(x)
    return float(x)


def _plan_validation(ws: Any, field: fields.Field, lay: Layout) -> None:
    """Every plan for options with a block on the RAP sheet; fixed or tiered for the others."""
    row = layout.PROGRAM_ROW[field.name]
    first = cell(None, layout.OPTION_COL, row, absolute=False)
    on_rap = [i for i in range(lay.n) if lay.rap_block(i) is not None]
    others = [i for i in range(lay.n) if lay.rap_block(i) is None]
    for dv, options in ((rule(field, first), on_rap), (plan_without_rap(first), others)):
        for i in options:
            dv.add(cell(None, lay.option_col(i), row, absolute=False))
        if options:
            ws.add_data_validation(dv)


def _risk_block(
    ws: Any, uncertainties: list[Uncertainty], lay: Layout, blank: frozenset[int] = frozenset()
) -> None:
    """What is uncertain about each option: the inputs of its odds (Odds sheet, Summary)."""
    row = layout.PROGRAMS_RISK_TITLE_ROW
    ws.cell(row=row, column=1, value="What is uncertain (the odds on Summary)").font = styles.BOLD
    ws.cell(
        row=row,
        column=2,
        value="The Odds sheet computes each option's chance of paying "
        "back from these; the Risk sheet's simulation was run with the values written here",
    )
    ws.cell(row=row, column=2).alignment = styles.WRAP
    ws.row_dimensions[row].height = 45
    last_col = lay.option_col(len(uncertainties) - 1)
    for field in RISK_FIELDS:
        row = layout.RISK_ROW[field.name]
        ws.cell(row=row, column=1, value=field.label)
        allowed = field.allowed()
        if field.name == "salary_median":
            allowed += "; empty: the salary after"
        if lay.template and field.by_kind:
            allowed += f"; {_KIND_DEFAULT}"
        ws.cell(row=row, column=2, value=allowed)
        for i, unc in enumerate(uncertainties):
            target = ws.cell(row=row, column=lay.option_col(i))
            x = getattr(unc, field.name)
            if i in blank and field.by_kind:  # an empty column: its kind's default
                target.number_format = styles.UNIT_FORMAT[field.unit]
            elif field.unit == "text":
                set_text(target, str(x))
            elif x is not None:
                target.value = bool(x) if field.unit == "bool" else _value(field, x)
                target.number_format = (
                    "0.0000" if field.name == "salary_sigma" else styles.UNIT_FORMAT[field.unit]
                )
            styles.mark_input(target)
        first = cell(None, layout.OPTION_COL, row, absolute=False)
        dv = rule(field, first)
        dv.allow_blank = field.name == "salary_median" or (lay.template and field.by_kind)
        dv.add(f"{first}:{cell(None, last_col, row, absolute=False)}")
        ws.add_data_validation(dv)


def _empty(ref: str) -> str:
    """A formula that is TRUE when the cell ``ref`` is empty (or holds only spaces)."""
    return f"LEN(TRIM({ref}))=0"


def _used_block(ws: Any, lay: Layout) -> None:
    """A template's values used of the inputs that follow the kind: each input, or its kind's
    default (the table on Inputs) when it is left empty; the role shares as one input."""
    title = layout.PROGRAMS_USED_TITLE_ROW
    ws.cell(
        row=title, column=1, value="Values used of the inputs that follow the kind"
    ).font = styles.BOLD
    ws.cell(
        row=title,
        column=2,
        value="An input above left empty takes the default of the option's kind (Inputs: "
        "Defaults by kind of option); the role shares are one input: all empty, the kind's; "
        "some empty, 0",
    ).alignment = styles.WRAP
    ws.row_dimensions[title].height = 60
    notes = {"kind": "Empty: other"}
    for key, label in layout.USED_ROWS:
        row = layout.USED_ROW[key]
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=notes.get(key, "The input above, or its kind's"))
    for i in range(lay.n):
        col = lay.option_col(i)

        def ref(field: str, col: int = col) -> str:
            rows = layout.RISK_ROW if field in RISK_ROWS else layout.PROGRAM_ROW
            return cell(None, col, rows[field])

        kind = cell(None, col, layout.USED_ROW["kind"])
        ws.cell(
            row=layout.USED_ROW["kind"],
            column=col,
            value=f'=IF({_empty(ref("kind"))},"other",LOWER(TRIM({ref("kind")})))',
        )
        shares_given = "OR(" + ",".join(f"NOT({_empty(ref(n))})" for n in fields.SHARE_FIELDS) + ")"
        for name in data.KIND_INPUTS:
            default = (
                f"INDEX({layout.KIND_DEFAULT_NAMES[name]},MATCH({kind},{layout.KIND_NAMES},0))"
            )
            if name in fields.SHARE_FIELDS:
                value = f"IF({shares_given},IF({_empty(ref(name))},0,{ref(name)}),{default})"
            else:
                value = f"IF({_empty(ref(name))},{default},{ref(name)})"
            target = ws.cell(row=layout.USED_ROW[name], column=col, value=f"={value}")
            spec = fields.PROGRAM.get(name) or RISK_FIELDS_BY_NAME[name]
            target.number_format = styles.UNIT_FORMAT[spec.unit]


RISK_FIELDS_BY_NAME = {f.name: f for f in RISK_FIELDS}
RISK_ROWS = frozenset(RISK_FIELDS_BY_NAME)


def _check(lay: Layout, i: int) -> str:
    """The check of option ``i``: the study fits in the horizon, the role shares add up."""
    from mlworth_xl.workbook.roles_sheet import WRONG_SHARES, shares_check

    years = cell(None, lay.option_col(i), layout.PROGRAM_ROW["years"])
    return (
        f'=IF({years}>Horizon,"longer than the horizon",'
        f'IF({shares_check(lay, i)},"{WRONG_SHARES}","ok"))'
    )


def _filled_row(ws: Any, lay: Layout) -> None:
    """A template's "filled in" flags: TRUE once an option's required inputs are there."""
    row = layout.PROGRAMS_FILLED_ROW
    ws.cell(row=row, column=1, value=layout.FILLED_LABEL).font = styles.BOLD
    ws.cell(
        row=row,
        column=2,
        value=f"Needs {layout.required_words()}; until then the option's results are empty",
    )
    ws.cell(row=row, column=2).alignment = styles.WRAP
    ws.row_dimensions[row].height = 30
    for i in range(lay.n):

        def ref(field: str, i: int = i) -> str:
            return cell(None, lay.option_col(i), layout.PROGRAM_ROW[field])

        tests = [f"LEN(TRIM({ref('name')}))>0"] + [
            f"ISNUMBER({ref(k)})" for k in layout.REQUIRED if k != "name"
        ]
        ws.cell(row=row, column=lay.option_col(i), value=f"=AND({','.join(tests)})")


def write(
    wb: Workbook,
    programs: Programs,
    lay: Layout,
    uncertainties: list[Uncertainty] | None = None,
    blank: frozenset[int] = frozenset(),
) -> None:
    """The Programs sheet; the options in ``blank`` leave their required inputs empty."""
    ws = wb[layout.PROGRAMS]
    if lay.template:
        styles.title(
            ws,
            "Programs: fill in one column per option",
            f"An option computes once its {layout.required_words()} are filled in; the "
            "other inputs start at their defaults, and those left empty take the defaults of "
            "the option's kind (below the uncertain inputs: the values used). Columns left "
            "empty show no results.",
        )
    else:
        styles.title(
            ws,
            "Programs: the options compared, one per column",
            "Change the coloured cells; every other sheet recalculates. To add an "
            "option, add it to your programs file and generate the workbook again.",
        )
    styles.header(ws, layout.PROGRAMS_HEADER_ROW, 1, "Input")
    styles.header(ws, layout.PROGRAMS_HEADER_ROW, 2, "Allowed")
    for i in range(len(programs)):
        styles.header(ws, layout.PROGRAMS_HEADER_ROW, lay.option_col(i), f"Option {i + 1}")
    last_col = lay.option_col(len(programs) - 1)
    for field in fields.PROGRAM_FIELDS:
        row = layout.PROGRAM_ROW[field.name]
        label = ws.cell(row=row, column=1, value=field.label)
        if field.name == "name":
            label.font = styles.BOLD
            label.alignment = styles.WRAP
        allowed = field.allowed()
        if lay.template and field.by_kind:
            allowed += f"; {_KIND_DEFAULT}"
        if field.name == "repayment_plan" and len(lay.rap_options) < lay.n:
            allowed += "; 2 only where the workbook was made with the option on RAP"
        ws.cell(row=row, column=2, value=allowed)
        for i in range(len(programs)):
            target = ws.cell(row=row, column=lay.option_col(i))
            if i in blank and (field.name in layout.REQUIRED or field.by_kind):
                if field.name == "name":
                    target.alignment = styles.WRAP
                else:
                    target.number_format = styles.UNIT_FORMAT[field.unit]
            elif field.name == "name":
                set_text(target, programs.names[i])
                target.alignment = styles.WRAP
            elif field.name == "kind":
                set_text(target, programs.kinds[i])
            else:
                target.value = _value(field, programs.columns[field.name][i])
                target.number_format = styles.UNIT_FORMAT[field.unit]
            styles.mark_input(target)
        first = cell(None, layout.OPTION_COL, row, absolute=False)
        if field.name == "repayment_plan":
            _plan_validation(ws, field, lay)
            continue
        dv = rule(field, first)
        dv.allow_blank = lay.template and field.by_kind  # empty: the kind's default
        dv.add(f"{first}:{cell(None, last_col, row, absolute=False)}")
        ws.add_data_validation(dv)

    row = layout.PROGRAMS_CHECK_ROW
    ws.cell(row=row, column=1, value=CHECK_LABEL).font = styles.BOLD
    ws.cell(
        row=row,
        column=2,
        value="The horizon (Inputs) must cover the study; the role shares add up to 1, or "
        "are all 0",
    ).alignment = styles.WRAP
    for i in range(len(programs)):
        ws.cell(row=row, column=lay.option_col(i), value=lay.when_filled(i, _check(lay, i)))

    first_check = cell(None, layout.OPTION_COL, row, absolute=False)
    checks = f"{first_check}:{cell(None, last_col, row, absolute=False)}"
    ws.conditional_formatting.add(
        checks,
        FormulaRule(
            formula=[
                f'AND({first_check}<>"ok",{first_check}<>"")'
                if lay.template
                else f'{first_check}<>"ok"'
            ],
            fill=styles.BAD_FILL,
            font=styles.BAD_FONT,
        ),
    )
    if lay.template:
        _filled_row(ws, lay)
    if uncertainties is not None:
        _risk_block(ws, uncertainties, lay, blank)
    if lay.template:
        _used_block(ws, lay)
    ws.row_dimensions[layout.PROGRAM_ROW["name"]].height = 45
    styles.widths(ws, {"A": 30, "B": 36})
    for i in range(len(programs)):
        styles.widths(ws, {get_column_letter(lay.option_col(i)): 22})
    ws.freeze_panes = ws.cell(row=layout.PROGRAMS_FIRST_ROW + 1, column=layout.OPTION_COL)
    styles.protect(ws)
