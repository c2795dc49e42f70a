"""Helpers for the workbook tests: program sets, recalculation, model comparison.

The oracle is the Python model (:mod:`mlworth_xl.model`); the values come from
LibreOffice, IronCalc or Formulon recalculating the generated workbook.  Cell positions come from
:mod:`mlworth_xl.workbook.layout`, and every header the comparison relies on is
checked first, so a position that points at the wrong cell fails loudly.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl

from mlworth_xl.api import COMPARE_COLUMNS, IRR_ABOVE, odds_frame
from mlworth_xl.model import fields, metrics, timeline
from mlworth_xl.model.codes import Financing, Plan
from mlworth_xl.model.evaluate import yearly_detail
from mlworth_xl.model.records import Person, Program, Programs
from mlworth_xl.workbook import ironcalc_values, layout, odds_sheet
from mlworth_xl.workbook.cashflows import shown
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.libreoffice import (
    LibreOfficeError,
    Results,
    fill_results,
    find_soffice,
    recalculated_results,
    run_soffice,
)
from mlworth_xl.workbook.summary import GUARDED, NEVER, NOT_AVAILABLE, STALE

#: Relative tolerance between LibreOffice and the model (the issue's 1e-9) …
REL = 1e-9
#: … and an absolute one, for values near zero: a millionth of a dollar, or of a year.
#: LibreOffice and numpy round differently in the last bits; a running total that
#: passes through zero keeps those absolute errors while its value vanishes.
ABS = 1e-6


def close(actual: Any, expected: float) -> bool:
    """``actual`` (a cell value) equals ``expected`` within REL, or ABS near zero."""
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    return abs(actual - expected) <= max(REL * abs(expected), ABS)


# --- program sets ---------------------------------------------------------------------------


def _program(rng: np.random.Generator, name: str, **fixed: Any) -> Program:
    """A random option inside the fields' ranges (realistic magnitudes)."""
    apr = 0.0 if rng.random() < 0.15 else float(rng.uniform(0.02, 0.12))
    values: dict[str, Any] = {
        "name": name,
        "kind": str(rng.choice(fields.KINDS)),
        "years": float(
            rng.choice(
                [
                    0.25,
                    0.5,
                    0.75,
                    1.0,
                    1.25,
                    1.5,
                    2.0,
                    2.5,
                    3.0,
                    4.0,
                    round(float(rng.uniform(0.1, 5)), 3),
                ]
            )
        ),
        "tuition_per_year": float(rng.choice([0.0, rng.uniform(1_000, 80_000)])),
        "tuition_growth": float(rng.choice([0.0, rng.uniform(-0.05, 0.1)])),
        "program_price": float(rng.choice([0.0, 0.0, rng.uniform(1_000, 20_000)])),
        "fees_per_year": float(rng.uniform(0, 5_000)),
        "books_per_year": float(rng.uniform(0, 3_000)),
        "living_per_month": float(rng.choice([0.0, rng.uniform(0, 3_000)])),
        "caregiving_per_month": float(rng.choice([0.0, 0.0, rng.uniform(0, 1_500)])),
        "travel_per_year": float(rng.choice([0.0, rng.uniform(0, 5_000)])),
        "relocation": float(rng.choice([0.0, rng.uniform(0, 10_000)])),
        "aid_per_year": float(rng.choice([0.0, rng.uniform(0, 40_000)])),
        "employer_assistance_per_year": float(rng.choice([0.0, 5_250.0, rng.uniform(0, 9_000)])),
        "work_fraction": float(rng.choice([0.0, 1.0, rng.uniform(0, 1)])),
        "loan_share": float(rng.choice([0.0, 1.0, rng.uniform(0, 1)])),
        "loan_apr": apr,
        "loan_fee": float(rng.choice([0.0, 0.01057, 0.04228, rng.uniform(0, 0.05)])),
        "loan_term_years": int(rng.integers(1, 31)),
        "grace_months": int(rng.integers(0, 13)),
        "capitalize_interest": bool(rng.random() < 0.6),
        "salary_after": float(rng.uniform(30_000, 250_000)),
        "salary_growth_after": float(rng.uniform(-0.03, 0.08)),
        "placement_prob": float(rng.choice([1.0, rng.uniform(0.05, 1)])),
        "months_to_job": float(rng.choice([0.0, 3.0, rng.uniform(0, 24)])),
        "financing": int(rng.random() < 0.6),
        "start_year": int(rng.choice([2024, 2025, 2026, 2026, 2027, 2029])),
        "start_month": int(rng.integers(1, 13)),
        "enrolment_intensity": float(rng.choice([1.0, 1.0, 0.875, 0.5, 0.3, rng.uniform(0, 1)])),
        "prior_grad_borrowing": float(rng.choice([0.0, 0.0, rng.uniform(0, 120_000)])),
        "prior_undergrad_borrowing": float(rng.choice([0.0, rng.uniform(0, 60_000)])),
        "grad_plus_legacy": bool(rng.random() < 0.3),
        "repayment_plan": int(rng.integers(0, len(Plan))),
        "private_apr": float(rng.choice([0.0894, rng.uniform(0.03, 0.16)])),
        "private_fee": float(rng.choice([0.0, 0.0, rng.uniform(0, 0.05)])),
        "private_term_years": int(rng.integers(5, 21)),
        "private_deferment": bool(rng.random() < 0.7),
    }
    if rng.random() < 0.4:  # role shares adding up to 1, some of them 0 (at least one not)
        weights = rng.dirichlet(np.ones(len(fields.SHARE_FIELDS)))
        weights[rng.random(len(weights)) < 0.3] = 0.0
        if not weights.any():
            weights[int(rng.integers(len(weights)))] = 1.0
        weights /= weights.sum()
        values.update({n: float(w) for n, w in zip(fields.SHARE_FIELDS, weights, strict=True)})
    elif rng.random() < 0.3:  # no role shares: every placed graduate earns the salary after
        values.update({n: 0.0 for n in fields.SHARE_FIELDS})
    values.update(fixed)
    return Program.from_mapping(_lawful(values))


