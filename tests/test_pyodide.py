"""Every MLWORTH_* function gives the same answer in Pyodide as in CPython.

xlwings Lite (Excel for Mac and the web) runs the functions in Pyodide 0.27.7: CPython 3.12
compiled to 32-bit WebAssembly, with its own builds of numpy and pandas.  Each call below
runs three ways, in both interpreters, through ``tests/pyodide/runner.py``: the function
called with what xlwings hands it, the same call under classic xlwings' error rules, and
the call through ``xlwings.server.custom_functions_call`` as Office.js makes it.  The two
answers must be equal: floats to 1e-9 relative (1e-9 absolute near 0, a billionth of a
dollar), everything else (text, error values, types, shapes, exceptions) identical.

Pyodide runs once for the whole batch (``tests/pyodide/run.mjs`` under Node.js), from the
files ``python tests/pyodide/provision.py`` puts in ``.cache/pyodide``.  Without Node.js or
those files the Pyodide tests skip with the reason, except where
``MLWORTH_REQUIRE_PYODIDE=1`` (set by CI's ``.ci/run``): there they fail.  The case list,
that it covers every function and that each function's cases include an error, and what
xlwings' Office.js layer registers are checked in CPython alone, without Pyodide.

The cases need no expected numbers of their own: those are in tests/test_udfs*.py; here
CPython's answer is the reference.
"""

from __future__ import annotations

import csv
import importlib.util
import inspect
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xlwings

from mlworth_xl import udfs
from mlworth_xl.excel.cells import ERROR_VALUES

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "pyodide"
RUNNER = HERE / "runner.py"
REL, ABS = 1e-9, 1e-9


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"mlworth_pyodide_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


provision = _load("provision")

# --- The cases -------------------------------------------------------------------------------

#: A scenario range (tests/test_udfs.py's worked example: 1 year, 10% discount, 4-year horizon).
SMALL = [
    ["Input", "Value"],
    ["tax_rate", 0.0],
    ["discount_rate", 0.1],
    ["horizon_years", 4.0],
    ["savings", 0.0],
    ["Salary growth after", None],
]
WHOLE = SMALL + [
    ["Length (years)", 1.0],
    ["Tuition per year", "$10,000"],
    ["salary_after", 70000.0],
    ["Current salary", 50000.0],
]
SIDE_BY_SIDE = [
    ["Input", "Short", "Long"],
    ["years", 1.0, 1.0],
    ["tuition_per_year", 10000.0, 10000.0],
    ["salary_after", 70000.0, 70000.0],
    ["salary", 50000.0, 50000.0],
    ["tax_rate", 0.0, 0.0],
    ["discount_rate", 0.1, 0.1],
    ["horizon_years", 3.0, 4.0],
    ["savings", 0.0, 0.0],
]
#: The Monte Carlo option of tests/test_udfs_risk.py: 2 years at $30,000, $60,000 → $100,000.
OPTION = (2.0, 30000.0, 100000.0)
PLAIN = [["salary_growth", 0.0], ["tax_rate", 0.0], ["discount_rate", 0.0], ["horizon_years", 40.0]]
PLACEMENT = PLAIN + [
    ["completion_prob", 1.0],
    ["salary_sigma", 0.0],
    ["job_search", "fixed"],
    ["random_placement", True],
    ["placement_prob", 0.8],
]
SALARY_ONLY = PLAIN + [
    ["completion_prob", "100%"],
    ["salary_sigma", 0.3],
    ["job_search", "fixed"],
    ["placement_prob", 1.0],
]


def programs_rows() -> list[list[Any]]:
    """templates/programs.csv as Excel sends it: numbers as floats, TRUE/FALSE as booleans."""

    def excel(x: str) -> Any:
        if x in ("TRUE", "FALSE"):
            return x == "TRUE"
        try:
            return float(x)
        except ValueError:
            return x

    with open(ROOT / "templates" / "programs.csv", newline="", encoding="utf-8") as f:
        return [[excel(x) for x in r] for r in csv.reader(f)]


def col(*xs: Any) -> list[list[Any]]:
    return [[x] for x in xs]


