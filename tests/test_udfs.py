"""The MLWORTH_* functions, called with exactly what Excel sends through xlwings.

Arguments are registered with ``ndim=2``, so xlwings passes one cell as
``[[x]]``, a column as ``[[a], [b]]``, a row as ``[[a, b]]`` and an empty cell
as ``None``; omitted arguments arrive as the Python default.  Every expected
number says where it comes from: a closed form, numpy-financial, or a worked
example.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest

from mlworth_xl import api
from mlworth_xl.excel import cells
from mlworth_xl.model import data, fields, quick
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
    MLWORTH_RAP_PAYMENT,
    MLWORTH_ROI,
    MLWORTH_SOURCE,
)

ROOT = Path(__file__).resolve().parents[1]


def cell(x):
    """One cell as xlwings passes it with ndim=2."""
    return [[x]]


def column(values):
    return [[float(v)] for v in values]


# --- MLWORTH_COST --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Carnegie Mellon: 2 × 52,000 tuition + 2 × 12 × 1,000 housing (closed form)
        ((52000, 2, 0, 1000), 2 * 52000 + 2 * 12 * 1000),
        # defaults: 2 years, no fees, living, relocation, aid or growth: 2 × 52,000
        ((52000,), 2 * 52000),
        # 1.5 years, tuition +5% in the second year: 40,000 + 0.5 × 42,000 (closed form)
        ((40000, 1.5, 0, 0, 0, 0, 0.05), 40000 + 0.5 * 40000 * 1.05),
        # aid capped at tuition + fees: max(0, 10,000 + 1,000 − 20,000) = 0 a year; then
        # living 2 × 12 × 500 and relocation 3,000 (closed form)
        ((10000, 2, 1000, 500, 3000, 20000), 2 * 12 * 500 + 3000),
        # every argument; year k costs 30,000 × 1.04^k + 2,000 − 5,000, the last half year half of
        # it, plus 2.5 × 12 × 800 living and 4,000 relocation (closed form)
        (
            (30000, 2.5, 2000, 800, 4000, 5000, 0.04),
            (30000 + 2000 - 5000)
            + (30000 * 1.04 + 2000 - 5000)
            + 0.5 * (30000 * 1.04**2 + 2000 - 5000)
            + 2.5 * 12 * 800
            + 4000,
        ),
    ],
)
def test_cost_matches_closed_form(args, expected):
    assert MLWORTH_COST(*args) == pytest.approx(expected, rel=1e-12)
    assert MLWORTH_COST(*(cell(float(a)) for a in args)) == pytest.approx(expected, rel=1e-12)


def test_cost_empty_cells_take_the_defaults():
    # empty years/fees/living cells: the defaults 2, 0, 0 → 2 × 52,000 (closed form)
    assert MLWORTH_COST(cell(52000.0), cell(None), None, cell(None)) == 104000.0


# --- MLWORTH_LOAN_PAYMENT / MLWORTH_LOAN_INTEREST --------------------------------------------

LOANS = [
    # principal, apr, term, deferment months, capitalize
    (41000, 0.0794, 10, 0, True),
    (41000, 0.0794, 10, 30, True),  # two years of school + six months of grace
    (41000, 0.0794, 10, 30, False),
    (20500, 0.0894, 25, 6, True),
    (12000, 0.0, 1, 12, True),
]


def balance_at_repayment(p, apr, months, cap):
    """Principal plus the simple interest of the deferment if capitalized (issue's definition)."""
    return p * (1 + apr * months / 12) if cap else p


@pytest.mark.parametrize("loan", LOANS)
def test_loan_payment_matches_numpy_financial(loan):
    p, apr, term, months, cap = loan
    balance = balance_at_repayment(p, apr, months, cap)
    # numpy-financial's PMT over 12 × term months at apr / 12 (payments are negative there);
    # a zero rate repays balance / months (closed form)
    expected = -npf.pmt(apr / 12, 12 * term, balance) if apr else balance / (12 * term)
    assert MLWORTH_LOAN_PAYMENT(*loan) == pytest.approx(expected, rel=1e-12)


def test_loan_payment_numpy_financial_docs_example():
    # numpy-financial's docs: $200,000 over 15 years at 7.5% → npf.pmt = -1854.0247200054619
    assert MLWORTH_LOAN_PAYMENT(cell(200000.0), cell(0.075), cell(15.0)) == pytest.approx(
        1854.0247200054619, rel=1e-12
    )


@pytest.mark.parametrize("loan", LOANS)
def test_loan_interest_is_everything_paid_minus_principal(loan):
    p, apr, term, months, cap = loan
    balance = balance_at_repayment(p, apr, months, cap)
    n = 12 * term
    payment = -npf.pmt(apr / 12, n, balance) if apr else balance / n
    # capitalize FALSE: the deferment interest p × apr × months / 12 is paid as it accrues
    paid_in_deferment = 0 if cap else p * apr * months / 12
    expected = n * payment + paid_in_deferment - p
    assert MLWORTH_LOAN_INTEREST(*loan) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    if apr:  # identity: the interest parts of the payments (numpy-financial IPMT) sum the same
        ipmt = -npf.ipmt(apr / 12, np.arange(1, n + 1), n, balance).sum()
        assert MLWORTH_LOAN_INTEREST(*loan) == pytest.approx(
            ipmt + (balance - p) + paid_in_deferment, rel=1e-9
        )


def test_capitalizing_costs_more_interest():
    # capitalized deferment interest earns interest itself, so the total is higher
    assert MLWORTH_LOAN_INTEREST(41000, 0.0794, 10, 30, True) > MLWORTH_LOAN_INTEREST(
        41000, 0.0794, 10, 30, False
    )


# --- MLWORTH_PAYBACK ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "before", "after"),
    [(180000, 60000, 100000), (329943.9, 58260, 120883), (1, 0, 3), (0, 50000, 60000)],
)
def test_payback_without_growth_tax_or_discount_is_cost_over_raise(cost, before, after):
    # the issue: with no growth, tax or discounting it equals total_cost / (after − before)
    assert MLWORTH_PAYBACK(cost, before, after, 0, 0, 0) == pytest.approx(
        cost / (after - before), rel=1e-12
    )


