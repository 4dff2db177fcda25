"""Predictions shared by the linear classifiers: margins, then labels."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from mlarsenal.linear_model._svm_inputs import linear_scores, validate_rows


class LinearClassifierMixin:
    """``decision_function`` from ``coef_`` and ``intercept_``, and ``predict`` from it.

    Two classes have one margin (positive: ``classes_[1]``); more classes take the
    argmax of one margin each.
    """

    def decision_function(self, X):
        """Margins X @ coef_.T + intercept_; 1-d for two classes (positive: classes_[1])."""
        check_is_fitted(self)
        X = validate_rows(self, X, reset=False)
        scores = linear_scores(X, self.coef_, self.intercept_)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        return self.classes_[np.argmax(scores, axis=1)]