#: (args, kwargs) per function; a cell is a bare value or [[x]], a range rows of cells.
CASES: dict[str, list[tuple[tuple, dict]]] = {
    "MLWORTH_COST": [
        ((52000, 2, 0, 1000), {}),
        (([[52000.0]], [[None]], None, [[None]]), {}),
        ((30000.0, 2.5, 2000.0, 800.0, 4000.0, 5000.0, 0.04), {}),
        ((52000.0, 2.0, 0.0, [[0.0, 500.0, 1000.0]]), {}),
        ((col(52000.0, "abc", -1.0), 2.0), {}),
        (([[52000.0, 40000.0], [30000.0, 20000.0]], [[1.0, 2.0], [1.5, None]]), {}),
        (("#N/A",), {}),
        ((52000.0,), {"living_per_month": 1000.0, "tuition_growth": 0.03}),
    ],
    "MLWORTH_LOAN_PAYMENT": [
        ((41000.0, 0.0794), {}),
        ((41000.0, 7.94), {}),
        ((col(1200.0, 2400.0), [[0.06]], [[1.0]]), {}),
        ((col(1200.0, 1200.0, 1200.0), col(0.06, 7.94, "x"), 1.0), {}),
        ((41000.0, 0.0807, 10.0, 0.0, True, "tiered"), {}),
        ((41000.0, 0.0807, 10.0, 0.0, True, "rap"), {}),
        ((41000.0, 0.0794, 10.0, 30.0, False), {}),
        (([[41000.0, 20000.0], [10000.0, 5000.0]], 0.0653), {}),
    ],
    "MLWORTH_LOAN_INTEREST": [
        ((41000.0, 0.0794, 10.0, 30.0, True), {}),
        ((41000.0, 0.0807, 3.0, 0.0, True, "Tiered"), {}),
        ((41000.0, 0.0807, 10.0, 0.0, True, "ibr"), {}),
        (([[41000.0, 20000.0], [10000.0, 5000.0]], [[0.0653, 0.0794], [0.0, 0.08]]), {}),
        ((41000.0, 0.0794), {"deferment_months": 24.0, "capitalize": False}),
    ],
    "MLWORTH_RAP_PAYMENT": [
        ((60000.0, 2.0), {}),
        ((col(5000.0, 20000.0),), {}),
        (([[10000.0, 50000.0], [120000.0, None]], [[0.0, 1.0], [2.0, 3.0]]), {}),
        ((-5.0,), {}),
    ],
    "MLWORTH_PAYBACK": [
        ((), {}),
        (([[None]], [[None]], [[None]]), {}),
        ((180000.0, 60000.0, col(100000.0, 240000.0)), {}),
        ((180000.0, 60000.0, [[100000.0, 61000.0]]), {}),
        ((500000.0, 60000.0, 61000.0), {}),
        ((50000.0, 60000.0, 61000.0, 0.0, 0.0, 0.0, 0.0, 10.0), {}),
        ((200000.0, 60000.0, 100000.0, 0.0, 0.01, 0.03), {}),
        ((100000.0, 60000.0, 90000.0, 0.0, 0.0, 0.0, 0.05), {}),
        (([[180000.0, 90000.0], [200000.0, 1e6]], 60000.0, 100000.0), {}),
        (("abc",), {}),
    ],
    "MLWORTH_INCOME_GIVEN_UP": [
        ((58260.0, 2.0, 0.0, 0.25), {}),
        ((60000.0, 2.0, 0.5, 0.0, 0.0, 6.0), {}),
        ((col(50000.0, 70000.0), col(1.0, 2.0), 0.0, 0.2, 0.03, 3.0), {}),
        ((60000.0, -1.0), {}),
    ],
    "MLWORTH_NPV": [
        ((1.0, 10000.0, 70000.0, 50000.0, SMALL), {}),
        ((1.0, col(10000.0, 20000.0), 70000.0, 50000.0, SMALL), {}),
        ((2.0, 52000.0, 120883.0), {}),
        ((1.0, 10000.0, 70000.0, 50000.0, [["bogus", 1.0]]), {}),
        ((-1.0, 10000.0, 70000.0), {}),
    ],
    "MLWORTH_ROI": [
        ((1.0, 10000.0, 70000.0, 50000.0, SMALL), {}),
        ((1.0, [[0.0, 10000.0]], 70000.0, 50000.0, SMALL), {}),
        ((1.0, 10000.0, "x"), {}),
    ],
    "MLWORTH_BREAK_EVEN_SALARY": [
        ((1.0, 10000.0, 3.0, 50000.0, SMALL), {}),
        ((2.0, col(30000.0, 52000.0), col(6.0, 1.0)), {}),
        ((1.0, 10000.0, -3.0), {}),
    ],
    "MLWORTH_EVALUATE": [
        ((WHOLE,), {}),
        ((WHOLE, "npv"), {}),
        ((SIDE_BY_SIDE,), {}),
        ((SIDE_BY_SIDE, "NPV"), {}),
        ((SIDE_BY_SIDE, "Payback (years)"), {}),
        ((WHOLE, "bogus"), {}),
        (([["tuition_per_year", "lots"]],), {}),
    ],
    "MLWORTH_COMPARE": [
        ((programs_rows(),), {}),
        (
            (
                [
                    ["name", "kind", "years", "tuition_per_year", "salary_after"],
                    ["MS", "masters", 2.0, 30000.0, 100000.0],
                ],
                [["salary", 60000.0], ["tax_rate", 0.0], ["discount_rate", 0.0], ["savings", 0.0]],
            ),
            {},
        ),
        (([["name", "years"], ["MS", "two"]],), {}),
    ],
    "MLWORTH_LOAN_SCHEDULE": [
        ((41000.0, 0.0794, 10.0, 30.0, True), {}),
        ((1200.0, 0.06, 1.0), {}),
        ((1200.0, 0.06, 1.0, 3.0, False), {}),
        ((col(41000.0, 2.0), 0.0794), {}),
        ((41000.0, 7.94), {}),
    ],
    "MLWORTH_DEFAULT": [
        (("salary.ml_engineer",), {}),
        (([["Loan APR"]],), {}),
        (("tax.student_loan_interest_phaseout_single",), {}),
        (("no.such.figure",), {}),
    ],
    "MLWORTH_SOURCE": [
        (([["salary.ml_engineer"]],), {}),
        (("loan_apr",), {}),
        (("assumption.tax_rate",), {}),
        (("no.such.figure",), {}),
    ],
    "MLWORTH_PAYBACK_PROB": [
        ((*OPTION, 6.5, 60000.0, PLACEMENT, 10000.0, 1.0), {}),
        ((2.0, 30000.0, col(80000.0, 100000.0, 120000.0), 10.0, 60000.0, SALARY_ONLY, 5000.0), {}),
        (
            (
                2.0,
                30000.0,
                [[80000.0, 100000.0], [120000.0, 100000.0]],
                10.0,
                60000.0,
                SALARY_ONLY,
                5000.0,
            ),
            {},
        ),
        ((2.0, 52000.0, 120883.0, None, 58260.0), {}),  # the defaults: 100,000 draws, seed 2026
        ((col(2.0, -1.0), 30000.0, 100000.0, 6.5, 60000.0, PLACEMENT, 1000.0), {}),
        ((*OPTION, 6.5, 60000.0, PLACEMENT, 10_000_000.0), {}),
        ((*OPTION,), {"salary": 60000.0, "scenario": SALARY_ONLY, "draws": 2000.0, "seed": 7.0}),
    ],
    "MLWORTH_ODDS": [
        ((*OPTION, None, 6.5, 60000.0, PLACEMENT), {}),
        ((*OPTION, "Expected NPV", 6.5, 60000.0, SALARY_ONLY), {}),
        ((2.0, 52000.0, 120883.0), {}),  # the defaults of a master's
        ((*OPTION, "no such measure"), {}),
        ((*OPTION, None, None, 60000.0, [["job_search", "sometimes"]]), {}),
    ],
    "MLWORTH_PAYBACK_PERCENTILE": [
        ((*OPTION, 0.5, 60000.0, SALARY_ONLY, 5000.0, 3.0), {}),
        ((*OPTION, col(0.1, 0.5, 0.9), 60000.0, SALARY_ONLY, 5000.0), {}),
        ((*OPTION, 0.9, 60000.0, PLACEMENT, 5000.0), {}),
        ((*OPTION, 90.0, 60000.0), {}),
    ],
    "MLWORTH_NPV_PERCENTILE": [
        ((*OPTION, 0.5, 60000.0, SALARY_ONLY, 5000.0, 3.0), {}),
        ((*OPTION, [[0.1, 0.5, 0.9]], 60000.0, SALARY_ONLY, 5000.0), {}),
        ((*OPTION, 0.1, 60000.0, PLACEMENT, 5000.0), {}),
        ((*OPTION, 0.5, 60000.0, [["job_search", "sometimes"]], 1000.0), {}),
    ],
}

