"""Reading workbooks that came from elsewhere, safely.

openpyxl parses the XML with defusedxml (a dependency), which refuses entity
expansion ("billion laughs") attacks.  Before anything is unpacked, the zip
directory is checked: a file whose parts would unpack to more than
:data:`MAX_UNPACKED_BYTES`, or compress more than :data:`MAX_RATIO` to one,
is refused as a possible zip bomb.  Only cell values are read: formulas'
cached values, never the formulas, and macros are never run.
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


def check_archive(path: Path, field: str = "workbook") -> list[str]:
    """Refuse zip bombs and non-workbooks; return warnings (macros, external links)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError.single(field, f"not an Excel .xlsx workbook ({exc})",
                                source=str(path)) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise InputError.single(field, f"would unpack to {total:,} bytes; at most "
                                f"{MAX_UNPACKED_BYTES:,} are read (possible zip bomb)",
                                source=str(path))
    for i in infos:
        if i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 1e6:
            ratio = i.file_size // i.compress_size
            raise InputError.single(field, f"part {i.filename} compresses {ratio} to 1; refused "
                                    "as a possible zip bomb", source=str(path))
    names = {i.filename for i in infos}
    notes = []
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        notes.append("the workbook contains macros; they are ignored and never run")
    if any(n.startswith("xl/externalLinks/") for n in names):
        notes.append("the workbook links to other files; linked values are not refreshed")
    if "xl/workbook.xml" not in names:
        raise InputError.single(field, "not an Excel .xlsx workbook (no xl/workbook.xml)",
                                source=str(path))
    return notes


def _reason(exc: BaseException) -> str:
    """Why openpyxl could not read a file, in one line."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__module__.startswith("defusedxml"):
            return ("its XML declares entities, which are refused (a possible \"billion "
                    "laughs\" attack)")
        exc, seen = seen, seen.__cause__ or seen.__context__
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]  # the root cause


def open_workbook(path: Path, field: str = "workbook", *, data_only: bool = True,
                  read_only: bool = False) -> Any:
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
            return openpyxl.load_workbook(source, read_only=read_only, data_only=data_only,
                                          keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError.single(field, f"cannot read the workbook: {_reason(exc)}",
                                source=str(path)) from None


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
    """
    notes = check_archive(path, "programs")
    for note in notes:
        warnings.warn(f"{path}: {note}", UserWarning, stacklevel=2)
    wb = open_workbook(path, "programs", read_only=True)
    try:
        name = sheet or ("Programs" if "Programs" in wb.sheetnames else wb.sheetnames[0])
        ws = wb[name]
        rows = [(r, [_text(v) for v in values])
                for r, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    except Exception as exc:  # read-only sheets are parsed while iterating
        raise InputError.single("programs", f"cannot read the workbook: {_reason(exc)}",
                                source=str(path)) from None
    finally:
        wb.close()
    rows = [(r, v) for r, v in rows if any(c.strip() for c in v)] if rows else []
    if not rows:
        raise InputError.single("programs", f"sheet {name!r} is empty", source=str(path))
    header_row, header = rows[0]
    return header, [(r, v) for r, v in rows[1:]]
