"""No argument Excel can send makes an ``MLWORTH_*`` function raise: it returns a value or an error.

Excel sends numbers as floats, empty cells as None, TRUE/FALSE as bools,
text as str, error cells as their code (``"#N/A"``) and ranges as lists of
lists of those.  Hypothesis draws any of them, of any size up to a small
range, for every argument of every function.  (The table of mistakes with
their exact messages is tests/test_udfs_errors.py; the model and API have
the same property in tests/test_robustness.py.)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlworth_xl import udfs
from mlworth_xl.excel import cells

one_cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e4, 1e6),
    st.sampled_from([0.0, 1.0, 2.0, 0.05, 7.94, 30.0, 52000.0, 120883.0, -1.0, 1e12, 1e308]),
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "#N/A",
            "#DIV/0!",
            "#REF!",
            "7.94%",
            "$52,000",
            "TRUE",
            "",
            " ",
            "nan",
            "years",
            "tuition_per_year",
            "salary_after",
            "name",
            "salary.ml_engineer",
            "standard",
            "rap",
            "Option",
        ]
    ),
)


def rows(cells: st.SearchStrategy) -> st.SearchStrategy:
    """A range: a list of rows (ragged or empty too, which Excel never sends but Lite might)."""
    return st.lists(st.lists(cells, min_size=0, max_size=4), min_size=0, max_size=4)


excel_value = st.one_of(one_cell, rows(one_cell))

#: Monte Carlo functions draw this many samples at most here, so the test stays quick.
_SMALL = {
    "draws": st.one_of(st.none(), st.sampled_from([1.0, 10.0, 100.0, -5.0, math.nan, "many", 0.5]))
}


def _check(out: object) -> None:
    values = out if isinstance(out, list) else [[out]]
    for row in values:
        for v in row if isinstance(row, list) else [row]:
            assert v is None or isinstance(v, bool | int | float | str), repr(v)
            if isinstance(v, str) and v.startswith("#") and " " in v:
                assert v.split(" ", 1)[0] in cells.ERROR_VALUES, v
            assert "Traceback" not in str(v)


@pytest.mark.parametrize("name", udfs.__all__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_excel_input_makes_a_function_raise(name, data):
    fn = getattr(udfs, name)
    params = [getattr(a, "name", a) for a in fn.__mlworth_udf__["args"]]
    count = data.draw(st.integers(0, len(params) + 1), label="arguments")
    args = [
        data.draw(
            _SMALL.get(p, excel_value) if i < len(params) else excel_value,
            label=p if i < len(params) else "extra",
        )
        for i, p in enumerate([*params, "extra"][:count])
    ]
    _check(fn(*args))  # any exception fails the test


@settings(max_examples=200, deadline=None)
@given(x=one_cell)
def test_one_cell_of_any_kind_for_a_number(x):
    out = udfs.MLWORTH_COST(x, 2.0)
    _check(out)
    if isinstance(out, str):
        assert out.split(" ", 1)[0] in cells.ERROR_VALUES
