"""Speed of the MLWORTH_* Excel functions, called with what xlwings passes them.

Prints, for a few functions, the time of a one-cell call, the time of the
same model call made directly, and the difference: the overhead of reading
Excel's cells, checking them and writing the result (target: under 50 µs).
Then the time of one call over a column of 10,000 scenarios (target: under
20 ms).  Timings are the best of several rounds.

    python benchmarks/bench_udfs.py
"""

from __future__ import annotations

import timeit

import numpy as np

from mlworth_xl.model import cost, loans, quick
from mlworth_xl.udfs import MLWORTH_COST, MLWORTH_LOAN_PAYMENT, MLWORTH_PAYBACK

ROWS = 10_000


def best(fn, number: int, rounds: int = 7) -> float:
    """Seconds per call: the best of ``rounds`` rounds of ``number`` calls."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=rounds)) / number


def best_pair(a, b, number: int = 500, rounds: int = 25) -> tuple[float, float]:
    """Best seconds per call of two functions timed in alternating rounds, so drift in the
    machine's speed hits both alike."""
    ta = tb = float("inf")
    for _ in range(rounds):
        ta, tb = min(ta, best(a, number, 1)), min(tb, best(b, number, 1))
    return ta, tb


def cells(*values: float) -> list[list[list[float]]]:
    return [[[float(v)]] for v in values]


def main() -> None:
    rng = np.random.default_rng(2026)

    def column(low: float, high: float) -> list[list[float]]:
        return [[float(x)] for x in rng.uniform(low, high, ROWS)]

    scalar = [
        (
            "MLWORTH_COST",
            lambda: MLWORTH_COST(*cells(52000, 2, 0, 1000, 5000, 0, 0)),
            lambda: cost.cost_of_attendance(52000.0, 2.0, 0.0, 1000.0, 5000.0, 0.0, 0.0),
        ),
        (
            "MLWORTH_LOAN_PAYMENT",
            lambda: MLWORTH_LOAN_PAYMENT(*cells(41000, 0.0794, 10, 30, 1)),
            lambda: loans.loan_payment(41000.0, 0.0794, 10.0, 30.0, 1.0),
        ),
        (
            "MLWORTH_PAYBACK",
            lambda: MLWORTH_PAYBACK(*cells(180000, 60000, 100000, 0, 0, 0, 0, 40)),
            lambda: quick.payback_after_job(180000.0, 60000.0, 100000.0, 0.0, 0.0, 0.0, 0.0, 40.0),
        ),
    ]
    print("One cell (µs per call)          function    model   overhead  (target < 50)")
    for name, udf, model in scalar:
        t_udf, t_model = (t * 1e6 for t in best_pair(udf, model))
        print(f"  {name:<28} {t_udf:9.1f} {t_model:8.1f} {t_udf - t_model:10.1f}")

    tuition, years = column(0, 60000), column(0.5, 3)
    principal, apr = column(1000, 100000), column(0.02, 0.1)
    total, before, after = column(20000, 300000), column(30000, 80000), column(90000, 200000)
    arrays = {
        id(c): np.array([r[0] for r in c])
        for c in (tuition, years, principal, apr, total, before, after)
    }

    def a(c: list[list[float]]) -> np.ndarray:
        return arrays[id(c)]

    ranges = [
        (
            "MLWORTH_COST",
            lambda: MLWORTH_COST(tuition, years),
            lambda: cost.cost_of_attendance(a(tuition), a(years)),
        ),
        (
            "MLWORTH_LOAN_PAYMENT",
            lambda: MLWORTH_LOAN_PAYMENT(principal, apr),
            lambda: loans.loan_payment(a(principal), a(apr)),
        ),
        (
            "MLWORTH_PAYBACK",
            lambda: MLWORTH_PAYBACK(total, before, after),
            lambda: quick.payback_after_job(a(total), a(before), a(after)),
        ),
    ]
    print(f"\nA column of {ROWS:,} scenarios, one call (ms)  function    model  (target < 20)")
    for name, fn, model in ranges:
        assert len(fn()) == ROWS
        t_udf, t_model = (t * 1e3 for t in best_pair(fn, model, number=3, rounds=7))
        print(f"  {name:<28} {t_udf:15.2f} {t_model:8.2f}")


if __name__ == "__main__":
    main()
