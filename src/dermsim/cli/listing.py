"""Lists of the libraries (compounds, sites, vehicles, devices, presets): a table whose names are never cut, or
JSON with ``--json``.

Each list is records (one dict per entry, numbers in the unit named in the key) and columns that format them;
the first column is the name a user types, printed whole on one line; long text wraps instead of being cut.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

import typer

#: The ``--json`` option every list command takes.
JSON_OPTION = typer.Option(False, "--json", help="print the list as JSON (every field, numbers in the units "
                                                 "named in the keys)")


@dataclass(frozen=True)
class Column:
    """One column of a list: ``key`` of the records, its ``header``, how to ``show`` a value, whether it wraps."""

    key: str
    header: str
    show: Callable[[Any], str] = str
    wraps: bool = False


def number(fmt: str, missing: str = "—") -> Callable[[Any], str]:
    """A formatter for numbers (``missing`` for None)."""
    return lambda value: missing if value is None else format(value, fmt)


def _tidy(value: Any) -> Any:
    """Floats to 12 significant digits (unit conversions leave 0.20000000000000004)."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    return value


def print_list(records: list[dict], columns: list[Column], as_json: bool, note: str = "") -> None:
    """Print ``records`` as JSON or as a table: the first column (the name) whole and unwrapped, wrapping columns
    folded over lines, the others on one line."""
    if as_json:
        typer.echo(json.dumps(_tidy(records), indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Column as RichColumn, Table

    texts = [[column.show(record.get(column.key)) for column in columns] for record in records]
    widths = [max([len(column.header.split()[0]) if column.wraps else len(column.header),
                   *(len(row[i]) if not column.wraps else 0 for row in texts)]) for i, column in enumerate(columns)]
    fixed = sum(w + 3 for w, c in zip(widths, columns) if not c.wraps) + 1
    wrapping = sum(c.wraps for c in columns)
    console = Console()
    if not console.is_terminal:                     # pipes and files: as wide as the table needs, not 80 columns
        console = Console(width=max(fixed + 48 * wrapping, 100))
    table = Table(*[RichColumn(c.header, no_wrap=not c.wraps, overflow="fold", min_width=None if c.wraps else w)
                    for c, w in zip(columns, widths)])
    for row in texts:
        table.add_row(*row)
    console.print(table)
    if note:
        console.print(f"[dim]{note}[/dim]", highlight=False)
