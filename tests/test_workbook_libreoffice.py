"""The proof: LibreOffice recalculates generated workbooks and gets the model's numbers.

Every Summary, Cash flows and Loans value of the recalculated file must equal
the Python model's (mlworth_xl.model) to 1e-9 relative (1e-6 absolute near zero,
see tests/workbook_support.py), with no error value in any cell, for the
default comparison and for 25 random program sets, each its own workbook.

LibreOffice recalculates every workbook of this file in one module fixture (the files
shared between two LibreOffice processes that each start once), and the tests of one
case run one after another, reading the file loaded once for them all.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from mlworth_xl.api import IRR_ABOVE
from mlworth_xl.model import fields
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.workbook import layout, write_workbook
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import recalculated_results
from mlworth_xl.workbook.summary import NEVER
from tests.workbook_support import (
    SPECIAL,
    cell_results,
    compare_with_model,
    enormous_irrs,
    error_cells,
    irr_problems,
    load_values,
    recalculate_all,
    same_value,
)

pytestmark = pytest.mark.libreoffice

RANDOM_SETS = 25
CASES = ["default"] + [f"random-{k}" for k in range(RANDOM_SETS)]


#: Names a spreadsheet would read as formulas (CSV/formula injection), as option names.
NAMES = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2"]


def _others(folder: Path, default: Path) -> dict[str, tuple[Path, Programs, Person]]:
    """The workbooks of single tests below, written to ``folder``, with the inputs they hold."""
    edited = folder / "edited.xlsx"
    names = Programs.from_records(
        [Program(n, years=1, tuition_per_year=9_000, salary_after=70_000) for n in NAMES]
    )
    records = Programs.default().records()
    records[1] = replace(records[1], repayment_plan=0, loan_term_years=10)  # fixed, new loans
    fixed = Programs.from_records(records)
    books = {
        "edited": (edited, *_change(default, edited)),
        "names": (write_workbook(folder / "names.xlsx", names), names, Person.default()),
        "fixed-plan": (write_workbook(folder / "fixed-plan.xlsx", fixed), fixed, Person.default()),
    }
    programs, person = enormous_irrs()
    books["enormous-irr"] = (
        write_workbook(folder / "enormous-irr.xlsx", programs, person),
        programs,
        person,
    )
    return books


@pytest.fixture(scope="module")
def recalculated(
    tmp_path_factory, default_workbook, random_workbook, soffice
) -> dict[str, tuple[Path, Programs, Person]]:
    """Every case written by the generator (tests/conftest.py), and the workbooks of single
    tests below (:func:`_others`), recalculated by LibreOffice together (recalculate_all)."""
    folder = tmp_path_factory.mktemp("workbooks")
    books = {"default": (default_workbook, Programs.default(), Person.default())}
    books |= {f"random-{k}": random_workbook(k) for k in range(RANDOM_SETS)}
    assert list(books) == CASES
    books |= _others(folder, default_workbook)
    done = recalculate_all([path for path, _, _ in books.values()], folder / "recalculated")
    return {name: (out, *books[name][1:]) for name, out in zip(books, done, strict=True)}


@pytest.fixture(scope="module", params=CASES)
def case(request) -> str:
    """A case of CASES.  A module-scoped parameter: pytest runs the tests of one case one
    after another, so :func:`book` loads each recalculated file once for them all."""
    return request.param


@dataclass(frozen=True)
class Book:
    path: Path
    programs: Programs
    person: Person
    values: openpyxl.Workbook  # the file's cached values (load_values)


@pytest.fixture(scope="module")
def book(recalculated, case) -> Book:
    """The recalculated workbook of ``case``, loaded once (released at the next case)."""
    path, programs, person = recalculated[case]
    return Book(path, programs, person, load_values(path))


def test_recalculating_together_is_what_recalculate_does(recalculated, default_recalculated):
    # The files above are recalculated several to a LibreOffice process (recalculate_all); the
    # default comparison's results are those `recalculate` (one process, one file) gives it.
    together = recalculated_results(recalculated["default"][0])
    assert sum(map(len, together.values())) > 10_000  # every formula cell of every sheet
    assert together == recalculated_results(default_recalculated)


def _rows(path: Path, sheet: str, first: int, last: int, *, data_only: bool) -> list[tuple] | None:
    """Rows ``first`` to ``last`` of one sheet, as values, read without loading the other
    sheets (openpyxl's read-only mode); None if the file has no such sheet."""
    with warnings.catch_warnings():
        # openpyxl warns about extensions LibreOffice writes (as load_values says)
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        if sheet not in wb.sheetnames:
            return None
        rows = list(wb[sheet].iter_rows(min_row=first, max_row=last, values_only=True))
    finally:
        wb.close()
    return rows + [()] * (last - first + 1 - len(rows))


def _at(row: tuple, column: int) -> Any:
    return row[column - 1] if column <= len(row) else None


def test_workbook_matches_the_model(book):
    assert error_cells(book.values) == []
    assert (
        compare_with_model(book.values, book.programs, book.person, skip=("IRR if completed",))
        == []
    )


def test_irr_matches_the_model(book):
    assert irr_problems(book.values, book.programs, book.person) == []


def test_random_sets_hold_the_cases_the_issue_names(recalculated):
    # Each special option, with what LibreOffice made of it.
    seen = {}
    for case in CASES[1:]:
        path, programs, _ = recalculated[case]
        lay = Layout(len(programs))
        first, last = lay.summary_row(0), lay.summary_row(len(programs) - 1)
        rows = _rows(path, layout.SUMMARY, first, last, data_only=True)
        for i, name in enumerate(programs.names):
            if name in SPECIAL:
                r = lay.summary_row(i)
                row = {
                    short: _at(rows[r - first], layout.SUMMARY_COL[key])
                    for short, key in (
                        ("Cost", "cost_of_attendance"),
                        ("Given up", "income_given_up"),
                        ("Borrowed", "amount_borrowed"),
                        ("Interest", "total_interest"),
                        ("Payment", "monthly_payment"),
                        ("Payback", "payback_years"),
                    )
                }
                seen.setdefault(name, []).append((programs.records()[i], row))
    assert set(seen) == set(SPECIAL)
    for program, row in seen["bootcamp of three months"]:
        assert program.years == 0.25 and row["Cost"] >= 13_500  # the price, paid up front
    for _, row in seen["never pays back"]:
        assert row["Payback"] == NEVER  # 80% of the current salary after: a loss every year
    for _, row in seen["part-time, keeps the salary"]:
        assert row["Given up"] == 0  # work_fraction 1: no salary given up
    for _, row in seen["zero-interest loan"]:
        assert row["Borrowed"] > 0 and row["Interest"] == 0
    for _, row in seen["unfinanced"]:
        assert row["Borrowed"] == 0 and row["Payment"] == 0


def test_random_sets_mix_options_on_rap_and_not(recalculated):
    """The sets compared above hold workbooks with one RAP block among other options, with
    several, and without any (the default): the blocks are exactly the options on RAP."""
    on_rap = {}
    for case in CASES:
        path, programs, _ = recalculated[case]
        plans = list(programs.columns["repayment_plan"])
        rows = _rows(path, layout.RAP, layout.RAP_NAME_ROW, layout.RAP_NAME_ROW, data_only=False)
        blocks = (
            []
            if rows is None
            else [_at(rows[0], Layout.rap_block_col(b, "year")) for b in range(len(plans))]
        )
        wanted = [f"={Layout.loan('name', i)}" for i, plan in enumerate(plans) if plan == 2]
        assert [b for b in blocks if b] == wanted, case  # 2: RAP (fields.PLANS)
        on_rap[case] = (len(wanted), len(plans))
    assert on_rap["default"][0] == 0
    assert any(k == 1 < n for k, n in on_rap.values())  # one option on RAP, others not
    assert any(1 < k < n for k, n in on_rap.values())  # several on RAP, others not


def _change(path: Path, dest: Path) -> tuple[Programs, Person]:
    """Edit input cells with openpyxl as a user would; return the inputs they now hold."""
    programs, person = Programs.default(), Person.default()
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.PROGRAMS]
    # TRUE/FALSE typed as text, as Google Sheets may store a dropdown's choice
    edits = [
        (0, "tuition_per_year", 70_000),
        (1, "private_apr", 0.05),
        (2, "capitalize_interest", "TRUE"),
        (3, "work_fraction", 0.25),
        (4, "private_deferment", "FALSE"),
        (5, "months_to_job", 14),
    ]
    columns = {k: v.copy() for k, v in programs.columns.items()}
    for i, field, value in edits:
        ws.cell(row=layout.PROGRAM_ROW[field], column=Layout.option_col(i)).value = value
        columns[field][i] = float({"TRUE": 1, "FALSE": 0}.get(value, value))
    people = {"salary": 65_000, "horizon_years": 25, "discount_rate": 0.05, "savings": 0}
    for k, field in enumerate(fields.PERSON_FIELDS):
        if field.name in people:
            wb[layout.INPUTS].cell(
                row=layout.INPUTS_FIRST_ROW + k, column=layout.INPUTS_VALUE_COL
            ).value = people[field.name]
    wb.save(dest)
    return (
        Programs(names=programs.names, kinds=programs.kinds, columns=columns),
        replace(person, **people),
    )


