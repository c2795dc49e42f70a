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
person_option = click.option(
    "--person",
    "person",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Person profile (.toml); default: the embedded default person.",
)


def inputs(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--programs`` and ``--person`` to a command."""
    return programs_option(person_option(f))
