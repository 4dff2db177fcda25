"""Target and label vectors."""

from __future__ import annotations

import warnings

import numpy as np


def column_or_1d(y, name: str = "y", *, warn: bool = False) -> np.ndarray:
    """`y` as a 1-d numpy array; a (n, 1) column is flattened, anything else rejected.

    warn: issue a DataConversionWarning when a column vector is flattened (what
    estimators' fit does, as in scikit-learn).
    """
    if y is None:
        raise ValueError(f"requires {name} to be passed, but the target {name} is None")
    array = y.to_numpy() if hasattr(y, "to_numpy") and not isinstance(y, np.ndarray) else y
    array = np.asarray(array)
    if array.ndim == 1:
        return array
    if array.ndim == 2 and array.shape[1] == 1:
        if warn:
            # Imported here: scikit-learn takes over a second to import, and
            # prediction-only code (loading a model file) never needs it.
            from sklearn.exceptions import DataConversionWarning

            warnings.warn(
                f"A column-vector {name} was passed when a 1d array was expected; "
                "it is flattened (use y.ravel() to silence this warning)",
                DataConversionWarning,
                stacklevel=2,
            )
        return array.ravel()
    if array.ndim == 0:
        raise ValueError(f"{name} must be a 1-d array, got a scalar")
    raise ValueError(f"{name} must be a 1-d array, got an array of shape {array.shape}")
