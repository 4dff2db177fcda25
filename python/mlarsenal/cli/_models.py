"""The model a command is pointed at: a model file, or a registered version.

``models:/name@alias`` and ``models:/name/3`` always name registered
versions; the short forms ``name@alias``, ``name/3`` and a bare ``name`` (no dot) do
too when no file of that name exists.
"""

from __future__ import annotations

import os
import re

from mlarsenal.batch._model_source import is_model_ref

_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
# name@alias or name/3 (or name/latest); a bare name only without a dot, which
# would more likely be a mistyped file name.
_SHORT_REF = re.compile(rf"{_NAME}(@{_NAME}|/([0-9]+|latest))|[A-Za-z0-9][A-Za-z0-9_-]*")


def open_registry(store):
    from mlarsenal.registry import Registry

    return Registry(store)


def load_model(source: str, store=None):
    """The model at `source` (see the module docstring); the registry root is `store`."""
    import mlarsenal

    if os.path.exists(source):
        if os.path.isdir(source):
            raise IsADirectoryError(f"model: {source!r} is a folder, not a model file")
        return mlarsenal.load(source)
    if is_model_ref(source):
        return mlarsenal.load(source, registry=open_registry(store))
    if _SHORT_REF.fullmatch(source):
        reference = source if "@" in source or "/" in source else f"{source}/latest"
        return open_registry(store).load(reference)
    raise FileNotFoundError(
        f"model: no file {source!r}, and it is not a registry reference "
        "(models:/name@alias, models:/name/3, name@alias, name/3)"
    )
