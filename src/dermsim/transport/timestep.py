"""Implicit time stepping: TR-BDF2 (L-stable, second order), one LU factorisation per step size.

For C du/dt = −A u + b, with γ = 2 − √2 and θ = γ/2 = (1 − γ)/(2 − γ), each step of size h solves two
tridiagonal systems with the same matrix (C + θ h A) (Bank et al. 1985 IEEE Trans Electron Devices
32:1992; Hosea & Shampine 1996 Appl Numer Math 20:21):

    trapezoidal stage:  (C + θhA) u_γ     = (C − θhA) uₙ + γ h b
    BDF2 stage:         (C + θhA) uₙ₊₁    = [C u_γ − (1−γ)² C uₙ]/(γ(2−γ)) + θ h b

Cumulative outflows Q = ∫ (f·u + f₀) dt are advanced by the same stages, so linear invariants (mass)
are preserved exactly by the discrete scheme. Factorisations (LAPACK ?gttrf) are cached per step size.
"""

from __future__ import annotations

import math

import numpy as np

from dermsim.transport.exact import Trajectory
from dermsim.transport.layered import LinearSystem

GAMMA = 2.0 - math.sqrt(2.0)
THETA = GAMMA / 2.0


class _Factorised:
    """LU factors of the tridiagonal matrix C + θ h A for one step size h."""

    def __init__(self, system: LinearSystem, h: float):
        from scipy.linalg import lapack

        self._lapack = lapack
        dl = THETA * h * system.off_diagonal
        d = system.capacity + THETA * h * system.diagonal
        self.factors = lapack.dgttrf(dl.copy(), d, dl.copy())
        if self.factors[-1] != 0:
            raise np.linalg.LinAlgError("singular step matrix")

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        dl, d, du, du2, ipiv, _ = self.factors
        x, info = self._lapack.dgttrs(dl, d, du, du2, ipiv, rhs)
        return x


def _apply_a(system: LinearSystem, u: np.ndarray) -> np.ndarray:
    out = system.diagonal * u
    out[:-1] += system.off_diagonal * u[1:]
    out[1:] += system.off_diagonal * u[:-1]
    return out


def step_sizes(times: np.ndarray, first_step: float, growth: float, max_step: float) -> list[np.ndarray]:
    """Substeps for each output interval, landing exactly on the outputs.

    Within an interval the step grows with time, h ≈ clip(growth · t, first_step, max_step); the last
    substep absorbs the remainder (at most 1.5 h).
    """
    out = []
    for t0, t1 in zip(times[:-1], times[1:]):
        steps, t = [], t0
        while t1 - t > 1e-12 * max(t1, 1.0):
            h = min(max(growth * t, first_step), max_step)
            h = t1 - t if t1 - t <= 1.5 * h else h
            steps.append(h)
            t += h
        out.append(np.array(steps))
    return out


def solve_tr_bdf2(system: LinearSystem, times: np.ndarray, *, first_step: float | None = None,
                  growth: float = 0.02, max_step: float | None = None,
                  progress=None) -> Trajectory:
    """Integrate ``system`` with TR-BDF2 and return the solution at ``times`` (h; times[0] = 0).

    Parameters
    ----------
    first_step : smallest substep (h); default duration × 1e-5
    growth : substep ≈ growth × t (relative step size) between first_step and max_step
    max_step : largest substep (h); default duration / 200
    progress : optional callable(fraction) -> None
    """
    times = np.asarray(times, dtype=float)
    duration = times[-1] - times[0]
    first_step = first_step or duration * 1e-5
    max_step = max_step or duration / 200.0
    cache: dict[float, _Factorised] = {}
    f, f0 = system.rate_weights, system.rate_constant
    u = system.initial.astype(float).copy()
    q = np.zeros(f.shape[0])
    us, qs = [u.copy()], [q.copy()]
    c1 = 1.0 / (GAMMA * (2.0 - GAMMA))
    c0 = (1.0 - GAMMA) ** 2 * c1
    for k, hs in enumerate(step_sizes(times, first_step, growth, max_step)):
        for h in hs:
            key = float(f"{h:.12e}")
            lu = cache.get(key)
            if lu is None:
                if len(cache) > 64:
                    cache.clear()
                lu = cache[key] = _Factorised(system, h)
            cu = system.capacity * u
            u_g = lu.solve(cu - THETA * h * _apply_a(system, u) + GAMMA * h * system.source)
            q_g = q + THETA * h * (f @ u + f @ u_g + 2.0 * f0)
            u_new = lu.solve(c1 * system.capacity * u_g - c0 * cu + THETA * h * system.source)
            q = c1 * q_g - c0 * q + THETA * h * (f @ u_new + f0)
            u = u_new
        us.append(u.copy())
        qs.append(q.copy())
        if progress is not None:
            progress((k + 1) / (times.size - 1))
    return Trajectory(times=times, u=np.array(us), cumulative=np.array(qs).T, solver="tr-bdf2")
