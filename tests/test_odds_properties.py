"""Properties of the exact chance of paying back (mlworth_xl.model.odds) under edited inputs.

The workbook's live chance follows an edited tuition or salary median in LibreOffice
(tests/test_odds_sheet.py); these are the same directions held by the model on random
options: a higher cost never raises the chance, a higher pay never lowers it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlworth_xl.model import fields
from mlworth_xl.model.odds import payback_probability
from mlworth_xl.model.risk import Uncertainty
from tests.strategies import money, scenarios, uncertainties

# Each example evaluates two exact odds (a few milliseconds each).
EXAMPLES = 60


def person_of(scenario: dict) -> dict:
    """The person's inputs of a scenario (a person mapping's values override the option's)."""
    return {k: v for k, v in scenario.items() if k in fields.PERSON}


@settings(max_examples=EXAMPLES)
@given(scenario=scenarios(), unc=uncertainties(), low=money, more=st.floats(1_000, 100_000))
def test_more_tuition_never_raises_the_chance(scenario, unc, low, more):
    high = low + more
    uncertainty = Uncertainty(**unc)
    cheap, dear = (
        payback_probability({**scenario, "tuition_per_year": t}, person_of(scenario), uncertainty)
        for t in (low, high)
    )
    assert dear <= cheap + 1e-12


@settings(max_examples=EXAMPLES)
@given(
    scenario=scenarios(),
    unc=uncertainties(),
    low=st.floats(20_000, 250_000),
    more=st.floats(1_000, 50_000),
)
def test_a_higher_salary_median_never_lowers_the_chance(scenario, unc, low, more):
    high = low + more
    chances = [
        payback_probability(scenario, person_of(scenario), Uncertainty(**unc, salary_median=m))
        for m in (low, high)
    ]
    assert chances[0] <= chances[1] + 1e-12
