"""A local model registry: versions, aliases, tags, metrics, params and lineage, no server.

Metadata lives in SQLite (WAL) at ``<root>/registry.db``; model files in a
content-addressed store (``<root>/artifacts/sha256/...``), each checked against
its SHA-256 when loaded. The root is ``$MLARSENAL_HOME``, else
``./mlarsenal-store``. References ``models:/name@alias``, ``models:/name/3``
and ``models:/name/latest`` work wherever a model path does
(``mlarsenal.load``). Experiment tracking (:mod:`mlarsenal.tracking`) shares
the store. See docs/user_guide/registry.md.
"""

from mlarsenal.registry._errors import (
    ArtifactIntegrityError,
    NotFoundError,
    RegistryBusyError,
    RegistryError,
)
from mlarsenal.registry._lineage import Lineage, data_fingerprint
from mlarsenal.registry._names import ModelReference, parse_reference
from mlarsenal.registry._registry import (
    ModelVersion,
    RegisteredModel,
    Registry,
    default_root,
)

__all__ = [
    "ArtifactIntegrityError",
    "Lineage",
    "ModelReference",
    "ModelVersion",
    "NotFoundError",
    "RegisteredModel",
    "Registry",
    "RegistryBusyError",
    "RegistryError",
    "data_fingerprint",
    "default_root",
    "parse_reference",
]
