"""The mlworth-xl command, run in-process as a user would, with exact outputs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlworth_xl import __version__, compare
from mlworth_xl.api import COMPARE_COLUMNS
from mlworth_xl.cli import main
from mlworth_xl.cli.render import cell, to_csv

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_compare_prints_the_default_comparison_as_a_table():
    result = run("compare")
    assert result.exit_code == 0
    frame = compare()
    chances, rest = result.stdout.split("\nCosts\n")
    assert chances.startswith("Odds (")
    assert "\nReturns\n" in rest
    for name, payback, verdict in zip(
        frame["Option"], frame["Payback if completed (years)"], frame["Verdict"], strict=True
    ):
        line = next(li for li in chances.splitlines() if li.startswith(name[:30]))
        assert cell("years", payback) in line and verdict in line
    assert " yes " not in result.stdout and " no " not in result.stdout


def test_csv_has_the_human_headers_and_full_precision():
    result = run("compare", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [c.header for c in COMPARE_COLUMNS]
    assert result.stdout == to_csv(compare())
    frame = compare()
    npv = "NPV if completed"
    assert float(rows[1][rows[0].index(npv)]) == pytest.approx(frame[npv][0], rel=1e-9)


def test_json_is_a_list_of_objects_with_nulls_for_never():
    result = run("compare", "--format", "json", "--person", str(_person(ROOT, horizon=3)))
    records = json.loads(result.stdout)
    assert len(records) == len(compare())
    assert any(r["Payback if completed (years)"] is None for r in records)
    assert all(r["Verdict"].split(" (")[0] in ("Likely", "Uncertain", "Unlikely") for r in records)


def _person(root: Path, horizon: int) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "short.toml"
    path.write_text(f"horizon_years = {horizon}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("table", "row", "field"),
    [
        ("name,years,salary_after\nA,2,90000\n", "row 1", "tuition_per_year"),  # missing column
        ("name,years,tuition_per_year,salary_after\nA,2,-1,90000\n", "row 2", "tuition_per_year"),
        ("name,years,tuition_per_year,salary_after\nA,two,1,90000\n", "row 2", "years"),
        (
            "name,years,tuition_per_year,salary_after,loan_apr\nA,2,1,90000,794\n",
            "row 2",
            "loan_apr",
        ),
    ],
)
def test_bad_programs_exit_2_with_one_line_naming_row_and_field(tmp_path, table, row, field):
    path = tmp_path / "programs.csv"
    path.write_text(table, encoding="utf-8")
    result = run("compare", "--programs", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert f"{path}, {row}: {field}:" in lines[0]
    assert "Traceback" not in result.stderr


def test_allowed_values_are_named_in_the_message(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_text("name,years,tuition_per_year,salary_after,loan_apr\nA,2,1,90000,794\n")
    assert (
        "allowed: a number from 0 (0%) to 0.4 (40%)"
        in run("compare", "--programs", str(path)).stderr
    )


def test_usage_errors_are_one_line_with_exit_2():
    result = run("compare", "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--format" in result.stderr


def test_version():
    assert run("--version").stdout == f"mlworth-xl, version {__version__}\n"


def test_sources_lists_assumptions_as_such():
    out = run("sources", "--kind", "assumption").stdout
    assert "assumption.tax_rate = 0.25  [assumption]" in out
    assert "Illustrative assumption" in out


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples?:", result.stdout), f"{name} --help has no example"
    assert f"mlworth-xl {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_runs_the_same_command():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "mlworth_xl", "compare", "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout == to_csv(compare())


def test_an_irr_above_the_highest_rate_shows_as_the_workbook_shows_it(tmp_path):
    # $10 of tuition while keeping the salary, then a raise: an IRR of thousands (the model's
    # inf, above the 99,900% looked at) reads "> 99,900%" in the table, CSV and JSON alike
    path = tmp_path / "cheap.csv"
    path.write_text(
        "name,years,tuition_per_year,salary_after,work_fraction,placement_prob,months_to_job\n"
        "Cheap,1,10,120000,1,1,0\n",
        encoding="utf-8",
    )
    assert compare(path, odds=False)["IRR if completed"].iloc[0] == float("inf")
    table = run("compare", "--programs", str(path), "--no-odds")
    assert "> 99,900%" in table.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(
                run("compare", "--programs", str(path), "--format", "csv", "--no-odds").stdout
            )
        )
    )
    assert rows[0]["IRR if completed"] == "> 99,900%"
    (record,) = json.loads(
        run("compare", "--programs", str(path), "--format", "json", "--no-odds").stdout
    )
    assert record["IRR if completed"] == "> 99,900%"
