"""One value as people type it: numbers with currency and percent signs, codes, TRUE/FALSE.

Every reader of inputs (CSV and XLSX tables, the workbook's own sheets, the
Excel functions' scenario tables, the command line) reads a typed value here,
so ``$52,000``, ``7.94%``, ``1e5``, ``rap`` and ``yes`` mean the same
everywhere.  A semicolon-separated file with decimal commas is read the way
European Excel writes it (:func:`european_style`); what is ambiguous is
refused, with the reason (``1,500`` could be 1.5 or 1500).
"""

from __future__ import annotations

import math
import re
from typing import Any

from mlworth_xl.model import fields

__all__ = [
    "cell_text",
    "european_style",
    "header_key",
    "is_blank",
    "parse_bool",
    "parse_cell",
    "parse_code",
    "parse_number",
]

_TRUE = {"true", "yes", "y", "1", "on", "wahr", "vrai"}
_FALSE = {"false", "no", "n", "0", "off", "falsch", "faux"}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$|^[+-]?\d+,\d{4,}$")
#: European Excel: dots between groups of three digits, a comma before the decimals.
_EUROPEAN = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
#: A number that shows the European style: a decimal comma no reading takes for thousands.
_EUROPEAN_SIGN = re.compile(r"^[+-]?\d+,(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(\.\d{3})+,\d+$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
#: What may stand around the digits: a sign, a currency mark before or after, a percent sign.
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)(?P<pre>US\$|USD|\$)?(?P<sign2>[+-]?)"
    r"(?P<num>(\d[\d.,]*|[.,]\d+)([eE][+-]?\d+)?)(?P<post>US\$|USD|\$|%)?$"
)


