"""RAP options whose repayment starts on a year's last day, recalculated by LibreOffice.

When the months before repayment (study + grace) are a whole number of years
``y``, the first payment falls in year ``y + 1`` and nothing is repaid by the
end of year ``y``: the loans owe the balance when repayment starts, as the
model's ``financing._debt`` and its RAP branch in ``financing.loan_flows`` say.
Under inflation that debt loses ``balance × (1/P(y) − 1/P(y + 1))`` of its
value in year ``y + 1``, subtracted from that year's interest in today's
dollars (``financing.deflate``).  A workbook that took the balance after the
first payment instead put the first payment's principal (and match) into
that erosion: $357 × (1 − 1/1.02) = $7 more interest in year 2 for the first
option below, and an NPV $7 short of the model's.
"""

from __future__ import annotations

import pytest

from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.workbook import layout
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import recalculate
from mlworth_xl.workbook.writer import build_workbook, workbook_bytes
from tests.workbook_support import (
    close,
    compare_with_model,
    error_cells,
    irr_problems,
    load_values,
)

pytestmark = pytest.mark.libreoffice

#: One year of study, no grace, keeps working, a simple loan on RAP (the case found).
BASE = dict(
    kind="bootcamp",
    years=1.0,
    tuition_per_year=26_355.0,
    tuition_growth=0.068,
    program_price=5_988.0,
    fees_per_year=294.0,
    books_per_year=1_813.0,
    living_per_month=2_577.0,
    relocation=8_648.0,
    work_fraction=1.0,
    loan_share=1.0,
    loan_apr=0.098,
    loan_fee=0.01057,
    loan_term_years=13,
    grace_months=0,
    capitalize_interest=False,
    financing=Financing.SIMPLE,
    start_year=2024,
    start_month=9,
    enrolment_intensity=0.875,
    repayment_plan=Plan.RAP,
    salary_after=213_988.0,
    salary_growth_after=0.037,
    placement_prob=0.79,
    months_to_job=3.0,
)
#: Option name: (its changes to BASE, months before repayment / 12 when whole, else None).
#: The federal option borrows more than the annual limit: a private loan too.
OPTIONS = {
    "RAP, 1 year, no grace": ({}, 1),
    "RAP, 1 year, 12 months' grace": (dict(grace_months=12), 2),
    "RAP, 2 years, no grace, federal": (
        dict(years=2.0, financing=Financing.FEDERAL, start_year=2026),
        2,
    ),
    "RAP, 1 year, 6 months' grace": (dict(grace_months=6), None),  # starts mid-year
    "tiered, 1 year, no grace": (dict(repayment_plan=Plan.TIERED), 1),
}
PERSON = Person(
    salary=128_523.0,
    salary_growth=0.0019,
    tax_rate=0.252,
    discount_rate=0.0,
    horizon_years=11,
    target_payback_years=29.0,
    savings=9_160.0,
    inflation=0.02,
    dependents=4,
)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, soffice):
    programs = Programs.from_records(
        [Program(name, **{**BASE, **change}) for name, (change, _) in OPTIONS.items()]
    )
    folder = tmp_path_factory.mktemp("rap")
    (folder / "rap.xlsx").write_bytes(workbook_bytes(build_workbook(programs, PERSON)))
    return load_values(recalculate(folder / "rap.xlsx", folder / "recalculated.xlsx")), programs


def test_the_workbook_is_the_model(recalculated):
    wb, programs = recalculated
    assert error_cells(wb) == []
    assert compare_with_model(wb, programs, PERSON, skip=("IRR if completed",)) == []
    assert irr_problems(wb, programs, PERSON) == []


@pytest.mark.parametrize("i", [i for i, (_, y) in enumerate(OPTIONS.values()) if y])
def test_nothing_is_repaid_by_the_year_end_repayment_starts_on(recalculated, i):
    wb, _ = recalculated
    ws = wb[layout.LOANS]
    y = list(OPTIONS.values())[i][1]

    def at(key: str, year: int) -> float:
        return ws.cell(row=Layout.schedule_row(year), column=Layout.schedule_col(i, key)).value

    def key(name: str) -> float:
        return ws.cell(row=layout.LOANS_ROW[name], column=Layout.option_col(i)).value

    assert key("deferment_months") == 12 * y
    balance = key("balance") + key("private_balance")  # the plan loan's and a private one's
    assert close(at("debt", y), balance)  # what is owed: all of it
    # the next year's interest, today's $: deflated, less the whole balance's erosion
    erosion = balance * (1 / at("price", y) - 1 / at("price", y + 1))
    assert close(at("real_interest", y + 1), at("interest", y + 1) / at("price", y + 1) - erosion)
