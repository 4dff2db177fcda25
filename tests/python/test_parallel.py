"""The native threading helper (cpp/include/mlarsenal/common/parallel.hpp)."""

import pytest

from mlarsenal import _core

testing = _core._testing


def test_explicit_thread_count_is_honoured():
    assert testing.parallel_thread_count(10_000, 1) == 1
    assert 1 <= testing.parallel_thread_count(10_000, 2) <= 2


def test_library_never_changes_the_process_wide_default():
    before = _core.max_threads()
    testing.parallel_thread_count(10_000, before + 3)
    assert _core.max_threads() == before


@pytest.mark.parametrize("n_threads", [1, 2, 4])
def test_exceptions_are_carried_out_of_parallel_regions(n_threads):
    with pytest.raises(ValueError, match="failure at index 777"):
        testing.parallel_raise(10_000, n_threads, 777)
    with pytest.raises(RuntimeError, match="failure at index 9999"):
        testing.parallel_raise(10_000, n_threads, 9999, invalid_argument=False)


def test_the_interpreter_survives_many_failing_regions():
    for _ in range(50):
        with pytest.raises(ValueError):
            testing.parallel_raise(1000, 2, 0)
