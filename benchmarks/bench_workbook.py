"""How fast is the comparison workbook?  Prints timings against the targets; asserts nothing.

Times building and saving the workbook (``build_workbook`` + ``workbook_bytes``,
what ``mlworth-xl workbook`` does apart from reading input files) for the
default comparison (8 options), 20 and 100 options, best of a few runs each;
then the two parts of that: the Risk sheet's Monte Carlo simulation (the
model's, 100,000 draws an option) and the workbook without the Risk sheet
(its formula sheets and the file); then what IronCalc's values add to the
default workbook (``mlworth-xl workbook --ironcalc-values`` stores them; the
default only if under 0.5 s); then the 10-option template (``mlworth-xl
template``, target 0.5 s); then, where LibreOffice is installed, the headless
recalculation of the default workbook (a fresh soffice process, as the tests
and ``--values`` use).

    python benchmarks/bench_workbook.py
    python benchmarks/bench_workbook.py --repeat 5
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import best_with_result

from mlworth_xl.api import resolve_inputs
from mlworth_xl.model.records import Programs
from mlworth_xl.workbook import risk_sheet
from mlworth_xl.workbook.libreoffice import find_soffice, recalculate
from mlworth_xl.workbook.template import DEFAULT_OPTIONS, build_template
from mlworth_xl.workbook.writer import build_workbook, computed_bytes, workbook_bytes

#: Generation targets of the issue, in seconds (100 options: 5 s; default: 1 s).
TARGETS = {"default (8 options)": 1.0, "20 options": None, "100 options": 5.0}
#: The 10-option template's target (issue 16), in seconds.
TEMPLATE_TARGET = 0.5


def verdict(seconds: float, target: float | None) -> str:
    """``  target < 1 s: ok`` (or MISSED) beside a figure; nothing without a target."""
    if target is None:
        return ""
    return f"  target < {target:g} s: {'ok' if seconds < target else 'MISSED'}"


def programs(n: int) -> Programs:
    """``n`` options: the default comparison repeated, renamed."""
    base = Programs.default().records()
    records = [base[k % len(base)] for k in range(n)]
    from dataclasses import replace

    return Programs.from_records(
        [replace(r, name=f"{r.name} #{k + 1}") for k, r in enumerate(records)]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best is shown)")
    args = parser.parse_args(argv)

    cases = {
        "default (8 options)": Programs.default(),
        "20 options": programs(20),
        "100 options": programs(100),
    }
    default_bytes = b""
    print("Generation (build + save), best of", args.repeat)
    for label, table in cases.items():
        seconds, content = best_with_result(
            args.repeat, lambda t=table: workbook_bytes(build_workbook(t))
        )
        print(
            f"  {label:<20} {seconds:6.2f} s  {len(content) / 1e6:5.2f} MB"
            f"{verdict(seconds, TARGETS[label])}"
        )
        if label.startswith("default"):
            default_bytes = content
    print(
        "Its parts: Risk sheet's simulation | workbook without the Risk sheet, best of", args.repeat
    )
    for label, table in cases.items():
        resolved, person = resolve_inputs(table, None)
        simulation, _ = best_with_result(
            args.repeat,
            lambda t=resolved, p=person: risk_sheet.simulate(t, p, risk_sheet.DEFAULT_RISK),
        )
        rest, _ = best_with_result(
            args.repeat, lambda t=table: workbook_bytes(build_workbook(t, risk=None))
        )
        print(f"  {label:<20} {simulation:6.2f} s | {rest:5.2f} s")

    book = build_workbook(Programs.default())
    with tempfile.TemporaryDirectory() as tmp:
        plain, _ = best_with_result(args.repeat, lambda: workbook_bytes(book))
        computed, content = best_with_result(args.repeat, lambda: computed_bytes(book, Path(tmp)))
    added = computed - plain
    print(
        f"IronCalc's values in the default workbook, best of {args.repeat}: file "
        f"{plain:.2f} s, with values {computed:.2f} s: adds {added:.2f} s "
        f"({len(content) / 1e6:.2f} MB){verdict(added, 0.5)}"
    )
    seconds, content = best_with_result(
        args.repeat, lambda: workbook_bytes(build_template(DEFAULT_OPTIONS))
    )
    print(
        f"Template of {DEFAULT_OPTIONS} empty options (mlworth-xl template), best of "
        f"{args.repeat}: {seconds:.2f} s  {len(content) / 1e6:5.2f} MB"
        f"{verdict(seconds, TEMPLATE_TARGET)}"
    )

    if find_soffice() is None:
        print("LibreOffice recalculation: skipped (soffice not found)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "default.xlsx"
        src.write_bytes(default_bytes)
        seconds, _ = best_with_result(args.repeat, lambda: recalculate(src, Path(tmp) / "out.xlsx"))
    print(f"LibreOffice recalculation of the default, best of {args.repeat}: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
