"""``mlarsenal bench``: the benchmark runner of the source tree (``python -m benchmarks``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mlarsenal.cli._errors import UserError


def _source_root() -> Path | None:
    """The checkout holding benchmarks/: the current folder, or the one above python/mlarsenal."""
    here = Path(__file__).resolve().parents[3]  # <root>/python/mlarsenal/cli/_bench.py
    for root in (Path.cwd(), here):
        if (root / "benchmarks" / "run.py").is_file():
            return root
    return None


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Time mlarsenal against its peers (all arguments go to the runner; see bench --help).

    The runner lives in the source tree (benchmarks/), so run this from a
    clone; results go under benchmarks/results/ unless --out says otherwise.
    """
    root = _source_root()
    if root is None:
        raise UserError(
            "the benchmark runner is part of the source tree (benchmarks/), not of the "
            f"installed package; run mlarsenal bench from a clone (current folder: {os.getcwd()})"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from benchmarks.run import main

    status = main(list(args))
    sys.exit(status or 0)
