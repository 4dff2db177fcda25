"""Feature bookkeeping, checked with scikit-learn's own estimator checks.

_MeanRegressor is the smallest estimator built on mlarsenal._validation; if
it passes parametrize_with_checks, the helpers give the errors and warnings
that scikit-learn's checks (and its users) expect.
"""

import numpy as np
import pytest
from estimator_checks import parametrize_estimator_checks
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from mlarsenal._validation import check_sample_weight, column_or_1d, validate_features


class _MeanRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y, sample_weight=None):
        X = validate_features(self, X, reset=True)
        y = column_or_1d(y, "y", warn=True)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]}")
        y = np.asarray(y, dtype=np.float64)
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        weight = check_sample_weight(sample_weight, X.shape[0], allow_all_zero=False)
        self.mean_ = float(np.average(y, weights=weight))
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True  # a constant prediction, by design
        return tags

    def predict(self, X):
        check_is_fitted(self)
        X = validate_features(self, X, reset=False)
        return np.full(X.shape[0], self.mean_)


@parametrize_estimator_checks([_MeanRegressor()])
def test_validation_helpers_satisfy_sklearn_checks(estimator, check):
    check(estimator)


def test_feature_name_mismatch_messages():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    model = _MeanRegressor().fit(X, [1.0, 2.0])
    assert list(model.feature_names_in_) == ["a", "b"]
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- c"):
        model.predict(X.rename(columns={"b": "c"}))
    with pytest.raises(ValueError, match="same order"):
        model.predict(X[["b", "a"]])
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        model.predict(X.to_numpy())
    with (
        pytest.warns(UserWarning, match="does not have valid feature names"),
        pytest.raises(ValueError, match="X has 3 features, but _MeanRegressor is expecting 2"),
    ):
        model.predict(np.ones((2, 3)))
