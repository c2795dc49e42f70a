"""What Excel sends and receives, in one place, for the ``MLWORTH_*`` functions.

The bottom layer of :mod:`mlworth_xl.excel`: cells in, cells out, and the
Excel error values (:data:`ERROR_VALUES`, the package's one list of them, kept in
:mod:`mlworth_xl.error_values`; :class:`CellError`).

Arguments are registered with ``ndim=2`` and ``err_to_str=True``: xlwings
hands over rows of cells (``[[52000.0]]`` for one cell, ``[[1.0], [2.0]]``
for a column), ``None`` for an empty cell and error cells as text
(``"#N/A"``); bare numbers work too.  :func:`excel_function` turns them into
arrays with defaults filled in, checks them against
:mod:`mlworth_xl.model.fields` (same words as the command line), calls the
model once for all rows and turns problems into Excel errors:

- classic xlwings (Windows) cannot return an error value from a UDF (a
  returned ``"#N/A"`` is text, xlwings/xlwings#776) and would show an
  exception's traceback (xlwings/xlwings#1108), so a cell gets text that
  starts with the code: ``#NUM! apr: 7.94 looks like a percentage…``;
- Office.js (xlwings Lite, xlwings Server) makes the exact strings
  ``"#N/A"``, ``"#NUM!"``… real error values and shows an exception as
  ``#VALUE!`` with its message on hover.  So a bad value inside a spilled
  range is a real error, and a call wrong as a whole raises, to show why.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

import numpy as np

from mlworth_xl.error_values import ERROR_VALUES
from mlworth_xl.model import data, fields
from mlworth_xl.model.errors import InputError

#: What Excel sends or receives: a number, text, TRUE/FALSE, None, or a list of rows.
Cells = Any


def error_code(x: Any) -> str | None:
    """The Excel error value a cell holds, or None: xlwings hands error cells over as text.

    >>> error_code(" #N/A"), error_code("N/A"), error_code(7.0)
    ('#N/A', None, None)
    """
    return x.strip() if isinstance(x, str) and x.strip() in ERROR_VALUES else None


#: ``"officejs"`` under xlwings Lite (Pyodide) or xlwings Server, else ``"classic"``.
RUNTIME = (
    "officejs"
    if sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"
    else "classic"
)


class CellError(Exception):
    """An Excel error value and why: ``#NUM!`` and ``apr: 7.94 looks like a percentage…``.

    >>> str(CellError("#N/A", "never pays back within 40 years"))
    '#N/A never pays back within 40 years'
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message

    def cell(self) -> str:
        """The value for one cell of a result: the code alone where Excel makes it an error."""
        return self.code if RUNTIME == "officejs" else str(self)


def fail(error: CellError) -> str:
    """A whole call's error: text on classic xlwings, an exception under Office.js."""
    if RUNTIME == "officejs":
        from xlwings import XlwingsError  # the exception whose message xlwings Server shows

        raise XlwingsError(str(error))
    return str(error)


@dataclass(frozen=True)
class Arg:
    """How one argument is read: its doc (the wizard shows it) and kind.

    ``kind`` is ``"number"`` (a cell, a column or a row, checked against
    ``field``), ``"one"`` (a single number), ``"text"`` or ``"table"`` (rows
    of cells).  ``default`` computes the value of an empty argument when the
    signature's default cannot say it (``None`` there means "optional").
    """

    doc: str
    kind: str = "number"
    field: fields.Field | None = None
    default: Callable[[], float] | None = None

    #: Options for ``xlwings.arg``: always rows of cells, error cells as text.
    options = {"ndim": 2, "err_to_str": True}


def _ok(field: fields.Field, x: float) -> bool:
    """One value passes :func:`fields.check` (fast path for single cells; tested equal)."""
    if not math.isfinite(x):
        return False
    if field.unit == "bool":
        return x in (0.0, 1.0)
    if field.low is not None and (x <= field.low if field.low_open else x < field.low):
        return False
    if field.high is not None and x > field.high:
        return False
    return not field.integer or x == round(x)


