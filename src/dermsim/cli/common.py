"""Shared command-line plumbing: one-line errors with exit code 2, staged output, progress bars, run-and-save.

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

from dermsim.errors import DermsimError, InputError, ResultCheckError


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def user_errors():
    try:
        yield
    except ResultCheckError as exc:              # the run is wrong, not the input: exit 3, nothing written
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=3)
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


def simulate_and_save(scenario, out: Path, plots: bool) -> None:
    """Simulate any scenario with a progress bar, write its output set into ``out`` (staged), print the answer.

    With plots, a `PlotWorker` warms matplotlib up on the second core while the simulation runs.
    """
    from rich.console import Console

    from dermsim.plotworker import PlotWorker
    from dermsim.simulation import simulate

    with PlotWorker(enabled=plots) as worker:
        with progress_bar(scenario.kind) as bar:
            task = bar.add_task("sim", total=1.0)
            result = simulate(scenario, progress=lambda f: bar.update(task, completed=f))
        with staged_output(out) as tmp:
            written = result.save(tmp, plots=plots, draw=worker)
    console = Console(soft_wrap=True)
    console.print(result.summary["answer"], highlight=False)
    balance = result.summary.get("mass_balance_relative_error")
    checked = f"mass balance relative error {balance:.1e}; " if balance is not None else ""
    console.print(f"[dim]{checked}wrote {out}/{', '.join(p.name for p in written)}[/dim]", highlight=False)
