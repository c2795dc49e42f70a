"""Shared hypothesis strategies: valid model inputs, drawn inside the fields' ranges."""

from __future__ import annotations

from hypothesis import strategies as st

money = st.floats(0, 200_000, allow_nan=False, allow_infinity=False)
rate = st.floats(0, 0.3, allow_nan=False)
growth = st.floats(-0.05, 0.08, allow_nan=False)
share = st.floats(0, 1, allow_nan=False)


@st.composite
def programs(draw: st.DrawFn) -> dict[str, float]:
    """One option's inputs (numeric fields of mlworth_xl.model.fields.PROGRAM_FIELDS)."""
    return {
        "years": draw(st.sampled_from([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0])),
        "tuition_per_year": draw(money),
        "tuition_growth": draw(st.floats(0, 0.1)),
        "program_price": draw(st.floats(0, 20_000)),
        "fees_per_year": draw(st.floats(0, 5_000)),
        "books_per_year": draw(st.floats(0, 3_000)),
        "living_per_month": draw(st.floats(0, 3_000)),
        "caregiving_per_month": draw(st.floats(0, 1_000)),
        "travel_per_year": draw(st.floats(0, 5_000)),
        "relocation": draw(st.floats(0, 10_000)),
        "aid_per_year": draw(st.floats(0, 30_000)),
        "employer_assistance_per_year": draw(st.floats(0, 5_250)),
        "work_fraction": draw(share),
        "loan_share": draw(share),
        "loan_apr": draw(st.floats(0, 0.15)),
        "loan_fee": draw(st.floats(0, 0.05)),
        "loan_term_years": draw(st.integers(1, 30)),
        "grace_months": draw(st.integers(0, 12)),
        "capitalize_interest": draw(st.booleans()),
        "salary_after": draw(st.floats(20_000, 300_000)),
        "salary_growth_after": draw(growth),
        "placement_prob": draw(share),
        "months_to_job": draw(st.floats(0, 24)),
    }


@st.composite
def persons(draw: st.DrawFn) -> dict[str, float]:
    """A person's inputs (mlworth_xl.model.fields.PERSON_FIELDS)."""
    return {
        "salary": draw(st.floats(0, 200_000)),
        "salary_growth": draw(growth),
        "tax_rate": draw(st.floats(0, 0.5)),
        "discount_rate": draw(st.floats(0, 0.1)),
        "horizon_years": draw(st.integers(5, 60)),
        "target_payback_years": draw(st.floats(1, 30)),
        "savings": draw(st.floats(0, 100_000)),
    }


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, float]:
    """An option for a person whose horizon covers the study."""
    scenario = {**draw(programs()), **draw(persons())}
    scenario["horizon_years"] = max(scenario["horizon_years"], int(scenario["years"]) + 1)
    return scenario


@st.composite
def uncertainties(draw: st.DrawFn) -> dict[str, object]:
    """Arguments of mlworth_xl.model.risk.Uncertainty, inside their allowed ranges."""
    return {
        "completion_prob": draw(share),
        "salary_sigma": draw(st.floats(0, 1.2)),
        "job_search": draw(st.sampled_from(["geometric", "fixed"])),
        "random_placement": draw(st.booleans()),
    }
