"""Shared command-line plumbing: one-line errors with exit code 2, staged output, progress bars, run-and-save.

Every `dermsim` sub-command uses these, so bad input always prints one line and exits 2, and an output
directory is only ever filled with complete files.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import typer

from dermsim.errors import DermsimError, InputError, ResultCheckError


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def user_errors(flags: Mapping[str, str] | None = None):
    """One line and exit 2 for bad input (exit 3 for a result that fails its checks). ``flags`` maps the
    scenario fields a command builds from its options to those options, so a message names what the user
    typed: ``--passes (microneedle.passes): got '0'; ...``."""
    try:
        yield
    except ResultCheckError as exc:              # the run is wrong, not the input: exit 3, nothing written
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=3)
    except DermsimError as exc:
        message = str(exc)
        field = getattr(exc, "field", None)
        if flags and isinstance(exc, InputError) and field in flags and message.startswith(f"{field}:"):
            flag = flags[field]
            message = flag + ("" if flag.lstrip("-") == field else f" ({field})") + message[len(field):]
        fail(message)


#: File that marks a folder as a dermsim output set (a folder without it that holds files is not overwritten).
OUTPUT_MARKER = ".dermsim-output"
#: File that marks a staging folder of a run in progress (left behind only by a killed run; removed by the next).
STAGING_MARKER = ".dermsim-staging"


def check_out(out, kind: str | None = None, overwrite: bool = False) -> Path:
    """``--out`` checked before anything is computed: a name, not a file, not a link, in a writable folder, and
    either new, empty or an output set dermsim wrote before for the same kind of run (``kind``). A folder holding
    other files, or another kind's set, needs ``overwrite``."""
    if str(out).strip() in ("", "."):
        raise InputError("--out", str(out), "a folder name for the output set (not empty, not the current folder)")
    out = Path(out)
    if out.is_symlink():
        raise InputError("--out", str(out), "a real folder, not a symbolic link")
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "a directory (a file of that name exists)")
    allowed = "a new or empty folder, or one dermsim wrote before; --overwrite to write into it anyway"
    if out.is_dir() and not overwrite:
        marker = out / OUTPUT_MARKER
        if marker.exists():
            previous = _marked_kind(marker)
            if kind is not None and previous is not None and previous != kind:
                raise InputError("--out", str(out), allowed,
                                 problem=f"{str(out)!r} holds the output of a {previous} run, this is a {kind} run")
        else:
            foreign = sorted(p.name for p in out.iterdir())
            if foreign:
                raise InputError("--out", str(out), allowed,
                                 problem=f"{str(out)!r} holds files dermsim did not write ({', '.join(foreign[:3])}"
                                         f"{', ...' if len(foreign) > 3 else ''})")
    parent = out.resolve().parent
    if parent.exists() and not os.access(parent, os.W_OK):
        raise InputError("--out", str(out), "a folder whose parent is writable")
    return out


def check_out_file(out) -> Path:
    """An output FILE (``predict-kp --out``) checked before anything is computed: a name, not a folder, not a
    link, in an existing writable folder. Temporaries a killed run left beside it are removed."""
    if str(out).strip() in ("", "."):
        raise InputError("--out", str(out), "a file name for the output CSV")
    out = Path(out)
    if out.is_symlink():
        raise InputError("--out", str(out), "a real file name, not a symbolic link")
    if out.is_dir():
        raise InputError("--out", str(out), "a file name (a folder of that name exists)")
    parent = out.parent
    if not parent.is_dir():
        raise InputError("--out", str(out), "a path in an existing folder")
    if not os.access(parent, os.W_OK):
        raise InputError("--out", str(out), "a path in a writable folder")
    for stale in parent.glob(f".{out.name}.*.tmp"):          # atomic_write leftovers of a killed run
        stale.unlink(missing_ok=True)
    return out


def _marked_kind(marker: Path) -> str | None:
    """The kind of run recorded in an output marker (None for a marker of an older dermsim)."""
    for line in marker.read_text(errors="replace").splitlines():
        if line.startswith("kind: "):
            return line[6:].strip()
    return None


def _owned(out: Path) -> bool:
    """True if ``out`` is absent, empty or an output set dermsim wrote (so it may be replaced whole)."""
    return not out.exists() or (out / OUTPUT_MARKER).exists() or not any(out.iterdir())


