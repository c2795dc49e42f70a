"""Turning the comparison table into text: a readable table, CSV or JSON."""

from __future__ import annotations

import io
import json
import math
import shutil
import textwrap

import pandas as pd

from mlworth_xl.columns import COLUMNS, COMPARE_COLUMNS, EXPECTED_HEADERS, HEADERS, IRR_ABOVE

#: Each header's kind of value; the IRR is a rate that may be above the highest rate looked at.
KIND = {c.header: "irr" if c.key == "irr" else c.kind for c in (*COLUMNS, *COMPARE_COLUMNS)}

#: Columns of the parts of the readable table (a part shows the columns its frame has; the rank
#: is by the expected NPV where the frame has the odds, else by the NPV if completed).
ODDS_PART = (
    "Option",
    "Chance of paying back within target",
    "Verdict",
    "Median payback (years)",
    "Expected NPV",
    "NPV P10",
    "NPV P90",
    EXPECTED_HEADERS["rank"].header,
    HEADERS["payback_years"],
)
COST_PART = (
    "Option",
    "Cost of attendance",
    "Income given up",
    "Amount borrowed",
    "Loan fees",
    "Total interest",
    "Loan cost (today's $)",
    "Total cost",
    "Monthly payment",
)
RETURN_PART = (
    "Option",
    HEADERS["rank"],
    HEADERS["payback_years"],
    HEADERS["discounted_payback_years"],
    HEADERS["npv"],
    HEADERS["irr"],
    HEADERS["roi"],
    HEADERS["break_even_salary"],
    HEADERS["pays_back_within_target"],
)
LOAN_PART = (
    "Option",
    "Federal loans",
    "Private loans",
    "Monthly payment",
    "Total paid on loans",
    "Years to pay off",
    "Amount forgiven",
    "Loan relief",
    "Repayment",
)


def cell(kind: str, value: object) -> str:
    """One value as people read it: $136,000, 9.9, 13.2%, never.

    An IRR of ``inf`` (above the highest rate looked at) is shown as the
    workbook shows it:

    >>> cell("rate", 0.1315), cell("irr", float("inf")), cell("years", float("nan"))
    ('13.2%', '> 99,900%', 'never')
    """
    if kind == "text":
        return str(value)
    if kind == "flag":
        return "yes" if value else "no"
    if kind == "rank":
        return str(int(value))  # type: ignore[call-overload]
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return "never" if kind == "years" else "n/a"
    if kind == "irr" and x == math.inf:
        return IRR_ABOVE
    if kind == "usd":
        return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"
    if kind == "years":
        return f"{x:.1f}"
    return f"{x * 100:.1f}%"


def table(frame: pd.DataFrame, width: int | None = None) -> str:
    """The comparison as aligned tables: the odds (where the frame has them), costs,
    returns, and loans where anything is borrowed."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    parts = []
    tables = [("Costs", COST_PART), ("Returns", RETURN_PART)]
    if ODDS_PART[1] in frame.columns:
        tables.insert(
            0, ("Odds (over completion, months to a job, placement and salary)", ODDS_PART)
        )
    if (frame["Amount borrowed"] > 0).any():
        tables.append(("Loans", LOAN_PART))
    shown: set[str] = set()  # a column of the odds part is not shown again
    for title, cols in tables:
        parts.append(title)
        here = tuple(c for c in cols if c in frame.columns and (c == "Option" or c not in shown))
        parts.append(_aligned(frame, here, width))
        if cols is ODDS_PART:
            shown.update(here)
    parts.append(UNIT_NOTE)
    return "\n".join(parts) + "\n"  # the shell's prompt on a line of its own


#: The unit of every amount, said under the tables.
UNIT_NOTE = (
    "Money is in today's dollars; the loans' own amounts (borrowed, fees, interest, "
    "payments, forgiven) are in the dollars of the day they are lent or paid."
)


def _aligned(frame: pd.DataFrame, cols: tuple[str, ...], width: int) -> str:
    body = [
        [cell(KIND[c], v) for c, v in zip(cols, row, strict=True)]
        for row in frame[list(cols)].itertuples(index=False)
    ]
    return aligned(list(cols), body)


def aligned(headers: list[str], body: list[list[str]]) -> str:
    """Rows of text cells under headers wrapped to 12 characters; the first column is the option.

    >>> print(aligned(["Option", "NPV"], [["MS", "$1"]]), end="")
    Option  NPV
    ------  ---
    MS       $1
    """
    name_width = min(40, max(len("Option"), *(len(r[0]) for r in body)))
    heads = [textwrap.wrap(c, 12) or [""] for c in headers]
    heads[0] = ["Option"]
    widths = [name_width] + [
        max(max(len(x) for x in h), *(len(r[j]) for r in body))
        for j, h in enumerate(heads)
        if j > 0
    ]
    depth = max(len(h) for h in heads)
    lines = []
    for level in range(depth):
        row = []
        for j, h in enumerate(heads):
            text = h[level - (depth - len(h))] if level >= depth - len(h) else ""
            row.append(text.ljust(widths[j]) if j == 0 else text.rjust(widths[j]))
        lines.append("  ".join(row).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for r in body:
        name = r[0] if len(r[0]) <= name_width else r[0][: name_width - 1] + "…"
        lines.append(
            "  ".join(
                [name.ljust(name_width)] + [v.rjust(widths[j + 1]) for j, v in enumerate(r[1:])]
            )
        )
    return "\n".join(lines) + "\n"


#: What makes a spreadsheet read a cell of a CSV file as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with a single quote.

    >>> neutral("=1+2"), neutral("MS"), neutral(-1.5)
    ("'=1+2", 'MS', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """CSV with the human headers; never-paid-back paybacks are empty cells.

    Text cells (option names, verdicts) that start like a formula get a
    leading single quote, so opening the file never runs them; numbers are
    written as numbers.  A carriage return inside a text is written as a
    line feed, which the cell is then quoted for (the CSV writer quotes only
    the characters of its line ending, and a bare one would split the row).
    An IRR of ``inf`` (above the highest rate looked at) is written as the
    table shows it, ``> 99,900%``.
    """

    def text(value: object) -> object:
        value = neutral(value)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    out = frame.copy()
    for c in out.columns:
        if KIND.get(c) == "irr" and (out[c] == math.inf).any():
            out[c] = out[c].astype(object).where(out[c] != math.inf, IRR_ABOVE)
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(text)
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue()


def to_json(frame: pd.DataFrame) -> str:
    """A JSON list of objects keyed by the human headers.

    A number that is not finite (NaN: never paid back; infinity: an ROI over
    a cost of almost nothing) becomes null, since JSON has no such numbers,
    except an IRR of ``inf`` (above the highest rate looked at), written as
    the table shows it, ``"> 99,900%"``.
    """
    records = []
    for row in frame.itertuples(index=False):
        rec = {}
        for c, v in zip(frame.columns, row, strict=True):
            if hasattr(v, "item"):
                v = v.item()
            if isinstance(v, float) and not math.isfinite(v):
                v = IRR_ABOVE if KIND.get(c) == "irr" and v == math.inf else None
            rec[c] = v
        records.append(rec)
    return json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
