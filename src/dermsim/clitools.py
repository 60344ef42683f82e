"""Shared command-line plumbing: one-line errors with exit code 2, staged output, progress bars.

Every `dermsim` sub-command uses these, so bad input always prints one line and exits 2, and an output
directory is only ever filled with complete files.
"""

from __future__ import annotations

import os
import shutil
import sys
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


def _plot_worker(conn) -> None:
    """Body of the forked plot process: warm matplotlib up, then run one ``(function, args)`` job."""
    try:
        from dermsim import plotting

        plotting.warm_up()
        job = conn.recv()
        if job is not None:
            function, args = job
            conn.send(("ok", function(*args)))
    except BaseException as exc:  # reported to the parent, which raises it as a one-line error
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class PlotWorker:
    """Draw plots in a forked process, so matplotlib's import and font set-up (≈ 0.6 s) overlap the
    simulation on a second core. Use as a context manager started before the heavy work; call it like
    ``worker(plotting.save_all, result, out_dir)``. Where ``fork`` is unavailable (or ``enabled`` is
    False) the function simply runs in this process.
    """

    def __init__(self, enabled: bool = True):
        self._proc = self._conn = None
        if enabled and hasattr(os, "fork") and sys.platform.startswith("linux"):
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe()
            self._proc = ctx.Process(target=_plot_worker, args=(child,), daemon=True)
            self._proc.start()
            child.close()

    def __call__(self, function, *args):
        if self._proc is None:
            return function(*args)
        self._conn.send((function, args))
        status, payload = self._conn.recv()
        self.close()
        if status == "error":
            raise DermsimError(f"plotting failed: {payload}")
        return payload

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.terminate()
            self._conn.close()
            self._proc = self._conn = None

    def __enter__(self) -> "PlotWorker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
