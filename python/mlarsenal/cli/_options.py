"""Options several commands share, and the parsing of ``key=value`` arguments."""

from __future__ import annotations

import json

import click

# --registry as well: the name `mlarsenal serve` gives the same folder.
store_option = click.option(
    "--store",
    "--registry",
    "store",
    type=click.Path(file_okay=False),
    default=None,
    help="Registry and tracking root folder (default: $MLARSENAL_HOME, else ./mlarsenal-store).",
)


def parse_value(text: str):
    """A parameter value typed as JSON reads it (5, 0.1, true, null, [1, 2]), else the text.

    Python's spellings True, False and None are accepted too.
    """
    python_words = {"True": True, "False": False, "None": None}
    if text in python_words:
        return python_words[text]
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_pairs(pairs: tuple[str, ...], option: str, *, typed: bool) -> dict:
    """{key: value} from ``key=value`` strings; a usage error names `option` otherwise."""
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint=option)
        if key in result:
            raise click.BadParameter(f"{key!r} is given twice", param_hint=option)
        result[key] = parse_value(value) if typed else value
    return result
