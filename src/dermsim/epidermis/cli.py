"""`dermsim epidermis …` commands (registered by :mod:`dermsim.cli`)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Epidermal renewal: clones and the spatial tissue.")
