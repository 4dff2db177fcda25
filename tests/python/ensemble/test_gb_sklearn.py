"""scikit-learn compatibility, and quality parity with LightGBM on bundled data."""

import numpy as np
import pytest
from estimator_checks import expected_failed_checks as shared_expected_failures
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_predict,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def _expected_failures(estimator):
    return shared_expected_failures(estimator)


@parametrize_with_checks(
    # n_jobs=1 keeps the ~120 small fits fast on a loaded 2-core machine (threaded
    # results are covered by test_gb_training.py::test_bit_identical_across_thread_counts).
    [
        GradientBoostingClassifier(max_iter=10, n_jobs=1),
        GradientBoostingRegressor(max_iter=10, n_jobs=1),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --------------------------------------------------------- ecosystem smoke
def test_pipeline_grid_search_cross_validate_and_clone():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:300], y[:300]
    pipe = make_pipeline(StandardScaler(), GradientBoostingClassifier(max_iter=10, n_jobs=1))
    search = GridSearchCV(
        pipe,
        {
            "gradientboostingclassifier__max_leaf_nodes": [4, 15],
            "gradientboostingclassifier__learning_rate": [0.1, 0.3],
        },
        cv=3,
        scoring="roc_auc",
    ).fit(X, y)
    assert search.best_score_ > 0.9
    assert set(search.best_params_) == {
        "gradientboostingclassifier__max_leaf_nodes",
        "gradientboostingclassifier__learning_rate",
    }
    result = cross_validate(
        GradientBoostingRegressor(max_iter=10, n_jobs=1),
        X,
        y.astype(float),
        cv=3,
        scoring=("r2", "neg_mean_squared_error"),
        return_estimator=True,
    )
    assert len(result["estimator"]) == 3 and np.isfinite(result["test_r2"]).all()
    proba = cross_val_predict(
        GradientBoostingClassifier(max_iter=5, n_jobs=1), X, y, cv=3, method="predict_proba"
    )
    assert proba.shape == (300, 2)
    est = GradientBoostingClassifier(max_iter=7, monotonic_cst=[0] * 30, random_state=3)
    fitted = clone(est).fit(X, y)
    twin = clone(fitted)
    assert twin.get_params() == est.get_params()
    assert not hasattr(twin, "forest_")


def test_get_set_params_round_trip():
    est = GradientBoostingRegressor(loss="huber", huber_delta=2.0, max_depth=3)
    params = est.get_params()
    assert params["loss"] == "huber" and params["huber_delta"] == 2.0 and params["max_depth"] == 3
    assert GradientBoostingRegressor(**params).get_params() == params
    clf = GradientBoostingClassifier()
    assert "quantile" not in clf.get_params() and "class_weight" in clf.get_params()


def test_tags():
    for est in (GradientBoostingClassifier(), GradientBoostingRegressor()):
        tags = est.__sklearn_tags__()
        assert tags.input_tags.allow_nan
    assert GradientBoostingClassifier().__sklearn_tags__().estimator_type == "classifier"
    assert GradientBoostingRegressor().__sklearn_tags__().estimator_type == "regressor"


# ------------------------------------------------------ parity with LightGBM
OURS = dict(
    max_iter=100,
    max_leaf_nodes=31,
    learning_rate=0.1,
    min_samples_leaf=20,
    min_child_weight=1e-3,
    max_bins=255,
    early_stopping=False,
    n_jobs=1,
)
THEIRS = dict(
    n_estimators=100,
    num_leaves=31,
    learning_rate=0.1,
    min_child_samples=20,
    min_child_weight=1e-3,
    max_bin=255,
    subsample=1.0,
    colsample_bytree=1.0,
    reg_lambda=0.0,
    verbose=-1,
    n_jobs=1,
)


def test_parity_breast_cancer_auc():
    lgb = pytest.importorskip("lightgbm")
    X, y = load_breast_cancer(return_X_y=True)
    ours, theirs = [], []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        a = GradientBoostingClassifier(**OURS).fit(X[train], y[train])
        b = lgb.LGBMClassifier(**THEIRS).fit(X[train], y[train])
        ours.append(roc_auc_score(y[test], a.predict_proba(X[test])[:, 1]))
        theirs.append(roc_auc_score(y[test], b.predict_proba(X[test])[:, 1]))
    ours, theirs = np.mean(ours), np.mean(theirs)
    print(f"breast_cancer 5-fold AUC: mlarsenal {ours:.4f}, lightgbm {theirs:.4f}")
    assert ours >= theirs - 0.01
    assert ours > 0.97


def test_parity_digits_accuracy():
    lgb = pytest.importorskip("lightgbm")
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    a = GradientBoostingClassifier(**OURS).fit(X_train, y_train)
    b = lgb.LGBMClassifier(**THEIRS).fit(X_train, y_train)
    ours = accuracy_score(y_test, a.predict(X_test))
    theirs = accuracy_score(y_test, b.predict(X_test))
    print(f"digits accuracy: mlarsenal {ours:.4f}, lightgbm {theirs:.4f}")
    assert a.forest_.n_trees == 100 * 10  # one tree per class per iteration
    assert ours >= theirs - 0.02
    assert ours > 0.95


def test_parity_diabetes_rmse():
    lgb = pytest.importorskip("lightgbm")
    X, y = load_diabetes(return_X_y=True)
    ours, theirs = [], []
    for train, test in KFold(5, shuffle=True, random_state=0).split(X):
        a = GradientBoostingRegressor(**OURS).fit(X[train], y[train])
        b = lgb.LGBMRegressor(**THEIRS).fit(X[train], y[train])
        ours.append(mean_squared_error(y[test], a.predict(X[test])))
        theirs.append(mean_squared_error(y[test], b.predict(X[test])))
    ours, theirs = np.sqrt(np.mean(ours)), np.sqrt(np.mean(theirs))
    print(f"diabetes 5-fold RMSE: mlarsenal {ours:.3f}, lightgbm {theirs:.3f}")
    assert ours <= theirs * 1.05
