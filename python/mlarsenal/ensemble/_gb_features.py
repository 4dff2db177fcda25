"""Feature matrices for gradient boosting: numeric conversion, categorical features.

Categorical features are given as in scikit-learn's HistGradientBoosting:
``categorical_features`` is ``"from_dtype"`` (pandas ``category`` columns),
None, a boolean mask, integer indices or feature names. A pandas categorical
column becomes its category codes (missing: NaN); an integer-coded column is
used as it is (non-negative integers, NaN for missing). The categories seen in
training are stored in the model; at prediction, a category not among them is
treated as a missing value.
"""

from __future__ import annotations

import numbers

import numpy as np

from mlarsenal._validation import check_array
from mlarsenal._validation.arrays import is_pandas_dataframe
from mlarsenal._validation.features import feature_names_of


def _pandas_category_columns(X) -> list[int]:
    if not is_pandas_dataframe(X):
        return []
    return [i for i, dtype in enumerate(X.dtypes) if str(dtype) == "category"]


def resolve_categorical(categorical_features, X, n_features) -> np.ndarray:
    """Boolean mask of the categorical features of `X` (not yet converted)."""
    mask = np.zeros(n_features, dtype=bool)
    spec = categorical_features
    from_dtype = _pandas_category_columns(X)
    if spec is None:
        if from_dtype:
            raise ValueError(
                "X has pandas categorical columns but categorical_features=None; use "
                "categorical_features='from_dtype' or encode them as numbers"
            )
        return mask
    if isinstance(spec, str):
        if spec != "from_dtype":
            raise ValueError(
                "categorical_features must be 'from_dtype', None, a boolean mask, indices or "
                f"feature names, got {spec!r}"
            )
        mask[from_dtype] = True
        return mask
    values = list(spec)
    if not values:
        return mask
    if all(isinstance(v, (bool, np.bool_)) for v in values):
        if len(values) != n_features:
            raise ValueError(
                f"categorical_features mask has {len(values)} entries, X has {n_features} features"
            )
        mask[:] = values
    elif all(isinstance(v, str) for v in values):
        names = feature_names_of(X)
        if names is None:
            raise ValueError("categorical_features lists names, but X has no feature names")
        index = {name: i for i, name in enumerate(names)}
        for v in values:
            if v not in index:
                raise ValueError(f"categorical_features names an unknown feature {v!r}")
            mask[index[v]] = True
    elif all(isinstance(v, numbers.Integral) for v in values):
        for v in values:
            if not -n_features <= v < n_features:
                raise ValueError(
                    f"categorical_features index {v} is out of range for {n_features} features"
                )
            mask[v] = True
    else:
        raise ValueError(
            "categorical_features must be 'from_dtype', None, a boolean mask, integer indices or "
            "feature names"
        )
    bad = [i for i in from_dtype if not mask[i]]
    if bad:
        raise ValueError(
            f"column {bad[0]} has a pandas categorical dtype but is not listed "
            "in categorical_features"
        )
    return mask


def to_matrix(X, pandas_categories=None, *, name="X") -> tuple[np.ndarray, dict]:
    """X as a float32/float64 matrix (NaN allowed, infinity rejected).

    pandas categorical columns become category codes. pandas_categories: the
    {column: categories} of a fitted model (codes are then taken against them,
    unknown values -> NaN); None at fit time. Returns (matrix, {column: categories}).
    """
    categories = {}
    if is_pandas_dataframe(X) and (_pandas_category_columns(X) or pandas_categories):
        columns = []
        for i, column in enumerate(X.columns):
            series = X[column]
            known = None if pandas_categories is None else pandas_categories.get(i)
            if str(series.dtype) == "category" or known is not None:
                if known is None:
                    known = list(series.cat.categories)
                codes = _codes(series, known)
                categories[i] = known
                columns.append(codes)
            else:
                columns.append(
                    check_array(
                        series.to_frame(),
                        name=name,
                        allow_nan=True,
                        dtype=np.float64,
                        ensure_min_samples=0,
                    )[:, 0]
                )
        matrix = np.column_stack(columns) if columns else np.empty((len(X), 0))
        matrix = check_array(matrix, name=name, allow_nan=True, ensure_min_samples=1)
        return matrix, categories
    matrix = check_array(X, name=name, allow_nan=True, dtype=(np.float64, np.float32))
    return matrix, categories


def _codes(series, known) -> np.ndarray:
    import pandas as pd

    # Position among the known categories; -1 (missing or unseen) -> NaN.
    codes = pd.Index(known).get_indexer(np.asarray(series, dtype=object)).astype(np.float64)
    codes[codes < 0] = np.nan
    return codes


def mask_unseen_categories(X, known: dict) -> np.ndarray:
    """Categorical values not seen in training -> NaN (a copy only when needed)."""
    out = X
    for feature, values in known.items():
        column = X[:, feature]
        unseen = ~np.isin(column, values) & ~np.isnan(column)
        if unseen.any():
            if out is X:
                out = X.copy()
            out[unseen, feature] = np.nan
    return out
