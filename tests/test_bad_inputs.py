"""Every kind of bad input, through every face: the command line, the Python API, the functions.

Each row is one mistake people make.  The command line must exit with 2 and
one line on stderr naming the file, the row, the column and what is
allowed; the API must raise :class:`InputError` with the field among its
problems; an Excel function must give the right error value and name the
argument.  Other tables of mistakes live beside their code and count toward
the total: tests/test_udfs_errors.py (``BAD``: the functions) and
tests/test_inputs.py (the file readers).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mlworth_xl import udfs
from mlworth_xl.api import compare
from mlworth_xl.cli import main
from mlworth_xl.inputs import read_programs
from mlworth_xl.model import evaluate
from mlworth_xl.model.errors import MAX_LISTED_PROBLEMS, InputError
from mlworth_xl.model.records import Person, Program

H = "name,years,tuition_per_year,salary_after"
ALLOWED = "allowed"

# --- the command line -------------------------------------------------------------------------
# kind, file name, content (None: no file), extra arguments, row words, field, words in the line
CLI = [
    ("missing file", "p.csv", None, (), None, "programs", "file not found"),
    ("empty file", "p.csv", "", (), None, "programs", "the file is empty"),
    (
        "unknown extension",
        "p.json",
        "{}",
        (),
        None,
        "programs",
        "unknown file type '.json'; allowed: .csv",
    ),
    (
        "no extension",
        "programs",
        H + "\nA,1,1,1\n",
        (),
        None,
        "programs",
        "unknown file type '(none)'",
    ),
    ("header only", "p.csv", H + "\n", (), None, "programs", "the table has a header but no rows"),
    ("blank first row", "p.csv", "\n" + H + "\n", (), None, "programs", "no header row"),
    ("NUL bytes", "p.csv", H + "\nA,1\0,1,1\n", (), "row 2", "years", "is not a number"),
    (
        "BOM, then a bad value",
        "p.csv",
        "\ufeff" + H + "\nA,2,abc,90000\n",
        (),
        "row 2",
        "tuition_per_year",
        "'abc' is not a number; allowed: a number from 0 to 500,000",
    ),
    (
        "semicolons, then a bad value",
        "p.csv",
        H.replace(",", ";") + "\nA;2;1000;-5\n",
        (),
        "row 2",
        "salary_after",
        "-5 is out of range",
    ),
    (
        "missing column",
        "p.csv",
        "name,years,salary_after\nA,2,90000\n",
        (),
        "row 1",
        "tuition_per_year",
        "required column is missing",
    ),
    (
        "unknown column",
        "p.csv",
        H + ",tution_growth\nA,2,1,1,0\n",
        (),
        "row 1",
        "tution_growth",
        "unknown column; did you mean tuition_growth?",
    ),
    (
        "duplicate column",
        "p.csv",
        H + ",Salary after\nA,2,1,1,1\n",
        (),
        "row 1",
        "Salary after",
        "duplicate column: salary_after appears twice",
    ),
    (
        "blank rows keep their row numbers",
        "p.csv",
        H + "\n\n\nA,x,1,1\n",
        (),
        "row 4",
        "years",
        "'x' is not a number",
    ),
    (
        "text in a number column",
        "p.csv",
        H + "\nA,2,lots,90000\n",
        (),
        "row 2",
        "tuition_per_year",
        "'lots' is not a number",
    ),
    (
        "European thousands in a comma file",
        "p.csv",
        H + '\nA,2,"1.234,56",90000\n',
        (),
        "row 2",
        "tuition_per_year",
        "is ambiguous",
    ),
    (
        "misplaced grouping",
        "p.csv",
        H + '\nA,2,"12,34,5",90000\n',
        (),
        "row 2",
        "tuition_per_year",
        "is ambiguous",
    ),
    (
        "two percent signs",
        "p.csv",
        H + ",loan_apr\nA,2,1,1,7%%\n",
        (),
        "row 2",
        "loan_apr",
        "is not a number",
    ),
    (
        "APR 794",
        "p.csv",
        H + ",loan_apr\nA,2,1,1,794\n",
        (),
        "row 2",
        "loan_apr",
        "794 is out of range; allowed: a number from 0 (0%) to 0.4 (40%)",
    ),
    (
        "APR 7.94 meant as percent",
        "p.csv",
        H + ",loan_apr\nA,2,1,1,7.94\n",
        (),
        "row 2",
        "loan_apr",
        "7.94 looks like a percentage; enter 0.0794",
    ),
    (
        "300 years",
        "p.csv",
        H + "\nA,300,1,1\n",
        (),
        "row 2",
        "years",
        "300 is out of range; allowed: a number above 0 and at most 10",
    ),
    (
        "salary 1e12",
        "p.csv",
        H + "\nA,2,1,1e12\n",
        (),
        "row 2",
        "salary_after",
        "1e+12 is out of range; allowed: a number from 0 to 10,000,000",
    ),
    ("NaN", "p.csv", H + "\nA,NaN,1,1\n", (), "row 2", "years", "not NaN"),
    ("infinity", "p.csv", H + "\nA,2,inf,1\n", (), "row 2", "tuition_per_year", "not infinity"),
    ("minus infinity", "p.csv", H + "\nA,2,1,-inf\n", (), "row 2", "salary_after", "not -infinity"),
    (
        "overflowing number",
        "p.csv",
        H + "\nA,2,1e400,1\n",
        (),
        "row 2",
        "tuition_per_year",
        "not infinity",
    ),
    (
        "negative tuition in dollars",
        "p.csv",
        H + '\nA,2,"-$1,000",1\n',
        (),
        "row 2",
        "tuition_per_year",
        "-1000 is out of range",
    ),
    (
        "percent of a salary",
        "p.csv",
        H + "\nA,2,1,50%\n",
        (),
        "row 2",
        "salary_after",
        "a percentage is not allowed here",
    ),
    (
        "share above 100%",
        "p.csv",
        H + ",placement_prob\nA,2,1,1,150%\n",
        (),
        "row 2",
        "placement_prob",
        "'150%' is 1.5, out of range; allowed: a number from 0 (0%) to 1 (100%)",
    ),
    (
        "negative growth below the floor",
        "p.csv",
        H + ",tuition_growth\nA,2,1,1,-30%\n",
        (),
        "row 2",
        "tuition_growth",
        "'-30%' is -0.3, out of range",
    ),
    (
        "fractional term",
        "p.csv",
        H + ",loan_term_years\nA,2,1,1,10.5\n",
        (),
        "row 2",
        "loan_term_years",
        "10.5 is not a whole number",
    ),
    (
        "negative grace",
        "p.csv",
        H + ",grace_months\nA,2,1,1,-1\n",
        (),
        "row 2",
        "grace_months",
        "-1 is out of range",
    ),
    (
        "number for TRUE/FALSE",
        "p.csv",
        H + ",capitalize_interest\nA,2,1,1,2\n",
        (),
        "row 2",
        "capitalize_interest",
        "'2' is not TRUE or FALSE",
    ),
    (
        "unknown kind",
        "p.csv",
        H + ",kind\nA,2,1,1,phd\n",
        (),
        "row 2",
        "kind",
        "'phd' is not allowed; allowed: one of masters",
    ),
    ("empty name", "p.csv", H + "\n,2,1,1\n", (), "row 2", "name", "is empty"),
    ("empty required cell", "p.csv", H + "\nA,,1,1\n", (), "row 2", "years", "is empty; allowed"),
    (
        "horizon shorter than the program",
        "p.csv",
        H + "\nA,5,1,1\n",
        ("--person", "{short}"),
        "row 2",
        "horizon_years",
        "is shorter than the program",
    ),
    (
        "not a zip, named .xlsx",
        "p.xlsx",
        "name,years\n",
        (),
        None,
        "programs",
        "not an Excel .xlsx workbook",
    ),
    # person profiles
    ("person: missing file", "me.toml", None, ("--person",), None, "person", "file not found"),
    ("person: empty file", "me.toml", "", ("--person",), None, "person", "the file is empty"),
    (
        "person: wrong extension",
        "me.ini",
        "salary = 1\n",
        ("--person",),
        None,
        "person",
        "unknown file type '.ini'; allowed: .toml",
    ),
    (
        "person: negative salary",
        "me.toml",
        "salary = -1\n",
        ("--person",),
        None,
        "salary",
        "-1 is out of range; allowed: a number from 0 to 10,000,000",
    ),
    (
        "person: salary 1e12",
        "me.toml",
        "salary = 1e12\n",
        ("--person",),
        None,
        "salary",
        "out of range",
    ),
    ("person: NaN", "me.toml", "salary = nan\n", ("--person",), None, "salary", "not NaN"),
    (
        "person: infinity",
        "me.toml",
        "discount_rate = inf\n",
        ("--person",),
        None,
        "discount_rate",
        "not infinity",
    ),
    (
        "person: TRUE for a number",
        "me.toml",
        "savings = true\n",
        ("--person",),
        None,
        "savings",
        "True is not a number; allowed",
    ),
    (
        "person: a list for a number",
        "me.toml",
        "salary = [1, 2]\n",
        ("--person",),
        None,
        "salary",
        "[1, 2] is not a number",
    ),
    (
        "person: horizon 300 years",
        "me.toml",
        "horizon_years = 300\n",
        ("--person",),
        None,
        "horizon_years",
        "300 is out of range; allowed: a whole number from 1 to 80",
    ),
    (
        "person: discount 60%",
        "me.toml",
        'discount_rate = "60%"\n',
        ("--person",),
        None,
        "discount_rate",
        "'60%' is 0.6, out of range; allowed: a number from 0 (0%) to 0.5 (50%)",
    ),
    (
        "person: dollars typed ambiguously",
        "me.toml",
        'salary = "58,26"\n',
        ("--person",),
        None,
        "salary",
        "is ambiguous",
    ),
    (
        "person: a UTF-16 file",
        "me.toml",
        "salary = 1\n".encode("utf-16"),
        ("--person",),
        None,
        "person",
        "not valid TOML",
    ),
]


def _cli_case(tmp_path: Path, name: str, content, extra: tuple[str, ...]) -> tuple[Path, list]:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    short = tmp_path / "short.toml"
    short.write_text("horizon_years = 2\n", encoding="utf-8")
    if extra[:1] == ("--person",) and len(extra) == 1:
        return path, ["compare", "--person", str(path)]
    args = ["compare", "--programs", str(path)]
    args += [a.replace("{short}", str(short)) for a in extra]
    return path, args


@pytest.mark.parametrize(
    ("kind", "name", "content", "extra", "row", "field", "words"), CLI, ids=[c[0] for c in CLI]
)
def test_cli_refuses_with_one_line(tmp_path, kind, name, content, extra, row, field, words):
    path, args = _cli_case(tmp_path, name, content, extra)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"mlworth-xl: error: {path}")  # the file first
    where = f"{path}, {row}: {field}: " if row else f"{path}: {field}: "
    assert where in line and words in line, line
    assert "Traceback" not in result.stderr


def test_all_problems_of_a_file_at_once_on_one_capped_line(tmp_path):
    # 100 rows with a negative tuition each: 100 problems, the first 20 listed
    path = tmp_path / "p.csv"
    path.write_text(H + "\n" + "".join(f"O{i},1,-{i + 1},1\n" for i in range(100)))
    with pytest.raises(InputError) as info:
        read_programs(path)
    assert len(info.value.problems) == 100
    assert [p.row for p in info.value.problems] == list(range(2, 102))
    result = CliRunner().invoke(main, ["compare", "--programs", str(path)])
    [line] = result.stderr.splitlines()
    assert line.count("tuition_per_year: ") == MAX_LISTED_PROBLEMS
    assert line.endswith(f"; and {100 - MAX_LISTED_PROBLEMS} more problems")
    assert f"{path}, row 21: tuition_per_year: -20 is out of range" in line  # the 20th listed


def test_one_problem_more_than_listed_says_problem(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(H + "\n" + "".join(f"O{i},1,-1,1\n" for i in range(MAX_LISTED_PROBLEMS + 1)))
    with pytest.raises(InputError, match=r"; and 1 more problem$"):
        read_programs(path)


@pytest.mark.slow
def test_a_table_of_100000_rows_reads_and_evaluates(tmp_path):
    path = tmp_path / "big.csv"
    rows = (f"Option {i},{1 + i % 3},{1000 * (i % 50)},{60000 + i}\n" for i in range(100_000))
    path.write_text(H + "\n" + "".join(rows))
    start = time.perf_counter()
    frame = compare(path, odds=False)  # the odds take milliseconds an option: --no-odds
    assert len(frame) == 100_000
    assert frame["Option"].iloc[-1] == "Option 99999"
    assert time.perf_counter() - start < 120  # seconds; about 10 on a laptop


def test_unambiguous_ways_of_typing_numbers_are_accepted(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        H + ",loan_apr,placement_prob\n"
        'A,1.5,"$52,000"," 120,883 ",7.94 %,80%\n'
        'B,2,US$1000,"1,000,000.50",0.05,1\n'
    )
    table = read_programs(path)
    assert table.columns["tuition_per_year"].tolist() == [52_000, 1_000]
    assert table.columns["salary_after"].tolist() == [120_883, 1_000_000.5]
    assert table.columns["loan_apr"][0] == pytest.approx(0.0794, rel=1e-15)
    assert table.columns["placement_prob"].tolist() == [0.8, 1.0]


# --- the Python API ---------------------------------------------------------------------------
P = {"name": "MS", "years": 2, "tuition_per_year": 30_000, "salary_after": 90_000}

# kind, call, field named in the problems
API = [
    (
        "years as text",
        lambda: Program("MS", years="2", tuition_per_year=1, salary_after=1),
        "years",
    ),
    (
        "years as TRUE",
        lambda: Program("MS", years=True, tuition_per_year=1, salary_after=1),
        "years",
    ),
    ("name empty", lambda: Program("  ", years=1, tuition_per_year=1, salary_after=1), "name"),
    ("name not text", lambda: Program(5, years=1, tuition_per_year=1, salary_after=1), "name"),
    ("kind unknown", lambda: Program("MS", 1, 1, 1, kind="phd"), "kind"),
    (
        "capitalize as 1",
        lambda: Program("MS", 1, 1, 1, capitalize_interest=1),
        "capitalize_interest",
    ),
    ("salary NaN", lambda: Program("MS", 1, 1, math.nan), "salary_after"),
    ("tuition None", lambda: Program("MS", 1, None, 1), "tuition_per_year"),
    ("unknown key", lambda: Program.from_mapping({**P, "tution": 1}), "tution"),
    (
        "required key missing",
        lambda: Program.from_mapping({"name": "MS", "years": 1}),
        "tuition_per_year",
    ),
    ("person tax as percent", lambda: Person(tax_rate=25), "tax_rate"),
    ("person horizon 0", lambda: Person(horizon_years=0), "horizon_years"),
    ("person salary None", lambda: Person(salary=None), "salary"),
    ("person unknown key", lambda: Person.from_mapping({"salery": 1}), "salery"),
    ("person unknown figure", lambda: Person.from_mapping({"salary": "salary.nobody"}), "salary"),
    ("compare: a number for programs", lambda: compare(42), "programs"),
    ("compare: a number for a person", lambda: compare(None, 3.5), "person"),
    ("compare: no options", lambda: compare([]), "programs"),
    (
        "compare: a DataFrame without a column",
        lambda: compare(pd.DataFrame([{"name": "MS", "years": 1, "tuition_per_year": 1}])),
        "salary_after",
    ),
    ("compare: a missing file", lambda: compare("nowhere.csv"), "programs"),
    (
        "compare: horizon shorter than the program",
        lambda: compare([{**P, "years": 5}], {"horizon_years": 2}),
        "horizon_years",
    ),
    (
        "evaluate: one bad value of many",
        lambda: evaluate(years=[1, -1, 2], tuition_per_year=1, salary_after=1),
        "years",
    ),
    (
        "evaluate: text in an array",
        lambda: evaluate(years=np.array(["a"]), tuition_per_year=1, salary_after=1),
        "years",
    ),
    (
        "evaluate: infinity",
        lambda: evaluate(years=1, tuition_per_year=math.inf, salary_after=1),
        "tuition_per_year",
    ),
    (
        "evaluate: required input missing",
        lambda: evaluate(years=1, tuition_per_year=1),
        "salary_after",
    ),
    (
        "workbook: control characters in a name",
        lambda: __import__("mlworth_xl.workbook", fromlist=["build_workbook"]).build_workbook(
            [{**P, "name": "MS\x07"}]
        ),
        "name",
    ),
]


@pytest.mark.parametrize(("kind", "call", "field"), API, ids=[a[0] for a in API])
def test_api_raises_input_error_naming_the_field(kind, call, field):
    with pytest.raises(InputError) as info:
        call()
    assert field in [p.field for p in info.value.problems], str(info.value)
    assert "\n" not in str(info.value)


# --- the Excel functions (beyond tests/test_udfs_errors.py) -------------------------------------
# kind, function, arguments, error value, words
UDF = [
    (
        "ROI with an APR of 794",
        udfs.MLWORTH_ROI,
        (2.0, 52000.0, 120883.0, None, [["loan_apr", 794.0]]),
        "#NUM!",
        "loan_apr: 794 is out of range",
    ),
    (
        "NPV with a salary of 1e12",
        udfs.MLWORTH_NPV,
        (2.0, 52000.0, 1e12),
        "#NUM!",
        "salary_after: 1e+12 is out of range",
    ),
    (
        "cost of a 300-year program",
        udfs.MLWORTH_COST,
        (52000.0, 300.0),
        "#NUM!",
        "years: 300 is out of range",
    ),
    (
        "payback with -infinity",
        udfs.MLWORTH_PAYBACK,
        (180000.0, -math.inf, 100000.0),
        "#NUM!",
        "not -infinity",
    ),
    (
        "break-even with NaN",
        udfs.MLWORTH_BREAK_EVEN_SALARY,
        (math.nan, 52000.0),
        "#NUM!",
        "years: must be a finite number, not NaN",
    ),
    (
        "loan interest typed with a dollar sign",
        udfs.MLWORTH_LOAN_INTEREST,
        ("$41,000", 0.05),
        "#VALUE!",
        "principal: '$41,000' is text",
    ),
    (
        "income given up, salary as text",
        udfs.MLWORTH_INCOME_GIVEN_UP,
        ("lots", 2.0),
        "#VALUE!",
        "salary: 'lots' is text",
    ),
    (
        "compare with an unknown column",
        udfs.MLWORTH_COMPARE,
        (
            [
                ["name", "years", "tuition_per_year", "salary_after", "tution"],
                ["MS", 2.0, 1.0, 1.0, 1.0],
            ],
        ),
        "#VALUE!",
        "tution: unknown column",
    ),
    (
        "compare with a duplicate column",
        udfs.MLWORTH_COMPARE,
        (
            [
                ["name", "years", "tuition_per_year", "salary_after", "Length (years)"],
                ["MS", 2.0, 1.0, 1.0, 1.0],
            ],
        ),
        "#VALUE!",
        "duplicate column: years appears twice",
    ),
    (
        "compare with no rows",
        udfs.MLWORTH_COMPARE,
        ([["name", "years", "tuition_per_year", "salary_after"]],),
        "#VALUE!",
        "the table has a header but no rows",
    ),
]


@pytest.mark.parametrize(("kind", "fn", "args", "code", "words"), UDF, ids=[u[0] for u in UDF])
def test_function_gives_the_error_value_naming_the_argument(kind, fn, args, code, words):
    out = fn(*args)
    assert isinstance(out, str) and out.startswith(code + " "), out
    assert words in out and "\n" not in out


def test_at_least_80_distinct_bad_inputs_across_the_faces():
    from tests.test_inputs import test_bad_files_are_refused_with_a_reason as files
    from tests.test_inputs import test_bad_person_profiles as profiles
    from tests.test_udfs_errors import BAD

    elsewhere = {f"function: {b[0]}" for b in BAD}
    for test in (files, profiles):
        [mark] = [m for m in test.pytestmark if m.name == "parametrize"]
        elsewhere |= {f"reader: {case[1]}" for case in mark.args[1]}
    here = (
        {f"cli: {c[0]}" for c in CLI}
        | {f"api: {a[0]}" for a in API}
        | {f"function: {u[0]}" for u in UDF}
    )
    assert len(here) == len(CLI) + len(API) + len(UDF)  # no kind twice
    assert not here & elsewhere
    assert len(here | elsewhere) >= 80
