"""Two more spreadsheet engines compute the generated workbook and get the model's numbers.

IronCalc (the ``ironcalc`` package, a spreadsheet engine in Rust) and Formulon
(the ``formulon`` package, an Excel 365 calculation engine) recalculate the
default comparison and a few random program sets, each its own workbook.  As
with LibreOffice (tests/test_workbook_libreoffice.py), no formula cell may hold
an error value and every Summary, Cash flows and Loans value must equal the
Python model's to 1e-9 relative (tests/workbook_support.py).  Neither engine
needs LibreOffice, so these run in the quick loop.
"""

from __future__ import annotations

import math

import pytest

from mlworth_xl.api import IRR_ABOVE
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.workbook import layout
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.writer import build_workbook, workbook_bytes
from tests.workbook_support import (
    compare_with_model,
    engine_values,
    enormous_irrs,
    error_cells,
    formula_cells,
    irr_problems,
    random_sets,
)

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
def inputs() -> dict[str, tuple[Programs, Person]]:
    count = 1 + max(max(ks) for ks in RANDOM.values())
    sets = random_sets(count)
    return {"default": (Programs.default(), Person.default())} | {
        f"random-{k}": sets[k] for k in range(count)
    }


@pytest.fixture(scope="module")
def computed(tmp_path_factory, inputs):
    """Each (engine, case): the generated file, and its values as that engine computes them."""
    folder = tmp_path_factory.mktemp("engines")
    done = {}

    def get(engine: str, case: str):
        if (engine, case) not in done:
            programs, person = inputs[case]
            path = folder / f"{case}.xlsx"
            if not path.exists():
                path.write_bytes(workbook_bytes(build_workbook(programs, person)))
            done[engine, case] = (
                path,
                engine_values(engine, path, folder / f"{engine}-{case}.xlsx"),
                programs,
                person,
            )
        return done[engine, case]

    return get


@pytest.mark.parametrize(("engine", "case"), CASES)
def test_workbook_matches_the_model(computed, engine, case):
    _, wb, programs, person = computed(engine, case)
    assert error_cells(wb) == []
    assert compare_with_model(wb, programs, person, skip=("IRR",)) == []


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
    assert formula_cells(path.with_name(f"{engine}-default.xlsx"), valued=True) == formulas


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
