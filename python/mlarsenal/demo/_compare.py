"""Both libraries' gradient boosting on scikit-learn's bundled data sets, same settings."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

# The settings both libraries share by name (scikit-learn's HistGradientBoosting
# names); early stopping off so both grow exactly max_iter trees.
SHARED_PARAMS = {
    "max_iter": 100,
    "learning_rate": 0.1,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 20,
    "max_bins": 255,
    "early_stopping": False,
    "random_state": 0,
}
TIMED_REPEATS = 3
# Threads per library. The data sets have a few hundred rows, where threads only
# add start-up and synchronisation cost; one thread each also keeps the timings
# (and the demo's minute) steady on a machine busy with other work, where
# OpenMP threads waiting for a core can make a fit a hundred times slower.
DEFAULT_N_JOBS = 1
# A fit slower than this is timed once: on a busy machine the demo stays well
# under a minute, and one long fit is not dominated by noise anyway.
REPEAT_FITS_BELOW_SECONDS = 1.0
TEST_FRACTION = 0.2


@dataclass
class DataSet:
    name: str
    task: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


@dataclass
class Result:
    data_set: str
    task: str
    library: str
    fit_seconds: float
    predict_seconds: float
    scores: dict
    model: object


def bundled_data_sets() -> list[DataSet]:
    """Breast cancer (binary classification) and diabetes (regression): they ship with
    scikit-learn, so the demo needs no download."""
    from sklearn.datasets import load_breast_cancer, load_diabetes
    from sklearn.model_selection import train_test_split

    out = []
    for name, task, loader in (
        ("breast_cancer", "classification", load_breast_cancer),
        ("diabetes", "regression", load_diabetes),
    ):
        bunch = loader()
        stratify = bunch.target if task == "classification" else None
        X_train, X_test, y_train, y_test = train_test_split(
            bunch.data, bunch.target, test_size=TEST_FRACTION, random_state=0, stratify=stratify
        )
        out.append(DataSet(name, task, X_train, X_test, y_train, y_test))
    return out


def _estimators(task: str, n_jobs: int | None) -> dict:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

    if task == "classification":
        return {
            "mlarsenal": GradientBoostingClassifier(**SHARED_PARAMS, n_jobs=n_jobs),
            "scikit-learn": HistGradientBoostingClassifier(**SHARED_PARAMS),
        }
    return {
        "mlarsenal": GradientBoostingRegressor(**SHARED_PARAMS, n_jobs=n_jobs),
        "scikit-learn": HistGradientBoostingRegressor(**SHARED_PARAMS),
    }


def _median_seconds(call, repeats: int, *, once_above: float = float("inf")) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
        if times[0] > once_above:
            break
    return statistics.median(times)


def compare(
    data_set: DataSet, repeats: int = TIMED_REPEATS, n_jobs: int | None = DEFAULT_N_JOBS
) -> list[Result]:
    """Fit and score each library's estimator; times are medians of `repeats` calls
    (a fit slower than REPEAT_FITS_BELOW_SECONDS runs once). `n_jobs` threads per
    library (None: each library's default, all cores)."""
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    with threadpool_limits(limits=n_jobs):  # scikit-learn's OpenMP threads
        return _compare(data_set, repeats, n_jobs)


def _compare(data_set: DataSet, repeats: int, n_jobs: int | None) -> list[Result]:
    from mlarsenal.cli._scores import model_scores

    results = []
    for library, estimator in _estimators(data_set.task, n_jobs).items():
        fit_seconds = _median_seconds(
            lambda e=estimator: e.fit(data_set.X_train, data_set.y_train),
            repeats,
            once_above=REPEAT_FITS_BELOW_SECONDS,
        )
        predict_seconds = _median_seconds(lambda e=estimator: e.predict(data_set.X_test), repeats)
        scores = model_scores(estimator, data_set.X_test, data_set.y_test)
        results.append(
            Result(
                data_set.name,
                data_set.task,
                library,
                fit_seconds,
                predict_seconds,
                scores,
                estimator,
            )
        )
    return results


def _quality(task: str, scores: dict) -> str:
    keys = ("accuracy", "roc_auc", "log_loss") if task == "classification" else ("rmse", "r2")
    return "  ".join(f"{k} {scores[k]:.4f}" for k in keys if scores.get(k) is not None)


def comparison_table(results: list[Result], data_sets: list[DataSet]) -> str:
    from mlarsenal.cli._table import format_table

    sizes = {d.name: f"{len(d.y_train)}/{len(d.y_test)}" for d in data_sets}
    rows = [
        [
            r.data_set,
            sizes[r.data_set],
            r.library,
            f"{r.fit_seconds * 1e3:.1f} ms",
            f"{r.predict_seconds * 1e3:.2f} ms",
            _quality(r.task, r.scores),
        ]
        for r in results
    ]
    headers = ["data set", "train/test rows", "library", "fit", "predict", "test quality"]
    return format_table(headers, rows, right=(3, 4))
