"""Reading workbooks that came from elsewhere, safely.

openpyxl parses the XML with defusedxml (a dependency), which refuses entity
expansion ("billion laughs") attacks.  Before anything is unpacked, the zip
directory is checked: a file whose parts would unpack to more than
:data:`MAX_UNPACKED_BYTES`, or compress more than :data:`MAX_RATIO` to one,
is refused as a possible zip bomb.  Only cell values are read: formulas'
cached values, never the formulas, and macros are never run.

A sheet may declare (or hold) a cell far away, such as XFD1048576, in a file
of a few kilobytes; reading it as a rectangle would mean billions of cells.
So a programs table is read row by row and refused beyond
:data:`MAX_TABLE_ROWS` rows or :data:`MAX_TABLE_COLUMNS` columns holding
values, and a workbook for ``check`` is refused when a sheet spans more than
:data:`MAX_SHEET_CELLS` cells, before any rectangle of cells is made.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from mlworth_xl.model.errors import InputError

MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200

#: Largest programs table read from a sheet: rows (with the header) and columns holding values.
MAX_TABLE_ROWS = 10_000
MAX_TABLE_COLUMNS = 200

#: Largest span (rows x columns) of a sheet of a workbook audited by ``check``; the
#: workbook of 200 options (the most ``mlworth-xl workbook`` writes) spans under 900,000.
MAX_SHEET_CELLS = 2_000_000


def check_archive(path: Path, field: str = "workbook") -> list[str]:
    """Refuse zip bombs and non-workbooks; return warnings (macros, external links)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError.single(
            field, f"not an Excel .xlsx workbook ({exc})", source=str(path)
        ) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise InputError.single(
            field,
            f"would unpack to {total:,} bytes; at most "
            f"{MAX_UNPACKED_BYTES:,} are read (possible zip bomb)",
            source=str(path),
        )
    for i in infos:
        if i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 1e6:
            ratio = i.file_size // i.compress_size
            raise InputError.single(
                field,
                f"part {i.filename} compresses {ratio} to 1; refused as a possible zip bomb",
                source=str(path),
            )
    names = {i.filename for i in infos}
    notes = []
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        notes.append("the workbook contains macros; they are ignored and never run")
    if any(n.startswith("xl/externalLinks/") for n in names):
        notes.append("the workbook links to other files; linked values are not refreshed")
    if "xl/workbook.xml" not in names:
        raise InputError.single(
            field, "not an Excel .xlsx workbook (no xl/workbook.xml)", source=str(path)
        )
    return notes


def _reason(exc: BaseException) -> str:
    """Why openpyxl could not read a file, in one line."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__module__.startswith("defusedxml"):
            return (
                'its XML declares entities, which are refused (a possible "billion laughs" attack)'
            )
        exc, seen = seen, seen.__cause__ or seen.__context__
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]  # the root cause


def open_workbook(
    path: Path, field: str = "workbook", *, data_only: bool = True, read_only: bool = False
) -> Any:
    """Load a workbook with openpyxl after :func:`check_archive`: macros and links dropped.

    ``data_only`` (the default) reads cached values, never formulas; with
    ``data_only=False`` the formulas are read as text.  Nothing is ever run.
    A file openpyxl cannot read (damaged, or XML that defusedxml refuses)
    is an :class:`InputError` naming the file.
    """
    import openpyxl

    # From memory: openpyxl leaves its file open when a part fails to parse.
    source = io.BytesIO(Path(path).read_bytes())
    try:
        with warnings.catch_warnings():  # openpyxl warns about parts it does not keep
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return openpyxl.load_workbook(
                source, read_only=read_only, data_only=data_only, keep_vba=False, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError.single(
            field, f"cannot read the workbook: {_reason(exc)}", source=str(path)
        ) from None


def check_extent(
    workbook: Any, path: Path, field: str = "workbook", max_cells: int = MAX_SHEET_CELLS
) -> None:
    """Refuse a (fully loaded) workbook with a sheet spanning more than ``max_cells`` cells.

    openpyxl keeps only the cells a file holds, but walking a sheet visits
    (and creates) every cell of the rectangle up to the farthest one.
    """
    from openpyxl.utils import get_column_letter

    for ws in workbook.worksheets:
        rows, cols = ws.max_row, ws.max_column
        if rows * cols > max_cells:
            raise InputError.single(
                field,
                f"sheet {ws.title!r} spans A1:"
                f"{get_column_letter(cols)}{rows} ({rows * cols:,} cells); "
                f"at most {max_cells:,} cells a sheet are read",
                source=str(path),
            )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    return str(value)


Rows = list[tuple[int, list[str]]]


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], Rows]:
    """Header and rows (with their spreadsheet row numbers) of a sheet, as text.

    The sheet is ``sheet``, else one called "Programs", else the first.
    Rows are read one at a time; a value beyond row :data:`MAX_TABLE_ROWS`
    or column :data:`MAX_TABLE_COLUMNS` is refused, whatever the sheet
    declares its size to be.
    """
    from openpyxl.utils import get_column_letter

    notes = check_archive(path, "programs")
    for note in notes:
        warnings.warn(f"{path}: {note}", UserWarning, stacklevel=2)
    wb = open_workbook(path, "programs", read_only=True)
    try:
        name = sheet or ("Programs" if "Programs" in wb.sheetnames else wb.sheetnames[0])
        ws = wb[name]
        ws.reset_dimensions()  # the declared size is not trusted: rows come as they are stored
        rows = []
        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
            used = [j for j, v in enumerate(values, start=1) if v is not None and v != ""]
            if not used:
                continue
            if r > MAX_TABLE_ROWS or used[-1] > MAX_TABLE_COLUMNS:
                where = f"{get_column_letter(used[-1])}{r}"
                raise InputError.single(
                    "programs",
                    f"sheet {name!r} has a value at {where}; "
                    f"at most {MAX_TABLE_ROWS:,} rows and "
                    f"{MAX_TABLE_COLUMNS} columns are read",
                    source=str(path),
                )
            rows.append((r, [_text(v) for v in values[: used[-1]]]))
    except InputError:
        raise
    except MemoryError:
        raise InputError.single(
            "programs",
            "the sheet is too large to read; at most "
            f"{MAX_TABLE_ROWS:,} rows and {MAX_TABLE_COLUMNS} columns are "
            "read",
            source=str(path),
        ) from None
    except Exception as exc:  # read-only sheets are parsed while iterating
        raise InputError.single(
            "programs", f"cannot read the workbook: {_reason(exc)}", source=str(path)
        ) from None
    finally:
        wb.close()
    rows = [(r, v) for r, v in rows if any(c.strip() for c in v)]
    if not rows:
        raise InputError.single("programs", f"sheet {name!r} is empty", source=str(path))
    header_row, header = rows[0]
    return header, [(r, v) for r, v in rows[1:]]
