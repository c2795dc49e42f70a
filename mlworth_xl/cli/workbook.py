"""``mlworth-xl workbook``: write the comparison workbook (native Excel formulas)."""

from __future__ import annotations

from pathlib import Path

import click

from mlworth_xl.api import comparison_frame, resolve_inputs
from mlworth_xl.cli import main
from mlworth_xl.cli.options import inputs
from mlworth_xl.cli.render import table
from mlworth_xl.model.errors import InputError
from mlworth_xl.workbook import DEFAULT_NAME, write_workbook
from mlworth_xl.workbook.libreoffice import LibreOfficeError


class LibreOfficeMissing(click.ClickException):
    """--values or --pdf without a working LibreOffice: one line, exit 2."""

    exit_code = 2


@main.command("workbook")
@inputs
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              metavar="PATH", help=f"Where to write the .xlsx file (a folder gets {DEFAULT_NAME}); "
              f"default: {DEFAULT_NAME} in the current folder.")
@click.option("--force", is_flag=True, help="Replace the file (and PDF) if it exists.")
@click.option("--values", is_flag=True,
              help="Also store every formula's value, computed by LibreOffice, so previewers, "
              "phones and pandas show numbers; the formulas stay live.")
@click.option("--pdf", is_flag=True,
              help="Also write the Summary page to a PDF beside the workbook (LibreOffice).")
def workbook_command(programs: Path | None, person: Path | None, output: Path | None,
                     force: bool, values: bool, pdf: bool) -> None:
    """Write a comparison workbook that recalculates in Excel, LibreOffice or Google Sheets.

    Every result is a native formula over the input cells, so the file
    works without Python: change a tuition, a salary or the horizon and
    everything recalculates. Sheets: Guide, Inputs, Programs, Summary, Cash
    flows, Loans, Sources. Prints where it went and the summary table.

    \b
    Examples:
      mlworth-xl workbook
      mlworth-xl workbook --programs my-programs.csv --person me.toml -o client.xlsx
      mlworth-xl workbook --values --pdf --force
    """
    dest = output if output is not None else Path(DEFAULT_NAME)
    target = dest / DEFAULT_NAME if dest.is_dir() else dest
    if not target.parent.is_dir():
        raise InputError.single("-o", f"the folder {str(target.parent)!r} does not exist")
    if target.suffix.lower() != ".xlsx":
        raise InputError.single("-o", f"{target.name!r} must end in .xlsx")
    table_, who = resolve_inputs(programs, person)
    try:
        written = write_workbook(target, table_, who, force=force, values=values, pdf=pdf)
    except FileExistsError as exc:
        raise InputError.single("-o", f"{exc.filename} already exists; use --force to replace "
                                "it") from None
    except LibreOfficeError as exc:
        raise LibreOfficeMissing(str(exc)) from None
    click.echo(f"Wrote {written}" + (f" and {written.with_suffix('.pdf')}" if pdf else ""))
    click.echo(table(comparison_frame(table_, table_.evaluate(who))), nl=False)
