"""``python -m mlarsenal.demo``: the same as ``mlarsenal demo``."""

from mlarsenal.cli._demo import demo

demo.main(prog_name="python -m mlarsenal.demo")
