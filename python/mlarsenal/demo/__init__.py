"""The demo behind ``make demo``: ``mlarsenal demo`` or ``python -m mlarsenal.demo``.

On data sets that ship with scikit-learn (no download), it fits mlarsenal's
gradient boosting and scikit-learn's HistGradientBoosting with the same
settings and prints fit time, predict time and test quality side by side;
registers the mlarsenal classifier with the alias ``champion``; serves it on
loopback; sends one Open Inference Protocol v2 request with urllib; prints
the answer; and stops the server. All of it in a few seconds.
"""

from mlarsenal.demo._run import DemoSummary, run_demo

__all__ = ["DemoSummary", "run_demo"]
