"""The suite registry: suite name -> the module under ``benchmarks/suites/`` defining it.

To add a suite, write ``benchmarks/suites/<name>.py`` with a module-level
``SUITE = Suite(...)`` and add one line here. Modules are imported only when a suite is
listed or run, and import their peer libraries only inside ``build_cases``.
"""

from __future__ import annotations

import importlib

from benchmarks.suite import Suite

SUITE_MODULES = {
    "metrics": "benchmarks.suites.metrics",
    "optim": "benchmarks.suites.optim",
    "knn": "benchmarks.suites.knn",
    "distances": "benchmarks.suites.distances",
    "kmeans": "benchmarks.suites.kmeans",
    "gbdt": "benchmarks.suites.gbdt",
    "gbdt_quantized": "benchmarks.suites.gbdt_quantized",
    "forest": "benchmarks.suites.forest",
    "random_forest": "benchmarks.suites.random_forest",
    "linear": "benchmarks.suites.linear",
    "lasso": "benchmarks.suites.lasso",
    "linear_svm": "benchmarks.suites.linear_svm",
    "least_squares": "benchmarks.suites.least_squares",
}


def suite_names() -> list[str]:
    return list(SUITE_MODULES)


def load_suite(name: str) -> Suite:
    if name not in SUITE_MODULES:
        known = ", ".join(SUITE_MODULES)
        raise KeyError(f"unknown benchmark suite {name!r}; known suites: {known}")
    return importlib.import_module(SUITE_MODULES[name]).SUITE
