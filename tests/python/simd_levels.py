"""Run one script under every SIMD level, each in a process of its own.

The level (``MLARSENAL_SIMD``) is fixed when the native module first picks its kernels, so
comparing levels takes one interpreter per level. Test modules use it as::

    from simd_levels import outputs_per_level

    assert len(set(outputs_per_level(script).values())) == 1
"""

from __future__ import annotations

import os
import subprocess
import sys

LEVELS = ("scalar", "avx2", "avx512")


def outputs_per_level(script: str) -> dict[str, str]:
    """{level asked for: standard output of ``script`` run with MLARSENAL_SIMD=level}.

    A level the CPU lacks runs the best one it has; a script that fails raises.
    """
    outputs = {}
    for level in LEVELS:
        env = {**os.environ, "MLARSENAL_SIMD": level}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs[level] = run.stdout
    return outputs
