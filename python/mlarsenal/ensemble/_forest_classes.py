"""RandomForestClassifier/Regressor and ExtraTreesClassifier/Regressor.

Thin parameter sets over mlarsenal.tree's trainer: random forests grow each
tree on a bootstrap sample and score the best threshold of max_features
features per split; extra trees (by default on all rows) score one random
threshold per feature. ``store_params`` keeps scikit-learn's contract that
``__init__`` only stores its arguments.
"""

from __future__ import annotations

from mlarsenal._params import store_params
from mlarsenal.tree._base import BaseDecisionForest
from mlarsenal.tree._params import check_n_estimators
from mlarsenal.tree._targets import TreeClassifierMixin, TreeRegressorMixin


class _ForestShape:
    _random_splits = False

    def _ensemble_shape(self):
        if not isinstance(self.bootstrap, bool):
            raise ValueError(f"bootstrap must be True or False, got {self.bootstrap!r}")
        if self.max_samples is not None and not self.bootstrap:
            raise ValueError("max_samples needs bootstrap=True")
        return (
            check_n_estimators(self.n_estimators),
            self.bootstrap,
            self.max_samples,
            self._random_splits,
        )


class RandomForestClassifier(_ForestShape, TreeClassifierMixin, BaseDecisionForest):
    """A random forest classifier trained natively, trees in parallel.

    scikit-learn's parameters (plus ``max_bins``) and ``oob_score_``,
    ``oob_decision_function_``, ``feature_importances_``, ``apply``,
    ``decision_path``; the fitted forest is ``forest_``. Results are the same
    for any ``n_jobs`` given ``random_state``.

    >>> from sklearn.datasets import make_classification
    >>> from mlarsenal.ensemble import RandomForestClassifier
    >>> X, y = make_classification(n_samples=500, random_state=0)
    >>> model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> float(model.score(X, y)) > 0.95
    True
    """

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        class_weight=None,
        max_samples=None,
        max_bins=255,
    ):
        store_params(self, locals())


class RandomForestRegressor(_ForestShape, TreeRegressorMixin, BaseDecisionForest):
    """A random forest regressor (squared error) trained natively, trees in parallel.

    >>> from sklearn.datasets import make_regression
    >>> from mlarsenal.ensemble import RandomForestRegressor
    >>> X, y = make_regression(n_samples=500, n_features=5, random_state=0)
    >>> model = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    >>> float(model.score(X, y)) > 0.9
    True
    """

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        max_samples=None,
        max_bins=255,
    ):
        store_params(self, locals())


class ExtraTreesClassifier(_ForestShape, TreeClassifierMixin, BaseDecisionForest):
    """Extremely randomised trees for classification: one random threshold per feature.

    >>> from sklearn.datasets import make_classification
    >>> from mlarsenal.ensemble import ExtraTreesClassifier
    >>> X, y = make_classification(n_samples=500, random_state=0)
    >>> model = ExtraTreesClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> float(model.score(X, y)) > 0.95
    True
    """

    _random_splits = True

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        class_weight=None,
        max_samples=None,
        max_bins=255,
    ):
        store_params(self, locals())


class ExtraTreesRegressor(_ForestShape, TreeRegressorMixin, BaseDecisionForest):
    """Extremely randomised trees for regression: one random threshold per feature.

    >>> from sklearn.datasets import make_regression
    >>> from mlarsenal.ensemble import ExtraTreesRegressor
    >>> X, y = make_regression(n_samples=500, n_features=5, random_state=0)
    >>> model = ExtraTreesRegressor(n_estimators=20, random_state=0).fit(X, y)
    >>> float(model.score(X, y)) > 0.9
    True
    """

    _random_splits = True

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        max_samples=None,
        max_bins=255,
    ):
        store_params(self, locals())
