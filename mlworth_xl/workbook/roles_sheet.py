"""The Roles sheet: what each role pays, and what each option's graduates become.

The role table holds each role's median pay and its 10th and 90th
percentile (inputs, US Bureau of Labor Statistics OEWS by default) and the
spread fitted to them, ``LN(p90 / p10) / PercentileSpan`` (2 × 1.28155, on Inputs).  Below it,
one column per option (as on Programs) splits the graduates: each role
``placement × share``, the salary after ``placement × (1 − Σ shares)`` (all of
the placed graduates of an option without role shares, none otherwise), and
those who stay in the current kind of job ``1 − placement``, adding up to
1.  The salary of a placed graduate, the shares' weighted median, is what
Cash flows and Summary read.  Role shares that neither add up to 1 nor are
all 0 make it the text :data:`WRONG_SHARES`, so the results that read it are
error values, and say so in the check row on Programs.  In a template every
option's formulas here show empty text until the option is filled in.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter

from mlworth_xl.model import data, fields
from mlworth_xl.model.roles import Roles
from mlworth_xl.workbook import fast_path, layout, styles
from mlworth_xl.workbook.layout import (
    OUTCOME_ROW,
    OUTCOME_ROWS,
    ROLE_COL,
    ROLE_COLUMNS,
    ROLE_ROW,
    Layout,
    area,
    cell,
)
from mlworth_xl.workbook.styles import set_text

#: What the salary of a placed graduate says when the shares neither add up to 1 nor are all 0.
WRONG_SHARES = "role shares must add up to 1, or all be 0"


def _source(roles: Roles, key: str) -> str:
    keys = roles.get(key).sources
    if not keys:
        return "Entered by hand"
    return "; ".join(dict.fromkeys(data.figure(k).citation for k in keys))


def shares_check(lay: Layout, i: int) -> str:
    """A formula that is TRUE when option ``i``'s role shares neither add up to 1 nor are all 0.

    >>> shares_check(Layout(1), 0)
    'AND(SUM(Programs!$C$42:$C$46)>ShareTolerance,ABS(SUM(Programs!$C$42:$C$46)-1)>ShareTolerance)'
    """
    total = f"SUM({lay.shares(i)})"
    return f"AND({total}>ShareTolerance,ABS({total}-1)>ShareTolerance)"


def write(wb: Workbook, lay: Layout, roles: Roles) -> None:
    """The Roles sheet of a workbook with ``lay.n`` options, the table holding ``roles``."""
    ws = wb[layout.ROLES]
    styles.title(
        ws,
        "Roles: what graduates become and what each role pays",
        "A placed graduate becomes one of these roles with the option's share of it "
        "(Programs; the shares add up to 1), or, for an option without role shares (all 0), "
        "earns its salary after. Pay is lognormal, fitted to the median and the 10th and 90th "
        "percentile.",
    )
    cells = styles.Cells(ws, fast=fast_path.enabled())
    for key, text in ROLE_COLUMNS:
        cells.header(layout.ROLES_HEADER_ROW, ROLE_COL[key], text)
    for role in roles.roles:
        row = ROLE_ROW[role.key]
        ws.cell(row=row, column=ROLE_COL["label"], value=role.label)
        for key in ("median", "p10", "p90"):
            target = ws.cell(row=row, column=ROLE_COL[key], value=float(getattr(role, key)))
            target.number_format = styles.USD
            styles.mark_input(target)
        p10, p90 = (cell(None, ROLE_COL[k], row) for k in ("p10", "p90"))
        cells.formula(row, ROLE_COL["sigma"], f"=LN({p90}/{p10})/PercentileSpan", styles.FACTOR)
        set_text(ws.cell(row=row, column=ROLE_COL["source"]), _source(roles, role.key))
    title = layout.ROLES_OPTIONS_TITLE_ROW
    ws.cell(row=title, column=1, value="What each option's graduates become").font = styles.BOLD
    ws.cell(
        row=title,
        column=2,
        value="Shares of all graduates; a dropout stays in the current kind of job",
    )
    header = layout.ROLES_OPTIONS_HEADER_ROW
    cells.header(header, 1, "Outcome")
    for key, label in OUTCOME_ROWS:
        ws.cell(row=OUTCOME_ROW[key], column=1, value=label)
    ws.cell(row=OUTCOME_ROW["placed_salary"], column=1).font = styles.BOLD
    for i in range(lay.n):
        col = lay.option_col(i)
        ws.cell(row=header, column=col, value=lay.when_filled(i, f"={lay.program('name', i)}"))
        ws.cell(row=header, column=col).font = styles.BOLD
        place = lay.program("placement_prob", i)
        total = f"SUM({lay.shares(i)})"
        formulas = {
            f"role_{key}": f"={place}*{lay.program(name, i)}"
            for key, name in zip(fields.ROLE_LABELS, fields.SHARE_FIELDS, strict=True)
        }
        first, last = (OUTCOME_ROW[k] for k in ("role_" + next(iter(fields.ROLE_LABELS)), "stays"))
        formulas.update(
            {
                "rest": f"={place}*(1-{total})",
                "stays": f"=1-{place}",
                "total": f"=SUM({area(None, col, first, last)})",
                "shares_sum": f"={total}",
                "placed_salary": (
                    f'=IF({shares_check(lay, i)},"{WRONG_SHARES}",(1-{total})'
                    f"*{lay.program('salary_after', i)}+SUMPRODUCT({lay.shares(i)},"
                    f"{layout.ROLE_MEDIANS}))"
                ),
            }
        )
        for key, formula in formulas.items():
            fmt = styles.USD if key == "placed_salary" else styles.PERCENT
            cells.formula(OUTCOME_ROW[key], col, lay.when_filled(i, formula), fmt)
    row = OUTCOME_ROW["shares_sum"]
    first = cell(None, layout.OPTION_COL, row, absolute=False)
    ws.conditional_formatting.add(
        f"{first}:{cell(None, lay.option_col(lay.n - 1), row, absolute=False)}",
        FormulaRule(
            formula=[
                f"AND(ISNUMBER({first}),{first}>ShareTolerance,ABS({first}-1)>ShareTolerance)"
            ],
            fill=styles.BAD_FILL,
            font=styles.BAD_FONT,
        ),
    )
    styles.widths(ws, {"A": 52, "B": 14})
    for col in range(layout.OPTION_COL, max(lay.option_col(lay.n - 1), ROLE_COL["source"]) + 1):
        styles.widths(ws, {get_column_letter(col): 22})
    for row in ROLE_ROW.values():
        ws.cell(row=row, column=ROLE_COL["source"]).alignment = styles.WRAP
    ws.freeze_panes = ws.cell(row=layout.ROLES_FIRST_ROW, column=1)
    styles.protect(ws)


def define_names(wb: Workbook) -> None:
    """RoleMedians and RoleSigmas: the role table's columns, for the Odds sheet and Roles."""
    from openpyxl.workbook.defined_name import DefinedName

    for name, key in ((layout.ROLE_MEDIANS, "median"), (layout.ROLE_SIGMAS, "sigma")):
        ref = area(layout.ROLES, ROLE_COL[key], layout.ROLES_FIRST_ROW, layout.ROLES_LAST_ROW)
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
