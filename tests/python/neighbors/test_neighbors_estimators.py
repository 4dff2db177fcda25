"""The estimators: scikit-learn's checks and agreement with scikit-learn."""

import numpy as np
import pytest
from estimator_checks import parametrize_estimator_checks
from sklearn import neighbors as sk_neighbors
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from mlarsenal.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors


@parametrize_estimator_checks(
    [
        NearestNeighbors(),
        KNeighborsClassifier(),
        KNeighborsClassifier(weights="distance", metric="manhattan"),
        KNeighborsRegressor(),
        KNeighborsRegressor(weights="distance", metric="cosine"),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_classifier_matches_scikit_learn_on_digits(weights):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ours = KNeighborsClassifier(n_neighbors=5, weights=weights).fit(X_train, y_train)
    theirs = sk_neighbors.KNeighborsClassifier(n_neighbors=5, weights=weights).fit(X_train, y_train)
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-12)
    assert ours.score(X_test, y_test) == theirs.score(X_test, y_test)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_regressor_matches_scikit_learn(rng, weights):
    X = rng.normal(size=(500, 6))
    y = np.column_stack([X.sum(axis=1), X[:, 0] ** 2])
    X_test = rng.normal(size=(80, 6))
    ours = KNeighborsRegressor(n_neighbors=7, weights=weights).fit(X, y).predict(X_test)
    theirs = (
        sk_neighbors.KNeighborsRegressor(n_neighbors=7, weights=weights).fit(X, y).predict(X_test)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_distance_weights_with_exact_matches():
    X = np.array([[0.0], [1.0], [2.0]])
    model = KNeighborsRegressor(n_neighbors=2, weights="distance").fit(X, [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(model.predict([[1.0]]), [20.0])


def test_string_classes():
    X = np.array([[0.0], [0.1], [5.0], [5.1]])
    model = KNeighborsClassifier(n_neighbors=1).fit(X, ["low", "low", "high", "high"])
    np.testing.assert_array_equal(model.predict([[4.9], [0.2]]), ["high", "low"])
    np.testing.assert_array_equal(model.classes_, ["high", "low"])


def test_bad_weights():
    with pytest.raises(ValueError, match="weights must be"):
        KNeighborsClassifier(weights="gaussian").fit(np.ones((3, 1)), [0, 1, 0])
