"""How fast is the Monte Carlo layer?  Prints timings; asserts nothing.

Simulates one option (the default comparison's Carnegie Mellon master's,
every uncertainty at its default: completion, exit month, geometric months
to a job, placement, lognormal salary) with 100,000 and 1,000,000 draws and
prints the best of a few runs of each, against the targets (0.2 s and 2 s).
With ``--slow`` it also times the same 100,000 draws evaluated one scenario
per draw by ``evaluate`` (the slow path the fast one is tested against).

    python benchmarks/bench_risk.py
    python benchmarks/bench_risk.py --option 5 --repeat 5 --slow
"""

from __future__ import annotations

import argparse
import sys
import time

from timing import best_of

from mlworth_xl.model import evaluate
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.risk import draw_scenarios, simulate

TARGETS = {100_000: 0.2, 1_000_000: 2.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--option",
        type=int,
        default=0,
        help="row of the default comparison (default 0, Carnegie Mellon)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each size (default 3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--slow", action="store_true", help="also time evaluate() over the drawn scenarios"
    )
    args = parser.parse_args()

    record = Programs.default().records()[args.option]
    person = Person.default()
    simulate(record, person, draws=1_000, seed=args.seed)  # warm up
    print(f"option: {record.name} ({record.kind}), default uncertainty, seed {args.seed}")
    for draws, target in TARGETS.items():
        elapsed = best_of(
            args.repeat, lambda d=draws: simulate(record, person, draws=d, seed=args.seed)
        )
        result = simulate(record, person, draws=draws, seed=args.seed)
        print(
            f"{draws:>9,} draws: {elapsed:.3f} s (best of {args.repeat}), "
            f"{draws / elapsed:,.0f} draws/s; target < {target:g} s; "
            f"P(payback <= {result.target_years:g} y) = {result.payback_probability():.4f}"
        )
    if args.slow:
        scenarios = draw_scenarios(record, person, draws=100_000, seed=args.seed)
        start = time.perf_counter()
        evaluate(scenarios, check=False)
        slow = time.perf_counter() - start
        fast = best_of(args.repeat, lambda: simulate(record, person, draws=100_000, seed=args.seed))
        print(
            f"  100,000 draws through evaluate(), one scenario per draw: {slow:.3f} s "
            f"({slow / fast:,.0f}x the fast path)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
