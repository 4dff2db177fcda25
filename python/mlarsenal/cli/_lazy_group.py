"""A click group whose commands are imported only when used (or listed by --help).

Keeps ``mlarsenal --help`` and every command's start-up cheap: a command
module imports its heavy dependencies (pandas, pyarrow, the server) inside
its function, and only its own module is loaded to run it.
"""

from __future__ import annotations

import importlib

import click

from mlarsenal.cli._errors import USER_ERRORS, UserError, user_message


class LazyGroup(click.Group):
    """`lazy_commands` maps a command name to ``"package.module:attribute"``."""

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx, cmd_name):
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = target.partition(":")
        try:
            return getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            return _unavailable(cmd_name, target, exc)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            if ctx.find_root().params.get("debug"):
                raise
            raise UserError(user_message(exc)) from exc


def _unavailable(name: str, module_name: str, exc: ImportError) -> click.Command:
    """A command that explains why `name` cannot run here (its module failed to import)."""

    def explain():
        raise UserError(
            f"'mlarsenal {name}' is not available: {module_name} failed to import ({exc})"
        )

    return click.Command(
        name,
        callback=explain,
        help=f"(not available: {module_name} failed to import)",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
