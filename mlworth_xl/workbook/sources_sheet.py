"""The Sources sheet: every embedded figure the workbook's inputs use, with source and date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import numpy as np
from openpyxl import Workbook

from mlworth_xl.model import data, fields
from mlworth_xl.model.data import Figure
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import COMPLETION_BY_KIND, MASTERS_COMPLETION, RISK, Uncertainty
from mlworth_xl.workbook import layout, styles

_HEADERS = ("Figure", "Value", "Unit", "Source", "As of", "Kind", "Key")


def figures_used(
    programs: Programs,
    person: Person,
    uncertainties: Sequence[Uncertainty] | None = None,
    roles: Roles | None = None,
    *,
    kinds: bool = False,
) -> list[Figure]:
    """The embedded figures behind the inputs, in the order of the data.

    A figure counts when an input holds its value and either the default
    comparison sets that input of an option of the same name to that
    figure, or the figure is the field's default (for an input that follows
    the kind, the option's kind's).  ``kinds``: also every figure of the
    defaults by kind (a template's table on Inputs).

    >>> [f.key for f in figures_used(Programs.default(), Person())][:2]
    ['salary.ml_engineer_range_low', 'salary.us_average']
    """
    table = data.figures()
    by_name = {e["name"]: e for e in data.default_program_entries()}
    used: set[str] = set()

    def note(key: object, value: float) -> None:
        if isinstance(key, str) and key in table and _same(table[key].value, value):
            used.add(key)

    for i, name in enumerate(programs.names):
        entry = by_name.get(name, {})
        for field in fields.PROGRAM_FIELDS:
            if field.unit == "text":
                continue
            value = float(programs.columns[field.name][i])
            note(entry.get(field.name), value)
            note(
                data.kind_keys(programs.kinds[i])[field.name] if field.by_kind else field.default,
                value,
            )
    # the uncertainty inputs of the odds: each kind's completion probability and the spread
    for i, unc in enumerate(uncertainties or ()):
        note(COMPLETION_BY_KIND.get(programs.kinds[i], MASTERS_COMPLETION), unc.completion_prob)
        note(RISK["salary_sigma"].default, unc.salary_sigma)
    if kinds:
        for kind in fields.KINDS:
            used.update(k for k in data.kind_keys(kind).values() if isinstance(k, str))
    # the role table's pay (each role's median, 10th and 90th percentile)
    for role in (roles if roles is not None else Roles.default()).roles:
        for key in role.sources:
            for value in (role.median, role.p10, role.p90):
                note(key, value)
    person_entry = data.default_person_entry()
    for name, value in asdict(person).items():
        note(person_entry.get(name), value)
        note(fields.PERSON[name].default, value)
    return [f for key, f in table.items() if key in used]


def _same(figure_value: object, value: float) -> bool:
    return isinstance(figure_value, int | float) and bool(
        np.isclose(float(figure_value), value, rtol=0, atol=1e-12)
    )


def write(
    wb: Workbook,
    programs: Programs,
    person: Person,
    uncertainties: Sequence[Uncertainty] | None = None,
    roles: Roles | None = None,
    *,
    kinds: bool = False,
) -> None:
    ws = wb[layout.SOURCES]
    styles.title(
        ws,
        "Sources: the published figures behind the default inputs",
        "Verify a figure before relying on it. An illustrative assumption has no "
        "source: change it to your case. `mlworth-xl sources` lists every embedded "
        "figure.",
    )
    for k, text in enumerate(_HEADERS, start=1):
        styles.header(ws, layout.SOURCES_HEADER_ROW, k, text)
    figures = figures_used(programs, person, uncertainties, roles, kinds=kinds)
    for row, figure in enumerate(figures, start=layout.SOURCES_FIRST_ROW):
        ws.cell(row=row, column=1, value=figure.label)
        value = ws.cell(row=row, column=2, value=figure.value)
        value.number_format = {"usd": styles.USD, "rate": "0.000%", "fraction": styles.PERCENT}.get(
            figure.unit, "General"
        )
        ws.cell(row=row, column=3, value=styles.UNIT_WORDS.get(figure.unit, figure.unit))
        source = (
            "Illustrative assumption: no source" if figure.kind == "assumption" else (figure.source)
        )
        ws.cell(row=row, column=4, value=source)
        ws.cell(row=row, column=5, value=figure.as_of)
        ws.cell(row=row, column=6, value=figure.kind)
        ws.cell(row=row, column=7, value=figure.key)
        ws.row_dimensions[row].height = styles.lines_height((figure.label, 60), (source, 60))
        for column in range(1, len(_HEADERS) + 1):
            ws.cell(row=row, column=column).alignment = styles.WRAP
    styles.widths(ws, {"A": 60, "B": 12, "C": 10, "D": 60, "E": 12, "F": 11, "G": 36})
    ws.freeze_panes = f"A{layout.SOURCES_FIRST_ROW}"
    styles.protect(ws)