def test_payback_takes_the_default_person_s_tax_rate():
    # left out, the tax rate is the data's 25% (never a flattering 0): 180,000 / (40,000 × 0.75)
    # = 6 years (closed form)
    assert MLWORTH_PAYBACK(180000, 60000, 100000) == pytest.approx(6.0)


def test_payback_with_tax():
    # 180,000 / (40,000 × (1 − 0.25)) = 6 years (closed form)
    assert MLWORTH_PAYBACK(180000, 60000, 100000, 0.25) == pytest.approx(6.0)


def test_payback_discounted_matches_numpy_financial_npv():
    # 30,000 a year discounted at 5%: cumulative to year k is npf.npv(0.05, [0] + [30,000] × k);
    # the crossing year is interpolated linearly (issue's definition)
    cum = [npf.npv(0.05, [0] + [30000] * k) for k in range(6)]
    k = next(i for i, c in enumerate(cum) if c >= 100000)
    expected = (k - 1) + (100000 - cum[k - 1]) / (cum[k] - cum[k - 1])
    assert MLWORTH_PAYBACK(100000, 60000, 90000, 0, 0, 0, 0.05) == pytest.approx(
        expected, rel=1e-12
    )


def test_payback_with_growth():
    # year k gains 100,000 × 1.03^(k−1) − 60,000 × 1.01^(k−1) (issue's definition), summed by hand
    flows = [100000 * 1.03**k - 60000 * 1.01**k for k in range(10)]
    cum = np.concatenate(([0.0], np.cumsum(flows)))
    k = int(np.argmax(cum >= 200000))
    expected = (k - 1) + (200000 - cum[k - 1]) / flows[k - 1]
    assert MLWORTH_PAYBACK(200000, 60000, 100000, 0, 0.01, 0.03) == pytest.approx(
        expected, rel=1e-12
    )


def test_never_pays_back_is_na_with_the_reason():
    # 1,000 a year for 40 years is 40,000 < 500,000
    assert MLWORTH_PAYBACK(500000, 60000, 61000, 0, 0, 0) == "#N/A never pays back within 40 years"
    assert MLWORTH_PAYBACK(50000, 60000, 61000, 0, 0, 0, 0, 10) == (
        "#N/A never pays back within 10 years"
    )


