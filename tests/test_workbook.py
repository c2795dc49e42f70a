"""The comparison workbook's structure, read back from the saved file (no LibreOffice needed).

What the formulas compute is proven in tests/test_workbook_libreoffice.py;
here: the file holds formulas, not numbers, only portable functions and no
hidden constants; inputs are coloured, unlocked and validated; the output is
reproducible; and the committed default workbook is up to date.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.formula import Tokenizer
from openpyxl.utils import get_column_letter

from mlworth_xl import __version__
from mlworth_xl.api import COMPARE_COLUMNS, compare
from mlworth_xl.cli import main
from mlworth_xl.cli.render import to_csv
from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.workbook import build_workbook, layout, write_workbook, writer
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.writer import workbook_bytes
from tests.workbook_support import stale_members

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks" / "ml-masters-comparison.xlsx"
RESULT_SHEETS = (layout.SUMMARY, layout.CASH_FLOWS, layout.LOANS)
#: Functions that Excel 2016+, LibreOffice 7.4 and Google Sheets all compute, and
#: that are not volatile.  Anything else in a formula fails the test.
PORTABLE = {
    "ABS",
    "AND",
    "COUNTIF",
    "FIXED",
    "FV",
    "IF",
    "IFERROR",
    "INDEX",
    "INT",
    "ISNUMBER",
    "ISTEXT",
    "LN",
    "MATCH",
    "MAX",
    "MIN",
    "N",
    "NORMSDIST",
    "NPV",
    "OR",
    "PMT",
    "RANK",
    "ROUND",
    "ROUNDUP",
    "ROWS",
    "SIGN",
    "SQRT",
    "SUM",
    "SUMIF",
    "SUMPRODUCT",
    "TEXT",
}

FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2", "=1+1", "\tTabbed"]


def saved(wb: openpyxl.Workbook) -> openpyxl.Workbook:
    """The workbook as a reader of the file sees it."""
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb)))


@pytest.fixture(scope="module")
def default_book() -> openpyxl.Workbook:
    return saved(build_workbook())


def formulas(wb: openpyxl.Workbook) -> dict[str, str]:
    """Every formula in the workbook, by ``Sheet!A1``."""
    return {
        f"{ws.title}!{c.coordinate}": c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def test_sheets_in_order(default_book):
    # no option of the default comparison is on RAP: no RAP sheet
    assert default_book.sheetnames == [
        "Guide",
        "Inputs",
        "Programs",
        "Roles",
        "Summary",
        "Risk",
        "Odds",
        "Cash flows",
        "Loans",
        "Sources",
    ]
    assert saved(build_workbook(one_on_rap())).sheetnames == [
        "Guide",
        "Inputs",
        "Programs",
        "Roles",
        "Summary",
        "Risk",
        "Odds",
        "Cash flows",
        "Loans",
        "RAP",
        "Sources",
    ]


def one_on_rap() -> Programs:
    """The first three default options, the second (option 1) switched to RAP."""
    records = Programs.default().records()[:3]
    records[1] = replace(records[1], repayment_plan=2)  # 2: RAP (fields.PLANS)
    return Programs.from_records(records)


def test_default_workbook_has_no_rap_sheet_and_no_formula_mentions_it(default_book):
    """Regression: every option had a 360-month RAP block, on RAP or not (slow, 600 KB)."""
    assert layout.RAP not in default_book.sheetnames
    assert [
        f"{where}: {text}"
        for where, text in formulas(default_book).items()
        if "RAP!" in text.upper()
    ] == []
    guide = [c.value for c in default_book[layout.GUIDE]["A"] if c.value]
    assert (
        "Sheets: Guide, Inputs, Programs, Roles, Summary, Risk, Odds, Cash flows, Loans, "
        "Sources" in guide
    )


def test_only_options_on_rap_have_a_block_and_refer_to_the_rap_sheet():
    wb = saved(build_workbook(one_on_rap()))
    ws = wb[layout.RAP]
    # one block: option 1's, whose name is on Loans column D (option 0 is column C)
    first = Layout.rap_block_col(0, "year")
    assert ws.cell(row=layout.RAP_NAME_ROW, column=first).value == "=Loans!$D$5"
    assert ws.max_column == Layout.rap_block_col(0, layout.RAP_BLOCK[-1][0])
    assert ws.max_row == layout.RAP_LAST_ROW
    lay = Layout(3, rap_options=(1,))
    mentions = {
        i: [
            w
            for w, text in formulas(wb).items()
            if "RAP!" in text.upper()
            and (
                w.startswith(f"Loans!{get_column_letter(lay.option_col(i))}")
                or f"!{get_column_letter(lay.schedule_col(i, 'relief'))}" in w
            )
        ]
        for i in range(3)
    }
    assert mentions[0] == mentions[2] == [] and mentions[1]
    plan_payment = [
        wb[layout.LOANS].cell(row=layout.LOANS_ROW["plan_payment"], column=lay.option_col(i)).value
        for i in range(3)
    ]
    assert plan_payment[1].startswith(f"=IF({lay.program('repayment_plan', 1)}=RapPlanCode,")
    assert "RapPlanCode" not in plan_payment[0] + plan_payment[2]
    guide = [c.value for c in wb[layout.GUIDE]["A"] if c.value]
    assert (
        "Sheets: Guide, Inputs, Programs, Roles, Summary, Risk, Odds, Cash flows, Loans, RAP, "
        "Sources" in guide
    )


def test_plan_of_an_option_not_on_rap_allows_fixed_and_tiered_only():
    ws = saved(build_workbook(one_on_rap()))[layout.PROGRAMS]
    checks = _validations(ws)
    row = layout.PROGRAM_ROW["repayment_plan"]
    rules = [checks[ws.cell(row=row, column=Layout.option_col(i)).coordinate] for i in range(3)]
    # plan codes (fields.PLANS): 0 fixed, 1 tiered, 2 RAP
    assert [(dv.type, dv.formula1, dv.formula2) for dv in rules] == [
        ("whole", "0", "1"),
        ("whole", "0", "2"),
        ("whole", "0", "1"),
    ]
    for dv in (rules[0], rules[2]):
        assert dv.showErrorMessage and dv.errorStyle == "stop"
        for text in (dv.error, dv.prompt):
            assert "0 (fixed) or 1 (tiered)" in text
            assert "repayment_plan = rap" in text and "`mlworth-xl workbook --programs" in text
    assert ws.cell(row=row, column=2).value.endswith(
        "; 2 only where the workbook was made with the option on RAP"
    )


def test_summary_headers_are_those_of_compare_csv_odds_first(default_book):
    ws = default_book[layout.SUMMARY]
    headers = [
        ws.cell(row=layout.SUMMARY_HEADER_ROW, column=k).value
        for k in range(1, len(COMPARE_COLUMNS) + 1)
    ]
    assert headers == to_csv(compare()).splitlines()[0].split(",")
    assert headers[1:4] == [
        "Chance of paying back within target",
        "Verdict",
        "Median payback (years)",
    ]
    # a verdict is words, never TRUE/FALSE; the deterministic figures are named for what they are
    assert not any(h.startswith("Pays back within target") for h in headers)
    assert "Rank (by expected NPV)" in headers and "Payback if completed (years)" in headers
    assert not {"NPV", "IRR", "ROI", "Payback (years)", "Rank (by NPV)"} & set(headers)
    assert ws["A3"].value == "Highest expected NPV"
    assert ws.cell(row=layout.SUMMARY_HEADER_ROW, column=len(COMPARE_COLUMNS) + 1).value is None


def test_every_number_on_the_result_sheets_is_a_formula(default_book):
    for name in RESULT_SHEETS:
        constants = [
            c.coordinate
            for row in default_book[name].iter_rows()
            for c in row
            if c.data_type in ("n", "b") and c.value is not None
        ]
        assert constants == [], name


def test_formulas_hide_no_constants(default_book):
    # 0 and 1 only (1 + rate, year − 1, MAX(0, …)); 12 months is the named constant
    numbers = {
        tok.value
        for f in formulas(default_book).values()
        for tok in Tokenizer(f).items
        if tok.subtype == "NUMBER"
    }
    assert numbers == {"0", "1"}


def test_formulas_use_only_portable_functions(default_book):
    used = {
        tok.value.rstrip("(").upper()
        for f in formulas(default_book).values()
        for tok in Tokenizer(f).items
        if tok.type == "FUNC" and tok.subtype == "OPEN"
    }
    assert used <= PORTABLE, used - PORTABLE
    assert not any("_xl" in f for f in formulas(default_book).values())


def test_formula_count_grows_by_whole_blocks_per_option():
    # Independent of the generator's layout: one option more adds the same formulas again
    table = Programs.default()
    counts = [
        len(formulas(saved(build_workbook(Programs.from_records(table.records()[:n])))))
        for n in (1, 2, 3)
    ]
    assert counts[2] - counts[1] == counts[1] - counts[0] > 0


def test_names_that_look_like_formulas_stay_text():
    records = [
        Program(name, years=1, tuition_per_year=10_000, salary_after=80_000)
        for name in FORMULA_NAMES
    ]
    wb = saved(build_workbook(Programs.from_records(records)))
    plain = saved(
        build_workbook(
            Programs.from_records(
                [
                    Program(f"Option {k}", years=1, tuition_per_year=10_000, salary_after=80_000)
                    for k in range(len(FORMULA_NAMES))
                ]
            )
        )
    )
    ws = wb[layout.PROGRAMS]
    row = layout.PROGRAM_ROW["name"]
    cells = [ws.cell(row=row, column=Layout.option_col(i)) for i in range(len(FORMULA_NAMES))]
    assert [c.value for c in cells] == FORMULA_NAMES
    assert {c.data_type for c in cells} == {"s"}
    # Every formula in the file is one the generator wrote: the same as with plain names.
    assert formulas(wb) == formulas(plain)


def test_person_inputs_are_named_cells(default_book):
    person = Person.default()
    defined = default_book.defined_names
    for field in fields.PERSON_FIELDS:
        name = layout.PERSON_NAMES[field.name]
        sheet, ref = next(defined[name].destinations)
        assert sheet == layout.INPUTS
        assert default_book[sheet][ref].value == getattr(person, field.name)
    sheet, ref = next(defined["MonthsPerYear"].destinations)
    assert default_book[sheet][ref].value == 12


def _validations(ws):
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row, column in rng.cells:
                found[ws.cell(row=row, column=column).coordinate] = dv
    return found


def _expected_rule(field: fields.Field) -> tuple:
    if field.unit == "bool":
        return ("list", '"TRUE,FALSE"')
    if field.unit == "text":
        return (
            ("list", '"' + ",".join(fields.KINDS) + '"') if field.choices else ("textLength", "0")
        )
    if field.low_open:
        return ("custom", f"{field.low:g}<", f"<={field.high:g})")
    return ("whole" if field.integer else "decimal", float(field.low), float(field.high))


def _check_rule(dv, field: fields.Field, where: str) -> None:
    expected = _expected_rule(field)
    assert dv.type == expected[0], where
    if dv.type == "custom":
        assert f">{field.low:g}," in dv.formula1 and expected[2] in dv.formula1, where
    elif dv.type in ("whole", "decimal"):
        assert (dv.operator, float(dv.formula1), float(dv.formula2)) == (
            "between",
            *expected[1:],
        ), where
    else:
        assert dv.formula1 == expected[1], where
    assert dv.showErrorMessage and field.label[:20] in dv.error, where
    assert field.allowed()[:20] in dv.error or field.unit == "text", where


def test_every_input_is_coloured_unlocked_and_validated(default_book):
    ws = default_book[layout.INPUTS]
    checks = _validations(ws)
    for k, field in enumerate(fields.PERSON_FIELDS):
        c = ws.cell(row=layout.INPUTS_FIRST_ROW + k, column=layout.INPUTS_VALUE_COL)
        assert not c.protection.locked and c.fill.fgColor.rgb.endswith("FFF2CC"), field.name
        _check_rule(checks[c.coordinate], field, field.name)
    ws = default_book[layout.PROGRAMS]
    checks = _validations(ws)
    for field in fields.PROGRAM_FIELDS:
        for i in range(len(Programs.default())):
            c = ws.cell(row=layout.PROGRAM_ROW[field.name], column=Layout.option_col(i))
            assert not c.protection.locked and c.fill.fgColor.rgb.endswith("FFF2CC"), field.name
            spec = (
                replace(field, high=1, choices=field.choices[:2])  # no option on RAP:
                if field.name == "repayment_plan"
                else field
            )  # fixed (0) or tiered (1)
            _check_rule(checks[c.coordinate], spec, f"{field.name} of option {i}")


def test_only_inputs_are_unlocked_and_every_sheet_is_protected_without_password(default_book):
    for ws in default_book.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert c.protection.locked, f"{ws.title}!{c.coordinate}"
                elif not c.protection.locked:
                    assert c.fill.fgColor.rgb.endswith("FFF2CC"), f"{ws.title}!{c.coordinate}"
    assert default_book.security.lockStructure and not default_book.security.workbookPassword


def test_program_values_are_the_inputs():
    table = Programs.default()
    ws = saved(build_workbook(table))[layout.PROGRAMS]
    for field in fields.PROGRAM_FIELDS:
        row = layout.PROGRAM_ROW[field.name]
        got = [ws.cell(row=row, column=Layout.option_col(i)).value for i in range(len(table))]
        if field.name == "name":
            assert got == table.names
        elif field.name == "kind":
            assert got == table.kinds
        else:
            assert np.array_equal(np.array(got, dtype=float), table.columns[field.name])


def test_year_rows_cover_the_longest_horizon_allowed(default_book):
    ws = default_book[layout.CASH_FLOWS]
    assert fields.PERSON["horizon_years"].high == layout.CF_LAST_ROW - layout.CF_FIRST_ROW + 1
    assert ws.cell(row=layout.CF_LAST_ROW, column=1).data_type == "f"
    assert ws.cell(row=layout.CF_LAST_ROW + 1, column=1).value is None


def test_freeze_panes_and_number_formats(default_book):
    assert {ws.title: ws.freeze_panes for ws in default_book.worksheets} == {
        "Guide": None,
        "Inputs": "A5",
        "Programs": "C6",
        "Roles": "A5",
        "Summary": "B7",
        "Risk": None,
        "Odds": "N5",
        "Cash flows": "B9",
        "Loans": "C6",
        "Sources": "A5",
    }
    assert saved(build_workbook(one_on_rap()))[layout.RAP].freeze_panes == "B6"
    ws = default_book[layout.SUMMARY]
    row = layout.SUMMARY_FIRST_ROW
    formats = {
        c.header: ws.cell(row=row, column=k).number_format
        for k, c in enumerate(COMPARE_COLUMNS, start=1)
    }
    assert "$" in formats["NPV if completed"] and "$" in formats["Total cost"]
    assert "$" in formats["Expected NPV"] and "%" in formats["Chance of paying back within target"]
    assert "%" in formats["IRR if completed"] and "%" in formats["ROI if completed"]
    assert formats["Payback if completed (years)"] == "0.0"


def test_summary_prints_on_one_landscape_page_with_both_charts():
    content = workbook_bytes(build_workbook())
    ws = openpyxl.load_workbook(io.BytesIO(content))[layout.SUMMARY]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = {n: z.read(n).decode() for n in charts}
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    line = next(x for x in xml.values() if "<lineChart>" in x)
    bar = next(x for x in xml.values() if "<barChart>" in x)
    assert line.count("<ser>") == len(Programs.default())
    assert "<f>'Cash flows'!$" in line
    # three parts stacked: cost of attendance, income given up, loan cost (today's $)
    assert bar.count("<ser>") == 3 and '<grouping val="stacked"' in bar
    # Both charts end inside the print area: anchor row + height in default rows (15 pt).
    last_row = int(re.search(r"\$(\d+)$", ws.print_area).group(1))
    anchors = re.findall(
        r"<from><col>\d+</col><colOff>0</colOff><row>(\d+)</row>.*?"
        r'<ext cx="\d+" cy="(\d+)"',
        drawing,
    )
    assert len(anchors) == 2
    assert all(int(row) + 1 + int(cy) / (15 * 12_700) <= last_row for row, cy in anchors)


def test_guide_says_what_it_is_and_is_not(default_book):
    text = " ".join(
        str(c.value) for row in default_book[layout.GUIDE].iter_rows() for c in row if c.value
    )
    assert f"mlworth-xl {__version__}" in text
    assert f"Figures as of: {writer.figures_date()}" in text
    assert "Not financial advice" in text


def test_sources_lists_every_default_figure_used_with_source_and_date(default_book):
    ws = default_book[layout.SOURCES]
    rows = {r[6]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[6]}
    entries = data.default_program_entries() + [data.default_person_entry()]
    used = {f.key: f for f in data.figures_used(entries)}
    # and the odds' inputs: each kind's completion probability and the salary spread
    from mlworth_xl.model.uncertainty import COMPLETION_BY_KIND

    odds_keys = {COMPLETION_BY_KIND[k] for k in Programs.default().kinds} | {
        "risk.salary_log_sigma"
    }
    used.update({k: data.figure(k) for k in odds_keys})
    assert set(rows) == set(used)
    for key, figure in used.items():
        label, value, _, source, as_of, kind, _ = rows[key]
        assert (label, value, as_of, kind) == (
            figure.label,
            figure.value,
            figure.as_of,
            figure.kind,
        )
        assert source == (
            figure.source if figure.kind != "assumption" else "Illustrative assumption: no source"
        )


def test_output_is_reproducible(tmp_path):
    first = write_workbook(tmp_path / "a.xlsx")
    second = write_workbook(tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count(f'<dcterms:created xsi:type="dcterms:W3CDTF">{writer.figures_date()}') == 1


def test_committed_default_workbook_is_up_to_date(tmp_path):
    # Regenerate it as the README says; compare every zip member's bytes (not the
    # compressed file, which depends on the zlib build).
    result = CliRunner().invoke(
        main, ["workbook", "-o", str(tmp_path / "new.xlsx")], catch_exceptions=False
    )
    assert result.exit_code == 0
    with zipfile.ZipFile(COMMITTED) as old, zipfile.ZipFile(tmp_path / "new.xlsx") as new:
        assert old.namelist() == new.namelist()
        stale = stale_members(
            {n: old.read(n) for n in old.namelist()}, {n: new.read(n) for n in new.namelist()}
        )
    assert stale == [], (
        "workbooks/ml-masters-comparison.xlsx is out of date; regenerate it "
        "with: mlworth-xl workbook -o workbooks/ml-masters-comparison.xlsx "
        "--force"
    )


def test_existing_file_is_kept_without_force(tmp_path):
    dest = tmp_path / "book.xlsx"
    dest.write_bytes(b"the user's file")
    with pytest.raises(FileExistsError):
        write_workbook(dest)
    assert dest.read_bytes() == b"the user's file"
    write_workbook(dest, force=True)
    assert zipfile.is_zipfile(dest)


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(wb):
        raise OSError("disk full")

    monkeypatch.setattr(writer, "_stored", broken)  # with values or without
    with pytest.raises(OSError, match="disk full"):
        write_workbook(tmp_path / "book.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_values_and_pdf_need_libreoffice_and_say_so(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "find_soffice", lambda: None)
    for option in ("values", "pdf"):
        with pytest.raises(writer.LibreOfficeError, match=f"--{option} needs LibreOffice"):
            write_workbook(tmp_path / "book.xlsx", **{option: True})
    assert list(tmp_path.iterdir()) == []


def test_a_folder_gets_the_default_name(tmp_path):
    assert write_workbook(tmp_path) == tmp_path / "ml-masters-comparison.xlsx"


@pytest.mark.parametrize(
    ("path", "message"),
    [("book.csv", "must end in .xlsx"), ("missing/book.xlsx", "does not exist")],
)
def test_unusable_paths_are_refused(tmp_path, path, message):
    with pytest.raises(InputError, match=message):
        write_workbook(tmp_path / path)


def test_names_a_cell_cannot_hold_are_refused():
    bad = Program("bell\x07", years=1, tuition_per_year=1, salary_after=1)
    with pytest.raises(InputError, match="control characters"):
        build_workbook([bad])


def test_too_many_options_are_refused():
    many = [
        Program(f"o{k}", years=1, tuition_per_year=1, salary_after=1)
        for k in range(writer.MAX_OPTIONS + 1)
    ]
    with pytest.raises(InputError, match=f"at most {writer.MAX_OPTIONS}"):
        build_workbook(many)


def test_invalid_inputs_are_refused_like_compare():
    with pytest.raises(InputError, match="horizon_years"):
        build_workbook(None, {"horizon_years": 1})  # shorter than the two-year master's


# --- the file as every engine reads it -----------------------------------------------------

_REF = re.compile(r"(?<![A-Za-z_!'\"$])(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![\w(!])")


def _own_cell_references(wb: openpyxl.Workbook) -> list[str]:
    """Formula cells whose own-sheet references (cells or ranges) contain the cell itself."""
    from openpyxl.utils.cell import coordinate_to_tuple

    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if not (isinstance(c.value, str) and c.value.startswith("=")):
                    continue
                text = re.sub(r'"[^"]*"', '""', c.value)  # not inside text
                text = re.sub(
                    r"(?:'[^']+'|\w+)!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?", "X", text
                )  # not on other sheets
                for m in _REF.finditer(text):
                    lo, _, hi = m.group(1).replace("$", "").partition(":")
                    (r1, c1), (r2, c2) = coordinate_to_tuple(lo), coordinate_to_tuple(hi or lo)
                    if r1 <= c.row <= r2 and c1 <= c.column <= c2:
                        found.append(f"{ws.title}!{c.coordinate}: {c.value[:60]}")
    return found


def test_no_formula_refers_to_its_own_cell(default_book, random_workbook):
    # several engines treat a formula whose range holds its own cell as circular: the default
    # workbook, and three of random sets (made once per session: tests/conftest.py)
    assert _own_cell_references(default_book) == []
    for k in range(3):
        path, _, _ = random_workbook(k)
        assert _own_cell_references(openpyxl.load_workbook(path)) == [], k


def test_the_self_reference_check_can_fail():
    wb = openpyxl.Workbook()
    wb.active["A9"] = "=ROWS($A$9:$A9)"
    wb.active["B2"] = "=Sheet!B2+1"  # another sheet's B2: not its own cell
    assert _own_cell_references(wb) == ["Sheet!A9: =ROWS($A$9:$A9)"]


def test_validation_texts_are_within_office_limits(default_book):
    # MS-OI29500: a title of at most 32 characters, a prompt of 255, an error of 224
    rules = [dv for ws in default_book.worksheets for dv in ws.data_validations.dataValidation]
    assert rules
    for dv in rules:
        assert len(dv.errorTitle or "") <= 32 and len(dv.promptTitle or "") <= 32
        assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 224, dv.sqref


def test_conditional_fills_carry_the_background_colour_excel_reads(default_workbook):
    with zipfile.ZipFile(default_workbook) as z:
        styles_xml = z.read("xl/styles.xml").decode()
    dxfs = re.search(r"<dxfs[^>]*>(.*)</dxfs>", styles_xml, re.S).group(1)
    fills = re.findall(r"<fill>.*?</fill>", dxfs, re.S)
    assert fills and all("<bgColor" in f for f in fills)


def test_true_false_inputs_are_read_whether_stored_as_booleans_or_text(default_book):
    # A dropdown's TRUE may be stored as the text "TRUE" (Google Sheets); IF("TRUE", …) is an
    # error in Excel, so every formula reads such an input as OR(cell=TRUE,cell="TRUE").
    lay = Layout(len(Programs.default()))
    bools = [f.name for f in fields.PROGRAM_FIELDS if f.unit == "bool"]
    seen = 0
    for formula in formulas(default_book).values():
        for name in bools:
            for i in range(lay.n):
                ref = layout.cell(layout.PROGRAMS, Layout.option_col(i), layout.PROGRAM_ROW[name])
                wrapped = f'OR({ref}=TRUE,{ref}="TRUE")'
                count = formula.count(ref)
                seen += count
                assert count == 2 * formula.count(wrapped), formula
    assert seen > 0
