"""Seeded train/test data for the gradient-boosting suite, one builder per workload.

``rows`` is the training size of the binary and regression workloads (1,000,000 by
default, with a fifth as many test rows); the multiclass, categorical and missing-value
workloads draw ``rows / 2`` rows in total and keep 20% for testing. At the default size
and seed 0 the scikit-learn generator calls are exactly the ones the suite's
specification states. Features are float32, as users usually hand them over.
"""

from __future__ import annotations

import numpy as np

from benchmarks.model_case import ModelData

N_FEATURES = 28
N_CLASSES = 10
TEST_FRACTION = 0.2
MISSING_FRACTION = 0.2
# Categorical workload: one integer-coded column per cardinality, then a few numeric ones.
CARDINALITIES = (10, 15, 20, 30, 50, 75, 100, 125, 150, 200)
N_NUMERIC = 4


def binary(rows: int, seed: int) -> ModelData:
    return _classification(rows, rows // 5, seed)


def regression(rows: int, seed: int) -> ModelData:
    from sklearn.datasets import make_regression

    n_test = rows // 5
    X, y = make_regression(
        n_samples=rows + n_test, n_features=N_FEATURES, n_informative=14, noise=10,
        random_state=seed,
    )  # fmt: skip
    return _split(X, y, n_test)


def multiclass(rows: int, seed: int) -> ModelData:
    n_train, n_test = _half_split(rows)
    return _classification(n_train, n_test, seed, n_classes=N_CLASSES, n_clusters_per_class=1)


def missing(rows: int, seed: int) -> ModelData:
    """The binary workload at half the size, with 20% of all feature values set to NaN."""
    data = _classification(*_half_split(rows), seed)
    rng = np.random.default_rng(seed)
    for X in (data.X_train, data.X_test):
        X[rng.random(X.shape) < MISSING_FRACTION] = np.nan
    return data


def categorical(rows: int, seed: int) -> ModelData:
    """Integer-coded categories whose effect on the log-odds is random per category.

    Each category's effect is an independent draw, so it is not monotone in the code:
    a model that treats the codes as ordered numbers needs many splits to isolate what a
    categorical split finds at once, which is what this workload tells apart. Category
    frequencies are skewed (some are rare), as in real data. Codes are stored as
    float32 values in the same matrix as the numeric columns.
    """
    n_train, n_test = _half_split(rows)
    n = n_train + n_test
    rng = np.random.default_rng(seed)
    columns, logit = [], np.zeros(n)
    for cardinality in CARDINALITIES:
        frequency = 1.0 / (np.arange(cardinality) + 5.0)
        codes = rng.choice(cardinality, size=n, p=rng.permutation(frequency / frequency.sum()))
        logit += rng.normal(0.0, 0.5, size=cardinality)[codes]
        columns.append(codes)
    numeric = rng.standard_normal((n, N_NUMERIC))
    logit += 0.8 * numeric[:, 0] - 0.5 * numeric[:, 1] + np.sin(2.0 * numeric[:, 2])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    X = np.column_stack([*columns, numeric])
    data = _split(X, y, n_test)
    mask = np.zeros(X.shape[1], dtype=bool)
    mask[: len(CARDINALITIES)] = True
    return ModelData(data.X_train, data.y_train, data.X_test, data.y_test, mask)


def _classification(n_train: int, n_test: int, seed: int, **overrides) -> ModelData:
    from sklearn.datasets import make_classification

    settings = {"n_informative": 14, "n_redundant": 6, "flip_y": 0.05, "class_sep": 0.8}
    X, y = make_classification(
        n_samples=n_train + n_test, n_features=N_FEATURES, random_state=seed,
        **{**settings, **overrides},
    )  # fmt: skip
    return _split(X, y, n_test)


def _half_split(rows: int) -> tuple[int, int]:
    n = max(rows // 2, 10)
    n_test = max(int(n * TEST_FRACTION), 1)
    return n - n_test, n_test


def _split(X: np.ndarray, y: np.ndarray, n_test: int) -> ModelData:
    # The first rows train and the rest test: the generators already shuffle rows.
    # Copies, so train and test are separate C-contiguous arrays (no views of one buffer).
    X = X.astype(np.float32)
    n_train = X.shape[0] - n_test
    return ModelData(X[:n_train].copy(), y[:n_train].copy(), X[n_train:].copy(), y[n_train:].copy())
