import os
import subprocess
import sys

import pytest

from mlarsenal import _core, effective_n_jobs
from mlarsenal._threads import _cgroup_cpu_limit, usable_cpus


def test_none_and_minus_one_mean_every_usable_core():
    assert effective_n_jobs(None) == effective_n_jobs(-1) == usable_cpus() >= 1


def test_negative_values_count_back_like_scikit_learn():
    assert effective_n_jobs(-2) == max(1, usable_cpus() - 1)
    assert effective_n_jobs(-1000) == 1


def test_positive_values_are_taken_as_given():
    assert effective_n_jobs(3) == 3


@pytest.mark.parametrize("bad", [1.5, "2", True])
def test_non_integers_are_rejected(bad):
    with pytest.raises(TypeError, match="n_jobs"):
        effective_n_jobs(bad)


def test_zero_is_rejected():
    with pytest.raises(ValueError, match="n_jobs == 0"):
        effective_n_jobs(0)


def test_cgroup_v2_quota(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert _cgroup_cpu_limit(tmp_path) == 2
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert _cgroup_cpu_limit(tmp_path) is None


def test_cgroup_v1_quota(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("300000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert _cgroup_cpu_limit(tmp_path) == 3


def test_omp_num_threads_limits_the_default():
    script = "from mlarsenal import effective_n_jobs; print(effective_n_jobs(None))"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1"


def test_threadpoolctl_sees_and_limits_the_native_pool():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        assert _core.max_threads() == 1
        assert effective_n_jobs(None) == 1
