"""Shared command-line plumbing: one-line errors with exit code 2, staged output, progress bars.

Every `dermsim` sub-command uses these, so bad input always prints one line and exits 2, and an output
directory is only ever filled with complete files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import typer

from dermsim.errors import DermsimError, InputError


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def user_errors():
    try:
        yield
    except DermsimError as exc:
        fail(str(exc))


@contextmanager
def staged_output(out: Path):
    """Yield a temporary directory; on success move its files into ``out``, else leave ``out`` untouched."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "a directory (a file of that name exists)")
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise InputError("--out", str(out), f"a writable directory ({exc.strerror})") from None
    try:
        yield tmp
        out.mkdir(exist_ok=True)
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def progress_bar(label: str = "simulating"):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), TimeElapsedColumn(), transient=True,
                    console=console, disable=not console.is_terminal)
