"""``python -m mlarsenal.serving MODEL...``: the ``mlarsenal serve`` command on its own."""

from mlarsenal.serving._command import serve_command

if __name__ == "__main__":
    serve_command(prog_name="python -m mlarsenal.serving")
