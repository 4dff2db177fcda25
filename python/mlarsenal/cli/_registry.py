"""``mlarsenal registry list|show|alias|delete``: the registered models of a store."""

from __future__ import annotations

import dataclasses
import json

import click

from mlarsenal.cli._options import store_option
from mlarsenal.cli._table import format_table
from mlarsenal.cli._timefmt import local_time


@click.group()
def registry():
    """Registered models: list them, show versions, move aliases, delete."""


@registry.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
def list_models(as_json, store):
    """Every registered model with its latest version and aliases."""
    from mlarsenal.cli._models import open_registry

    models = open_registry(store).list_models()
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(m) for m in models], indent=2, default=str))
        return
    if not models:
        click.echo("no registered models")
        return
    rows = [
        [m.name, len(m.versions), m.latest_version, _aliases(m.aliases), local_time(m.updated_at)]
        for m in models
    ]
    click.echo(format_table(["name", "versions", "latest", "aliases", "updated"], rows))


def _aliases(aliases: dict) -> str:
    return ", ".join(f"{a}→{v}" for a, v in sorted(aliases.items())) or "-"


@registry.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
def show(reference, as_json, store):
    """A model's versions (REFERENCE = name) or one version's details (name@alias, name/3).

    models:/ prefixes are accepted.
    """
    from mlarsenal.cli._models import open_registry

    reg = open_registry(store)
    bare = reference.removeprefix("models:/")
    if "@" not in bare and "/" not in bare:
        _show_model(reg, bare, as_json)
    else:
        _show_version(reg.resolve(reference), as_json)


def _show_model(reg, name, as_json):
    model = reg.get_model(name)
    versions = reg.list_versions(name)
    if as_json:
        record = dataclasses.asdict(model)
        record["versions"] = [dataclasses.asdict(v) for v in versions]
        click.echo(json.dumps(record, indent=2, default=str))
        return
    click.echo(f"{model.name}: {len(versions)} version(s), aliases {_aliases(model.aliases)}")
    if model.description:
        click.echo(model.description)
    rows = [
        [
            v.version,
            local_time(v.created_at),
            v.kind,
            ", ".join(v.aliases) or "-",
            " ".join(f"{k}={val:.4g}" for k, val in sorted(v.metrics.items())) or "-",
        ]
        for v in versions
    ]
    click.echo(format_table(["version", "created", "kind", "aliases", "metrics"], rows))


def _show_version(version, as_json):
    record = dataclasses.asdict(version)
    if as_json:
        click.echo(json.dumps(record, indent=2, default=str))
        return
    click.echo(f"{version.uri}")
    record["created_at"] = local_time(version.created_at)
    record["aliases"] = ", ".join(version.aliases) or "-"
    for key in ("name", "version", "kind", "sha256", "size", "created_at", "aliases"):
        click.echo(f"  {key:<12} {record.pop(key)}")
    # description, tags, metrics, params, lineage: only those with content.
    for key, value in record.items():
        if isinstance(value, str) and value:
            click.echo(f"  {key:<12} {value}")
        elif value:
            click.echo(f"  {key:<12} {json.dumps(value, default=str, sort_keys=True)}")


@registry.command("alias")
@click.argument("name")
@click.argument("alias")
@click.argument("version", type=click.IntRange(min=1), required=False)
@click.option("--delete", is_flag=True, help="Remove the alias instead of setting it.")
@store_option
def alias(name, alias, version, delete, store):
    """Point ALIAS of model NAME at VERSION (or remove it with --delete)."""
    from mlarsenal.cli._models import open_registry

    reg = open_registry(store)
    if delete:
        if version is not None:
            raise click.UsageError("--delete takes no VERSION")
        reg.delete_alias(name, alias)
        click.echo(f"removed alias {name}@{alias}")
        return
    if version is None:
        raise click.UsageError("give the VERSION the alias should point at (or --delete)")
    reg.set_alias(name, alias, version)
    click.echo(f"{name}@{alias} -> version {version}")


@registry.command("delete")
@click.argument("name")
@click.argument("version", type=click.IntRange(min=1), required=False)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@store_option
def delete(name, version, yes, store):
    """Delete VERSION of model NAME, or the whole model (every version) without VERSION."""
    from mlarsenal.cli._models import open_registry

    reg = open_registry(store)
    what = f"version {version} of {name!r}" if version is not None else f"model {name!r}"
    if version is None:
        what += f" and its {len(reg.list_versions(name))} version(s)"
    if not yes:
        click.confirm(f"delete {what}?", abort=True, err=True)
    if version is None:
        reg.delete_model(name)
    else:
        reg.delete_version(name, version)
    click.echo(f"deleted {what}")
