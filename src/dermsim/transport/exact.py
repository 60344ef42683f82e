"""Exact time integration of a linear time-invariant semi-discrete system (no time-stepping error).

For C du/dt = −A u + b with C diagonal positive and A symmetric tridiagonal, v = C^½ u obeys
dv/dt = −M v + s with M = C^-½ A C^-½ symmetric tridiagonal and s = C^-½ b. With M = V Λ Vᵀ
(`scipy.linalg.eigh_tridiagonal`), α = Vᵀ v(0) and β = Vᵀ s, for every output time at once

    v(t)     = V [ e^{−Λt} α + φ₁(Λ, t) β ],      φ₁ = (1 − e^{−λt})/λ
    ∫₀ᵗ v dt = V [ φ₁(Λ, t) α + φ₂(Λ, t) β ],     φ₂ = (t − φ₁)/λ

with the limits φ₁ → t, φ₂ → t²/2 as λ → 0 (closed systems). Cumulative outflows are linear
functionals of ∫u, so the mass balance closes to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dermsim.transport.layered import LinearSystem


@dataclass
class Trajectory:
    """Solver output: nodal u at output times and cumulative outflows (rows = ``system.rate_names``)."""

    times: np.ndarray         # (n_t,) h
    u: np.ndarray             # (n_t, n_nodes)
    cumulative: np.ndarray    # (n_rates, n_t) ug/cm²
    solver: str


def _phi(lam: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.multiply.outer(lam, t)
    small = np.abs(x) < 1e-4
    lam_safe = np.where(lam == 0.0, 1.0, lam)[:, None]
    e = np.exp(-x)
    phi1 = np.where(small, t * (1 - x / 2 + x * x / 6), -np.expm1(-x) / lam_safe)
    phi2 = np.where(small, t * t * (0.5 - x / 6 + x * x / 24), (t - phi1) / lam_safe)
    return e, phi1, phi2


def solve_exact(system: LinearSystem, times: np.ndarray) -> Trajectory:
    """Evaluate the exact solution of ``system`` at ``times`` (h)."""
    from scipy.linalg import eigh_tridiagonal

    from dermsim.transport.blas import single_threaded

    times = np.asarray(times, dtype=float)
    root_c = np.sqrt(system.capacity)
    d = system.diagonal / system.capacity
    e = system.off_diagonal / (root_c[:-1] * root_c[1:])
    with single_threaded():
        lam, vecs = eigh_tridiagonal(d, e)
        alpha = vecs.T @ (root_c * system.initial)
        beta = vecs.T @ (system.source / root_c)
        ex, phi1, phi2 = _phi(lam, times)
        v = vecs @ (ex * alpha[:, None] + phi1 * beta[:, None])
        integral_v = vecs @ (phi1 * alpha[:, None] + phi2 * beta[:, None])
        cumulative = (system.rate_weights / root_c) @ integral_v + np.outer(system.rate_constant, times)
    u = (v / root_c[:, None]).T
    return Trajectory(times=times, u=u, cumulative=cumulative, solver="exact-eigen")
