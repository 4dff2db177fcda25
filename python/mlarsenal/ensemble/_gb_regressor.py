"""GradientBoostingRegressor."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from mlarsenal._params import store_params
from mlarsenal._validation import column_or_1d
from mlarsenal.ensemble._gb_base import BaseGradientBoosting
from mlarsenal.ensemble._gb_losses import regression_loss


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    """Histogram gradient-boosted trees for regression, trained natively.

    A drop-in for :class:`sklearn.ensemble.HistGradientBoostingRegressor`
    (same parameter names where it has them) with LightGBM's extra knobs.
    loss: ``"squared_error"``, ``"absolute_error"``, ``"huber"`` (residuals
    beyond ``huber_delta`` count linearly; None: the 90th percentile of the
    current absolute residuals, re-estimated every iteration), ``"quantile"`` (with ``quantile``), ``"poisson"``, or a
    custom objective (see the user guide). Missing values (NaN) are routed to
    the side learned at each split; see docs/user_guide/gradient_boosting.md
    for every parameter.

    >>> import numpy as np
    >>> from mlarsenal.ensemble import GradientBoostingRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> y = 2 * X[:, 0] + np.sin(X[:, 1])
    >>> model = GradientBoostingRegressor(max_iter=50, random_state=0).fit(X, y)
    >>> model.n_iter_
    50
    >>> bool(model.score(X, y) > 0.95)
    True
    """

    def __init__(
        self,
        loss="squared_error",
        *,
        quantile=None,
        huber_delta=None,
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
        return regression_loss(self.loss, self.quantile, self.huber_delta)

    def _encode_target(self, y, *, fitting):
        y = column_or_1d(y, "y", warn=True)
        try:
            y = y.astype(np.float64, copy=False)
        except (TypeError, ValueError) as error:
            raise ValueError(f"y must hold numbers for regression, got dtype {y.dtype}") from error
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        return y

    def predict(self, X, iteration_range=None):
        """Predicted values (after the loss's link: exp for poisson)."""
        raw = self._raw_predict(X, iteration_range)[:, 0]
        return np.exp(raw) if self.forest_.link == "exp" else raw

    def staged_predict(self, X):
        """Predictions after each iteration (a generator), as scikit-learn's."""
        for i in range(1, self.n_iter_ + 1):
            yield self.predict(X, iteration_range=(0, i))
