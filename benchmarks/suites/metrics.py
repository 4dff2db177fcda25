"""mlarsenal.metrics against sklearn.metrics on large label/score vectors."""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case, call_with_n_jobs, call_without_n_jobs
from benchmarks.quality import array_agreement, scalar_agreement
from benchmarks.suite import Peer, Suite

N_CLASSES = 5


def binary_scores_with_ties(rows: int, seed: int) -> tuple:
    """Binary labels and float64 scores rounded to 4 decimals.

    Rounding leaves ~10,000 distinct scores, so most scores are tied: ROC AUC must then
    count each tie group as half-correct, the case a sort-based kernel gets wrong first.
    """
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=rows)
    y_score = np.round(_noisy_probability(rng, y_true), 4)
    return y_true, y_score


def binary_probabilities(rows: int, seed: int) -> tuple:
    """Binary labels and predicted probabilities of class 1, strictly inside (0, 1)."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=rows)
    return y_true, _noisy_probability(rng, y_true)


def regression_targets(rows: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    y_true = rng.standard_normal(rows)
    y_pred = y_true + 0.3 * rng.standard_normal(rows)
    return y_true, y_pred


def multiclass_labels(rows: int, seed: int) -> tuple:
    """Integer labels in 0..4; about 70% of predictions right, the rest random."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, N_CLASSES, size=rows)
    y_pred = np.where(rng.random(rows) < 0.7, y_true, rng.integers(0, N_CLASSES, size=rows))
    return y_true, y_pred


def _noisy_probability(rng: np.random.Generator, y_true: np.ndarray) -> np.ndarray:
    # A logistic model with unit-variance noise: AUC about 0.92, a
    # good real-world model, with both classes overlapping.
    logits = 2.0 * y_true - 1.0 + rng.standard_normal(y_true.shape[0])
    return 1.0 / (1.0 + np.exp(-logits))


def build_cases() -> list[Case]:
    from sklearn import metrics as sklearn_metrics

    from mlarsenal import metrics as our_metrics

    def case(name, make_data, quality):
        return Case(
            name=name,
            make_data=make_data,
            ours=call_with_n_jobs(getattr(our_metrics, name)),
            # scikit-learn's metrics are single-threaded NumPy; they take no n_jobs.
            peer=call_without_n_jobs(getattr(sklearn_metrics, name)),
            peer_name="scikit-learn",
            quality=quality,
        )

    return [
        case("roc_auc_score", binary_scores_with_ties, scalar_agreement),
        case("log_loss", binary_probabilities, scalar_agreement),
        case("mean_squared_error", regression_targets, scalar_agreement),
        case("accuracy_score", multiclass_labels, scalar_agreement),
        case("confusion_matrix", multiclass_labels, array_agreement),
    ]


SUITE = Suite(
    name="metrics",
    description="mlarsenal.metrics vs sklearn.metrics: ROC AUC (with ties), log loss, "
    "MSE, accuracy and confusion matrix (5 classes)",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=10_000_000,
    quick_rows=20_000,
    build_cases=build_cases,
    notes="scikit-learn's metrics are single-threaded NumPy code, so with several threads "
    "the speed-up includes parallelism; run with --n-jobs 1 for the per-thread comparison.",
)
