"""Inverse link functions: raw margins -> predicted values.

Each works in place on the (n, n_outputs) float64 margins the native forest
returns (a fresh array), and is written to stay finite where the exact
value is: large margins never overflow to NaN.
"""

from __future__ import annotations

import numpy as np


def sigmoid(raw: np.ndarray) -> np.ndarray:
    # exp of a non-positive number only: no overflow for any margin.
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(raw))
    np.divide(np.where(raw >= 0, 1.0, e), 1.0 + e, out=raw)
    return raw


def softmax(raw: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        raw -= raw.max(axis=1, keepdims=True)
        np.exp(raw, out=raw)
        raw /= raw.sum(axis=1, keepdims=True)
    return raw


def exp(raw: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.exp(raw, out=raw)


def identity(raw: np.ndarray) -> np.ndarray:
    return raw


INVERSE_LINKS = {"identity": identity, "logistic": sigmoid, "softmax": softmax, "exp": exp}
