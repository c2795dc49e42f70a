"""The Inputs sheet: the person's values, as named, validated input cells."""

from __future__ import annotations

from dataclasses import asdict

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from mlworth_xl.model import fields
from mlworth_xl.model.records import Person
from mlworth_xl.workbook import layout, styles
from mlworth_xl.workbook.layout import cell
from mlworth_xl.workbook.validation import rule

_CONSTANT_DOCS = {
    layout.MONTHS_PER_YEAR: "Used by the loan and timeline formulas.",
    layout.IRR_LOW: "The IRR is searched between these two rates (Cash flows, below the years).",
    layout.IRR_HIGH: "An IRR outside them shows as n/a.",
}
_HEADERS = ("Input", "Value", "Unit", "Allowed", "What it means", "Name in formulas")


def write(wb: Workbook, person: Person) -> None:
    ws = wb[layout.INPUTS]
    styles.title(ws, "Inputs: the person deciding",
                 "Change the coloured cells; every other sheet recalculates.")
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

    ws.cell(row=layout.INPUTS_CONSTANT_ROW - 1, column=1,
            value="Constants (not inputs)").font = styles.SECTION_FONT
    for k, (name, number, label, unit) in enumerate(layout.CONSTANTS):
        row = layout.INPUTS_CONSTANT_ROW + k
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=layout.INPUTS_VALUE_COL, value=number).number_format = (
            styles.PERCENT if unit == "percent" else "General")
        ws.cell(row=row, column=3, value=unit)
        ws.cell(row=row, column=5, value=_CONSTANT_DOCS[name]).alignment = styles.WRAP
        ws.cell(row=row, column=6, value=name)
        _name(wb, name, cell(layout.INPUTS, layout.INPUTS_VALUE_COL, row))

    styles.widths(ws, {"A": 28, "B": 14, "C": 14, "D": 34, "E": 60, "F": 18})
    ws.freeze_panes = ws.cell(row=layout.INPUTS_FIRST_ROW, column=1)
    styles.protect(ws)


def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)
