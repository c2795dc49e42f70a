"""The Inputs sheet: the person's values, as named, validated input cells."""

from __future__ import annotations

from dataclasses import asdict

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from mlworth_xl.model import data, federal, fields
from mlworth_xl.model.records import Person
from mlworth_xl.model.uncertainty import RISK
from mlworth_xl.workbook import layout, styles
from mlworth_xl.workbook.layout import area, cell
from mlworth_xl.workbook.validation import rule

_CONSTANT_DOCS = {
    layout.MONTHS_PER_YEAR: "Used by the loan and timeline formulas.",
    layout.IRR_LOW: "The IRR is searched between these two rates (Cash flows, below the years).",
    layout.IRR_HIGH: "An IRR above the highest shows as > that rate; below the lowest, n/a.",
    "RoundingGuard": "Keeps 87.5% rounding to 88% despite binary fractions, as the model does.",
    "AwardYearMonth": "A disbursement from this month takes the award year's rate.",
    "FeeYearMonth": "A disbursement from this month takes the fiscal year's fee.",
    "RapPlanCode": "Options whose repayment plan is this code are repaid on the RAP sheet.",
    "NoSalaryReaches": "The Odds sheet's salary needed when no salary pays back in time.",
    "MonthsToJobCap": "The job search is counted to this month, as the model draws it.",
    "LikelyFrom": "The verdict's bounds, as mlworth-xl compare words them.",
    "UnlikelyUpTo": "Between the two bounds the verdict is Uncertain.",
    "SameFigure": "A live chance or NPV that moves more than this says the written odds are stale.",
    "TinySpread": "A role paid one salary (Roles, spread 0) is read with this spread, so its "
    "chance is a step at its pay.",
    "PercentileSpan": "A role's spread is ln(90th / 10th percentile) over this: the 10th to "
    "90th percentile of a lognormal span ±1.28155 spreads.",
    "ShareTolerance": "An option's role shares must add up to 1, or all be 0, within this "
    "(typed fractions such as 1/3 round).",
}
_HEADERS = ("Input", "Value", "Unit", "Allowed", "What it means", "Name in formulas")


def write(wb: Workbook, person: Person, *, template: bool = False) -> None:
    """The Inputs sheet for ``person``; a template's also holds the defaults by kind."""
    ws = wb[layout.INPUTS]
    styles.title(
        ws,
        "Inputs: the person deciding",
        "Change the coloured cells; every other sheet recalculates.",
    )
    for k, text in enumerate(_HEADERS, start=1):
        styles.header(ws, layout.INPUTS_HEADER_ROW, k, text)
    values = asdict(person)
    for k, field in enumerate(fields.PERSON_FIELDS):
        row = layout.INPUTS_FIRST_ROW + k
        name = layout.PERSON_NAMES[field.name]
        ws.cell(row=row, column=1, value=field.label)
        value = ws.cell(row=row, column=layout.INPUTS_VALUE_COL, value=values[field.name])
        value.number_format = styles.UNIT_FORMAT[field.unit]
        styles.mark_input(value)
        ws.cell(row=row, column=3, value=styles.UNIT_WORDS[field.unit])
        ws.cell(row=row, column=4, value=field.allowed())
        ws.cell(row=row, column=5, value=field.doc).alignment = styles.WRAP
        ws.row_dimensions[row].height = styles.lines_height((field.doc, 60))
        ws.cell(row=row, column=6, value=name)
        dv = rule(field, value.coordinate)
        dv.add(value.coordinate)
        ws.add_data_validation(dv)
        _name(wb, name, cell(layout.INPUTS, layout.INPUTS_VALUE_COL, row))

    ws.cell(
        row=layout.INPUTS_CONSTANT_ROW - 1, column=1, value="Constants (not inputs)"
    ).font = styles.SECTION_FONT
    for k, (name, number, label, unit) in enumerate(layout.CONSTANTS):
        row = layout.INPUTS_CONSTANT_ROW + k
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=layout.INPUTS_VALUE_COL, value=number).number_format = (
            styles.PERCENT if unit == "percent" else "General"
        )
        ws.cell(row=row, column=3, value=unit)
        ws.cell(row=row, column=5, value=_CONSTANT_DOCS[name]).alignment = styles.WRAP
        ws.cell(row=row, column=6, value=name)
        _name(wb, name, cell(layout.INPUTS, layout.INPUTS_VALUE_COL, row))

    _rules(wb, ws)
    if template:
        _kinds(wb, ws)
    styles.widths(ws, {"A": 28, "B": 14, "C": 14, "D": 34, "E": 60, "F": 18})
    ws.freeze_panes = ws.cell(row=layout.INPUTS_FIRST_ROW, column=1)
    styles.protect(ws)


