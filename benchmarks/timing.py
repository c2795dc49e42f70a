"""Timing shared by the benchmark scripts: the best of several runs.

Timings on a shared machine vary by tens of percent, so each figure is the
shortest of ``repeat`` runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def times_of(repeat: int, work: Callable[[], Any]) -> list[float]:
    """The times of ``repeat`` runs of ``work()`` in seconds, in order."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def best_with_result(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of ``repeat`` timed runs of ``work()`` in seconds, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def best_of(repeat: int, work: Callable[[], Any]) -> float:
    """The shortest of ``repeat`` timed runs of ``work()``, in seconds."""
    return best_with_result(repeat, work)[0]
