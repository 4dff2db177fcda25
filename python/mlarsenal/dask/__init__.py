"""Predictions on Dask arrays and DataFrames, for data that outgrows one machine.

:func:`predict` builds a lazy Dask collection: nothing runs until
``.compute()``, on the Dask scheduler in use (a ``dask.distributed.Client``
for a cluster). Needs the ``dask`` extra: ``pip install 'mlarsenal[dask]'``.
"""

from mlarsenal.dask._predict import predict

__all__ = ["predict"]
