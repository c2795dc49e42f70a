"""``mlworth-xl excel``: the setup it prints and writes, and the example workbook."""

from __future__ import annotations

import io
import re
import sys
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import numpy_financial as npf
import openpyxl
import pytest
from click.testing import CliRunner

from mlworth_xl import __version__, udfs
from mlworth_xl.cli import excel, main
from mlworth_xl.model import data, fields
from mlworth_xl.workbook import functions_example
from tests.workbook_support import stale_members

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "mlworth-functions-example.xlsx"


def run(*args: str):
    return CliRunner().invoke(main, ["excel", *args])


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0
    assert "Set up the MLWORTH_* Excel functions" in result.output
    assert "mlworth-xl excel --lite --write excel-setup" in result.output


def test_prints_both_setups_with_the_exact_config():
    result = run()
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Windows desktop Excel (classic xlwings add-in, free)\n")
    assert '       "UDF MODULES","mlworth_xl.udfs"\n' in out
    assert f"       {sys.executable}\n" in out
    assert "Mac, Windows or Excel on the web (xlwings Lite add-in, free" in out
    assert f"       xlwings=={version('xlwings')}\n       mlworth-xl=={__version__}\n" in out
    for name in udfs.__all__:
        assert f"           {name},\n" in out
    assert out.endswith("To write these files instead: mlworth-xl excel --write DIR\n")


def test_windows_and_lite_alone():
    assert "xlwings Lite" not in run("--windows").output
    lite = run("--lite").output
    assert "Windows desktop" not in lite and "requirements.txt" in lite


def test_wheel_url_replaces_the_pypi_pin():
    out = run("--lite", "--wheel-url", "https://example.org/mlworth_xl-0.1.0-py3-none-any.whl")
    assert "       https://example.org/mlworth_xl-0.1.0-py3-none-any.whl\n" in out.output
    assert "mlworth-xl==" not in out.output


def test_write_puts_the_printed_files_in_the_folder(tmp_path):
    folder = tmp_path / "setup"
    result = run("--write", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "main.py",
        "requirements.txt",
        "xlwings.conf",
    ]
    assert (folder / "xlwings.conf").read_text() == '"UDF MODULES","mlworth_xl.udfs"\n'
    assert (folder / "requirements.txt").read_text() == (
        f"xlwings=={version('xlwings')}\nmlworth-xl=={__version__}\n"
    )
    assert f"wrote {folder / 'main.py'}\n" in result.output
    assert f"the content of {folder / 'main.py'}" in result.output


def test_the_written_main_py_registers_every_function(tmp_path):
    run("--lite", "--write", str(tmp_path))
    namespace: dict = {}
    exec((tmp_path / "main.py").read_text(), namespace)  # what xlwings Lite runs
    registered = {k for k, v in namespace.items() if hasattr(v, "__mlworth_udf__")}
    assert registered == set(udfs.__all__)


