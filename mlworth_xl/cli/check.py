"""``mlworth-xl check``: audit a comparison workbook that came back from a client."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mlworth_xl.cli import main
from mlworth_xl.workbook.check import audit


@main.command("check")
@click.argument("workbook", type=click.Path(path_type=Path), metavar="WORKBOOK")
def check_command(workbook: Path) -> None:
    """Audit a comparison workbook that came back: what was changed, by cell.

    Reports formulas overwritten with a number or edited, inputs outside
    their allowed ranges, cells showing error values, sheets added,
    missing or renamed, rows or columns inserted or deleted, values other
    than inputs (labels, constants, the Risk sheet's stamp and simulated
    values) that differ from what the generator writes and, where the file
    holds the results of its last calculation, results that differ from
    the model recomputed from the workbook's own inputs (cell by cell when
    LibreOffice is installed). Macros are never run and external links
    never refreshed.

    Exit status: 0 when the workbook is as generated, 1 with a report of
    each problem, 2 when the file cannot be read safely or is no
    comparison workbook at all.

    \b
    Example:
      mlworth-xl check client.xlsx
    """
    report = audit(workbook)
    for note in report.notes:
        click.echo(f"mlworth-xl: warning: {workbook}: {note}", err=True)
    click.echo("\n".join(report.lines()))
    if not report.clean:
        sys.exit(1)
