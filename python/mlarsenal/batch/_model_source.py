"""The model a prediction call is given: an object, a model file, or a registry reference."""

from __future__ import annotations

import os


def is_model_ref(source) -> bool:
    """True for registry references such as ``models:/name@alias`` and ``models:/name/3``."""
    return isinstance(source, str) and source.startswith("models:/")


def resolve_model(model, *, registry=None, argument: str = "model"):
    """`model` itself when it predicts; else the model that the path or reference names.

    References resolve against `registry` (a Registry or its root folder),
    else $MLARSENAL_HOME, else ./mlarsenal-store, as ``mlarsenal.load`` does.
    """
    if callable(getattr(model, "predict", None)):
        return model
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(
            f"{argument} must be a fitted model (with a predict method), a model file path "
            f"or a 'models:/name@alias' reference, got {type(model).__name__}"
        )
    import mlarsenal

    if is_model_ref(model):
        return mlarsenal.load(model, registry=registry)
    return mlarsenal.load(model)
