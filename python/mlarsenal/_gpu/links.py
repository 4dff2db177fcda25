"""Inverse links on CuPy arrays and torch tensors: the operations of
mlarsenal.forest._links (the CPU versions), in the array's own library."""

from __future__ import annotations

from mlarsenal.forest._links import INVERSE_LINKS


def _torch_links():
    import torch

    def sigmoid(raw):
        e = torch.exp(-raw.abs())
        return torch.where(raw >= 0, torch.ones_like(e), e) / (1.0 + e)

    def softmax(raw):
        shifted = torch.exp(raw - raw.max(dim=1, keepdim=True).values)
        return shifted / shifted.sum(dim=1, keepdim=True)

    return {"identity": lambda raw: raw, "logistic": sigmoid, "softmax": softmax,
            "exp": torch.exp}  # fmt: skip


def _cupy_links():
    import cupy

    def sigmoid(raw):
        e = cupy.exp(-cupy.abs(raw))
        return cupy.where(raw >= 0, 1.0, e) / (1.0 + e)

    def softmax(raw):
        shifted = cupy.exp(raw - raw.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    return {"identity": lambda raw: raw, "logistic": sigmoid, "softmax": softmax,
            "exp": cupy.exp}  # fmt: skip


def inverse_link(link: str, library: str):
    if library == "torch":
        return _torch_links()[link]
    if library == "cupy":
        return _cupy_links()[link]
    return INVERSE_LINKS[link]


def two_columns(p, library: str):
    """[1 - p, p] as columns (predict_proba of a binary classifier)."""
    if library == "torch":
        import torch

        return torch.stack([1.0 - p, p], dim=1)
    if library == "cupy":
        import cupy

        return cupy.column_stack([1.0 - p, p])
    import numpy as np

    return np.column_stack([1.0 - p, p])
