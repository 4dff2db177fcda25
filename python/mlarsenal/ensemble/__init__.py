"""Tree ensembles: native histogram gradient boosting, random forests and extra trees.

:class:`GradientBoostingClassifier` and :class:`GradientBoostingRegressor`
follow scikit-learn's HistGradientBoosting API; :class:`RandomForestClassifier`,
:class:`RandomForestRegressor`, :class:`ExtraTreesClassifier` and
:class:`ExtraTreesRegressor` follow scikit-learn's forests. Every fitted model
is a :class:`mlarsenal.forest.Forest` (``forest_``), which predicts, saves and loads.
"""

from mlarsenal.ensemble._forest_classes import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from mlarsenal.ensemble._gb_classifier import GradientBoostingClassifier
from mlarsenal.ensemble._gb_regressor import GradientBoostingRegressor

__all__ = [
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
]