def test_changing_inputs_changes_the_results_live(recalculated):
    # the default workbook edited by _change, recalculated (the module fixture)
    path, programs, person = recalculated["edited"]
    wb = load_values(path)
    assert error_cells(wb) == []
    assert compare_with_model(wb, programs, person, skip=("IRR if completed",), edited=True) == []
    assert irr_problems(wb, programs, person) == []
    # and the edits mattered: the first option's cost is now 2 × 70,000 + living + books + move
    before = Programs.default().evaluate(Person.default()).cost_of_attendance[0]
    assert programs.evaluate(person).cost_of_attendance[0] != before


def test_names_that_look_like_formulas_show_as_text(recalculated):
    # options named NAMES, recalculated (the module fixture)
    path, programs, _ = recalculated["names"]
    assert programs.names == NAMES
    wb = load_values(path)
    ws = wb[layout.SUMMARY]
    assert [ws.cell(row=Layout(4).summary_row(i), column=1).value for i in range(4)] == NAMES
    assert wb[layout.PROGRAMS].cell(row=layout.PROGRAM_ROW["name"], column=3).value == NAMES[0]
    assert error_cells(wb) == []


def test_values_option_fills_numbers_and_keeps_everything_else(tmp_path, default_workbook, soffice):
    plain = default_workbook  # as `mlworth-xl workbook` writes it
    filled = write_workbook(tmp_path / "filled.xlsx", values=True)
    wb = load_values(filled)  # what a previewer or pandas reads: numbers
    assert (
        compare_with_model(wb, Programs.default(), Person.default(), skip=("IRR if completed",))
        == []
    )
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(filled) as b:
        assert a.namelist() == b.namelist()
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    # only the cells' cached values changed: charts, names, styles, validation-bearing
    # sheet parts otherwise intact
    assert changed <= {n for n in a.namelist() if n.startswith("xl/worksheets/sheet")}
    before, after = openpyxl.load_workbook(plain), openpyxl.load_workbook(filled)
    for ws in before.worksheets:
        other = after[ws.title]
        assert [c.value for row in ws.iter_rows() for c in row] == [
            c.value for row in other.iter_rows() for c in row
        ], ws.title
        assert len(ws.data_validations.dataValidation) == len(other.data_validations.dataValidation)
        assert (other.protection.sheet, other.freeze_panes) == (True, ws.freeze_panes)


