"""LinearSVC: scikit-learn's checks, the same optimum as liblinear, inputs and determinism."""

import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_estimator_checks
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from mlarsenal.linear_model._svm import LinearSVC


@parametrize_estimator_checks(
    [
        LinearSVC(random_state=0),
        LinearSVC(loss="hinge", class_weight="balanced", n_jobs=2, random_state=0),
        LinearSVC(penalty="l1", dual=False, C=0.5),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def data(n_classes, n=600, d=10, seed=0, weights=None):
    return make_classification(
        n, d, n_informative=5, n_classes=n_classes, weights=weights, random_state=seed
    )


def objective_at(model_like, X, y, sample_weight=None, **params):
    """Our primal objective evaluated at another model's coefficients."""
    probe = LinearSVC(**params)
    probe.coef_ = np.asarray(model_like.coef_, dtype=np.float64)
    probe.intercept_ = np.atleast_1d(np.asarray(model_like.intercept_, dtype=np.float64))
    probe.classes_ = model_like.classes_
    probe.n_features_in_ = X.shape[1]
    return probe.primal_objective(X, y, sample_weight)


TIGHT = {"tol": 1e-9, "max_iter": 200_000}


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["squared_hinge", "hinge"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"C": 0.05},
        {"C": 5.0},
        {"fit_intercept": False},
        {"intercept_scaling": 3.0},
        {"class_weight": "balanced"},
        {"class_weight": {0: 3.0, 1: 0.5}},
        {"sample_weight": True},
    ],
    ids=["default", "C0.05", "C5", "no-intercept", "scaling3", "balanced", "dict", "weights"],
)
def test_same_optimum_as_scikit_learn(n_classes, loss, params):
    svm = pytest.importorskip("sklearn.svm")
    params = dict(params)
    weights = [0.6] + [0.4 / (n_classes - 1)] * (n_classes - 1)
    X, y = data(n_classes, weights=weights, seed=n_classes)
    sample_weight = None
    if params.pop("sample_weight", False):
        sample_weight = np.random.default_rng(0).uniform(0.0, 3.0, len(y))
        sample_weight[::7] = 0.0
    params = {"loss": loss, **TIGHT, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = LinearSVC(**params, random_state=0).fit(X, y, sample_weight)
        theirs = svm.LinearSVC(**params, dual=True, random_state=0).fit(X, y, sample_weight)
    f_ours = ours.primal_objective(X, y, sample_weight)
    f_theirs = objective_at(theirs, X, y, sample_weight, **params)
    assert np.all(np.abs(f_ours - f_theirs) <= 1e-6 * np.abs(f_theirs)), (f_ours, f_theirs)
    assert ours.coef_.shape == theirs.coef_.shape
    if ours.fit_intercept:  # scikit-learn's intercept_ is the scalar 0.0 without one
        assert ours.intercept_.shape == theirs.intercept_.shape
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    if loss == "squared_hinge":  # strictly convex: the coefficients are unique
        scale = max(1.0, np.abs(theirs.coef_).max())
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5 * scale)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-5 * scale)
    assert np.mean(ours.predict(X) == theirs.predict(X)) > 0.99


def test_string_labels_and_binary_orientation():
    X, y = data(2)
    labels = np.array(["no", "yes"])[y]
    clf = LinearSVC(random_state=0).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    assert clf.coef_.shape == (1, X.shape[1]) and clf.intercept_.shape == (1,)
    # Positive margins mean classes_[1].
    np.testing.assert_array_equal(clf.predict(X) == "yes", clf.decision_function(X) > 0)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_sparse_float32_and_layouts_agree_with_dense(n_classes):
    X, y = data(n_classes, seed=5)
    X[np.abs(X) < 0.5] = 0.0  # some structure for the sparse case
    dense = LinearSVC(random_state=3, **TIGHT).fit(X, y)
    for variant in (sp.csr_matrix(X), sp.csc_array(X), np.asfortranarray(X), X[::-1][::-1]):
        other = LinearSVC(random_state=3, **TIGHT).fit(variant, y)
        np.testing.assert_allclose(other.coef_, dense.coef_, atol=1e-9)
        np.testing.assert_allclose(other.decision_function(variant), dense.decision_function(X),
                                   atol=1e-8)  # fmt: skip
    single = LinearSVC(random_state=3, **TIGHT).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(single.coef_, dense.coef_, atol=1e-4)


