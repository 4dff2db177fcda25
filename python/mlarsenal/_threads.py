"""Thread-count resolution shared by every estimator and kernel call.

``n_jobs`` means native threads (as in LightGBM and XGBoost):

- ``None`` or ``-1``: every usable core, i.e. the smallest of the CPUs this
  process may run on (affinity), the cgroup CPU quota (containers), and the
  OpenMP default, which honours ``OMP_NUM_THREADS`` and ``threadpoolctl``
  limits;
- a positive int: exactly that many threads;
- a negative int: as in scikit-learn, ``usable + 1 + n_jobs`` (``-2`` is all
  but one), at least 1;
- ``0``: an error.
"""

from __future__ import annotations

import functools
import math
import numbers
import os
from pathlib import Path

from mlarsenal import _core


def _cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """CPUs allowed by the cgroup CPU quota, or None when unlimited/unknown."""
    try:  # cgroup v2: "max 100000" or "<quota> <period>"
        quota, period = (root / "cpu.max").read_text().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
        return None
    except (OSError, ValueError):
        pass
    try:  # cgroup v1
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        if quota > 0 and period > 0:
            return max(1, math.ceil(quota / period))
    except (OSError, ValueError):
        pass
    return None


@functools.lru_cache(maxsize=1)
def _process_cgroup_cpu_limit() -> int | None:
    # Read once per process: a container's CPU quota is set when it starts,
    # and reading the files costs tens of microseconds, as much as predicting
    # one row.
    return _cgroup_cpu_limit()


def usable_cpus() -> int:
    """Cores this process may use (see the module docstring)."""
    # sched_getaffinity is Linux-only; elsewhere fall back to the CPU count.
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    limit = _process_cgroup_cpu_limit()
    if limit is not None:
        n = min(n, limit)
    return max(1, min(n, _core.max_threads()))


def effective_n_jobs(n_jobs: int | None = None) -> int:
    """Number of native threads ``n_jobs`` stands for.

    >>> from mlarsenal import effective_n_jobs
    >>> effective_n_jobs(1)
    1
    >>> effective_n_jobs(None) == effective_n_jobs(-1)
    True
    """
    if n_jobs is None:
        return usable_cpus()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be an int or None, got {n_jobs!r} ({type(n_jobs).__name__})")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError(
            "n_jobs == 0 has no meaning; use None or -1 for all cores, or a positive count"
        )
    if n_jobs < 0:
        return max(1, usable_cpus() + 1 + n_jobs)
    return n_jobs
