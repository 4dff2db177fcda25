"""Wall-clock timing of one callable: warm-up calls, then repeats; median and min."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timing:
    times_s: tuple[float, ...]

    @property
    def median_s(self) -> float:
        return statistics.median(self.times_s)

    @property
    def min_s(self) -> float:
        return min(self.times_s)

    def as_dict(self) -> dict:
        return {"median_s": self.median_s, "min_s": self.min_s, "times_s": list(self.times_s)}


def measure(fn: Callable[[], Any], *, repeats: int, warmup: int = 1) -> tuple[Timing, Any]:
    """Time ``fn()`` ``repeats`` times after ``warmup`` untimed calls.

    The warm-up pays for first-touch costs that a real workload pays once (page faults
    on fresh buffers, lazy imports, OpenMP pool start-up). The median is the figure to
    compare: unlike the mean it ignores the odd call slowed by another process. Returns
    the timing and the last call's result, which the caller checks for agreement.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return Timing(tuple(times)), result


def format_duration(seconds: float) -> str:
    """Three significant figures in a readable unit: runs span microseconds to minutes."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-6:.3g} µs"
