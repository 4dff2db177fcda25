"""``mlarsenal demo``: the main job end to end on bundled data, in seconds."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the demo's registry in this folder (default: a temporary one, removed after).",
)
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Serve the registered model and send it one inference request.",
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Timed calls per fit and predict (the table shows their median).",
)
@click.option(
    "--n-jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Threads per library (0: each library's default, all cores).",
)
def demo(store, serve, repeats, n_jobs):
    """Compare mlarsenal and scikit-learn gradient boosting, register, serve, query.

    Trains both on scikit-learn's bundled breast cancer (classification) and
    diabetes (regression) data with the same settings and prints fit time,
    predict time and test quality side by side. Then registers the mlarsenal
    classifier as models:/breast_cancer@champion, serves it on 127.0.0.1 (a
    free port), sends one Open Inference Protocol v2 request, prints the
    answer and shuts the server down.
    """
    from mlarsenal.demo import run_demo

    run_demo(store=store, serve=serve, repeats=repeats, n_jobs=n_jobs or None, echo=click.echo)