VIAS = ("python", "classic", "officejs")


def public_functions() -> list[str]:
    return sorted(n for n in dir(udfs) if n.startswith("MLWORTH_"))


def as_officejs(name: str, args: tuple, kwargs: dict) -> list:
    """The arguments as Office.js sends them: one per parameter, each a matrix, None if omitted."""
    params = list(inspect.signature(getattr(udfs, name)).parameters)
    given = [*args, *([None] * (len(params) - len(args)))]
    for key, value in kwargs.items():
        given[params.index(key)] = value
    return [None if x is None else x if isinstance(x, list) else [[x]] for x in given]


def calls() -> list[dict]:
    out = []
    for name in sorted(CASES):
        for i, (args, kwargs) in enumerate(CASES[name]):
            for via in VIAS:
                call = {"id": f"{name}[{i}]/{via}", "fn": name, "via": via}
                if via == "officejs":
                    call["args"] = as_officejs(name, args, kwargs)
                else:
                    call["args"], call["kwargs"] = list(args), kwargs
                out.append(call)
    return out


# --- Comparing answers ---------------------------------------------------------------------


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two encoded results differ: floats beyond REL/ABS, anything else not equal."""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items against {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) == {"float"}:
        x, y = float(a["float"]), float(b["float"])
        same = (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=REL, abs_tol=ABS)
        return [] if same else [f"{where}: {x!r} against {y!r}"]
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) == {"dict"}:
        return differences(sorted(a["dict"].items()), sorted(b["dict"].items()), where)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return differences(list(a), list(b), where)
    return [] if a == b else [f"{where}: {a!r} against {b!r}"]


def is_error(encoded: Any) -> bool:
    """An exception, or an error value (the code, a classic error text or an error object)."""
    if isinstance(encoded, list):
        return any(is_error(x) for x in encoded)
    if isinstance(encoded, dict):
        if "raise" in encoded or "dict" in encoded:
            return True
        return "str" in encoded and encoded["str"].split(" ")[0] in ERROR_VALUES
    return False


def test_differences_sees_what_matters():
    one = {"float": "1.0"}
    assert differences([[one]], [[{"float": repr(1.0 + 1e-12)}]]) == []
    assert differences({"float": "0.0"}, {"float": "1e-12"}) == []
    assert differences({"float": "nan"}, {"float": "nan"}) == []
    assert differences([[one]], [[{"float": "1.000001"}]]) == ["[0][0]: 1.0 against 1.000001"]
    assert differences({"int": 1}, one) != []  # an int is not a float
    assert differences([[one, one]], [[one]]) == ["[0]: 2 items against 1"]
    assert differences({"str": "#N/A"}, {"str": "#N/A never"}) != []
    assert differences({"raise": "A", "message": "m"}, {"raise": "A", "message": "n"}) != []


# --- CPython alone: the cases and the registration ------------------------------------------


def run_cpython(*args: str, stdin: str | None = None) -> Any:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    out = subprocess.run(
        [sys.executable, str(RUNNER), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def cpython() -> dict:
    return run_cpython(stdin=json.dumps(calls()))


def test_every_public_function_has_cases():
    assert sorted(CASES) == public_functions(), "a function without cases, or cases of none"
    assert len(public_functions()) >= 17


def test_each_function_has_an_error_case_and_an_answer(cpython):
    results = dict(zip((c["id"] for c in calls()), cpython["results"], strict=True))
    for name in CASES:
        mine = [r for i, r in results.items() if i.startswith(name + "[")]
        assert any(is_error(r) for r in mine), f"{name}: no case gives an error"
        assert not all(is_error(r) for r in mine), f"{name}: every case gives an error"
    # and the cases really reach the three paths: each one raises somewhere under Office.js
    assert any("raise" in r for i, r in results.items() if i.endswith("/officejs"))


def test_cases_include_ranges_of_two_dimensions():
    def two_d(x: Any) -> bool:
        return isinstance(x, list) and len(x) > 1 and any(len(r) > 1 for r in x)

    with_2d = {
        n
        for n, cases in CASES.items()
        for args, kw in cases
        if any(two_d(a) for a in (*args, *kw.values()))
    }
    # a 2x2 range in a numeric argument is refused (#VALUE!: one cell, column or row), the same
    # in both; the tables (scenario, programs, person) are 2-D ranges that give answers
    assert with_2d >= {
        "MLWORTH_COST",
        "MLWORTH_LOAN_PAYMENT",
        "MLWORTH_LOAN_INTEREST",
        "MLWORTH_RAP_PAYMENT",
        "MLWORTH_PAYBACK",
        "MLWORTH_PAYBACK_PROB",
        "MLWORTH_EVALUATE",
        "MLWORTH_COMPARE",
    }


def test_officejs_registers_every_function_and_argument_with_its_doc():
    """``xlwings.server.custom_functions_meta``, as xlwings Lite registers the functions."""
    meta = run_cpython("--meta")
    functions = {f["id"]: f for f in meta["functions"]}
    assert sorted(functions) == public_functions()
    for name in public_functions():
        fn, got = getattr(udfs, name), functions[name]
        assert got["name"] == name and got["description"] == fn.__doc__
        assert got["result"] == {"dimensionality": "matrix", "type": "any"}
        params = inspect.signature(fn).parameters
        assert [p["name"] for p in got["parameters"]] == list(params)
        for p in got["parameters"]:
            assert p["description"] == fn.__mlworth_udf__["args"][p["name"]], (name, p["name"])
            assert p["dimensionality"] == "matrix" and p["type"] == "any"
            has_default = params[p["name"]].default is not inspect.Parameter.empty
            assert p.get("optional", False) == has_default, (name, p["name"])


# --- Pyodide ---------------------------------------------------------------------------------


def unavailable() -> str | None:
    """Why Pyodide cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js (node) not found: install nodejs"
    if provision.provisioned() is None:
        return (
            f"Pyodide is not provisioned in {provision.cache_dir()}: run "
            "python tests/pyodide/provision.py"
        )
    return None


