"""The target side of tree models: class encoding and weights, or real values."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets

from mlarsenal._validation import as_float_array, column_or_1d


class TreeClassifierMixin(ClassifierMixin):
    def _encode_target(self, y):
        y = column_or_1d(y, "y", warn=True)
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        return encoded.astype(np.int32), None

    def _class_weights(self, classes):
        if self.class_weight is None:
            return None
        # scikit-learn's rule ("balanced": n_samples / (n_classes * count);
        # a dict maps original labels to weights).
        return compute_sample_weight(self.class_weight, self.classes_[classes])

    def predict_proba(self, X):
        """Class probabilities: the average over trees of each leaf's class fractions."""
        averaged = self._averaged(X)
        # The forest sums value / n_trees over trees: the average, up to a
        # rounding that may step just outside [0, 1] (1.0000000000000007).
        np.clip(averaged, 0.0, 1.0, out=averaged)
        if len(self.classes_) == 2:
            p = averaged[:, 0]
            return np.column_stack([1.0 - p, p])
        return averaged / averaged.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class of highest probability (ties: the first class)."""
        proba = self.predict_proba(X)  # checks fitted before classes_ is read
        return self.classes_[np.argmax(proba, axis=1)]


class TreeRegressorMixin(RegressorMixin):
    def _encode_target(self, y):
        y = as_float_array(column_or_1d(y, "y", warn=True), "y", dtype=np.float64)
        return None, y

    def predict(self, X):
        """The average over trees of each leaf's mean target."""
        return self._averaged(X)[:, 0]
