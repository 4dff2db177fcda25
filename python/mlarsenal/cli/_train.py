"""``mlarsenal train``: fit a model on a CSV/Parquet file and register it."""

from __future__ import annotations

import time

import click
import numpy as np

from mlarsenal.batch._formats import FORMATS
from mlarsenal.cli._estimators import MODEL_KINDS
from mlarsenal.cli._options import parse_pairs, store_option


@click.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--target", required=True, help="The column to predict.")
@click.option(
    "--drop",
    multiple=True,
    metavar="COLUMN",
    help="A column that is not a feature, such as an id (repeatable).",
)
@click.option("--name", help="Register the model under this name (in --store).")
@click.option(
    "--model",
    "kind",
    type=click.Choice(list(MODEL_KINDS)),
    default="gradient_boosting",
    show_default=True,
    help="gradient_boosting picks classifier or regressor from the target column.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="An estimator parameter, e.g. max_iter=200 (values read as JSON; repeatable).",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0.0, 1.0, max_open=True),
    default=0.2,
    show_default=True,
    help="Fraction of rows kept out of training to score the model (0: none).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split and fit.")
@click.option("--alias", "aliases", multiple=True, help="Point this alias at the new version.")
@click.option("--description", default="", help="Description of the new version.")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE", help="A version tag.")
@click.option(
    "--experiment", default="default", show_default=True, help="Tracking experiment of the run."
)
@click.option("--output", type=click.Path(dir_okay=False), help="Also save the model to this file.")
@click.option("--format", "data_format", type=click.Choice(FORMATS), help="Default: from DATA.")
@store_option
def train(
    data,
    target,
    drop,
    name,
    kind,
    params,
    holdout,
    seed,
    aliases,
    description,
    tags,
    experiment,
    output,
    data_format,
    store,
):
    """Fit a model on DATA (CSV or Parquet) to predict --target, and register it.

    Every column but --target and --drop is a feature; text columns become
    categorical features. The fit is recorded as a
    tracking run (parameters, holdout metrics) and the model registered as
    the next version of --name, with its lineage; the version's reference is
    printed last. Give --output to save a model file as well (or instead).

    \b
    Example:
      mlarsenal train churn.csv --target churned --name churn \\
          --param max_iter=200 --param learning_rate=0.05 --alias challenger
    """
    if name is None and output is None:
        raise click.UsageError("give --name (register the model), --output (save it), or both")
    estimator_params = parse_pairs(params, "--param", typed=True)
    version_tags = parse_pairs(tags, "--tag", typed=False)
    if name is not None:
        from mlarsenal.registry._names import check_alias, check_name

        check_name(name)
        for alias in aliases:
            check_alias(alias)
    from mlarsenal.cli._data import read_table, split_target

    X, y = split_target(read_table(data, data_format), target)
    X = _drop_columns(X, drop)
    if name is None:
        fitted, _, metrics, _, _ = _fit(X, y, kind, estimator_params, holdout, seed)
        _report(fitted, metrics, holdout, output)
        return
    from mlarsenal import tracking
    from mlarsenal.cli._models import open_registry

    registry = open_registry(store)
    # The run spans the fit: its duration is the training time, and a failed
    # fit leaves a FAILED run behind.
    with tracking.start_run(f"train {name}", experiment=experiment, registry=registry) as run:
        run.set_tag("data", str(data))
        run.log_params({"model": kind, "target": target, "holdout": holdout, "seed": seed})
        run.log_params(estimator_params)
        fitted, task, metrics, X_fit, y_fit = _fit(X, y, kind, estimator_params, holdout, seed)
        run.set_tag("task", task)
        defined = {k: v for k, v in metrics.items() if v is not None}
        run.log_metrics(defined)
        _report(fitted, metrics, holdout, output)
        version = registry.register(
            name,
            fitted,
            description=description,
            tags=version_tags,
            metrics=defined,
            aliases=aliases,
            X=X_fit,
            y=y_fit,
            run_id=run.run_id,
        )
    suffix = f" (aliases: {', '.join(version.aliases)})" if version.aliases else ""
    click.echo(f"registered {version.uri}{suffix}")


def _drop_columns(X, drop):
    missing = [c for c in drop if c not in X.columns]
    if missing:
        raise ValueError(f"--drop: the data has no column(s) {missing}")
    X = X.drop(columns=list(drop))
    if X.shape[1] == 0:
        raise ValueError("--drop: no feature column is left")
    return X


def _report(fitted, metrics, holdout, output) -> None:
    if metrics:
        _print_metrics(metrics, holdout)
    if output is not None:
        fitted.save(output)
        click.echo(f"saved {output}", err=True)


def _fit(X, y, kind, params, holdout, seed):
    from mlarsenal.cli._estimators import detect_task, make_estimator
    from mlarsenal.cli._scores import model_scores

    task = MODEL_KINDS[kind] or detect_task(y)
    if task == "classification":
        n_classes = len(np.unique(y))
        if n_classes < 2:
            raise ValueError(f"--target: a classifier needs at least 2 classes, got {n_classes}")
        click.echo(f"task: classification ({n_classes} classes)", err=True)
    else:
        if y.dtype == object:
            raise ValueError("--target: a regressor needs a numeric target column")
        click.echo("task: regression", err=True)
    estimator = make_estimator(task, params, seed)
    X_fit, y_fit, X_test, y_test = _split(X, y, task, holdout, seed)
    started = time.perf_counter()
    estimator.fit(X_fit, y_fit)
    click.echo(f"fitted on {len(y_fit)} rows in {time.perf_counter() - started:.2f} s", err=True)
    metrics = {} if X_test is None else model_scores(estimator, X_test, y_test)
    return estimator, task, metrics, X_fit, y_fit


def _split(X, y, task, holdout, seed):
    if holdout == 0:
        return X, y, None, None
    from sklearn.model_selection import train_test_split

    stratify = None
    if task == "classification" and np.unique(y, return_counts=True)[1].min() >= 2:
        stratify = y
    try:
        X_fit, X_test, y_fit, y_test = train_test_split(
            X, y, test_size=holdout, random_state=seed, stratify=stratify
        )
    except ValueError as exc:
        raise ValueError(f"--holdout {holdout}: {exc}") from exc
    return X_fit, y_fit, X_test, y_test


def _print_metrics(metrics: dict, holdout: float) -> None:
    from mlarsenal.cli._table import format_table

    click.echo(f"holdout metrics ({holdout:.0%} of the rows):")
    click.echo(format_table(["metric", "value"], [[k, v] for k, v in metrics.items()]))
