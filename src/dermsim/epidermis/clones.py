"""Labelled epidermal clones: `simulate_clones` (statistics as an xarray Dataset) and `run_clones` (every clone's
counts), exact in law (continuous-time Markov chain of the reactions of :mod:`dermsim.epidermis.kinetics`).

The stochastic kernels are in `dermsim.epidermis.clone_kernels`, the statistics and exact laws in
`dermsim.epidermis.clone_statistics`, the Dataset and its files in `dermsim.epidermis.clone_dataset`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dermsim.epidermis.clone_dataset import build_dataset
from dermsim.epidermis.clone_kernels import initial_stem_probability, simulate_counts
from dermsim.epidermis.clone_statistics import Moments
from dermsim.epidermis.kinetics import FateRates
from dermsim.errors import InputError

#: Clones simulated together (memory ≈ 9 int32 per clone and output time, 4.7 MB per 10⁴ clones × 53 outputs);
#: results depend on it only through the order of random draws, so it is fixed.
CHUNK = 1 << 17


def output_times(duration: float | None = None, times: Sequence[float] | None = None,
                 output_every: float | None = None) -> np.ndarray:
    """Output times in weeks: explicit ``times``, or 0, ``output_every``, … up to ``duration`` (inclusive), or
    52 equal steps (53 points) when only ``duration`` is given."""
    if times is not None:
        t = np.asarray(times, dtype=float).ravel()
        if t.size == 0 or not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(np.diff(t) < 0):
            raise InputError("times", list(times), "a non-empty increasing list of times ≥ 0 (week)")
        return t
    if duration is None or not np.isfinite(duration) or duration <= 0:
        raise InputError("duration", duration, "a time > 0 (week)")
    if output_every is None:
        output_every = duration / 52
    if not np.isfinite(output_every) or output_every <= 0:
        raise InputError("output_every", output_every, "a time > 0 (week)")
    n = int(np.floor(duration / output_every + 1e-9))
    if n > 100_000:
        raise InputError("output_every", output_every, "at most 100,000 output times per run")
    t = np.arange(n + 1) * float(output_every)
    return t if np.isclose(t[-1], duration) else np.append(t, duration)


@dataclass
class CloneRun:
    """Raw outcome of `run_clones`: counts (4, n_clones, n_times) of (S, A, B, C) at ``times`` (week)."""

    rates: FateRates
    times: np.ndarray
    counts: np.ndarray
    seed: int | None
    initial: str


def run_clones(rates: FateRates, n_clones: int, times: Sequence[float] | np.ndarray, *, seed: int | None = None,
               rng: np.random.Generator | None = None, initial: str = "auto",
               progress: Callable[[float], object] | None = None) -> CloneRun:
    """Simulate ``n_clones`` clones and keep every clone's counts (memory 16·n_clones·len(times) bytes)."""
    n_clones = _check_clones(n_clones)
    times = output_times(times=times)
    _check_memory(n_clones, times.size, per_clone=True)
    rng = rng if rng is not None else np.random.default_rng(seed)
    counts = simulate_counts(rates, n_clones, times, rng, initial=initial, progress=progress)
    return CloneRun(rates, times, counts, seed, initial)


#: Largest working memory of one kernel call, bytes (≈ 36 bytes per clone and output time, more with per_clone).
MEMORY_LIMIT = 4e9


def run_memory(n_clones: int, n_times: int, per_clone: bool) -> float:
    """Working memory of a clones run, bytes (one chunk of clones at a time; every clone's counts with per_clone)."""
    return min(n_clones, CHUNK) * n_times * 36 + (n_clones * n_times * 16 if per_clone else 0)


def _check_memory(n_clones: int, n_times: int, per_clone: bool) -> None:
    need = run_memory(n_clones, n_times, per_clone)
    if need > MEMORY_LIMIT:
        raise InputError("times", f"{n_times} output times × {n_clones} clones",
                         f"a run needing ≤ {MEMORY_LIMIT / 1e9:g} GB (this one needs ≈ {need / 1e9:.1f} GB): "
                         "fewer output times or clones")


def _check_clones(n_clones) -> int:
    if isinstance(n_clones, bool) or not isinstance(n_clones, int | np.integer) or n_clones <= 0:
        raise InputError("clones", n_clones, "a whole number of clones > 0")
    return int(n_clones)


def check_run(rates: FateRates, n_clones, *, duration: float | None = None, times: Sequence[float] | None = None,
              output_every: float | None = None, initial: str = "auto", per_clone: bool = False):
    """Validate the arguments of `simulate_clones` before any work; returns (n_clones, output times in weeks)."""
    n_clones = _check_clones(n_clones)
    t = output_times(duration, times, output_every)
    initial_stem_probability(rates, initial)
    _check_memory(n_clones, t.size, per_clone)
    return n_clones, t


def simulate_clones(rates: FateRates, n_clones: int, *, duration: float | None = None,
                    times: Sequence[float] | None = None, output_every: float | None = None,
                    seed: int | None = None, initial: str = "auto", per_clone: bool = False,
                    progress: Callable[[float], object] | None = None):
    """Simulate labelled clones and summarise them as an xarray Dataset.

    Parameters
    ----------
    rates : FateRates
        Fate rates (1/week), e.g. ``kinetics.load_preset("clayton2007-mouse-tail")``.
    n_clones : int
        Number of independent clones (each from one labelled cell).
    duration : float, optional
        Last output time, week (with ``output_every``, week, or 52 equal steps).
    times : sequence of float, optional
        Explicit output times, week (instead of ``duration``).
    output_every : float, optional
        Output interval, week.
    seed : int, optional
        Seed of the `numpy.random.Generator` (same seed → same Dataset).
    initial : str
        Founding cell: ``"auto"`` (stem with the steady-state stem fraction, else progenitor), ``"progenitor"``,
        ``"stem"``.
    per_clone : bool
        Also store each clone's counts (variables with dims ``(clone, time)``).
    progress : callable, optional
        ``progress(fraction)`` with fraction in [0, 1].

    Returns
    -------
    xarray.Dataset
        Time coordinate in weeks; survival, means with standard errors (``*_se``), size distributions over
        ``size`` (fractions of the surviving clones), provenance JSON.
    """
    n_clones, t = check_run(rates, n_clones, duration=duration, times=times, output_every=output_every,
                            initial=initial, per_clone=per_clone)
    rng = np.random.default_rng(seed)
    moments = Moments(t.size)
    kept = []
    done = 0
    for start in range(0, n_clones, CHUNK):
        n = min(CHUNK, n_clones - start)
        report = None
        if progress is not None:
            report = lambda f, done=done, n=n: progress((done + f * n) / n_clones)  # noqa: E731
        counts = simulate_counts(rates, n, t, rng, initial=initial, progress=report)
        moments.add(counts)
        if per_clone:
            kept.append(counts)
        done += n
    return build_dataset(rates, t, moments, np.concatenate(kept, axis=1) if per_clone else None,
                    {"clones": n_clones, "seed": seed, "initial": initial})


def summarise(run: CloneRun):
    """The Dataset of `simulate_clones` for an existing `CloneRun` (with per-clone counts)."""
    moments = Moments(run.times.size)
    moments.add(run.counts)
    return build_dataset(run.rates, run.times, moments, run.counts,
                    {"clones": run.counts.shape[1], "seed": run.seed, "initial": run.initial})
