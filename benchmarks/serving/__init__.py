"""Serving load test: mlarsenal's model server against a FastAPI + LightGBM baseline.

``python -m benchmarks.serving`` (see ``run.py``); ``loadgen.py`` is the load
generator, ``baseline.py`` the baseline app, ``report.py`` the table.
"""
