"""Reading the inputs of a comparison or template workbook filled in in Excel or LibreOffice.

``--programs client.xlsx`` and ``--person client.xlsx`` accept a workbook
that ``mlworth-xl workbook`` or ``mlworth-xl template`` wrote: the options
are the columns of its Programs sheet that are filled in (any of them, in
any order: the empty columns of a template are skipped), with their
uncertainty inputs below the check; the person is its Inputs sheet.  Every
value is checked as a CSV's is, and a problem names the sheet, the cell,
the field and what is allowed::

    client.xlsx, Programs!D8: tuition_per_year: 'abc' is not a number; allowed: ...

A column is in use when any of its required inputs
(:data:`~mlworth_xl.workbook.layout.REQUIRED`) holds something; then all of
them must.  The other inputs may be left empty: they take their defaults.
A text cell is read as a programs file's text is (``$52,000``, ``7.5%``,
``TRUE``).  :func:`number` is also how ``mlworth-xl check`` reads an input
cell (:mod:`mlworth_xl.audit`), without reading text as a number there:
the generator writes numbers.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlworth_xl.error_values import ERROR_VALUES
from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError, Problem
from mlworth_xl.model.records import PROGRAM_NUMERIC, Person, Programs
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.workbook import layout
from mlworth_xl.workbook.layout import Layout


@dataclass
class SheetPrograms(Programs):
    """Programs read from a workbook, with each option's uncertainty inputs and the role
    table (None: not there)."""

    uncertainties: list[Uncertainty] | None = None
    roles: Roles | None = None


def empty(value: Any) -> bool:
    """Whether a cell value counts as empty: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def number(
    spec: fields.Field, value: Any, data_type: str = "n", *, text: bool = True
) -> tuple[float | None, str | None]:
    """An input cell's value as a number (0/1 for TRUE/FALSE): ``(value, None)`` or ``(None, why)``.

    ``text``: a text cell is read as a programs file's text (``"$52,000"``);
    otherwise only numbers (and TRUE/FALSE for a TRUE/FALSE input) are.

    >>> number(fields.PROGRAM["tuition_per_year"], "abc")[1][:45]
    "'abc' is not a number; allowed: a number from"
    >>> number(fields.PROGRAM["loan_share"], -0.5)[1]
    '-0.5 is out of range; allowed: a number from 0 (0%) to 1 (100%)'
    """
    from mlworth_xl.inputs import parse_bool, parse_code, parse_number

    allowed = spec.allowed()
    if data_type == "e" or (isinstance(value, str) and value.strip() in ERROR_VALUES):
        return None, f"holds the error {value}; allowed: {allowed}"
    if empty(value):
        return None, f"is empty; allowed: {allowed}"
    if isinstance(value, str) and text:
        try:
            x = (
                parse_bool(value)
                if spec.unit == "bool"
                else parse_code(value, spec)
                if spec.is_code
                else parse_number(value, spec)
            )
        except ValueError as exc:
            return None, str(exc)
    elif spec.unit == "bool":
        if not isinstance(value, bool):
            return None, f"{value!r} is not TRUE or FALSE"
        x = float(value)
    elif isinstance(value, bool) or not isinstance(value, int | float):
        shown = ("TRUE" if value else "FALSE") if isinstance(value, bool) else repr(value)
        return None, f"{shown} is not a number; allowed: {allowed}"
    else:
        x = float(value)
    problems = fields.check(spec, [x])
    return (None, problems[0][1]) if problems else (x, None)


def is_comparison(ws: Any) -> bool:
    """Whether a Programs sheet is that of a workbook the generator wrote (its header row)."""
    return (
        ws.cell(row=layout.PROGRAMS_HEADER_ROW, column=1).value == "Input"
        and ws.cell(row=layout.PROGRAMS_HEADER_ROW, column=layout.OPTION_COL).value == "Option 1"
    )


def option_count(ws: Any) -> int:
    """How many option columns a Programs sheet has (headers Option 1, Option 2, …)."""
    n = 0
    while (
        ws.cell(row=layout.PROGRAMS_HEADER_ROW, column=Layout.option_col(n)).value
        == f"Option {n + 1}"
    ):
        n += 1
    return n


def in_use(ws: Any, i: int) -> bool:
    """Whether option column ``i`` is filled in: any of its required inputs holds something."""
    return any(
        not empty(ws.cell(row=layout.PROGRAM_ROW[k], column=Layout.option_col(i)).value)
        for k in layout.REQUIRED
    )


def is_workbook_file(path: Path) -> bool:
    """Whether an ``.xlsx`` file is a comparison or template workbook (not a programs table).

    Only the Programs sheet's header row is looked at, read-only.
    """
    from mlworth_xl.safe_xlsx import check_archive, open_workbook

    check_archive(path, "programs")  # refused here as a table would be; notes come later
    wb = open_workbook(path, "programs", read_only=True)
    try:
        if layout.PROGRAMS not in wb.sheetnames:
            return False
        row = next(
            wb[layout.PROGRAMS].iter_rows(
                min_row=layout.PROGRAMS_HEADER_ROW,
                max_row=layout.PROGRAMS_HEADER_ROW,
                max_col=layout.OPTION_COL,
                values_only=True,
            ),
            (),
        )
        return tuple(row)[:1] == ("Input",) and tuple(row)[layout.OPTION_COL - 1 :] == ("Option 1",)
    finally:
        wb.close()


