"""``mlarsenal predict``: a model over a CSV/Parquet file, in chunks, into another file."""

from __future__ import annotations

import sys

import click

from mlarsenal.batch._features import METHODS
from mlarsenal.batch._formats import FORMATS
from mlarsenal.batch._predict import DEFAULT_CHUNK_ROWS
from mlarsenal.cli._options import store_option


@click.command()
@click.argument("model")
@click.argument("src", type=click.Path(dir_okay=False))
@click.argument("dst", type=click.Path(dir_okay=False))
@click.option(
    "--chunk-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNK_ROWS,
    show_default=True,
    help="Rows read, predicted and written at a time (bounds the memory used).",
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="predict",
    show_default=True,
    help="predict: one 'prediction' column; predict_proba: one 'proba_<class>' column per class.",
)
@click.option(
    "--keep",
    "keep_columns",
    multiple=True,
    metavar="COLUMN",
    help="Copy this input column to the output, before the predictions (repeatable).",
)
@click.option(
    "--feature",
    "feature_columns",
    multiple=True,
    metavar="COLUMN",
    help="The model's input columns in order (repeatable); default: its feature names, "
    "else every column not kept.",
)
@click.option("--src-format", type=click.Choice(FORMATS), help="Default: from SRC's ending.")
@click.option("--dst-format", type=click.Choice(FORMATS), help="Default: from DST's ending.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (needs tqdm). Default: when stderr is a terminal.",
)
@store_option
def predict(
    model,
    src,
    dst,
    chunk_rows,
    method,
    keep_columns,
    feature_columns,
    src_format,
    dst_format,
    progress,
    store,
):
    """Predict every row of SRC with MODEL and write the results to DST.

    MODEL is a model file or a registry reference (models:/name@alias,
    name@alias, name/3). SRC and DST are CSV or Parquet files; DST keeps the
    row order of SRC and appears only once complete.

    \b
    Example:
      mlarsenal predict models:/churn@champion customers.parquet scores.csv \\
          --keep customer_id --method predict_proba
    """
    from mlarsenal.batch import predict_file
    from mlarsenal.cli._models import load_model

    if progress is None:
        # A bar in a log file or a pipe is noise: draw it for a person watching.
        progress = sys.stderr.isatty()

    rows = predict_file(
        load_model(model, store),
        src,
        dst,
        chunk_rows=chunk_rows,
        method=method,
        keep_columns=keep_columns,
        feature_columns=feature_columns or None,
        src_format=src_format,
        dst_format=dst_format,
        progress=progress,
    )
    click.echo(f"wrote {rows} rows to {dst}", err=True)