def _lawful(values: dict[str, Any]) -> dict[str, Any]:
    """The same option moved inside what the law and the data allow under federal financing.

    The data's federal rates start in July 2025, and a fixed plan on loans from
    2026-07-01 is at most 10 years (``mlworth_xl.model.federal.FIXED_TERM_LIMIT_YEARS``).
    """
    if values["financing"] == Financing.FEDERAL:
        values["start_year"] = max(values["start_year"], 2025)
        if values["start_year"] == 2025 and values["start_month"] < 7:
            values["start_month"] += 6
        if values["repayment_plan"] == Plan.FIXED:
            values["loan_term_years"] = min(values["loan_term_years"], 10)
    return values


def _person(rng: np.random.Generator, shortest_horizon: int) -> Person:
    return Person(
        salary=float(rng.uniform(20_000, 150_000)),
        salary_growth=float(rng.uniform(-0.02, 0.05)),
        tax_rate=float(rng.uniform(0, 0.45)),
        discount_rate=float(rng.choice([0.0, rng.uniform(0, 0.12)])),
        horizon_years=int(rng.integers(max(1, shortest_horizon), 81)),
        target_payback_years=float(rng.uniform(0.5, 30)),
        savings=float(rng.choice([0.0, rng.uniform(0, 100_000)])),
        dependents=int(rng.choice([0, 0, 1, 2, 4])),
        inflation=float(rng.choice([0.0, 0.02, rng.uniform(-0.02, 0.08)])),
    )


#: The cases the issue names, added to the random sets in turn.
SPECIAL = {
    "bootcamp of three months": dict(
        kind="bootcamp", years=0.25, tuition_per_year=0.0, program_price=13_500.0, work_fraction=0.0
    ),
    "part-time, keeps the salary": dict(kind="online", years=3.0, work_fraction=1.0),
    # salary after: 80% of the person's, growing alike (set in random_sets): a loss every year
    "never pays back": dict(placement_prob=0.5),
    # 2 × $60,000 costs more than the most savings drawn ($100,000): something is borrowed
    # (the simple what-if: the federal loans' rates are the law's)
    "zero-interest loan": dict(
        loan_share=1.0,
        financing=Financing.SIMPLE,
        loan_apr=0.0,
        years=2.0,
        tuition_per_year=60_000.0,
        aid_per_year=0.0,
        employer_assistance_per_year=0.0,
    ),
    "unfinanced": dict(loan_share=0.0),
    "no placement": dict(placement_prob=0.0),
    "interest paid while deferred": dict(
        loan_share=1.0,
        capitalize_interest=False,
        loan_apr=0.07,
        years=2.0,
        tuition_per_year=60_000.0,
        aid_per_year=0.0,
        employer_assistance_per_year=0.0,
        financing=Financing.SIMPLE,
    ),
    # $60,000 a year of need is above the $20,500 annual limit: a private loan covers the rest
    "federal above the limit": dict(
        financing=Financing.FEDERAL,
        loan_share=1.0,
        years=2.0,
        start_year=2026,
        start_month=9,
        tuition_per_year=60_000.0,
        aid_per_year=0.0,
        employer_assistance_per_year=0.0,
        enrolment_intensity=1.0,
        grad_plus_legacy=False,
        repayment_plan=Plan.TIERED,
    ),
    "part-time federal": dict(
        financing=Financing.FEDERAL,
        loan_share=1.0,
        enrolment_intensity=0.6,
        years=3.0,
        start_year=2027,
        repayment_plan=Plan.FIXED,
    ),
    # started before 2026-07-01 with a loan: Grad PLUS stays open for the later years
    "legacy Grad PLUS": dict(
        financing=Financing.FEDERAL,
        loan_share=1.0,
        start_year=2025,
        start_month=8,
        years=3.0,
        tuition_per_year=60_000.0,
        aid_per_year=0.0,
        employer_assistance_per_year=0.0,
        enrolment_intensity=1.0,
        grad_plus_legacy=False,
        prior_grad_borrowing=0.0,
        prior_undergrad_borrowing=0.0,
    ),
    "RAP": dict(
        loan_share=1.0,
        repayment_plan=Plan.RAP,
        years=2.0,
        tuition_per_year=50_000.0,
        aid_per_year=0.0,
        employer_assistance_per_year=0.0,
    ),
}


