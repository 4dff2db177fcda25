"""What one model benchmark is: a workload, every library's fit and predict, and the scores.

A ``Case`` (benchmarks/case.py) compares one call of ours with one call of a single peer.
Training a model is measured differently: several peers at once, two calls (fit, then
predict on held-out rows), scores of each library against the true labels rather than
agreement with one peer, and memory as well as time. A ``ModelCase`` holds that; the
runner sends it to ``benchmarks/compare_models.py`` and its rows to their own tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ModelData:
    """A train/test split handed to every library unchanged (they bin the raw values).

    ``categorical_features`` is a boolean mask over the columns, or None when all are
    numeric; each library's adapter tells it about those columns in its own way.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    categorical_features: np.ndarray | None = None


@dataclass(frozen=True)
class Library:
    name: str
    # (data, n_jobs) -> fitted model; builds the estimator with the case's settings.
    fit: Callable[[ModelData, int | None], Any]
    # (model, data, n_jobs) -> predictions on data.X_test, what the case's score needs.
    predict: Callable[[Any, ModelData, int | None], Any]
    ours: bool = False
    # Why this library cannot run here (e.g. our estimator is not built yet), or None.
    # It is then listed as skipped and the other libraries still run.
    unavailable: str | None = None


@dataclass(frozen=True)
class ModelCase:
    name: str
    description: str
    make_data: Callable[[int, int], ModelData]
    # Peers first, ours last: the first library measured meets a cold machine (page
    # cache, CPU frequency, thread pools), and that handicap must not fall on ours.
    libraries: tuple[Library, ...]
    # (data, predictions) -> {metric name: value}, in the order the table shows them.
    score: Callable[[ModelData, Any], dict[str, float]]

    def __post_init__(self) -> None:
        ours = [i for i, lib in enumerate(self.libraries) if lib.ours]
        if ours not in ([], [len(self.libraries) - 1]):
            raise ValueError(f"{self.name}: ours must be the one last library, got {ours}")
