"""``mlarsenal evaluate``: a model's quality on a labelled file, as a table (and plots)."""

from __future__ import annotations

import json
import os

import click
import numpy as np

from mlarsenal.batch._formats import FORMATS
from mlarsenal.batch._predict import DEFAULT_CHUNK_ROWS
from mlarsenal.cli._options import store_option


@click.command()
@click.argument("model")
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--target", required=True, help="The column holding the true values.")
@click.option(
    "--chunk-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNK_ROWS,
    show_default=True,
    help="Rows predicted at a time.",
)
@click.option(
    "--plots",
    type=click.Path(file_okay=False),
    help="Write PNG plots to this folder (needs matplotlib: mlarsenal[plot]).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--format", "data_format", type=click.Choice(FORMATS), help="Default: from DATA.")
@store_option
def evaluate(model, data, target, chunk_rows, plots, as_json, data_format, store):
    """Score MODEL on DATA (CSV or Parquet) against its --target column.

    Classifiers: accuracy, balanced accuracy, log loss, ROC AUC (plots: the
    confusion matrix, and the ROC curve of a binary model). Regressors: RMSE,
    MAE, R² (plots: predicted against true values). The file is read in
    chunks; only the targets and predictions are held in memory.

    \b
    Example:
      mlarsenal evaluate models:/churn@champion holdout.parquet --target churned
    """
    from mlarsenal.cli._models import load_model
    from mlarsenal.cli._scores import classification_scores, is_classifier, regression_scores
    from mlarsenal.cli._table import format_table

    if plots is not None:
        from mlarsenal._optional import import_optional

        import_optional("matplotlib", purpose="evaluate --plots")  # fail before the work
    fitted = load_model(model, store)
    classifier = is_classifier(fitted)
    method = "predict_proba" if classifier else "predict"
    y_true, outputs = _predict_chunks(fitted, data, target, method, chunk_rows, data_format)
    if classifier:
        scores = classification_scores(y_true, outputs, fitted.classes_)
    else:
        scores = regression_scores(y_true, outputs)
    if as_json:
        click.echo(json.dumps({"rows": len(y_true), **scores}, indent=2))
    else:
        click.echo(f"{len(y_true)} rows")
        click.echo(format_table(["metric", "value"], [[k, v] for k, v in scores.items()]))
    if plots is not None:
        from mlarsenal.cli._plots import write_plots

        for path in write_plots(fitted, y_true, outputs, plots):
            click.echo(f"wrote {path}", err=True)


def _predict_chunks(model, data, target, method, chunk_rows, data_format):
    """(true values, predictions) over the whole file, read `chunk_rows` at a time."""
    from mlarsenal.batch._features import feature_columns_for, model_input, predict_method
    from mlarsenal.batch._formats import table_format
    from mlarsenal.batch._read import column_names, open_chunks

    fmt = table_format(data, data_format, argument="data")
    if not os.path.isfile(data):
        raise FileNotFoundError(f"data: no such file {data!r}")
    available = column_names(data, fmt)
    if target not in available:
        raise ValueError(
            f"--target: the data has no column {target!r}; its columns are {available}"
        )
    features = feature_columns_for(model, available, [target], None)
    if target in features:
        raise ValueError(f"--target: {target!r} is one of the model's input features")
    predict = predict_method(model, method)
    truths, outputs = [], []
    with open_chunks(
        data, fmt, chunk_rows=chunk_rows, columns=[*features, target], float_columns=features
    ) as chunks:
        for table in chunks.tables:
            truth = table.column(target)
            if truth.null_count:
                raise ValueError(f"--target: column {target!r} has missing values")
            truths.append(truth.to_numpy(zero_copy_only=False))
            outputs.append(np.asarray(predict(model_input(table, model, features))))
    if not truths:
        raise ValueError(f"data: {data!r} has no rows")
    return np.concatenate(truths), np.concatenate(outputs)
