"""The model file container: versioned, checksummed, never pickle.

``dumps``/``loads`` turn (kind, meta, arrays) into bytes and back, checking
untrusted input before allocating anything; ``save``/``load`` add atomic
files and the kind registry, so ``mlarsenal.load`` returns the right object.
The byte layout and the checks are described in docs/developer/model_format.md.
"""

from mlarsenal._serialization.errors import ModelFormatError
from mlarsenal._serialization.files import load, save
from mlarsenal._serialization.layout import FORMAT_VERSION
from mlarsenal._serialization.reader import loads
from mlarsenal._serialization.registry import register_kind, registered_kinds
from mlarsenal._serialization.writer import dumps

__all__ = [
    "FORMAT_VERSION",
    "ModelFormatError",
    "dumps",
    "load",
    "loads",
    "register_kind",
    "registered_kinds",
    "save",
]
