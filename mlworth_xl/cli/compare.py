"""``mlworth-xl compare``: the comparison table."""

from __future__ import annotations

from pathlib import Path

import click

from mlworth_xl.api import compare
from mlworth_xl.cli import main
from mlworth_xl.cli.options import inputs
from mlworth_xl.cli.render import table, to_csv, to_json


@main.command("compare")
@inputs
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format; csv and json keep full precision.")
def compare_command(programs: Path | None, person: Path | None, fmt: str) -> None:
    """Compare options against staying in the current job.

    One row per option: cost of attendance, income given up, borrowing,
    interest, total cost, payback (years from the first day of study),
    NPV, IRR, ROI and the break-even salary, then the loans (federal and
    private, monthly payment, total paid, years to pay off, amount forgiven
    under RAP) where anything is borrowed.  "never" means it does not pay
    back within the horizon.  Financing and repayment plan are program
    columns (financing: simple or federal; repayment_plan: fixed, tiered
    or rap).

    \b
    Examples:
      mlworth-xl compare
      mlworth-xl compare --programs templates/programs.csv --person templates/person.toml
      mlworth-xl compare --format csv > comparison.csv
    """
    frame = compare(programs, person)
    render = {"table": table, "csv": to_csv, "json": to_json}[fmt]
    click.echo(render(frame), nl=False)
