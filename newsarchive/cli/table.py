"""Plain-text tables on standard output, as `runs` and `coverage` print them."""

from __future__ import annotations

from collections.abc import Sequence


def print_table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[object]]) -> None:
    """A header of `columns` (title, alignment: "<" or ">") and `rows`, each column as wide as
    its widest cell, two spaces apart; no trailing spaces."""
    texts = [tuple(str(cell) for cell in row) for row in rows]
    widths = [
        max([len(title)] + [len(row[n]) for row in texts]) for n, (title, _) in enumerate(columns)
    ]
    for row in [tuple(title for title, _ in columns), *texts]:
        cells = [
            f"{cell:{align}{width}}"
            for cell, (_, align), width in zip(row, columns, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())