def test_pdf_is_one_landscape_page(tmp_path, soffice):
    write_workbook(tmp_path / "book.xlsx", pdf=True)
    pdf = (tmp_path / "book.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert width > height


@pytest.mark.parametrize("case", ["default"], indirect=True)
def test_default_summary_in_numbers(book):
    # A spot check in plain figures (the model's, as `mlworth-xl compare` prints them).
    programs, person = book.programs, book.person
    ws = book.values[layout.SUMMARY]
    row = [c.value for c in ws[layout.SUMMARY_FIRST_ROW]]
    outcome = programs.evaluate(person)
    assert row[0] == "Carnegie Mellon MS in ML (in person)"
    cost = row[layout.SUMMARY_COL["cost_of_attendance"] - 1]
    assert cost == 136_000  # 2 × (52,000 + 1,500 books + 12 × 1,000) + 5,000 relocation
    # it leads with the odds: the model's exact chance (tests/test_odds.py), in words too
    chance = row[layout.SUMMARY_COL["payback_chance"] - 1]
    from mlworth_xl.model.odds import odds_programs

    programs_chance = odds_programs(programs, person, quantiles=False)[0].payback_probability
    assert chance == pytest.approx(programs_chance, rel=1e-9)
    assert row[layout.SUMMARY_COL["verdict"] - 1] == f"Unlikely ({programs_chance:.0%})"
    payback = row[layout.SUMMARY_COL["payback_years"] - 1]
    assert np.isclose(payback, outcome.payback_years[0], rtol=1e-9)
    # the headline is the option of the highest expected NPV (the odds), and the ranks follow
    # the expected NPVs, not the NPVs if completed
    found = odds_programs(programs, person)
    expected = [o.expected_npv for o in found]
    best = max(range(len(found)), key=expected.__getitem__)
    assert (ws["A3"].value, ws["A4"].value) == ("Highest expected NPV", programs.names[best])
    ranks = [
        ws.cell(row=Layout(len(programs)).summary_row(i), column=layout.SUMMARY_COL["rank"]).value
        for i in range(len(programs))
    ]
    assert [expected[i] for i in sorted(range(len(ranks)), key=ranks.__getitem__)] == sorted(
        expected, reverse=True
    )


def test_loans_sheet_names_each_loan_and_a_fixed_plan_as_prepaying(recalculated):
    from mlworth_xl.api import repayment_words

    # the default comparison with option 2 on a fixed plan of 10 years (the module fixture)
    path, programs, person = recalculated["fixed-plan"]
    assert (
        programs.columns["repayment_plan"][1] == 0 and programs.columns["loan_term_years"][1] == 10
    )
    ws = load_values(path)[layout.LOANS]
    lay = Layout.of(programs)

    def shown(key: str, i: int) -> object:
        return ws.cell(row=layout.LOANS_ROW[key], column=lay.option_col(i)).value

    words = repayment_words(programs, programs.evaluate(person))
    assert shown("plan_words", 0) == "tiered standard plan" and "tiered standard plan" in words[0]
    prepaying = "pays more than the tiered plan requires"
    assert prepaying in shown("plan_words", 1) and prepaying in words[1]
    # the private loan's own terms, from Programs (the data's defaults)
    assert (shown("private_apr", 0), shown("private_fee", 0), shown("private_term", 0)) == (
        0.0894,
        0,
        10,
    )


def test_the_live_chance_is_the_models_exact_chance_or_says_why_not(book):
    """The Odds sheet's chance equals the model's exact odds (tail 0) to 1e-9, except for an
    option on RAP with a loan or with a first month that costs nothing, where it says so."""
    from mlworth_xl.model.odds import odds_programs
    from mlworth_xl.workbook import odds_sheet

    programs, person = book.programs, book.person
    ws = book.values[layout.ODDS]
    found = odds_programs(programs, person, quantiles=False, tail=0.0)
    outcome = programs.evaluate(person)
    for i, o in enumerate(found):
        live = ws.cell(
            row=odds_sheet.block(i).top + odds_sheet.SCALAR_ROW["chance"], column=2
        ).value
        rap = programs.columns["repayment_plan"][i] == 2 and outcome.amount_borrowed[i] > 0
        if rap:
            assert live == odds_sheet.ON_RAP, programs.names[i]
        elif live == odds_sheet.FREE_START:
            assert outcome.cost_of_attendance[i] == 0 or programs.columns["work_fraction"][i] == 1
        else:
            assert live == pytest.approx(o.payback_probability, rel=1e-9, abs=1e-12), (
                programs.names[i]
            )


def test_an_enormous_irr_shows_as_the_model_gives_it(recalculated):
    # Above the highest rate looked at: "> 99,900%" (the model's inf), not LibreOffice's IRR
    path, programs, person = recalculated["enormous-irr"]  # enormous_irrs(), recalculated
    assert programs.evaluate(person).irr[0] == np.inf
    wb = load_values(path)
    assert error_cells(wb) == []
    assert irr_problems(wb, programs, person) == []
    assert (
        wb[layout.SUMMARY]
        .cell(row=Layout(3).summary_row(0), column=layout.SUMMARY_COL["irr"])
        .value
        == IRR_ABOVE
    )


@pytest.mark.parametrize("case", ["default", "random-0"], indirect=True)
def test_ironcalc_values_are_libreoffices_in_every_formula_cell(book, tmp_path):
    # What `mlworth-xl workbook --ironcalc-values` stores is what LibreOffice computes, on
    # every sheet (Guide, Inputs, Programs, Risk, RAP, Sources too), text and flags alike
    path = write_workbook(tmp_path / "book.xlsx", book.programs, book.person, computed=True)
    formulas = openpyxl.load_workbook(path)  # the formula cells: those of the file generated
    ours = cell_results(formulas, load_values(path))
    theirs = cell_results(formulas, book.values)
    assert ours.keys() == theirs.keys()
    differ = [
        f"{where}: IronCalc {ours[where]!r}, LibreOffice {theirs[where]!r}"
        for where in ours
        if not same_value(ours[where], theirs[where])
    ]
    assert differ == []
