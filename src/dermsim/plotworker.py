"""A second process that draws plots while the first one simulates.

matplotlib's import and font set-up take about 0.6 s, as long as a whole command-line run. `PlotWorker`
forks a process that does this on the other core while the main process parses, simulates and writes
NetCDF; the finished result is then sent to it and drawn there. Measured by `benchmarks/plot_worker.py`:
`dermsim run` with three plots 0.70 s with the worker vs 0.84 s without (median of 15); forking it
earlier, before typer loads, gave nothing more (0.69 s), so it is forked when a command starts.
This module imports nothing heavy.
"""

from __future__ import annotations

import os
import sys

from dermsim.errors import DermsimError


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to send SIGTERM to this process when its parent dies (Linux PR_SET_PDEATHSIG), and exit at
    once if the parent is already gone (it may die between the fork and the request)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM))          # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):               # not Linux's libc: the closed pipe end below still works
        pass
    if os.getppid() != parent_pid:
        os._exit(0)


def _plot_worker(conn, parent_end, parent_pid: int) -> None:
    """Body of the forked plot process: warm matplotlib up, then run one ``(function, args)`` job. It closes the
    parent's end of the pipe (so a dead parent reads as end-of-file) and dies with its parent."""
    parent_end.close()
    _die_with_parent(parent_pid)
    try:
        from dermsim import plotting

        plotting.warm_up()
        job = conn.recv()
        if job is not None:
            function, args = job
            conn.send(("ok", function(*args)))
    except EOFError:              # the parent has gone: nothing to draw
        pass
    except BaseException as exc:  # reported to the parent, which raises it as a one-line error
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
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
            self._proc = ctx.Process(target=_plot_worker, args=(child, self._conn, os.getpid()), daemon=True)
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
