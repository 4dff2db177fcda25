"""The native side of SGD fits: options, the early-stopping split, and the epoch runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mlarsenal import _core
from mlarsenal.linear_model._sgd_params import average_start
from mlarsenal.linear_model._svm_inputs import native_rows

MAX_SEED = np.iinfo(np.int32).max
# scikit-learn damps intercept steps on sparse data, where the intercept sees
# every row but each weight only the rows it is non-zero in.
SPARSE_INTERCEPT_DECAY = 0.01


@dataclass
class SgdState:
    """Weights being trained: (P, d) coef, (P,) intercept, and their running averages."""

    coef: np.ndarray
    intercept: np.ndarray
    average_coef: np.ndarray | None = None
    average_intercept: np.ndarray | None = None


@dataclass(frozen=True)
class Problems:
    """One binary (or regression) problem per entry."""

    positive: np.ndarray  # int32 class code that is +1 (ignored for regression)
    weight_pos: np.ndarray
    weight_neg: np.ndarray
    seeds: np.ndarray  # uint64


def validation_split(est, y, sample_weight, *, stratify: bool):
    """(train rows, validation rows) as int64 arrays; no validation rows without early stopping."""
    n = len(y)
    if not est.early_stopping:
        return np.arange(n, dtype=np.int64), np.empty(0, dtype=np.int64)
    from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

    splitter = (StratifiedShuffleSplit if stratify else ShuffleSplit)(
        test_size=est.validation_fraction, random_state=est.random_state
    )
    train, val = next(splitter.split(np.zeros((n, 1)), y))
    if len(train) == 0 or len(val) == 0:
        raise ValueError(
            f"validation_fraction={est.validation_fraction!r} splits {n} samples into "
            f"{len(train)} training and {len(val)} validation samples; both need at least one"
        )
    if sample_weight is not None and not np.any(sample_weight[val]):
        raise ValueError(
            "early_stopping: the validation samples all have zero sample_weight; use another "
            "random_state or validation_fraction"
        )
    return np.sort(train).astype(np.int64), np.sort(val).astype(np.int64)


def options(est, *, loss: str, max_iter: int, t_start: float, sparse: bool, classification: bool,
            use_tol: bool = True) -> dict:  # fmt: skip
    return {
        "loss": loss,
        "epsilon": float(est.epsilon),
        "alpha": float(est.alpha),
        "penalize": est.penalty is not None,
        "l1_ratio": {"l2": 0.0, "l1": 1.0}.get(est.penalty, float(est.l1_ratio or 0.0)),
        "learning_rate": est.learning_rate,
        "eta0": float(est.eta0),
        "power_t": float(est.power_t),
        "fit_intercept": bool(est.fit_intercept),
        "intercept_decay": SPARSE_INTERCEPT_DECAY if sparse else 1.0,
        "max_iter": int(max_iter),
        "tol": None if (est.tol is None or not use_tol) else float(est.tol),
        "n_iter_no_change": int(est.n_iter_no_change),
        "shuffle": bool(est.shuffle),
        "average": average_start(est),
        "t_start": float(t_start),
        "classification_score": classification,
    }


def run_epochs(X, *, codes, target, sample_weight, train_rows, validation_rows,
               problems: Problems, state: SgdState, opts: dict, n_threads: int) -> int:  # fmt: skip
    """Trains `state` in place; returns the largest number of epochs over the problems."""
    epochs = _core.linear.fit_sgd(
        native_rows(X), codes, target, sample_weight, train_rows, validation_rows,
        problems.positive, problems.weight_pos, problems.weight_neg, problems.seeds,
        state.coef, state.intercept, state.average_coef, state.average_intercept,
        opts, n_threads,
    )  # fmt: skip
    return int(epochs.max())


def is_sparse(X) -> bool:
    return sp.issparse(X)
