"""The ``mlarsenal`` command: the root group and its entry point."""

from __future__ import annotations

import click

from mlarsenal._version import __version__
from mlarsenal.cli._lazy_group import LazyGroup

# Command name -> where it lives; each module is imported only when needed.
COMMANDS = {
    "bench": "mlarsenal.cli._bench:bench",
    "demo": "mlarsenal.cli._demo:demo",
    "evaluate": "mlarsenal.cli._evaluate:evaluate",
    "info": "mlarsenal.cli._info:info",
    "predict": "mlarsenal.cli._predict:predict",
    "registry": "mlarsenal.cli._registry:registry",
    "runs": "mlarsenal.cli._runs:runs",
    "serve": "mlarsenal.serving:serve_command",
    "train": "mlarsenal.cli._train:train",
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="mlarsenal")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the full traceback of errors instead of a one-line message.",
)
def cli(debug: bool) -> None:
    """mlarsenal: train, evaluate, register, serve and batch-predict models.

    Exit status: 0 on success, 1 on an error (message on stderr), 2 on a
    usage error. Registry references such as models:/name@alias and
    models:/name/3 work wherever a model file does.
    """


def main(argv: list[str] | None = None) -> None:
    """The console script ``mlarsenal`` (also ``python -m mlarsenal.cli``)."""
    cli.main(args=argv, prog_name="mlarsenal")
