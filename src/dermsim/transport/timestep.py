"""Implicit time stepping of a `System`: TR-BDF2 (L-stable, second order), one factorisation per step size.

For C du/dt = −A u + b, with γ = 2 − √2 and θ = γ/2 = (1 − γ)/(2 − γ), each step of size h solves two
linear systems with the same matrix (C + θ h A) (Bank et al. 1985 IEEE Trans Electron Devices
32:1992; Hosea & Shampine 1996 Appl Numer Math 20:21):

    trapezoidal stage:  (C + θhA) u_γ     = (C − θhA) uₙ + γ h b
    BDF2 stage:         (C + θhA) uₙ₊₁    = [C u_γ − (1−γ)² C uₙ]/(γ(2−γ)) + θ h b

Cumulative outflows Q = ∫ (f·u + f₀) dt are advanced by the same stages, so linear invariants (mass)
are preserved exactly by the discrete scheme.

The linear algebra is the system's operator (`dermsim.transport.system`): ``apply(u)`` and
``factorise(C, θh)`` (tridiagonal LU for 1D chains, banded Cholesky for the 2D cell numbered row by row,
SuperLU for any sparse matrix). Factorisations are cached per step size.
"""

from __future__ import annotations

import math

import numpy as np

from dermsim.transport.blas import single_threaded_blas
from dermsim.transport.exact import Trajectory
from dermsim.transport.system import System

GAMMA = 2.0 - math.sqrt(2.0)
THETA = GAMMA / 2.0


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


def dyadic_step_sizes(times: np.ndarray, start: float, first_step: float, growth: float,
                      max_step: float) -> list[np.ndarray]:
    """Substeps Δ/2^m of each output interval Δ, so that few distinct step sizes occur.

    For expensive factorisations (2D). At time t the step is the largest Δ/2^m that is ≤
    clip(growth · (t − start), first_step, max_step) and keeps t aligned on its own grid of size Δ/2^m
    (steps only double on aligned points), so every interval is tiled exactly and a run with uniform
    output intervals uses about log2(max_step/first_step) step sizes in all. ``start`` is the time the
    solution was last non-smooth (0, or a change of coefficients).
    """
    out = []
    for t0, t1 in zip(times[:-1], times[1:]):
        span = t1 - t0
        if span <= 0:
            out.append(np.zeros(0))
            continue
        finest = max(0, math.ceil(math.log2(span / min(first_step, span))))
        total = 1 << finest                 # position counted in units of span / 2^finest
        pos, steps = 0, []
        while pos < total:
            t = t0 + span * pos / total
            target = min(max(growth * (t - start), first_step), max_step)
            m = max(0, math.ceil(math.log2(span / target) - 1e-12)) if target < span else 0
            m = min(m, finest)
            while pos % (1 << (finest - m)):
                m += 1
            steps.append(span / (1 << m))
            pos += 1 << (finest - m)
        out.append(np.array(steps))
    return out


def advance(system: System, u: np.ndarray, q: np.ndarray, steps: list[np.ndarray], cache: dict | None = None,
            after_interval=None) -> tuple[np.ndarray, np.ndarray]:
    """Advance (u, q) by TR-BDF2 over consecutive intervals of substeps; returns the final (u, q).

    Parameters
    ----------
    system : the `System` (its capacity, operator, source and outflow functionals)
    u, q : state (ug/cm³) and cumulative outflows (ug/cm²) at the start (copied, not modified)
    steps : substep sizes (h) of each interval, e.g. from `step_sizes` or `dyadic_step_sizes`
    cache : dict of factorisations keyed by step size, reused across calls with the same system
    after_interval : optional callable(k, u, q) called at the end of interval k
    """
    cache = {} if cache is None else cache
    operator, capacity, source = system.operator, system.capacity, system.source
    f, f0 = system.rate_weights, system.rate_constant
    u, q = u.astype(float).copy(), q.astype(float).copy()
    c1 = 1.0 / (GAMMA * (2.0 - GAMMA))
    c0 = (1.0 - GAMMA) ** 2 * c1
    for k, hs in enumerate(steps):
        for h in hs:
            key = float(f"{h:.12e}")
            lu = cache.get(key)
            if lu is None:
                if len(cache) > 64:
                    cache.clear()
                lu = cache[key] = operator.factorise(capacity, THETA * h)
            cu = capacity * u
            u_g = lu.solve(cu - THETA * h * operator.apply(u) + GAMMA * h * source)
            q_g = q + THETA * h * (f @ u + f @ u_g + 2.0 * f0)
            u_new = lu.solve(c1 * capacity * u_g - c0 * cu + THETA * h * source)
            q = c1 * q_g - c0 * q + THETA * h * (f @ u_new + f0)
            u = u_new
        if after_interval is not None:
            after_interval(k, u, q)
    return u, q


@single_threaded_blas
def solve_tr_bdf2(system: System, times: np.ndarray, *, first_step: float | None = None,
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
    u0 = system.initial.astype(float)
    q0 = np.zeros(system.rate_weights.shape[0])
    us, qs = [u0.copy()], [q0.copy()]

    def record(k, u, q):
        us.append(u.copy())
        qs.append(q.copy())
        if progress is not None:
            progress((k + 1) / (times.size - 1))

    advance(system, u0, q0, step_sizes(times, first_step, growth, max_step), after_interval=record)
    return Trajectory(times=times, u=np.array(us), cumulative=np.array(qs).T, solver="tr-bdf2")


class TRBDF2Epochs:
    """Integrator for `dermsim.transport.epochs.solve_epochs`: TR-BDF2 on dyadic substeps
    (`dyadic_step_sizes`), the step growing with the time since the epoch began (the last change of
    coefficients), one factorisation per step size and epoch.

    Parameters
    ----------
    first_step : first substep of the first epoch (h)
    restart_step : first substep after a change of coefficients (h)
    growth : substep ≈ growth × (time since the epoch began), rounded down to Δ/2^m
    max_step : largest substep (h)

    ``steps`` and ``factorisations`` count the work done so far.
    """

    def __init__(self, first_step: float, restart_step: float, growth: float, max_step: float):
        self.first_step, self.restart_step = first_step, restart_step
        self.growth, self.max_step = growth, max_step
        self.steps = self.factorisations = 0

    def __call__(self, system: System, u: np.ndarray, q: np.ndarray, t_start: float, points: np.ndarray,
                 epoch: int, tick=None) -> tuple[np.ndarray, np.ndarray]:
        steps = dyadic_step_sizes(points, t_start, self.first_step if epoch == 0 else self.restart_step,
                                  self.growth, self.max_step)
        self.steps += sum(len(s) for s in steps)
        us = np.empty((points.size - 1, system.size))
        qs = np.empty((points.size - 1, q.size))

        def after(k, uu, qq):
            us[k], qs[k] = uu, qq
            if tick is not None:
                tick(k)

        cache: dict = {}
        advance(system, u, q, steps, cache=cache, after_interval=after)
        self.factorisations += len(cache)
        return us, qs