def test_payback_with_no_arguments_answers_the_documented_default_scenario():
    ds = quick.default_scenario()
    # the documented defaults: salary before $67,920 (BLS May 2024); a placed graduate of the
    # Carnegie Mellon option is paid its roles at their BLS medians: 0.35 × 140,910
    # + 0.25 × 112,590 + 0.10 × 135,980 + 0.25 × 133,080 + 0.05 × 37,000 = 126,184, and is
    # placed with the chance 0.9 (its placement_prob), else keeps 67,920
    placed = 0.35 * 140910 + 0.25 * 112590 + 0.10 * 135980 + 0.25 * 133080 + 0.05 * 37000
    after = 67920 + 0.9 * (placed - 67920)
    assert (ds["salary_before"], ds["salary_after"]) == (67920, pytest.approx(after, rel=1e-12))
    # the default person's 25% tax, no growth or discounting: cost / (0.75 × raise), closed form
    expected = ds["total_cost"] / (0.75 * (after - 67920))
    assert MLWORTH_PAYBACK() == pytest.approx(expected, rel=1e-12)
    assert MLWORTH_PAYBACK(cell(None), cell(None), cell(None)) == pytest.approx(expected)
    assert MLWORTH_PAYBACK(*[cell(None)] * 8) == pytest.approx(expected)


# --- Ranges: one call, one result per row ------------------------------------------------------


def test_ten_thousand_scenarios_in_one_model_call(monkeypatch):
    calls = []
    real = quick.payback_after_job
    monkeypatch.setattr(quick, "payback_after_job", lambda *a: calls.append(1) or real(*a))
    rng = np.random.default_rng(7)
    cost = rng.uniform(10000, 300000, 10000)
    before = rng.uniform(30000, 80000, 10000)
    after = before + rng.uniform(10000, 90000, 10000)
    out = MLWORTH_PAYBACK(column(cost), column(before), column(after), 0, 0, 0)
    assert len(calls) == 1
    assert len(out) == 10000 and all(len(r) == 1 for r in out)
    # no growth, tax or discounting: cost / raise, row by row (closed form)
    np.testing.assert_allclose([r[0] for r in out], cost / (after - before), rtol=1e-12)


def test_a_row_gives_a_row_and_scalars_broadcast():
    # 2 × 52,000 + 2 × 12 × L for L = 0, 500, 1,000 (closed form)
    assert MLWORTH_COST(52000, 2, 0, [[0.0, 500.0, 1000.0]]) == [[104000.0, 116000.0, 128000.0]]
    # each principal at 6% over 1 year: numpy-financial PMT
    out = MLWORTH_LOAN_PAYMENT(column([1200, 2400]), cell(0.06), cell(1.0))
    assert [r[0] for r in out] == pytest.approx(
        [-npf.pmt(0.005, 12, 1200), -npf.pmt(0.005, 12, 2400)]
    )


def test_empty_cells_in_a_range_take_the_default():
    # years empty in row 2: the default 2 years → 2 × 52,000 (closed form)
    assert MLWORTH_COST(52000, [[1.0], [None]]) == [[52000.0], [104000.0]]


def test_a_bad_row_is_an_error_and_the_others_still_compute():
    out = MLWORTH_LOAN_PAYMENT(column([1200, 1200, 1200]), [[0.06], [7.94], ["x"]], 1)
    assert out[0][0] == pytest.approx(-npf.pmt(0.005, 12, 1200))
    assert out[1][0].startswith("#NUM! apr, value 2: 7.94 looks like a percentage; enter 0.0794")
    assert out[2][0].startswith("#VALUE! apr, value 3: 'x' is text, not a number")


def test_never_pays_back_row_by_row():
    out = MLWORTH_PAYBACK(180000, 60000, [[100000.0, 61000.0]], 0, 0, 0)
    assert out == [[4.5, "#N/A never pays back within 40 years"]]  # 180,000 / 40,000 = 4.5


# --- Office.js (xlwings Lite): real error values --------------------------------------------


def test_office_js_gets_real_error_values_and_exceptions_with_the_message(monkeypatch):
    from xlwings import XlwingsError

    monkeypatch.setattr(cells, "RUNTIME", "officejs")
    # one bad value of a range: the exact code, which xlwings turns into an error value
    assert MLWORTH_PAYBACK(180000, 60000, [[100000.0], [61000.0]], 0, 0, 0) == [[4.5], ["#N/A"]]
    assert MLWORTH_PAYBACK(500000, 60000, 61000) == "#N/A"
    # a call wrong as a whole raises: xlwings shows #VALUE! and the message on hover
    with pytest.raises(XlwingsError, match=r"^#NUM! apr: 7.94 looks like a percentage"):
        MLWORTH_LOAN_PAYMENT(41000, 7.94)


# --- More functions --------------------------------------------------------------------------


