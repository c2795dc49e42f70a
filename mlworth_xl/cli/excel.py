"""``mlworth-xl excel``: set up the MLWORTH_* Excel functions, or write the example workbook."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from mlworth_xl import __version__, atomic
from mlworth_xl.cli import main
from mlworth_xl.workbook import functions_example

UDF_MODULE = "mlworth_xl.udfs"


def function_names() -> list[str]:
    from mlworth_xl import udfs

    return list(udfs.__all__)


def udf(name: str) -> Callable[..., Any]:
    """The Excel function ``name`` (``MLWORTH_PAYBACK``…): what the example's formulas call."""
    from mlworth_xl import udfs

    return getattr(udfs, name)


def windows_files() -> dict[str, str]:
    """The directory config of classic xlwings (``xlwings.conf`` next to the workbook)."""
    lines = [f'"UDF MODULES","{UDF_MODULE}"']
    if sys.platform == "win32":
        lines.insert(0, f'"INTERPRETER_WIN","{sys.executable}"')
    return {"xlwings.conf": "\n".join(lines) + "\n"}


def lite_files(wheel_url: str | None = None) -> dict[str, str]:
    """xlwings Lite's requirements.txt and main.py (numpy and pandas come from Pyodide)."""
    package = wheel_url or f"mlworth-xl=={__version__}"
    imports = "".join(f"    {name},\n" for name in function_names())
    main_py = (
        "# The mlworth-xl Excel functions (=MLWORTH_PAYBACK() etc.) in xlwings Lite.\n"
        "# Written by `mlworth-xl excel --lite`; importing them registers them.\n"
        f"from {UDF_MODULE} import (  # noqa: F401\n{imports})\n"
    )
    return {"requirements.txt": f"xlwings=={version('xlwings')}\n{package}\n", "main.py": main_py}


def _indent(text: str) -> str:
    return "".join(f"       {line}\n" for line in text.splitlines())


def windows_steps(written: Path | None) -> str:
    conf = windows_files()["xlwings.conf"]
    where = (
        f"     or copy {written / 'xlwings.conf'} next to your workbook.\n"
        if written
        else "     or save this as xlwings.conf next to your workbook:\n" + _indent(conf)
    )
    return (
        "Windows desktop Excel (classic xlwings add-in, free)\n"
        "  1. In the Python that has mlworth-xl, install the add-in:\n"
        "       xlwings addin install\n"
        "  2. Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings:\n"
        '     tick "Trust access to the VBA project object model".\n'
        f"  3. xlwings tab: set UDF Modules to {UDF_MODULE} and Interpreter to\n"
        f"       {sys.executable}\n"
        + where
        + "  4. xlwings tab: Import Functions, then type =MLWORTH_PAYBACK() in a cell.\n"
        "     Save the workbook as .xlsm to keep the imported functions.\n"
    )


def lite_steps(written: Path | None, wheel_url: str | None) -> str:
    files = lite_files(wheel_url)

    def content(name: str) -> str:
        if written:
            return f" the content of {written / name}\n"
        return "\n" + _indent(files[name])

    return (
        "Mac, Windows or Excel on the web (xlwings Lite add-in, free, no Python to install)\n"
        "  1. Home > Add-ins: search for xlwings Lite, add it, open it from the Home tab.\n"
        "  2. In its requirements.txt tab, replace everything with"
        + content("requirements.txt")
        + "  3. In its main.py tab, replace everything with"
        + content("main.py")
        + "  4. Restart xlwings Lite (its menu > Restart), then type =MLWORTH_PAYBACK() in a "
        "cell.\n"
    )


def write_atomic(path: Path, payload: bytes | str, force: bool, option: str = "--example") -> None:
    """Write ``path`` through a temporary file in the same folder; never clobber without force.

    The folder must exist (an error naming ``option`` otherwise).
    """
    if path.exists() and not force:
        raise click.UsageError(f"{path} already exists; add --force to overwrite it")
    atomic.write_atomic(path, payload, force=force, option=option)


def _wheel_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """One http(s) URL of a .whl file: it becomes a line of requirements.txt, so no line
    break, space or control character may smuggle in another requirement."""
    if value is None:
        return None
    bad = next((c for c in value if c.isspace() or ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        raise click.BadParameter(
            f"{value!r} holds the character {bad!r}; allowed: one "
            "http(s) URL of a .whl file, without spaces or line breaks"
        )
    if not value.lower().startswith(("https://", "http://")) or not value.lower().endswith(".whl"):
        raise click.BadParameter(
            f"{value!r} is not allowed; allowed: an http(s) URL of a "
            ".whl file, e.g. https://example.org/mlworth_xl-0.1.0-py3-none-"
            "any.whl"
        )
    return value


@main.command("excel")
@click.option("--windows", "only", flag_value="windows", help="Only Windows desktop Excel.")
@click.option(
    "--lite", "only", flag_value="lite", help="Only xlwings Lite (Mac, Windows, Excel on the web)."
)
@click.option(
    "--write",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Write xlwings.conf, requirements.txt and main.py into DIR.",
)
@click.option(
    "--wheel-url",
    default=None,
    metavar="URL",
    callback=_wheel_url,
    help="Install mlworth-xl in xlwings Lite from this wheel (an http(s) URL of a "
    ".whl file) instead of PyPI.",
)
@click.option(
    "--example",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write the example workbook (.xlsx) that uses the functions.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def excel_command(
    only: str | None, folder: Path | None, wheel_url: str | None, example: Path | None, force: bool
) -> None:
    """Set up the MLWORTH_* Excel functions: print (or write) the exact config.

    Windows desktop Excel uses the classic xlwings add-in; Mac, Windows and
    Excel on the web use the free xlwings Lite add-in.  Functions:
    MLWORTH_COST, MLWORTH_LOAN_PAYMENT, MLWORTH_LOAN_INTEREST, MLWORTH_PAYBACK
    and more (see README, "Use in Excel").

    \b
    Examples:
      mlworth-xl excel
      mlworth-xl excel --lite --write excel-setup
      mlworth-xl excel --example workbooks/mlworth-functions-example.xlsx --force
    """
    if example is not None:
        if example.suffix.lower() != ".xlsx":
            raise click.UsageError(f"{example}: the example workbook must end in .xlsx")
        write_atomic(example, functions_example.example_workbook(udf), force)
        click.echo(f"wrote {example}")
        return
    parts = [] if only == "lite" else ["windows"]
    parts += [] if only == "windows" else ["lite"]
    if folder is not None:
        files: dict[str, str] = {}
        for part in parts:
            files.update(windows_files() if part == "windows" else lite_files(wheel_url))
        for name in files:  # refuse before writing anything
            if (folder / name).exists() and not force:
                raise click.UsageError(
                    f"{folder / name} already exists; add --force to overwrite it"
                )
        folder.mkdir(parents=True, exist_ok=True)  # the folder named by --write is made
        for name, text in files.items():
            write_atomic(folder / name, text, force=True, option="--write")
            click.echo(f"wrote {folder / name}")
        click.echo()
    steps = [
        windows_steps(folder) if p == "windows" else lite_steps(folder, wheel_url) for p in parts
    ]
    click.echo("\n".join(steps), nl=False)
    if folder is None:
        click.echo("\nTo write these files instead: mlworth-xl excel --write DIR")
