"""Lazy predictions on Dask collections: one model call per block or partition.

The model travels once, as one task of the graph (``dask.delayed``) that
every block depends on; each worker unpickles it once from its model file
bytes (estimators pickle as model files, never as raw object state).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlarsenal._optional import import_optional
from mlarsenal.batch._features import (
    feature_columns_for,
    model_feature_names,
    output_columns,
    predict_method,
)
from mlarsenal.batch._model_source import resolve_model


def predict(data, model, *, method: str = "predict", feature_columns=None, registry=None):
    """Predictions for a 2-D ``dask.array.Array`` or a ``dask.dataframe.DataFrame``, lazily.

    `model` is a fitted model, a model file or a ``models:/name@alias``
    reference (resolved here, against `registry`, before anything runs).
    For an array, its columns are the model's features in order; the result
    is a dask Array: 1-D for ``method="predict"``, 2-D (one column per class)
    for ``"predict_proba"``. For a DataFrame, the model reads the columns of
    its feature names (else `feature_columns`, else all); the result is a
    Series named ``prediction`` (or a DataFrame of ``proba_<class>`` columns)
    with the input's index. Call ``.compute()`` on it, with a
    ``dask.distributed.Client`` open to run on a cluster.
    """
    dask = import_optional("dask", purpose="mlarsenal.dask")
    model = resolve_model(model, registry=registry)
    predict_method(model, method)  # fails here, not on a worker
    da = import_optional("dask.array", purpose="mlarsenal.dask")
    if isinstance(data, da.Array):
        if feature_columns is not None:
            raise ValueError("feature_columns applies to a DataFrame; an array's columns are used")
        return _predict_array(dask, data, model, method)
    dd = import_optional("dask.dataframe", purpose="mlarsenal.dask on DataFrames")
    if isinstance(data, dd.DataFrame):
        return _predict_dataframe(dask, data, model, method, feature_columns)
    raise TypeError(
        f"data must be a dask.array.Array or a dask.dataframe.DataFrame, got {type(data).__name__}"
    )


def _probe(model, method: str, n_features: int, names: Sequence[str] | None):
    """The model's output for one all-missing row: its dimensions, width and dtype."""
    row = np.full((1, n_features), np.nan)
    return np.asarray(predict_method(model, method)(_as_model_input(row, names)))


def _as_model_input(matrix: np.ndarray, names):
    # A model fitted on named columns checks them: give it the names back.
    if names is None:
        return matrix
    pd = import_optional("pandas", purpose="predicting with a model fitted on named columns")
    return pd.DataFrame(matrix, columns=list(names))


def _predict_block(block: np.ndarray, model, method: str, names, width: int | None, dtype):
    """One block's predictions; `width` is the output's column count, None for a 1-D one."""
    if block.shape[0] == 0:
        return np.empty((0,) if width is None else (0, width), dtype=dtype)
    result = predict_method(model, method)(_as_model_input(block, names))
    return np.asarray(result)


def _predict_array(dask, data, model, method: str):
    if data.ndim != 2:
        raise ValueError(f"data must be a 2-D array (rows, features), got {data.ndim} dimensions")
    names = model_feature_names(model)
    n_features = data.shape[1]
    if names is not None and len(names) != n_features:
        raise ValueError(
            f"data has {n_features} columns, but the model expects {len(names)} features"
        )
    if data.numblocks[1] > 1:
        data = data.rechunk({1: -1})  # a model call needs whole rows
    probe = _probe(model, method, n_features, names)
    shipped = dask.delayed(model, pure=True)
    if probe.ndim == 1:
        return data.map_blocks(
            _predict_block,
            shipped,
            method,
            names,
            None,
            probe.dtype,
            drop_axis=1,
            dtype=probe.dtype,
        )
    width = probe.shape[1]
    return data.map_blocks(
        _predict_block,
        shipped,
        method,
        names,
        width,
        probe.dtype,
        chunks=(data.chunks[0], (width,)),
        dtype=probe.dtype,
    )


def _predict_partition(frame, model, method: str, empty: dict, as_frame: bool):
    """One partition's predictions, indexed like it; `empty` gives the columns of none."""
    pd = import_optional("pandas", purpose="mlarsenal.dask on DataFrames")
    if len(frame) == 0:
        outputs = empty
    else:
        X = frame if model_feature_names(model) is not None else frame.to_numpy(np.float64)
        outputs = output_columns(model, method, predict_method(model, method)(X))
    if as_frame:
        return pd.DataFrame(outputs, index=frame.index)
    ((name, values),) = outputs.items()
    return pd.Series(values, index=frame.index, name=name)


def _predict_dataframe(dask, data, model, method: str, feature_columns):
    pd = import_optional("pandas", purpose="mlarsenal.dask on DataFrames")
    if feature_columns is not None:
        if isinstance(feature_columns, str):
            raise TypeError("feature_columns must be a list of column names, not a single str")
        feature_columns = list(feature_columns)
    columns = feature_columns_for(model, list(data.columns), (), feature_columns)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"data has no column(s) {missing}; its columns are {list(data.columns)}")
    names = model_feature_names(model)
    probe = _probe(model, method, len(columns), columns if names is not None else None)
    outputs = {name: values[:0] for name, values in output_columns(model, method, probe).items()}
    if probe.ndim == 1:
        ((name, values),) = outputs.items()
        meta = pd.Series(values, name=name)
    else:
        meta = pd.DataFrame(outputs)
    shipped = dask.delayed(model, pure=True)
    return data[columns].map_partitions(
        _predict_partition, shipped, method, outputs, probe.ndim == 2, meta=meta
    )
