"""pytest-benchmark view of the gbdt suite: ``pytest benchmarks/test_bench_gbdt.py --benchmark-only``.

Times each library's fit on each workload at the suite's ``--quick`` size (a smoke test
and a way to track one library's fit across commits, not the reference figures: those
come from ``python -m benchmarks gbdt``). Each workload is a benchmark group with the
four libraries side by side. Skipped when a peer is not installed, and, for ours alone,
when mlarsenal's gradient boosting does not import. Collected only when pytest is
pointed here (the project's testpaths leave benchmarks/ out).
"""

import math

import pytest

from benchmarks.suites import load_suite

pytest.importorskip("pytest_benchmark")

SUITE = load_suite("gbdt")
if SUITE.skip_reason():
    pytest.skip(SUITE.skip_reason(), allow_module_level=True)

ROWS = SUITE.quick_rows
SEED = 0
CASES = {case.name: case for case in SUITE.build_cases()}
# The same libraries in the same order for every workload: peers first, ours last.
LIBRARIES = [library.name for library in next(iter(CASES.values())).libraries]


@pytest.fixture(scope="module")
def case_data():
    cache = {}

    def data_for(case):
        # Built once per workload: every library fits the same arrays.
        if case.name not in cache:
            cache[case.name] = case.make_data(ROWS, SEED)
        return cache[case.name]

    return data_for


@pytest.mark.parametrize("library_name", LIBRARIES)
@pytest.mark.parametrize("case_name", list(CASES))
def test_fit(benchmark, case_data, case_name, library_name):
    case = CASES[case_name]
    library = next(lib for lib in case.libraries if lib.name == library_name)
    if library.unavailable:
        pytest.skip(library.unavailable)
    data = case_data(case)
    benchmark.group = f"gbdt.{case_name} fit ({data.X_train.shape[0]:,} train rows)"
    # Few rounds: one fit takes from a fraction of a second to several seconds here.
    model = benchmark.pedantic(library.fit, args=(data, None), rounds=3, warmup_rounds=1)
    scores = case.score(data, library.predict(model, data, None))
    assert all(math.isfinite(value) for value in scores.values())