def open_values(path: str | Path, field: str) -> Any:
    """The workbook's cached values, read safely (warnings for macros and links)."""
    from mlworth_xl.safe_xlsx import check_archive, check_extent, open_workbook

    p = Path(path)
    for note in check_archive(p, field):
        warnings.warn(f"{p}: {note}", UserWarning, stacklevel=3)
    wb = open_workbook(p, field, data_only=True)
    check_extent(wb, p, field)
    return wb


class _Reader:
    def __init__(self, path: Path, ws: Any):
        self.path, self.ws = path, ws
        self.problems: list[Problem] = []

    def where(self, column: int, row: int, sheet: str = layout.PROGRAMS) -> str:
        return f"{self.path}, {sheet}!{layout.cell(None, column, row, absolute=False)}"

    def problem(
        self, field: str, message: str, column: int, row: int, sheet: str = layout.PROGRAMS
    ) -> None:
        self.problems.append(Problem(field, message, source=self.where(column, row, sheet)))

    def value(
        self,
        spec: fields.Field,
        column: int,
        row: int,
        default: float | None,
        sheet: str = layout.PROGRAMS,
    ) -> float:
        c = self.ws.cell(row=row, column=column)
        if empty(c.value) and default is not None:
            return default
        x, why = number(spec, c.value, c.data_type)
        if why is not None:
            self.problem(spec.name, why, column, row, sheet)
            return default if default is not None else math.nan
        return x  # type: ignore[return-value]


def read_programs_sheet(path: str | Path, wb: Any = None) -> SheetPrograms:
    """The options filled in on a comparison or template workbook's Programs sheet.

    Raises :class:`InputError` listing every problem, each with its cell.
    """
    p = Path(path)
    wb = wb if wb is not None else open_values(p, "programs")
    if layout.PROGRAMS not in wb.sheetnames or not is_comparison(wb[layout.PROGRAMS]):
        raise InputError.single(
            "programs",
            "not a comparison or template workbook (no Programs sheet written by mlworth-xl)",
            source=str(p),
        )
    ws = wb[layout.PROGRAMS]
    read = _Reader(p, ws)
    used = [i for i in range(option_count(ws)) if in_use(ws, i)]
    if not used:
        raise InputError.single(
            "programs",
            "no option is filled in; fill in "
            + ", ".join(fields.PROGRAM[k].label for k in layout.REQUIRED)
            + " of at least one column of the Programs sheet",
            source=str(p),
        )
    defaults = {
        k: float(data.field_default(fields.PROGRAM[k]))
        for k in PROGRAM_NUMERIC
        if not fields.PROGRAM[k].required
    }
    names: list[str] = []
    kinds: list[str] = []
    columns = {k: np.empty(len(used)) for k in PROGRAM_NUMERIC}
    for j, i in enumerate(used):
        col = Layout.option_col(i)
        name_row = layout.PROGRAM_ROW["name"]
        name = ws.cell(row=name_row, column=col).value
        if empty(name):
            read.problem(
                "name",
                "is empty, but other required inputs of the column are "
                "filled in; every option needs a name",
                col,
                name_row,
            )
        names.append("" if name is None else str(name).strip())
        kind_row = layout.PROGRAM_ROW["kind"]
        kind = ws.cell(row=kind_row, column=col).value
        kind = "other" if empty(kind) else str(kind).strip().lower()
        if kind not in fields.KINDS:
            read.problem(
                "kind",
                f"{kind!r} is not allowed; allowed: " + fields.PROGRAM["kind"].allowed(),
                col,
                kind_row,
            )
        kinds.append(kind)
        for k in PROGRAM_NUMERIC:
            columns[k][j] = read.value(
                fields.PROGRAM[k], col, layout.PROGRAM_ROW[k], defaults.get(k)
            )
    uncertainties = _uncertainties(read, used, kinds)
    roles = read_roles_sheet(p, wb, read.problems)
    if read.problems:
        raise InputError(read.problems)
    table = Programs(names=names, kinds=kinds, columns=columns, rows=list(range(len(used))))
    try:  # values allowed one by one, not together
        table.validate(Person())
    except InputError as exc:
        raise InputError(
            [
                Problem(
                    q.field,
                    q.message,
                    source=read.where(
                        Layout.option_col(used[q.row]),
                        layout.PROGRAM_ROW.get(
                            q.field,
                            _SHARES_ROW if q.field == "role shares" else layout.PROGRAMS_FIRST_ROW,
                        ),
                    ),
                )
                if q.row is not None
                else q
                for q in exc.problems
            ]
        ) from None
    return SheetPrograms(
        names=names,
        kinds=kinds,
        columns=columns,
        source=str(p),
        uncertainties=uncertainties,
        roles=roles,
    )


