"""``mlworth-xl risk`` run in-process as a user would, with exact outputs."""

from __future__ import annotations

import csv
import importlib
import io
import json

import pytest
from click.testing import CliRunner

from mlworth_xl.cli import main
from mlworth_xl.cli.render import cell, to_csv
from mlworth_xl.risk_api import risk, risk_columns

cli_risk = importlib.import_module("mlworth_xl.cli.risk")

# test_evaluate's plain case, placed for sure: every draw pays back at 2 + 180,000 / 40,000
# placed for sure, at once, in no role share: the master's own salary after
PLAIN_PROGRAMS = (
    "name,kind,years,tuition_per_year,salary_after,placement_prob,months_to_job,"
    "share_ml_engineer\n"
    "Plain MS,masters,2,30000,100000,1,0,0\n"
)
PLAIN_PERSON = "salary = 60000\ntax_rate = 0\ndiscount_rate = 0\nsavings = 0\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def plain(tmp_path):
    programs, person = tmp_path / "programs.csv", tmp_path / "person.toml"
    programs.write_text(PLAIN_PROGRAMS, encoding="utf-8")
    person.write_text(PLAIN_PERSON, encoding="utf-8")
    return ["--programs", str(programs), "--person", str(person)]


def test_risk_prints_the_chances_and_the_spread_stamped_with_draws_and_seed():
    result = run("risk", "--draws", "2000")
    assert result.exit_code == 0 and result.stderr == ""
    stamp, rest = result.stdout.split("\n\n", 1)
    chances, spread = rest.split("Spread (10th, 50th, 90th percentile)\n")
    assert stamp == (
        "2,000 draws per option, seed 2026; target payback 10.0 years, horizon 40 years"
    )
    assert chances.startswith("Chance of paying back\n")
    frame = risk(draws=2000, seed=2026)
    for _, row in frame.iterrows():
        line = next(li for li in chances.splitlines() if li.startswith(row["Option"][:30]))
        assert line.split()[-5:] == [
            cell("share", row[h])
            for h in (
                "P(pays back within target)",
                "P(within 5 years)",
                "P(within 10 years)",
                "P(within 20 years)",
                "Never pays back",
            )
        ]
        line = next(li for li in spread.splitlines() if li.startswith(row["Option"][:30]))
        assert line.split()[-6:] == [
            cell(k, row[h])
            for k, h in (
                ("years", "Payback p10 (years)"),
                ("years", "Payback p50 (years)"),
                ("years", "Payback p90 (years)"),
                ("usd", "NPV p10"),
                ("usd", "NPV p50"),
                ("usd", "NPV p90"),
            )
        ]


def test_csv_is_the_api_table_with_full_precision():
    result = run("risk", "--draws", "2000", "--seed", "7", "--format", "csv")
    assert result.stdout == to_csv(risk(draws=2000, seed=7))
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [c.header for c in risk_columns()]
    assert {r[rows[0].index("Seed")] for r in rows[1:]} == {"7"}
    assert {r[rows[0].index("Draws")] for r in rows[1:]} == {"2000"}


def test_json_has_null_for_a_payback_percentile_that_never_comes():
    records = json.loads(run("risk", "--draws", "2000", "--format", "json").stdout)
    assert len(records) == 8
    assert any(r["Payback p90 (years)"] is None for r in records)
    assert all(0 <= r["Never pays back"] <= 1 for r in records)


def test_the_same_seed_gives_the_same_output_and_another_seed_another():
    first = run("risk", "--draws", "3000", "--seed", "11", "--format", "csv").stdout
    assert run("risk", "--draws", "3000", "--seed", "11", "--format", "csv").stdout == first
    assert run("risk", "--draws", "3000", "--seed", "12", "--format", "csv").stdout != first


def test_with_nothing_uncertain_every_draw_pays_back_at_the_deterministic_time(plain):
    result = run(
        "risk",
        *plain,
        "--draws",
        "500",
        "--completion-prob",
        "1",
        "--salary-sigma",
        "0",
        "--job-search",
        "fixed",
        "--format",
        "json",
    )
    (record,) = json.loads(result.stdout)
    assert record["P(within 5 years)"] == 0.0  # 6.5 years: 2 + 180,000 / 40,000
    assert record["P(pays back within target)"] == 1.0  # the default target is 10 years
    assert [record[f"Payback p{q} (years)"] for q in (10, 50, 90)] == [6.5, 6.5, 6.5]
    assert record["Never pays back"] == 0.0


def test_within_gives_the_paybacks_asked_for_once_each(plain):
    result = run(
        "risk",
        *plain,
        "--draws",
        "500",
        "--within",
        "3",
        "--within",
        "8",
        "--within",
        "3",
        "--format",
        "csv",
    )
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert [h for h in header if h.startswith("P(within ")] == [
        "P(within 3 years)",
        "P(within 8 years)",
    ]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--completion-prob", "1.5"], "completion_prob: 1.5 looks like a percentage"),
        (["--completion-prob", "-1"], "completion_prob: -1 is out of range"),
        (["--salary-sigma", "9"], "salary_sigma: 9 is out of range"),
        (["--draws", "0"], "--draws"),
        (["--seed", "-3"], "--seed"),
        (["--within", "0"], "--within"),
        (["--job-search", "poisson"], "--job-search"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, words):
    result = run("risk", "--draws", "100", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_programs_file_names_row_and_field(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_text("name,years,tuition_per_year,salary_after\nA,2,-1,90000\n", encoding="utf-8")
    result = run("risk", "--programs", str(path), "--draws", "100")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert f"{path}, row 2: tuition_per_year:" in result.stderr


def test_a_long_run_shows_a_progress_bar_on_stderr(monkeypatch, plain):
    quick = run("risk", *plain, "--draws", "1000", "--format", "csv")
    assert quick.stderr == ""  # well under a second: no bar
    monkeypatch.setattr(cli_risk, "PROGRESS_AFTER_SECONDS", 0.0)
    slow = run("risk", *plain, "--draws", "300000", "--format", "csv")
    assert "Simulating" in slow.stderr
    assert slow.stdout == run("risk", *plain, "--draws", "300000", "--format", "csv").stdout
