"""What one benchmark case is: the data, our call, the peer's call, and how to compare them.

Every callable takes ``(data, n_jobs)`` so the runner and the pytest-benchmark tests call
ours and the peer the same way; the adapters below say how ``n_jobs`` reaches each library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (rows, seed) -> the positional arguments both libraries receive.
DataBuilder = Callable[[int, int], tuple]
# (data, n_jobs) -> the result to compare.
BenchCall = Callable[[tuple, "int | None"], Any]
# (our result, peer result) -> agreement figures (see benchmarks/quality.py); with
# Case.quality_uses_data, (our result, peer result, data), e.g. to score both
# against a ground truth carried in the data.
QualityCheck = Callable[..., dict]


@dataclass(frozen=True)
class Case:
    name: str
    make_data: DataBuilder
    ours: BenchCall
    peer: BenchCall
    peer_name: str
    quality: QualityCheck
    quality_uses_data: bool = False
    # rows -> bytes one call must read and write (e.g. an optimizer step's parameters,
    # gradients and state). When given, the report adds each side's GB/s at that traffic.
    traffic_bytes: Callable[[int], float] | None = None


def call_with_n_jobs(fn: Callable[..., Any]) -> BenchCall:
    """Adapter for a function that takes the data positionally and ``n_jobs=`` as a keyword."""

    def call(data: tuple, n_jobs: int | None) -> Any:
        return fn(*data, n_jobs=n_jobs)

    call.__name__ = getattr(fn, "__name__", "call")
    return call


def call_without_n_jobs(fn: Callable[..., Any]) -> BenchCall:
    """Adapter for a peer with no thread setting (it runs as it always does)."""

    def call(data: tuple, n_jobs: int | None) -> Any:
        return fn(*data)

    call.__name__ = getattr(fn, "__name__", "call")
    return call
