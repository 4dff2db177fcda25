"""Out-of-bag predictions and score: each row predicted by the trees that never saw it."""

from __future__ import annotations

import warnings

import numpy as np

from mlarsenal._threads import effective_n_jobs
from mlarsenal.tree._grow import bootstrap_counts


def set_oob_score(est, X, target) -> None:
    """Sets oob_score_ and oob_decision_function_ (classifiers) or oob_prediction_.

    The bootstrap of each tree is drawn again from its seed, exactly as the
    native trainer drew it. Rows that are in every tree's sample get NaN
    predictions and are left out of the score, with a warning. As in
    scikit-learn, the score (accuracy or R²) is unweighted.
    """
    forest = est.forest_
    n_rows = X.shape[0]
    n_estimators = len(est._tree_seeds)
    sums = np.zeros((n_rows, forest.n_outputs))
    counts = np.zeros(n_rows)
    n_threads = effective_n_jobs(est.n_jobs)
    for i, seed in enumerate(est._tree_seeds):
        oob = np.flatnonzero(bootstrap_counts(seed, n_rows, est._n_draws) == 0)
        if oob.size == 0:
            continue
        raw = forest.predict(X[oob], output="raw", iteration_range=(i, i + 1), n_jobs=n_threads)
        sums[oob] += raw.reshape(len(oob), -1) * n_estimators
        counts[oob] += 1
    seen = counts > 0
    if not seen.all():
        warnings.warn(
            f"{int((~seen).sum())} rows were in every tree's bootstrap sample and have no "
            "out-of-bag prediction; more trees (n_estimators) make this unlikely",
            UserWarning,
            stacklevel=3,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        averaged = sums / counts[:, None]
    if hasattr(est, "classes_"):
        proba = (
            np.column_stack([1.0 - averaged[:, 0], averaged[:, 0]])
            if len(est.classes_) == 2
            else averaged
        )
        est.oob_decision_function_ = proba
        predicted = np.argmax(proba[seen], axis=1)
        correct = (predicted == target[seen]).astype(np.float64)
        est.oob_score_ = float(correct.mean()) if correct.size else np.nan
    else:
        prediction = averaged[:, 0]
        est.oob_prediction_ = prediction
        y, p = target[seen], prediction[seen]
        if y.size:
            residual = np.mean((y - p) ** 2)
            total = np.mean((y - y.mean()) ** 2)
            est.oob_score_ = float(1.0 - residual / total) if total > 0 else 0.0
        else:
            est.oob_score_ = np.nan