def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _rule_value(key: str, name: str) -> float:
    value = data.figure(key).value
    if name == "GradPlusClosedYear":
        return int(str(value)[:4])
    if name == "GradPlusClosedMonth":
        return int(str(value)[5:7])
    return value


def _rules(wb: Workbook, ws: Worksheet) -> None:
    """The federal loan rules and tables the Loans and RAP sheets use (figures, editable)."""
    ws.cell(
        row=layout.RULES_ROW - 1,
        column=1,
        value="Federal loan rules (from the embedded figures; see Sources)",
    ).font = styles.SECTION_FONT
    for k, (name, key, label, unit) in enumerate(layout.RULES):
        row = layout.RULES_ROW + k
        ws.cell(row=row, column=1, value=label)
        value = ws.cell(row=row, column=layout.INPUTS_VALUE_COL, value=_rule_value(key, name))
        value.number_format = styles.UNIT_FORMAT[unit]
        styles.mark_input(value)
        ws.cell(row=row, column=3, value=styles.UNIT_WORDS[unit])
        ws.cell(row=row, column=5, value=data.figure(key).citation).alignment = styles.WRAP
        ws.cell(row=row, column=6, value=name)
        _name(wb, name, cell(layout.INPUTS, layout.INPUTS_VALUE_COL, row))

    starts, _ = federal.rate_table("direct_unsub_grad", "rate")
    columns = [[int(str(d)[:4]) for d in starts]] + [
        federal.rate_table(loan, what)[1].tolist()
        for loan in ("direct_unsub_grad", "grad_plus")
        for what in ("rate", "fee")
    ]
    tiers = data.figure("plan.tiered_standard").value
    percents = data.figure("plan.rap_percent_by_agi_band").value
    tables = (
        (
            layout.RATES_TITLE_ROW,
            "Rates and fees by award year (the last year carries on)",
            layout.RATE_COLUMNS,
            columns,
            [styles.WHOLE] + [styles.PERCENT] * 4,
        ),
        (
            layout.TIERS_TITLE_ROW,
            "Tiered standard plan: term by balance",
            layout.TIER_COLUMNS,
            [[0] + [t[0] for t in tiers[:-1]], [t[1] for t in tiers]],
            [styles.USD, styles.WHOLE],
        ),
        (
            layout.RAP_TITLE_ROW,
            "RAP: yearly payment as a share of AGI by band",
            layout.RAP_COLUMNS,
            [list(range(1, len(percents) + 1)), percents],
            [styles.WHOLE, styles.PERCENT],
        ),
    )
    for title_row, title, names, values, formats in tables:
        ws.cell(row=title_row, column=1, value=title).font = styles.SECTION_FONT
        first = title_row + 2
        for j, ((name, header), column, fmt) in enumerate(zip(names, values, formats, strict=True)):
            styles.header(ws, title_row + 1, 1 + j, header)
            for k, x in enumerate(column):
                target = ws.cell(row=first + k, column=1 + j, value=x)
                target.number_format = fmt
                styles.mark_input(target)
            _name(wb, name, area(layout.INPUTS, 1 + j, first, first + len(column) - 1))


def _kinds(wb: Workbook, ws: Worksheet) -> None:
    """The defaults by kind of option (from the embedded data), each column a defined name:
    a template's option reads an input that follows the kind, left empty, from here."""
    ws.cell(
        row=layout.KINDS_TITLE_ROW,
        column=1,
        value="Defaults by kind of option: an input on Programs that follows the kind, left "
        "empty, takes its kind's (certificate and other: the least favourable of the kinds')",
    ).font = styles.SECTION_FONT
    for j, (name, header) in enumerate(layout.KIND_COLUMNS):
        styles.header(ws, layout.KINDS_HEADER_ROW, 1 + j, header)
        last = layout.KINDS_LAST_ROW
        _name(wb, name, area(layout.INPUTS, 1 + j, layout.KINDS_FIRST_ROW, last))
    sources_col = len(layout.KIND_COLUMNS) + 1
    styles.header(ws, layout.KINDS_HEADER_ROW, sources_col, "Sources (see Sources)")
    units = {name: (fields.PROGRAM.get(name) or RISK[name]).unit for name in data.KIND_INPUTS}
    for k, kind in enumerate(fields.KINDS):
        row = layout.KINDS_FIRST_ROW + k
        ws.cell(row=row, column=1, value=kind)
        values = data.kind_defaults(kind)
        for j, name in enumerate(data.KIND_INPUTS, start=2):
            target = ws.cell(row=row, column=j, value=values[name])
            target.number_format = styles.UNIT_FORMAT[units[name]]
        figures = [data.figure(k) for k in data.kind_keys(kind).values() if isinstance(k, str)]
        citations = dict.fromkeys(
            "illustrative assumptions" if f.kind == "assumption" else f.citation for f in figures
        )
        text = "; ".join(citations)
        ws.cell(row=row, column=sources_col, value=text[:1].upper() + text[1:])
