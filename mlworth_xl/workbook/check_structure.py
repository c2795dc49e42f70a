"""``mlworth-xl check``: the workbook's structure against the generator's.

The sheets (missing, added with their formulas, renamed, in another order),
a row or column inserted or deleted on a sheet (named once; the sheet's cells
are then not compared one by one) and the defined names (DiscountRate, Salary,
…).  Each check adds its findings to the audit (:mod:`.check_run`); the
expected workbook is what the generator writes for the file's inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.utils import get_column_letter

from mlworth_xl.workbook import layout, risk_sheet
from mlworth_xl.workbook.check_run import Audit
from mlworth_xl.workbook.input_cells import formula_text, is_formula, normalize, shorten
from mlworth_xl.workbook.layout import Layout

# --- sheets -------------------------------------------------------------------------------


def expected_sheets(run: Audit) -> list[str]:
    """The sheets the generator writes for this file, in order (Risk if the file has it)."""
    sheets = list(Layout(max(run.n, 1), run.rap_options).sheets)
    if risk_sheet.RISK in run.formulas.sheetnames:
        sheets.insert(sheets.index(layout.SUMMARY) + 1, risk_sheet.RISK)
    return sheets


def check_sheets(run: Audit) -> None:
    """A finding per sheet missing, added, renamed or moved."""
    wanted, found = expected_sheets(run), list(run.formulas.sheetnames)
    missing = [s for s in wanted if s not in found]
    extra = [s for s in found if s not in wanted]
    for name in missing:
        renamed = [s for s in extra if found.index(s) == wanted.index(name)]
        if renamed and len(missing) == len(extra):
            run.add(renamed[0], "sheet", f"sheet {name!r} renamed to {renamed[0]!r}")
            extra.remove(renamed[0])
        else:
            run.add(name, "sheet", "sheet is missing")
    for name in extra:
        run.add(
            name, "sheet", "a sheet the generator does not write; allowed: " + ", ".join(wanted)
        )
        for c in run.sheet(run.formulas[name]).cells:
            if is_formula(c):
                run.add(
                    f"{name}!{c.coordinate}",
                    "formula",
                    f"a formula where the generator writes none: {shorten(formula_text(c))}",
                )
    if not missing and not extra and found != wanted:
        run.add(
            "workbook",
            "sheet",
            f"sheets in the order {', '.join(found)}; the generator writes {', '.join(wanted)}",
        )


# --- rows and columns inserted or deleted -------------------------------------------------


def check_shapes(run: Audit, expected: Any, sheets: Iterable[str]) -> None:
    """A finding per sheet with a row or column inserted or deleted (then not compared)."""
    for sheet in sheets:
        if sheet not in run.formulas.sheetnames or sheet not in expected.sheetnames:
            continue
        mine = _occupancy(run.sheet(expected[sheet]).cells)
        theirs = _occupancy(run.sheet(run.formulas[sheet]).cells)
        for axis in ("column", "row"):
            change = _moved(mine[axis], theirs[axis])
            if change is not None:
                what, first, k = change
                name = get_column_letter if axis == "column" else str
                ref = f"{name(k + 1)}:{name(k + 1)}"
                at = (
                    f"at {axis} {name(k + 1)}"
                    if first == k
                    else f"among {axis}s {name(first + 1)} to {name(k + 1)}"
                )
                run.add(
                    f"{sheet}!{ref}",
                    "sheet",
                    f"a {axis} {what} {at}; the cells "
                    "after it no longer are where the generator writes them (the "
                    "sheet's cells are not compared one by one)",
                )
                run.moved.add(sheet)
                break


def _occupancy(cells: Iterable[Any]) -> dict[str, list[tuple[int, ...]]]:
    """Per column and per row of a sheet, the rows (or columns) of its cells that hold something.

    ``cells`` are the sheet's cells that hold a value (:meth:`.check_run.Audit.sheet`); text
    that is empty counts as nothing.

    >>> from collections import namedtuple
    >>> C = namedtuple("C", "row column value")
    >>> _occupancy([C(1, 2, "a"), C(3, 2, 1.0), C(3, 4, ""), C(2, 1, 0)])
    {'column': [(2,), (1, 3)], 'row': [(2,), (1,), (2,)]}
    """
    columns: dict[int, list[int]] = {}
    rows: dict[int, list[int]] = {}
    for c in cells:
        if c.value is not None and c.value != "":
            columns.setdefault(c.column - 1, []).append(c.row)
            rows.setdefault(c.row - 1, []).append(c.column)

    def lines(found: dict[int, list[int]]) -> list[tuple[int, ...]]:
        size = max(found, default=-1) + 1
        return [tuple(sorted(found.get(k, ()))) for k in range(size)]

    return {"column": lines(columns), "row": lines(rows)}


def _moved(
    expected: list[tuple[int, ...]], found: list[tuple[int, ...]]
) -> tuple[str, int, int] | None:
    """("inserted" or "deleted", first, last) if ``found`` is ``expected`` shifted by one line.

    The lines are the occupancy of :func:`_occupancy`; most of the lines after the
    first that differs (``last``) must match once shifted by one (inputs may have been
    edited too).  Lines alike before it make the place ambiguous: it is one of
    ``first`` to ``last``.

    >>> _moved([(1,), (2,), (3,)], [(1,), (), (2,), (3,)])
    ('inserted', 1, 1)
    >>> _moved([(1,), (2,), (3,)], [(1,), (3,)])
    ('deleted', 1, 1)
    >>> _moved([(1,), (2,), (2,), (3,)], [(1,), (2,), (3,)])  # one of the two (2,) lines
    ('deleted', 1, 2)
    >>> _moved([(1,), (2,), (3,)], [(1,), (2,), (4,)]) is None
    True
    """
    k = next(
        (j for j, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b),
        min(len(expected), len(found)),
    )
    rest = expected[k:]
    if len(rest) < 2:
        return None
    for what, shifted in (("inserted", found[k + 1 :]), ("deleted", found[k : k + len(rest) - 1])):
        pairs = list(zip(rest if what == "inserted" else rest[1:], shifted, strict=False))
        same = sum(a == b for a, b in pairs)
        level = sum(a == b for a, b in zip(rest, found[k:], strict=False))
        if pairs and same >= 0.8 * len(pairs) and same > level:
            moved = expected[k] if what == "deleted" else found[k]
            first = k
            while first > 0 and (expected if what == "deleted" else found)[first - 1] == moved:
                first -= 1
            return what, first, k
    return None


# --- defined names ------------------------------------------------------------------------


def check_names(run: Audit, expected: Any) -> None:
    """The defined names (DiscountRate, Salary, …) point where the generator's do."""

    def names(wb: Any) -> dict[str, str]:
        found = {
            k: str(v.attr_text) for k, v in wb.defined_names.items() if not k.startswith("_xlnm.")
        }
        for ws in wb.worksheets:  # names local to a sheet: the generator writes none
            found |= {
                f"{ws.title}!{k}": str(v.attr_text)
                for k, v in ws.defined_names.items()
                if not k.startswith("_xlnm.")
            }
        return found

    mine, theirs = names(expected), names(run.formulas)
    for name, ref in mine.items():
        if name not in theirs:
            run.add(
                f"name {name}",
                "name",
                f"the defined name is missing (the generator writes {name} = {ref})",
            )
        elif normalize("=" + theirs[name]) != normalize("=" + ref):
            run.add(
                f"name {name}",
                "name",
                f"refers to {shorten(theirs[name])}; the generator writes {ref}",
            )
    for name in theirs.keys() - mine.keys():
        run.add(
            f"name {name}",
            "name",
            f"a defined name the generator does not write: {name} = {shorten(theirs[name])}",
        )
