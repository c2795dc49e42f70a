"""``mlworth-xl excel``: set up the MLWORTH_* Excel functions, or write the example workbook."""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from mlworth_xl import __version__, atomic
from mlworth_xl.cli import main
from mlworth_xl.workbook import styles

UDF_MODULE = "mlworth_xl.udfs"
#: Every file the example workbook holds carries this time, so regenerating gives the same bytes.
PINNED = dt.datetime(2026, 1, 1)


def function_names() -> list[str]:
    from mlworth_xl import udfs

    return list(udfs.__all__)


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
        write_atomic(example, example_workbook(), force)
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


# --- The example workbook ----------------------------------------------------------------------

#: A formula row: label, function, arguments (cell references or literals), number format.
Row = tuple[str, str, list[Any], str]

INPUT_ROWS: list[tuple[str, Any, str]] = [
    ("Tuition per year", 52000, "$#,##0"),
    ("Years", 2, "0.00"),
    ("Fees per year", 0, "$#,##0"),
    ("Extra living per month", 1000, "$#,##0"),
    ("Relocation", 5000, "$#,##0"),
    ("Grants and scholarships per year", 0, "$#,##0"),
    ("Tuition growth", 0, "0.0%"),
    ("Amount borrowed", 41000, "$#,##0"),
    ("APR", 0.0794, "0.00%"),
    ("Term (years)", 10, "0"),
    ("Deferment (months): 2 years of school + 6 of grace", 30, "0"),
    ("Capitalize interest", True, "General"),
    ("Total cost", 180000, "$#,##0"),
    ("Salary before", 60000, "$#,##0"),
    ("Salary after", 100000, "$#,##0"),
    ("Tax rate", 0.25, "0%"),
]
FORMULA_ROWS: list[Row] = [
    ("Cost of attendance", "MLWORTH_COST", ["B2", "B3", "B4", "B5", "B6", "B7", "B8"], "$#,##0"),
    (
        "Monthly loan payment",
        "MLWORTH_LOAN_PAYMENT",
        ["B9", "B10", "B11", "B12", "B13"],
        "$#,##0.00",
    ),
    (
        "Total loan interest",
        "MLWORTH_LOAN_INTEREST",
        ["B9", "B10", "B11", "B12", "B13"],
        "$#,##0.00",
    ),
    (
        "Payback (years after starting the new job)",
        "MLWORTH_PAYBACK",
        ["B14", "B15", "B16", "B17"],
        "0.00",
    ),
    ("Payback of the default scenario", "MLWORTH_PAYBACK", [], "0.00"),
    ("Never pays back: the raise is too small", "MLWORTH_PAYBACK", [500000, "B15", 61000], "0.00"),
    (
        "Income given up while studying",
        "MLWORTH_INCOME_GIVEN_UP",
        ["B15", "B3", 0, "B17"],
        "$#,##0",
    ),
    ("ML engineer salary (embedded default)", "MLWORTH_DEFAULT", ["salary.ml_engineer"], "$#,##0"),
    ("Its source", "MLWORTH_SOURCE", ["salary.ml_engineer"], "General"),
]


def formula(name: str, args: list[Any]) -> str:
    """``=MLWORTH_X(B2,"key",3)`` from cell references and literals."""
    return f"={name}({','.join(f'{chr(34)}{a}{chr(34)}' if _text(a) else str(a) for a in args)})"


def _text(a: Any) -> bool:
    """A literal text argument, not a reference like ``B2`` or ``A2:A11``."""
    return isinstance(a, str) and not all(
        p.rstrip("0123456789").isalpha() and p[len(p.rstrip("0123456789")) :].isdigit()
        for p in a.split(":")
    )


def call(name: str, args: list[Any], read: Callable[[str], Any]) -> Any:
    """What the function gives for a formula; references (``B2``, ``A2:A11``) read with ``read``."""
    from mlworth_xl import udfs

    return getattr(udfs, name)(
        *(read(a) if isinstance(a, str) and not _text(a) else a for a in args)
    )


def reader(ws: Any) -> Callable[[str], Any]:
    """Cell values of a worksheet as Excel passes them: one value, or rows for a range."""

    def read(ref: str) -> Any:
        return [[c.value for c in row] for row in ws[ref]] if ":" in ref else ws[ref].value

    return read


