"""Properties of the exact chance of paying back (mlworth_xl.model.odds) under edited inputs.

The workbook's live chance follows an edited tuition or salary median in LibreOffice
(tests/test_odds_sheet.py); these are the same directions held by the model on random
options: a higher cost never raises the chance, a higher pay never lowers it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlworth_xl.model.odds import payback_probability
from mlworth_xl.model.risk import Uncertainty
from tests.strategies import money, scenarios, uncertainties

# Each example evaluates two exact odds (a few milliseconds each).
EXAMPLES = 60


@settings(max_examples=EXAMPLES)
@given(scenario=scenarios(), unc=uncertainties(), a=money, b=money)
def test_more_tuition_never_raises_the_chance(scenario, unc, a, b):
    low, high = sorted((a, b))
    uncertainty = Uncertainty(**unc)
    cheap, dear = (
        payback_probability({**scenario, "tuition_per_year": t}, scenario, uncertainty)
        for t in (low, high)
    )
    assert dear <= cheap + 1e-12


@settings(max_examples=EXAMPLES)
@given(
    scenario=scenarios(),
    unc=uncertainties(),
    a=st.floats(20_000, 300_000),
    b=st.floats(20_000, 300_000),
)
def test_a_higher_salary_median_never_lowers_the_chance(scenario, unc, a, b):
    low, high = sorted((a, b))
    chances = [
        payback_probability(scenario, scenario, Uncertainty(**unc, salary_median=m))
        for m in (low, high)
    ]
    assert chances[0] <= chances[1] + 1e-12
