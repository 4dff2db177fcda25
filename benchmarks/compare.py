"""Run one case: build its data once, time ours and the peer on it, compare the results."""

from __future__ import annotations

import gc
import traceback

from benchmarks.case import Case
from benchmarks.timing import measure


def compare_case(
    case: Case, *, suite: str, rows: int, repeats: int, warmup: int, n_jobs: int | None, seed: int
) -> dict:
    """One results row (see ``docs/developer/benchmarks.md`` for the fields).

    A failing call is recorded in ``error`` rather than raised, so one unfinished
    function does not hide the figures for the rest of the suite.
    """
    row = {"suite": suite, "case": case.name, "rows": rows, "ours": {}}
    row["peer"] = {"name": case.peer_name}
    try:
        data = case.make_data(rows, seed)
        # The peer runs first, so it is never measured among thread pools that our
        # calls left behind (spin-waiting OpenMP/OpenBLAS threads slow whoever runs next).
        peer_timing, peer_result = measure(
            lambda: case.peer(data, n_jobs), repeats=repeats, warmup=warmup
        )
        ours_timing, ours_result = measure(
            lambda: case.ours(data, n_jobs), repeats=repeats, warmup=warmup
        )
        row["ours"] = ours_timing.as_dict()
        row["peer"].update(peer_timing.as_dict())
        row["speedup"] = peer_timing.median_s / ours_timing.median_s
        if case.traffic_bytes is not None:
            traffic = case.traffic_bytes(rows)
            row["traffic_bytes"] = traffic
            for side, timing in (("ours", ours_timing), ("peer", peer_timing)):
                row[side]["gb_per_s"] = traffic / timing.median_s / 1e9
        extra = (data,) if case.quality_uses_data else ()
        row["quality"] = case.quality(ours_result, peer_result, *extra)
        row["error"] = None
    except Exception as exc:  # recorded in the row and printed, never swallowed
        traceback.print_exc()
        row["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        # Free this case's arrays before the next case allocates its own (10M-row inputs).
        data = ours_result = peer_result = None
        gc.collect()
    return row
