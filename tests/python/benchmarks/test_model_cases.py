"""The model-case harness (compare_models.py, model_report.py) with stand-in libraries.

Needs no peer library and runs in about a second, as part of ``make test``.
"""

import numpy as np
import pytest

from benchmarks.compare_models import WARMUP_TRAIN_ROWS, has_error, run_model_case
from benchmarks.model_case import Library, ModelCase, ModelData
from benchmarks.model_report import render_model_tables

RUN = {"suite": "toy", "rows": 50, "repeats": 2, "warmup": 1, "n_jobs": 1, "seed": 0}


def toy_data(rows: int, seed: int) -> ModelData:
    rng = np.random.default_rng(seed)
    return ModelData(rng.random((rows, 3)), rng.random(rows), rng.random((10, 3)), rng.random(10))


def stand_in(name, *, ours=False, unavailable=None, fails=False, calls=None):
    def fit(data, n_jobs):
        if calls is not None:
            calls.append((name, data.X_train.shape[0]))
        if fails:
            raise RuntimeError("no convergence")
        return float(data.y_train.mean())

    def predict(model, data, n_jobs):
        return np.full(data.X_test.shape[0], model)

    return Library(name, fit, predict, ours=ours, unavailable=unavailable)


def rmse(data, predictions):
    return {"RMSE": float(np.sqrt(np.mean((data.y_test - predictions) ** 2)))}


def toy_case(*libraries):
    return ModelCase("toy", "random numbers", toy_data, libraries, rmse)


def test_every_library_is_fitted_timed_scored_and_compared_with_ours():
    calls = []
    case = toy_case(stand_in("peer", calls=calls), stand_in("ours", ours=True, calls=calls))
    row = run_model_case(case, **{**RUN, "rows": 3_000})

    assert not has_error(row)
    assert (row["train_rows"], row["test_rows"], row["features"]) == (3_000, 10, 3)
    # The untimed warm-up fits on the first rows only, then the timed fits; peers first.
    warmup, timed = WARMUP_TRAIN_ROWS, 3_000
    expected = [(name, n) for name in ("peer", "ours") for n in (warmup, timed, timed)]
    assert calls == expected
    peer, ours = row["libraries"]
    for lib in (peer, ours):
        assert len(lib["fit"]["times_s"]) == len(lib["predict"]["times_s"]) == 2
        assert lib["scores"]["RMSE"] > 0
        growth = lib["peak_rss_growth_mib"]
        assert growth is None or growth >= 0
    assert peer["fit_time_ratio"] == pytest.approx(
        ours["fit"]["median_s"] / peer["fit"]["median_s"]
    )
    assert ours["fit_time_ratio"] is None


def test_a_failing_or_unavailable_library_leaves_the_others_running():
    case = toy_case(
        stand_in("broken peer", fails=True),
        stand_in("peer"),
        stand_in("ours", ours=True, unavailable="not built yet"),
    )
    row = run_model_case(case, **RUN)

    broken, peer, ours = row["libraries"]
    assert broken["error"] == "RuntimeError: no convergence"
    assert "scores" in peer and peer["error"] is None
    assert ours["skipped"] == "not built yet" and ours["error"] is None
    assert peer["fit_time_ratio"] is None  # ours did not run
    assert has_error(row)

    markdown = "\n".join(render_model_tables([row], {"repeats": 2, "warmup": 1}))
    assert "| broken peer | ERROR: RuntimeError: no convergence |" in markdown
    assert "| ours | skipped: not built yet |" in markdown
    assert "| library | fit median (min) |" in markdown and "| RMSE |" in markdown
    assert "<1 means mlarsenal fits faster" in markdown


def test_data_that_cannot_be_built_is_the_row_error():
    def no_data(rows, seed):
        raise MemoryError("too many rows")

    case = ModelCase("toy", "too big", no_data, (stand_in("peer"),), rmse)
    row = run_model_case(case, **RUN)
    assert row["error"] == "MemoryError: too many rows" and row["libraries"] == []
    assert "ERROR: MemoryError" in "\n".join(render_model_tables([row], RUN))


def test_ours_must_come_last():
    with pytest.raises(ValueError, match="last"):
        toy_case(stand_in("ours", ours=True), stand_in("peer"))
