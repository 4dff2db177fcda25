"""Bad input gives a clear error naming the argument; edge inputs behave."""

import numpy as np
import pytest
import scipy.sparse as sp

from mlarsenal.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB

ALL = [GaussianNB, MultinomialNB, BernoulliNB, ComplementNB]
DISCRETE = [MultinomialNB, BernoulliNB, ComplementNB]
X = np.array([[1.0, 2.0], [0.0, 3.0], [4.0, 0.0], [5.0, 1.0]])
Y = np.array([0, 0, 1, 1])


@pytest.mark.parametrize("cls", ALL)
def test_nan_and_inf_rejected(cls):
    bad = X.copy()
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        cls().fit(bad, Y)
    bad[1, 0] = np.inf
    with pytest.raises(ValueError, match="X contains infinity"):
        cls().fit(X, Y).predict(bad)


@pytest.mark.parametrize("cls", DISCRETE)
def test_nan_in_sparse_rejected(cls):
    bad = sp.csr_matrix(X)
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        cls().fit(bad, Y)


@pytest.mark.parametrize("cls", [MultinomialNB, ComplementNB])
@pytest.mark.parametrize("sparse", [False, True])
def test_negative_counts_rejected(cls, sparse):
    bad = X.copy()
    bad[0, 1] = -1.0
    bad = sp.csr_matrix(bad) if sparse else bad
    with pytest.raises(ValueError, match=f"Negative values in data passed to {cls.__name__}"):
        cls().fit(bad, Y)
    with pytest.raises(ValueError, match="Negative values"):
        cls().partial_fit(bad, Y, classes=[0, 1])


def test_gaussian_rejects_sparse():
    with pytest.raises(TypeError, match="X: sparse input is not supported"):
        GaussianNB().fit(sp.csr_matrix(X), Y)


@pytest.mark.parametrize("cls", ALL)
def test_partial_fit_classes(cls):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        cls().partial_fit(X, Y)
    rejected = cls()
    with pytest.raises(ValueError, match="y contains labels not in classes"):
        rejected.partial_fit(X, Y, classes=[0, 2])
    assert not hasattr(rejected, "classes_")
    clf = cls().partial_fit(X, Y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        clf.partial_fit(X, Y, classes=[0, 1])
    with pytest.raises(ValueError, match="y contains labels not in classes"):
        clf.partial_fit(X, [0, 1, 3, 1])
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 2"):
        clf.partial_fit(np.ones((2, 3)), [0, 1])
    # A failed batch leaves the model as it was.
    np.testing.assert_array_equal(clf.class_count_, [2.0, 2.0, 0.0])


@pytest.mark.parametrize("cls", ALL)
def test_sample_weight_errors(cls):
    with pytest.raises(ValueError, match="sample_weight has negative values"):
        cls().fit(X, Y, sample_weight=[1, -1, 1, 1])
    with pytest.raises(ValueError, match="sample_weight has 3 entries"):
        cls().fit(X, Y, sample_weight=[1, 1, 1])
    with pytest.raises(ValueError, match="sample_weight is zero everywhere"):
        cls().fit(X, Y, sample_weight=np.zeros(4))


@pytest.mark.parametrize("cls", ALL)
def test_target_errors(cls):
    with pytest.raises(ValueError, match="Unknown label type"):
        cls().fit(X, [0.5, 1.5, 2.5, 3.5])
    with pytest.raises(ValueError, match="requires y to be passed"):
        cls().fit(X, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples: X has 4, y has 3"):
        cls().fit(X, [0, 1, 1])


def test_gaussian_parameter_errors():
    with pytest.raises(ValueError, match="var_smoothing must be a non-negative number"):
        GaussianNB(var_smoothing=-1).fit(X, Y)
    with pytest.raises(ValueError, match="priors must sum to 1"):
        GaussianNB(priors=[0.5, 0.6]).fit(X, Y)
    with pytest.raises(ValueError, match="priors has 3 values"):
        GaussianNB(priors=[0.2, 0.3, 0.5]).fit(X, Y)
    with pytest.raises(ValueError, match="priors must be finite and non-negative"):
        GaussianNB(priors=[1.5, -0.5]).fit(X, Y)


@pytest.mark.parametrize("cls", DISCRETE)
def test_discrete_parameter_errors(cls):
    with pytest.raises(ValueError, match="alpha must be a non-negative number"):
        cls(alpha=-1.0).fit(X, Y)
    with pytest.raises(ValueError, match="alpha has shape"):
        cls(alpha=[1.0, 1.0, 1.0]).fit(X, Y)
    with pytest.raises(ValueError, match="alpha values must be finite and non-negative"):
        cls(alpha=[1.0, -1.0]).fit(X, Y)
    with pytest.raises(TypeError, match="fit_prior must be a bool"):
        cls(fit_prior="yes").fit(X, Y)
    with pytest.raises(ValueError, match="class_prior has 3 values"):
        cls(class_prior=[0.2, 0.3, 0.5]).fit(X, Y)


@pytest.mark.parametrize("cls", ALL)
def test_read_only_strided_and_pandas_input(cls):
    pd = pytest.importorskip("pandas")
    wide = np.repeat(X, 2, axis=1)[:, ::2]
    wide.flags.writeable = False
    expected = cls().fit(X, Y).predict_proba(X)
    np.testing.assert_allclose(cls().fit(wide, Y).predict_proba(wide), expected)
    frame = pd.DataFrame(X, columns=["a", "b"])
    clf = cls().fit(frame, Y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b"])
    np.testing.assert_allclose(clf.predict_proba(frame), expected)


@pytest.mark.parametrize("cls", ALL)
def test_concurrent_predict_equals_serial(cls):
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(0)
    data = rng.poisson(2.0, (500, 6)).astype(np.float64)
    labels = rng.integers(0, 3, 500)
    clf = cls().fit(data, labels)
    serial = clf.predict_proba(data)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: clf.predict_proba(data), range(16)))
    for result in results:
        np.testing.assert_array_equal(result, serial)
