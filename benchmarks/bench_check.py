"""How fast is ``mlworth-xl check``?  Prints timings against the targets; asserts nothing.

Times :func:`~mlworth_xl.workbook.check.audit` (what ``mlworth-xl check`` does
apart from starting Python and importing the package) on the default
comparison (8 options) as ``mlworth-xl workbook`` writes it (no cached values)
and on the 10-option template (``mlworth-xl template``), min and median of a
few runs each, the median against the target; then, without a target, the
default comparison with IronCalc's values stored (``--ironcalc-values``),
whose cached results are also compared with the model and with IronCalc's
calculation of the expected workbook.

The audit lists each sheet's cells once and reads the cached values from the
sheets' XML (the speed path of :mod:`mlworth_xl.workbook.fast_path`); with
``--plain`` it walks the sheets and loads the file twice with openpyxl's public
API only, as ``MLWORTH_XL_PLAIN_OPENPYXL=1`` does, for comparison.

    python benchmarks/bench_check.py
    python benchmarks/bench_check.py --repeat 7
    python benchmarks/bench_check.py --plain
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from timing import times_of

from mlworth_xl.workbook import fast_path
from mlworth_xl.workbook.check import audit
from mlworth_xl.workbook.template import DEFAULT_OPTIONS, build_template
from mlworth_xl.workbook.writer import workbook_bytes, write_workbook

#: Targets of an audit's median, in seconds (before the speed path: 3.8 s and 4.5 s; with
#: it 1.2 s each, on a two-core machine already busy with another process).
TARGETS = {"default (8 options)": 1.5, f"template ({DEFAULT_OPTIONS} options)": 1.5}


def verdict(seconds: float, target: float | None) -> str:
    """``  target < 1.5 s: ok`` (or MISSED) beside a median; nothing without a target."""
    if target is None:
        return ""
    return f"  target < {target:g} s: {'ok' if seconds < target else 'MISSED'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (min, median)")
    parser.add_argument(
        "--plain", action="store_true", help="openpyxl's public API only (no speed path)"
    )
    args = parser.parse_args(argv)
    if args.plain:
        os.environ[fast_path.PLAIN_ENV] = "1"
    why = fast_path.why_plain_reading()
    print(f"Speed path: {'on' if why is None else f'off ({why})'}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.xlsx"
        template.write_bytes(workbook_bytes(build_template(DEFAULT_OPTIONS)))
        cases = {
            "default (8 options)": write_workbook(folder / "default.xlsx", computed=False),
            f"template ({DEFAULT_OPTIONS} options)": template,
            "default, IronCalc's values": None,
        }
        try:
            cases["default, IronCalc's values"] = write_workbook(
                folder / "computed.xlsx", computed=True
            )
        except ModuleNotFoundError:  # ironcalc not installed
            del cases["default, IronCalc's values"]
        audit(cases["default (8 options)"])  # the imports and the probe, once, not timed
        print(f"audit(): min | median of {args.repeat}")
        for label, path in cases.items():
            assert path is not None
            report = audit(path)
            if report.findings:
                print(f"  {label}: {len(report.findings)} findings (expected none)")
            times = times_of(args.repeat, lambda p=path: audit(p))
            median = statistics.median(times)
            print(
                f"  {label:<28} {min(times):6.2f} s | {median:5.2f} s"
                f"{verdict(median, TARGETS.get(label))}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
