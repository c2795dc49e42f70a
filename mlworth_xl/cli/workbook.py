"""``mlworth-xl workbook``: write the comparison workbook (native Excel formulas)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mlworth_xl.api import compare, resolve_inputs
from mlworth_xl.atomic import check_target
from mlworth_xl.cli import main
from mlworth_xl.cli.options import inputs
from mlworth_xl.cli.render import table
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.risk import DEFAULT_DRAWS, DEFAULT_SEED, MAX_DRAWS
from mlworth_xl.workbook import DEFAULT_NAME, ironcalc_values, write_workbook
from mlworth_xl.workbook.libreoffice import LibreOfficeError
from mlworth_xl.workbook.risk_sheet import RiskSettings


class LibreOfficeMissing(click.ClickException):
    """--values or --pdf without a working LibreOffice: one line, exit 2."""

    exit_code = 2


@main.command("workbook")
@inputs
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(),
    default=None,
    metavar="PATH",
    help=f"Where to write the .xlsx file (a folder gets {DEFAULT_NAME}); "
    f"default: {DEFAULT_NAME} in the current folder.",
)
@click.option("--force", is_flag=True, help="Replace the file (and PDF) if it exists.")
@click.option(
    "--values",
    is_flag=True,
    help="Store every formula's value as LibreOffice computes it; the formulas stay live.",
)
@click.option(
    "--ironcalc-values",
    "ironcalc_values_",
    is_flag=True,
    help="Store every formula's value as IronCalc computes it in process (no "
    "LibreOffice; adds about 2 s): previewers, phones and pandas then show the "
    "numbers.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also write the Summary page to a PDF beside the workbook (LibreOffice).",
)
@click.option(
    "--draws",
    type=click.IntRange(1, MAX_DRAWS),
    default=DEFAULT_DRAWS,
    show_default=True,
    help="Draws per option of the Risk sheet (as `mlworth-xl risk`).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the Risk sheet: the same seed gives the same numbers.",
)
@click.option("--no-risk", is_flag=True, help="Leave out the Risk sheet (no simulation).")
def workbook_command(
    programs: Path | None,
    person: Path | None,
    output: str | None,
    force: bool,
    values: bool,
    ironcalc_values_: bool,
    pdf: bool,
    draws: int,
    seed: int,
    no_risk: bool,
) -> None:
    """Write a comparison workbook that recalculates in Excel, LibreOffice or Google Sheets.

    Every result is a native formula over the input cells, so the file
    works without Python: change a tuition, a salary or the horizon and
    everything recalculates. Sheets: Guide, Inputs, Programs, Roles, Summary, Risk,
    Cash flows, Loans, Sources. The Risk sheet holds the chances of paying
    back simulated as `mlworth-xl risk` does, as values stamped with the
    draws and seed: rerun the command to refresh them. With --values
    (LibreOffice) or --ironcalc-values every formula's value is stored too,
    so previewers, phones and pandas show the numbers; Excel and LibreOffice
    recalculate on opening. Prints where it went and the summary table.

    \b
    Examples:
      mlworth-xl workbook
      mlworth-xl workbook --programs my-programs.csv --person me.toml -o client.xlsx
      mlworth-xl workbook --values --pdf --force
      mlworth-xl workbook --draws 1000000 --seed 7 -o client.xlsx
    """
    dest = Path(output) if output is not None else Path(DEFAULT_NAME)
    if output is not None and output.endswith(("/", os.sep)) and not dest.is_dir():
        raise InputError.single(
            "-o",
            f"the folder {output!r} does not exist; allowed: a "
            "folder that exists or a file name ending in .xlsx",
        )
    target = dest / DEFAULT_NAME if dest.is_dir() else dest
    if not target.parent.is_dir():
        raise InputError.single("-o", f"the folder {str(target.parent)!r} does not exist")
    if target.suffix.lower() != ".xlsx":
        raise InputError.single("-o", f"{target.name!r} must end in .xlsx")
    if values and ironcalc_values_:
        raise InputError.single(
            "--ironcalc-values",
            "stores IronCalc's values; --values stores LibreOffice's: give one of them",
        )
    if ironcalc_values_ and not ironcalc_values.available():
        raise InputError.single("--ironcalc-values", ironcalc_values.MISSING)
    for path in (target, target.with_suffix(".pdf")) if pdf else (target,):
        check_target(path, force=True, option="-o")  # read-only, a folder: before any work
    table_, who = resolve_inputs(programs, person)
    try:
        written = write_workbook(
            target,
            table_,
            who,
            force=force,
            values=values,
            pdf=pdf,
            risk=None if no_risk else RiskSettings(draws, seed),
            computed=ironcalc_values_,
        )
    except FileExistsError as exc:
        raise InputError.single(
            "-o", f"{exc.filename} already exists; use --force to replace it"
        ) from None
    except LibreOfficeError as exc:
        raise LibreOfficeMissing(str(exc)) from None
    click.echo(f"Wrote {written}" + (f" and {written.with_suffix('.pdf')}" if pdf else ""))
    click.echo(table(compare(table_, who)), nl=False)
