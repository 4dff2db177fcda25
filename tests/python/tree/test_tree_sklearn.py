"""scikit-learn's estimator checks over decision trees, random forests and extra trees."""

from estimator_checks import parametrize_estimator_checks

from mlarsenal.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from mlarsenal.tree import DecisionTreeClassifier, DecisionTreeRegressor


@parametrize_estimator_checks(
    # Few trees and one thread keep the ~250 small fits quick; thread-count
    # independence is tested in test_tree_training.py.
    [
        DecisionTreeClassifier(n_jobs=1),
        DecisionTreeRegressor(n_jobs=1),
        RandomForestClassifier(n_estimators=5, n_jobs=1),
        RandomForestRegressor(n_estimators=5, n_jobs=1),
        ExtraTreesClassifier(n_estimators=5, n_jobs=1),
        ExtraTreesRegressor(n_estimators=5, n_jobs=1),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
