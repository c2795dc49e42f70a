"""The role table: what graduates become and what it does to the answer.

Expected numbers come from closed forms written here: the weighted median
salary, the lognormal mixture's mean ``Σ w_k m_k exp(σ_k² / 2)`` and its tail
``Σ w_k ½ erfc(ln(s / m_k) / (σ_k √2))``, and from the Monte Carlo layer
within its stated sampling error.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlworth_xl.model import InputError, data, evaluate, fields
from mlworth_xl.model.distributions import Lognormal, SalaryMix
from mlworth_xl.model.odds import odds
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.model.risk import simulate
from mlworth_xl.model.roles import Role, Roles, salary_after, salary_mix
from mlworth_xl.model.uncertainty import Uncertainty

PERSON = Person.default()
CMU = Programs.default().records()[0]
NO_SHARES = {n: 0.0 for n in fields.SHARE_FIELDS}


def test_every_role_has_sourced_pay_and_every_master_s_option_shares_that_add_up_to_1():
    table = Roles.default()
    assert [r.key for r in table.roles] == list(fields.ROLE_LABELS)
    for role in table.roles:
        for key in role.sources:
            fig = data.figure(key)
            assert fig.kind in ("sourced", "derived") and fig.source and fig.as_of, key
        assert role.p10 <= role.median <= role.p90
    for p in Programs.default().records():
        total = sum(getattr(p, n) for n in fields.SHARE_FIELDS)
        assert (
            total == pytest.approx(1.0)
            if p.kind in ("masters", "online", "hybrid")
            else (total == 0.0)
        )


def test_the_article_preset_pays_the_roles_the_salary_com_averages():
    table = Roles.default("article")
    assert table.get("data_scientist").median == data.figure("salary.data_scientist").value
    assert table.get("ml_engineer").median == data.figure("salary.ml_engineer").value
    # the spread stays the BLS one (it does not depend on the median)
    assert table.get("data_scientist").sigma == Roles.default().get("data_scientist").sigma


def test_the_deterministic_salary_is_the_shares_weighted_median():
    table = Roles.default()
    want = (
        0.25 * table.get("ml_engineer").median
        + 0.5 * table.get("data_scientist").median
        + 0.25 * table.get("software_engineer").median
    )
    shares = {
        "share_ml_engineer": 0.25,
        "share_data_scientist": 0.5,
        "share_software_engineer": 0.25,
    }
    got = salary_after({"salary_after": 90_000, **shares}, table)
    assert float(got[0]) == pytest.approx(want, rel=1e-15)
    # no role shares: the option's own salary after
    assert float(salary_after({"salary_after": 90_000, **NO_SHARES}, table)[0]) == 90_000
    # and the model evaluates exactly that salary
    base = {
        "years": 1,
        "tuition_per_year": 20_000,
        "salary": 60_000,
        "tax_rate": 0,
        "discount_rate": 0,
        "savings": 0,
    }
    with_roles = evaluate({**base, "salary_after": 90_000, **shares})
    plain = evaluate({**base, "salary_after": want})
    assert with_roles.npv[0] == pytest.approx(plain.npv[0], rel=1e-12)
    assert with_roles.payback_years[0] == pytest.approx(plain.payback_years[0], rel=1e-12)


def test_the_salary_mixture_has_the_closed_form_mean_and_tail():
    table = Roles.default()
    values = {**NO_SHARES, "share_ml_engineer": 0.6, "share_doctoral_student": 0.1}
    own = Lognormal(100_000, 0.3)
    mix = salary_mix(values, own, table)
    assert isinstance(mix, SalaryMix)
    parts = [
        (0.3, own),
        (0.6, table.get("ml_engineer").salary()),
        (0.1, table.get("doctoral_student").salary()),
    ]
    mean = sum(w * p.median * math.exp(p.sigma**2 / 2) for w, p in parts)
    assert mix.mean == pytest.approx(mean, rel=1e-14)
    s = 120_000.0

    def tail(p: Lognormal) -> float:
        if p.sigma == 0:
            return float(p.median >= s)
        return 0.5 * math.erfc(math.log(s / p.median) / (p.sigma * math.sqrt(2)))

    assert float(mix.at_least([s])[0]) == pytest.approx(
        sum(w * tail(p) for w, p in parts), rel=1e-14
    )
    # drawn: each part as often as its weight (4 standard errors at 200,000 draws)
    rng = np.random.default_rng(7)
    n = 200_000
    drawn = mix.draw(rng.random(n), rng.standard_normal(n))
    stipend = table.get("doctoral_student").median
    share = float(np.mean(drawn == stipend))
    assert abs(share - 0.1) <= 4 * math.sqrt(0.1 * 0.9 / n)


def test_the_exact_odds_of_a_master_s_with_roles_equal_the_simulation():
    # 100,000 draws: the chance within 4 standard errors, the mean NPV within 4 of its own
    exact = odds(CMU, PERSON)
    sim = simulate(CMU, PERSON, draws=100_000)
    p = exact.payback_probability
    assert abs(sim.payback_probability() - p) <= 4 * math.sqrt(p * (1 - p) / sim.draws)
    assert abs(sim.mean_npv - exact.expected_npv) <= 4 * float(np.std(sim.npv)) / math.sqrt(
        sim.draws
    )


def test_drawing_no_role_is_one_salary_at_the_weighted_median():
    unc = Uncertainty.for_kind(
        "masters",
        random_role=False,
        salary_sigma=0.0,
        random_placement=False,
        completion_prob=1.0,
        job_search="fixed",
    )
    result = simulate(CMU, PERSON, unc, draws=500)
    deterministic = evaluate({**Programs.from_records([CMU]).inputs(PERSON)})
    np.testing.assert_allclose(result.npv, deterministic.npv[0], rtol=1e-12)


def _with_shares(weights: list[float]) -> Program:
    return dataclasses.replace(CMU, **dict(zip(fields.SHARE_FIELDS, weights, strict=True)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weights=st.lists(st.floats(0, 1), min_size=5, max_size=5).filter(lambda w: sum(w) > 0),
    move=st.floats(0.01, 1.0),
)
def test_moving_shares_to_a_better_paid_role_never_lowers_the_expected_npv(weights, move):
    w = [x / sum(weights) for x in weights]
    table = Roles.default()
    by_pay = sorted(range(5), key=lambda k: table.roles[k].salary().mean)
    low, high = by_pay[0], by_pay[-1]
    moved = list(w)
    amount = move * moved[low]
    moved[low] -= amount
    moved[high] += amount
    before = odds(_with_shares(w), PERSON, quantiles=False).expected_npv
    after = odds(_with_shares(moved), PERSON, quantiles=False).expected_npv
    assert after >= before - 1e-9 * abs(before)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=st.floats(0.05, 0.95), p=st.floats(0.05, 0.95), up=st.floats(0.0, 0.5))
def test_a_higher_completion_or_placement_never_lowers_the_chance(c, p, up):
    record = dataclasses.replace(CMU, placement_prob=p)
    unc = Uncertainty.for_kind("masters", completion_prob=c)
    base = odds(record, PERSON, unc, quantiles=False).payback_probability
    more_done = odds(
        record, PERSON, unc.replace(completion_prob=min(1.0, c + up)), quantiles=False
    ).payback_probability
    more_placed = odds(
        dataclasses.replace(record, placement_prob=min(1.0, p + up)), PERSON, unc, quantiles=False
    ).payback_probability
    assert more_done >= base - 1e-12 and more_placed >= base - 1e-12


def test_bad_shares_and_unknown_roles_name_the_field_and_what_is_allowed():
    allowed = "allowed: role shares that add up to 1, or all 0"
    with pytest.raises(InputError, match=rf"role shares: add up to 1\.2 .*{allowed}"):
        Program("x", 1, 1000, 90_000, share_data_scientist=0.7, share_ml_engineer=0.5)
    with pytest.raises(InputError, match=rf"role shares: add up to 0\.7 .*{allowed}"):
        Program("x", 1, 1000, 90_000, share_data_scientist=0.7)
    with pytest.raises(InputError, match=r"share_data_scientist: -0\.1 is out of range"):
        Program("x", 1, 1000, 90_000, share_data_scientist=-0.1)
    with pytest.raises(InputError, match=r"'astronaut' is not a role; roles are: ml_engineer"):
        Program.from_mapping(
            {
                "name": "x",
                "years": 1,
                "tuition_per_year": 1,
                "salary_after": 1,
                "share_astronaut": 0.2,
            }
        )
    with pytest.raises(InputError, match=r"role shares: add up to 1\.5"):
        evaluate(
            years=1,
            tuition_per_year=1,
            salary_after=1,
            share_data_engineer=1.0,
            share_software_engineer=0.5,
        )
    with pytest.raises(InputError, match="'astronaut' is not a role"):
        Roles.from_rows({"astronaut": {"median": 1}})
    with pytest.raises(InputError, match="the pay must rise"):
        Role("data_scientist", "Data scientist", 100_000, 120_000, 150_000)


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("share_data_scientist", "150", "share_data_scientist: 150 is out of range"),
        ("share_data_scientist", "-0.2", "share_data_scientist: -0.2 is out of range"),
        ("share_astronaut", "0.2", "'astronaut' is not a role; roles are: ml_engineer"),
    ],
)
def test_every_face_refuses_bad_shares_with_the_field(tmp_path, column, value, message):
    from click.testing import CliRunner

    from mlworth_xl import udfs
    from mlworth_xl.cli import main

    path = tmp_path / "programs.csv"
    path.write_text(f"name,years,tuition_per_year,salary_after,{column}\nA,1,1000,90000,{value}\n")
    result = CliRunner().invoke(main, ["compare", "--programs", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    cell = udfs.MLWORTH_EVALUATE(
        [["years", 1], ["tuition_per_year", 1000], ["salary_after", 90000], [column, float(value)]]
    )
    assert isinstance(cell, str) and cell.startswith("#") and message.split(": ", 1)[-1] in cell


@pytest.mark.parametrize(("ml_engineer", "total"), [(0.5, "1.2"), (0.1, "0.8"), ("", "0.7")])
def test_shares_that_do_not_add_up_to_1_are_refused_by_every_face(tmp_path, ml_engineer, total):
    # all 0 or adding up to 1: anything else is refused, naming the row and what is allowed
    from click.testing import CliRunner

    from mlworth_xl import api, udfs
    from mlworth_xl.cli import main

    allowed = "allowed: role shares that add up to 1, or all 0"
    path = tmp_path / "programs.csv"
    path.write_text(
        "name,years,tuition_per_year,salary_after,share_data_scientist,"
        f"share_ml_engineer\nA,1,1000,90000,0.7,{ml_engineer}\n"
    )
    result = CliRunner().invoke(main, ["compare", "--programs", str(path)])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert f"row 2: role shares: add up to {total} " in line and allowed in line
    with pytest.raises(InputError, match=f"role shares: add up to {total} .*{allowed}"):
        api.compare(path)
    rows = [["years", 1], ["tuition_per_year", 1000], ["salary_after", 90000]]
    rows += [["share_data_scientist", 0.7]]
    rows += [["share_ml_engineer", ml_engineer]] if ml_engineer != "" else []
    cell = udfs.MLWORTH_EVALUATE(rows)
    assert cell.startswith("#NUM!") and f"role shares: add up to {total}" in cell
    assert allowed in cell
    header = ["name", "years", "tuition_per_year", "salary_after", "share_data_scientist"]
    table = [header + ["share_ml_engineer"], ["A", 1, 1000, 90000, 0.7, ml_engineer or None]]
    cell = udfs.MLWORTH_COMPARE(table)
    assert f"role shares: add up to {total}" in str(cell) and allowed in str(cell)


def test_shares_that_add_up_to_1_or_are_all_0_are_allowed():
    for shares in (
        {},
        NO_SHARES,
        {"share_ml_engineer": 1.0},
        {"share_ml_engineer": 1 / 3, "share_data_scientist": 1 / 3, "share_data_engineer": 1 / 3},
    ):
        Program("x", 1, 1000, 90_000, **shares)


def test_a_programs_file_carries_the_uncertainty_inputs_and_the_template_the_defaults(tmp_path):
    from mlworth_xl import api
    from mlworth_xl.inputs import read_programs
    from mlworth_xl.model.odds import odds_programs

    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    template = read_programs(root / "templates" / "programs.csv")
    assert template.uncertainties == [Uncertainty.for_kind(k) for k in template.kinds]
    path = tmp_path / "programs.csv"
    path.write_text(
        "name,years,tuition_per_year,salary_after,kind,Completion probability,"
        "job_search\nA,2,30000,100000,masters,50%,fixed\n"
    )
    given = Uncertainty.for_kind("masters", completion_prob=0.5, job_search="fixed")
    table = read_programs(path)
    assert table.uncertainties == [given]
    want = odds_programs(table, PERSON, [given])[0].payback_probability
    assert api.compare(path)["Chance of paying back within target"][0] == pytest.approx(
        want, rel=1e-15
    )
    assert want != odds_programs(table, PERSON, None)[0].payback_probability
