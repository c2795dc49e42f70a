"""No input makes the model or the API raise anything but the documented InputError."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlworth_xl import InputError, Program, compare
from mlworth_xl.model import evaluate, fields

anything = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["7.94%", "$52,000", "", "TRUE", "1e400", "-0", "nan"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.dictionaries(st.sampled_from(fields.NUMERIC_INPUTS), anything, max_size=8))
def test_evaluate_raises_only_input_errors(values):
    base = {"years": 2, "tuition_per_year": 1000, "salary_after": 90_000}
    try:
        out = evaluate({**base, **values})
    except InputError as exc:
        assert exc.problems and all(p.field for p in exc.problems)
        return
    for name, array in out.as_dict().items():
        assert array.shape == (1,), name
        if name in ("payback_years", "discounted_payback_years", "irr", "roi", "break_even_salary"):
            continue  # nan is a documented result for these (never / none / undefined)
        assert np.isfinite(array).all(), name


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.dictionaries(
        st.sampled_from([f.name for f in fields.PROGRAM_FIELDS]), anything, max_size=6
    )
)
def test_compare_with_program_dicts_raises_only_input_errors(values):
    entry = {"name": "X", "years": 1, "tuition_per_year": 0, "salary_after": 90_000, **values}
    try:
        frame = compare([entry])
    except InputError as exc:
        assert all(p.field for p in exc.problems)
        return
    assert len(frame) == 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    person=st.dictionaries(
        st.sampled_from([f.name for f in fields.PERSON_FIELDS]), anything, max_size=4
    )
)
def test_compare_with_person_dicts_raises_only_input_errors(person):
    try:
        compare(None, person)
    except InputError:
        return


def test_extreme_but_allowed_values_give_finite_costs():
    program = Program(
        "Extreme",
        years=10,
        tuition_per_year=500_000,
        salary_after=10_000_000,
        tuition_growth=0.3,
        loan_share=1,
        loan_apr=0.4,
        loan_term_years=30,
        grace_months=36,
        months_to_job=120,
    )
    frame = compare([program], {"horizon_years": 80, "salary_growth": 0.3})
    assert math.isfinite(frame["Total cost"][0])
