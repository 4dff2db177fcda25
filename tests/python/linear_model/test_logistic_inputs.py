"""LogisticRegression: bad parameters and data give clear errors."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from mlarsenal.linear_model import LogisticRegression

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
Y = np.array([0, 0, 1, 1])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"C": -1.0}, ValueError, "C must be a finite number > 0"),
        ({"C": 0.0}, ValueError, "C must be"),
        ({"C": np.inf}, ValueError, "C must be"),
        ({"C": "big"}, TypeError, "C must be a number"),
        ({"tol": -1e-4}, ValueError, "tol must be"),
        ({"penalty": "lasso"}, ValueError, "penalty must be"),
        ({"penalty": "elasticnet"}, ValueError, "l1_ratio must be"),
        ({"penalty": "elasticnet", "l1_ratio": 1.5}, ValueError, "l1_ratio must be"),
        ({"solver": "sag"}, ValueError, "solver must be"),
        ({"max_iter": -1}, ValueError, "max_iter must be >= 0"),
        ({"max_iter": 1.5}, TypeError, "max_iter must be an int"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be a bool"),
        ({"class_weight": "auto"}, ValueError, "class_weight must be"),
        ({"class_weight": {5: 1.0}}, ValueError, "key 5 is not a class label"),
        ({"class_weight": {0: -1.0}}, ValueError, "class_weight values must be"),
        ({"n_jobs": 0}, ValueError, "n_jobs == 0"),
    ],
)
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        LogisticRegression(**params).fit(X, Y)


def test_nan_and_inf_in_x():
    for bad in (np.nan, np.inf):
        Xb = X.copy()
        Xb[1, 1] = bad
        with pytest.raises(ValueError, match="X contains"):
            LogisticRegression().fit(Xb, Y)


def test_one_class():
    with pytest.raises(ValueError, match="contains only one class"):
        LogisticRegression().fit(X, np.ones(4, dtype=int))


def test_empty_data():
    with pytest.raises(ValueError, match="0 sample"):
        LogisticRegression().fit(np.empty((0, 2)), np.empty(0))


def test_continuous_target():
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, [0.1, 0.2, 0.3, 0.4])


def test_bad_sample_weight():
    with pytest.raises(ValueError, match="sample_weight has negative values"):
        LogisticRegression().fit(X, Y, sample_weight=[1, -1, 1, 1])
    with pytest.raises(ValueError, match="sample_weight has 3 entries"):
        LogisticRegression().fit(X, Y, sample_weight=[1, 1, 1])
    with pytest.raises(ValueError, match="sums to zero"):
        LogisticRegression().fit(X, Y, sample_weight=np.zeros(4))


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="inconsistent numbers of samples: X has 4, y has 3"):
        LogisticRegression().fit(X, Y[:3])


def test_predict_checks():
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    model = LogisticRegression().fit(X, Y)
    with pytest.raises(ValueError, match="X has 3 features, but LogisticRegression is expecting 2"):
        model.predict(np.ones((2, 3)))


def test_fortran_ordered_and_read_only_input():
    reference = LogisticRegression().fit(X, Y)
    Xf = np.asfortranarray(X)
    Xf.setflags(write=False)
    other = LogisticRegression().fit(Xf, Y)
    np.testing.assert_array_equal(other.coef_, reference.coef_)


def test_sparse_input_with_non_finite_values_is_rejected():
    from scipy import sparse

    bad = sparse.csr_matrix(X)
    bad.data[0] = np.inf
    with pytest.raises(ValueError, match="X"):
        LogisticRegression().fit(bad, Y)


def test_dataframe_feature_names_are_recorded_and_checked():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["a", "b"])
    model = LogisticRegression().fit(frame, Y)
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b"])
    with pytest.raises(ValueError, match="Feature names"):
        model.predict(frame[["b", "a"]])


def test_max_iter_zero_keeps_the_start():
    with pytest.warns(Warning, match="0 iteration"):
        model = LogisticRegression(max_iter=0).fit(X, Y)
    np.testing.assert_array_equal(model.coef_, 0.0)
    assert model.n_iter_[0] == 0
