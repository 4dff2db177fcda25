"""Batch prediction over files: CSV or Parquet in, predictions out, in bounded memory.

>>> import numpy as np, pandas as pd, tempfile, os
>>> from mlarsenal.ensemble import GradientBoostingRegressor
>>> from mlarsenal.batch import predict_file
>>> X = pd.DataFrame({"a": np.arange(100.0), "b": np.arange(100.0) % 7})
>>> model = GradientBoostingRegressor(max_iter=5).fit(X, X["a"] * 2)
>>> folder = tempfile.mkdtemp()
>>> X.assign(id=np.arange(100)).to_csv(os.path.join(folder, "in.csv"), index=False)
>>> predict_file(model, os.path.join(folder, "in.csv"), os.path.join(folder, "out.parquet"),
...              keep_columns=["id"], chunk_rows=32)
100
>>> pd.read_parquet(os.path.join(folder, "out.parquet")).columns.tolist()
['id', 'prediction']
"""

from mlarsenal.batch._predict import DEFAULT_CHUNK_ROWS, predict_file

__all__ = ["DEFAULT_CHUNK_ROWS", "predict_file"]
