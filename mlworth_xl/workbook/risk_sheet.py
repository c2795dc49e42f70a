"""The Risk sheet: how likely each option is to pay back, from the Monte Carlo layer.

Unlike the other result sheets it holds **values**, not formulas: a
spreadsheet cannot simulate 100,000 draws per option without volatile
functions (RAND) or macros.  The sheet says so, and stamps the draws, the
seed, the mlworth-xl version and the as-of date of the embedded data, so
the numbers can be reproduced with ``mlworth-xl risk --draws N --seed S``.

The stamp carries the data's as-of date (the date the Guide shows), not
the day the file was made: the same inputs then give the same bytes, and
the date says what the numbers rest on.

The table has the columns of ``mlworth-xl risk`` (:func:`mlworth_xl.risk_api.risk_columns`,
draws and seed moved to the stamp) and the chance of completing and the
salary spread each option was simulated with.  Below it, a line chart
shows, per option, the share of draws that have paid back by each year
of the horizon; its data are the table under the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.risk import DEFAULT_DRAWS, DEFAULT_SEED, RiskResult, iter_simulations
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import Uncertainty
from mlworth_xl.risk_api import DEFAULT_WITHIN, risk_columns, risk_row
from mlworth_xl.workbook import layout, styles
from mlworth_xl.workbook.styles import set_text
from mlworth_xl.workbook.summary import NEVER

RISK = "Risk"

#: The columns of ``mlworth-xl risk`` shown per option (draws and seed are in the stamp).
COLUMNS = tuple(c for c in risk_columns(DEFAULT_WITHIN) if c.key not in ("draws", "seed"))
#: What each option was simulated with: (header, attribute of its Uncertainty, format).
ASSUMED = (
    ("Completion probability", "completion_prob", "0%"),
    ("Salary spread (log sd)", "salary_sigma", "0.0000"),
)
_FORMAT = {
    "text": "General",
    "years": styles.YEARS,
    "share": "0.0%",
    "usd": styles.USD,
    "count": styles.WHOLE,
}

STAMP_ROW = 4
#: Stamp rows from STAMP_ROW: labels in column A, values in column B.
STAMP_LABELS = ("Draws per option", "Seed", "Made with", "Simulated with the data as of")
HEADER_ROW = STAMP_ROW + len(STAMP_LABELS) + 1
FIRST_ROW = HEADER_ROW + 1
_LEFT = Alignment(horizontal="left")
_CHART_HEIGHT = 12.0  # cm
_CHART_ROWS = 24  # rows of 15 points it covers
_NOTES = (
    "Each draw is one possible course of an option: the person finishes it or drops out "
    "(paying the costs up to then), looks for a job for a random number of months (mean: "
    "months to find a job), lands the role or not (placement probability) and earns a salary "
    "drawn around the salary after (lognormal, the spread below). Every option uses the same "
    "draws, so differences between options are not noise.",
    "Payback counts years from the first day of study; a percentile is one of the draws, and "
    f'"{NEVER}" means that share of the draws has not paid back by the end of the horizon. '
    "Completion probabilities: the Council of Graduate Schools' STEM master's rate for "
    "degrees; illustrative assumptions for bootcamps, certificates and self-study (Sources).",
)


@dataclass(frozen=True)
class RiskSettings:
    """How the Risk sheet is simulated: draws per option and the seed (as ``mlworth-xl risk``)."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED


#: The Risk sheet by default: the draws and seed of ``mlworth-xl risk``.
DEFAULT_RISK = RiskSettings()


def simulate(
    programs: Programs,
    person: Person,
    settings: RiskSettings,
    per_option: Sequence[Uncertainty] | None = None,
    roles: Roles | None = None,
) -> tuple[list[dict[str, Any]], list[RiskResult | None]]:
    """Each option's row of ``mlworth-xl risk`` and its draws, as :func:`mlworth_xl.risk`.

    Each option is simulated on its own: with the same seed its draws are
    those it gets in a table (:mod:`mlworth_xl.model.risk`), and an option
    the simulation refuses (a salary after of 0 has no lognormal spread)
    gets a row that says why, instead of leaving the workbook unwritten.
    """
    rows: list[dict[str, Any]] = []
    results: list[RiskResult | None] = []
    for i, (name, record) in enumerate(zip(programs.names, programs.records(), strict=True)):
        try:
            (result,) = iter_simulations(
                Programs.from_records([record]),
                person,
                None if per_option is None else per_option[i],
                draws=settings.draws,
                seed=settings.seed,
                roles=roles,
            )
        except InputError as exc:
            rows.append({"option": name, "problem": f"Not simulated: {exc.summary()}"})
            results.append(None)
            continue
        rows.append({"option": name, **risk_row(result, DEFAULT_WITHIN)})
        results.append(result)
    return rows, results


def paid_back_by_year(result: RiskResult, years: np.ndarray) -> np.ndarray:
    """Share of the draws whose payback is at most each of ``years``.

    >>> from mlworth_xl.model.risk import Uncertainty
    >>> r = RiskResult(np.array([1.5, np.nan, 3.0, 0.0]), np.zeros(4), np.ones(4, bool),
    ...                np.ones(4, bool), 1, 10.0, 40.0, Uncertainty())
    >>> paid_back_by_year(r, np.array([1, 2, 3])).tolist()
    [0.25, 0.5, 0.75]
    """
    done = np.sort(result.payback_years[~np.isnan(result.payback_years)])
    return np.searchsorted(done, years, side="right") / result.draws


