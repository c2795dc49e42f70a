"""Reading a programs table (CSV or XLSX) and a person profile (TOML).

Tables are read as text and parsed here, so numbers typed the way people
type them are understood: ``$52,000``, ``7.94%``, ``1e5``.  A
semicolon-separated file with decimal commas (``1,5``) is read the way
European Excel writes it: the comma is the decimal point and dots separate
thousands (``52.000`` is 52000).  What is ambiguous is refused (``1,500``
could be 1.5 or 1500, ``52.000`` in a semicolon file without decimal
commas 52 or 52000), and so is text with letters other than a currency
(``$``, ``US$``, ``USD``) or a percent sign.  Every problem of a file is
reported at once, with its row and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.records import PROGRAM_NUMERIC, Person, Programs
from mlworth_xl.model.uncertainty import RISK, RISK_FIELDS, Uncertainty

# one value as people type it (named here too: inputs.parse_number, …)
from mlworth_xl.parse import (
    cell_text as cell_text,
)
from mlworth_xl.parse import (
    european_style as european_style,
)
from mlworth_xl.parse import (
    header_key as header_key,
)
from mlworth_xl.parse import (
    is_blank as is_blank,
)
from mlworth_xl.parse import (
    parse_bool as parse_bool,
)
from mlworth_xl.parse import (
    parse_cell as parse_cell,
)
from mlworth_xl.parse import (
    parse_code as parse_code,
)
from mlworth_xl.parse import (
    parse_number as parse_number,
)

#: Largest input file read, in bytes (a programs table of 100,000 rows is ~25 MB).
MAX_FILE_BYTES = 200 * 1024 * 1024

#: Header spellings accepted for each field: its name and its label.
HEADER_ALIASES: dict[str, str] = {}
for _f in fields.PROGRAM_FIELDS:
    HEADER_ALIASES[header_key(_f.name)] = _f.name
    HEADER_ALIASES[header_key(_f.label)] = _f.name


#: Columns of the uncertainty inputs of an option (optional: left out, the kind's defaults).
RISK_ALIASES: dict[str, str] = {}
for _f in RISK_FIELDS:
    RISK_ALIASES[header_key(_f.name)] = _f.name
    RISK_ALIASES[header_key(_f.label)] = _f.name

PROGRAM_ORDER = {f.name: i for i, f in enumerate((*fields.PROGRAM_FIELDS, *RISK_FIELDS))}


def _check_path(path: str | PathLike[str], kinds: tuple[str, ...], field: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError.single(field, "file not found", source=str(p))
    if p.is_dir():
        raise InputError.single(field, "is a folder, not a file", source=str(p))
    if p.suffix.lower() not in kinds:
        raise InputError.single(
            field,
            f"unknown file type {p.suffix or '(none)'!r}; allowed: " + ", ".join(kinds),
            source=str(p),
        )
    size = p.stat().st_size
    if size == 0:
        raise InputError.single(field, "the file is empty", source=str(p))
    if size > MAX_FILE_BYTES:
        raise InputError.single(
            field, f"the file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are read", source=str(p)
        )
    return p


def read_programs(path: str | PathLike[str]) -> Programs:
    """Read a programs table: one row per option, one column per field.

    Headers are field names (``tuition_per_year``) or their labels
    (``Tuition per year``), in any case.  ``name``, ``years``,
    ``tuition_per_year`` and ``salary_after`` are required; an empty cell (or
    a column left out) takes the field's default, or the default of the
    option's kind for the inputs that follow it (placement, months to a job,
    the role shares: :func:`mlworth_xl.model.data.fill_by_kind`).  CSV files
    may be comma-, semicolon- or tab-separated and may start with a byte-order
    mark.  A comparison or
    template workbook (``.xlsx``) gives the options filled in on its Programs
    sheet (:mod:`mlworth_xl.workbook.reader`).
    """
    p = _check_path(path, (".csv", ".txt", ".xlsx", ".xlsm"), "programs")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from mlworth_xl.safe_xlsx import read_table
        from mlworth_xl.workbook import reader

        if reader.is_workbook_file(p):  # a comparison or template workbook filled in
            return reader.read_programs_sheet(p)
        header, rows = read_table(p)
        semicolon = False
    else:
        header, rows, semicolon = _read_csv(p)
    return parse_table(header, rows, str(p), semicolon)


#: Signatures of files that are not text, and what they are.
_BINARY = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook? give it the .xlsx ending)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook (save it as .xlsx or CSV)"),
    (b"%PDF", "a PDF document"),
)


def read_text(p: Path, field: str, allowed: str, *, utf16: bool = True) -> str:
    r"""A text file's content, whatever its encoding and line endings, or a one-line refusal.

    UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's
    "Unicode text" export, tab-separated; unless ``utf16`` is false) and Windows-1252
    are read; CR-only (old Mac) and CRLF line endings become LF.  A file of another
    format (a zip archive, an .xls workbook, a PDF) or mostly control characters is
    refused, naming what it looks like and ``allowed``; a stray NUL in a text file
    is left for the cell's own message.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.txt"
    >>> _ = f.write_bytes("name\tyears\r\nMS\t2\r\n".encode("utf-16"))
    >>> read_text(f, "programs", "text")
    'name\tyears\nMS\t2\n'
    >>> _ = f.write_bytes(b"name,years\rMS,2\r")
    >>> read_text(f, "programs", "text")
    'name,years\nMS,2\n'
    """
    raw = p.read_bytes()
    text = None
    if utf16 and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    if text is None:
        kind = next((what for sig, what in _BINARY if raw.startswith(sig)), None)
        head = raw[:8192]
        control = sum(b < 32 and b not in b"\t\n\r\f" for b in head)
        utf16_text = raw.startswith((b"\xff\xfe", b"\xfe\xff"))  # text, if not read here
        if kind is None and not utf16_text and control > max(2, len(head) // 20):  # over 5%
            kind = "binary data (it is mostly control characters)"
        if kind is not None:
            raise InputError.single(
                field,
                f"is not a text file: it looks like {kind}; allowed: {allowed}",
                source=str(p),
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    return re.sub(r"\r\n?", "\n", text)


def _read_csv(p: Path) -> tuple[list[str], list[tuple[int, list[str]]], bool]:
    text = read_text(
        p,
        "programs",
        "a CSV or tab-separated text file (UTF-8, UTF-16 or Windows-1252), or an .xlsx workbook",
    )
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        all_rows = list(reader)
    except csv.Error as exc:
        raise InputError.single(
            "programs", f"not a readable CSV file: {exc}", source=str(p)
        ) from None
    if not all_rows or not any(c.strip() for c in all_rows[0]):
        raise InputError.single(
            "programs", "no header row; the first row must name the columns", source=str(p)
        )
    rows = [(i + 2, r) for i, r in enumerate(all_rows[1:])]
    return all_rows[0], rows, delimiter == ";"


def parse_rows(rows: list[list[Any]], source: str) -> Programs:
    """A programs table from rows of cells as a spreadsheet range gives them.

    The first row is the header; the others are options, numbered from row 2.
    Numbers and TRUE/FALSE are taken as they are, text is read as the file
    readers read it (``$52,000``, ``7.94%``), None is an empty cell.  The
    ``MLWORTH_COMPARE`` Excel function reads its range here.

    >>> table = parse_rows([["name", "years", "Tuition per year", "salary_after"],
    ...                     ["MS", 2.0, "$52,000", 120883.0]], "programs")
    >>> table.names, table.columns["tuition_per_year"].tolist()
    (['MS'], [52000.0])
    """
    rows = rows or [[]]
    header = ["" if h is None else str(h) for h in rows[0]]
    return parse_table(header, [(i + 2, list(r)) for i, r in enumerate(rows[1:])], source, False)


def parse_table(
    header: list[str], rows: list[tuple[int, list[Any]]], source: str, semicolon: bool
) -> Programs:
    """A programs table from a header and rows of cells (each with its row number).

    The file readers give text cells; :func:`parse_rows` gives what a
    spreadsheet range holds (numbers, TRUE/FALSE, text, None).
    """
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    for j, h in enumerate(header):
        name = HEADER_ALIASES.get(header_key(str(h))) or RISK_ALIASES.get(header_key(str(h)))
        if not str(h).strip():
            continue
        if name is None and header_key(str(h)).startswith("share_"):
            problems.append(
                Problem(
                    str(h),
                    f"{header_key(str(h))[6:]!r} is not a role; roles "
                    f"are: {', '.join(fields.ROLE_LABELS)} (columns "
                    f"{', '.join(fields.SHARE_FIELDS)})",
                    1,
                    source,
                )
            )
        elif name is None:
            import difflib

            close = difflib.get_close_matches(header_key(str(h)), list(fields.PROGRAM), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(
                Problem(
                    str(h),
                    f"unknown column{hint} (columns: {', '.join((*fields.PROGRAM, *RISK))})",
                    1,
                    source,
                )
            )
        elif name in columns:
            problems.append(Problem(str(h), f"duplicate column: {name} appears twice", 1, source))
        else:
            columns[name] = j
    missing = [f.name for f in fields.PROGRAM_FIELDS if f.required and f.name not in columns]
    problems += [Problem(m, "required column is missing", 1, source) for m in missing]
    if problems:
        raise InputError(problems)
    data_rows = [(n, r) for n, r in rows if not all(map(is_blank, r))]
    if not data_rows:
        raise InputError.single("programs", "the table has a header but no rows", source=source)
    named = {j for j, h in enumerate(header) if str(h).strip()}
    for rownum, row in data_rows:
        for j, c in enumerate(row):
            if j not in named and not is_blank(c):
                where = f"column {j + 1} ({_column_letter(j + 1)})"
                problems.append(
                    Problem(
                        where,
                        f"{cell_text(c)[:40]!r} is in a column without "
                        "a header; give the column a header (a field "
                        "name) or remove the value",
                        rownum,
                        source,
                    )
                )
    if problems:
        raise InputError(problems)
    european = semicolon and european_style(data_rows)

    names: list[str] = []
    kinds: list[str] = []
    numeric = {k: np.empty(len(data_rows)) for k in PROGRAM_NUMERIC}
    defaults = {
        k: float(data.field_default(fields.PROGRAM[k]))
        for k in PROGRAM_NUMERIC
        if not fields.PROGRAM[k].required
    }
    for i, (rownum, row) in enumerate(data_rows):

        def cell(name: str, row: list[Any] = row) -> Any:
            j = columns.get(name)
            return row[j] if j is not None and j < len(row) else None

        name = cell_text(cell("name"))
        if not name:
            problems.append(Problem("name", "is empty; every option needs a name", rownum, source))
        names.append(name)
        kind = cell_text(cell("kind")).lower() or "other"
        if kind not in fields.KINDS:
            problems.append(
                Problem(
                    "kind",
                    f"{kind!r} is not allowed; allowed: " + fields.PROGRAM["kind"].allowed(),
                    rownum,
                    source,
                )
            )
        kinds.append(kind)
        left_empty: dict[str, Any] = {}  # the inputs that follow the kind: None if empty
        for k in PROGRAM_NUMERIC:
            value = cell(k)
            spec = fields.PROGRAM[k]
            if spec.by_kind:
                left_empty[k] = None if is_blank(value) else True
            if is_blank(value):
                if spec.required:
                    problems.append(
                        Problem(k, f"is empty; allowed: {spec.allowed()}", rownum, source)
                    )
                numeric[k][i] = defaults.get(k, math.nan)
                continue
            try:
                numeric[k][i] = parse_cell(value, spec, semicolon_file=semicolon, european=european)
            except ValueError as exc:
                problems.append(Problem(k, str(exc), rownum, source))
                numeric[k][i] = defaults.get(k, 0.0) if not spec.required else 1.0
        for k, x in data.fill_by_kind(kind, left_empty).items():  # the kind's defaults
            numeric[k][i] = x
    per_option = (
        _uncertainties(columns, data_rows, kinds, source, problems)
        if any(k in columns for k in RISK)
        else None
    )
    table = Programs(
        names=names,
        kinds=kinds,
        columns=numeric,
        rows=[n for n, _ in data_rows],
        source=source,
        uncertainties=per_option,
    )
    # Values that parsed are checked against their ranges too, so one run lists everything.
    # (The default person's horizon covers any allowed program length; the real person's
    # horizon is checked again when the table is evaluated.)
    seen = {(p.row, p.field) for p in problems}
    try:
        table.validate(Person())
    except InputError as exc:
        problems += [p for p in exc.problems if (p.row, p.field) not in seen]
    if problems:
        problems.sort(key=lambda p: (p.row or 0, PROGRAM_ORDER.get(p.field, 99)))
        raise InputError(problems)
    return table


def _uncertainties(
    columns: dict[str, int],
    data_rows: list[tuple[int, list[Any]]],
    kinds: list[str],
    source: str,
    problems: list[Problem],
) -> list[Uncertainty] | None:
    """Each row's uncertainty inputs: the columns given, the kind's defaults for the rest."""
    out = []
    for (rownum, row), kind in zip(data_rows, kinds, strict=True):
        given: dict[str, Any] = {}
        before = len(problems)
        for spec in RISK_FIELDS:
            j = columns.get(spec.name)
            value = row[j] if j is not None and j < len(row) else None
            if is_blank(value):
                continue
            if spec.unit == "text":
                text = cell_text(value).lower()
                if text not in spec.choices:
                    problems.append(
                        Problem(
                            spec.name,
                            f"{text!r} is not allowed; allowed: {spec.allowed()}",
                            rownum,
                            source,
                        )
                    )
                given[spec.name] = text
                continue
            try:
                x = parse_cell(value, spec)
            except ValueError as exc:
                problems.append(Problem(spec.name, str(exc), rownum, source))
                continue
            problems += [Problem(spec.name, m, rownum, source) for _, m in fields.check(spec, [x])]
            given[spec.name] = bool(x) if spec.unit == "bool" else x
        if len(problems) > before:
            continue
        try:
            out.append(Uncertainty.for_kind(kind if kind in fields.KINDS else "other", **given))
        except InputError as exc:
            problems += [Problem(q.field, q.message, rownum, source) for q in exc.problems]
    return out if len(out) == len(data_rows) else None


def _column_letter(n: int) -> str:
    """The spreadsheet letters of column ``n`` (1-based): 1 → A, 27 → AA."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def read_person(path: str | PathLike[str]) -> Person:
    """Read a person profile from TOML (see ``templates/person.toml``), or the Inputs sheet
    of a comparison or template workbook (``.xlsx``, :mod:`mlworth_xl.workbook.reader`).

    Keys are the person fields (``salary = 58260``); a ``[person]`` table is
    also accepted.  Rates may be written as decimals (0.25) or strings with
    a percent sign ("25%").
    """
    p = _check_path(path, (".toml", ".xlsx", ".xlsm"), "person")
    if p.suffix.lower() in (".xlsx", ".xlsm"):  # the Inputs sheet of a comparison workbook
        from mlworth_xl.workbook.reader import read_person_sheet

        return read_person_sheet(p)
    try:
        raw = tomllib.loads(read_text(p, "person", "a TOML text file (UTF-8)", utf16=False))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single("person", f"not valid TOML: {exc}", source=str(p)) from None
    if set(raw) == {"person"} and isinstance(raw["person"], dict):
        raw = raw["person"]
    values: dict[str, Any] = {}
    problems = []
    for k, v in raw.items():
        spec = fields.PERSON.get(k)
        if isinstance(v, str) and spec is not None and v not in data.figures():
            try:
                v = parse_number(v, spec)
            except ValueError as exc:
                problems.append(Problem(k, str(exc), source=str(p)))
                continue
        values[k] = v
    if problems:
        raise InputError(problems)
    try:
        return Person.from_mapping(values, source=str(p))
    except InputError as exc:
        raise InputError(
            [Problem(q.field, q.message, q.row, q.source or str(p)) for q in exc.problems]
        ) from None
