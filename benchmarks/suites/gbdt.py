"""Gradient boosting: mlarsenal vs LightGBM, XGBoost and scikit-learn's HistGradientBoosting.

Five workloads (binary, regression, multiclass, categorical, missing values); for each,
every library fits the same model on the same arrays and predicts the same test rows.
Settings: ``gbdt_models.py``; data: ``gbdt_data.py``.
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.model_case import ModelCase, ModelData
from benchmarks.suite import Peer, Suite
from benchmarks.suites import gbdt_data
from benchmarks.suites.gbdt_models import gbdt_libraries


def binary_scores(data: ModelData, proba: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import log_loss, roc_auc_score

    # Probabilities keep their own dtype: log_loss checks that rows sum to 1 within that
    # dtype's precision, and float32 probabilities cast to float64 would fail the check.
    return {
        "AUC": roc_auc_score(data.y_test, proba[:, 1]),
        "log-loss": log_loss(data.y_test, proba),
    }


def multiclass_scores(data: ModelData, proba: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, log_loss

    # Labels are 0..k-1, so a probability's column index is its class.
    labels = np.arange(proba.shape[1])
    return {
        "accuracy": accuracy_score(data.y_test, proba.argmax(axis=1)),
        "log-loss": log_loss(data.y_test, proba, labels=labels),
    }


def regression_scores(data: ModelData, predictions: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import mean_squared_error

    return {"RMSE": math.sqrt(mean_squared_error(data.y_test, predictions))}


# name -> (data builder, task, scores, what the data is)
WORKLOADS = {
    "binary": (gbdt_data.binary, "binary", binary_scores,
               "make_classification, 28 float32 features (14 informative), 5% flipped labels"),
    "regression": (gbdt_data.regression, "regression", regression_scores,
                   "make_regression, 28 float32 features (14 informative), noise 10"),
    "multiclass": (gbdt_data.multiclass, "multiclass", multiclass_scores,
                   "make_classification, 10 classes, 28 float32 features"),
    "categorical": (gbdt_data.categorical, "binary", binary_scores,
                    "10 categorical columns (10-200 categories, random effect per category) "
                    "+ 4 numeric, declared categorical to every library"),
    "missing": (gbdt_data.missing, "binary", binary_scores,
                "the binary workload at half the size with 20% of feature values NaN"),
}  # fmt: skip


def build_cases() -> list[ModelCase]:
    return [
        ModelCase(name, description, make_data, gbdt_libraries(task), score)
        for name, (make_data, task, score, description) in WORKLOADS.items()
    ]


SUITE = Suite(
    name="gbdt",
    description="gradient boosting (100 iterations, 31 leaves, 255 bins) vs LightGBM, XGBoost "
    "hist and scikit-learn HistGradientBoosting: binary, regression, 10-class, categorical, "
    "missing values; fit and predict time, test scores, peak memory",
    peers=(
        Peer(module="lightgbm", distribution="lightgbm"),
        Peer(module="xgboost", distribution="xgboost"),
        Peer(module="sklearn", distribution="scikit-learn"),
        Peer(module="threadpoolctl", distribution="threadpoolctl"),
    ),
    default_rows=1_000_000,
    quick_rows=20_000,
    build_cases=build_cases,
    notes="rows = training rows of the binary and regression workloads (plus a fifth as many "
    "test rows); the other workloads use rows/2 in total, 80% to train. Every library gets "
    "the raw float32 arrays (fit time includes binning) and the same thread count: n_jobs for "
    "LightGBM, XGBoost and mlarsenal, an OpenMP limit set with threadpoolctl around "
    "scikit-learn's calls. Predict time is predict_proba for classifiers, predict for "
    "regression, on the test rows. Peak memory is the largest growth of resident memory "
    "(VmHWM) during one timed fit, over the memory in use before it. XGBoost has no "
    "sample-count leaf limit: min_child_weight=20 for regression (hessian 1 per row, so "
    "exactly 20 samples), 1e-3 for classification (the others' hessian limit). Each library "
    "splits categories its own native way; LightGBM, scikit-learn and mlarsenal pick bin "
    "edges from a 200,000-row sample, XGBoost from every row. Settings per library: "
    "docs/developer/benchmarks.md.",
)