def test_never_overwrites_without_force(tmp_path):
    (tmp_path / "main.py").write_text("# mine\n")
    result = CliRunner().invoke(main, ["excel", "--write", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{tmp_path / 'main.py'} already exists; add --force to overwrite it" in result.stderr
    assert (tmp_path / "main.py").read_text() == "# mine\n"
    assert not (tmp_path / "xlwings.conf").exists()  # refused before writing anything
    assert run("--write", str(tmp_path), "--force").exit_code == 0
    assert "mlworth_xl.udfs" in (tmp_path / "main.py").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_example_refuses_other_file_types(tmp_path):
    result = run("--example", str(tmp_path / "x.xlsm"))
    assert result.exit_code == 2 and "must end in .xlsx" in result.stderr


# --- The example workbook ------------------------------------------------------------------


def entries(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_example_is_reproducible(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        assert run("--example", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_committed_example_is_up_to_date():
    # compares the unzipped parts, so a different zlib cannot fail it
    # and the model's figures to 12 digits (another processor may differ in the last one)
    fresh = functions_example.example_workbook(excel.udf)
    assert stale_members(entries(EXAMPLE.read_bytes()), entries(fresh)) == [], (
        "regenerate: mlworth-xl excel --example workbooks/mlworth-functions-example.xlsx --force"
    )


FORMULA = re.compile(r"^=(MLWORTH_\w+)\((.*)\)$")


def formulas(wb):
    """Every formula: sheet, cell, text, and the range an array formula fills."""
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if hasattr(v, "ref"):
                    yield ws, c, v.text, v.ref
                elif isinstance(v, str) and v.startswith("="):
                    yield ws, c, v, c.coordinate


def call(name: str, args: list, ws):
    """What the add-in computes for a formula: the function with the sheet's cells."""
    return functions_example.call(excel.udf, name, args, functions_example.reader(ws))


def arguments(text: str) -> list:
    inner = FORMULA.match(text).group(2)
    out = []
    for a in inner.split(",") if inner else []:
        if a.startswith('"'):
            out.append(a.strip('"'))
        else:
            try:
                out.append(float(a))
            except ValueError:
                out.append(a)
    return out


def test_example_says_on_its_first_sheet_that_it_needs_the_add_in():
    wb = openpyxl.load_workbook(EXAMPLE)
    first = wb.worksheets[0]
    text = " ".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    assert first.title == "Read me"
    assert "needs the mlworth-xl add-in" in text
    assert "mlworth-xl excel --windows" in text and "mlworth-xl excel --lite" in text


def test_example_formulas_call_real_functions_and_give_the_expected_values():
    """The Expected columns hold what the functions give today (a regeneration check: they
    were written by the same functions).  That those values are right is proven against
    numbers worked out independently, in the tests that follow."""
    wb = openpyxl.load_workbook(EXAMPLE)
    seen = set()
    for ws, _cell, text, ref in formulas(wb):
        name = FORMULA.match(text).group(1)
        seen.add(name)
        args = arguments(text)
        # what the add-in computes for the formula: the same function with the sheet's cells
        result = call(name, args, ws)
        rows = result if isinstance(result, list) else [[result]]
        top, bottom = ref.split(":") if ":" in ref else (ref, ref)
        block = ws[f"{top}:{bottom}"]
        assert (len(block), len(block[0])) == (len(rows), len(rows[0])), f"{ws.title}!{ref}"
        after = block[0][-1].column + 1
        if ws.cell(1, after).value == "Expected":
            for i, r in enumerate(rows):
                expected = ws.cell(block[0][0].row + i, after).value
                if expected != "Expected":
                    assert r[-1] == (
                        pytest.approx(expected) if isinstance(expected, float) else expected
                    ), f"{ws.title}!{ref} row {i + 1}"
        flat = [v for r in rows for v in r]
        errors = [v for v in flat if isinstance(v, str) and v[:1] == "#"]
        assert all("never pay back" in e or "never pays back" in e for e in errors), errors
    assert {
        "MLWORTH_COST",
        "MLWORTH_LOAN_PAYMENT",
        "MLWORTH_LOAN_INTEREST",
        "MLWORTH_PAYBACK",
        "MLWORTH_EVALUATE",
        "MLWORTH_COMPARE",
        "MLWORTH_LOAN_SCHEDULE",
    } <= seen


# --- The example's values, worked out independently -------------------------------------------
# Each number below comes from a closed form, numpy-financial or arithmetic in its comment,
# on the inputs the example sheet shows (asserted first, so a changed input says so).


def result(ws, ref: str):
    """What the add-in computes for the formula in ``ref`` (its top-left cell), as rows."""
    text = ws[ref].value
    text = text.text if hasattr(text, "text") else text
    name = FORMULA.match(text).group(1)
    found = call(name, arguments(text), ws)
    return found if isinstance(found, list) else [[found]]


def both(ws, ref: str, expected_column: str = "C"):
    """A single-cell formula's value as computed now, and its Expected cell in the file."""
    row = ws[ref].row
    return result(ws, ref)[0][0], ws[f"{expected_column}{row}"].value


def figure(key: str) -> dict:
    """An embedded figure read straight from the data file (not through the package's code)."""
    text = (ROOT / "mlworth_xl" / "data" / "defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["figures"][key]


#: Functions sheet: B2:B17, the inputs the formulas below read.
FUNCTION_INPUTS = {
    "B2": 52000,
    "B3": 2,
    "B4": 0,
    "B5": 1000,
    "B6": 5000,
    "B7": 0,
    "B8": 0,
    "B9": 41000,
    "B10": 0.0794,
    "B11": 10,
    "B12": 30,
    "B13": True,
    "B14": 180000,
    "B15": 60000,
    "B16": 100000,
    "B17": 0.25,
}
R = 0.0794 / 12  # the monthly rate of B10
#: The months to a job MLWORTH_INCOME_GIVEN_UP takes when not given: the data's default.
MONTHS_TO_JOB = data.field_default(fields.ALL["months_to_job"])
#: B9 after B12 = 30 months of simple interest at B10, capitalized: 41000 + 41000 * R * 30
#: = 41000 + 8138.50 = 49138.50, repaid over B11 = 10 years (120 months).
CAPITALIZED = 41000 + 41000 * R * 30


def test_example_functions_give_the_values_worked_out_by_hand():
    ws = openpyxl.load_workbook(EXAMPLE)["Functions"]
    assert {ref: ws[ref].value for ref in FUNCTION_INPUTS} == FUNCTION_INPUTS
    expected = {
        # tuition 52000 * 2 years + living 1000 * 12 * 2 + relocation 5000 (fees, grants and
        # growth 0) = 104000 + 24000 + 5000
        "B19": 133_000,
        # the annuity payment on 49138.50 over 120 months at 7.94 % / 12 (numpy-financial):
        # 594.6289
        "B20": pytest.approx(-npf.pmt(R, 120, CAPITALIZED), rel=1e-12),
        # everything paid minus the amount borrowed: 120 * 594.6289 - 41000 = 30355.46
        "B21": pytest.approx(-npf.pmt(R, 120, CAPITALIZED) * 120 - 41000, rel=1e-12),
        # cost / after-tax raise: 180000 / ((100000 - 60000) * (1 - 0.25)) = 180000 / 30000
        "B22": 6,
        # 500000 / ((61000 - 60000) * (1 - 0.25)) = 667 years (the default person's tax when
        # not given): beyond the 40-year horizon
        "B24": "#N/A never pays back within 40 years",
        # 60000 a year * (2 years + the data's months to a job m / 12) * (1 - work fraction 0)
        # * (1 - tax 0.25): 90000 when m is 0
        "B25": pytest.approx(60_000 * (2 + MONTHS_TO_JOB / 12) * 0.75, rel=1e-12),
        # the figure as mlworth_xl/data/defaults.toml holds it
        "B26": figure("salary.ml_engineer")["value"],
        "B27": (
            f"{figure('salary.ml_engineer')['source']}, {figure('salary.ml_engineer')['as_of']}"
        ),
    }
    for ref, value in expected.items():
        assert both(ws, ref) == (value, value), ref
    assert pytest.approx(-npf.pmt(R, 120, CAPITALIZED), abs=5e-5) == 594.6289  # as written above
    # B23 (the default scenario's payback) is left to the regeneration check above: its
    # figures come from the model's defaults, which tests/test_udfs.py checks.


def test_example_payback_column_is_cost_over_raise():
    ws = openpyxl.load_workbook(EXAMPLE)["Ranges"]
    salaries = [ws[f"A{row}"].value for row in range(2, 12)]
    assert salaries == list(range(70_000, 160_001, 10_000))
    # PAYBACK(180000, 60000, A2:A11) at the default person's tax rate t (25%), with no growth
    # (the data's default) or discounting: 180000 / ((1 - t)(A - 60000)), e.g.
    # 180000 / 7500 = 24 years at 70000, 180000 / 52500 = 3.43 at 130000
    t = figure("assumption.tax_rate")["value"]
    closed_form = [180_000 / ((1 - t) * (salary - 60_000)) for salary in salaries]
    assert [r[0] for r in result(ws, "B2")] == pytest.approx(closed_form, rel=1e-12)
    assert [ws[f"C{row}"].value for row in range(2, 12)] == pytest.approx(closed_form, rel=1e-12)
    assert closed_form[:2] == pytest.approx([24, 12]) and t == 0.25


def test_example_evaluate_figures_that_follow_from_its_inputs_by_hand():
    ws = openpyxl.load_workbook(EXAMPLE)["Ranges"]
    inputs = {ws[f"E{row}"].value: ws[f"F{row}"].value for row in range(2, 10)}
    assert inputs == {
        "Kind": "masters",
        "Length (years)": 2,
        "Tuition per year": 52000,
        "Salary after": 120883,
        "Current salary": 58260,
        "Tax rate": 0.25,
        "Share borrowed": 1,
        "Savings available": 10000,
    }
    rows = result(ws, "H1")
    computed = dict(rows[1:])
    written = {label: ws[f"J{1 + i}"].value for i, (label, _) in enumerate(rows) if i}
    federal_fee = figure("loan.direct_unsub_grad_2026_27.fee")["value"]
    expected = {
        # tuition 52000 * 2 years; every other cost defaults to 0
        "Cost of attendance": 104_000,
        # 58260 * (2 years + 3 months to a job, a master's) * (1 - 0.25), full time
        "Income given up": pytest.approx(58_260 * 2.25 * 0.75, rel=1e-12),
        # the federal loans' fee: 41000 * 0.01057 (the fee of federal loans first paid out from
        # 2026-07, defaults.toml) = 433.37
        "Loan fees": pytest.approx(41_000 * federal_fee, abs=0.005),
        # the sum of its parts, as the model reports them
        "Amount borrowed": pytest.approx(
            computed["Federal loans"] + computed["Private loans"], rel=1e-12
        ),
        # cost of attendance + income given up + loan cost in today's dollars
        "Total cost": pytest.approx(
            104_000 + 58_260 * 2.25 * 0.75 + computed["Loan cost (today's $)"], rel=1e-12
        ),
        # principal and interest: amount borrowed + total interest
        "Total paid on loans": pytest.approx(
            computed["Amount borrowed"] + computed["Total interest"], rel=1e-12
        ),
    }
    for label, value in expected.items():
        assert computed[label] == value, label
        assert written[label] == value, label
    assert federal_fee == 0.01057 and 41_000 * federal_fee == pytest.approx(433.37)


def test_example_loan_schedule_is_the_one_worked_out_month_by_month():
    ws = openpyxl.load_workbook(EXAMPLE)["Loan schedule"]
    assert [ws[f"B{row}"].value for row in range(1, 6)] == [20500, 0.0794, 10, 6, True]
    rows = result(ws, "D1")
    assert rows[0] == ["Month", "Payment", "Interest", "Principal", "Balance"]
    # Worked out here: 6 months of simple interest, 20500 * 0.0794 / 12 = 135.64 a month,
    # added to the balance (capitalized: 20500 + 6 * 135.64 = 21313.85); then 120 equal
    # payments (numpy-financial: 257.92), each paying the month's interest on the balance first.
    balance, expected = 20500.0, []
    for month in range(1, 7):
        balance += 20500 * R
        expected.append([month, 0, 20500 * R, 0, balance])
    payment = -npf.pmt(R, 120, balance)
    for month in range(7, 127):
        interest = balance * R
        balance -= payment - interest
        expected.append([month, payment, interest, payment - interest, balance])
    assert len(rows) - 1 == len(expected) == 126
    for got, want in zip(rows[1:], expected, strict=True):
        assert got[:4] == pytest.approx(want[:4], rel=1e-9, abs=1e-9)
        assert got[4] == pytest.approx(want[4], abs=1e-6)  # the last balance is 0
    assert payment == pytest.approx(257.92, abs=0.005)
    assert pytest.approx(21313.85) == 20500 + 6 * 20500 * R


def test_example_compare_costs_of_attendance_are_the_sums_of_their_parts():
    ws = openpyxl.load_workbook(EXAMPLE)["Compare"]
    header = [c.value for c in ws[1]]
    table = [
        dict(zip(header, [c.value for c in row], strict=True))
        for row in ws.iter_rows(min_row=2, max_row=9)
    ]
    # By hand, from the rows above (years; tuition, books, travel per year; living per month;
    # relocation; programme price; fees, caregiving, aid and employer help are 0 in every row):
    # CMU 2*52000 + 2*1500 + 24*1000 + 5000 = 136000; private 2*27776 + 3000 + 24000 + 5000
    # = 87552; public 2*12171 + 3000 = 27342; online 3*12171 + 3*1500 = 41013; hybrid
    # 2*27776 + 3000 + 2*3000 = 64552; the bootcamps their price, 13500 and 7500; self-study
    # 1*1000.
    by_hand = [136_000, 87_552, 27_342, 41_013, 64_552, 13_500, 7_500, 1_000]
    assert all(
        t[k] == 0
        for t in table
        for k in (
            "fees_per_year",
            "caregiving_per_month",
            "aid_per_year",
            "employer_assistance_per_year",
        )
    )
    sums = [
        t["years"]
        * (
            t["tuition_per_year"]
            + t["books_per_year"]
            + t["travel_per_year"]
            + 12 * t["living_per_month"]
        )
        + t["relocation"]
        + t["program_price"]
        for t in table
    ]
    assert sums == by_hand
    rows = result(ws, "A11")
    columns = rows[0]
    found = [dict(zip(columns, r, strict=True)) for r in rows[1:]]
    written = [
        {ws.cell(22, c).value: ws.cell(row, c).value for c in range(1, 30)} for row in range(23, 31)
    ]
    for got in (found, written):
        assert [r["Cost of attendance"] for r in got] == by_hand
        # total cost = cost of attendance + income given up + loan cost in today's dollars
        for r in got:
            assert r["Total cost"] == pytest.approx(
                r["Cost of attendance"] + r["Income given up"] + r["Loan cost (today's $)"],
                rel=1e-12,
            )
