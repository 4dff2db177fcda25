"""Exact nearest neighbours on a native, GEMM-blocked kernel.

Brute-force search, fused with top-k / radius selection, exact results (the
candidates of the fast ``|x|² + |y|² - 2x·y`` form are re-scored exactly),
deterministic tie-breaking by index, any thread count.
"""

from mlarsenal.neighbors._classification import KNeighborsClassifier
from mlarsenal.neighbors._regression import KNeighborsRegressor
from mlarsenal.neighbors._unsupervised import NearestNeighbors

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors"]
