"""Where served models come from: local model files or registry references, nothing else.

A source is checked before anything is loaded: a file must be a regular file
that starts like a model file (never pickle: ``mlarsenal.load`` reads only the
checksummed format), a registry reference must parse, and URLs are refused
outright. The served name is the registry name, or the file name without its
extension, unless given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlarsenal._serialization.layout import MAGIC

REFERENCE_SCHEME = "models:/"
# Served names appear in URL paths and metric labels: the registry's name rule.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class SourceError(ValueError):
    """A model source that cannot be served; the message says why."""


@dataclass(frozen=True)
class ModelSource:
    """One model to serve: its served `name` and where it comes from.

    `location` is an absolute file path (kind "file") or a ``models:/``
    reference (kind "registry"). `movable` is true for references that can
    point at another version later (an alias, or the latest version).
    """

    name: str
    kind: str
    location: str

    @property
    def movable(self) -> bool:
        if self.kind != "registry":
            return False
        rest = self.location[len(REFERENCE_SCHEME) :]
        return "@" in rest or rest.endswith("/latest") or "/" not in rest

    def describe(self) -> str:
        """What the source is, without a filesystem path (safe for HTTP responses)."""
        return self.location if self.kind == "registry" else "file"


def check_served_name(name, what: str = "model name") -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, got {type(name).__name__}")
    if _NAME.fullmatch(name) is None:
        raise SourceError(
            f"invalid {what} {name!r}: use ASCII letters, digits, '_', '-' and '.', starting "
            "with a letter or a digit (at most 128 characters)"
        )
    return name


def registry_name(reference: str) -> str:
    """The model name inside ``models:/name@alias`` / ``models:/name/3`` / ``models:/name``."""
    rest = reference[len(REFERENCE_SCHEME) :]
    name = re.split(r"[@/]", rest, maxsplit=1)[0]
    return check_served_name(name, f"model name in reference {reference!r}")


def resolve_source(location, name: str | None = None) -> ModelSource:
    """The ModelSource for a file path or a ``models:/`` reference (SourceError if unusable)."""
    if isinstance(location, os.PathLike):
        location = os.fspath(location)
    if not isinstance(location, str) or not location:
        raise TypeError(
            "a model source must be a file path or a 'models:/name@alias' reference, "
            f"got {location!r}"
        )
    if location.startswith(REFERENCE_SCHEME):
        default = registry_name(location)
        return ModelSource(check_served_name(name or default), "registry", location)
    if _URL.match(location):
        raise SourceError(
            f"{location!r} is a URL; models are served only from local model files and "
            "registry references (models:/name@alias), never fetched"
        )
    path = Path(location).expanduser()
    check_model_file(path, shown=location)
    # The file name without its extension: churn.mlarsenal -> churn.
    served = name if name is not None else (path.stem or path.name)
    return ModelSource(
        check_served_name(served, "served name (give one with --name)"),
        "file",
        str(path.resolve()),
    )


def check_model_file(path: Path, *, shown: str) -> None:
    """SourceError unless `path` is a regular file that starts with the model-file magic."""
    try:
        if not path.is_file():
            raise SourceError(
                f"model file {shown!r} does not exist"
                if not path.exists()
                else f"model source {shown!r} is not a regular file"
            )
        with open(path, "rb") as f:
            head = f.read(len(MAGIC))
    except OSError as exc:
        raise SourceError(f"model file {shown!r} cannot be read: {exc.strerror}") from None
    if head != MAGIC:
        raise SourceError(
            f"{shown!r} is not an mlarsenal model file (it does not start with the format's "
            "magic bytes); the server reads only that format, never pickle. Convert the "
            "model with mlarsenal.forest.from_lightgbm/from_xgboost/from_sklearn and .save()"
        )


def resolve_sources(models) -> list[ModelSource]:
    """Sources for `models`: one path/reference, a list of them, or {served name: source}."""
    if isinstance(models, (str, os.PathLike)):
        models = [models]
    if isinstance(models, Mapping):
        sources = [resolve_source(location, name) for name, location in models.items()]
    elif isinstance(models, (list, tuple)):
        sources = [resolve_source(location) for location in models]
    else:
        raise TypeError(
            "models must be a path or model reference, a list of them, or a dict "
            f"{{served name: path or reference}}, got {type(models).__name__}"
        )
    if not sources:
        raise ValueError("models is empty: give at least one model file or registry reference")
    seen: dict[str, ModelSource] = {}
    for source in sources:
        if source.name in seen:
            raise SourceError(
                f"two models would be served as {source.name!r}; give them distinct names "
                "({name: source} or NAME=SOURCE on the command line)"
            )
        seen[source.name] = source
    return sources
