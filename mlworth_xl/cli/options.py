"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

programs_option = click.option(
    "--programs",
    "programs",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Programs table (.csv or .xlsx), one row per option; default: the embedded comparison.",
)
_PERSON = "Person profile (.toml), or a comparison or template workbook (.xlsx: its Inputs sheet)"


def _person_option(default: str) -> Callable[..., Any]:
    return click.option(
        "--person",
        "person",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        metavar="FILE",
        help=f"{_PERSON}; default: {default}.",
    )


person_option = _person_option("the embedded default person")


def inputs(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--programs`` and ``--person`` to a command."""
    person = _person_option(
        "the Inputs sheet of a --programs workbook, else the embedded default person"
    )
    return programs_option(person(f))
