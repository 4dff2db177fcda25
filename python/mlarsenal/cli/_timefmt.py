"""Timestamps as the CLI prints them: local time to the second."""

from __future__ import annotations

import time


def local_time(epoch_seconds: float | None) -> str:
    if epoch_seconds is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch_seconds))
