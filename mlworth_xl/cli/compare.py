"""``mlworth-xl compare``: the comparison table."""

from __future__ import annotations

from pathlib import Path

import click

from mlworth_xl.api import compare, resolve_inputs
from mlworth_xl.cli import main
from mlworth_xl.cli.options import inputs
from mlworth_xl.cli.render import table, to_csv, to_json

#: Above this many options, compare says that the odds take a while.
LARGE_TABLE = 1_000


@main.command("compare")
@inputs
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format; csv and json keep full precision.",
)
@click.option(
    "--odds/--no-odds",
    default=True,
    show_default=True,
    help="Lead with each option's odds (about 10 ms an option); --no-odds: only "
    "the figures if completed, ranked by the NPV if completed, for large tables.",
)
def compare_command(programs: Path | None, person: Path | None, fmt: str, odds: bool) -> None:
    """Compare options against staying in the current job.

    One row per option, leading with its odds over what may happen (it may
    not be finished, the job may take months or not come, the salary
    varies; see `mlworth-xl risk`): the chance of paying back within the
    person's target and a verdict (Likely: at least 2/3, Unlikely: at most
    1/3, else Uncertain), the median payback, the expected NPV and its 10th
    and 90th percentiles, all computed exactly, and the rank by the expected
    NPV.  Then the figures if the option is completed (no dropout; placement
    and months to a job as expected): cost of attendance, income given up,
    borrowing, interest, total cost, payback if completed (years from the
    first day of study), NPV, IRR, ROI and the break-even salary if
    completed, then the loans (federal and private, monthly payment, total
    paid, years to pay off, amount forgiven under RAP) where anything is
    borrowed.  --no-odds shows those figures alone, ranked by the NPV if
    completed, with "Pays back within target if completed" as Yes or No.
    "never" means it does not pay back within the horizon.  Financing and
    repayment plan are program columns (financing: simple or federal;
    repayment_plan: fixed, tiered or rap).

    \b
    Examples:
      mlworth-xl compare
      mlworth-xl compare --programs templates/programs.csv --person templates/person.toml
      mlworth-xl compare --format csv > comparison.csv
      mlworth-xl compare --programs thousands.csv --no-odds --format csv
    """
    table_, who = resolve_inputs(programs, person)
    if odds and len(table_) > LARGE_TABLE:
        click.echo(
            f"Working out the odds of {len(table_):,} options (about 10 ms each; "
            "--no-odds skips them)",
            err=True,
        )
    frame = compare(table_, who, odds=odds)
    render = {"table": table, "csv": to_csv, "json": to_json}[fmt]
    click.echo(render(frame), nl=False)
