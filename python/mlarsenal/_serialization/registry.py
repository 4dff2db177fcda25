"""Model kinds: which function rebuilds an object from a file's (meta, arrays).

Each kind of model registers itself once with :func:`register_kind`. A
registration may name its function as ``"package.module:attribute"``, imported
on first use, so the built-in kinds below cost nothing until a file of that
kind is loaded.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

from mlarsenal._serialization.errors import ModelFormatError

_KINDS: dict[str, Callable | str] = {}
_RESOLVED: dict[str, Callable] = {}
_LOCK = threading.Lock()


def register_kind(kind: str, from_parts: Callable | str) -> None:
    """Make ``mlarsenal.load`` rebuild files of `kind` with ``from_parts(meta, arrays)``.

    `from_parts` receives the header's meta (a dict of JSON values) and the
    arrays (a dict of owned numpy arrays) and returns the object; it raises
    ValueError or TypeError for content it rejects, which ``load`` reports as
    ModelFormatError. It may be given as ``"package.module:attribute.path"``
    (imported when first needed). Registering the same function again is a
    no-op; registering another one for a taken kind is a ValueError.
    """
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"kind must be a non-empty str, got {kind!r}")
    if isinstance(from_parts, str):
        if from_parts.count(":") != 1 or not all(from_parts.split(":")):
            raise ValueError(
                f"from_parts as a string must read 'package.module:attribute', got {from_parts!r}"
            )
    elif not callable(from_parts):
        raise TypeError(
            f"from_parts must be callable or a 'module:attribute' string, got {from_parts!r}"
        )
    with _LOCK:
        current = _KINDS.get(kind)
        if current is not None and current != from_parts:
            raise ValueError(f"model kind {kind!r} is already registered (to {current!r})")
        _KINDS[kind] = from_parts


def registered_kinds() -> list[str]:
    """The kinds ``mlarsenal.load`` knows, sorted."""
    return sorted(_KINDS)


def _resolve(kind: str) -> Callable:
    resolved = _RESOLVED.get(kind)
    if resolved is not None:
        return resolved
    target = _KINDS.get(kind)
    if target is None:
        raise ModelFormatError(
            f"unknown model kind {kind!r}; this mlarsenal loads {', '.join(registered_kinds())}"
        )
    if isinstance(target, str):
        module_name, _, path = target.partition(":")
        obj = importlib.import_module(module_name)
        for attribute in path.split("."):
            obj = getattr(obj, attribute)
        target = obj
    _RESOLVED[kind] = target
    return target


def rebuild(kind: str, meta: dict, arrays: dict):
    """The object of `kind` rebuilt from a file's parts; ModelFormatError if they are invalid."""
    from_parts = _resolve(kind)
    try:
        return from_parts(meta, arrays)
    except ModelFormatError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelFormatError(f"invalid {kind!r} model: {exc}") from exc


# The built-in kinds, one line each.
register_kind("forest", "mlarsenal.forest._forest:_from_file_parts")
register_kind("gradient_boosting", "mlarsenal.ensemble._gb_persistence:estimator_from_parts")
register_kind("decision_forest", "mlarsenal.tree._persistence:estimator_from_parts")
register_kind("array_model", "mlarsenal._serialization.array_models:estimator_from_parts")
