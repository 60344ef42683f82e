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


def closure_error(stored: np.ndarray, flows: dict[str, np.ndarray], initial: float) -> float:
    """max_t |stored + out − supplied − initial| / max(initial, max_t |supplied|) (–).

    Parameters
    ----------
    stored : (n_t,) amount in the system at each output time (ug/cm²)
    flows : cumulative flows by name, each (n_t,) (ug/cm²); "supplied" counts as an inflow
    initial : amount at t = 0 (ug/cm²)
    """
    stored = np.asarray(stored, dtype=float)
    supplied = sum((v for k, v in flows.items() if k in INFLOWS), np.zeros_like(stored))
    out = sum((v for k, v in flows.items() if k not in INFLOWS), np.zeros_like(stored))
    scale = max(float(initial), float(np.max(np.abs(supplied))), 1e-300)
    return float(np.max(np.abs(stored + out - supplied - initial)) / scale)


def mass_balance_error(system, trajectory) -> float:
    """`closure_error` of a single-system run (a `Trajectory` of ``system``)."""
    stored = trajectory.u @ system.capacity
    initial = float(system.initial @ system.capacity)
    return closure_error(stored, outflows(system.rate_names, trajectory.cumulative), initial)
