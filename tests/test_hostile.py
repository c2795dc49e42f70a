"""Hostile and odd inputs, by the face they reach: files of the command line,
arguments of the Excel functions, and what the command writes.

The rule for every case: bad input ends with exit code 2 and one line on
stderr naming the file, row and field and what is allowed (never a
traceback, nothing on stdout); an Excel function returns an error value
string such as ``"#VALUE! field: message"``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from mlworth_xl.cli import main
from mlworth_xl.cli.render import to_csv, to_json
from mlworth_xl.excel import cells
from mlworth_xl.inputs import read_programs

# whole workbooks: left out of the quick loop (README, Development)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["name", "years", "tuition_per_year", "salary_after"]

#: Address space of a command run under a limit: far below the ~22 GB that reading a sheet
#: as the rectangle up to XFD1048576 takes (1,048,576 rows x 16,384 columns).
LIMIT_BYTES = 1_500_000_000
LIMITED = textwrap.dedent(f"""
    import resource, runpy, sys
    resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))
    sys.argv = ["mlworth-xl", *sys.argv[1:]]
    runpy.run_module("mlworth_xl", run_name="__main__")
""")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_limited(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process that cannot take more than :data:`LIMIT_BYTES` of memory."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", LIMITED, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused(result, *words: str) -> str:
    """The one line of a refusal (exit 2, nothing on stdout), checked for ``words``."""
    code = result.returncode if hasattr(result, "returncode") else result.exit_code
    assert code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def programs_xlsx(path: Path, *, far: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programs"
    ws.append(HEADER)
    ws.append(["MS", 2, 52000, 120883])
    if far:
        ws[far] = 1
    wb.save(path)
    return path


def declared_far(path: Path) -> Path:
    """A programs sheet of two rows whose XML declares the extent A1:XFD1048576."""
    import zipfile

    src = programs_xlsx(path.with_name("plain.xlsx"))
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = xml.index("<dimension")
    end = xml.index("/>", start) + 2
    parts["xl/worksheets/sheet1.xml"] = (
        xml[:start] + '<dimension ref="A1:XFD1048576"/>' + xml[end:]
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, payload in parts.items():
            out.writestr(name, payload)
    return path


# --- CLI files ---------------------------------------------------------------------------


def test_far_cell_in_programs_is_refused_within_the_memory_limit(tmp_path):
    path = programs_xlsx(tmp_path / "far.xlsx", far="XFD1048576")
    assert path.stat().st_size < 10_000  # a file of a few kilobytes
    line = refused(
        run_limited("compare", "--programs", str(path)),
        str(path),
        "programs",
        "XFD1048576",
        "at most 10,000 rows and 200 columns",
    )
    assert line.startswith("mlworth-xl: error: ")


def test_declared_far_extent_alone_reads_the_real_rows_within_the_memory_limit(tmp_path):
    path = declared_far(tmp_path / "declared.xlsx")
    result = run_limited("compare", "--programs", str(path), "--no-odds", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [r[0] for r in rows[1:]] == ["MS"]  # the one option the sheet holds


@pytest.mark.parametrize(
    ("far", "words"),
    [
        ("A10001", ["A10001", "at most 10,000 rows"]),  # one row past the limit
        ("GS2", ["GS2", "200 columns"]),  # column 201 (GS), one past the limit
    ],
)
def test_values_just_past_the_table_limits_are_refused(tmp_path, far, words):
    path = programs_xlsx(tmp_path / "p.xlsx", far=far)
    refused(run("compare", "--programs", str(path)), str(path), *words)


def test_far_cell_in_a_checked_workbook_is_refused_within_the_memory_limit(
    tmp_path, default_workbook
):
    book = tmp_path / "client.xlsx"
    wb = openpyxl.load_workbook(default_workbook)  # as `mlworth-xl workbook` writes it
    wb["Guide"]["XFD1048576"] = 1
    wb.save(book)
    # 1,048,576 x 16,384 = 17,179,869,184 cells spanned
    refused(
        run_limited("check", str(book)),
        str(book),
        "workbook",
        "'Guide'",
        "A1:XFD1048576",
        "17,179,869,184 cells",
        "at most 2,000,000 cells",
    )


# --- Output ------------------------------------------------------------------------------


def strict_json(text: str):
    """JSON as the standard has it: Infinity and NaN are not numbers there."""

    def refuse(name: str):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_of_the_default_comparison_is_strict_json():
    result = run("compare", "--format", "json")
    assert result.exit_code == 0
    assert len(strict_json(result.stdout)) > 0


def test_json_has_null_for_an_infinite_roi(tmp_path):
    # 1e-320 years: a cost of about 52,000 x 1e-320 dollars, so ROI = gain / cost overflows
    path = tmp_path / "tiny.csv"
    path.write_text(
        "name,years,tuition_per_year,salary_after,placement_prob,months_to_job\n"
        "Tiny,1e-320,52000,90000,1,0\n",
        encoding="utf-8",
    )
    result = run("compare", "--programs", str(path), "--format", "json", "--no-odds")
    assert result.exit_code == 0, result.stderr
    (record,) = strict_json(result.stdout)
    assert record["ROI if completed"] is None


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan, float("inf")])
def test_json_writes_null_for_every_non_finite_number(value):
    import pandas as pd

    frame = pd.DataFrame({"Option": ["A"], "ROI": [value], "NPV": [np.float64(1.5)]})
    assert strict_json(to_json(frame)) == [{"Option": "A", "ROI": None, "NPV": 1.5}]


HOSTILE_NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_csv_text_that_starts_like_a_formula_gets_a_single_quote(name):
    from mlworth_xl import compare
    from mlworth_xl.model.records import Program, Programs

    # a second option that never pays back within the horizon: its NPV is negative
    table = Programs.from_records(
        [
            Program(name, years=1, tuition_per_year=10_000, salary_after=80_000),
            Program("Costly", years=1, tuition_per_year=400_000, salary_after=1_000),
        ]
    )
    frame = compare(table, odds=False)
    rows = list(csv.DictReader(io.StringIO(to_csv(frame), newline="")))
    by_name = {r["Option"]: r for r in rows}
    # OWASP: a leading single quote (and a carriage return as a line feed, in a quoted cell)
    assert set(by_name) == {"'" + name.replace("\r", "\n"), "Costly"}
    npv = "NPV if completed"
    costly = frame[frame["Option"] == "Costly"][npv].iloc[0]
    assert costly < 0
    assert float(by_name["Costly"][npv]) == pytest.approx(costly, rel=1e-9)  # a number, as is


# --- CLI files: how numbers and columns are read --------------------------------------

EURO = "name;years;tuition_per_year;salary_after;loan_apr\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # European Excel: the comma is the decimal point, dots group thousands
        (
            EURO + "MS;1,5;52.000;120.883,50;7,94%\n",
            {
                "years": 1.5,
                "tuition_per_year": 52_000.0,
                "salary_after": 120_883.5,
                "loan_apr": 0.0794,
            },
        ),
        (
            EURO + "MS;2;52000;1.052.000;0,05\n",  # 1.052.000: two groups of three, 1,052,000
            {
                "years": 2.0,
                "tuition_per_year": 52_000.0,
                "salary_after": 1_052_000.0,
                "loan_apr": 0.05,
            },
        ),
        # no decimal comma anywhere: a dot is a decimal point unless it could group thousands
        (
            EURO + "MS;2,5;52000;90000;0.05\n".replace("2,5", "2.5"),
            {
                "years": 2.5,
                "tuition_per_year": 52_000.0,
                "salary_after": 90_000.0,
                "loan_apr": 0.05,
            },
        ),
    ],
)
def test_semicolon_csv_numbers_are_read_in_the_files_style(tmp_path, text, expected):
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    table = read_programs(path)
    assert {k: float(table.columns[k][0]) for k in expected} == pytest.approx(expected)


CSV_HEADER = ",".join(HEADER)

# file name, its text, the words the one line of the refusal holds
BAD_FILES = [
    (
        "dot-or-thousands.csv",
        EURO + "MS;2;52.000;90000;0\n",
        ["row 2", "tuition_per_year", "'52.000' is ambiguous"],
    ),
    (
        "dot-in-european.csv",
        EURO + "MS;1.5;52000;90000;7,94%\n",
        ["row 2", "years", "'1.5' is ambiguous in a file with decimal commas"],
    ),
    (
        "letters.toml",
        'salary = "9US0000"\n',
        ["salary", "'9US0000' is not a number", "allowed: a number from 0 to 10,000,000"],
    ),
    (
        "letters.csv",
        CSV_HEADER + "\nMS,2,52k,90000\n",
        ["row 2", "tuition_per_year", "'52k' is not a number"],
    ),
    (
        "currency-on-years.csv",
        CSV_HEADER + "\nMS,$2,52000,90000\n",
        ["row 2", "years", "a currency is not allowed here"],
    ),
    (
        "beyond-header.csv",
        CSV_HEADER + "\nMS,2,52000,90000\nBC,1,100,50000,oops\n",
        ["row 3", "column 5 (E)", "'oops' is in a column without a header"],
    ),
    (
        "blank-header.csv",
        "name,years,,tuition_per_year,salary_after\nMS,2,9,52000,90000\n",
        ["row 2", "column 3 (C)", "'9' is in a column without a header"],
    ),
]


@pytest.mark.parametrize(("name", "text", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_exit_2_with_one_line(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    option = "--person" if name.endswith(".toml") else "--programs"
    refused(run("compare", option, str(path)), str(path), *words)


def test_xlsx_value_beyond_the_header_is_refused(tmp_path):
    path = programs_xlsx(tmp_path / "p.xlsx", far="F2")
    refused(
        run("compare", "--programs", str(path)),
        str(path),
        "row 2",
        "column 6 (F)",
        "'1' is in a column without a header",
    )


# --- Excel functions ---------------------------------------------------------------------


def evaluate(row: list, measure: str = "npv"):
    from mlworth_xl.udfs import MLWORTH_EVALUATE

    base = [["years", 2.0], ["tuition_per_year", 52000.0], ["salary_after", 120883.0]]
    return MLWORTH_EVALUATE([r for r in base if r[0] != row[0]] + [row], measure)


# kind of case, scenario row, the text the cell shows
BAD_SCENARIO = [
    (
        "text for a TRUE/FALSE",
        ["capitalize_interest", "maybe"],
        "#VALUE! scenario, row 4: capitalize_interest: 'maybe' is not TRUE or FALSE; allowed: "
        "TRUE, FALSE, 1 or 0",
    ),
    (
        "number for a TRUE/FALSE",
        ["private_deferment", 7.0],
        "#NUM! scenario, row 4: private_deferment: 7 is not TRUE or FALSE",
    ),
    (
        "unknown code name",
        ["repayment_plan", "bogus"],
        "#VALUE! scenario, row 4: repayment_plan: 'bogus' is not allowed; allowed: 0 (fixed), "
        "1 (tiered) or 2 (rap)",
    ),
    (
        "integer too large for a float",
        ["years", 10**400],
        "#NUM! scenario, row 3: years: a number of 401 digits is out of range; allowed: a number "
        "above 0 and at most 10",
    ),
    (
        "almost a whole number",
        ["loan_term_years", 10.000000000001],
        "loan_term_years: 10.000000000001 is not a whole number",
    ),
]


@pytest.mark.parametrize(("kind", "row", "shown"), BAD_SCENARIO, ids=[b[0] for b in BAD_SCENARIO])
def test_bad_scenario_values_name_the_field(kind, row, shown):
    result = evaluate(row)
    assert isinstance(result, str) and result.startswith("#")
    assert shown in result


@pytest.mark.parametrize(
    ("field", "same"),
    [
        # each pair reads the same input: TRUE and 1, FALSE and 0, a code's name and its number
        ("capitalize_interest", [True, 1.0, "TRUE", np.bool_(True)]),
        ("grad_plus_legacy", [False, 0.0, "false", np.int64(0)]),
        ("financing", ["federal", "FEDERAL", 1.0]),  # fields.FINANCING: 0 simple, 1 federal
        ("financing", ["simple", "Simple", 0.0]),
        ("repayment_plan", ["rap", "RAP", 2.0]),  # fields.PLANS: 0 fixed, 1 tiered, 2 rap
        ("repayment_plan", ["fixed", 0.0]),
        ("repayment_plan", ["tiered", 1.0]),
    ],
)
def test_scenario_names_and_numbers_of_an_input_mean_the_same(field, same):
    rows = [["loan_share", 1.0], [field, None]]
    results = []
    for value in same:
        rows[1][1] = value
        scenario = [
            ["years", 2.0],
            ["tuition_per_year", 52000.0],
            ["salary_after", 120883.0],
            *rows,
        ]
        from mlworth_xl.udfs import MLWORTH_EVALUATE

        results.append(MLWORTH_EVALUATE(scenario, "total_cost"))
    assert all(isinstance(r, float) for r in results), results
    assert results == [results[0]] * len(results)


def test_the_names_of_codes_pick_different_inputs():
    # so the equalities above cannot hold by an input being ignored: the two financings and
    # the three plans of a fully borrowed option cost differently
    totals = {v: evaluate_total(["financing", v]) for v in ("simple", "federal")}
    totals |= {v: evaluate_total(["repayment_plan", v]) for v in ("fixed", "tiered", "rap")}
    totals |= {str(v): evaluate_total(["capitalize_interest", v]) for v in (True, False)}
    assert totals["simple"] != totals["federal"]
    assert len({totals["fixed"], totals["tiered"], totals["rap"]}) == 3
    assert totals["True"] != totals["False"]


def evaluate_total(row: list) -> float:
    from mlworth_xl.udfs import MLWORTH_EVALUATE

    return MLWORTH_EVALUATE(
        [
            ["years", 2.0],
            ["tuition_per_year", 52000.0],
            ["salary_after", 120883.0],
            ["loan_share", 1.0],
            row,
        ],
        "total_cost",
    )


@pytest.mark.parametrize("value", [np.float64(52000.0), np.int64(52000), 52000])
def test_numpy_numbers_are_numbers(value):
    from mlworth_xl.udfs import MLWORTH_COST

    # tuition 52,000 a year over the default 2 years with no other cost: 2 x 52,000
    assert MLWORTH_COST(value) == 104_000.0
    assert cells.cell_number(value, cells.fields.PROGRAM["tuition_per_year"]) == 52_000.0


def test_integer_too_large_for_an_argument_names_it():
    from mlworth_xl.udfs import MLWORTH_COST

    assert MLWORTH_COST(10**400) == (
        "#NUM! tuition_per_year: a number of 401 digits is out of "
        "range; allowed: a number from 0 to 500,000"
    )


# --- The table of careless and hostile inputs, by face ---------------------------------------
#
# Each case: its id, a function that writes the files it needs into a fresh folder (the
# current folder of the run) and returns the command's arguments, and the words the one line
# on stderr holds (what is wrong and what is allowed).  Every case ends with exit code 2 and
# that one line, no traceback, nothing on stdout, and the folder as it was: no file changed,
# none left behind.


def _write(name: str, content: str | bytes):
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return make


def _programs(name: str, content: str | bytes):
    return lambda folder: ["compare", "--programs", str(_write(name, content)(folder))]


def _person(name: str, content: str | bytes):
    return lambda folder: ["compare", "--person", str(_write(name, content)(folder))]


def _plain(*args: str):
    return lambda folder: list(args)


def _readonly(folder: Path) -> list[str]:
    path = _write("client.xlsx", b"old")(folder)
    path.chmod(0o444)
    return ["workbook", "-o", str(path), "--force", "--no-risk"]


def _existing_pdf(folder: Path) -> list[str]:
    _write("client.pdf", b"%PDF old")(folder)
    return ["workbook", "-o", str(folder / "client.xlsx"), "--pdf", "--no-risk"]


def _existing(args: list[str], name: str):
    def make(folder: Path) -> list[str]:
        _write(name, b"old")(folder)
        return args

    return make


ROW = CSV_HEADER + "\n"
CLI_CASES = [
    # --- compare: files of programs
    (
        "binary-programs",
        _programs("p.csv", b"\x7fELF\x02\x01\x00\x00" * 8),
        [
            "p.csv",
            "is not a text file",
            "binary data (it is mostly control characters)",
            "allowed: a CSV",
        ],
    ),
    (
        "xlsx-named-csv",
        _programs("p.csv", b"PK\x03\x04" + b"\x00" * 30),
        ["is not a text file", "a zip archive (an Excel .xlsx workbook? give it the .xlsx ending)"],
    ),
    ("pdf-named-csv", _programs("p.csv", b"%PDF-1.4\n%\xe2\xe3\n"), ["it looks like a PDF"]),
    (
        "xls-named-txt",
        _programs("p.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8),
        ["an old Excel .xls workbook (save it as .xlsx or CSV)"],
    ),
    ("empty-programs", _programs("p.csv", ""), ["programs: the file is empty"]),
    ("header-only", _programs("p.csv", ROW), ["the table has a header but no rows"]),
    (
        "duplicate-column",
        _programs("p.csv", "name,name,years,tuition_per_year,salary_after\na,b,2,52000,90000\n"),
        ["duplicate column: name appears twice"],
    ),
    (
        "required-column-missing",
        _programs("p.csv", "name,years\nMS,2\n"),
        ["tuition_per_year: required column is missing"],
    ),
    (
        "no-name",
        _programs("p.csv", ROW + ",2,52000,90000\n"),
        ["row 2", "name: is empty; every option needs a name"],
    ),
    (
        "nan-years",
        _programs("p.csv", ROW + "MS,nan,52000,90000\n"),
        ["row 2", "years: must be a finite number, not NaN", "allowed: a number above 0"],
    ),
    (
        "utf16-without-rows",
        _programs("p.txt", "name\tyears\r\n".encode("utf-16")),
        ["required column is missing"],
    ),
    (
        "programs-json",
        lambda f: ["compare", "--programs", str(_write("p.json", "{}")(f))],
        ["unknown file type '.json'; allowed: .csv, .txt, .xlsx, .xlsm"],
    ),
    (
        "programs-folder",
        lambda f: ["compare", "--programs", str(f)],
        ["Invalid value for '--programs'", "is a directory"],
    ),
    (
        "programs-missing",
        _plain("compare", "--programs", "nowhere.csv"),
        ["nowhere.csv", "file not found"],
    ),
    # --- compare: files of the person
    (
        "binary-person",
        _person("me.toml", b"\x00\x01\x02\x03"),
        ["me.toml", "is not a text file", "allowed: a TOML text file (UTF-8)"],
    ),
    ("person-not-toml", _person("me.toml", "salary = \n"), ["not valid TOML"]),
    (
        "person-typo",
        _person("me.toml", "salry = 5\n"),
        ["salry: is not a person field; fields are: salary"],
    ),
    (
        "person-negative",
        _person("me.toml", "salary = -5\n"),
        ["salary: -5 is out of range; allowed: a number from 0 to 10,000,000"],
    ),
    (
        "person-half-year",
        _person("me.toml", "horizon_years = 0.5\n"),
        ["horizon_years: 0.5 is out of range; allowed: a whole number from 1 to 80"],
    ),
    (
        "person-utf16",
        _person("me.toml", "salary = 1\n".encode("utf-16")),
        ["me.toml", "person: not valid TOML"],
    ),  # TOML is UTF-8 by its specification
    (
        "stray-nul-in-a-cell",
        _programs("p.csv", ROW + "MS,2\0,52000,90000\n"),
        ["row 2", "years", "is not a number"],
    ),
    # --- compare: options
    (
        "format-xml",
        _plain("compare", "--format", "xml"),
        ["'xml' is not one of 'table', 'csv', 'json'", "see mlworth-xl compare --help"],
    ),
    (
        "data-preset",
        _plain("--data", "newest", "compare"),
        ["'newest' is not one of 'current', 'article'"],
    ),
    ("no-such-command", _plain("comapre"), ["No such command 'comapre'"]),
    # --- risk
    (
        "completion-over-100",
        _plain("risk", "--completion-prob", "150%", "--draws", "10"),
        ["--completion-prob: '150%' is 1.5, out of range; allowed: a number from 0 (0%) to 1"],
    ),
    (
        "completion-text",
        _plain("risk", "--completion-prob", "most", "--draws", "10"),
        ["--completion-prob: 'most' is not a number; allowed: a number from 0 (0%) to 1 (100%)"],
    ),
    (
        "completion-90",
        _plain("risk", "--completion-prob", "90", "--draws", "10"),
        ["completion_prob: 90 looks like a percentage; enter 0.9 (90%) or write 90%"],
    ),
    ("draws-0", _plain("risk", "--draws", "0"), ["'--draws': 0 is not in the range 1<=x<="]),
    (
        "draws-too-many",
        _plain("risk", "--draws", "100000000"),
        ["'--draws': 100000000 is not in the range 1<=x<=10000000"],
    ),
    ("seed-negative", _plain("risk", "--seed", "-1"), ["'--seed': -1 is not in the range x>=0"]),
    ("within-0", _plain("risk", "--within", "0"), ["'--within': 0.0 is not in the range x>0"]),
    (
        "sigma-nan",
        _plain("risk", "--salary-sigma", "nan", "--draws", "10"),
        ["salary_sigma: must be a finite number, not NaN; allowed: a number from 0 to 2"],
    ),
    (
        "job-search",
        _plain("risk", "--job-search", "random"),
        ["'random' is not one of 'geometric', 'fixed'"],
    ),
    # --- workbook
    (
        "o-missing-folder/",
        _plain("workbook", "-o", "nowhere/", "--no-risk"),
        [
            "-o: the folder 'nowhere/' does not exist; allowed: a folder that exists or a file "
            "name ending in .xlsx"
        ],
    ),
    (
        "o-missing-parent",
        _plain("workbook", "-o", "nowhere/client.xlsx", "--no-risk"),
        ["-o: the folder 'nowhere' does not exist"],
    ),
    (
        "o-not-xlsx",
        _plain("workbook", "-o", "client.txt", "--no-risk"),
        ["-o: 'client.txt' must end in .xlsx"],
    ),
    (
        "o-exists",
        _existing(["workbook", "-o", "client.xlsx", "--no-risk"], "client.xlsx"),
        ["-o: client.xlsx already exists; use --force to replace it"],
    ),
    ("o-read-only", _readonly, ["client.xlsx is read-only; make it writable (chmod u+w)"]),
    ("pdf-exists", _existing_pdf, ["client.pdf already exists; use --force to replace it"]),
    ("workbook-draws-0", _plain("workbook", "--draws", "0"), ["'--draws': 0 is not in the range"]),
    # --- check
    (
        "check-csv",
        lambda f: ["check", str(_write("c.csv", "a,b\n")(f))],
        ["unknown file type '.csv'; allowed: .xlsx, .xlsm"],
    ),
    ("check-empty", lambda f: ["check", str(_write("c.xlsx", b"")(f))], ["the file is empty"]),
    (
        "check-text-as-xlsx",
        lambda f: ["check", str(_write("c.xlsx", "name,years\n")(f))],
        ["not an Excel .xlsx workbook"],
    ),
    ("check-folder", lambda f: ["check", str(f)], ["is a folder, not a file"]),
    ("check-missing", _plain("check", "gone.xlsx"), ["gone.xlsx: workbook: file not found"]),
    # --- excel
    (
        "wheel-url-newline",
        _plain("excel", "--lite", "--wheel-url", "https://example.org/m.whl\nevil==1.0"),
        ["holds the character '\\n'; allowed: one http(s) URL of a .whl file"],
    ),
    (
        "wheel-url-space",
        _plain("excel", "--lite", "--wheel-url", "https://example.org/a b.whl"),
        ["holds the character ' '"],
    ),
    (
        "wheel-url-ftp",
        _plain("excel", "--lite", "--wheel-url", "ftp://example.org/m.whl"),
        ["'ftp://example.org/m.whl' is not allowed; allowed: an http(s) URL of a .whl file"],
    ),
    (
        "wheel-url-not-wheel",
        _plain("excel", "--lite", "--wheel-url", "https://example.org/x"),
        ["is not allowed; allowed: an http(s) URL of a .whl file"],
    ),
    (
        "example-not-xlsx",
        _plain("excel", "--example", "functions.xls"),
        ["the example workbook must end in .xlsx"],
    ),
    (
        "example-exists",
        _existing(["excel", "--example", "f.xlsx"], "f.xlsx"),
        ["f.xlsx already exists; add --force to overwrite it"],
    ),
]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"", p.stat().st_mode)
        for p in folder.rglob("*")
    }


@pytest.mark.parametrize(
    ("make", "words"), [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES]
)
def test_cli_case_exits_2_with_one_line_and_changes_nothing(tmp_path, monkeypatch, make, words):
    monkeypatch.chdir(tmp_path)
    args = make(tmp_path)
    before = snapshot(tmp_path)
    line = refused(CliRunner().invoke(main, args, prog_name="mlworth-xl"), *words)
    assert line.startswith("mlworth-xl"), line
    assert snapshot(tmp_path) == before


# --- Files: text in the encodings and line endings spreadsheets export -----------------------

TEXT = "name\tyears\ttuition_per_year\tsalary_after\nMS\t2\t52000\t120883\n"


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("utf16-tab.txt", TEXT.replace("\n", "\r\n").encode("utf-16")),  # Excel "Unicode text"
        ("utf16-be.txt", b"\xfe\xff" + TEXT.encode("utf-16-be")),
        ("utf16-comma.csv", TEXT.replace("\t", ",").encode("utf-16")),
        ("cr-only.csv", TEXT.replace("\t", ",").replace("\n", "\r").encode()),  # old Mac
        ("crlf.csv", TEXT.replace("\t", ",").replace("\n", "\r\n").encode()),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + TEXT.encode()),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_text_in_any_export_encoding_reads_the_same(tmp_path, name, payload):
    path = tmp_path / name
    path.write_bytes(payload)
    table = read_programs(path)
    assert table.names == ["MS"]
    # the values of the file: 2 years, 52,000 a year, 120,883 after
    assert [float(table.columns[k][0]) for k in ("years", "tuition_per_year", "salary_after")] == [
        2.0,
        52_000.0,
        120_883.0,
    ]


# --- Files the command writes: a full disk, a damaged file back from LibreOffice -------------

FULL_DISK = textwrap.dedent("""
    import resource, runpy, signal, sys
    limit = int(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sys.argv = ["mlworth-xl", *sys.argv[2:]]
    runpy.run_module("mlworth_xl", run_name="__main__")
""")


@pytest.mark.parametrize("limit", [2_000, 100_000, 400_000])
def test_a_full_temporary_folder_ends_in_one_line(tmp_path, limit):
    # files may grow to `limit` bytes, as on a disk that fills up part-way through the sheets
    tmp, out = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            FULL_DISK,
            str(limit),
            "workbook",
            "-o",
            str(out / "client.xlsx"),
            "--no-risk",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "mlworth-xl: error: File too large while writing temporary files (free some space there "
        f"or set TMPDIR to a folder with room): {tmp}"
    ]
    assert list(tmp.iterdir()) == [] and list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "BadZipFile"),
        (lambda p: _zip_without_workbook(p), "KeyError"),
    ],
)
def test_a_damaged_workbook_back_from_libreoffice_ends_in_one_line(
    tmp_path, monkeypatch, damage, words
):
    from mlworth_xl.workbook import writer

    def recalculate(src: Path, dest: Path, **_: object) -> Path:
        damage(Path(dest))
        return Path(dest)

    monkeypatch.setattr(writer, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(writer, "recalculate", recalculate)
    result = CliRunner().invoke(
        main, ["workbook", "-o", str(tmp_path / "c.xlsx"), "--values", "--no-risk"]
    )
    line = refused(
        result, "LibreOffice returned a damaged workbook", words, "nothing was written, try again"
    )
    assert line.startswith("mlworth-xl: error: ")
    assert list(tmp_path.iterdir()) == []


def _zip_without_workbook(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="r" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )


# --- Excel functions: what a careless cell holds ---------------------------------------------

EXCEL_CASES = [
    (
        "tiered table is a 2-D range",
        lambda u: u.MLWORTH_DEFAULT("plan.tiered_standard"),
        # plan.tiered_standard: (balance up to, years) rows, the last without an upper bound
        [[25000, 10], [50000, 15], [100000, 20], [1e308, 25]],
    ),
    (
        "a list default is one row",
        lambda u: len(u.MLWORTH_DEFAULT("plan.rap_percent_by_agi_band")),
        1,
    ),
    (
        "unknown default",
        lambda u: u.MLWORTH_DEFAULT("no.such.key"),
        "#N/A no embedded figure called 'no.such.key'; see `mlworth-xl sources` for the list",
    ),
    ("number as a key", lambda u: u.MLWORTH_DEFAULT(5.0), "#VALUE! key: 5.0 is not text"),
    ("unknown source", lambda u: u.MLWORTH_SOURCE("nope"), "#N/A no embedded figure called"),
    (
        "financing with spaces",
        lambda u: evaluate(["financing", " Federal "]) == evaluate(["financing", 1.0]),
        True,
    ),
    (
        "financing 3",
        lambda u: evaluate(["financing", 3.0]),
        "financing: 3 is out of range; allowed: 0 (simple) or 1 (federal)",
    ),
    (
        "financing 1.5",
        lambda u: evaluate(["financing", 1.5]),
        "financing: 1.5 is out of range; allowed: 0 (simple) or 1 (federal)",
    ),
    ("unknown input", lambda u: evaluate(["yeers", 3.0]), "'yeers' is not an input; inputs are:"),
    (
        "given twice",
        lambda u: u.MLWORTH_EVALUATE([["years", 2.0], ["years", 3.0]], "npv"),
        "years is given twice",
    ),
    (
        "unknown measure",
        lambda u: evaluate(["years", 2.0], "npvv"),
        "#N/A measure: 'npvv' is not a measure; measures are:",
    ),
    (
        "text for a number",
        lambda u: evaluate(["tuition_per_year", "lots"]),
        "tuition_per_year: 'lots' is not a number; allowed: a number from 0 to 500,000",
    ),
    (
        "error value in a cell",
        lambda u: evaluate(["salary_after", "#N/A"]),
        "#N/A scenario, row 3: salary_after: the cell holds the error #N/A; fix that cell first",
    ),
    (
        "TRUE for a number",
        lambda u: evaluate(["salary_after", True]),
        "salary_after: TRUE is not a number",
    ),
    (
        "NaN salary",
        lambda u: evaluate(["salary_after", float("nan")]),
        "salary_after: must be a finite number, not NaN",
    ),
    (
        "percent typed as a whole",
        lambda u: evaluate(["loan_apr", 7.94]),
        "loan_apr: 7.94 looks like a percentage; enter 0.0794 (7.94%) or write 7.94%",
    ),
    (
        "month 13",
        lambda u: evaluate(["start_month", 13.0]),
        "start_month: 13 is out of range; allowed: a whole number from 1 to 12",
    ),
    (
        "negative principal",
        lambda u: u.MLWORTH_LOAN_PAYMENT(-1000, 0.05),
        "#NUM! principal: -1000 is out of range; allowed: a number from 0 to 100,000,000",
    ),
    (
        "term 0",
        lambda u: u.MLWORTH_LOAN_PAYMENT(1000, 0.05, 0),
        "#NUM! term_years: 0 is out of range; allowed: a whole number from 1 to 30",
    ),
    (
        "text tuition",
        lambda u: u.MLWORTH_COST("abc"),
        "#VALUE! tuition_per_year: 'abc' is text, not a number; allowed: a number from 0 to "
        "500,000",
    ),
    (
        "TRUE tuition",
        lambda u: u.MLWORTH_COST(True),
        "#VALUE! tuition_per_year: TRUE is not a number",
    ),
    (
        "NaN tuition",
        lambda u: u.MLWORTH_COST(float("nan")),
        "#NUM! tuition_per_year: must be a finite number, not NaN",
    ),
    (
        "unknown kind",
        lambda u: evaluate(["kind", "phd"]),
        "#VALUE! scenario, row 4: kind: 'phd' is not allowed; allowed: one of masters, online",
    ),
    ("known kind in any case", lambda u: isinstance(evaluate(["kind", "Bootcamp"]), float), True),
    (
        "value without a name",
        lambda u: evaluate([None, 3.0]),
        "#VALUE! scenario, row 4: a value without an input name; allowed: the input's name in the "
        "first column",
    ),
    ("blank row", lambda u: evaluate([None, None]) == evaluate(["years", 2.0]), True),
]


@pytest.mark.parametrize(
    ("call", "expected"), [c[1:] for c in EXCEL_CASES], ids=[c[0] for c in EXCEL_CASES]
)
def test_excel_function_case(call, expected):
    from mlworth_xl import udfs

    result = call(udfs)
    if isinstance(expected, str):
        assert isinstance(result, str) and result.startswith("#"), result
        assert expected in result, result
    else:
        assert result == expected
