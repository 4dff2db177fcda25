"""Tree ensembles: native histogram gradient boosting.

:class:`GradientBoostingClassifier` and :class:`GradientBoostingRegressor`
follow scikit-learn's HistGradientBoosting API; the fitted model is a
:class:`mlarsenal.forest.Forest` (``forest_``), which predicts, saves and loads.
"""

from mlarsenal.ensemble._gb_classifier import GradientBoostingClassifier
from mlarsenal.ensemble._gb_regressor import GradientBoostingRegressor

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]
