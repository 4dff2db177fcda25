"""The errors the registry and tracking raise (bad arguments stay ValueError/TypeError)."""

from mlarsenal._serialization import ModelFormatError


class RegistryError(Exception):
    """Base class of the registry's own errors."""


class NotFoundError(RegistryError, LookupError):
    """No such registered model, version, alias, run, experiment or artifact."""


class ArtifactIntegrityError(RegistryError, ModelFormatError):
    """A stored artifact is missing, or its bytes no longer match the SHA-256 recorded for it.

    A subclass of ModelFormatError (so of ValueError): code that handles a bad
    model file handles a damaged registry artifact the same way.
    """


class RegistryBusyError(RegistryError, TimeoutError):
    """The database stayed locked by other writers for longer than the registry waits."""


for _error in (RegistryError, NotFoundError, ArtifactIntegrityError, RegistryBusyError):
    _error.__module__ = "mlarsenal.registry"