def _fallback(field: fields.Field, default: float | None) -> float:
    """A valid stand-in for a bad value, so the other rows compute in the same call."""
    if default is not None:
        return default
    lo = 0.0 if field.low is None else field.low
    hi = lo + 2.0 if field.high is None else field.high
    return (lo + hi) / 2.0 if field.low_open else min(max(1.0, lo), hi)


def _rows(raw: Cells, name: str) -> tuple[list[Any], str | None]:
    """Cells of an argument and its orientation: None (one cell), "col" or "row"."""
    if not isinstance(raw, list | tuple):
        return [raw], None
    if not raw:
        raise CellError("#VALUE!", f"{name}: the range is empty")
    if not isinstance(raw[0], list | tuple):
        return list(raw), ("col" if len(raw) > 1 else None)
    widths = set(map(len, raw))
    if len(widths) > 1 or 0 in widths:
        raise CellError("#VALUE!", f"{name}: rows of the range have different lengths")
    height, width = len(raw), widths.pop()
    if height == 1:
        return list(raw[0]), ("row" if width > 1 else None)
    if width == 1:
        return list(map(itemgetter(0), raw)), "col"
    raise CellError(
        "#VALUE!", f"{name}: takes one cell, one column or one row, not a {height}x{width} range"
    )


#: Text a TRUE/FALSE input takes, besides the cell values TRUE and FALSE and the numbers 1 and 0.
_BOOL_TEXT = {"true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0}


def _number(x: int | float, field: fields.Field) -> float | CellError:
    """A number as a float; one too large for a float is out of range (not a crash)."""
    try:
        return float(x)
    except OverflowError:
        return CellError(
            "#NUM!",
            f"a number of {len(str(abs(x)))} digits is out of range; allowed: {field.allowed()}",
        )


def cell_number(x: Any, field: fields.Field) -> float | CellError | None:
    """One cell as a number; None when empty; a CellError for anything else.

    A TRUE/FALSE input takes TRUE, FALSE, 1 or 0 (and that text); a coded
    input also takes the names of its codes (``"federal"``, ``"rap"``) in any
    case; numpy numbers are numbers.
    """
    if x is None or (isinstance(x, str) and not x.strip()):
        return None
    if isinstance(x, np.bool_):
        x = bool(x)
    elif isinstance(x, np.integer | np.floating):
        x = x.item()
    if field.unit == "bool":
        if isinstance(x, bool):
            return float(x)
        if isinstance(x, int | float):
            return _number(x, field)  # other numbers than 0 and 1 fail the range check
        if isinstance(x, str) and x.strip().lower() in _BOOL_TEXT:
            return _BOOL_TEXT[x.strip().lower()]
        if (code := error_code(x)) is not None:
            return CellError(code, f"the cell holds the error {code}; fix that cell first")
        shown = (
            repr(x.strip()[:40])
            if isinstance(x, str)
            else (f"{x!r}" if isinstance(x, int | float) else f"a {type(x).__name__}")
        )
        return CellError("#VALUE!", f"{shown} is not TRUE or FALSE; allowed: TRUE, FALSE, 1 or 0")
    if isinstance(x, bool):
        return CellError(
            "#VALUE!", f"{'TRUE' if x else 'FALSE'} is not a number; allowed: {field.allowed()}"
        )
    if isinstance(x, int | float):
        return _number(x, field)
    if isinstance(x, str) and field.is_code and x.strip().lower() in field.choices:
        return float(field.choices.index(x.strip().lower()))
    if (code := error_code(x)) is not None:
        return CellError(code, f"the cell holds the error {code}; fix that cell first")
    if isinstance(x, dt.date | dt.time | dt.timedelta):
        return CellError("#VALUE!", f"a date or time is not allowed; allowed: {field.allowed()}")
    if isinstance(x, str):
        return CellError(
            "#VALUE!", f"{x.strip()[:40]!r} is text, not a number; allowed: {field.allowed()}"
        )
    return CellError("#VALUE!", f"a {type(x).__name__} is not a number")


#: An optional argument left empty: the function decides (``None`` reaches it).
OPTIONAL = object()


def numbers(
    raw: Cells, name: str, field: fields.Field, fill: Any
) -> tuple[np.ndarray | float | None, str | None, dict[int, CellError]]:
    """Cells as a float (one cell) or an array, its orientation, and each bad cell's problem.

    ``fill`` replaces empty cells: a number, None (the argument is required)
    or :data:`OPTIONAL`.  One bad cell raises; in a range each bad cell is
    reported and replaced by a valid value, so the rest still compute.

    >>> numbers([[0.05], [7.94]], "apr", fields.PROGRAM["loan_apr"], 0.0)[2][1].message[:32]
    'apr, value 2: 7.94 looks like a '
    """
    if type(raw) is list and len(raw) == 1 and type(raw[0]) is list and len(raw[0]) == 1:
        raw = raw[0][0]  # one cell
    if type(raw) is float and _ok(field, raw):
        return raw, None, {}  # the common case, quickly
    items, orient = _rows(raw, name)
    if set(map(type, items)) == {float}:
        values, errors = np.array(items), {}
    else:
        values, errors = np.empty(len(items)), {}
        for i, x in enumerate(items):
            v = cell_number(x, field)
            if v is None:
                if fill is OPTIONAL and orient is None:
                    return None, None, {}
                if fill is None:
                    v = CellError("#VALUE!", f"is empty; allowed: {field.allowed()}")
                else:
                    v = data.field_default(field) if fill is OPTIONAL else fill
            if isinstance(v, CellError):
                errors[i] = v
                v = math.nan
            values[i] = v
    if orient is None:
        if not errors and not _ok(field, values[0]):
            errors[0] = CellError("#NUM!", fields.describe(field, float(values[0])))
    else:
        for i, message in fields.check(field, values):
            errors.setdefault(i, CellError("#NUM!", message))
    if orient is None:
        if errors:
            raise CellError(errors[0].code, f"{name}: {errors[0].message}")
        return float(values[0]), None, {}
    errors = {
        i: CellError(e.code, f"{name}, value {i + 1}: {e.message}") for i, e in errors.items()
    }
    if errors:
        values[list(errors)] = _fallback(field, None if fill in (None, OPTIONAL) else fill)
    return values, orient, errors


def text(raw: Cells, name: str, required: bool) -> str | None:
    """One text argument (a key or a name); None when optional and empty."""
    items, orient = _rows(raw, name)
    x = items[0]
    if orient is not None:
        raise CellError("#VALUE!", f"{name}: takes one text value, not a range")
    if x is None or (isinstance(x, str) and not x.strip()):
        if required:
            raise CellError("#VALUE!", f"{name}: is empty; give a text value")
        return None
    if (code := error_code(x)) is not None:
        raise CellError(code, f"{name}: the cell holds the error {code}")
    if not isinstance(x, str):
        raise CellError("#VALUE!", f"{name}: {x!r} is not text")
    return x.strip()


def table(raw: Cells) -> list[list[Any]] | None:
    """A range of rows (None when left out)."""
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        return [[raw]]
    return [list(r) if isinstance(r, list | tuple) else [r] for r in raw]


def excel_function(
    body: Callable[..., Any], args: Mapping[str, Arg], nan: str | None = None
) -> Callable[..., Any]:
    """Wrap ``body`` (which takes arrays) into a function that takes what Excel sends.

    Numeric arguments become 1-d arrays of one length (or floats when every
    argument is one cell); the result comes back as a number, or as a column
    or row matching the ranges given.  ``nan`` says why a NaN result has no
    value; it may name arguments (``"… within {horizon_years:g} years"``).
    A body that returns a list of rows returns a table as it is.
    """
    sig = inspect.signature(body)
    plan = []
    for p in sig.parameters.values():
        spec = args[p.name]
        field = replace(spec.field, name=p.name) if spec.field is not None else None
        fill = (
            spec.default
            if spec.default is not None
            else None
            if p.default is p.empty
            else OPTIONAL
            if p.default is None
            else float(p.default)
        )
        plan.append((p.name, spec, field, fill))
    defaults = tuple(
        f if isinstance(f, float) else p.default  # numbers as floats: fast path
        for (_, _, _, f), p in zip(plan, sig.parameters.values(), strict=True)
    )
    required = sum(p.default is p.empty for p in sig.parameters.values())

    @functools.wraps(body)
    def call(*a: Cells, **kw: Cells) -> Cells:
        try:
            if kw or not required <= len(a) <= len(plan):
                bound = sig.bind(*a, **kw)
                bound.apply_defaults()
                a = tuple(bound.arguments.values())
        except TypeError as exc:
            return fail(CellError("#VALUE!", str(exc)))
        try:
            values, shape, bad = _read(plan, a + defaults[len(a) :])
            with np.errstate(all="ignore"):
                result = body(**values)
            return _write(result, shape, bad, nan, values)
        except CellError as exc:
            return fail(exc)
        except InputError as exc:
            return fail(CellError("#VALUE!", exc.summary()))
        except Exception as exc:  # noqa: BLE001  a cell shows one line, never a traceback
            return fail(CellError("#VALUE!", f"could not compute: {type(exc).__name__}: {exc}"))

    return call


def _read(
    plan: list[Any], given: tuple[Cells, ...]
) -> tuple[dict[str, Any], tuple[int, str | None], dict[int, CellError]]:
    values: dict[str, Any] = {}
    first: tuple[str, int, str | None] | None = None  # the first range: name, length, orientation
    bad: dict[int, CellError] = {}
    for (name, spec, field, fill), raw in zip(plan, given, strict=True):
        if spec.kind in ("text", "table"):
            values[name] = (
                text(raw, name, required=fill is None) if spec.kind == "text" else table(raw)
            )
            continue
        arr, o, errors = numbers(raw, name, field, fill() if callable(fill) else fill)
        values[name] = arr
        if not isinstance(arr, np.ndarray):
            continue
        if spec.kind == "one":
            raise CellError("#VALUE!", f"{name}: takes one value, not a range")
        if first and o != first[2]:
            raise CellError("#VALUE!", f"{name}: give all ranges as columns or all as rows")
        if first and len(arr) != first[1]:
            raise CellError(
                "#VALUE!",
                f"{name} has {len(arr)} values but {first[0]} has "
                f"{first[1]}; ranges must have the same length",
            )
        first = first or (name, len(arr), o)
        for i, e in errors.items():
            bad.setdefault(i, e)
    return values, (first[1], first[2]) if first else (1, None), bad


def _at(values: Mapping[str, Any], i: int) -> dict[str, float]:
    return {
        k: float(v[i] if isinstance(v, np.ndarray) else v)
        for k, v in values.items()
        if isinstance(v, float | np.ndarray)
    }


def _write(
    result: Any,
    shape: tuple[int, str | None],
    bad: dict[int, CellError],
    nan: str | None,
    values: Mapping[str, Any],
) -> Cells:
    if isinstance(result, list):
        return cells(result)
    if isinstance(result, str | bool):
        return result
    if isinstance(result, CellError):
        return result.cell()
    n, orient = shape
    flat = np.broadcast_to(np.asarray(result, dtype=float).reshape(-1), (n,))
    out: list[Any] = flat.reshape(-1, 1).tolist() if orient == "col" else [flat.tolist()]
    put = (lambda i, v: out[i].__setitem__(0, v)) if orient == "col" else out[0].__setitem__
    for i in np.nonzero(np.isnan(flat))[0].tolist():
        put(i, CellError("#N/A", (nan or "no value").format(**_at(values, i))).cell())
    for i, e in bad.items():
        put(i, e.cell())
    return out[0][0] if orient is None else out


def cells(rows: list[list[Any]]) -> list[list[Any]]:
    """A table for Excel: plain Python values, errors as :meth:`CellError.cell`."""

    def one(x: Any) -> Any:
        if isinstance(x, CellError):
            return x.cell()
        if isinstance(x, np.generic):
            x = x.item()
        if isinstance(x, float) and math.isnan(x):
            return CellError("#N/A", "no value").cell()
        return x

    return [[one(x) for x in row] for row in rows]
