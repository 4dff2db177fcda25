"""LinearSVC and SGDClassifier: mlarsenal vs scikit-learn.

Data: ``make_classification(rows, 100, random_state=seed)`` in float64, two classes.
LinearSVC: squared hinge, C=1, each library's default ``dual="auto"`` (rows > 100, so both pick
their primal solver: our Newton-CG, liblinear's trust-region Newton), default tol (1e-4) and
max_iter on both sides;
the quality columns are each side's primal objective ``0.5 |w|^2 + C sum max(0, 1 - m)^2``
(intercept column included, as liblinear penalises it), evaluated by the same function.
SGDClassifier: hinge, default parameters, trained on 80% of the rows; the quality columns
are each side's accuracy on the held-out 20%.
"""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case
from benchmarks.quality import scalar_agreement
from benchmarks.suite import Peer, Suite

N_FEATURES = 100


def make_data(rows: int, seed: int) -> tuple:
    from sklearn.datasets import make_classification

    return make_classification(n_samples=rows, n_features=N_FEATURES, random_state=seed)


def make_split_data(rows: int, seed: int) -> tuple:
    """(X_train, y_train, X_test, y_test): the first 80% of the rows train."""
    X, y = make_data(rows, seed)
    cut = int(0.8 * len(y))
    return X[:cut], y[:cut], X[cut:], y[cut:]


def primal_objective(fitted: tuple, data: tuple) -> float:
    """0.5 * (|w|^2 + b^2) + sum_i max(0, 1 - y_i (x_i . w + b))^2 with C = 1, scaling 1."""
    coef, intercept, classes = fitted
    X, y = data
    sign = np.where(y == classes[1], 1.0, -1.0)
    margin = sign * (X @ coef[0] + intercept[0])
    slack = np.maximum(0.0, 1.0 - margin)
    return 0.5 * (float(coef[0] @ coef[0]) + float(intercept[0]) ** 2) + float(slack @ slack)


def objective_agreement(ours, peer, data) -> dict:
    return scalar_agreement(primal_objective(ours, data), primal_objective(peer, data))


def held_out_accuracy(fitted: tuple, data: tuple) -> float:
    coef, intercept, classes = fitted
    _, _, X_test, y_test = data
    predicted = classes[(X_test @ coef[0] + intercept[0] > 0).astype(np.intp)]
    return float(np.mean(predicted == y_test))


def accuracy_agreement(ours, peer, data) -> dict:
    return scalar_agreement(held_out_accuracy(ours, data), held_out_accuracy(peer, data))


def _fitted(model) -> tuple:
    return (np.atleast_2d(model.coef_), np.atleast_1d(model.intercept_), model.classes_)


def build_cases() -> list[Case]:
    from sklearn import linear_model as sk_linear
    from sklearn import svm as sk_svm

    from mlarsenal import linear_model as our_linear

    # Both keep dual="auto". A binary problem is one solve: our Newton solver splits its row
    # sums over n_jobs threads; liblinear has no threads.
    def ours_svc(data, n_jobs):
        return _fitted(our_linear.LinearSVC(random_state=0, n_jobs=n_jobs).fit(*data))

    def peer_svc(data, n_jobs):
        return _fitted(sk_svm.LinearSVC(random_state=0).fit(*data))

    def ours_sgd(data, n_jobs):
        return _fitted(our_linear.SGDClassifier(random_state=0, n_jobs=n_jobs).fit(*data[:2]))

    def peer_sgd(data, n_jobs):
        return _fitted(sk_linear.SGDClassifier(random_state=0, n_jobs=n_jobs).fit(*data[:2]))

    return [
        Case(f"linear_svc_binary_d{N_FEATURES}", make_data, ours_svc, peer_svc, "scikit-learn",
             objective_agreement, quality_uses_data=True),
        Case(f"sgd_classifier_binary_d{N_FEATURES}", make_split_data, ours_sgd, peer_sgd,
             "scikit-learn", accuracy_agreement, quality_uses_data=True),
    ]  # fmt: skip


SUITE = Suite(
    name="linear_svm",
    description="LinearSVC (squared hinge, C=1, default dual='auto': the primal Newton solver "
    "on these rows > features data) and SGDClassifier "
    "(hinge) fit on rows x 100 float64 make_classification data, vs scikit-learn",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=200_000,
    quick_rows=5_000,
    build_cases=build_cases,
    notes="LinearSVC: both sides keep their default dual='auto', which picks the primal "
    "solver for rows > features (ours: Newton-CG with a line search; scikit-learn: "
    "liblinear's trust-region Newton). Quality: each side's primal objective at its fitted "
    "weights (the intercept is penalised, as in liblinear); both stop when the gradient "
    "norm falls to tol=1e-4 (class-balance scaled) times its initial value, so the "
    "objectives agree to about what that tolerance allows. SGDClassifier "
    "quality: accuracy on the held-out last 20% of the rows; the two follow the same update "
    "rule but visit rows in different random orders. Both problems are binary, one solve "
    "each; our Newton solver splits its row sums over n_jobs threads, liblinear runs on one.",
)
