"""Piecewise-constant coefficients: a run split into epochs, each a time-invariant `System`.

A model whose coefficients change at given times (microneedle channels closing) supplies one `System`
per epoch. At an epoch change the amount in each node is carried over, u_new = u_old C_old / C_new
(or by a model-side ``remap`` when the nodes change), so the mass balance stays exact; the cumulative
outflows continue. Inside an epoch an integrator (`dermsim.transport.exact.exact_epoch`,
`dermsim.transport.timestep.TRBDF2Epochs`) advances the state to the output times falling in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from dermsim.errors import InputError
from dermsim.transport.balance import closure_error, outflows
from dermsim.transport.system import System


def check_times(times) -> np.ndarray:
    """Output times as a float array: increasing, starting at 0 h (else `InputError`)."""
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size < 2 or times[0] != 0.0 or np.any(np.diff(times) <= 0):
        raise InputError("times", "array", "increasing output times starting at 0 h")
    return times


def _output_index(times: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Index of the output time equal to each point (to 1e-9 relative), −1 where there is none."""
    j = np.clip(np.searchsorted(times, points), 1, times.size - 1)
    j = np.where(np.abs(times[j - 1] - points) <= np.abs(times[j] - points), j - 1, j)
    return np.where(np.abs(times[j] - points) <= 1e-9 * np.maximum(1.0, points), j, -1)


@dataclass
class EpochRun:
    """Bookkeeping of a piecewise-constant run at the output times (amounts in ug/cm²)."""

    times: np.ndarray                 # (n_t,) h
    stored: np.ndarray                # (n_t,) C·u
    cumulative: dict[str, np.ndarray]  # outflows by name, each (n_t,)
    initial_amount: float
    epoch_of_time: np.ndarray         # (n_t,) epoch in force at each output time (the earlier one at a change)
    epochs: int
    unknowns: int                     # nodes of the last epoch's system

    @property
    def mass_balance_error(self) -> float:
        return closure_error(self.stored, self.cumulative, self.initial_amount)


def solve_epochs(times: np.ndarray, starts: Sequence[float], build: Callable[[int], System], integrate,
                 *, remap=None, record=None, progress=None) -> EpochRun:
    """Integrate over epochs starting at ``starts`` (h, starts[0] = 0) to the output ``times`` (checked).

    Parameters
    ----------
    build : epoch index → its `System` (the first epoch's ``initial`` is the initial state)
    integrate : callable(system, u, q, t_start, points, epoch, tick) → (u, q) at points[1:], arrays
        (n_points − 1, n) and (n_points − 1, n_rates); ``tick(k)`` after reaching points[k + 1]
    remap : optional callable(old_system, u, new_system, epoch) → u in the new system's nodes keeping the
        amounts; default u C_old / C_new (same nodes)
    record : optional callable(indices, system, u, q, epoch) for the model's own bookkeeping at output
        times ``times[indices]`` (u: (n_sel, n), q: (n_sel, n_rates))
    progress : optional callable(fraction of the duration) after each output time
    """
    times = np.asarray(times, dtype=float)
    duration = float(times[-1])
    starts = np.asarray(starts, dtype=float)
    starts = starts[starts < duration]
    n_t = times.size
    stored = np.empty(n_t)
    epoch_of_time = np.empty(n_t, dtype=int)
    cumulative = None
    system = u = q = None
    initial = 0.0

    def store(idx, sys_, uu, qq, e):
        stored[idx] = uu @ sys_.capacity
        cumulative[:, idx] = qq.T
        epoch_of_time[idx] = e
        if record is not None:
            record(idx, sys_, uu, qq, e)

    for e, t_start in enumerate(starts):
        t_end = float(starts[e + 1]) if e + 1 < starts.size else duration
        new = build(e)
        if system is None:
            u = new.initial.astype(float).copy()
            q = np.zeros(len(new.rate_names))
            cumulative = np.zeros((q.size, n_t))
            initial = float(new.capacity @ u)
            store(np.array([0]), new, u[None, :], q[None, :], 0)
        elif remap is not None:
            u = remap(system, u, new, e)
        else:                                   # keep each node's amount across the change
            u = u * system.capacity / new.capacity
        system = new
        sel = np.flatnonzero((times > t_start + 1e-12) & (times <= t_end + 1e-12))
        inside = times[sel]
        if inside.size and inside[-1] == t_end:           # the epoch ends on an output time
            points, hits = np.concatenate([[t_start], inside]), sel
        else:
            points = np.unique(np.concatenate([[t_start], inside, [t_end]]))
            hits = _output_index(times, points[1:])

        def tick(k, points=points, hits=hits):
            if hits[k] >= 0:
                progress(float(points[k + 1] / duration))

        us, qs = integrate(system, u, q, float(t_start), points, e, tick if progress is not None else None)
        m = hits >= 0
        if m.all():
            store(hits, system, us, qs, e)
        else:
            store(hits[m], system, us[m], qs[m], e)
        u, q = us[-1], qs[-1]
    return EpochRun(times=times, stored=stored, cumulative=outflows(system.rate_names, cumulative),
                    initial_amount=initial, epoch_of_time=epoch_of_time, epochs=int(starts.size),
                    unknowns=int(system.size))
