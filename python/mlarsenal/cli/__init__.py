"""The ``mlarsenal`` command line; ``main`` is its entry point (see ``mlarsenal --help``)."""

from mlarsenal.cli._main import cli, main

__all__ = ["cli", "main"]
