"""Two more spreadsheet engines compute the generated workbook and get the model's numbers.

IronCalc (the ``ironcalc`` package, a spreadsheet engine in Rust) and Formulon
(the ``formulon`` package, an Excel 365 calculation engine) recalculate the
default comparison and a few random program sets, each its own workbook.  As
with LibreOffice (tests/test_workbook_libreoffice.py), no formula cell may hold
an error value and every Summary, Cash flows and Loans value must equal the
Python model's to 1e-9 relative (tests/workbook_support.py).  A template with
three of its ten columns filled (not side by side) is computed too: each filled
column equals, cell for cell, its option in the workbook of the three options
alone, and no result cell of a column left blank holds a number or an error
value.  Neither engine needs LibreOffice, so these run in the quick loop.
"""

from __future__ import annotations

import math

import openpyxl
import pytest

from mlworth_xl.api import IRR_ABOVE
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.workbook import layout
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.template import DEFAULT_OPTIONS, template_programs
from mlworth_xl.workbook.writer import build_workbook, workbook_bytes
from tests.workbook_support import (
    compare_with_model,
    engine_values,
    enormous_irrs,
    error_cells,
    formula_cells,
    formula_positions,
    irr_problems,
    template_problems,
)

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

pytest.importorskip("ironcalc")
pytest.importorskip("formulon")

#: The random sets each engine computes (tests/workbook_support.py): set 0 holds every
#: special case (RAP, federal limits, zero interest, …) among 1 to 5 random options.
#: Formulon, a WebAssembly module, reads a file about ten times slower than IronCalc,
#: so it gets the smaller set 1 (the time goes to reading the cells in).
RANDOM = {"ironcalc": (0, 1, 2), "formulon": (1,)}
CASES = [
    (engine, case)
    for engine, ks in sorted(RANDOM.items())
    for case in ["default"] + [f"random-{k}" for k in ks]
]


@pytest.fixture(scope="module")
def computed(tmp_path_factory, default_workbook, random_workbook):
    """Each (engine, case): the generated file (made once per session: tests/conftest.py), and
    its values as that engine computes them."""
    folder = tmp_path_factory.mktemp("engines")
    done = {}

    def get(engine: str, case: str):
        if (engine, case) not in done:
            if case == "default":
                path, programs, person = default_workbook, Programs.default(), Person.default()
            else:
                path, programs, person = random_workbook(int(case.removeprefix("random-")))
            done[engine, case] = (
                path,
                engine_values(engine, path, folder / f"{engine}-{case}.xlsx"),
                programs,
                person,
            )
        return done[engine, case]

    get.folder = folder  # where each engine's values are: ENGINE-CASE.xlsx
    return get


@pytest.mark.parametrize(("engine", "case"), CASES)
def test_workbook_matches_the_model(computed, engine, case):
    _, wb, programs, person = computed(engine, case)
    assert error_cells(wb) == []
    assert compare_with_model(wb, programs, person, skip=("IRR if completed",)) == []


@pytest.mark.parametrize(("engine", "case"), CASES)
def test_irr_matches_the_model(computed, engine, case):
    _, wb, programs, person = computed(engine, case)
    assert irr_problems(wb, programs, person) == []


@pytest.mark.parametrize("engine", sorted(RANDOM))
def test_every_formula_cell_gets_a_value(computed, engine):
    # An engine that skipped a cell would leave it without a value: the comparison would
    # miss it where the model has no number (text, flags, the search's own rows).
    path, _, _, _ = computed(engine, "default")
    formulas = formula_cells(path)
    assert sum(map(len, formulas.values())) > 10_000
    assert formula_cells(computed.folder / f"{engine}-default.xlsx", valued=True) == formulas


@pytest.mark.parametrize("engine", sorted(RANDOM))
def test_an_enormous_irr_shows_as_the_model_gives_it(engine, tmp_path):
    # The model: inf above the ceiling ("> 99,900%"), 828 found below it (workbook_support)
    programs, person = enormous_irrs()
    irr = programs.evaluate(person).irr
    assert irr[0] == math.inf and 800 < irr[1] < 999
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook_bytes(build_workbook(programs, person)))
    wb = engine_values(engine, path, tmp_path / "computed.xlsx")
    assert error_cells(wb) == []
    assert irr_problems(wb, programs, person) == []
    assert (
        wb[layout.SUMMARY]
        .cell(row=Layout(3).summary_row(0), column=layout.SUMMARY_COL["irr"])
        .value
        == IRR_ABOVE
    )


#: The template's columns filled in (not side by side), with options 1, 4 and 7 of the default.
TEMPLATE_COLUMNS = [1, 4, 9]


@pytest.fixture(scope="module")
def template_and_reference(tmp_path_factory):
    """The template with those columns filled in, and the workbook of their options alone,
    each with its formula cells (formula_positions): written once for both engines."""
    three = Programs.from_records(Programs.default().records()[::3])
    records = template_programs(DEFAULT_OPTIONS).records()
    for k, column in enumerate(TEMPLATE_COLUMNS):
        records[column] = three.records()[k]
    blank = [i for i in range(DEFAULT_OPTIONS) if i not in TEMPLATE_COLUMNS]
    folder = tmp_path_factory.mktemp("template")
    template = folder / "template.xlsx"
    template.write_bytes(
        workbook_bytes(
            build_workbook(Programs.from_records(records), None, None, template=True, blank=blank)
        )
    )
    reference = folder / "reference.xlsx"
    reference.write_bytes(workbook_bytes(build_workbook(three, None, None)))
    return (
        (template, formula_positions(openpyxl.load_workbook(template))),
        (reference, formula_positions(openpyxl.load_workbook(reference))),
    )


@pytest.mark.parametrize("engine", sorted(RANDOM))
def test_a_template_with_three_columns_filled_equals_their_workbook(
    engine, template_and_reference, tmp_path
):
    # The template as the generator writes it with those columns filled in (its formulas do
    # not depend on the values: tests/test_template.py); its empty input cells must be empty
    # in every engine, not the number 0 (IronCalc reads an empty cell of type "n" as 0).
    (template, template_formulas), (reference, reference_formulas) = template_and_reference
    got = engine_values(engine, template, tmp_path / "template-computed.xlsx")
    want = engine_values(engine, reference, tmp_path / "reference-computed.xlsx")
    assert error_cells(got) == []
    flags = [
        got[layout.PROGRAMS].cell(row=layout.PROGRAMS_FILLED_ROW, column=Layout.option_col(i)).value
        for i in range(DEFAULT_OPTIONS)
    ]
    assert flags == [i in TEMPLATE_COLUMNS for i in range(DEFAULT_OPTIONS)]
    problems = template_problems(
        got, template_formulas, DEFAULT_OPTIONS, TEMPLATE_COLUMNS, want, reference_formulas
    )
    assert problems == []
