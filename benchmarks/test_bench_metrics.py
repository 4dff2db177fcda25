"""pytest-benchmark view of the metrics suite: ``pytest benchmarks/ --benchmark-only``.

Reuses the suite's cases and data builders; each case is a benchmark group holding
mlarsenal and scikit-learn side by side. Collected only when pytest is pointed here
(the project's testpaths cover tests/python only).
"""

import pytest

from benchmarks.suites import load_suite

pytest.importorskip("pytest_benchmark")
pytest.importorskip("sklearn")

ROWS = 1_000_000
SEED = 0
CASES = {case.name: case for case in load_suite("metrics").build_cases()}


@pytest.fixture(scope="module")
def case_data():
    cache = {}

    def data_for(case):
        # Cases sharing a builder share its arrays, as in the runner's same-data rule.
        if case.make_data not in cache:
            cache[case.make_data] = case.make_data(ROWS, SEED)
        return cache[case.make_data]

    return data_for


@pytest.mark.parametrize("library", ["mlarsenal", "peer"])
@pytest.mark.parametrize("case_name", list(CASES))
def test_metric(benchmark, case_data, case_name, library):
    case = CASES[case_name]
    call = case.ours if library == "mlarsenal" else case.peer
    benchmark.group = f"metrics.{case_name} ({ROWS:,} rows)"
    benchmark(call, case_data(case), None)
