"""The Guide sheet: what the workbook answers, how to use it, the colours, the caveats."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mlworth_xl.model import fields
from mlworth_xl.workbook import layout, styles

_WIDTH = 120
_WHAT = (
    "Is a master's in machine learning (or a bootcamp, a certificate, self-study) worth its "
    "money? This workbook compares each option with staying in the current job: what it "
    "costs (tuition, fees, living costs, the salary given up, loan fees and interest), when "
    "it pays back, its NPV, IRR and ROI, and the salary it needs to pay back within the "
    "target.",
)
_STEP_1 = (
    "1. On Inputs, set the person's current salary, tax rate, discount rate, horizon, target "
    "payback, savings and inflation."
)


def _step_2(template: bool) -> str:
    """Step 2 of "How to use it": the inputs an option needs, and what its kind does."""
    kinds = ", ".join(fields.KINDS)
    kind = (
        f"choose its Kind ({kinds}) too: the inputs that follow the kind, left empty, take "
        "its defaults (see Filling in the template)"
        if template
        else f"its Kind ({kinds}) says what sort of option it is: its placement probability, "
        "months to a job and role shares were written with the kind's defaults where the "
        "programs file left them out (changing the Kind here changes no value)"
    )
    return (
        f"2. On Programs, each column is one option. It needs its {layout.required_words()}; "
        f"{kind}. Then set its fees, living costs, salary kept while studying, aid, borrowing "
        "and loan terms, the chance of landing the new role (placement probability) and the "
        "months it takes."
    )


_ROLES = (
    "On Roles, each role graduates may take (machine learning engineer, data scientist, data "
    "engineer, software engineer, doctoral student) has its pay: median, 10th and 90th "
    "percentile, by default those of the nearest US Bureau of Labor Statistics occupation. An "
    "option's role shares on Programs say which share of its placed graduates takes each role: "
    "they add up to 1, or are all 0 (then every placed graduate earns the option's salary "
    "after); any other sum is refused (the check row on Programs says so). Roles shows what all "
    "graduates become, including those who stay in the current kind of job, and the salary of "
    "a placed graduate the other sheets use."
)
#: "How to use it" after step 2 (:func:`_step_2`, which depends on the workbook being a
#: template).
_HOW_REST = (
    _ROLES,
    "3. Read the results on Summary; Cash flows shows them year by year and Loans shows each "
    "loan. Everything recalculates as you type: no macros, no add-ins, no Python.",
    "4. Hover over an input to see what it means; a value that is not allowed is refused "
    "with a message that says what is.",
    "Only the coloured cells are inputs; the sheets are protected (without a password) so "
    "formulas are not overwritten by accident. To add an option, add it to the programs file "
    "and run `mlworth-xl workbook` again, or start from a template of empty columns "
    "(`mlworth-xl template --options N`).",
    "The chart of running totals on Summary spans the horizon the workbook was made with "
    "(a chart cannot follow an input without volatile functions); its values stay live.",
)
_DEFINITIONS = (
    "Year 1 starts on the first day of study. Flows are after tax; the salary gained is "
    "weighted by the placement probability, and a graduate who is not placed keeps the "
    "current salary path. The salary of a placed graduate is the role shares' weighted median "
    "pay (Roles); the chance of paying back draws the role, then the pay in it.",
    "Payback: years until the running total of net flows turns non-negative for good, "
    'interpolated inside the year; "never within horizon" if it is still negative at the '
    "end of the horizon. Discounted payback discounts year y by (1 + discount rate)^y, as NPV "
    "does.",
    "Money is in today's dollars (of the first day of study): salaries and costs are real. "
    "Loans are nominal contracts: each year's need is borrowed in that year's dollars "
    "(× (1 + Inflation)^(year − 1)), and each year's fees, interest and relief are divided by "
    "the same, less what inflation takes off the debt carried into the year (Loans, yearly "
    "schedule). Amount borrowed, fees, total interest, payments and amounts forgiven are "
    "shown as a loan statement shows them, in the dollars of the day; Loan cost is their "
    "cost in today's dollars. Inflation 0 treats the loans as real.",
    "Loans: by default as the law in force on the start date allows (financing 1, federal): "
    "each study year's need at its start by Direct Unsubsidized loans within the annual, "
    "aggregate and lifetime limits (Grad PLUS only for legacy borrowers), the rest by a "
    "private loan with its own rate, fee and term; the tiered standard plan. Financing 0 "
    "(simple, one loan on day 1) is a what-if. Simple interest accrues during study and "
    "grace; Direct Unsubsidized interest is not capitalized when repayment starts (34 CFR "
    "685.202(b)), Grad PLUS and private interest is. Total interest is everything paid "
    "minus the amount borrowed.",
    "IRR: the discount rate at which the NPV is zero, shown only where there is exactly one "
    "(the net flow changes sign once: costs, then gains). Cash flows finds it by bisection "
    "between the two rates on Inputs, below the years; one above the highest rate shows as "
    "> that rate (> 99,900%).",
    "Break-even salary: the salary after at which the option pays back exactly within the "
    "target payback.",
)
_CAVEAT = (
    "Not financial advice. The results are only as good as the inputs: figures marked "
    '"illustrative assumption" on Sources have no published source and should be replaced '
    "with the person's own.",
)


#: The inputs an option needs, in words (:func:`mlworth_xl.workbook.layout.required_words`).
required_words = layout.required_words


def template_lines(n: int) -> tuple[str, ...]:
    """What the Guide of a template of ``n`` option columns says about filling it in."""
    return (
        f"This is a template: Programs has {n} columns, one option each, to fill in. An "
        f"option computes once its {required_words()} are filled in (its row "
        f'"{layout.FILLED_LABEL}" on Programs turns TRUE); choose its Kind too. Every other '
        "input starts at its default and can be changed. A column left empty shows no results "
        "on any sheet and no line on the charts; the columns filled in need not be next to "
        "each other. To add an option, fill in an empty column; for more columns than there "
        "are, write a new template with `mlworth-xl template --options N`.",
        "Some inputs are left empty on purpose: the placement probability, the months to find "
        "a job, the role shares and, below the check, the completion probability. Left empty, "
        "each takes the default of the option's kind, from the table \"Defaults by kind of "
        'option" at the bottom of Inputs (a certificate and the kind "other" take the least '
        'favourable of the kinds\'); the rows "Values used" at the bottom of Programs show the '
        "values each option computes with. Type a value to use your own. The role shares are "
        "one input: all empty, the kind's; type one and the empty ones count as 0, so the "
        "shares typed must add up to 1 (or all be 0: every placed graduate earns the salary "
        "after). The other uncertain inputs (salary spread, job search) start at their "
        "defaults.",
        "A template has no Risk sheet and no median payback, expected NPV or percentiles: "
        "those are the model's simulated figures, written when a file is made, so the Summary "
        'says "inputs changed: write the file again" there. The chance of paying back and '
        "every other result are live. Once filled in, run `mlworth-xl workbook --programs "
        "filled.xlsx -o client.xlsx` to write the comparison workbook of the options filled "
        "in and the person on Inputs, with those figures and a fresh Risk sheet; a value that "
        "is not allowed is refused with its sheet, cell and what is allowed, and an empty "
        "input is read as the template reads it.",
        "Repayment plan 2 (RAP) needs the option's month-by-month RAP schedule, which only a "
        "workbook made with the option on RAP has: a template's plan cells take 0 (fixed) or "
        "1 (tiered). To compare an option on RAP, give it repayment_plan = rap in a programs "
        "file (templates/programs.csv) and run `mlworth-xl workbook --programs FILE`; the "
        "workbook it writes lets that option switch between the three plans.",
    )


def write(
    wb: Workbook,
    version: str,
    as_of: str,
    n: int,
    sheets: tuple[str, ...] = layout.SHEETS,
    *,
    template: bool = False,
) -> None:
    ws = wb[layout.GUIDE]
    if template:
        styles.title(
            ws,
            "Is a master's in machine learning worth it?",
            f"A template: {n} option column{'s' if n != 1 else ''} to fill in, each "
            "compared with staying in the current job.",
        )
    else:
        styles.title(
            ws,
            "Is a master's in machine learning worth it?",
            f"A comparison of {n} option{'s' if n != 1 else ''} with staying in the current job.",
        )
    row = 4
    how = (_STEP_1, _step_2(template), *_HOW_REST)
    sections = [("What this workbook answers", _WHAT), ("How to use it", how)]
    if template:
        sections.insert(1, ("Filling in the template", template_lines(n)))
    for heading, lines in sections:
        row = _section(ws, row, heading, lines)

    ws.cell(row=row, column=1, value="Colours").font = styles.SECTION_FONT
    legend = (
        ("Input: change it", styles.INPUT_FILL, styles.INPUT_FONT),
        ("Formula: computed, locked", None, None),
        (
            "Likely to pay back within the target (a chance of 2/3 or more)",
            styles.GOOD_FILL,
            styles.GOOD_FONT,
        ),
        (
            "Unlikely to (1/3 or less), or no payback within the horizon",
            styles.BAD_FILL,
            styles.BAD_FONT,
        ),
    )
    for text, fill, font in legend:
        row += 1
        target = ws.cell(row=row, column=1, value=text)
        if fill is not None:
            target.fill = fill
            target.font = font
    row += 2
    for heading, lines in (("Definitions", _DEFINITIONS), ("Caveat", _CAVEAT)):
        row = _section(ws, row, heading, lines)

    ws.cell(row=row, column=1, value="About").font = styles.SECTION_FONT
    about = (
        ("Made with", f"mlworth-xl {version}"),
        ("Figures as of", f"{as_of} (the newest as-of date of the embedded figures)"),
        ("Sheets", ", ".join(sheets)),
    )
    for label, text in about:
        row += 1
        ws.cell(row=row, column=1, value=f"{label}: {text}")
    styles.widths(ws, {"A": _WIDTH})
    styles.protect(ws)


def _section(ws: Worksheet, row: int, heading: str, lines: tuple[str, ...]) -> int:
    ws.cell(row=row, column=1, value=heading).font = styles.SECTION_FONT
    for line in lines:
        row += 1
        ws.cell(row=row, column=1, value=line).alignment = styles.WRAP
        ws.row_dimensions[row].height = styles.lines_height((line, _WIDTH))
    return row + 2
