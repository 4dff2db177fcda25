"""LogisticRegression: scikit-learn's checks and the same optimum as scikit-learn."""

import warnings

import numpy as np
import pytest
from estimator_checks import parametrize_estimator_checks
from sklearn import linear_model as sk_linear
from sklearn.datasets import load_iris, make_classification

from mlarsenal.linear_model import LogisticRegression
from mlarsenal.linear_model._logistic_solver import loss_gradient


@parametrize_estimator_checks(
    [
        LogisticRegression(),
        LogisticRegression(C=0.1, class_weight="balanced", n_jobs=2),
        LogisticRegression(penalty=None, max_iter=300),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def objective(model, X, y, sample_weight=None):
    """Our normalised objective at a fitted model's coefficients."""
    classes, codes = np.unique(y, return_inverse=True)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    coef = model.coef_.astype(np.float64)
    if model.fit_intercept:
        coef = np.hstack([coef, np.asarray(model.intercept_, float)[:, None]])
    l2 = 0.0 if model.penalty is None else 1.0 / (model.C * w.sum())
    value, _ = loss_gradient(
        np.ascontiguousarray(X, dtype=np.float64), codes.astype(np.int32), w, coef.ravel(),
        n_classes=len(classes), fit_intercept=model.fit_intercept, scale=1.0 / w.sum(), l2=l2,
        n_threads=1,
    )  # fmt: skip
    return value


def fit_both(X, y, sample_weight=None, **params):
    ours = LogisticRegression(**params).fit(X, y, sample_weight=sample_weight)
    sk_params = dict(params)
    if sk_params.pop("penalty", "l2") is None:
        sk_params["C"] = np.inf
    theirs = sk_linear.LogisticRegression(**sk_params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize(
    "params",
    [{}, {"C": 0.05}, {"fit_intercept": False}, {"class_weight": "balanced"}, {"C": 30.0}],
    ids=["default", "C0.05", "no-intercept", "balanced", "C30"],
)
def test_same_optimum_as_scikit_learn(n_classes, params):
    X, y = make_classification(
        2000, 12, n_informative=6, n_classes=n_classes, random_state=n_classes
    )
    params = {"tol": 1e-8, "max_iter": 2000, **params}
    ours, theirs = fit_both(X, y, **params)
    f_ours, f_theirs = objective(ours, X, y), objective(theirs, X, y)
    # Class weights enter through sample weights; the objective of the model
    # with balanced weights is compared on those weights.
    if params.get("class_weight") == "balanced":
        counts = np.bincount(np.unique(y, return_inverse=True)[1])
        w = (len(y) / (len(counts) * counts))[np.unique(y, return_inverse=True)[1]]
        f_ours, f_theirs = objective(ours, X, y, w), objective(theirs, X, y, w)
    assert abs(f_ours - f_theirs) <= 1e-6 * abs(f_theirs)
    np.testing.assert_allclose(
        ours.coef_, theirs.coef_, atol=2e-4 * max(1, np.abs(theirs.coef_).max())
    )
    np.testing.assert_allclose(
        ours.intercept_, theirs.intercept_, atol=2e-4 * max(1, np.abs(theirs.intercept_).max())
    )
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert (
        ours.coef_.shape == theirs.coef_.shape and ours.intercept_.shape == theirs.intercept_.shape
    )
    assert ours.n_iter_.shape == (1,) and ours.n_iter_.dtype == np.int32


def test_default_tolerance_iterations_and_predictions_match_scikit_learn():
    X, y = load_iris(return_X_y=True)
    ours, theirs = fit_both(X, y, max_iter=500)
    assert abs(int(ours.n_iter_[0]) - int(theirs.n_iter_[0])) <= 0.35 * theirs.n_iter_[0] + 5
    # Both stop once the projected gradient is below tol=1e-4, at nearby points.
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-2)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_log_proba(X), np.log(ours.predict_proba(X)), rtol=1e-12)
    assert ours.decision_function(X).shape == (150, 3)


def test_binary_outputs():
    X, y = make_classification(500, 5, random_state=0)
    labels = np.array(["no", "yes"])[y]
    ours, theirs = fit_both(X, labels, tol=1e-8)
    scores = ours.decision_function(X)
    assert scores.shape == (500,)
    np.testing.assert_allclose(scores, theirs.decision_function(X), atol=1e-4)
    proba = ours.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(ours.predict(X), np.where(scores > 0, "yes", "no"))


def test_sample_weight_matches_scikit_learn_and_repetition(rng):
    X, y = make_classification(600, 6, n_classes=3, n_informative=4, random_state=1)
    w = rng.integers(0, 4, size=len(y)).astype(float)
    ours, theirs = fit_both(X, y, sample_weight=w, tol=1e-9, max_iter=1000)
    f_ours, f_theirs = objective(ours, X, y, w), objective(theirs, X, y, w)
    assert abs(f_ours - f_theirs) <= 1e-6 * abs(f_theirs)
    repeated = LogisticRegression(tol=1e-9, max_iter=1000).fit(
        np.repeat(X, w.astype(int), axis=0), np.repeat(y, w.astype(int))
    )
    np.testing.assert_allclose(ours.coef_, repeated.coef_, atol=1e-5)


def test_class_weight_dict_equals_sample_weight():
    X, y = make_classification(400, 5, random_state=2)
    by_class = LogisticRegression(class_weight={0: 3.0, 1: 0.5}, tol=1e-10).fit(X, y)
    by_row = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=np.where(y == 0, 3.0, 0.5))
    np.testing.assert_allclose(by_class.coef_, by_row.coef_, rtol=1e-10)