def enormous_irrs() -> tuple[Programs, Person]:
    """Options whose IRR is near or above the highest rate looked at (99,900%), and a usual one.

    A year of study that costs $10 (or $20) while keeping the salary, then a
    job paying $90,000: the flows are −10 (−20), then 16,560 a year (the
    model's yearly detail for the default person), so the IRR is about
    16,560 / 10 = 1,656 (165,600%: above the ceiling, "> 99,900%") and about
    16,560 / 20 = 828 (82,800%: found by the search, 60 halvings from 999).
    """
    cheap = dict(
        years=1.0,
        tuition_per_year=0.0,
        fees_per_year=0.0,
        books_per_year=0.0,
        living_per_month=0.0,
        relocation=0.0,
        travel_per_year=0.0,
        months_to_job=0.0,
        placement_prob=1.0,
        loan_share=0.0,
        work_fraction=1.0,
        salary_after=90_000.0,
    )
    options = [
        Program("a $10 course", program_price=10.0, **cheap),
        Program("a $20 course", program_price=20.0, **cheap),
        Programs.default().records()[0],
    ]
    return Programs.from_records(options), Person.default()


#: The seed of the random program sets unless a test gives its own.
DEFAULT_SEED = 20261121


def random_sets(count: int, seed: int = DEFAULT_SEED) -> list[tuple[Programs, Person]]:
    """``count`` random program sets with a random person each.

    Every set has 1 to 5 options; the first sets hold every case of
    :data:`SPECIAL` among random options, and later sets one special case each.
    """
    rng = np.random.default_rng(seed)
    specials = list(SPECIAL.items())
    out = []
    for k in range(count):
        size = int(rng.integers(1, 6))
        options = [_program(rng, f"Option {k}-{j}") for j in range(size)]
        label, fixed = specials[k % len(specials)]
        options.append(_program(rng, label, **fixed))
        if k == 0:
            options += [_program(rng, f"{lab} (all)", **fix) for lab, fix in specials]
        person = _person(rng, int(math.ceil(max(p.years for p in options))))
        options = [
            replace(
                p,
                salary_after=0.8 * person.salary,
                salary_growth_after=person.salary_growth,
                **{n: 0.0 for n in fields.SHARE_FIELDS},
            )
            if p.name.startswith("never pays back")
            else p
            for p in options
        ]
        out.append((Programs.from_records(options), person))
    return out


# --- LibreOffice ------------------------------------------------------------------------