def write(
    wb: Workbook,
    programs: Programs,
    person: Person,
    settings: RiskSettings,
    version: str,
    as_of: str,
    per_option: Sequence[Uncertainty] | None = None,
    roles: Roles | None = None,
) -> None:
    """Add the Risk sheet after Summary."""
    ws = wb.create_sheet(RISK, wb.sheetnames.index(layout.SUMMARY) + 1)
    styles.title(
        ws,
        "Risk: how likely is each option to pay back?",
        "Simulated outcomes stored as values, not formulas: they do not change when "
        "you edit Inputs or Programs. Run `mlworth-xl workbook` again to refresh them.",
    )
    ws["A2"].font = styles.BAD_FONT
    stamp = (settings.draws, settings.seed, f"mlworth-xl {version}", as_of)
    for k, (label, value) in enumerate(zip(STAMP_LABELS, stamp, strict=True)):
        ws.cell(row=STAMP_ROW + k, column=1, value=label).font = styles.BOLD
        target = ws.cell(row=STAMP_ROW + k, column=2, value=value)
        target.number_format = "#,##0" if k == 0 else "General"
        target.alignment = _LEFT

    rows, results = simulate(programs, person, settings, per_option, roles)
    headers = [c.header for c in COLUMNS] + [h for h, _, _ in ASSUMED]
    for k, text in enumerate(headers, start=1):
        styles.header(ws, HEADER_ROW, k, text)
    for i, (row, result) in enumerate(zip(rows, results, strict=True)):
        r = FIRST_ROW + i
        ws.row_dimensions[r].height = 30
        if result is None:
            set_text(ws.cell(row=r, column=1), row["option"])
            ws.cell(row=r, column=2, value=row["problem"]).font = styles.BAD_FONT
            continue
        for k, c in enumerate(COLUMNS, start=1):
            value = row[c.key]
            missing = isinstance(value, float) and np.isnan(value)
            target = ws.cell(row=r, column=k, value=NEVER if missing else value)
            if c.kind == "text":
                set_text(target, value)  # a name such as "=1+1" stays text
            target.number_format = _FORMAT[c.kind]
            target.alignment = styles.WRAP if c.kind == "text" else styles.WRAP_RIGHT
        for k, (_, attribute, fmt) in enumerate(ASSUMED, start=len(COLUMNS) + 1):
            target = ws.cell(row=r, column=k, value=float(getattr(result.uncertainty, attribute)))
            target.number_format = fmt
            target.alignment = styles.WRAP_RIGHT
    last = FIRST_ROW + len(rows) - 1

    width = 36 + 11.5 * (len(headers) - 1)
    row = last + 2
    for note in _NOTES:
        ws.cell(row=row, column=1, value=note).font = styles.NOTE_FONT
        ws.cell(row=row, column=1).alignment = styles.WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        ws.row_dimensions[row].height = styles.lines_height((note, width))
        row += 1

    chart_row = row + 1
    table_row = chart_row + _CHART_ROWS + 1
    horizon = int(person.horizon_years)
    _by_year(ws, programs.names, results, table_row, horizon)
    _chart(ws, len(rows), table_row, horizon, chart_row)

    ws.row_dimensions[HEADER_ROW].height = 45
    styles.widths(ws, {"A": 36})
    for k in range(2, len(headers) + 1):
        ws.column_dimensions[get_column_letter(k)].width = 11.5
    # No print area: LibreOffice prints a hidden sheet that has one (the Summary PDF hides it).
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    styles.protect(ws)


def _by_year(
    ws: Worksheet, names: list[str], results: list[RiskResult | None], top: int, horizon: int
) -> None:
    """The chart's data: years 0 to the horizon, then per option the share paid back by then."""
    ws.cell(
        row=top,
        column=1,
        value="Share of draws that have paid back by each year (the chart's data)",
    ).font = styles.SECTION_FONT
    styles.header(ws, top + 1, 1, "Year from the first day of study")
    for k, name in enumerate(names, start=2):
        styles.header(ws, top + 1, k, name)
        set_text(ws.cell(row=top + 1, column=k), name)
    years = np.arange(0, horizon + 1)
    shares = [paid_back_by_year(r, years).tolist() if r is not None else None for r in results]
    for y in years.tolist():
        ws.cell(row=top + 2 + y, column=1, value=y)
        for k, column in enumerate(shares, start=2):
            if column is not None:
                ws.cell(row=top + 2 + y, column=k, value=column[y]).number_format = "0.0%"
    ws.row_dimensions[top + 1].height = max(45, styles.lines_height(*((n, 11.5) for n in names)))


def _chart(ws: Worksheet, n: int, top: int, horizon: int, anchor_row: int) -> None:
    """A line per option: the share of draws paid back by each year of the horizon."""
    chart = LineChart()
    chart.title = "Chance of having paid back, by year"
    chart.y_axis.title = "Share of draws"
    chart.x_axis.title = "Year from the first day of study"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    first, last = top + 2, top + 2 + horizon  # years 0 to the horizon
    for k in range(2, n + 2):
        series = Series(Reference(ws, min_col=k, min_row=first, max_row=last))
        series.tx = SeriesLabel(strRef=StrRef(layout.cell(RISK, k, top + 1)))
        series.smooth = False
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.x_axis.tickLblSkip = 5 if horizon > 20 else 1  # 0, 5, 10 … not 41 crowded labels
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width, chart.height = 30, _CHART_HEIGHT
    ws.add_chart(chart, f"A{anchor_row}")
