"""Mass bookkeeping of a solved `System`: stored amount, outflows by name, and the closure error.

Amounts per unit skin area (ug/cm²). The balance of a run is

    stored(t) + Σ_out Q_j(t) − Q_supplied(t) − stored(0) = 0,

"supplied" (an infinite dose) and "released" (a patch releasing into its channels) being the inflows; the relative closure error reported everywhere is
max_t |stored + out − supplied − initial| / max(initial, max_t |supplied|).
"""

from __future__ import annotations

import numpy as np

INFLOWS = ("supplied", "released")


def outflows(rate_names, cumulative: np.ndarray) -> dict[str, np.ndarray]:
    """Cumulative flows by name from the (n_rates, n_t) array of a solver."""
    return dict(zip(rate_names, cumulative))


def closure_error(stored: np.ndarray, flows: dict[str, np.ndarray], initial):
    """max_t |stored + out − supplied − initial| / max(initial, max_t |supplied|) (–).

    Parameters
    ----------
    stored : (n_t,) amount in the system at each output time (ug/cm²), or (…, n_t) for a batch
    flows : cumulative flows by name, each shaped like ``stored`` (ug/cm²); "supplied" counts as an inflow
    initial : amount at t = 0 (ug/cm²), a float or (…,) for a batch

    Returns a float, or an array (…,) for a batch.
    """
    stored = np.asarray(stored, dtype=float)
    initial = np.asarray(initial, dtype=float)
    supplied = sum((v for k, v in flows.items() if k in INFLOWS), np.zeros_like(stored))
    out = sum((v for k, v in flows.items() if k not in INFLOWS), np.zeros_like(stored))
    scale = np.maximum(np.maximum(initial, np.max(np.abs(supplied), axis=-1)), 1e-300)
    error = np.max(np.abs(stored + out - supplied - initial[..., None]), axis=-1) / scale
    return float(error) if error.ndim == 0 else error


def mass_balance_error(system, trajectory) -> float:
    """`closure_error` of a single-system run (a `Trajectory` of ``system``)."""
    stored = trajectory.u @ system.capacity
    initial = float(system.initial @ system.capacity)
    return closure_error(stored, outflows(system.rate_names, trajectory.cumulative), initial)
