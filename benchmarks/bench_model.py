"""How fast is the vectorized model?  Prints scenarios per second; asserts nothing.

Evaluates N random scenarios (every outcome metric: costs, loan, payback,
discounted payback, NPV, IRR, ROI, break-even salary) through
``mlworth_xl.model.evaluate``, then, on a sample, a per-row loop that calls
numpy-financial's pmt, npv and irr for each scenario (given its yearly flows,
which is generous to the loop), and prints both rates and their ratio, each
the best of ``--repeat`` runs (timings on a shared machine vary by tens of
percent).  The scenarios take the defaults: federal and private loans under
the law in force, the tiered plan, today's dollars at 2% inflation; the
same scenarios on one simple loan, nominal, are timed beside them.  For
comparison it then times scenarios under the federal loan rules and the
three repayment plans.  With ``--memory`` it also streams 10
million scenarios and prints the peak memory.

    python benchmarks/bench_model.py            # 1,000,000 scenarios
    python benchmarks/bench_model.py --n 200000 --memory
"""

from __future__ import annotations

import argparse
import importlib
import resource
import sys
import time

import numpy as np
from timing import best_of

from mlworth_xl.model import evaluate, yearly_detail

evaluate_module = importlib.import_module("mlworth_xl.model.evaluate")


def scenarios(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "years": rng.choice([0.25, 0.5, 1.0, 2.0, 3.0], n),
        "tuition_per_year": rng.uniform(0, 60_000, n),
        "living_per_month": rng.uniform(0, 2_000, n),
        "work_fraction": rng.choice([0.0, 0.5, 1.0], n),
        "loan_share": rng.uniform(0, 1, n),
        "loan_apr": rng.uniform(0.03, 0.10, n),
        "private_apr": rng.uniform(0.04, 0.15, n),
        "salary_after": rng.uniform(60_000, 170_000, n),
        "placement_prob": rng.uniform(0.3, 1.0, n),
        "months_to_job": rng.uniform(0, 12, n),
    }


def loan_rules(n: int, seed: int) -> dict[str, np.ndarray]:
    """Federal or simple financing and a repayment plan (fixed, tiered, RAP) per scenario."""
    rng = np.random.default_rng(seed)
    return {
        "financing": rng.choice([0.0, 1.0], n),
        "repayment_plan": rng.choice([0.0, 1.0, 2.0], n),
    }


def per_row_loop(sample: dict[str, np.ndarray]) -> float:
    import numpy_financial as npf

    detail = yearly_detail(sample)
    n = len(sample["years"])
    start = time.perf_counter()
    for i in range(n):
        flows = detail.flow[i]
        npf.pmt(sample["loan_apr"][i] / 12, 120, -1000.0 * sample["loan_share"][i])
        npf.npv(0.03, np.concatenate(([0.0], flows)))
        npf.irr(flows)
    return n / (time.perf_counter() - start)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="scenarios (default 1,000,000)")
    parser.add_argument("--sample", type=int, default=2_000, help="rows for the per-row loop")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing (best is shown)")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="also stream 10,000,000 scenarios and print peak memory",
    )
    args = parser.parse_args()

    values = scenarios(args.n)
    evaluate(scenarios(1000))  # warm up
    print(
        f"scenarios: {args.n:,}, horizon 40 years, chunk {evaluate_module.CHUNK:,}, "
        f"best of {args.repeat}"
    )
    rates = []
    for workers in (1, 2):
        elapsed = best_of(args.repeat, lambda w=workers: evaluate(values, workers=w))
        rates.append(args.n / elapsed)
        print(
            f"vectorized model, {workers} thread{'s' if workers > 1 else ''}: "
            f"{elapsed:.2f} s, {rates[-1]:,.0f} scenarios/s"
        )
    # The defaults are the law in force (federal + private loans, tiered plan) in today's
    # dollars (2% inflation); the same scenarios as one simple loan, nominal, for comparison.
    simple = {
        **values,
        "financing": np.zeros(args.n),
        "repayment_plan": np.zeros(args.n),
        "inflation": np.zeros(args.n),
    }
    elapsed = best_of(args.repeat, lambda: evaluate(simple, workers=1))
    simple_rate = args.n / elapsed
    print(
        f"the same scenarios on simple financing, fixed plan, no inflation, 1 thread: "
        f"{elapsed:.2f} s, {simple_rate:,.0f} scenarios/s; the default mix (federal + private "
        f"+ tiered, deflated) runs at {rates[0] / simple_rate:.2f} of it (target >= 0.5)"
    )
    sample = scenarios(args.sample, seed=2)
    loop = max(per_row_loop(sample) for _ in range(args.repeat))
    print(
        f"per-row numpy-financial loop (pmt, npv, irr) on {args.sample:,} rows: "
        f"{loop:,.0f} scenarios/s"
    )
    print(f"ratio, vectorized (best) / per-row loop: {max(rates) / loop:,.0f}x")
    print("targets: >= 2,000,000 scenarios/s and >= 100x the per-row loop")
    mixed = {**scenarios(args.n // 10, seed=3), **loan_rules(args.n // 10, seed=3)}
    elapsed = best_of(1, lambda: evaluate(mixed))
    print(
        f"for comparison, {args.n // 10:,} scenarios half on federal loans, a third each on "
        f"the fixed, tiered and RAP plans (RAP is simulated month by month): "
        f"{args.n // 10 / elapsed:,.0f} scenarios/s"
    )
    if args.memory:
        total, step = 10_000_000, 500_000
        start = time.perf_counter()
        for s in range(0, total, step):
            evaluate(scenarios(step, seed=s), workers=2)
        print(
            f"10,000,000 scenarios streamed in {step:,}-row batches: "
            f"{time.perf_counter() - start:.1f} s, peak memory {peak_mb():,.0f} MB "
            f"(target < 2,000 MB)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
