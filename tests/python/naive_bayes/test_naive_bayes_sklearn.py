"""Naive Bayes against scikit-learn: fitted attributes, probabilities, batches, sparse input."""

import numpy as np
import pytest
import scipy.sparse as sp

from mlarsenal.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB

sk_nb = pytest.importorskip("sklearn.naive_bayes")

ATTRIBUTES = {
    "GaussianNB": ("class_count_", "class_prior_", "theta_", "var_", "epsilon_"),
    "MultinomialNB": ("class_count_", "class_log_prior_", "feature_count_", "feature_log_prob_"),
    "BernoulliNB": ("class_count_", "class_log_prior_", "feature_count_", "feature_log_prob_"),
    "ComplementNB": (
        "class_count_",
        "class_log_prior_",
        "feature_count_",
        "feature_log_prob_",
        "feature_all_",
    ),
}


def _pair(name, **params):
    ours = {"GaussianNB": GaussianNB, "MultinomialNB": MultinomialNB}
    ours |= {"BernoulliNB": BernoulliNB, "ComplementNB": ComplementNB}
    return ours[name](**params), getattr(sk_nb, name)(**params)


def _data(name, n_samples=200, n_features=12, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n_samples)
    if name == "GaussianNB":
        # Classes with different means and scales, far from the origin.
        X = rng.normal(size=(n_samples, n_features)) * (1 + y[:, None]) + 3.0 * y[:, None] + 100
    else:
        X = rng.poisson(
            1.0 + y[:, None] * np.arange(n_features) / n_features, (n_samples, n_features)
        )
        X = X.astype(np.float64)
    return X, y


def assert_same(ours, theirs, X, rtol=1e-10, skip=()):
    name = type(ours).__name__
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    for attr in set(ATTRIBUTES[name]) - set(skip):
        np.testing.assert_allclose(
            getattr(ours, attr), getattr(theirs, attr), rtol=rtol, atol=1e-12, err_msg=attr
        )
    np.testing.assert_allclose(
        ours.predict_log_proba(X), theirs.predict_log_proba(X), rtol=rtol, atol=1e-9
    )
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=rtol, atol=1e-12
    )
    np.testing.assert_allclose(
        ours.predict_joint_log_proba(X), theirs.predict_joint_log_proba(X), rtol=rtol
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


NAMES = ["GaussianNB", "MultinomialNB", "BernoulliNB", "ComplementNB"]
PARAMS = {
    "GaussianNB": [{}, {"var_smoothing": 1e-3}, {"priors": [0.2, 0.3, 0.5]}],
    "MultinomialNB": [{}, {"alpha": 0.01}, {"fit_prior": False}, {"class_prior": [0.5, 0.3, 0.2]}],
    "BernoulliNB": [{}, {"binarize": 1.5}, {"alpha": 0.3, "fit_prior": False}, {"binarize": None}],
    "ComplementNB": [{}, {"norm": True}, {"alpha": 0.5, "class_prior": [0.1, 0.1, 0.8]}],
}
CASES = [(name, params) for name in NAMES for params in PARAMS[name]]


@pytest.mark.parametrize(("name", "params"), CASES)
def test_fit_matches_sklearn(name, params):
    X, y = _data(name)
    if params.get("binarize", 0.0) is None:
        X = (X > 1).astype(np.float64)
    ours, theirs = _pair(name, **params)
    assert_same(ours.fit(X, y), theirs.fit(X, y), X)


@pytest.mark.parametrize("name", NAMES)
def test_sample_weight_matches_sklearn(name):
    X, y = _data(name, seed=1)
    weight = np.random.default_rng(2).uniform(0, 3, len(y))
    weight[:5] = 0.0
    ours, theirs = _pair(name)
    assert_same(ours.fit(X, y, sample_weight=weight), theirs.fit(X, y, sample_weight=weight), X)


@pytest.mark.parametrize("name", NAMES)
def test_partial_fit_in_batches_equals_one_fit(name):
    X, y = _data(name, n_samples=300, seed=3)
    weight = np.random.default_rng(4).uniform(0.5, 2, len(y))
    batched, theirs = _pair(name)
    # The first batch lacks class 2 entirely: classes come from `classes`, not y.
    first = np.flatnonzero(y != 2)[:40]
    rest = np.setdiff1d(np.arange(len(y)), first)
    batches = [first, *np.array_split(rest, 4)]
    for rows in batches:
        batched.partial_fit(X[rows], y[rows], classes=[0, 1, 2], sample_weight=weight[rows])
        theirs.partial_fit(X[rows], y[rows], classes=[0, 1, 2], sample_weight=weight[rows])
    # scikit-learn's GaussianNB recomputes epsilon_ from each new batch alone and
    # subtracts that (not the one it added) from var_; ours tracks the variance of
    # all rows seen, so var_ agrees to the size of epsilon_ (var_smoothing=1e-9).
    if name == "GaussianNB":
        assert_same(batched, theirs, X, rtol=1e-6, skip=("epsilon_",))
    else:
        assert_same(batched, theirs, X)
    whole = type(batched)()
    order = np.concatenate(batches)
    whole.fit(X[order], y[order], sample_weight=weight[order])
    for attr in ATTRIBUTES[name]:
        np.testing.assert_allclose(
            getattr(batched, attr), getattr(whole, attr), rtol=1e-9, err_msg=attr
        )


@pytest.mark.parametrize("name", NAMES[1:])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_matches_dense(name, fmt):
    X, y = _data(name, seed=5)
    X[X < 2] = 0.0
    X_sparse = sp.csr_matrix(X).asformat(fmt)
    ours, theirs = _pair(name)
    ours.fit(X_sparse, y)
    dense = type(ours)().fit(X, y)
    assert_same(ours, theirs.fit(X, y), X_sparse)
    np.testing.assert_allclose(ours.predict_proba(X_sparse), dense.predict_proba(X), rtol=1e-12)
    batch = sp.csr_matrix(X[:50]).asformat(fmt)
    ours.partial_fit(batch, y[:50])
    theirs.partial_fit(batch, y[:50])
    assert_same(ours, theirs, X_sparse)


@pytest.mark.parametrize("name", NAMES)
def test_string_labels_and_two_classes(name):
    X, y = _data(name, n_classes=2, seed=6)
    labels = np.array(["spam", "ham"])[y]
    ours, theirs = _pair(name)
    assert_same(ours.fit(X, labels), theirs.fit(X, labels), X)


@pytest.mark.parametrize("name", NAMES)
def test_one_class(name):
    X, _ = _data(name, n_samples=20, seed=7)
    y = np.full(20, 4)
    ours, theirs = _pair(name)
    assert_same(ours.fit(X, y), theirs.fit(X, y), X)
    np.testing.assert_array_equal(ours.predict_proba(X), np.ones((20, 1)))


def test_gaussian_constant_feature_and_far_apart_classes():
    # Far-apart classes: the joint log-likelihoods differ by thousands, and a
    # naive exp-then-normalise would give 0/0; logsumexp keeps log-probabilities finite.
    X = np.array([[0.0, 1.0], [0.1, 1.0], [100.0, 1.0], [100.2, 1.0]])
    y = [0, 0, 1, 1]
    ours, theirs = _pair("GaussianNB")
    assert_same(ours.fit(X, y), theirs.fit(X, y), X)
    log_proba = ours.predict_log_proba([[50.0, 1.0], [1e4, 1.0]])
    assert np.all(np.isfinite(log_proba[:, 1]))
    np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0)