def recalculate_all(paths: list[Path], out_dir: Path, *, timeout: float = 120) -> list[Path]:
    """Recalculate workbooks with LibreOffice as :func:`recalculate` does each: ``out_dir / name``.

    The files are shared between two LibreOffice processes (the machines this runs on have
    two cores), the biggest first, each to the process with the fewest bytes so far; each
    process has its own throw-away profile, set as :func:`recalculate` sets it (every formula
    recalculated on load), and converts its share in one run, so LibreOffice starts twice,
    not once per file.  ``timeout`` is per file.  tests/test_workbook_libreoffice.py checks
    that a file recalculated so holds the results :func:`recalculate` gives it.
    """
    names = [p.name for p in paths]
    if len(set(names)) != len(names) or any(p.suffix != ".xlsx" for p in paths):
        raise ValueError(f"workbooks of one name each, ending in .xlsx: {names}")
    out_dir.mkdir(parents=True, exist_ok=True)
    shares: list[list[Path]] = [[] for _ in range(min(2, len(paths)))]
    size = {p: p.stat().st_size for p in paths}
    for p in sorted(paths, key=size.__getitem__, reverse=True):
        min(shares, key=lambda share: sum(map(size.__getitem__, share))).append(p)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda share: _convert_together(share, out_dir, timeout), shares))
    return [out_dir / name for name in names]


