"""``mlarsenal runs list|show``: the tracked runs of a store."""

from __future__ import annotations

import dataclasses
import json

import click

from mlarsenal.cli._options import store_option
from mlarsenal.cli._table import format_table
from mlarsenal.cli._timefmt import local_time


@click.group()
def runs():
    """Tracked runs: list them, show one's params, metrics, tags and artifacts."""


@runs.command("list")
@click.option("--experiment", help="Only the runs of this experiment.")
@click.option(
    "--status",
    type=click.Choice(["RUNNING", "FINISHED", "FAILED", "KILLED"], case_sensitive=False),
    help="Only the runs with this status.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Newest N runs."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
def list_runs(experiment, status, limit, as_json, store):
    """Runs, newest first."""
    from mlarsenal import tracking
    from mlarsenal.cli._models import open_registry

    found = tracking.list_runs(
        experiment, registry=open_registry(store), status=status.upper() if status else None
    )[:limit]
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(r) for r in found], indent=2, default=str))
        return
    if not found:
        click.echo("no runs")
        return
    rows = [
        [
            r.run_id,
            r.experiment,
            r.name,
            r.status,
            local_time(r.start_time),
            _duration(r.start_time, r.end_time),
            " ".join(f"{k}={v:.4g}" for k, v in sorted(r.metrics.items())) or "-",
        ]
        for r in found
    ]
    headers = ["run_id", "experiment", "name", "status", "started", "took", "metrics"]
    click.echo(format_table(headers, rows))


def _duration(start: float, end: float | None) -> str:
    return "-" if end is None else f"{end - start:.1f} s"


@runs.command("show")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
def show(run_id, as_json, store):
    """One run: status, times, params, metrics (latest values), tags and artifacts."""
    from mlarsenal import tracking
    from mlarsenal.cli._models import open_registry

    run = tracking.get_run(run_id, registry=open_registry(store))
    record = dataclasses.asdict(run)
    if as_json:
        click.echo(json.dumps(record, indent=2, default=str))
        return
    click.echo(f"run {run.run_id}")
    click.echo(f"  {'experiment':<12} {run.experiment}")
    click.echo(f"  {'name':<12} {run.name}")
    click.echo(f"  {'status':<12} {run.status}")
    click.echo(f"  {'started':<12} {local_time(run.start_time)}")
    click.echo(f"  {'ended':<12} {local_time(run.end_time)}")
    if run.parent_run_id:
        click.echo(f"  {'parent':<12} {run.parent_run_id}")
    for section in ("params", "metrics", "tags", "artifacts"):
        values = record[section]
        if not values:
            continue
        click.echo(f"{section}:")
        width = max(len(k) for k in values)
        for key, value in sorted(values.items()):
            click.echo(f"  {key:<{width}}  {value}")
