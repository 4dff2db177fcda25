"""Names of models, aliases and tags, and model references (``models:/name@alias``).

Names are checked before anything touches the database or the disk. Allowed:
ASCII letters and digits, ``_``, ``-`` and ``.``, starting with a letter or a
digit, at most 128 characters. That excludes path separators, ``..``, absolute
paths, whitespace, control characters and every non-ASCII character (look-alike
letters, invisible and direction-changing code points), so a name is safe in a
file name, a URL and a terminal. The artifact store never derives a path from
a name anyway (artifacts are stored by their SHA-256); the rule is a second wall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NAME_LENGTH = 128
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
REFERENCE_SCHEME = "models:/"
LATEST = "latest"


def check_name(value, what: str = "model name") -> str:
    """`value` if it is a valid name, else a ValueError (TypeError for a non-str) naming `what`.

    >>> check_name("churn-model_v2.1")
    'churn-model_v2.1'
    >>> check_name("../etc")
    Traceback (most recent call last):
    ...
    ValueError: invalid model name '../etc': use ASCII letters, digits, '_', '-' and '.', starting with a letter or a digit (at most 128 characters)
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if len(value) > MAX_NAME_LENGTH or _NAME.fullmatch(value) is None:
        raise ValueError(
            f"invalid {what} {value!r}: use ASCII letters, digits, '_', '-' and '.', starting "
            f"with a letter or a digit (at most {MAX_NAME_LENGTH} characters)"
        )
    return value


def check_alias(value) -> str:
    """An alias is a name that is not a number nor ``latest`` (those read as versions)."""
    check_name(value, "alias")
    if value.isdigit() or value.lower() == LATEST:
        raise ValueError(f"invalid alias {value!r}: an alias cannot be a number or {LATEST!r}")
    return value


def check_version(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"version must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"version must be >= 1, got {value}")
    return value


@dataclass(frozen=True)
class ModelReference:
    """A parsed reference: exactly one of `version` (an int, or None for the latest) or `alias`."""

    name: str
    version: int | None = None
    alias: str | None = None

    def __str__(self) -> str:
        if self.alias is not None:
            return f"{REFERENCE_SCHEME}{self.name}@{self.alias}"
        return f"{REFERENCE_SCHEME}{self.name}/{LATEST if self.version is None else self.version}"


def is_reference(source) -> bool:
    """Whether `source` is a ``models:/`` string (never true for path objects)."""
    return isinstance(source, str) and source.startswith(REFERENCE_SCHEME)


def parse_reference(reference: str) -> ModelReference:
    """``name@alias``, ``name/3``, ``name/latest`` or ``name`` (the latest version too),
    each with or without ``models:/`` before it.

    >>> parse_reference("models:/churn@champion")
    ModelReference(name='churn', version=None, alias='champion')
    >>> parse_reference("churn/3").version
    3
    >>> parse_reference("churn")
    ModelReference(name='churn', version=None, alias=None)
    """
    if not isinstance(reference, str):
        raise TypeError(f"a model reference must be a str, got {type(reference).__name__}")
    text = reference.removeprefix(REFERENCE_SCHEME)
    if "@" in text:
        name, _, alias = text.partition("@")
        return ModelReference(check_name(name), alias=check_alias(alias))
    name, slash, version = text.partition("/")
    check_name(name)
    if not slash or version == LATEST:
        return ModelReference(name)
    if not version.isascii() or not version.isdigit() or int(version) < 1:
        raise ValueError(
            f"invalid version {version!r} in model reference {reference!r}: expected a "
            f"number >= 1 or {LATEST!r} (there are no stages; use an alias such as '{name}@champion')"
        )
    return ModelReference(name, version=int(version))


MAX_KEY_LENGTH = 250


def check_key(value, what: str = "key") -> str:
    """Keys of tags, params and metrics: printable text (``/`` allowed), 1-250 characters.

    Keys are only ever stored in the database, never used in a path.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not 0 < len(value) <= MAX_KEY_LENGTH or not value.isprintable() or value != value.strip():
        raise ValueError(
            f"invalid {what} {value!r}: expected 1 to {MAX_KEY_LENGTH} printable characters "
            "without leading or trailing spaces"
        )
    return value


def check_artifact_path(value) -> str:
    """A run artifact's path: ``/``-separated names (see :func:`check_name`), never ``..``.

    >>> check_artifact_path("plots/roc.png")
    'plots/roc.png'
    """
    if not isinstance(value, str):
        raise TypeError(f"artifact path must be a str, got {type(value).__name__}")
    parts = value.split("/")
    for part in parts:
        try:
            check_name(part, "artifact path component")
        except ValueError:
            raise ValueError(
                f"invalid artifact path {value!r}: use '/'-separated names of ASCII letters, "
                "digits, '_', '-' and '.', each starting with a letter or a digit"
            ) from None
    return value
