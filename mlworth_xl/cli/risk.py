"""``mlworth-xl risk``: how likely each option is to pay back (Monte Carlo)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
import pandas as pd

from mlworth_xl.api import resolve_inputs
from mlworth_xl.cli import main
from mlworth_xl.cli.options import inputs
from mlworth_xl.cli.render import aligned, cell, to_csv, to_json
from mlworth_xl.model.data import field_default
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.risk import DEFAULT_DRAWS, DEFAULT_SEED, MAX_DRAWS, Uncertainty
from mlworth_xl.model.uncertainty import JOB_SEARCH, RISK
from mlworth_xl.parse import parse_number
from mlworth_xl.risk_api import DEFAULT_WITHIN, risk, risk_columns

#: A progress bar appears when the run looks like taking longer than this.
PROGRESS_AFTER_SECONDS = 1.0


class Progress:
    """Counts draws; shows a progress bar on stderr once the run looks long."""

    def __init__(self, total: int, label: str = "Simulating"):
        self.total, self.label = total, label
        self.done = 0
        self.start = time.perf_counter()
        self.bar: Any = None

    def __call__(self, n: int) -> None:
        self.done += n
        if self.bar is None:
            elapsed = time.perf_counter() - self.start
            if elapsed * self.total / self.done <= PROGRESS_AFTER_SECONDS:
                return
            self.bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
            self.bar.update(self.done)
        else:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command("risk")
@inputs
@click.option(
    "--draws",
    type=click.IntRange(1, MAX_DRAWS),
    default=DEFAULT_DRAWS,
    show_default=True,
    help="Draws per option.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the random numbers: the same seed gives the same table.",
)
@click.option(
    "--within",
    "within",
    type=click.FloatRange(min=0, min_open=True),
    multiple=True,
    metavar="YEARS",
    help="Payback to give a probability for; repeat for several [default: 5, 10, 20].",
)
@click.option(
    "--completion-prob",
    default=None,
    metavar="P",
    help="Chance of finishing, for every option: 0.9 or 90% [default: by kind, see "
    "`mlworth-xl sources`].",
)
@click.option(
    "--salary-sigma",
    type=float,
    default=None,
    metavar="S",
    help="Spread of the salary after: standard deviation of its log "
    f"[default: {field_default(RISK['salary_sigma'])}, fitted to BLS pay "
    "percentiles].",
)
@click.option(
    "--job-search",
    type=click.Choice(JOB_SEARCH),
    default="geometric",
    show_default=True,
    help="Months to a job: geometric (mean months_to_job) or fixed.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format; csv and json keep full precision.",
)
def risk_command(
    programs: Path | None,
    person: Path | None,
    draws: int,
    seed: int,
    within: tuple[float, ...],
    completion_prob: str | None,
    salary_sigma: float | None,
    job_search: str,
    fmt: str,
) -> None:
    """How likely is each option to pay back?  Monte Carlo over uncertain outcomes.

    Each draw is one possible course: the person finishes or drops out
    (paying the costs up to then), finds a job after a random number of
    months, lands the target role or not, at a salary drawn around the
    option's salary after.  Shows the chance of paying back within the
    person's target and within 5, 10 and 20 years, the share that never
    pays back within the horizon, and the 10th/50th/90th percentiles of
    the payback (years from the first day of study) and of the NPV.

    \b
    Examples:
      mlworth-xl risk
      mlworth-xl risk --programs templates/programs.csv --draws 1000000 --seed 7
      mlworth-xl risk --within 3 --within 8 --format csv > risk.csv
    """
    years = tuple(dict.fromkeys(within)) or DEFAULT_WITHIN
    table, who = resolve_inputs(programs, person)
    changes: dict[str, Any] = {"job_search": job_search}
    if completion_prob is not None:  # 0.9 or 90%, as the message for 90 says to write it
        try:
            changes["completion_prob"] = parse_number(completion_prob, RISK["completion_prob"])
        except ValueError as exc:
            raise InputError.single("--completion-prob", str(exc)) from None
    if salary_sigma is not None:
        changes["salary_sigma"] = salary_sigma
    uncertainty = [Uncertainty.for_kind(kind, **changes) for kind in table.kinds]
    progress = Progress(draws * len(table))
    try:
        frame = risk(
            table,
            who,
            draws=draws,
            seed=seed,
            within=years,
            uncertainty=uncertainty,
            progress=progress,
        )
    finally:
        progress.close()
    if fmt == "table":
        click.echo(render_table(frame, years, who.horizon_years), nl=False)
    else:
        click.echo((to_csv if fmt == "csv" else to_json)(frame), nl=False)


#: Columns of the two parts of the readable table (keys of risk_columns).
CHANCE_PART = ("option", "target_probability", "never_share")
SPREAD_PART = (
    "option",
    "payback_p10",
    "payback_p50",
    "payback_p90",
    "npv_p10",
    "npv_p50",
    "npv_p90",
)


def render_table(frame: pd.DataFrame, within: tuple[float, ...], horizon: float) -> str:
    """The risk table as two aligned tables: chances of paying back, then the spread."""
    columns = {c.key: c for c in risk_columns(within)}
    first = frame.iloc[0]
    stamp = (
        f"{int(first['Draws']):,} draws per option, seed {int(first['Seed'])}; target "
        f"payback {cell('years', first['Target (years)'])} years, horizon {horizon:g} "
        "years"
    )
    chance = (*CHANCE_PART[:2], *(f"within_{n:g}" for n in within), CHANCE_PART[2])
    parts = [
        stamp,
        "",
        "Chance of paying back",
        _aligned(frame, [columns[k] for k in chance]),
        "Spread (10th, 50th, 90th percentile)",
        _aligned(frame, [columns[k] for k in SPREAD_PART]),
    ]
    return "\n".join(parts)


def _aligned(frame: pd.DataFrame, cols: list[Any]) -> str:
    body = [
        [cell("text", r[cols[0].header])] + [cell(c.kind, r[c.header]) for c in cols[1:]]
        for _, r in frame.iterrows()
    ]
    return aligned([c.header for c in cols], body)
