"""Exact time integration of a time-invariant `System` (no time-stepping error).

For C du/dt = −A u + b with C diagonal positive and A symmetric, v = C^½ u obeys dv/dt = −M v + s with
M = C^-½ A C^-½ and s = C^-½ b. With M = V Λ Vᵀ (the operator's ``eigen``: `scipy.linalg.eigh_tridiagonal`
for 1D chains, `scipy.linalg.eig_banded` for banded systems), α = Vᵀ v(0) and β = Vᵀ s, for every output
time at once

    v(t)     = V [ e^{−Λt} α + φ₁(Λ, t) β ],      φ₁ = (1 − e^{−λt})/λ
    ∫₀ᵗ v dt = V [ φ₁(Λ, t) α + φ₂(Λ, t) β ],     φ₂ = (t − φ₁)/λ

with the limits φ₁ → t, φ₂ → t²/2 as λ → 0 (closed systems). Nodes the operator leaves out of the
eigenproblem (no coupling, no loss) keep their initial value. Cumulative outflows are linear functionals
of ∫u, so the mass balance closes to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dermsim.transport.blas import single_threaded
from dermsim.transport.system import System


@dataclass
class Trajectory:
    """Solver output: nodal u at output times and cumulative outflows (rows = ``system.rate_names``)."""

    times: np.ndarray         # (n_t,) h
    u: np.ndarray             # (n_t, n_nodes) ug/cm³
    cumulative: np.ndarray    # (n_rates, n_t) ug/cm²
    solver: str


def phi_functions(lam: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """e^{−λt}, φ₁ (h) and φ₂ (h²) on the (*lam.shape, n_t) grid, for λ (1/h) of any shape and t (h);
    Taylor series where |λt| < 1e-4 (only those entries). Shared with `dermsim.transport.batched`."""
    x = np.multiply.outer(lam, t)
    lam_safe = np.where(lam == 0.0, 1.0, lam)[..., None]
    minus_x = -x
    e = np.exp(minus_x)
    phi1 = -np.expm1(minus_x) / lam_safe
    small = np.nonzero(np.abs(x) < 1e-4)
    xs, ts = x[small], t[small[-1]]
    phi1[small] = ts * (1 - xs / 2 + xs * xs / 6)
    phi2 = (t - phi1) / lam_safe
    phi2[small] = ts * ts * (0.5 - xs / 6 + xs * xs / 24)
    return e, phi1, phi2


def modal_solution(lam: np.ndarray, vecs: np.ndarray, root_c: np.ndarray, u0: np.ndarray, source: np.ndarray,
                   times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """v = C^½ u (n, n_t) and ∫₀ᵗ v dt at ``times`` from M = V Λ Vᵀ (λ in 1/h), root_c = √C, the initial u₀
    (ug/cm³) and source b (ug/cm²/h), by the formulas of the module docstring."""
    alpha = vecs.T @ (root_c * u0)
    beta = vecs.T @ (source / root_c)
    ex, phi1, phi2 = phi_functions(lam, times)
    v = vecs @ (ex * alpha[:, None] + phi1 * beta[:, None])
    integral_v = vecs @ (phi1 * alpha[:, None] + phi2 * beta[:, None])
    return v, integral_v


def solve_exact(system: System, times: np.ndarray, initial: np.ndarray | None = None, *,
                driver: str | None = None) -> Trajectory:
    """Exact solution of ``system`` at ``times`` (h, ≥ 0, measured from the initial state).

    ``initial`` : u at t = 0 (ug/cm³); default ``system.initial``. Cumulative outflows start at 0.
    ``driver`` : LAPACK driver of a tridiagonal eigen-decomposition (`scipy.linalg.eigh_tridiagonal`'s
    ``lapack_driver``; default scipy's); "stemr" (relatively robust representations) resolves the eigenvectors
    of very stiff stacks more accurately (a layer conducting ~1e4 times more than its neighbour: balance 2e-9
    instead of 3e-8), at the price of round-off-level differences from the default elsewhere.
    """
    import scipy.linalg  # noqa: F401  (load its BLAS before limiting it)

    times = np.asarray(times, dtype=float)
    u0 = system.initial if initial is None else np.asarray(initial, dtype=float)
    with single_threaded():
        root_all = np.sqrt(system.capacity)
        lam, vecs, active = (system.operator.eigen(system.capacity, root_all) if driver is None else
                             system.operator.eigen(system.capacity, root_all, driver=driver))
        sub = slice(None) if active is None else active
        root_c = root_all if active is None else root_all[active]
        v, integral_v = modal_solution(lam, vecs, root_c, u0[sub], system.source[sub], times)
        cumulative = (system.rate_weights[:, sub] / root_c) @ integral_v
    if active is None:
        u = (v / root_c[:, None]).T
    else:                      # left-out nodes: constant u, their outflow rate constant too
        idle = np.ones(system.size, dtype=bool)
        idle[active] = False
        u = np.repeat(u0[None, :], times.size, axis=0)
        u[:, active] = (v / root_c[:, None]).T
        cumulative = cumulative + np.outer(system.rate_weights[:, idle] @ u0[idle], times)
    cumulative = cumulative + np.outer(system.rate_constant, times)
    return Trajectory(times=times, u=u, cumulative=cumulative, solver="exact-eigen")


def exact_epoch(system: System, u: np.ndarray, q: np.ndarray, t_start: float, points: np.ndarray,
                epoch: int, tick=None) -> tuple[np.ndarray, np.ndarray]:
    """Integrator for `dermsim.transport.epochs.solve_epochs`: exact from (u, q) at ``points[0]`` =
    ``t_start`` to ``points[1:]``; returns u (n_points − 1, n) and cumulative outflows (n_points − 1, n_rates)."""
    traj = solve_exact(system, points[1:] - t_start, initial=u)
    if tick is not None:
        for k in range(points.size - 1):
            tick(k)
    return traj.u, q[None, :] + traj.cumulative.T
