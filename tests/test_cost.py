"""Direct cost of attendance: the MLWORTH_COST contract, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from mlworth_xl.model.cost import cost_of_attendance, direct_cost_by_year


def test_two_years_at_cmu_with_big_city_housing():
    # 2 × $52,000 tuition (CMU, as cited) + 24 months × $1,000 housing = 128,000
    assert cost_of_attendance(52_000, 2, living_per_month=1_000) == 128_000


def test_tuition_growth_compounds_from_the_second_year():
    # 40,000 + 42,000 + 44,100 (5% a year)
    assert cost_of_attendance(40_000, 3, tuition_growth=0.05) == pytest.approx(126_100, rel=1e-15)


def test_final_partial_year_pays_its_share_of_that_year():
    # 1.5 years, 5% growth: 40,000 + 0.5 × 42,000 = 61,000; fees prorate too: + 1.5 × 2,000
    got = cost_of_attendance(40_000, 1.5, fees_per_year=2_000, tuition_growth=0.05)
    assert got == pytest.approx(64_000, rel=1e-15)


def test_aid_is_capped_at_each_years_tuition_and_fees():
    # year 1: max(0, 10,000 + 1,000 − 15,000) = 0; relocation still paid once: 3,000
    assert (
        cost_of_attendance(10_000, 1, fees_per_year=1_000, relocation=3_000, aid_per_year=15_000)
        == 3_000
    )
    # aid does not reduce living costs: 12 × 500 = 6,000
    assert cost_of_attendance(10_000, 1, living_per_month=500, aid_per_year=50_000) == 6_000


def test_living_cost_runs_for_the_months_of_study():
    # a three-month bootcamp: 3 × $1,000 of housing
    assert cost_of_attendance(0, 0.25, living_per_month=1_000) == pytest.approx(3_000, rel=1e-15)


def test_vectorized_over_scenarios():
    got = cost_of_attendance(np.array([10_000.0, 20_000.0]), np.array([1.0, 2.5]))
    # 10,000 × 1 and 20,000 × 2.5
    assert got.tolist() == [10_000.0, 50_000.0]


def test_program_price_and_relocation_are_paid_in_year_one():
    by_year = direct_cost_by_year(
        years=0.25,
        tuition_per_year=0,
        program_price=13_500,
        relocation=1_000,
        year=np.array([1.0, 2.0]),
    )
    assert by_year.tolist() == [14_500.0, 0.0]
