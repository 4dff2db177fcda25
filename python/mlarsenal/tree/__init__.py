"""Decision trees trained natively on binned features.

:class:`DecisionTreeClassifier` and :class:`DecisionTreeRegressor` follow
scikit-learn's API; the fitted tree is a :class:`mlarsenal.forest.Forest`
(``forest_``), which predicts, saves and loads. Random forests and extra
trees, built on the same trainer, are in :mod:`mlarsenal.ensemble`.
"""

from mlarsenal.tree._classes import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor"]
