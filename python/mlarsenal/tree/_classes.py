"""DecisionTreeClassifier and DecisionTreeRegressor."""

from __future__ import annotations

from mlarsenal.tree._base import BaseDecisionForest
from mlarsenal.tree._targets import TreeClassifierMixin, TreeRegressorMixin


def _check_splitter(splitter) -> bool:
    if splitter not in ("best", "random"):
        raise ValueError(f"splitter must be 'best' or 'random', got {splitter!r}")
    return splitter == "random"


class DecisionTreeClassifier(TreeClassifierMixin, BaseDecisionForest):
    """A decision tree classifier grown natively on binned features.

    scikit-learn's parameters and attributes; split search over up to
    ``max_bins`` quantile bins per feature (exact for features with fewer
    distinct values), missing values (NaN) routed to the better side.
    ``splitter="random"`` draws one random threshold per feature.

    >>> import numpy as np
    >>> from mlarsenal.tree import DecisionTreeClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> tree = DecisionTreeClassifier(random_state=0).fit(X, [0, 0, 1, 1])
    >>> tree.predict([[0.5], [2.5]]).tolist()
    [0, 1]
    >>> float(tree.forest_.arrays["threshold"][0])
    1.5
    """

    _single_tree = True

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        max_bins=255,
        n_jobs=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.max_bins = max_bins
        self.n_jobs = n_jobs

    def _ensemble_shape(self):
        return 1, False, None, _check_splitter(self.splitter)


class DecisionTreeRegressor(TreeRegressorMixin, BaseDecisionForest):
    """A decision tree regressor (squared error) grown natively on binned features.

    >>> import numpy as np
    >>> from mlarsenal.tree import DecisionTreeRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> DecisionTreeRegressor(max_depth=1).fit(X, [1.0, 1.0, 5.0, 7.0]).predict([[0.0], [3.0]])
    array([1., 6.])
    """

    _single_tree = True

    def __init__(
        self,
        *,
        criterion="squared_error",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        max_bins=255,
        n_jobs=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.max_bins = max_bins
        self.n_jobs = n_jobs

    def _ensemble_shape(self):
        return 1, False, None, _check_splitter(self.splitter)
