"""Gradient boosting with quantized gradients: the gbdt suite's binary and regression
workloads, ours fitted with ``quantized_gradients=True``, the peers as in ``gbdt``.

The peers run again in the same process, so the ratios compare like with like on one
busy or quiet machine; ``gbdt`` holds ours with exact gradients.
"""

from __future__ import annotations

from benchmarks.model_case import ModelCase
from benchmarks.suite import Suite
from benchmarks.suites.gbdt import SUITE as GBDT_SUITE
from benchmarks.suites.gbdt import WORKLOADS
from benchmarks.suites.gbdt_models import gbdt_libraries

QUANTIZED_WORKLOADS = ("binary", "regression")


def build_cases() -> list[ModelCase]:
    cases = []
    for name in QUANTIZED_WORKLOADS:
        make_data, task, score, description = WORKLOADS[name]
        libraries = gbdt_libraries(task, quantized=True)
        cases.append(ModelCase(name, description, make_data, libraries, score))
    return cases


SUITE = Suite(
    name="gbdt_quantized",
    description="gradient boosting with quantized_gradients=True (int8 gradients, integer "
    "histograms, leaf values from exact gradients) vs LightGBM, XGBoost hist and "
    "scikit-learn HistGradientBoosting with their defaults: the binary and regression "
    "workloads of the gbdt suite",
    peers=GBDT_SUITE.peers,
    default_rows=GBDT_SUITE.default_rows,
    quick_rows=GBDT_SUITE.quick_rows,
    build_cases=build_cases,
    notes=GBDT_SUITE.notes,
)
