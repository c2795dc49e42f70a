"""``mlworth-xl sources``: the embedded figures and where they come from."""

from __future__ import annotations

import click

from mlworth_xl.cli import main
from mlworth_xl.model.data import figures


@main.command("sources")
@click.option(
    "--kind",
    type=click.Choice(["sourced", "derived", "assumption"]),
    default=None,
    help="Only figures of this kind.",
)
def sources_command(kind: str | None) -> None:
    """List every embedded default figure with its source and as-of date.

    Keys name the figures in data files and in the Excel function
    MLWORTH_DEFAULT.

    \b
    Example:
      mlworth-xl sources --kind assumption
    """
    for f in figures().values():
        if kind and f.kind != kind:
            continue
        value = f.value if not isinstance(f.value, list) else "(table)"
        click.echo(f"{f.key} = {value}  [{f.kind}]\n    {f.label}\n    {f.citation}")
