"""Run one model case: build its data once, then fit, predict and score every library on it."""

from __future__ import annotations

import gc
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from benchmarks.model_case import Library, ModelCase, ModelData
from benchmarks.peak_memory import PeakRSS, settle_memory
from benchmarks.timing import Timing, measure

_MIB = 2**20
# Enough rows for every class of a 10-class workload to appear in the warm-up fit.
WARMUP_TRAIN_ROWS = 2_000


def run_model_case(
    case: ModelCase, *, suite: str, rows: int, repeats: int, warmup: int, n_jobs: int | None,
    seed: int,
) -> dict:  # fmt: skip
    """One results row with an entry per library (see ``docs/developer/benchmarks.md``).

    A library that fails is recorded in its own ``error`` and the others still run; an
    error building the data is the row's ``error``.
    """
    row = {"suite": suite, "case": case.name, "description": case.description, "rows": rows}
    row["libraries"] = []
    data = None
    try:
        data = case.make_data(rows, seed)
        row["train_rows"], row["features"] = data.X_train.shape
        row["test_rows"] = data.X_test.shape[0]
        for library in case.libraries:
            print(f"[{suite}] {case.name}: {library.name} ...", file=sys.stderr, flush=True)
            row["libraries"].append(
                _run_library(library, case, data, repeats=repeats, warmup=warmup, n_jobs=n_jobs)
            )
            # The next library starts without this one's model or scratch memory around.
            settle_memory()
        _add_fit_time_ratios(row["libraries"])
        row["error"] = None
    except Exception as exc:  # recorded in the row and printed, never swallowed
        traceback.print_exc()
        row["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        data = None
        gc.collect()
    return row


def has_error(row: dict) -> bool:
    return bool(row["error"]) or any(lib["error"] for lib in row["libraries"])


def _run_library(
    library: Library, case: ModelCase, data: ModelData, *, repeats: int, warmup: int,
    n_jobs: int | None,
) -> dict:  # fmt: skip
    result: dict[str, Any] = {"library": library.name, "ours": library.ours, "skipped": None}
    if library.unavailable:
        print(f"  skipped: {library.unavailable}", file=sys.stderr)
        result.update(skipped=library.unavailable, error=None)
        return result
    try:
        for _ in range(warmup):
            library.fit(_warmup_data(data), n_jobs)
        fit_timing, model, peak = _measure_fits(lambda: library.fit(data, n_jobs), repeats)
        predict_timing, predictions = measure(
            lambda: library.predict(model, data, n_jobs), repeats=repeats, warmup=warmup
        )
        result["fit"] = fit_timing.as_dict()
        result["predict"] = predict_timing.as_dict()
        result["peak_rss_growth_mib"] = None if peak is None else peak / _MIB
        result["scores"] = case.score(data, predictions)
        result["error"] = None
    except Exception as exc:  # this library's row says why; the next library still runs
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
    return result


def _warmup_data(data: ModelData) -> ModelData:
    """The first training rows only, for the untimed warm-up fit.

    The warm-up pays the once-per-process costs (importing the library, starting its
    thread pool), which a small fit pays as well as a full one. Every timed fit starts
    from settled memory, so none profits from pages a full-size warm-up touched, and
    the full-size suite saves one fit per library per workload.
    """
    n = min(WARMUP_TRAIN_ROWS, data.X_train.shape[0])
    return replace(data, X_train=data.X_train[:n], y_train=data.y_train[:n])


def _measure_fits(fit: Callable[[], Any], repeats: int) -> tuple[Timing, Any, int | None]:
    """Time ``repeats`` calls of ``fit`` and record each one's peak RSS growth.

    Each fit starts with the previous model freed and memory settled (outside the timed
    span), so every fit is measured from the same clean baseline. Returns the timing,
    the last model, and the largest growth in bytes (None where the platform cannot tell).
    """
    model, times, peaks = None, [], []
    for _ in range(repeats):
        model = None
        settle_memory()
        probe = PeakRSS()
        start = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - start)
        peaks.append(probe.growth_bytes())
    peak = None if None in peaks else max(peaks)
    return Timing(tuple(times)), model, peak


def _add_fit_time_ratios(libraries: list[dict]) -> None:
    """Each peer's ``fit_time_ratio``: our median fit time / its median fit time.

    Below 1 means ours fit faster. None for ours itself, and for everyone when ours
    did not run.
    """
    ours = next((lib for lib in libraries if lib["ours"] and "fit" in lib), None)
    for lib in libraries:
        ratio = None
        if ours is not None and not lib["ours"] and "fit" in lib:
            ratio = ours["fit"]["median_s"] / lib["fit"]["median_s"]
        lib["fit_time_ratio"] = ratio
