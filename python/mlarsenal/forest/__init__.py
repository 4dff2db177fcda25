"""Tree-ensemble inference: one flat representation for every tree model.

:class:`Forest` holds the validated node arrays, predicts with native
threads (raw margins, values after the link, leaf indices) and saves itself
as a checksummed model file that ``mlarsenal.load`` reads back.
"""

from mlarsenal.forest._forest import Forest

__all__ = ["Forest"]
