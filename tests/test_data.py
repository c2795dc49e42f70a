"""The embedded defaults: every figure sourced and dated, the default comparison built from them."""

from __future__ import annotations

import pytest

from mlworth_xl.model import data, fields
from mlworth_xl.model.records import Person, Programs

# The figures of the two tables of docs/design.md (Default data), as it gives them.
DESIGN_FIGURES = {
    "salary.ml_engineer": 120_883,
    "salary.data_scientist": 139_202,
    "salary.data_engineer": 112_896,
    "salary.software_engineer": 122_400,
    "salary.ml_engineer_range_low": 72_600,
    "salary.ml_engineer_range_high": 170_000,
    "salary.us_average_2021": 58_260,
    "tuition.public_in_state_grad": 12_171,
    "tuition.private_nonprofit_grad": 27_776,
    "tuition.cmu_ml_masters": 52_000,
    "living.big_city_housing_per_month": 1_000,
    "duration.masters_full_time": 2,
    "loan.direct_unsub_grad_2025_26.rate": 0.0794,
    "loan.direct_unsub_grad_2025_26.fee": 0.01057,
    "loan.grad_plus_2025_26.rate": 0.0894,
    "loan.grad_plus_2025_26.fee": 0.04228,
    "loan.direct_unsub_grad_2026_27.rate": 0.0807,
    "loan.grace_months": 6,
    "law.grad_annual_limit": 20_500,
    "law.grad_aggregate_limit": 100_000,
    "law.professional_annual_limit": 50_000,
    "law.professional_aggregate_limit": 200_000,
    "law.lifetime_limit": 257_500,
    "plan.rap_minimum_yearly_low_agi": 120,
    "plan.rap_dependent_reduction_per_month": 50,
    "plan.rap_minimum_monthly": 10,
    "plan.rap_min_principal_reduction": 50,
    "plan.rap_forgiveness_payments": 360,
    "tax.employer_assistance_tax_free": 5_250,
    "tax.student_loan_interest_deduction_max": 2_500,
    "salary.data_scientists_median": 112_590,
    "salary.data_scientists_p10": 63_650,
    "salary.data_scientists_p90": 194_410,
    "salary.software_developers_median": 133_080,
    "salary.software_developers_p10": 79_850,
    "salary.software_developers_p90": 211_450,
    "bootcamp.price_full_time": 13_500,
    "bootcamp.price_part_time": 7_500,
    "practice.discount_rate": 0.03,
    "practice.horizon_years": 40,
}


@pytest.mark.parametrize(("key", "value"), DESIGN_FIGURES.items())
def test_design_figures_are_embedded_with_their_values(key, value):
    assert data.figure(key).value == value


@pytest.mark.parametrize("figure", data.figures().values(), ids=lambda f: f.key)
def test_every_figure_has_source_date_and_kind(figure):
    assert figure.source.strip() and figure.label.strip()
    assert figure.as_of[:4].isdigit()
    assert figure.kind in data.KINDS
    # an assumption says so in its source; a sourced figure never pretends to be one
    assert (figure.kind == "assumption") == (figure.source == "Illustrative assumption")


def test_derived_rate_is_marked_derived_with_how():
    f = data.figure("loan.direct_unsub_grad_2026_27.rate")
    assert f.kind == "derived" and "4.47% + 3.60" in f.source


def test_default_comparison_uses_only_figures_or_structural_literals():
    for entry in data.default_program_entries():
        for key, value in entry.items():
            if key in ("name", "kind"):
                continue
            assert value in data.figures() or value in (0, 1, True, False), (entry["name"], key)


def test_default_comparison_has_the_seven_kinds_of_option():
    table = Programs.default()
    assert len(table) >= 7
    names = " ".join(table.names).lower()
    for word in (
        "carnegie mellon",
        "private non-profit",
        "public in-state",
        "online",
        "hybrid",
        "bootcamp",
        "self-study",
    ):
        assert word in names
    # CMU at the tuition the seed cites; the person at the BLS May 2024 average wage, or
    # at the 2021 average the guide cites under the article preset
    assert table.columns["tuition_per_year"][0] == 52_000
    assert Person.default().salary == 67_920
    assert Person.default("article").salary == 58_260


def test_field_defaults_that_name_figures_resolve():
    for f in (*fields.PROGRAM_FIELDS, *fields.PERSON_FIELDS):
        if isinstance(f.default, str) and f.unit != "text":
            assert f.default in data.figures(), f.name


def test_unknown_figure_suggests_close_keys():
    with pytest.raises(data.InputError, match="did you mean salary.ml_engineer"):
        data.figure("salary.ml_enginer")
