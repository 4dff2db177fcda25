"""``python -m mlarsenal.cli``: the same as the ``mlarsenal`` command."""

from mlarsenal.cli import main

main()
