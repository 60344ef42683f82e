"""Implicit time stepping: TR-BDF2 (L-stable, second order), one factorisation per step size.

For C du/dt = −A u + b, with γ = 2 − √2 and θ = γ/2 = (1 − γ)/(2 − γ), each step of size h solves two
linear systems with the same matrix (C + θ h A) (Bank et al. 1985 IEEE Trans Electron Devices
32:1992; Hosea & Shampine 1996 Appl Numer Math 20:21):

    trapezoidal stage:  (C + θhA) u_γ     = (C − θhA) uₙ + γ h b
    BDF2 stage:         (C + θhA) uₙ₊₁    = [C u_γ − (1−γ)² C uₙ]/(γ(2−γ)) + θ h b

Cumulative outflows Q = ∫ (f·u + f₀) dt are advanced by the same stages, so linear invariants (mass)
are preserved exactly by the discrete scheme.

The linear algebra is pluggable (scikit-fem style): an *operator* gives ``apply(u) = A u`` and
``factorise(h)`` → an object with ``solve(rhs)`` for (C + θhA). Factorisations are cached per step size.

* `TridiagonalOperator` — 1D layered systems (LAPACK ?gttrf/?gttrs), the default of `solve_tr_bdf2`;
* `BandedOperator` — symmetric banded systems such as the 2D axisymmetric channel cell numbered row by
  row (LAPACK banded Cholesky ?pbtrf: C + θhA is symmetric positive definite);
* `SparseLUOperator` — any sparse matrix (SuperLU, `scipy.sparse.linalg.splu`).
"""

from __future__ import annotations

import math

import numpy as np

from dermsim.transport.blas import single_threaded_blas
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


class TridiagonalOperator:
    """A of a 1D `LinearSystem` (symmetric tridiagonal)."""

    def __init__(self, system: LinearSystem):
        self.system = system

    def apply(self, u: np.ndarray) -> np.ndarray:
        return _apply_a(self.system, u)

    def factorise(self, h: float) -> _Factorised:
        return _Factorised(self.system, h)


def banded_to_sparse(bands: np.ndarray):
    """Symmetric CSR matrix from LAPACK upper band storage (``bands[w − k, j]`` = A[j − k, j])."""
    import scipy.sparse as sp

    w, n = bands.shape[0] - 1, bands.shape[1]
    rows, cols, vals = [np.arange(n)], [np.arange(n)], [bands[w]]
    for k in range(1, w + 1):
        nonzero = np.flatnonzero(bands[w - k, k:])
        if nonzero.size:
            j = nonzero + k
            rows += [j - k, j]
            cols += [j, j - k]
            vals += [bands[w - k, j], bands[w - k, j]]
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))


def solve_steady_banded(bands: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Solve A u = b for symmetric positive (semi)definite banded A (upper band storage).

    Nodes with no coupling and no loss (zero diagonal, e.g. an impermeable SC) get u = 0; the rest must
    be connected to a sink or a loss.
    """
    from scipy.linalg import solveh_banded

    m = np.array(bands, dtype=float)
    m[-1] = np.where(m[-1] > 0, m[-1], 1.0)
    return solveh_banded(m, source, lower=False, check_finite=False)


class _BandedCholesky:
    def __init__(self, factor: np.ndarray):
        self.factor = factor

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        from scipy.linalg import cho_solve_banded

        return cho_solve_banded((self.factor, False), rhs, check_finite=False)


class BandedOperator:
    """Symmetric banded A given by its upper diagonals (LAPACK upper band storage).

    Parameters
    ----------
    bands : (w + 1, n) array, ``bands[w − k, j]`` = A[j − k, j] for k = 0 … w (row w is the diagonal)
    capacity : (n,) diagonal of C (> 0)
    """

    def __init__(self, bands: np.ndarray, capacity: np.ndarray):
        self.bands = np.asarray(bands, dtype=float)
        self.capacity = np.asarray(capacity, dtype=float)
        self.matrix = banded_to_sparse(self.bands)       # for A u

    def apply(self, u: np.ndarray) -> np.ndarray:
        return self.matrix @ u

    def factorise(self, h: float) -> _BandedCholesky:
        from scipy.linalg import cholesky_banded

        m = THETA * h * self.bands
        m[-1] += self.capacity
        return _BandedCholesky(cholesky_banded(m, lower=False, check_finite=False))


class _SparseLU:
    def __init__(self, lu):
        self.lu = lu

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return self.lu.solve(rhs)


class SparseLUOperator:
    """Any sparse A (scipy.sparse); (C + θhA) factorised by SuperLU."""

    def __init__(self, matrix, capacity: np.ndarray):
        import scipy.sparse as sp

        self.matrix = sp.csc_matrix(matrix)
        self.capacity = sp.diags(np.asarray(capacity, dtype=float), format="csc")

    def apply(self, u: np.ndarray) -> np.ndarray:
        return self.matrix @ u

    def factorise(self, h: float) -> _SparseLU:
        from scipy.sparse.linalg import splu

        return _SparseLU(splu((self.capacity + THETA * h * self.matrix).tocsc()))


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


def advance(operator, capacity: np.ndarray, source: np.ndarray, rate_weights: np.ndarray,
            rate_constant: np.ndarray, u: np.ndarray, q: np.ndarray, steps: list[np.ndarray],
            cache: dict | None = None, after_interval=None) -> tuple[np.ndarray, np.ndarray]:
    """Advance (u, q) by TR-BDF2 over consecutive intervals of substeps; returns the final (u, q).

    Parameters
    ----------
    operator : object with ``apply(u)`` and ``factorise(h)`` (see the module docstring)
    capacity, source : diagonal of C (cm) and b (ug/cm²/h) of C du/dt = −A u + b
    rate_weights, rate_constant : outflow functionals f (n_rates, n) and f₀ (n_rates,)
    u, q : state and cumulative outflows at the start (copied, not modified)
    steps : substep sizes (h) of each interval, e.g. from `step_sizes` or `dyadic_step_sizes`
    cache : dict of factorisations keyed by step size, reused across calls with the same operator
    after_interval : optional callable(k, u, q) called at the end of interval k
    """
    cache = {} if cache is None else cache
    f, f0 = rate_weights, rate_constant
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
                lu = cache[key] = operator.factorise(h)
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
    u0 = system.initial.astype(float)
    q0 = np.zeros(system.rate_weights.shape[0])
    us, qs = [u0.copy()], [q0.copy()]

    def record(k, u, q):
        us.append(u.copy())
        qs.append(q.copy())
        if progress is not None:
            progress((k + 1) / (times.size - 1))

    advance(TridiagonalOperator(system), system.capacity, system.source, system.rate_weights,
            system.rate_constant, u0, q0, step_sizes(times, first_step, growth, max_step),
            after_interval=record)
    return Trajectory(times=times, u=np.array(us), cumulative=np.array(qs).T, solver="tr-bdf2")