def test_income_given_up():
    # two years on $58,260 at 25% tax, the job found at once: 2 × 58,260 × 0.75 (closed form)
    assert MLWORTH_INCOME_GIVEN_UP(58260, 2, 0, 0.25, 0, 0) == pytest.approx(87390.0)
    # left out: the data's defaults (tax rate t, m months to a job): (2 + m/12) × 60,000 × (1 − t)
    t, m = (data.field_default(fields.ALL[k]) for k in ("tax_rate", "months_to_job"))
    assert MLWORTH_INCOME_GIVEN_UP(60000, 2) == pytest.approx((2 + m / 12) * 60000 * (1 - t))
    # half the salary kept while studying and, as fields.py documents for months_to_job, while
    # looking for the job: (2 + 6/12) years × 60,000 × (1 − 0.5) (closed form)
    assert MLWORTH_INCOME_GIVEN_UP(60000, 2, 0.5, 0, 0, 6) == pytest.approx(2.5 * 60000 * 0.5)


# A worked example small enough to do by hand: one year of study at $10,000, from a $50,000
# job to a $70,000 one, no tax, loans or savings, 10% discount rate, 4-year horizon.
# Yearly flows: −10,000 − 50,000, then +20,000 three times.
SMALL = [
    ["Input", "Value"],
    ["tax_rate", 0.0],
    ["discount_rate", 0.1],
    ["horizon_years", 4.0],
    ["savings", 0.0],
    ["Salary growth after", None],
    # the new job for sure, at once (a range with no kind takes those of the kind "other")
    ["placement_prob", 1.0],
    ["months_to_job", 0.0],
]
FLOWS = [-60000, 20000, 20000, 20000]


def test_npv_roi_and_break_even_of_the_worked_example():
    # numpy-financial NPV takes the first value at t = 0; year 1 is discounted once
    assert MLWORTH_NPV(1, 10000, 70000, 50000, SMALL) == pytest.approx(npf.npv(0.1, [0, *FLOWS]))
    # ROI: gain 3 × 20,000 over total cost 60,000, minus 1 (closed form)
    assert MLWORTH_ROI(1, 10000, 70000, 50000, SMALL) == pytest.approx(60000 / 60000 - 1)
    # break-even for a 3-year target: −60,000 + 2 × (S − 50,000) = 0 → S = 80,000 (closed form)
    assert MLWORTH_BREAK_EVEN_SALARY(1, 10000, 3, 50000, SMALL) == pytest.approx(80000.0)


def test_npv_over_a_column_of_tuitions():
    out = MLWORTH_NPV(1, column([10000, 20000]), 70000, 50000, SMALL)
    # each extra 10,000 of tuition is paid in year 1: discounted once (numpy-financial NPV)
    assert [r[0] for r in out] == pytest.approx(
        [npf.npv(0.1, [0, *FLOWS]), npf.npv(0.1, [0, -70000, 20000, 20000, 20000])]
    )


def test_evaluate_spills_every_measure_from_a_table_of_inputs():
    scenario = SMALL + [
        ["Length (years)", 1.0],
        ["Tuition per year", "$10,000"],
        ["salary_after", 70000.0],
        ["Current salary", 50000.0],
    ]
    out = MLWORTH_EVALUATE(scenario)
    assert out[0] == ["Measure", "Value"]
    values = dict(map(tuple, out[1:]))
    # compare's columns of one option: the odds first, then the figures if completed
    assert [row[0] for row in out[1:]] == [
        c.header for c in api.COMPARE_COLUMNS[1:] if c.key not in ("rank", "repayment")
    ]
    assert values["NPV if completed"] == pytest.approx(npf.npv(0.1, [0, *FLOWS]))
    assert values["Total cost"] == pytest.approx(60000.0)  # 10,000 + 50,000 (closed form)
    # the cumulative −60,000, −40,000, −20,000, 0 reaches zero at the end of year 4
    assert values["Payback if completed (years)"] == pytest.approx(4.0)
    assert values["IRR if completed"] == pytest.approx(npf.irr(FLOWS), abs=1e-9)  # numpy-financial
    assert MLWORTH_EVALUATE(scenario, "npv") == pytest.approx(npf.npv(0.1, [0, *FLOWS]))


