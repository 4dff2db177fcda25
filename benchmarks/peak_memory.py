"""How much a call grows the process's resident memory at its peak (Linux only).

The kernel keeps the process's high-water mark of resident memory (VmHWM in
/proc/self/status); writing "5" to /proc/self/clear_refs resets it to the current
resident size. Resetting before a call and reading it after gives the call's peak,
including memory allocated by native code that Python's tracemalloc never sees.
Where either file is missing or not writable (other systems, some containers) the
figures are None and the report prints "n/a".
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
_RESET_PEAK_RSS = "5"
_KIB = 1024


class PeakRSS:
    """Start right before a call; ``growth_bytes()`` after it is its peak RSS growth."""

    def __init__(self) -> None:
        self.baseline = _reset_peak_and_read_rss()

    def growth_bytes(self) -> int | None:
        if self.baseline is None:
            return None
        peak = _status_kib("VmHWM")
        return None if peak is None else max(0, peak * _KIB - self.baseline)


def settle_memory() -> None:
    """Free unreachable objects and return freed heap pages to the system.

    glibc keeps freed blocks (even large arrays once its mmap threshold has grown) in
    its heap, still counted as resident; a baseline taken then would be inflated by
    memory the next call reuses, hiding that call's growth. malloc_trim releases them.
    """
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _reset_peak_and_read_rss() -> int | None:
    try:
        _CLEAR_REFS.write_text(_RESET_PEAK_RSS)
    except OSError:
        return None
    rss = _status_kib("VmRSS")
    return None if rss is None else rss * _KIB


def _status_kib(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            name, _, value = line.partition(":")
            if name == field:
                return int(value.split()[0])  # "VmHWM:   123456 kB"
    except (OSError, ValueError, IndexError):
        pass
    return None


def _load_glibc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _load_glibc()