@contextmanager
def staged_output(out: Path, kind: str | None = None, overwrite: bool = False):
    """Yield a temporary sibling of ``out``; on success publish it as ``out`` whole (the previous set is kept
    until the new one is complete, then removed), else leave ``out`` untouched. A reader sees the old set or
    the new one, never a mixture. With ``overwrite`` into a folder holding the user's own files, the new files
    are moved in one by one (same names replaced, the others kept) and no marker is written, so the folder is
    never replaced whole later."""
    out = check_out(out, kind, overwrite)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f".{out.name}.*"):          # staging folders of killed runs into this --out
            if stale.is_dir() and (stale / STAGING_MARKER).exists():
                shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
        (tmp / STAGING_MARKER).touch()
    except OSError as exc:
        raise InputError("--out", str(out), f"a writable directory ({exc.strerror})") from None
    try:
        yield tmp
        (tmp / STAGING_MARKER).unlink()
        if not _owned(out):                                   # --overwrite into the user's own folder
            for item in tmp.iterdir():
                os.replace(item, out / item.name)
            return
        (tmp / OUTPUT_MARKER).write_text("written by dermsim; the folder is replaced whole by the next run\n"
                                          + (f"kind: {kind}\n" if kind else ""))
        os.chmod(tmp, 0o777 & ~_umask())
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=parent))
            (old / STAGING_MARKER).touch()
            os.replace(out, old / "set")
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def progress_bar(label: str = "simulating"):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), TimeElapsedColumn(), transient=True,
                    console=console, disable=not console.is_terminal)


#: Options of every command that simulates: limits checked before anything is allocated (`dermsim.budget`).
MAX_MEMORY_OPTION = typer.Option(None, "--max-memory", help="refuse a run estimated to need more memory than this, "
                                 "e.g. '2 GB' (default: the memory available on this machine)")
MAX_TIME_OPTION = typer.Option(None, "--max-time", help="refuse a run estimated to take longer than this, e.g. '10 min'")
OVERWRITE_OPTION = typer.Option(False, "--overwrite", help="write into --out even if it holds other files (same "
                                "names replaced, the others kept) or another kind of run's output")


def pause_for_tests(point: str) -> None:
    """Fault-injection hook for the tests, and for nothing else: with ``DERMSIM_TEST_PAUSE_AT`` set to ``point``
    (``simulating``, ``plotting`` or ``writing``) the run writes "paused at <point>" to stderr and sleeps for
    ``DERMSIM_TEST_PAUSE_SECONDS`` (default 30) there, so that a test can kill it at that point."""
    if os.environ.get("DERMSIM_TEST_PAUSE_AT") == point:
        import sys
        import time

        sys.stderr.write(f"paused at {point}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ.get("DERMSIM_TEST_PAUSE_SECONDS", "30")))


def simulate_and_save(scenario, out: Path, plots: bool, max_memory: str | None = None,
                      max_time: str | None = None, overwrite: bool = False, *, study=None,
                      kind: str | None = None) -> None:
    """Simulate any scenario with a progress bar, write its output set into ``out`` (staged), print the answer.

    With plots, a `PlotWorker` warms matplotlib up on the second core while the simulation runs. The run's memory
    and time are estimated first and a run over ``max_memory`` / ``max_time`` (or the available memory) refused.
    ``study``: instead of `simulate`, a callable ``(progress) -> Result`` (populations, sweeps, sensitivity) whose
    result is of ``kind``.
    """
    from rich.console import Console

    from dermsim.budget import parse_memory, parse_seconds
    from dermsim.plotworker import PlotWorker
    from dermsim.simulation import simulate

    kind = kind or ("population" if getattr(scenario, "population", None) is not None else scenario.kind)
    check_out(out, kind, overwrite)         # before anything is computed
    limits = {"max_memory": parse_memory(max_memory), "max_time": parse_seconds(max_time)}
    with PlotWorker(enabled=plots) as worker:
        with progress_bar(kind) as bar:
            task = bar.add_task("sim", total=1.0)

            def progress(fraction: float) -> None:
                pause_for_tests("simulating")
                bar.update(task, completed=fraction)

            result = study(progress) if study is not None else simulate(scenario, progress=progress, **limits)

        def draw(function, *args):
            pause_for_tests("plotting")
            return worker(function, *args)

        with staged_output(out, kind, overwrite) as tmp, progress_bar("writing") as bar:
            bar.add_task("write", total=None)               # plots of a tissue run take seconds
            written = result.save(tmp, plots=plots, draw=draw)
            pause_for_tests("writing")
    console = Console(soft_wrap=True)
    console.print(result.summary["answer"], highlight=False)
    balance = result.summary.get("mass_balance_relative_error")
    checked = f"mass balance relative error {balance:.1e}; " if balance is not None else ""
    console.print(f"[dim]{checked}wrote {out}/{', '.join(p.name for p in written)}[/dim]", highlight=False)


DEFAULT_OUT_ROOT = Path("dermsim-out")


def default_out(*parts: str | None) -> Path:
    """The default output folder of a command: ``dermsim-out/<command>-<what it ran>`` (e.g.
    ``dermsim-out/run-niacinamide_serum_face``), so two commands never share a folder by default."""
    words = [re.sub(r"[^A-Za-z0-9.]+", "_", str(p)).strip("_.") for p in parts if p]
    return DEFAULT_OUT_ROOT / ("-".join(w for w in words if w) or "run")
