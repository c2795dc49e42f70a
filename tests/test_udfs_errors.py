"""Bad arguments give a clear Excel error, never an exception escaping to Excel.

Each row is one kind of mistake a user makes, with the error code and the
words the cell must show.  Classic xlwings (Windows) shows the text as it is;
under Office.js (xlwings Lite) the same call raises an XlwingsError with that
text (the cell shows #VALUE! and the message on hover) or returns the bare
code for a value of a range.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlworth_xl import udfs
from mlworth_xl.excel import cells
from mlworth_xl.model import fields
from mlworth_xl.udfs import (
    MLWORTH_BREAK_EVEN_SALARY,
    MLWORTH_COMPARE,
    MLWORTH_COST,
    MLWORTH_DEFAULT,
    MLWORTH_EVALUATE,
    MLWORTH_INCOME_GIVEN_UP,
    MLWORTH_LOAN_INTEREST,
    MLWORTH_LOAN_PAYMENT,
    MLWORTH_LOAN_SCHEDULE,
    MLWORTH_NPV,
    MLWORTH_PAYBACK,
    MLWORTH_SOURCE,
)

OPTION = [["years", 2.0], ["tuition_per_year", 52000.0], ["salary_after", 120883.0]]
PROGRAMS = [["name", "years", "tuition_per_year", "salary_after"], ["MS", 2.0, 52000.0, 120883.0]]

BAD = [
    # kind of mistake, function, arguments, code, words the cell shows
    ("text for a number", MLWORTH_COST, (["abc"],), "#VALUE!", "'abc' is text, not a number"),
    ("TRUE for a number", MLWORTH_COST, ([[True]],), "#VALUE!", "TRUE is not a number"),
    (
        "negative amount",
        MLWORTH_COST,
        (-1.0,),
        "#NUM!",
        "-1 is out of range; allowed: a number from 0 to 500,000",
    ),
    (
        "error cell as input",
        MLWORTH_COST,
        ([["#DIV/0!"]],),
        "#DIV/0!",
        "the cell holds the error #DIV/0!",
    ),
    ("required cell empty", MLWORTH_COST, ([[None]],), "#VALUE!", "tuition_per_year: is empty"),
    (
        "required argument left out",
        MLWORTH_COST,
        (),
        "#VALUE!",
        "missing a required argument: 'tuition_per_year'",
    ),
    ("too many arguments", MLWORTH_COST, (1.0,) * 8, "#VALUE!", "too many positional arguments"),
    (
        "zero-length program",
        MLWORTH_COST,
        (52000.0, 0.0),
        "#NUM!",
        "years: 0 is out of range; allowed: a number above 0 and at most 10",
    ),
    ("program too long", MLWORTH_COST, (52000.0, 11.0), "#NUM!", "years: 11 is out of range"),
    (
        "growth as a whole percentage",
        MLWORTH_COST,
        (52000.0, 2.0, 0, 0, 0, 0, 5.0),
        "#NUM!",
        "tuition_growth: 5 looks like a percentage; enter 0.05",
    ),
    (
        "2-D block for a number",
        MLWORTH_COST,
        ([[1.0, 2.0], [3.0, 4.0]],),
        "#VALUE!",
        "takes one cell, one column or one row, not a 2x2 range",
    ),
    (
        "a date",
        MLWORTH_COST,
        ([[dt.datetime(2026, 1, 1)]],),
        "#VALUE!",
        "a date or time is not allowed",
    ),
    ("infinity", MLWORTH_COST, (math.inf,), "#NUM!", "must be a finite number, not infinity"),
    ("NaN", MLWORTH_COST, (math.nan,), "#NUM!", "must be a finite number, not NaN"),
    (
        "APR as a whole percentage",
        MLWORTH_LOAN_PAYMENT,
        (41000.0, 7.94),
        "#NUM!",
        "apr: 7.94 looks like a percentage; enter 0.0794 (7.94%)",
    ),
    ("negative APR", MLWORTH_LOAN_PAYMENT, (41000.0, -0.01), "#NUM!", "apr: -0.01 is out of range"),
    (
        "zero-year term",
        MLWORTH_LOAN_PAYMENT,
        (41000.0, 0.05, 0.0),
        "#NUM!",
        "term_years: 0 is out of range; allowed: a whole number from 1 to 30",
    ),
    (
        "fractional term",
        MLWORTH_LOAN_PAYMENT,
        (41000.0, 0.05, 10.5),
        "#NUM!",
        "term_years: 10.5 is not a whole number",
    ),
    (
        "negative deferment",
        MLWORTH_LOAN_PAYMENT,
        (41000.0, 0.05, 10.0, -6.0),
        "#NUM!",
        "deferment_months: -6 is out of range",
    ),
    (
        "text for TRUE/FALSE",
        MLWORTH_LOAN_PAYMENT,
        (41000.0, 0.05, 10.0, 0.0, "yes"),
        "#VALUE!",
        "capitalize: 'yes' is not TRUE or FALSE; allowed: TRUE, FALSE, 1 or 0",
    ),
    (
        "number for TRUE/FALSE",
        MLWORTH_LOAN_PAYMENT,
        (41000.0, 0.05, 10.0, 0.0, 2.0),
        "#NUM!",
        "capitalize: 2 is not TRUE or FALSE",
    ),
    (
        "amount typed as text",
        MLWORTH_LOAN_PAYMENT,
        ("$41,000", 0.05),
        "#VALUE!",
        "principal: '$41,000' is text",
    ),
    (
        "ranges of different lengths",
        MLWORTH_LOAN_INTEREST,
        ([[1.0], [2.0]], [[0.05]] * 3),
        "#VALUE!",
        "apr has 3 values but principal has 2; ranges must have the same length",
    ),
    (
        "a column and a row",
        MLWORTH_LOAN_INTEREST,
        ([[1.0], [2.0]], [[0.05, 0.06]]),
        "#VALUE!",
        "give all ranges as columns or all as rows",
    ),
    (
        "tax as a whole percentage",
        MLWORTH_PAYBACK,
        (180000.0, 60000.0, 100000.0, 25.0),
        "#NUM!",
        "tax_rate: 25 looks like a percentage; enter 0.25",
    ),
    (
        "zero horizon",
        MLWORTH_PAYBACK,
        (1.0, 1.0, 2.0, 0, 0, 0, 0, 0.0),
        "#NUM!",
        "horizon_years: 0 is out of range",
    ),
    (
        "horizon beyond 80 years",
        MLWORTH_PAYBACK,
        (1.0, 1.0, 2.0, 0, 0, 0, 0, 100.0),
        "#NUM!",
        "horizon_years: 100 is out of range",
    ),
    (
        "#N/A cell as input",
        MLWORTH_PAYBACK,
        (1.0, 1.0, [["#N/A"]]),
        "#N/A",
        "salary_after: the cell holds the error #N/A",
    ),
    (
        "never pays back",
        MLWORTH_PAYBACK,
        (500000.0, 60000.0, 61000.0),
        "#N/A",
        "never pays back within 40 years",
    ),
    (
        "ragged range",
        MLWORTH_PAYBACK,
        ([[1.0], [2.0, 3.0]],),
        "#VALUE!",
        "rows of the range have different lengths",
    ),
    ("empty range", MLWORTH_PAYBACK, ([],), "#VALUE!", "the range is empty"),
    (
        "an object Excel never sends",
        MLWORTH_PAYBACK,
        ({"a": 1},),
        "#VALUE!",
        "a dict is not a number",
    ),
    (
        "negative share",
        MLWORTH_INCOME_GIVEN_UP,
        (60000.0, 2.0, -0.5),
        "#NUM!",
        "work_fraction: -0.5 is out of range; allowed: a number from 0 (0%) to 1 (100%)",
    ),
    (
        "range where one value is needed",
        MLWORTH_LOAN_SCHEDULE,
        ([[1.0], [2.0]], 0.05),
        "#VALUE!",
        "principal: takes one value, not a range",
    ),
    (
        "unknown input name",
        MLWORTH_EVALUATE,
        ([*OPTION, ["tution", 1.0]],),
        "#VALUE!",
        "scenario, row 4: 'tution' is not an input",
    ),
    (
        "required input missing",
        MLWORTH_EVALUATE,
        (OPTION[:2],),
        "#VALUE!",
        "salary_after: is required",
    ),
    (
        "text that is not a number",
        MLWORTH_EVALUATE,
        ([*OPTION, ["tax_rate", "a lot"]],),
        "#VALUE!",
        "scenario, row 4: tax_rate: 'a lot' is not a number",
    ),
    (
        "input given twice",
        MLWORTH_EVALUATE,
        ([*OPTION, ["Length (years)", 1.0]],),
        "#VALUE!",
        "scenario, row 4: years is given twice",
    ),
    (
        "one-column scenario",
        MLWORTH_EVALUATE,
        ([["years"], ["tuition_per_year"]],),
        "#VALUE!",
        "scenario: takes two columns",
    ),
    (
        "unknown measure",
        MLWORTH_EVALUATE,
        (OPTION, "profit"),
        "#N/A",
        "measure: 'profit' is not a measure; measures are: Chance of paying back within target",
    ),
    (
        "horizon shorter than the program",
        MLWORTH_EVALUATE,
        ([*OPTION, ["horizon_years", 1.0]],),
        "#NUM!",
        "row 1: horizon_years: 1 is shorter than the program (2 years)",
    ),
    (
        "percentage in a scenario",
        MLWORTH_NPV,
        (2.0, 52000.0, 120883.0, None, [["tax_rate", 25.0]]),
        "#NUM!",
        "tax_rate: 25 looks like a percentage",
    ),
    (
        "several value columns where one is taken",
        MLWORTH_BREAK_EVEN_SALARY,
        (2.0, 52000.0, None, None, [["tax_rate", 0.1, 0.2]]),
        "#VALUE!",
        "scenario: takes two columns: input names, then values",
    ),
    (
        "programs without a required column",
        MLWORTH_COMPARE,
        ([PROGRAMS[0][:3], PROGRAMS[1][:3]],),
        "#VALUE!",
        "salary_after: required column is missing",
    ),
    (
        "ambiguous number in programs",
        MLWORTH_COMPARE,
        ([PROGRAMS[0], ["MS", "1,5", 1.0, 1.0]],),
        "#VALUE!",
        "programs, row 2: years: '1,5' is ambiguous",
    ),
    (
        "unknown figure key",
        MLWORTH_DEFAULT,
        ("salary.ml_enginer",),
        "#N/A",
        "no embedded figure called 'salary.ml_enginer'; did you mean salary.ml_engineer",
    ),
    ("number for a key", MLWORTH_DEFAULT, (5.0,), "#VALUE!", "key: 5.0 is not text"),
    ("range of keys", MLWORTH_DEFAULT, ([["a"], ["b"]],), "#VALUE!", "takes one text value"),
    (
        "source of a required input",
        MLWORTH_SOURCE,
        ("Tuition per year",),
        "#N/A",
        "tuition_per_year has no default: it is required",
    ),
]


def test_at_least_thirty_kinds_of_mistake():
    assert len({kind for kind, *_ in BAD}) >= 30


@pytest.mark.parametrize(("kind", "fn", "args", "code", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_argument_gives_a_clear_error_on_windows(kind, fn, args, code, words):
    out = fn(*args)
    assert isinstance(out, str), f"{kind}: got {out!r}"
    assert out.startswith(code + " ")
    assert words in out
    assert "Traceback" not in out and "\n" not in out


@pytest.mark.parametrize(("kind", "fn", "args", "code", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_argument_under_office_js(monkeypatch, kind, fn, args, code, words):
    from xlwings import XlwingsError

    monkeypatch.setattr(cells, "RUNTIME", "officejs")
    try:
        out = fn(*args)
    except XlwingsError as exc:  # shown as #VALUE! with this message on hover
        assert str(exc).startswith(code + " ") and words in str(exc)
    else:  # a result without a value: the bare code, a real error value in Excel
        assert out == code == "#N/A"


def test_a_bad_value_in_a_range_is_only_that_cells_error():
    out = MLWORTH_COST([[52000.0], ["abc"], [-1.0]], 2)
    assert out[0] == [104000.0]  # 2 × 52,000
    assert out[1][0].startswith("#VALUE! tuition_per_year, value 2: 'abc' is text")
    assert out[2][0].startswith("#NUM! tuition_per_year, value 3: -1 is out of range")


GARBAGE = [
    None,
    "x",
    True,
    [],
    [[]],
    [[None, None], [None]],
    {},
    object(),
    math.nan,
    -1e300,
    "#REF!",
    [["#N/A", 1.0]],
    [[1.0, "a"], [2.0, None]],
    dt.date(2026, 1, 1),
    10**400,
]


@pytest.mark.parametrize("name", udfs.__all__)
def test_no_argument_makes_an_exception_escape(name):
    fn = getattr(udfs, name)
    params = fn.__mlworth_udf__["args"]
    for position in range(len(params)):
        for junk in GARBAGE:
            args = [None] * position + [junk]
            out = fn(*args)  # must not raise
            text = str(out)
            assert "Traceback" not in text
            if isinstance(out, str) and out.startswith("#"):
                assert out.split(" ", 1)[0] in cells.ERROR_VALUES


# One cell is checked by a fast path; it must refuse exactly what fields.check refuses.
EDGES = sorted(
    {
        float(x)
        for f in fields.ALL.values()
        for b in (f.low, f.high)
        if b is not None
        for x in (b, b - 1e-9, b + 1e-9, b * 100, b / 100)
    }
)


@given(
    st.sampled_from([f for f in fields.ALL.values() if f.is_number or f.unit == "bool"]),
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(EDGES),
        st.integers(-100, 100).map(float),
        st.integers(-400, 400).map(lambda i: i / 4),
    ),
)
def test_the_fast_check_of_one_cell_agrees_with_fields_check(field, x):
    assert cells._ok(field, x) == (fields.check(field, [x]) == [])
