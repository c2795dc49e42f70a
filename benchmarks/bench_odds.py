"""How fast are the exact odds?  Prints timings; asserts nothing.

Builds a table of options (the default comparison's eight, repeated with
tuition, salary after, placement and months to a job moved about at random)
and times one call of ``mlworth_xl.model.odds.payback_probability`` on the
whole table: the exact chance of paying back within the target for each
option, every uncertainty at its default for the option's kind.  It then
times ``odds_programs`` (adding the median payback and the NPV percentiles,
found by bisection) on the first 100 options, and compares the chance with
``simulate_programs`` at 100,000 draws on the eight default options.  Each
timing is the best of ``--repeat`` runs.

    python benchmarks/bench_odds.py              # 10,000 options
    python benchmarks/bench_odds.py --options 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

import numpy as np
from timing import best_of

from mlworth_xl.model.odds import odds_programs, payback_probability
from mlworth_xl.model.records import Person, Programs
from mlworth_xl.model.risk import simulate_programs


def options(n: int, seed: int = 1) -> Programs:
    rng = np.random.default_rng(seed)
    base = Programs.default().records()
    rows = []
    for i in range(n):
        r = base[i % len(base)]
        rows.append(
            replace(
                r,
                name=f"{r.name} #{i}",
                tuition_per_year=r.tuition_per_year * rng.uniform(0.5, 1.5),
                salary_after=r.salary_after * rng.uniform(0.8, 1.3),
                placement_prob=float(rng.uniform(0.4, 1.0)),
                months_to_job=float(rng.uniform(0.0, 9.0)),
            )
        )
    return Programs.from_records(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--options", type=int, default=10_000, help="options (default 10,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (default 1)")
    args = parser.parse_args()

    person = Person.default()
    table = options(args.options)
    payback_probability(Programs.default(), person)  # warm up
    elapsed = best_of(args.repeat, lambda: payback_probability(table, person))
    chance = payback_probability(table, person)
    print(
        f"payback_probability, {args.options:,} options in one call: {elapsed:.2f} s "
        f"(best of {args.repeat}), {elapsed / args.options * 1e3:.2f} ms an option; "
        f"chance from {chance.min():.3f} to {chance.max():.3f}, mean {chance.mean():.3f}"
    )
    first = options(min(100, args.options))
    full = best_of(args.repeat, lambda: odds_programs(first, person))
    print(
        f"odds_programs (with median payback, NPV P10/P90), {len(first)} options: "
        f"{full:.2f} s, {full / len(first) * 1e3:.1f} ms an option"
    )
    defaults = Programs.default()
    exact = best_of(args.repeat, lambda: payback_probability(defaults, person))
    start = time.perf_counter()
    simulated = [r.payback_probability() for r in simulate_programs(defaults, person)]
    sim = time.perf_counter() - start
    print(
        f"the {len(defaults)} default options: exact {exact:.3f} s, simulated at 100,000 "
        f"draws {sim:.3f} s; largest difference "
        f"{np.max(np.abs(np.asarray(simulated) - payback_probability(defaults, person))):.4f}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