def example_workbook() -> bytes:
    """The example workbook: formulas that call the functions, with the values they give."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    for i, text in enumerate(README_NOTES, start=1):
        readme.cell(i, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    readme["A1"].font = _bold(14)
    readme.column_dimensions["A"].width = 110

    ws = wb.create_sheet("Functions")
    for col, head in enumerate(("Input or result", "Value", "Expected", "Formula"), start=1):
        ws.cell(1, col, head).font = _bold()
    for r, (label, value, fmt) in enumerate(INPUT_ROWS, start=2):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value).number_format = fmt
    for r, (label, name, args, fmt) in enumerate(FORMULA_ROWS, start=len(INPUT_ROWS) + 3):
        ws.cell(r, 1, label).font = _bold()
        ws.cell(r, 3, call(name, args, reader(ws))).number_format = fmt
        ws.cell(r, 2, formula(name, args)).number_format = fmt
        ws.cell(r, 4, formula(name, args)[1:])
    styles.widths(ws, {"A": 50, "B": 16, "C": 16, "D": 60})
    ws.freeze_panes = "B2"
    _ranges_sheet(wb.create_sheet("Ranges"))
    _compare_sheet(wb.create_sheet("Compare"))
    _schedule_sheet(wb.create_sheet("Loan schedule"))

    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = "mlworth-xl"
    wb.properties.created = wb.properties.modified = PINNED
    return _pinned_bytes(wb, ExcelWriter)


README_NOTES = [
    "mlworth-xl: the MLWORTH_* Excel functions, by example",
    "",
    "This workbook needs the mlworth-xl add-in: its formulas call MLWORTH_* functions that run "
    "Python. Without the add-in those cells show #NAME? or nothing.",
    "Windows desktop Excel: install mlworth-xl in Python, run `mlworth-xl excel --windows` and "
    "follow its steps (xlwings add-in, UDF Modules = mlworth_xl.udfs, Import Functions). Save "
    "as .xlsm to keep the functions.",
    "Mac, Windows or Excel on the web: add the free xlwings Lite add-in and paste the "
    "requirements.txt and main.py that `mlworth-xl excel --lite` prints.",
    "Columns headed Expected hold what mlworth-xl computed when it wrote this file: once the "
    "add-in works, the formulas next to them show the same.",
    "Functions: one question per formula; edit the inputs in column B. Ranges: a column of "
    "salaries in one call, and an option kept as a table of inputs. Compare: the default "
    "options side by side. Loan schedule: a loan month by month.",
    "Results of more than one cell are array formulas sized to their result (they work in "
    "every Excel); after editing one, select its whole range and press Ctrl+Shift+Enter.",
    "Regenerate: mlworth-xl excel --example workbooks/mlworth-functions-example.xlsx --force",
]


def _bold(size: int | None = None) -> Any:
    from openpyxl.styles import Font

    return Font(bold=True, size=size)


def _array(
    ws: Any, top_left: str, name: str, args: list[Any], expected: bool = True
) -> list[list[Any]]:
    """An array formula sized to its result; its last column beside it, headed Expected."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
    from openpyxl.worksheet.formula import ArrayFormula

    result = call(name, args, reader(ws))
    rows = result if isinstance(result, list) else [[result]]
    letter, row = coordinate_from_string(top_left)
    after = column_index_from_string(letter) + len(rows[0])
    ref = f"{top_left}:{_col(after - 1)}{row + len(rows) - 1}"
    ws[top_left] = ArrayFormula(ref, formula(name, args))
    if expected:
        ws.cell(1, after, "Expected").font = _bold()
        for i, r in enumerate(rows):
            if row + i > 1:
                ws.cell(row + i, after, r[-1])
    return rows


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _ranges_sheet(ws: Any) -> None:
    ws["A1"], ws["B1"] = "Salary after", "Payback (years)"
    for i in range(10):
        ws.cell(2 + i, 1, 70000 + 10000 * i)
    _array(ws, "B2", "MLWORTH_PAYBACK", [180000, 60000, "A2:A11"])
    scenario = [
        ("Input", "Value"),
        ("Length (years)", 2),
        ("Tuition per year", 52000),
        ("Salary after", 120883),
        ("Current salary", 58260),
        ("Tax rate", 0.25),
        ("Share borrowed", 1),
        ("Savings available", 10000),
    ]
    for r, (label, value) in enumerate(scenario, start=1):
        ws.cell(r, 5, label), ws.cell(r, 6, value)
    _array(ws, "H1", "MLWORTH_EVALUATE", ["E1:F8"])
    for cell in ("A1", "B1", "E1", "F1"):
        ws[cell].font = _bold()
    styles.widths(ws, {"A": 14, "B": 16, "C": 14, "E": 20, "F": 12, "H": 28, "I": 16, "J": 16})


def _compare_sheet(ws: Any) -> None:
    from mlworth_xl.model import data, fields

    names = [f.name for f in fields.PROGRAM_FIELDS]
    entries = data.default_program_entries()
    ws.append(names)
    for entry in entries:
        ws.append(
            [data.resolve(entry.get(n, data.field_default(fields.PROGRAM[n]))) for n in names]
        )
    top = len(entries) + 3
    rows = _array(ws, f"A{top}", "MLWORTH_COMPARE", [f"A1:{_col(len(names))}{top - 2}"], False)
    below = top + len(rows) + 1
    ws.cell(below, 1, "Expected (computed when this file was written)").font = _bold()
    for i, r in enumerate(rows, start=below + 1):
        for j, v in enumerate(r, start=1):
            ws.cell(i, j, v)
    styles.widths(ws, {"A": 40})


def _schedule_sheet(ws: Any) -> None:
    inputs = [
        ("Amount borrowed", 20500),
        ("APR", 0.0794),
        ("Term (years)", 10),
        ("Deferment (months)", 6),
        ("Capitalize interest", True),
    ]
    for r, (label, value) in enumerate(inputs, start=1):
        ws.cell(r, 1, label), ws.cell(r, 2, value)
    _array(ws, "D1", "MLWORTH_LOAN_SCHEDULE", ["B1", "B2", "B3", "B4", "B5"], False)
    styles.widths(ws, {"A": 22})


def _pinned_bytes(wb: Any, writer: Any) -> bytes:
    """Save with every zip entry dated :data:`PINNED` (openpyxl would stamp the time)."""

    class Archive(zipfile.ZipFile):
        def writestr(self, name: Any, payload: Any, *args: Any, **kw: Any) -> None:
            if isinstance(name, str):
                name = zipfile.ZipInfo(name, date_time=PINNED.timetuple()[:6])
                name.compress_type = zipfile.ZIP_DEFLATED
            else:  # the worksheets come as ZipInfo stamped with the current time
                name.date_time = PINNED.timetuple()[:6]
            super().writestr(name, payload, *args, **kw)

        def write(self, filename: Any, arcname: Any = None, *args: Any, **kw: Any) -> None:
            # openpyxl also adds some parts from temporary files, which zipfile dates by mtime
            with open(filename, "rb") as fh:
                self.writestr(str(arcname or filename), fh.read())

    buf = io.BytesIO()
    writer(wb, Archive(buf, "w", zipfile.ZIP_DEFLATED)).save()
    return buf.getvalue()