def header_key(text: str) -> str:
    """A header as a lookup key: ``"Tuition per year"`` → ``"tuition_per_year"``."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_number(
    text: str, field: fields.Field, *, semicolon_file: bool = False, european: bool = False
) -> float:
    """A number as people type it; ``ValueError`` with the reason if it is not one.

    ``semicolon_file``: the text comes from a semicolon-separated file (a
    comma may be a decimal point); ``european``: that file writes decimal
    commas, so dots separate thousands.

    >>> parse_number("$52,000", fields.PROGRAM["tuition_per_year"])
    52000.0
    >>> parse_number("7.94%", fields.PROGRAM["loan_apr"])
    0.0794
    >>> parse_number("52.000", fields.PROGRAM["tuition_per_year"], semicolon_file=True,
    ...              european=True)
    52000.0
    """
    shown = text.strip()
    if shown.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return float(shown)  # a number, which the range check refuses as not finite
    m = _NUMBER.match(shown.replace("\u00a0", "").replace(" ", ""))
    if m is None or (m["sign"] and m["sign2"]) or (m["pre"] and m["post"]):
        marks = {
            "usd": " (digits, with $, US$ or USD if you like)",
            "rate": " (digits, with a percent sign if you like)",
            "fraction": " (digits, with a percent sign if you like)",
        }.get(field.unit, "")
        raise ValueError(f"{shown!r} is not a number; allowed: {field.allowed()}{marks}")
    percent = m["post"] == "%"
    if (m["pre"] or m["post"] and not percent) and field.unit != "usd":
        raise ValueError(f"{shown!r}: a currency is not allowed here; allowed: {field.allowed()}")
    s = (m["sign"] or m["sign2"]) + m["num"]
    mantissa = s.split("e")[0].split("E")[0]
    if european:
        if not _EUROPEAN.match(mantissa) and ("." in mantissa or "," in mantissa):
            raise ValueError(
                f"{shown!r} is ambiguous in a file with decimal commas (is the dot "
                "a decimal point or a thousands separator?); write it as the "
                "file does, e.g. 1.500,5 or 1500,5"
            )
        s = s.replace(".", "").replace(",", ".")
    elif "," in s:
        if _THOUSANDS.match(s) and not (semicolon_file and s.count(",") == 1 and "." not in s):
            s = s.replace(",", "")
        elif semicolon_file and _DECIMAL_COMMA.match(s):
            s = s.replace(",", ".")
        else:
            raise ValueError(
                f"{shown!r} is ambiguous (is the comma a decimal point or a "
                "thousands separator?); write it without commas, e.g. 1500.5"
            )
    elif semicolon_file and _DOT_THOUSANDS.match(mantissa):
        if mantissa.count(".") > 1:  # only thousands have more than one dot
            s = s.replace(".", "")
        else:
            raise ValueError(
                f"{shown!r} is ambiguous in a semicolon-separated file (is the "
                "dot a decimal point or a thousands separator?); write it without "
                "the dot (52000) or with a decimal comma (52,5)"
            )
    try:
        value = float(s)
    except ValueError:
        raise ValueError(f"{shown!r} is not a number; allowed: {field.allowed()}") from None
    if percent:
        if field.unit not in ("rate", "fraction"):
            raise ValueError(
                f"{shown!r}: a percentage is not allowed here; allowed: {field.allowed()}"
            )
        value /= 100.0
        if fields.check(field, [value]):  # not "looks like a percentage": it was one
            raise ValueError(f"{shown!r} is {value:g}, out of range; allowed: {field.allowed()}")
    return value


def european_style(rows: list[tuple[int, list[str]]]) -> bool:
    """Whether the cells of a semicolon-separated file write decimal commas (``1,5``)."""
    for _, row in rows:
        for c in row:
            t = str(c).strip().replace("\u00a0", "").replace(" ", "").strip("$%")
            if "," in t and _EUROPEAN_SIGN.match(t.removeprefix("US").removesuffix("USD")):
                return True
    return False


def parse_code(text: str, field: fields.Field) -> float:
    """A coded input given by its word or its number: ``"rap"`` or ``2``.

    >>> parse_code("RAP", fields.PROGRAM["repayment_plan"])
    2.0
    """
    s = text.strip().lower()
    if s in field.choices:
        return float(field.choices.index(s))
    try:
        return parse_number(text, field)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not allowed; allowed: {field.allowed()}") from None


def parse_bool(text: str) -> float:
    """TRUE or FALSE as people type it: ``"yes"``, ``"1"``, ``"FALSE"`` (1.0 or 0.0)."""
    s = text.strip().lower()
    if s in _TRUE:
        return 1.0
    if s in _FALSE:
        return 0.0
    raise ValueError(f"{text.strip()!r} is not TRUE or FALSE")


def is_blank(cell: Any) -> bool:
    """An empty cell: None, or text of spaces only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Any) -> str:
    """A cell as text, for a text column (name, kind): TRUE and FALSE in capitals.

    >>> cell_text(None), cell_text(" MS in ML "), cell_text(True), cell_text(2025.0)
    ('', 'MS in ML', 'TRUE', '2025.0')
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    return (repr(cell) if isinstance(cell, float) else str(cell)).strip()


def parse_cell(
    cell: Any, field: fields.Field, *, semicolon_file: bool = False, european: bool = False
) -> float:
    """One cell of a numeric column; ``ValueError`` with the reason if it is not a value.

    A number is taken as it is (a TRUE/FALSE input takes 1 and 0), TRUE and
    FALSE as themselves, and text as :func:`parse_number`, :func:`parse_code`
    and :func:`parse_bool` read it.

    >>> parse_cell(52000.0, fields.PROGRAM["tuition_per_year"])
    52000.0
    >>> parse_cell("7.94%", fields.PROGRAM["loan_apr"]), parse_cell(True, fields.PROGRAM[
    ...     "capitalize_interest"])
    (0.0794, 1.0)
    """
    number = isinstance(cell, int | float) and not isinstance(cell, bool)
    if number and field.unit != "bool":
        try:
            return float(cell)
        except OverflowError:  # an int too large for a float: out of range, as its text is
            return math.inf if cell > 0 else -math.inf
    if (number and cell in (0, 1)) or (isinstance(cell, bool) and field.unit == "bool"):
        return float(cell)
    text = cell_text(cell)
    if field.unit == "bool":
        return parse_bool(text)
    if field.is_code:
        return parse_code(text, field)
    return parse_number(text, field, semicolon_file=semicolon_file, european=european)