def test_an_irr_above_the_highest_rate_shows_as_the_workbook_shows_it():
    # $10 of tuition while keeping the $50,000 salary, then +20,000 a year: the IRR is about
    # 20,000 / 10 = 2,000, above the 999 (99,900%) looked at; the workbook says "> 99,900%"
    scenario = SMALL + [
        ["years", 1.0],
        ["tuition_per_year", 10.0],
        ["salary_after", 70000.0],
        ["salary", 50000.0],
        ["work_fraction", 1.0],
    ]
    assert MLWORTH_EVALUATE(scenario, "IRR") == api.IRR_ABOVE == "> 99,900%"
    rows = [
        ["name", "years", "tuition_per_year", "salary_after", "work_fraction"],
        ["Cheap", 1.0, 10.0, 70000.0, 1.0],
    ]
    rows = [rows[0] + ["placement_prob", "months_to_job"], rows[1] + [1.0, 0.0]]
    person = [["salary", 50000.0], ["tax_rate", 0.0], ["savings", 0.0]]
    out = MLWORTH_COMPARE(rows, person)
    assert dict(zip(out[0], out[1], strict=True))["IRR if completed"] == "> 99,900%"


def test_evaluate_several_options_side_by_side():
    scenario = [
        ["Input", "Short", "Long"],
        ["years", 1.0, 1.0],
        ["tuition_per_year", 10000.0, 10000.0],
        ["salary_after", 70000.0, 70000.0],
        ["salary", 50000.0, 50000.0],
        ["tax_rate", 0.0, 0.0],
        ["discount_rate", 0.1, 0.1],
        ["horizon_years", 3.0, 4.0],
        ["savings", 0.0, 0.0],
        ["placement_prob", 1.0, 1.0],
        ["months_to_job", 0.0, 0.0],
    ]
    assert MLWORTH_EVALUATE(scenario)[0] == ["Measure", "Short", "Long"]
    # horizons of 3 and 4 years: the same flows, cut after year 3 or 4 (numpy-financial NPV)
    assert MLWORTH_EVALUATE(scenario, "NPV") == [
        pytest.approx([npf.npv(0.1, [0, *FLOWS[:3]]), npf.npv(0.1, [0, *FLOWS])])
    ]
    short = dict(map(tuple, (r[:2] for r in MLWORTH_EVALUATE(scenario)[1:])))
    assert short["Payback if completed (years)"] == "#N/A never pays back within the horizon"


def test_compare_spills_the_same_table_as_the_command_line():
    # Excel sends numbers as floats, TRUE as a boolean, text as text
    from tests.test_pyodide import programs_rows

    out = MLWORTH_COMPARE(programs_rows())
    # the table of `mlworth-xl compare`: the odds first, then the figures if completed
    frame = api.compare(ROOT / "templates" / "programs.csv")
    assert out[0][:3] == ["Option", "Chance of paying back within target", "Verdict"]
    assert out[0] == list(frame.columns)
    for got, want in zip(out[1:], frame.itertuples(index=False), strict=True):
        for g, w in zip(got, want, strict=True):
            if isinstance(w, float) and np.isnan(w):
                assert isinstance(g, str) and g.startswith("#N/A ")
            else:
                assert g == (pytest.approx(w) if isinstance(w, float) else w)


def test_compare_reads_the_cells_as_they_are_not_as_text(monkeypatch):
    # numbers reach the table as numbers: the text parser sees only the cells typed as text
    from mlworth_xl import parse

    seen = []
    real = parse.parse_number
    monkeypatch.setattr(
        parse, "parse_number", lambda t, *a, **k: seen.append(t) or real(t, *a, **k)
    )
    rows = [
        [
            "name",
            "years",
            "tuition_per_year",
            "salary_after",
            "capitalize_interest",
            "months_to_job",
        ],
        ["MS", 2.0, "$30,000", 100000.0, 1.0, 0.0],
        ["MS again", 2.0, 30000.0, 100000.0, True, 0.0],
    ]
    person = [["salary", 60000.0], ["tax_rate", 0.0], ["discount_rate", 0.0], ["savings", 0.0]]
    out = MLWORTH_COMPARE(rows, person)
    assert seen == ["$30,000"]
    # 1 in a TRUE/FALSE column is TRUE, as "1" in a CSV file: the two options are one (but
    # for their names and ranks)
    first, second = (dict(zip(out[0], r, strict=True)) for r in out[1:])
    rank = "Rank (by expected NPV)"
    assert {k: v for k, v in first.items() if k not in ("Option", rank)} == {
        k: v for k, v in second.items() if k not in ("Option", rank)
    }
    assert (first[rank], second[rank]) == (1, 2)  # equal expected NPVs: in the given order
    assert first["Total cost"] == pytest.approx(180000.0)  # test_compare_with_a_person_range


