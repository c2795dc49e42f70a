"""A template workbook: option columns to fill in in Excel, every formula already in place.

An advisor who works in Excel gets the comparison workbook with ``N``
option columns whose required inputs (:data:`~mlworth_xl.workbook.layout.REQUIRED`:
name, length, tuition, salary after) are empty and whose other inputs hold
their defaults.  Each option has a "filled in" flag on Programs, and every
formula of the option's own cells (its row on Summary, its blocks on Odds,
Cash flows, Loans and RAP) shows empty text until the flag is TRUE: no
number, no error value, no rank and no line on the charts.  The formulas are
those of a filled column, each inside ``IF(flag, …, "")``
(:meth:`~mlworth_xl.workbook.layout.Layout.when_filled`), so a column
filled in computes like any other and an empty one holds as many formulas.

A template has no Risk sheet: its simulated chances are values written with
the file.  ``mlworth-xl workbook --programs filled.xlsx`` reads the options
filled in (:mod:`mlworth_xl.workbook.reader`) and writes the full workbook.

>>> wb = build_template(3)
>>> wb["Programs"]["C5"].value is None, wb["Summary"]["A7"].value
(True, '=IF(Programs!$C$49,Programs!$C$5,"")')
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from mlworth_xl.atomic import write_atomic
from mlworth_xl.model.errors import InputError
from mlworth_xl.model.records import Programs
from mlworth_xl.workbook.layout import placeholder
from mlworth_xl.workbook.writer import MAX_OPTIONS, _target, build_workbook, workbook_bytes

#: The file name ``mlworth-xl template`` writes when no path is given.
TEMPLATE_NAME = "ml-comparison-template.xlsx"
#: Option columns of a template unless told otherwise.
DEFAULT_OPTIONS = 10


def template_programs(n: int) -> Programs:
    """``n`` placeholder options (see :func:`placeholder`)."""
    if not 1 <= n <= MAX_OPTIONS:
        raise InputError.single(
            "options", f"{n} is not allowed; allowed: a whole number from 1 to {MAX_OPTIONS}"
        )
    return Programs.from_records([placeholder(i) for i in range(n)])


def build_template(n: int = DEFAULT_OPTIONS, person: Any = None) -> Workbook:
    """A template of ``n`` empty option columns for ``person`` (None: the default person)."""
    return build_workbook(template_programs(n), person, None, template=True, blank=range(n))


def write_template(
    path: str | os.PathLike[str] = TEMPLATE_NAME,
    n: int = DEFAULT_OPTIONS,
    person: Any = None,
    *,
    force: bool = False,
) -> Path:
    """Write a template of ``n`` option columns to ``path``; the same inputs give the same bytes.

    Raises ``FileExistsError`` if the file exists and ``force`` is false, and
    :class:`InputError` for a number of options or a path that is not allowed.
    """
    given = Path(path)
    dest = _target(given / TEMPLATE_NAME if given.is_dir() else given)
    if dest.exists() and not force:
        raise FileExistsError(errno.EEXIST, "already exists; use --force to replace it", str(dest))
    content = workbook_bytes(build_template(n, person))
    write_atomic(dest, content, force=force, option="path")
    return dest