_SHARES_ROW = layout.PROGRAM_ROW[fields.SHARE_FIELDS[0]]
#: How a role's pay is checked as it is read (as a salary: above 0).
_PAY = fields.Field("pay", "Pay", "usd", "", low=0, high=10_000_000, low_open=True)


def read_roles_sheet(
    path: str | Path, wb: Any, problems: list[Problem] | None = None
) -> Roles | None:
    """The role table on a workbook's Roles sheet (None: the file has none).

    Problems, each naming its cell, are added to ``problems`` (or raised).
    """
    if layout.ROLES not in wb.sheetnames:
        return None
    ws = wb[layout.ROLES]
    read = _Reader(Path(path), ws)
    rows: dict[str, dict[str, float]] = {}
    base = Roles.default()
    for role in base.roles:
        row = layout.ROLE_ROW[role.key]
        rows[role.key] = {
            key: read.value(
                _PAY, layout.ROLE_COL[key], row, float(getattr(role, key)), layout.ROLES
            )
            for key in ("median", "p10", "p90")
        }
    out = None
    if not read.problems:
        try:
            out = Roles.from_rows(rows, base)
        except InputError as exc:
            for q in exc.problems:
                key = (q.source or "").removeprefix("role ")
                row = layout.ROLE_ROW.get(key, layout.ROLES_FIRST_ROW)
                read.problem(
                    f"{key} {q.field}",
                    q.message,
                    layout.ROLE_COL.get(q.field, layout.ROLE_COL["median"]),
                    row,
                    layout.ROLES,
                )
    if problems is None:
        if read.problems:
            raise InputError(read.problems)
    else:
        problems.extend(read.problems)
    return out


def _uncertainties(read: _Reader, used: list[int], kinds: list[str]) -> list[Uncertainty] | None:
    """The uncertainty inputs of the columns in use (None: the file has none)."""
    ws = read.ws
    if ws.cell(row=layout.PROGRAMS_RISK_TITLE_ROW, column=1).value is None:
        return None  # written before the odds had inputs: the kinds' defaults
    out = []
    for i, kind in zip(used, kinds, strict=True):
        before = len(read.problems)
        col = Layout.option_col(i)
        base = Uncertainty.for_kind(kind if kind in fields.KINDS else "other")
        given: dict[str, Any] = {}
        for spec in RISK_FIELDS:
            row = layout.RISK_ROW[spec.name]
            value = ws.cell(row=row, column=col).value
            if spec.unit == "text":
                text = getattr(base, spec.name) if empty(value) else str(value).strip().lower()
                if text not in spec.choices:
                    read.problem(
                        spec.name, f"{value!r} is not allowed; allowed: {spec.allowed()}", col, row
                    )
                given[spec.name] = text
            elif spec.name == "salary_median" and empty(value):
                given[spec.name] = None
            else:
                default = getattr(base, spec.name)
                x = read.value(spec, col, row, None if default is None else float(default))
                given[spec.name] = bool(x) if spec.unit == "bool" and not math.isnan(x) else x
        if len(read.problems) == before:
            out.append(Uncertainty(**given))
    return out if len(out) == len(used) else None


def read_person_sheet(path: str | Path, wb: Any = None) -> Person:
    """The person on a comparison or template workbook's Inputs sheet (empty: the default)."""
    p = Path(path)
    wb = wb if wb is not None else open_values(p, "person")
    if (
        layout.INPUTS not in wb.sheetnames
        or wb[layout.INPUTS].cell(row=layout.INPUTS_FIRST_ROW, column=1).value
        != fields.PERSON_FIELDS[0].label
    ):
        raise InputError.single(
            "person",
            "not a comparison or template workbook (no Inputs sheet written by mlworth-xl)",
            source=str(p),
        )
    read = _Reader(p, wb[layout.INPUTS])
    values: dict[str, Any] = {}
    for k, spec in enumerate(fields.PERSON_FIELDS):
        row = layout.INPUTS_FIRST_ROW + k
        default = float(data.field_default(spec))
        x = read.value(spec, layout.INPUTS_VALUE_COL, row, default, layout.INPUTS)
        values[spec.name] = int(x) if spec.integer and not math.isnan(x) else x
    if read.problems:
        raise InputError(read.problems)
    try:
        return Person.from_mapping(values, source=str(p))
    except InputError as exc:
        rows = {
            spec.name: layout.INPUTS_FIRST_ROW + k for k, spec in enumerate(fields.PERSON_FIELDS)
        }
        raise InputError(
            [
                Problem(
                    q.field,
                    q.message,
                    source=read.where(layout.INPUTS_VALUE_COL, rows[q.field], layout.INPUTS),
                )
                if q.field in rows
                else q
                for q in exc.problems
            ]
        ) from None
