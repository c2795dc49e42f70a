"""Reading the inputs of a comparison or template workbook: the one reader of its input cells.

The generator (:mod:`.writer`) writes a workbook; this module reads back what was
typed into it, in one of two modes:

- **Filled in** (``--programs client.xlsx``, ``--person client.xlsx``): a workbook
  that ``mlworth-xl workbook`` or ``mlworth-xl template`` wrote, filled in in Excel
  or LibreOffice and read for its cached values.  The options are the columns of
  its Programs sheet that are filled in (any of them, in any order: the empty
  columns of a template are skipped), with their uncertainty inputs below the
  check; the person is its Inputs sheet.  A column is in use when any of its
  required inputs (:data:`~mlworth_xl.workbook.layout.REQUIRED`) holds something;
  then all of them must; a column none of whose required inputs is filled in but
  whose other inputs were typed is refused (its name is empty).  The other inputs
  may be left empty: they take their defaults, those that follow the kind the
  kind's (as a template's formulas read them).  A text cell is read as a
  programs file's text is (``$52,000``, ``7.5%``, ``TRUE``).  Problems are raised
  together as an :class:`InputError` that names the sheet, the cell, the field and
  what is allowed::

      client.xlsx, Programs!D8: tuition_per_year: 'abc' is not a number; allowed: ...

- **As generated** (:func:`read_as_generated`, for ``mlworth-xl check``,
  :mod:`mlworth_xl.workbook.check`): the workbook loaded for its formulas and for
  its cached values.  The generator writes a value in every input, so an empty
  input is a problem (but an input that follows the kind, which a template leaves
  empty), text is no number, and an input that holds a formula is a
  problem (LibreOffice's ``=TRUE()`` aside) read for its cached value.  Every
  option column is read, a template's empty ones as the placeholders it was
  written with.  The problems are returned, each naming its cell
  (:class:`CellProblem`), with the address of every input cell read.

Both modes read the same cells with the same functions and check every value
as a programs file's is (:mod:`mlworth_xl.model.fields`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlworth_xl.model import data, fields
from mlworth_xl.model.codes import Plan
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import PROGRAM_NUMERIC, Person, Programs
from mlworth_xl.model.roles import Roles
from mlworth_xl.model.uncertainty import RISK_FIELDS, Uncertainty
from mlworth_xl.workbook import layout
from mlworth_xl.workbook.input_cells import (
    UNKNOWN,
    CellProblem,
    CellReader,
    address,
    empty,
    in_use,
    is_comparison,
    is_template,
    number,
    option_count,
)
from mlworth_xl.workbook.layout import Layout
from mlworth_xl.workbook.validation import RAP_NEEDS_REGENERATING


@dataclass
class SheetPrograms(Programs):
    """Programs read from a workbook, with each option's uncertainty inputs and the role
    table (None: not there), and the person on its Inputs sheet (:meth:`person`)."""

    uncertainties: list[Uncertainty] | None = None
    roles: Roles | None = None
    #: The person on the Inputs sheet, or why it cannot be read (read with the programs, so
    #: the file is opened once).
    inputs_person: Person | InputError | None = None

    def person(self) -> Person:
        """The person on the workbook's Inputs sheet; an :class:`InputError` if it is not
        allowed (or the file has none)."""
        if isinstance(self.inputs_person, Person):
            return self.inputs_person
        if isinstance(self.inputs_person, InputError):
            raise self.inputs_person
        return read_person_sheet(self.source or "")


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
    every = range(option_count(ws))
    used = [i for i in every if in_use(ws, i)]
    read = CellReader(wb)
    for i in every:
        if i not in used:
            _unnamed(read, i)
    if not used:
        read.raise_problems(p)
        raise InputError.single(
            "programs",
            "no option is filled in; fill in "
            + ", ".join(fields.PROGRAM[k].label for k in layout.REQUIRED)
            + " of at least one column of the Programs sheet",
            source=str(p),
        )
    names, kinds, columns = _options(read, used)
    uncertainties = _uncertainties(read, used, kinds)
    roles = _roles(read)
    read.raise_problems(p)
    _validate(read, names, kinds, columns, Person(), used)  # values allowed one by one
    read.raise_problems(p)
    try:
        person: Person | InputError = read_person_sheet(p, wb)
    except InputError as exc:
        person = exc
    return SheetPrograms(
        names=names,
        kinds=kinds,
        columns=columns,
        source=str(p),
        uncertainties=uncertainties,
        roles=roles,
        inputs_person=person,
    )


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
    read = CellReader(wb)
    person = _person(read, str(p))
    if person is None:
        raise read.error(p)
    return person


@dataclass
class AsGenerated:
    """A workbook's inputs read as the generator writes them (:func:`read_as_generated`).

    ``programs`` and ``person`` are None when any input has a problem.
    """

    programs: Programs | None
    person: Person | None
    uncertainties: list[Uncertainty] | None
    roles: Roles | None
    #: Every problem, each naming its cell, in the order of the cells.
    problems: list[CellProblem]
    #: The address (``Programs!C8``) of every input cell read.
    cells: set[str]


def read_as_generated(
    formulas: Any,
    values: Any,
    n: int,
    *,
    blank: Collection[int] = (),
    rap_options: Collection[int] = (),
) -> AsGenerated:
    """The inputs of a workbook of ``n`` options as ``mlworth-xl check`` reads them.

    ``formulas`` and ``values`` are the workbook loaded for its formulas and for its
    cached values.  Every input must hold a value of the generator's kind: an empty
    input is a problem (no default), text is no number, and an input holding a formula
    is a problem (but LibreOffice's ``=TRUE()``), read for its cached value.  Columns
    in ``blank`` (a template's empty ones) stand for :func:`~.layout.placeholder`
    options; an option set to RAP without a block on the RAP sheet (``rap_options``) is
    a problem.
    """
    read = CellReader(formulas, values)
    every = range(n)
    mapping = _person_values(read)
    names, kinds, columns = _options(read, every, blank, rap_options)
    uncertainties = _uncertainties(read, every, kinds)
    roles = _roles(read)
    person = None if read.problems else _person_of(read, mapping, None)
    if person is None or not _validate(read, names, kinds, columns, person, every):
        return AsGenerated(None, None, uncertainties, roles, read.problems, read.cells)
    programs = Programs(names=names, kinds=kinds, columns=columns)
    return AsGenerated(programs, person, uncertainties, roles, read.problems, read.cells)


# --- the inputs, sheet by sheet: one reading for both modes -------------------------------


#: What the inputs that follow the kind held in an empty column of a template written before
#: they followed it (they were filled in with the defaults then): not typed by anyone.
_OLD_TEMPLATE = {
    "placement_prob": 1.0,
    "months_to_job": 0.0,
    **dict.fromkeys(fields.SHARE_FIELDS, 0.0),
    "completion_prob": 0.66,
}


def _unnamed(read: CellReader, i: int) -> None:
    """A problem if option column ``i``, none of whose required inputs is filled in, holds other
    inputs that differ from what a template's empty column holds (its kind, a fee …): the
    column was meant as an option, but it would be left out without a word."""
    col = Layout.option_col(i)
    typed = []
    for spec in (*fields.PROGRAM_FIELDS, *RISK_FIELDS):
        if spec.name in layout.REQUIRED:
            continue
        row = (layout.PROGRAM_ROW if spec.name in fields.PROGRAM else layout.RISK_ROW)[spec.name]
        value = read.wb[layout.PROGRAMS].cell(row=row, column=col).value
        if empty(value):
            continue  # as a template writes it (or emptied): nothing typed
        default = _OLD_TEMPLATE.get(spec.name) if spec.by_kind else data.field_default(spec)
        if default is None:
            differs = True  # a template leaves it empty
        elif spec.unit == "text":
            differs = str(value).strip().lower() != default
        else:
            x, why = number(spec, value)
            differs = why is not None or not math.isclose(x or 0.0, float(default), abs_tol=1e-12)
        if differs:
            typed.append(f"{spec.label} {address(layout.PROGRAMS, col, row).split('!')[1]}")
    if typed:
        shown = ", ".join(typed[:3]) + (f" and {len(typed) - 3} more" if len(typed) > 3 else "")
        read.problem(
            address(layout.PROGRAMS, col, layout.PROGRAM_ROW["name"]),
            "name",
            f"is empty, but other inputs of the column are filled in ({shown}); every option "
            f"needs {layout.required_words()}: fill them in, or empty the column",
        )


def _options(
    read: CellReader,
    used: Sequence[int],
    blank: Collection[int] = (),
    rap_options: Collection[int] | None = None,
) -> tuple[list[str], list[str], dict[str, np.ndarray]]:
    """Names, kinds and numeric inputs of the option columns ``used``, in order."""
    defaults = {
        k: float(data.field_default(fields.PROGRAM[k]))
        for k in PROGRAM_NUMERIC
        if not fields.PROGRAM[k].required
    }
    names: list[str] = []
    kinds: list[str] = []
    columns = {k: np.empty(len(used)) for k in PROGRAM_NUMERIC}
    left_to_kind = _left_to_kind(read)
    for j, i in enumerate(used):
        col = Layout.option_col(i)
        if i in blank:  # an empty column of a template: it computes nothing
            empty_one = Programs.from_records([layout.placeholder(i)])
            names.append(empty_one.names[0])
            kinds.append(empty_one.kinds[0])
            for k in columns:
                columns[k][j] = empty_one.columns[k][0]
            for spec in fields.PROGRAM_FIELDS:  # its inputs, as LibreOffice saves them
                read.cell(layout.PROGRAMS, col, layout.PROGRAM_ROW[spec.name])
            continue
        where, name, _ = read.cell(layout.PROGRAMS, col, layout.PROGRAM_ROW["name"])
        if empty(name):
            read.problem(
                where,
                "name",
                "is empty; every option needs a name"
                if read.strict
                else "is empty, but other required inputs of the column are "
                "filled in; every option needs a name",
            )
        names.append("" if name is None else str(name) if read.strict else str(name).strip())
        where, value, _ = read.cell(layout.PROGRAMS, col, layout.PROGRAM_ROW["kind"])
        kind = read.text(value, "other")
        if kind not in fields.KINDS and value is not UNKNOWN:
            shown = value if read.strict else kind  # as typed; filled in: as read
            allowed = fields.PROGRAM["kind"].allowed()
            read.problem(where, "kind", f"{shown!r} is not allowed; allowed: {allowed}")
        kinds.append(kind)
        given: dict[str, Any] = {}  # the inputs that follow the kind: None if left empty
        for k in PROGRAM_NUMERIC:
            spec = fields.PROGRAM[k]
            where, value, data_type = read.cell(layout.PROGRAMS, col, layout.PROGRAM_ROW[k])
            if spec.by_kind:
                given[k] = None if left_to_kind(value) else True
                if given[k] is None:
                    continue
            x = columns[k][j] = read.number(spec, where, value, data_type, defaults.get(k))
            no_block = rap_options is not None and i not in rap_options  # as generated only
            if k == "repayment_plan" and x == Plan.RAP and no_block:
                read.problem(
                    where,
                    k,
                    f"{int(Plan.RAP)} (RAP), but this workbook has no block on the RAP "
                    "sheet for this option. " + RAP_NEEDS_REGENERATING,
                )
        for k, x in data.fill_by_kind(kind, given).items():  # the kind's defaults
            columns[k][j] = x
    return names, kinds, columns


def _left_to_kind(read: CellReader) -> Callable[[Any], bool]:
    """Whether an input that follows the kind, holding ``value``, is left to the kind's default.

    Filled in: when it is empty.  As generated: only in a template, when it holds nothing
    (a template leaves it empty; a workbook writes a value in every input).
    """
    if not read.strict:
        return empty
    if is_template(read.wb[layout.PROGRAMS]):
        return lambda value: value is None
    return lambda value: False


def _uncertainties(
    read: CellReader, used: Sequence[int], kinds: list[str]
) -> list[Uncertainty] | None:
    """The uncertainty inputs below the Programs check (None: the file has none, or a problem)."""
    ws = read.wb[layout.PROGRAMS]
    if ws.cell(row=layout.PROGRAMS_RISK_TITLE_ROW, column=1).value is None:
        return None  # written before the odds had inputs: the kinds' defaults
    out = []
    left_to_kind = _left_to_kind(read)
    for i, kind in zip(used, kinds, strict=True):
        before = len(read.problems)
        col = Layout.option_col(i)
        base = Uncertainty.for_kind(kind if kind in fields.KINDS else "other")
        given: dict[str, Any] = {}
        for spec in RISK_FIELDS:
            where, value, data_type = read.cell(layout.PROGRAMS, col, layout.RISK_ROW[spec.name])
            default = getattr(base, spec.name)
            if spec.unit == "text":
                text = given[spec.name] = read.text(value, default)
                if text not in spec.choices and value is not UNKNOWN:
                    read.problem(
                        where, spec.name, f"{value!r} is not allowed; allowed: {spec.allowed()}"
                    )
            elif spec.name == "salary_median" and (value is None if read.strict else empty(value)):
                given[spec.name] = None
            elif spec.by_kind and left_to_kind(value):  # the completion probability
                given[spec.name] = default
            else:
                x = read.number(
                    spec, where, value, data_type, None if default is None else float(default)
                )
                given[spec.name] = bool(x) if spec.unit == "bool" and not math.isnan(x) else x
        if len(read.problems) == before:
            out.append(Uncertainty(**given))
    return out if len(out) == len(used) else None


#: How a role's pay is checked as it is read (as a salary: above 0).
_PAY = fields.Field("pay", "Pay", "usd", "", low=0, high=10_000_000, low_open=True)


def _roles(read: CellReader) -> Roles | None:
    """The role table on the Roles sheet (None: the file has none, or a problem)."""
    if layout.ROLES not in read.wb.sheetnames:
        return None
    before = len(read.problems)
    base = Roles.default()
    rows = {
        role.key: {
            key: read.value(
                _PAY,
                layout.ROLES,
                layout.ROLE_COL[key],
                layout.ROLE_ROW[role.key],
                float(getattr(role, key)),
            )
            for key in ("median", "p10", "p90")
        }
        for role in base.roles
    }
    if len(read.problems) > before:
        return None
    try:
        return Roles.from_rows(rows, base)
    except InputError as exc:
        for q in exc.problems:
            key = (q.source or "").removeprefix("role ")
            column = layout.ROLE_COL.get(q.field, layout.ROLE_COL["median"])
            row = layout.ROLE_ROW.get(key, layout.ROLES_FIRST_ROW)
            read.problem(address(layout.ROLES, column, row), f"{key} {q.field}", q.message)
        return None


def _person_values(read: CellReader) -> dict[str, Any]:
    """The person's inputs on the Inputs sheet (whole numbers as int)."""
    values: dict[str, Any] = {}
    for k, spec in enumerate(fields.PERSON_FIELDS):
        row = layout.INPUTS_FIRST_ROW + k
        default = float(data.field_default(spec))
        x = read.value(spec, layout.INPUTS, layout.INPUTS_VALUE_COL, row, default)
        values[spec.name] = int(x) if spec.integer and not math.isnan(x) else x
    return values


def _person(read: CellReader, source: str | None) -> Person | None:
    """The person on the Inputs sheet (None: a problem)."""
    before = len(read.problems)
    values = _person_values(read)
    return _person_of(read, values, source) if len(read.problems) == before else None


def _person_of(read: CellReader, values: dict[str, Any], source: str | None) -> Person | None:
    try:
        return Person.from_mapping(values, source=source)
    except InputError as exc:
        for q in exc.problems:
            read.problem(_person_cell(q.field), q.field, q.message)
        return None


def _person_cell(field: str) -> str:
    row = layout.INPUTS_FIRST_ROW + list(fields.PERSON).index(field)
    return address(layout.INPUTS, layout.INPUTS_VALUE_COL, row)


def _validate(
    read: CellReader,
    names: list[str],
    kinds: list[str],
    columns: dict[str, np.ndarray],
    person: Person,
    used: Sequence[int],
) -> bool:
    """Whether the options' values, each allowed alone, are allowed together with the person's
    (a horizon shorter than a program is not); each problem that is not names its cell."""
    table = Programs(names=names, kinds=kinds, columns=columns, rows=list(range(len(used))))
    try:
        table.validate(person)
    except InputError as exc:
        for q in exc.problems:
            if q.field in fields.PERSON:
                where = _person_cell(q.field)
            else:
                row = layout.PROGRAM_ROW.get(q.field, layout.PROGRAM_ROW[fields.SHARE_FIELDS[0]])
                where = address(layout.PROGRAMS, Layout.option_col(used[q.row or 0]), row)
            read.problem(where, q.field, q.message)
        return False
    return True
