"""Which columns a model reads, the chunk it is given, and the columns it produces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlarsenal._optional import import_optional
from mlarsenal._validation.arrow import arrow_to_numpy

METHODS = ("predict", "predict_proba", "decision_function")
# The output column's name for a one-column result, and the prefix of several.
_OUTPUT_PREFIX = {"predict": "prediction", "predict_proba": "proba", "decision_function": "score"}


def model_feature_names(model) -> list[str] | None:
    """Feature names recorded at fit (estimators) or import (Forest), else None."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        names = getattr(model, "feature_names", None)
    if names is None or callable(names):
        return None
    return [str(n) for n in names]


def _model_n_features(model) -> int | None:
    for attribute in ("n_features_in_", "n_features"):
        n = getattr(model, attribute, None)
        if isinstance(n, (int, np.integer)):
            return int(n)
    return None


def feature_columns_for(
    model, available: Sequence[str], keep_columns: Sequence[str], given: Sequence[str] | None
) -> list[str]:
    """The input columns, in the order the model expects them.

    Given explicitly, or the model's feature names, or else every column not
    kept through, provided their count is the model's feature count.
    """
    if given is not None:
        return list(given)
    names = model_feature_names(model)
    if names is not None:
        return names
    candidates = [c for c in available if c not in keep_columns]
    expected = _model_n_features(model)
    if expected is not None and len(candidates) != expected:
        raise ValueError(
            f"the model has no feature names and expects {expected} features, but the input "
            f"has {len(candidates)} other columns ({candidates}); pass feature_columns naming "
            "the model's inputs in order"
        )
    return candidates


def model_input(table, model, columns: Sequence[str]):
    """Rows of `table` as the model takes them.

    A pandas DataFrame when the model knows its feature names (it checks them,
    and maps categorical values through the categories seen in training);
    otherwise a float64 matrix.
    """
    selected = table.select(list(columns))
    if model_feature_names(model) is not None:
        import_optional("pandas", purpose="predicting from a table with named columns")
        return selected.to_pandas()
    return arrow_to_numpy(selected, np.float64, "the input file")


def predict_method(model, method: str):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    function = getattr(model, method, None)
    if not callable(function):
        raise ValueError(f"method={method!r}: a {type(model).__name__} has no {method} method")
    return function


def output_columns(model, method: str, result) -> dict[str, np.ndarray]:
    """{column name: values} of one prediction result: 'prediction', or 'proba_<class>' ..."""
    result = np.asarray(result)
    prefix = _OUTPUT_PREFIX[method]
    if result.ndim == 1:
        return {prefix: result}
    if result.ndim != 2:
        raise ValueError(f"{method} returned an array of {result.ndim} dimensions, expected 1 or 2")
    labels = _column_labels(model, method, result.shape[1])
    return {f"{prefix}_{label}": result[:, j] for j, label in enumerate(labels)}


def _column_labels(model, method: str, width: int) -> list[str]:
    classes = getattr(model, "classes_", None)
    if method != "predict" and classes is not None and len(classes) == width:
        return [str(c) for c in classes]
    return [str(j) for j in range(width)]


def empty_output_columns(model, method: str, schema, columns: Sequence[str]) -> dict:
    """The output columns, without rows, of an input that has none.

    The names and types come from predicting one all-missing row (tree models
    route missing values); a model that rejects it gets one float64 column.
    """
    pa = import_optional("pyarrow", purpose="reading and writing CSV/Parquet files")
    row = pa.table({name: pa.nulls(1, schema.field(name).type) for name in columns})
    try:
        result = predict_method(model, method)(model_input(row, model, columns))
    except (ValueError, TypeError):
        return {_OUTPUT_PREFIX[method]: np.empty(0)}
    return {name: values[:0] for name, values in output_columns(model, method, result).items()}