def test_float32_input(rng):
    X, y = make_classification(1000, 8, n_classes=3, n_informative=5, random_state=3)
    ours64 = LogisticRegression(tol=1e-8, max_iter=500).fit(X, y)
    ours32 = LogisticRegression(tol=1e-6, max_iter=500).fit(X.astype(np.float32), y)
    assert ours32.coef_.dtype == np.float32 and ours32.intercept_.dtype == np.float32
    np.testing.assert_allclose(ours32.coef_, ours64.coef_, atol=1e-3)
    assert ours32.predict_proba(X.astype(np.float32)).shape == (1000, 3)


def test_results_do_not_depend_on_n_jobs():
    # 3 classes x 12,000 rows x 100 features: enough work for three threads.
    X, y = make_classification(12_000, 100, n_classes=3, n_informative=10, random_state=4)
    one = LogisticRegression(n_jobs=1).fit(X, y)
    for n_jobs in (2, 3):
        other = LogisticRegression(n_jobs=n_jobs).fit(X, y)
        np.testing.assert_array_equal(one.coef_, other.coef_)
        np.testing.assert_array_equal(one.n_iter_, other.n_iter_)


def test_warm_start_resumes_from_the_previous_solution():
    X, y = make_classification(2000, 10, random_state=5)
    cold = LogisticRegression(tol=1e-8).fit(X, y)
    warm = LogisticRegression(tol=1e-8, warm_start=True).fit(X, y)
    again = warm.fit(X, y)
    assert again.n_iter_[0] < cold.n_iter_[0] // 2
    np.testing.assert_allclose(again.coef_, cold.coef_, atol=1e-6)


def test_not_converged_warns():
    from sklearn.exceptions import ConvergenceWarning

    X, y = make_classification(300, 10, random_state=6)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge after 2 iteration"):
        model = LogisticRegression(max_iter=2).fit(X, y)
    assert model.n_iter_[0] == 2


def test_penalty_none_matches_scikit_learn_c_infinity():
    X, y = make_classification(800, 4, flip_y=0.3, random_state=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = fit_both(X, y, penalty=None, tol=1e-8, max_iter=1000)
    np.testing.assert_allclose(objective(ours, X, y), objective(theirs, X, y), rtol=1e-6)


def test_concurrent_fits_equal_the_serial_fit():
    # fit releases the GIL for the whole solve; each fit owns its scratch.
    from concurrent.futures import ThreadPoolExecutor

    X, y = make_classification(3000, 20, n_classes=3, n_informative=8, random_state=8)
    serial = LogisticRegression(n_jobs=1).fit(X, y)
    with ThreadPoolExecutor(4) as pool:
        models = list(pool.map(lambda _: LogisticRegression(n_jobs=2).fit(X, y), range(6)))
    for model in models:
        np.testing.assert_array_equal(model.coef_, serial.coef_)
        np.testing.assert_array_equal(model.predict_proba(X), serial.predict_proba(X))
