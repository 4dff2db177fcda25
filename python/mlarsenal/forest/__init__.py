"""Tree-ensemble inference: one flat representation for every tree model.

:class:`Forest` holds the validated node arrays, predicts with native
threads (raw margins, values after the link, leaf indices) and saves itself
as a checksummed model file that ``mlarsenal.load`` reads back.
"""

from mlarsenal.forest._forest import Forest
from mlarsenal.forest._import_lightgbm import from_lightgbm
from mlarsenal.forest._import_sklearn import from_sklearn
from mlarsenal.forest._import_xgboost import from_xgboost

__all__ = ["Forest", "from_lightgbm", "from_sklearn", "from_xgboost"]