def test_sparse_is_not_densified_and_duplicates_are_summed():
    X = sp.random(400, 5000, density=0.002, format="csr", random_state=0)
    y = np.arange(400) % 2
    X = X + sp.csr_matrix((np.ones(400), (np.arange(400), y)), shape=X.shape)
    clf = LinearSVC(random_state=0).fit(X, y)
    assert clf.score(X, y) == 1.0
    # The same entries given as duplicates (COO -> CSR keeps them until summed).
    coo = X.tocoo()
    doubled = sp.csr_matrix(
        (np.concatenate([coo.data, coo.data]) / 2,
         (np.concatenate([coo.row, coo.row]), np.concatenate([coo.col, coo.col]))),
        shape=X.shape,
    )  # fmt: skip
    doubled.has_canonical_format = False
    other = LinearSVC(random_state=0).fit(doubled, y)
    np.testing.assert_allclose(other.coef_, clf.coef_, atol=1e-10)


def test_deterministic_and_thread_count_independent():
    X, y = data(5, n=800, seed=2)
    a = LinearSVC(random_state=7, n_jobs=1).fit(X, y)
    b = LinearSVC(random_state=7, n_jobs=3).fit(X, y)
    c = LinearSVC(random_state=7, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.coef_, c.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    assert a.n_iter_ == b.n_iter_


def test_sample_weight_equals_repetition_and_zero_equals_removal():
    X, y = data(3, n=300, seed=4)
    w = np.ones(len(y))
    w[:40] = 2.0
    w[40:60] = 0.0
    weighted = LinearSVC(random_state=0, **TIGHT).fit(X, y, sample_weight=w)
    rows = np.concatenate([np.arange(40), np.arange(len(y))[w > 0]])
    repeated = LinearSVC(random_state=1, **TIGHT).fit(X[rows], y[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-6)


def test_convergence_warning_and_n_iter():
    X, y = data(2)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf = LinearSVC(max_iter=2, tol=1e-12, random_state=0).fit(X, y)
    assert clf.n_iter_ == 2
    X, y = make_classification(300, 5, n_redundant=0, random_state=0)
    clf = LinearSVC(random_state=0).fit(X, y)
    assert isinstance(clf.n_iter_, int) and 1 <= clf.n_iter_ < 1000


def test_fitted_attributes_are_plain_arrays():
    X, y = data(3)
    clf = LinearSVC(random_state=0).fit(X, y)
    for name in [*LinearSVC._fitted_arrays, *LinearSVC._fitted_scalars]:
        value = getattr(clf, name)
        assert isinstance(value, (np.ndarray, int, float)), name


def test_concurrent_predict_equals_serial():
    X, y = data(4, n=2000, seed=1)
    clf = LinearSVC(random_state=0).fit(X, y)
    expected = clf.decision_function(X)
    results = [None] * 8

    def work(k):
        results[k] = clf.decision_function(X)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, expected)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"C": -1.0}, ValueError, "C must be"),
        ({"C": 0.0}, ValueError, "C must be"),
        ({"C": np.inf}, ValueError, "C must be"),
        ({"C": "1"}, TypeError, "C must be"),
        ({"tol": -1e-3}, ValueError, "tol must be"),
        ({"max_iter": -1}, ValueError, "max_iter"),
        ({"max_iter": 1.5}, TypeError, "max_iter"),
        ({"intercept_scaling": 0.0}, ValueError, "intercept_scaling"),
        ({"penalty": "l3"}, ValueError, "penalty"),
        ({"penalty": "l1", "dual": True}, ValueError, "dual"),
        ({"penalty": "l1", "loss": "hinge"}, ValueError, "penalty"),
        ({"loss": "log"}, ValueError, "loss"),
        ({"loss": "hinge", "dual": False}, ValueError, "dual"),
        ({"dual": "yes"}, ValueError, "dual"),
        ({"multi_class": "crammer_singer"}, ValueError, "multi_class"),
        ({"class_weight": "auto"}, ValueError, "class_weight"),
        ({"class_weight": {7: 1.0}}, ValueError, "class_weight"),
        ({"fit_intercept": 1}, TypeError, "fit_intercept"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
    ],
)
def test_invalid_parameters(params, error, match):
    X, y = data(2, n=50)
    with pytest.raises(error, match=match):
        LinearSVC(**params).fit(X, y)


def test_invalid_inputs():
    X, y = data(2, n=50)
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LinearSVC().fit(bad, y)
    bad[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        LinearSVC().fit(bad, y)
    with pytest.raises(ValueError, match="NaN"):
        LinearSVC().fit(sp.csr_matrix(np.where(X > 1, np.nan, X)), y)
    with pytest.raises(ValueError, match="one class"):
        LinearSVC().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match=r"inconsistent|samples|length"):
        LinearSVC().fit(X, y[:-1])
    with pytest.raises(ValueError, match="sample"):
        LinearSVC().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="2-d"):
        LinearSVC().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="negative"):
        LinearSVC().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample_weight"):
        LinearSVC().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"Unknown label type|continuous"):
        LinearSVC().fit(X, np.linspace(0, 1, len(y)))
    clf = LinearSVC().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError, match="features"):
        clf.predict(sp.csr_matrix(X[:, :3]))
