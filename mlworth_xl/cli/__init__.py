"""The ``mlworth-xl`` command: a thin layer over the Python API.

Each command lives in its own module and registers itself on :data:`main`.
User errors end with exit code 2 and one line on stderr; never a traceback.
Ctrl+C (SIGINT) ends a command with one line and exit code 130, SIGTERM with
exit code 143 (128 + the signal's number, as shells report it); either way
temporary files are removed, LibreOffice is stopped and no output is left
half-written.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import click

from mlworth_xl import __version__
from mlworth_xl.interrupt import INTERRUPTED, Stopped, signals_stop
from mlworth_xl.model import data
from mlworth_xl.model.errors import InputError

_default_format = warnings.formatwarning


def _quiet(unraisable: Any) -> None:
    """Ignore what cannot be raised any more while the command ends on a signal."""


def _one_line(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """Warnings for users (macros, external links in a file) as one line on stderr."""
    if issubclass(category, UserWarning):
        return f"mlworth-xl: warning: {message}\n"
    return _default_format(message, category, filename, lineno, line)


class Group(click.Group):
    """A click group whose errors, and warnings about input files, are one line each."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        # Every command reads files through the same readers; their warnings read like errors.
        warnings.formatwarning = _one_line
        try:
            with signals_stop():
                return super().main(
                    args=args, prog_name=prog_name or "mlworth-xl", standalone_mode=False, **extra
                )
        except Stopped as exc:
            click.echo(f"mlworth-xl: {exc.words}", err=True)
            # An object the signal cut short while it was being made (a zip file half opened)
            # may complain as it is collected on the way out: the line above said why we stop.
            sys.unraisablehook = _quiet
            sys.exit(exc.code)
        except click.exceptions.Abort:
            click.echo("mlworth-xl: interrupted", err=True)
            sys.exit(INTERRUPTED)
        except click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare `mlworth-xl`: help, not error
                click.echo(exc.format_message())
                sys.exit(0)
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "mlworth-xl"
            hint = f" (see {where} --help)" if isinstance(exc, click.UsageError) else ""
            click.echo(f"{where}: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except InputError as exc:
            click.echo(f"mlworth-xl: error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:
            click.echo(
                f"mlworth-xl: error: {exc.strerror or exc}"
                f"{': ' + str(exc.filename) if exc.filename else ''}",
                err=True,
            )
            sys.exit(2)


@click.group(
    cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, "--version", prog_name="mlworth-xl")
@click.option(
    "--data",
    "preset",
    type=click.Choice(data.PRESETS),
    default="current",
    show_default=True,
    help="Embedded figures: current (the newest published figures) or article (the "
    "figures the AI-education guide cites, its 2021 average salary instead of "
    "the newest), to reproduce its numbers.",
)
def main(preset: str) -> None:
    """Is a master's in machine learning worth the money?

    Compares a master's, a bootcamp, a certificate or self-study against
    staying in your current job: cost, income given up, loans, payback,
    NPV, IRR and break-even salary.

    \b
    Example:
      mlworth-xl compare
      mlworth-xl compare --programs my-programs.csv --person me.toml --format csv
      mlworth-xl --data article compare
    """
    data.use(preset)


def _register() -> None:
    from mlworth_xl.cli import (  # noqa: F401  (they register)
        check,
        compare,
        excel,
        risk,
        sources,
        template,
        workbook,
    )


_register()
