"""A row-count progress bar on stderr: tqdm when it is installed, else nothing."""

from __future__ import annotations

import importlib.util
import sys


class _Silent:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(enabled: bool, total: int | None, description: str):
    """An object with update(n) and close(); a real bar only if `enabled` and tqdm is present."""
    if not enabled or importlib.util.find_spec("tqdm") is None:
        return _Silent()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="rows", unit_scale=True, desc=description, file=sys.stderr)