def skip_or_fail(why: str) -> None:
    """Skip with the reason; fail instead where MLWORTH_REQUIRE_PYODIDE=1 (CI)."""
    if os.environ.get("MLWORTH_REQUIRE_PYODIDE") == "1":
        pytest.fail(f"Pyodide is required (MLWORTH_REQUIRE_PYODIDE=1): {why}", pytrace=False)
    pytest.skip(why)


def test_missing_pyodide_skips_here_and_fails_where_required(monkeypatch, tmp_path):
    monkeypatch.setenv("MLWORTH_PYODIDE_DIR", str(tmp_path))  # nothing provisioned there
    why = unavailable()
    assert why is not None and (str(tmp_path) in why or "node" in why)
    monkeypatch.delenv("MLWORTH_REQUIRE_PYODIDE", raising=False)
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail(why)
    monkeypatch.setenv("MLWORTH_REQUIRE_PYODIDE", "1")
    with pytest.raises(pytest.fail.Exception, match="MLWORTH_REQUIRE_PYODIDE=1"):
        skip_or_fail(why)


@pytest.fixture(scope="session")
def pyodide(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One Pyodide run of every call, with a wheel of this worktree built for it."""
    why = unavailable()
    if why is not None:
        skip_or_fail(why)
    manifest = provision.provisioned()
    wheel = provision.build_wheel(tmp_path_factory.mktemp("wheel"))
    request = {
        "runtime": manifest["runtime"],
        "packages": manifest["packages"],
        "wheels": [*manifest["wheels"], str(wheel)],
        "runner": str(RUNNER),
        "calls": calls(),
    }
    path = tmp_path_factory.mktemp("pyodide") / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    out = subprocess.run(
        ["node", str(HERE / "run.mjs"), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout)


@pytest.mark.pyodide
def test_pyodide_is_32_bit_webassembly(pyodide):
    platform = pyodide["platform"]
    assert platform["platform"] == "emscripten" and platform["intp"] == "int32"
    assert platform["python"].startswith("3.12.") and platform["xlwings"] == xlwings.__version__


@pytest.mark.pyodide
@pytest.mark.parametrize("name", sorted(CASES))
def test_pyodide_gives_what_cpython_gives(pyodide, cpython, name):
    ids = [c["id"] for c in calls()]
    found = [
        f"{i}{d}"
        for i, a, b in zip(ids, pyodide["results"], cpython["results"], strict=True)
        if i.startswith(name + "[")
        for d in differences(a, b)
    ]
    assert not found, "\n".join(found)


@pytest.mark.pyodide
def test_pyodide_registers_what_cpython_registers(pyodide, cpython):
    assert pyodide["meta"] == cpython["meta"]


@pytest.mark.pyodide
def test_the_first_call_after_the_import_is_the_default_payback(pyodide, cpython):
    ids = [c["id"] for c in calls()]
    reference = cpython["results"][ids.index("MLWORTH_PAYBACK[0]/python")]  # MLWORTH_PAYBACK()
    assert "float" in reference and differences(pyodide["first"], reference) == []
