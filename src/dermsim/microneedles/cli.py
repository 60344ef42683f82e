"""`dermsim devices …` and `dermsim microneedle …` commands (registered by :mod:`dermsim.cli`)."""

from __future__ import annotations

import typer

devices_app = typer.Typer(no_args_is_help=True, help="The packaged microneedle device library.")
microneedle_app = typer.Typer(no_args_is_help=True, help="Microneedle treatments: depth, channels, risk.")
