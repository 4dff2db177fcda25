"""Small fitted models and distinct model files for the registry tests."""

from __future__ import annotations

import functools

import numpy as np

from mlarsenal._serialization import dumps, loads


@functools.cache
def training_data(n_rows: int = 400, n_features: int = 4):
    rng = np.random.default_rng(9)
    X = rng.normal(size=(n_rows, n_features))
    y = X[:, 0] * 2.0 - X[:, 1] + rng.normal(scale=0.1, size=n_rows)
    return X, y


@functools.cache
def regressor(max_iter: int = 10):
    from mlarsenal import GradientBoostingRegressor

    X, y = training_data()
    return GradientBoostingRegressor(max_iter=max_iter, random_state=0).fit(X, y)


@functools.cache
def _forest_parts(max_iter: int):
    return loads(regressor(max_iter).forest_.to_bytes())


def forest_file(nonce: int, max_iter: int = 10) -> bytes:
    """A valid 'forest' model file, different for every `nonce` (kept in the forest's free meta)."""
    kind, meta, arrays = _forest_parts(max_iter)
    meta = {**meta, "meta": {**(meta.get("meta") or {}), "nonce": int(nonce)}}
    return dumps(kind, meta, arrays)
