"""``mlarsenal info``: how this copy of mlarsenal was built and what it runs on."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the full record as JSON.")
def info(as_json: bool) -> None:
    """Version, compiler, OpenMP, SIMD level and CUDA status (mlarsenal.build_info())."""
    from mlarsenal import build_info

    record = build_info()
    click.echo(json.dumps(record, indent=2, default=str) if as_json else str(record))
