"""Plain-text tables for the terminal: columns padded to their widest cell."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence], *, right: Sequence[int] = ()
) -> str:
    """Left-aligned text, right-aligned numbers, two spaces between columns.

    Columns of numbers are right-aligned, and so are those whose index is in `right`.

    >>> print(format_table(["name", "n"], [["a", 1], ["bcd", 22]]))
    name   n
    ----  --
    a      1
    bcd   22
    """
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for j, text in enumerate(row):
            widths[j] = max(widths[j], len(text))
    numeric = [
        j in right or (bool(rows) and all(_is_number(row[j]) or row[j] is None for row in rows))
        for j in range(len(headers))
    ]

    def line(values):
        parts = [
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 or abs(value) >= 1e6 else f"{value:.4f}"
    return str(value)
