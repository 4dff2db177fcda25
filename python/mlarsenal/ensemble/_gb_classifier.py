"""GradientBoostingClassifier."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets

from mlarsenal._params import store_params
from mlarsenal._validation import column_or_1d
from mlarsenal.ensemble._gb_base import BaseGradientBoosting
from mlarsenal.ensemble._gb_losses import classification_loss
from mlarsenal.forest._links import sigmoid, softmax


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    """Histogram gradient-boosted trees for classification, trained natively.

    A drop-in for :class:`sklearn.ensemble.HistGradientBoostingClassifier`:
    binary log-loss (one tree per iteration) or multiclass softmax (one tree
    per class per iteration), ``class_weight``, ``sample_weight``, native
    categorical features and missing values. See
    docs/user_guide/gradient_boosting.md for every parameter.

    >>> import numpy as np
    >>> from mlarsenal.ensemble import GradientBoostingClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 4))
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> model = GradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y)
    >>> float(model.score(X, y)) > 0.95
    True
    >>> model.predict_proba(X[:1]).shape
    (1, 2)
    """

    def __init__(
        self,
        loss="log_loss",
        *,
        learning_rate=0.1,
        max_iter=100,
        max_leaf_nodes=31,
        max_depth=None,
        min_samples_leaf=20,
        min_child_weight=1e-3,
        min_split_gain=0.0,
        l1_regularization=0.0,
        l2_regularization=0.0,
        max_bins=255,
        max_features=1.0,
        quantized_gradients=False,
        colsample_bytree=1.0,
        subsample=1.0,
        categorical_features="from_dtype",
        monotonic_cst=None,
        interaction_cst=None,
        class_weight=None,
        warm_start=False,
        early_stopping="auto",
        scoring="loss",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-7,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        store_params(self, locals())

    def _make_loss(self):
        return classification_loss(self.loss, len(self.classes_))

    def _encode_target(self, y, *, fitting):
        y = column_or_1d(y, "y", warn=True)
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        if fitting:
            check_classification_targets(y)
            self.classes_, encoded = np.unique(y, return_inverse=True)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"y has only one class ({self.classes_[0]!r}); a classifier needs at least 2"
                )
            return encoded.ravel().astype(np.float64)
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise ValueError(f"y holds labels not seen in training, e.g. {y[unknown][0]!r}")
        return index.astype(np.float64)

    def _stratify(self, y):
        return y

    def _class_weights(self, y):
        if self.class_weight is None:
            return None
        # class_weight is keyed by the original labels.
        return compute_sample_weight(self.class_weight, self.classes_[y.astype(np.int64)])

    def decision_function(self, X, iteration_range=None):
        """Raw scores: (n,) log-odds for binary problems, (n, n_classes) otherwise."""
        raw = self._raw_predict(X, iteration_range)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def predict_proba(self, X, iteration_range=None):
        """Class probabilities, columns in the order of ``classes_``."""
        raw = self._raw_predict(X, iteration_range)
        if raw.shape[1] == 1:
            p = sigmoid(raw[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(raw)

    def predict(self, X, iteration_range=None):
        proba = self.predict_proba(X, iteration_range)
        return self.classes_[np.argmax(proba, axis=1)]

    def staged_predict_proba(self, X):
        for i in range(1, self.n_iter_ + 1):
            yield self.predict_proba(X, iteration_range=(0, i))

    def staged_predict(self, X):
        for i in range(1, self.n_iter_ + 1):
            yield self.predict(X, iteration_range=(0, i))