@pytest.mark.parametrize("name", NAMES[1:])
def test_alpha_array_and_small_alpha(name):
    X, y = _data(name, seed=8)
    alpha = np.linspace(0.1, 2.0, X.shape[1])
    ours, theirs = _pair(name, alpha=alpha)
    if name == "BernoulliNB":
        # scikit-learn's BernoulliNB cannot broadcast a per-feature alpha against
        # its class counts; check the smoothed frequencies directly instead.
        ours.fit(X, y)
        present = np.stack([(X[y == c] > 0).sum(axis=0) for c in range(3)])
        n_class = np.bincount(y)[:, None]
        expected = np.log((present + alpha) / (n_class + 2 * alpha))
        np.testing.assert_allclose(ours.feature_log_prob_, expected, rtol=1e-12)
    else:
        assert_same(ours.fit(X, y), theirs.fit(X, y), X)
    ours, theirs = _pair(name, alpha=0.0, force_alpha=False)
    with pytest.warns(UserWarning, match="force_alpha"):
        ours.fit(X, y)
    with pytest.warns(UserWarning):
        theirs.fit(X, y)
    assert_same(ours, theirs, X)


def test_float32_and_fortran_input():
    X, y = _data("GaussianNB", seed=9)
    ours, theirs = _pair("GaussianNB")
    ours.fit(np.asfortranarray(X), y)
    assert_same(ours, theirs.fit(X, y), X)
    X32 = X.astype(np.float32)
    ours32 = GaussianNB().fit(X32, y)
    np.testing.assert_allclose(ours32.theta_, theirs.theta_, rtol=1e-5)
    np.testing.assert_array_equal(ours32.predict(X32), theirs.predict(X))