def _convert_together(paths: list[Path], out_dir: Path, timeout: float) -> None:
    """One LibreOffice process recalculates ``paths`` (one name each) into ``out_dir``."""
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError("LibreOffice (soffice) not found")
    with tempfile.TemporaryDirectory(prefix="mlworth-lo-batch-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        sources = [shutil.copyfile(p, work / "in" / p.name) for p in paths]  # no lock files
        code, out, err = run_soffice(
            soffice, work, sources, "xlsx:Calc Office Open XML", timeout * len(paths), paths
        )
        for p in paths:
            produced = work / "out" / p.name
            if code != 0 or not produced.is_file() or produced.stat().st_size == 0:
                detail = (err or out).decode("utf-8", "replace").strip() or "no output"
                raise LibreOfficeError(f"LibreOffice could not convert {p} (exit {code}): {detail}")
            shutil.move(produced, out_dir / p.name)


# --- other engines: IronCalc and Formulon ---------------------------------------------------


def formulon_results(path: Path) -> Results:
    """Every formula cell's value as Formulon (an Excel 365 engine) computes ``path``.

    Formulon saves its results as cached values (faster than reading them cell
    by cell through its WebAssembly module); they are read back from that file.
    """
    import formulon

    with formulon.Workbook.load(path.read_bytes()) as book:
        book.recalc()
        saved = book.save()
    with tempfile.TemporaryDirectory(prefix="mlworth-formulon-") as tmp:
        (Path(tmp) / "saved.xlsx").write_bytes(saved)
        return recalculated_results(Path(tmp) / "saved.xlsx")


#: Each engine's results of a workbook's formulas, by name.
ENGINES = {"ironcalc": ironcalc_values.results, "formulon": formulon_results}


def engine_values(engine: str, path: Path, dest: Path) -> openpyxl.Workbook:
    """``path`` computed by ``engine`` (see :data:`ENGINES`), as :func:`load_values` reads it.

    The results are stored in a copy of the file as its cached values, the way
    ``mlworth-xl workbook`` stores IronCalc's, so every check reads them alike.
    """
    return load_values(fill_results(path, ENGINES[engine](path), dest))


def formula_cells(path: Path, *, valued: bool = False) -> dict[str, set[str]]:
    """The references of every formula cell in the file, by worksheet part (``valued``: only
    those that hold a cached value)."""
    cell = r'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*<f[ >]' + (
        r"(?:(?!</c>).)*<v>" if valued else ""
    )
    found = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                found[name] = set(re.findall(cell, z.read(name).decode(), re.S))
    return found


def results_by_cell(path: Path, generated: Path | None = None) -> dict[str, Any]:
    """The cached value of every formula cell, as ``{"Sheet!A1": value}`` (openpyxl's reading).

    The formula cells are those of ``generated`` (by default ``path``): a file another
    program saved may write its formulas differently (LibreOffice shares some).
    """
    return cell_results(openpyxl.load_workbook(generated or path), load_values(path))


def cell_results(formulas: openpyxl.Workbook, values: openpyxl.Workbook) -> dict[str, Any]:
    """As :func:`results_by_cell`, of workbooks already loaded: the formula cells of
    ``formulas`` (loaded with its formulas), their values in ``values`` (:func:`load_values`)."""
    return {
        f"{ws.title}!{c.coordinate}": values[ws.title][c.coordinate].value
        for ws in formulas.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def same_value(a: Any, b: Any) -> bool:
    """Two cached values alike: numbers within REL (ABS near zero), anything else equal.

    An empty text and no value are alike (LibreOffice stores a formula's "" as nothing).
    """
    if isinstance(a, int | float) and not isinstance(a, bool):
        return close(b, float(a))
    return a == b or {a, b} <= {"", None}


def load_values(path: Path) -> openpyxl.Workbook:
    """The cached values of a recalculated workbook."""
    with warnings.catch_warnings():
        # openpyxl warns about extensions LibreOffice writes (e.g. for conditional formats)
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        return openpyxl.load_workbook(path, data_only=True)


def error_cells(wb: openpyxl.Workbook) -> list[str]:
    """Every cell that holds an error value (#DIV/0!, #NAME?, #VALUE!, …)."""
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "e" or (
                    isinstance(c.value, str)
                    and c.value.startswith("#")
                    and c.value.endswith(("!", "?", "A"))
                ):
                    found.append(f"{ws.title}!{c.coordinate}={c.value}")
    return found


# --- comparison with the model ------------------------------------------------------------


def _missing_as_nan(value: Any, words: str) -> Any:
    return math.nan if value == words else value


def compare_with_model(
    wb: openpyxl.Workbook,
    programs: Programs,
    person: Person,
    *,
    skip: tuple[str, ...] = (),
    edited: bool = False,
) -> list[str]:
    """Every Summary, Cash flows and Loans value that differs from the model; [] if none.

    ``skip`` names Summary headers compared elsewhere (the IRR: see :func:`irr_problems`).
    ``edited``: the file's inputs were edited after it was written, so the figures written
    with it (median payback, expected NPV, percentiles) and the rank by the expected NPV may
    say they are stale instead.
    """
    written = GUARDED
    lay = Layout(len(programs))
    values = programs.inputs(person)
    outcome = programs.evaluate(person)
    detail = yearly_detail(values)
    frame = odds_frame(programs, person, outcome)
    problems: list[str] = []

    def check(where: str, actual: Any, expected: float) -> None:
        if math.isnan(expected):
            if not (isinstance(actual, float) and math.isnan(actual)):
                problems.append(f"{where}: workbook {actual!r}, model NaN")
        elif not close(actual, expected):
            problems.append(f"{where}: workbook {actual!r}, model {expected!r}")

    # Summary: the comparison table, header by header.
    ws = wb[layout.SUMMARY]
    headers = [
        ws.cell(row=layout.SUMMARY_HEADER_ROW, column=k + 1).value
        for k in range(len(COMPARE_COLUMNS))
    ]
    if headers != [c.header for c in COMPARE_COLUMNS]:
        return [f"Summary headers {headers}"]
    for i in range(len(programs)):
        row = lay.summary_row(i)
        for k, c in enumerate(COMPARE_COLUMNS):
            if c.header in skip:
                continue
            actual = ws.cell(row=row, column=k + 1).value
            expected = frame.iloc[i][c.header]
            if edited and c.key in written and actual == STALE:
                continue
            where = f"Summary {c.header!r} of {programs.names[i]!r}"
            if c.kind == "text":
                if actual != expected:
                    problems.append(f"{where}: {actual!r} != {expected!r}")
            elif c.kind == "flag":
                if actual is not bool(expected):
                    problems.append(f"{where}: {actual!r} != {bool(expected)!r}")
            else:
                words = NEVER if c.kind == "years" else NOT_AVAILABLE
                check(where, _missing_as_nan(actual, words), float(expected))

    # Cash flows: the shared columns and each option's year-by-year amounts.
    ws = wb[layout.CASH_FLOWS]
    horizon = int(person.horizon_years)
    years = np.arange(1, layout.MAX_YEARS + 1, dtype=float)
    shared = {
        "year": years,
        "salary": person.salary * (1 + person.salary_growth) ** (years - 1),
        "discount": metrics.discount_factors(person.discount_rate, layout.MAX_YEARS),
        "weight": np.clip(person.target_payback_years - (years - 1), 0, 1),
    }
    for key, expected_column in shared.items():
        column = layout.CF_SHARED_COL[key]
        for y in range(1, layout.MAX_YEARS + 1):
            check(
                f"Cash flows {key} year {y}",
                ws.cell(row=lay.cf_row(y), column=column).value,
                float(expected_column[y - 1]),
            )
    for y in range(1, layout.MAX_YEARS + 1):
        inside = ws.cell(row=lay.cf_row(y), column=layout.CF_SHARED_COL["in_horizon"]).value
        if inside is not (y <= horizon):
            problems.append(f"Cash flows in_horizon year {y}: {inside!r}")

    per_year = (
        "direct_cost",
        "income_given_up",
        "gain",
        "loan_fee",
        "interest",
        "flow",
        "cumulative",
        "discounted_cumulative",
    )
    keys = dict(
        zip(
            per_year,
            (
                "direct",
                "foregone",
                "gain",
                "fee",
                "interest",
                "flow",
                "cumulative",
                "discounted_cumulative",
            ),
            strict=True,
        )
    )
    for i, name in enumerate(programs.names):
        v = {k: float(values[k][i]) for k in values}
        check(
            f"Cash flows job start of {name!r}",
            ws.cell(row=layout.CF_JOB_START_ROW, column=lay.cf_col(i, "study")).value,
            float(timeline.job_start(v["years"], v["months_to_job"])),
        )
        check(
            f"Cash flows first job year of {name!r}",
            ws.cell(row=layout.CF_FIRST_JOB_YEAR_ROW, column=lay.cf_col(i, "study")).value,
            float(timeline.first_job_year(v["years"], v["months_to_job"])),
        )
        check(
            f"Cash flows sign changes of {name!r}",
            ws.cell(row=layout.CF_SIGN_CHANGES_ROW, column=lay.cf_col(i, "study")).value,
            float(sign_changes(detail.flow[i])),
        )
        nonzero = np.where(detail.flow[i] != 0, np.sign(detail.flow[i]), np.nan)
        last_sign = np.nan_to_num(_carry_forward(nonzero), nan=0.0)
        by_year = {
            "sign": np.concatenate((last_sign, np.full(layout.MAX_YEARS - horizon, last_sign[-1]))),
            "study": timeline.study_share(v["years"], years),
            "search": timeline.search_share(v["years"], v["months_to_job"], years),
            "job": timeline.job_share(v["years"], v["months_to_job"], years),
        }
        for y in range(1, layout.MAX_YEARS + 1):
            row = lay.cf_row(y)
            for key, expected_column in by_year.items():
                check(
                    f"Cash flows {key} of {name!r} year {y}",
                    ws.cell(row=row, column=lay.cf_col(i, key)).value,
                    float(expected_column[y - 1]),
                )
            for attr in per_year:
                check(
                    f"Cash flows {attr} of {name!r} year {y}",
                    ws.cell(row=row, column=lay.cf_col(i, keys[attr])).value,
                    shown(getattr(detail, attr)[i], attr, y, horizon),
                )

    # Loans: key figures and the yearly schedule (the model's amounts by year, in the horizon).
    ws = wb[layout.LOANS]
    for i, name in enumerate(programs.names):
        v = {k: float(values[k][i]) for k in values}
        months = float(timeline.deferment_months(v["years"], v["grace_months"]))
        expected_key = {
            "cost_of_attendance": float(outcome.cost_of_attendance[i]),
            "federal": float(outcome.federal_loans[i]),
            "private": float(outcome.private_loans[i]),
            "borrowed": float(outcome.amount_borrowed[i]),
            "fee": float(outcome.loan_fees[i]),
            "study_months": months - v["grace_months"],
            "deferment_months": months,
            "payment": float(outcome.monthly_payment[i]),
            "total_interest": float(outcome.total_interest[i]),
            "forgiven": float(outcome.amount_forgiven[i]),
            "relief": float(outcome.loan_relief[i]),
            "total_paid": float(outcome.total_paid[i]),
            "years_to_pay_off": float(outcome.years_to_pay_off[i]),
            "loan_cost": float(outcome.loan_cost[i]),
        }
        for key, expected in expected_key.items():
            check(
                f"Loans {key} of {name!r}",
                ws.cell(row=layout.LOANS_ROW[key], column=lay.option_col(i)).value,
                expected,
            )
        # the schedule's amounts in today's dollars are the model's yearly loan amounts
        by_year = {
            "real_fee": detail.loan_fee[i],
            "real_interest": detail.interest[i],
            "real_relief": detail.loan_relief[i],
        }
        for y in range(1, horizon + 1):
            for key, series in by_year.items():
                check(
                    f"Loans schedule {key} of {name!r} year {y}",
                    ws.cell(row=lay.schedule_row(y), column=lay.schedule_col(i, key)).value,
                    float(series[y - 1]),
                )
    return problems


def _carry_forward(x: np.ndarray) -> np.ndarray:
    """Each NaN replaced by the last number before it (NaN where there is none)."""
    out = x.copy()
    for k in range(1, len(out)):
        if np.isnan(out[k]):
            out[k] = out[k - 1]
    return out


def sign_changes(flows: np.ndarray) -> int:
    """How many times the non-zero flows change sign."""
    signs = np.sign(flows[flows != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def npv_residual(flows: np.ndarray, rate: float) -> float:
    """NPV at ``rate`` relative to the sum of the discounted flows' sizes (0 at an IRR)."""
    discounted = flows * (1.0 + rate) ** -np.arange(1, len(flows) + 1)
    return float(abs(discounted.sum()) / np.abs(discounted).sum())


def irr_problems(wb: openpyxl.Workbook, programs: Programs, person: Person) -> list[str]:
    """Where the workbook's IRR differs from the model's (NaN for "n/a", inf for "> 99,900%").

    The model gives an IRR only where it is unique, for flows whose sign
    changes exactly once; the message says how far from zero the NPV is at
    each side's rate, so a rate that is not an IRR shows at once.
    """
    ws = wb[layout.SUMMARY]
    column = 1 + next(k for k, c in enumerate(COMPARE_COLUMNS) if c.key == "irr")
    model = programs.evaluate(person).irr
    flows = yearly_detail(programs.inputs(person)).flow
    problems = []
    for i, name in enumerate(programs.names):
        got = _missing_as_nan(
            ws.cell(row=Layout(len(programs)).summary_row(i), column=column).value, NOT_AVAILABLE
        )
        got = math.inf if got == IRR_ABOVE else got  # above the highest rate looked at
        expected = float(model[i])
        if math.isnan(expected) and isinstance(got, float) and math.isnan(got):
            continue
        if expected == got == math.inf:
            continue
        if not math.isnan(expected) and close(got, expected):
            continue
        numeric = isinstance(got, int | float) and not isinstance(got, bool)

        def residual(rate: float, i: int = i) -> str:
            return "-" if not math.isfinite(rate) else f"{npv_residual(flows[i], rate):.1e}"

        problems.append(
            f"IRR of {name!r} ({sign_changes(flows[i])} sign changes): workbook {got!r} "
            f"(NPV there {residual(got) if numeric else '-'} of the flows' size), model "
            f"{expected!r} (NPV there {residual(expected)})"
        )
    return problems


# --- committed files ----------------------------------------------------------------------

_FLOAT = re.compile(rb"-?\d+\.\d+(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+")


def stale_members(old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Zip members of a committed file that differ from a fresh one, beyond the last digits.

    A member differs when its bytes do, except where the only differences are decimal
    numbers within 1e-12 of each other (relative): the model's figures written as values
    can come out in the last digit differently on another processor, and such a file is
    not stale.  Every other byte must be the same.
    """
    if sorted(old) != sorted(new):
        return sorted(set(old) ^ set(new))
    out = []
    for name in old:
        a, b = old[name], new[name]
        if a == b:
            continue
        if _FLOAT.split(a) != _FLOAT.split(b):
            out.append(name)
            continue
        xs, ys = _FLOAT.findall(a), _FLOAT.findall(b)
        if len(xs) != len(ys) or any(
            not math.isclose(float(x), float(y), rel_tol=1e-12, abs_tol=1e-300)
            for x, y in zip(xs, ys, strict=True)
            if x != y
        ):
            out.append(name)
    return out


# --- each option's own cells ----------------------------------------------------------------

#: A cell's place within an option's row or block: (region, row, column), both counted from the
#: region's first; the same place of two options holds the same formula.
Place = tuple[str, int, int]


def option_places(lay: Layout, i: int) -> dict[Place, tuple[str, int, int]]:
    """Every cell of option ``i``'s own row or blocks, as ``{place: (sheet, row, column)}``.

    Its row on Summary, its block on Odds, its block of Cash flows (the IRR search below
    included), its column of Loans key figures and its blocks of disbursements and of the
    yearly schedule, and its block on the RAP sheet if it has one; the Roles sheet is not
    among them.
    """
    places: dict[Place, tuple[str, int, int]] = {}

    def region(name: str, sheet: str, rows: range, first_col: int, width: int) -> None:
        for r, row in enumerate(rows):
            for k in range(width):
                places[name, r, k] = (sheet, row, first_col + k)

    row = lay.summary_row(i)
    region(layout.SUMMARY, layout.SUMMARY, range(row, row + 1), 1, len(COMPARE_COLUMNS))
    top = odds_sheet.block(i).top
    width = odds_sheet.GRID_COL + layout.MAX_YEARS - 1
    region(layout.ODDS, layout.ODDS, range(top, top + odds_sheet.BLOCK_ROWS), 1, width)
    region(
        layout.CASH_FLOWS,
        layout.CASH_FLOWS,
        range(layout.CF_NAME_ROW, layout.IRR_LAST_ROW + 1),
        lay.cf_col(i, layout.CF_BLOCK[0][0]),
        len(layout.CF_BLOCK),
    )
    region(
        "Loans key figures",
        layout.LOANS,
        range(layout.LOANS_FIRST_ROW, layout.LOANS_FIRST_ROW + len(layout.LOANS_ROWS)),
        lay.option_col(i),
        1,
    )
    for name, first, last, blocks in (
        ("Loans disbursements", layout.DISB_NAME_ROW, layout.DISB_LAST_ROW, layout.DISB_BLOCKS),
        (
            "Loans schedule",
            layout.SCHEDULE_NAME_ROW,
            layout.SCHEDULE_LAST_ROW,
            layout.SCHEDULE_BLOCKS,
        ),
    ):
        start = blocks.col(i, blocks.columns[0][0])
        region(name, layout.LOANS, range(first, last + 1), start, len(blocks.columns))
    if lay.rap_block(i) is not None:
        region(
            layout.RAP,
            layout.RAP,
            range(layout.RAP_NAME_ROW, layout.RAP_LAST_ROW + 1),
            lay.rap_col(i, layout.RAP_BLOCK[0][0]),
            len(layout.RAP_BLOCK),
        )
    return places


def formula_positions(wb: openpyxl.Workbook) -> set[tuple[str, int, int]]:
    """Every formula cell of a workbook (loaded with its formulas), as (sheet, row, column)."""
    return {
        (ws.title, c.row, c.column)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def option_formulas(
    lay: Layout, i: int, formulas: set[tuple[str, int, int]]
) -> dict[Place, tuple[str, int, int]]:
    """The formula cells (``formulas``: :func:`formula_positions`) among option ``i``'s own."""
    return {p: at for p, at in option_places(lay, i).items() if at in formulas}


def value_at(wb: openpyxl.Workbook, at: tuple[str, int, int]) -> Any:
    sheet, row, column = at
    return wb[sheet].cell(row=row, column=column).value


def numbers_or_errors(wb: openpyxl.Workbook, cells: dict[Place, tuple[str, int, int]]) -> list[str]:
    """The cells among ``cells`` that hold anything but empty text (a number, TRUE, an error)."""
    found = []
    for sheet, row, column in cells.values():
        value = wb[sheet].cell(row=row, column=column).value
        if value not in (None, ""):
            found.append(f"{sheet}!{openpyxl.utils.get_column_letter(column)}{row}={value!r}")
    return found


def template_problems(
    template: openpyxl.Workbook,
    template_formulas: set[tuple[str, int, int]],
    n: int,
    columns: list[int],
    reference: openpyxl.Workbook,
    reference_formulas: set[tuple[str, int, int]],
) -> list[str]:
    """Where a computed template of ``n`` columns, options in ``columns``, differs from the
    computed workbook of those options alone (``reference``: its option ``k`` in template
    column ``columns[k]``); ``*_formulas`` are the files' :func:`formula_positions`.

    Every formula of a column left blank must show empty text: no number, no TRUE or FALSE,
    no error value.  Every formula of a filled column must show what the same formula of its
    option shows in the reference (numbers to :data:`REL`, :data:`ABS` near zero), except
    that a template holds no simulated figures: its Summary columns by them (the written
    figures and the rank, :data:`GUARDED`) say :data:`STALE`, and its Odds sheet says the
    inputs changed.
    """
    lay, ref_lay = Layout(n, template=True), Layout(len(columns))
    guarded = {(layout.SUMMARY, 0, layout.SUMMARY_COL[key] - 1) for key in GUARDED}
    stale = (layout.ODDS, odds_sheet.SCALAR_ROW["stale"], 1)
    problems = []
    for i in range(n):
        cells = option_formulas(lay, i, template_formulas)
        if i not in columns:
            problems += [
                f"column {i + 1} left blank: {c}" for c in numbers_or_errors(template, cells)
            ]
            continue
        theirs = option_formulas(ref_lay, columns.index(i), reference_formulas)
        if cells.keys() != theirs.keys():
            problems.append(f"column {i + 1}: other formula cells than its option's")
            continue
        for place, at in cells.items():
            got, want = value_at(template, at), value_at(reference, theirs[place])
            if place in guarded:
                want = STALE
            elif place == stale:
                want = True
            if not same_value(want, got):
                sheet, row, column = at
                problems.append(
                    f"column {i + 1}: {sheet}!{openpyxl.utils.get_column_letter(column)}{row} "
                    f"= {got!r}, its option's workbook {want!r}"
                )
    return problems
