"""``mlworth-xl template``: write a comparison workbook with empty option columns to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from mlworth_xl.api import resolve_inputs
from mlworth_xl.cli import main
from mlworth_xl.cli.options import person_option
from mlworth_xl.model.errors import InputError
from mlworth_xl.workbook.layout import required_words
from mlworth_xl.workbook.template import DEFAULT_OPTIONS, TEMPLATE_NAME, write_template
from mlworth_xl.workbook.writer import MAX_OPTIONS

_HELP = f"""Write a template workbook: empty option columns for an advisor to fill in in Excel.

    Every formula is in place; an option computes once its {required_words()}
    are filled in, and an empty column shows no results. The other inputs
    start at their defaults; the placement probability, months to a job,
    role shares and completion probability are left empty and take the
    defaults of the option's kind (a table on Inputs). There is no Risk
    sheet: run `mlworth-xl workbook --programs filled.xlsx` on the filled-in
    file to write the full workbook of the options filled in (with the
    person on its Inputs sheet unless --person says otherwise).

    \b
    Examples:
      mlworth-xl template
      mlworth-xl template --options 4 --person me.toml -o client-template.xlsx
      mlworth-xl workbook --programs filled.xlsx -o client.xlsx
    """


@main.command("template", help=_HELP)
@person_option
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PATH",
    help=f"Where to write the .xlsx file (a folder gets "
    f"{TEMPLATE_NAME}); default: {TEMPLATE_NAME} in the current folder.",
)
@click.option(
    "--options",
    "options",
    type=click.IntRange(1, MAX_OPTIONS),
    default=DEFAULT_OPTIONS,
    show_default=True,
    metavar="N",
    help=f"Option columns to fill in (1 to {MAX_OPTIONS}).",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def template_command(person: Path | None, output: Path | None, options: int, force: bool) -> None:
    # the help is _HELP: the required inputs' names come from the field table
    dest = output if output is not None else Path(TEMPLATE_NAME)
    target = dest / TEMPLATE_NAME if dest.is_dir() else dest
    if not target.parent.is_dir():
        raise InputError.single("-o", f"the folder {str(target.parent)!r} does not exist")
    if target.suffix.lower() != ".xlsx":
        raise InputError.single("-o", f"{target.name!r} must end in .xlsx")
    _, who = resolve_inputs(None, person)
    try:
        written = write_template(target, options, who, force=force)
    except FileExistsError as exc:
        raise InputError.single(
            "-o", f"{exc.filename} already exists; use --force to replace it"
        ) from None
    click.echo(
        f"Wrote {written}: a template of {options} option column"
        f"{'s' if options != 1 else ''} to fill in"
    )