def test_compare_with_a_person_range():
    rows = [
        ["name", "years", "tuition_per_year", "salary_after", "placement_prob", "months_to_job"],
        ["MS", 2.0, 30000.0, 100000.0, 1.0, 0.0],
    ]
    person = [["salary", 60000.0], ["tax_rate", 0.0], ["discount_rate", 0.0], ["savings", 0.0]]
    out = MLWORTH_COMPARE(rows, person)
    row = dict(zip(out[0], out[1], strict=True))
    # api.compare's worked example: 60,000 tuition + 120,000 given up, paid back at
    # 40,000 a year from year 3: 2 + 180,000 / 40,000 = 6.5 years from the first day
    assert row["Total cost"] == pytest.approx(180000.0)
    assert row["Payback if completed (years)"] == pytest.approx(6.5)


def test_loan_schedule_spills_a_header_and_one_row_a_month():
    out = MLWORTH_LOAN_SCHEDULE(41000, 0.0794, 10, 30, True)
    assert out[0] == ["Month", "Payment", "Interest", "Principal", "Balance"]
    body = np.array(out[1:])
    assert len(body) == 30 + 120
    balance = balance_at_repayment(41000, 0.0794, 30, True)
    # repayment months: numpy-financial PMT and IPMT; principal repaid sums to the balance
    assert body[30:, 1] == pytest.approx(-npf.pmt(0.0794 / 12, 120, balance))
    assert body[30:, 2] == pytest.approx(-npf.ipmt(0.0794 / 12, np.arange(1, 121), 120, balance))
    assert body[:, 3].sum() == pytest.approx(balance)
    assert body[-1, 4] == 0.0
    # identity: payments minus the principal borrowed is MLWORTH_LOAN_INTEREST
    assert body[:, 1].sum() - 41000 == pytest.approx(
        MLWORTH_LOAN_INTEREST(41000, 0.0794, 10, 30, True)
    )


def test_defaults_and_their_sources():
    # figures as docs/design.md lists them
    assert MLWORTH_DEFAULT("salary.ml_engineer") == 120883  # Salary.com
    assert MLWORTH_SOURCE(cell("salary.ml_engineer")) == "Salary.com (as cited), 2022"
    assert MLWORTH_DEFAULT("Loan APR") == 0.0794  # the default of an input: FSA 2025-26
    assert MLWORTH_SOURCE("loan_apr").startswith("Federal Student Aid")
    assert MLWORTH_SOURCE("assumption.tax_rate") == "Illustrative assumption (2026-11)"
    # IRC §221 phase-out, single filers: $85,000 to $100,000, spilled as a row
    assert MLWORTH_DEFAULT("tax.student_loan_interest_phaseout_single") == [[85000, 100000]]


def test_loan_payment_and_interest_with_the_tiered_plan():
    # $41,000 owed when repayment starts is in the 15-year tier ($25,000 to $50,000),
    # so the payment is numpy-financial's pmt over 180 months; term_years is not used.
    expected = -npf.pmt(0.0807 / 12, 180, 41_000)
    assert MLWORTH_LOAN_PAYMENT(41_000, 0.0807, 10, 0, True, "tiered") == pytest.approx(
        expected, rel=1e-12
    )
    assert MLWORTH_LOAN_INTEREST(41_000, 0.0807, 3, 0, True, "Tiered") == pytest.approx(
        180 * expected - 41_000, rel=1e-12
    )
    # "fixed" and no plan are the contract's behaviour
    assert MLWORTH_LOAN_PAYMENT(41_000, 0.0807, 10, 0, True, "fixed") == MLWORTH_LOAN_PAYMENT(
        41_000, 0.0807
    )


def test_loan_payment_refuses_rap_and_unknown_plans():
    assert MLWORTH_LOAN_PAYMENT(41_000, 0.0807, 10, 0, True, "rap").startswith(
        "#VALUE! plan: RAP payments follow income"
    )
    assert MLWORTH_LOAN_INTEREST(41_000, 0.0807, 10, 0, True, "ibr").startswith("#VALUE! plan:")


def test_rap_payment_of_a_given_agi():
    # 34 CFR 685.209 as revised (91 FR 23768): 5% × 60,000 / 12 = 250, less 2 × $50
    assert MLWORTH_RAP_PAYMENT(60_000, 2) == 150.0
    assert MLWORTH_RAP_PAYMENT([[5_000.0], [20_000.0]]) == [[10.0], [pytest.approx(200 / 12)]]
