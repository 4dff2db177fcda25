"""Evaluation metrics with native, multithreaded kernels.

Signatures and results follow :mod:`sklearn.metrics` (to 1e-12 in float64);
each function adds ``n_jobs`` (native threads, see
:func:`mlarsenal.effective_n_jobs`). The kernels release the GIL, so metrics
can be computed from many Python threads at once.

>>> import numpy as np
>>> from mlarsenal.metrics import roc_auc_score
>>> roc_auc_score(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
0.75
"""

from mlarsenal.metrics._classification import accuracy_score, confusion_matrix, log_loss
from mlarsenal.metrics._distance import pairwise_distances
from mlarsenal.metrics._ranking import roc_auc_score
from mlarsenal.metrics._regression import mean_squared_error

__all__ = [
    "accuracy_score",
    "confusion_matrix",
    "log_loss",
    "mean_squared_error",
    "pairwise_distances",
    "roc_auc_score",
]
