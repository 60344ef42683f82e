"""Exact solution of many time-invariant 1D systems of one mesh shape in one vectorised call.

B systems (1) of `dermsim.transport.system` with tridiagonal operators on the same number of nodes n
(capacities, operators, sources, initial states and outflow weights may all differ) are solved as
`dermsim.transport.exact.solve_exact` solves one, the batch being the leading axis of every array. The
symmetrised M_b = C_b^-½ A_b C_b^-½ = V Λ Vᵀ are decomposed chunk by chunk (`_eigen`: one stacked
`numpy.linalg.eigh` call for short chains, `scipy.linalg.eigh_tridiagonal` per system for long ones, the
faster of the two as measured in benchmarks/batched_exact.py). With α = Vᵀ C^½ u₀ and β = Vᵀ C^-½ b,

    stored(t) = Σ_k s_k [α_k e^{−λ_k t} + β_k φ₁(λ_k, t)],              s = Vᵀ C^½ 1
    Q_j(t)    = Σ_k w_jk [α_k φ₁(λ_k, t) + β_k φ₂(λ_k, t)] + f0_j t,    w_j = Vᵀ C^-½ f_j

(φ₁, φ₂: `dermsim.transport.exact.phi_functions`), summed over the modes by stacked matrix products
(`_modal_sum`); for evenly spaced output times the (B, n, n_t) grid of exponentials is never formed
(`_expm1_product`). Nodal states u (B, n_t, n) are formed only on request. Units: cm, h, ug.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from dermsim.errors import InputError
from dermsim.transport.balance import closure_error, outflows
from dermsim.transport.blas import single_threaded_blas
from dermsim.transport.exact import phi_functions
from dermsim.transport.system import System

#: Floats in the eigenvectors of one chunk (chunk × n × n = 512 kB: cache-sized; the best of 2^14…2^20
#: measured at 24 and 90 nodes on the 2-core machine).
CHUNK_FLOATS = 1 << 16
#: Longest chain decomposed by the stacked dense `numpy.linalg.eigh`; longer ones by `eigh_tridiagonal`
#: one at a time (dense ?syevd does O(n³) work, ?stemr O(n²) plus a Python call per system): on the
#: 2-core machine the stack is 1.2–1.4× faster at 24–30 nodes, the loop 1.1–1.3× faster from 36 on.
STACK_MAX_NODES = 32
#: λ t₁ below which a mode is summed through φ₁, φ₂ entry by entry (`_modal_sum`); above it, folding 1/λ
#: into the coefficients amplifies rounding by at most 2/SLOW_MODE = 200 (~4e-14).
SLOW_MODE = 0.01


@dataclass
class SystemBatch:
    """B systems (1) on n nodes each, stacked (units as in `System`).

    capacity, diagonal, source, initial : (B, n) — C (cm), diagonal of A (cm/h), b (ug/cm²/h), u₀ (ug/cm³)
    off_diagonal : (B, n − 1) off-diagonal of A (cm/h)
    rate_weights : (B, n_rates, n) f_j (cm/h); rate_constant : (B, n_rates) f0_j (ug/cm²/h)
    rate_names : the outflow names, shared by every system
    """

    capacity: np.ndarray
    diagonal: np.ndarray
    off_diagonal: np.ndarray
    source: np.ndarray
    initial: np.ndarray
    rate_weights: np.ndarray
    rate_constant: np.ndarray
    rate_names: tuple[str, ...]

    @property
    def size(self) -> int:
        return self.capacity.shape[0]


@dataclass
class BatchResult:
    """Exact solutions of a batch at the output times (amounts in ug/cm² of skin).

    times : (n_t,) h; stored : (B, n_t) amount in each system, Σ C u; cumulative : (B, n_rates, n_t)
    outflows Q_j (rows = ``rate_names``); initial_amount : (B,) C·u₀; u : (B, n_t, n) nodal states
    (ug/cm³), None unless asked for; observed : (B, n_obs, n_t) the linear observables p·u(t) asked for
    (`solve_batch`), None unless asked for.
    """

    times: np.ndarray
    rate_names: tuple[str, ...]
    stored: np.ndarray
    cumulative: np.ndarray
    initial_amount: np.ndarray
    u: np.ndarray | None = None
    observed: np.ndarray | None = None

    def flow(self, name: str) -> np.ndarray:
        """Cumulative outflow ``name`` (B, n_t), ug/cm²."""
        return self.cumulative[:, self.rate_names.index(name)]

    @property
    def mass_balance_error(self) -> np.ndarray:
        """(B,) relative closure error of each system (`dermsim.transport.balance.closure_error`)."""
        return closure_error(self.stored, outflows(self.rate_names, self.cumulative.transpose(1, 0, 2)),
                             self.initial_amount)


def stack_systems(systems: Sequence[System]) -> SystemBatch:
    """Stack tridiagonal systems of one size and one set of outflows (else `InputError`)."""
    if not systems:
        raise InputError("systems", "[]", "at least one system")
    first = systems[0]
    for i, s in enumerate(systems):
        if s.operator.kind != "tridiagonal":
            raise InputError(f"systems[{i}]", s.operator.kind, "tridiagonal operators (1D chains) only")
        if s.size != first.size or s.rate_names != first.rate_names:
            raise InputError(f"systems[{i}]", f"{s.size} nodes, outflows {s.rate_names}",
                             f"the shape of systems[0]: {first.size} nodes, outflows {first.rate_names}")

    def stack(get):
        return np.stack([np.asarray(get(s), dtype=float) for s in systems])

    return SystemBatch(capacity=stack(lambda s: s.capacity), diagonal=stack(lambda s: s.operator.diagonal),
                       off_diagonal=stack(lambda s: s.operator.off_diagonal), source=stack(lambda s: s.source),
                       initial=stack(lambda s: s.initial), rate_weights=stack(lambda s: s.rate_weights),
                       rate_constant=stack(lambda s: s.rate_constant), rate_names=tuple(first.rate_names))


def _eigen(diagonal: np.ndarray, off: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (b, n) and eigenvectors (b, n, n; columns) of the symmetric tridiagonal matrices with
    ``diagonal`` (b, n) and ``off`` (b, n − 1): "stack" = one `numpy.linalg.eigh` call on the dense stack,
    "loop" = `scipy.linalg.eigh_tridiagonal` (LAPACK ?stemr, as `solve_exact`) matrix by matrix."""
    b, n = diagonal.shape
    if method == "loop":
        from scipy.linalg import eigh_tridiagonal

        lam, vecs = np.empty((b, n)), np.empty((b, n, n))
        for k in range(b):
            lam[k], vecs[k] = eigh_tridiagonal(diagonal[k], off[k], check_finite=False)
        return lam, vecs
    m = np.zeros((b, n, n))
    i = np.arange(n)
    m[:, i, i] = diagonal
    m[:, i[:-1], i[1:]] = off
    m[:, i[1:], i[:-1]] = off
    return np.linalg.eigh(m)


def _expm1_product(lam: np.ndarray, coef: np.ndarray, times: np.ndarray, step: float | None) -> np.ndarray:
    """coef @ (e^{−λt} − 1): coefficients (b, R, n), λ (b, n) in 1/h, t (h) → (b, R, n_t).

    With t = 0, h, 2h, … (``step`` = h) the (b, n, n_t) grid is never formed: t = a + c with a on a
    coarse grid of k = ⌈√n_t⌉ steps and c < k steps, e^{−λt} − 1 = m_a + m_c + m_a m_c (m = expm1 ≤ 0:
    no cancellation, a few ulps), so the sum over modes is coef@m_a ⊕ coef@m_c + (coef∘m_a)ᵀ m_c: about
    2√n_t exponentials per mode instead of n_t.
    """
    if step is None:
        return coef @ np.expm1(-lam[..., None] * times)
    k = int(np.ceil(np.sqrt(times.size)))
    m_a = np.expm1(-lam[..., None] * (np.arange(-(-times.size // k)) * (k * step)))     # (b, n, A)
    m_c = np.expm1(-lam[..., None] * (np.arange(k) * step))                            # (b, n, k)
    b, rows, n = coef.shape
    scaled = coef[:, :, None, :] * np.swapaxes(m_a, 1, 2)[:, None]                      # (b, R, A, n)
    cross = (scaled.reshape(b, -1, n) @ m_c).reshape(b, rows, -1, k)                    # (b, R, A, k)
    total = (coef @ m_a)[..., None] + (coef @ m_c)[..., None, :] + cross
    return total.reshape(*coef.shape[:2], -1)[..., :times.size]


def _modal_sum(lam, times, step, c_e, c_1, c_2) -> np.ndarray:
    """Σ_k c_e[k] e^{−λ_k t} + c_1[k] φ₁(λ_k, t) + c_2[k] φ₂(λ_k, t) for each row of the coefficients
    (b, R, n) → (b, R, n_t), λ (b, n) ascending.

    Modes with λ t₁ ≥ `SLOW_MODE` (t₁ the first positive time) use e = 1 + m, φ₁ = −m/λ, φ₂ = t/λ + m/λ²
    with m = e^{−λt} − 1 (`_expm1_product`), the 1/λ going into the coefficients; slower modes (the first
    ones of each system) take `dermsim.transport.exact.phi_functions` entry by entry.
    """
    positive = times[times > 0]
    t1 = float(positive.min()) if positive.size else 0.0
    slow = int(np.max(np.sum(lam * t1 < SLOW_MODE, axis=1)))
    out = np.zeros((*c_e.shape[:2], times.size))
    if slow:
        e, phi1, phi2 = phi_functions(lam[:, :slow], times)
        out += c_e[..., :slow] @ e + c_1[..., :slow] @ phi1 + c_2[..., :slow] @ phi2
    if slow < lam.shape[1]:
        inv = 1.0 / lam[:, None, slow:]
        c_e, c_1, c_2 = c_e[..., slow:], c_1[..., slow:], c_2[..., slow:]
        out += c_e.sum(axis=-1, keepdims=True) + (c_2 * inv).sum(axis=-1, keepdims=True) * times
        out += _expm1_product(lam[:, slow:], c_e - c_1 * inv + c_2 * inv * inv, times, step)
    return out


def _solve_chunk(batch: SystemBatch, rows: slice, times: np.ndarray, step, states: bool, method: str,
                 observables: np.ndarray | None = None):
    """stored (b, n_t), cumulative (b, n_rates, n_t), u (b, n_t, n) or None, and the observables
    (b, n_obs, n_t) or None for ``rows`` of the batch."""
    cap = batch.capacity[rows]
    root = np.sqrt(cap)
    lam, vecs = _eigen(batch.diagonal[rows] / cap, batch.off_diagonal[rows] / (root[:, :-1] * root[:, 1:]), method)
    alpha = (root * batch.initial[rows])[:, None, :] @ vecs           # (b, 1, n) = (Vᵀ C^½ u₀)ᵀ
    beta = (batch.source[rows] / root)[:, None, :] @ vecs             # (b, 1, n) = (Vᵀ C^-½ b)ᵀ
    stored_w = root[:, None, :] @ vecs                                # stored = stored_w · Vᵀv
    rate_w = (batch.rate_weights[rows] / root[:, None, :]) @ vecs     # Q_j' = rate_w · Vᵀv + f0
    # values p·u = (p C^-½ V)·(Vᵀ C^½ u): stored has p = C, the observables their own p
    value_w = stored_w if observables is None else np.concatenate(
        [stored_w, (observables[rows] / root[:, None, :]) @ vecs], axis=1)
    n_values = value_w.shape[1]
    c_e = np.concatenate([value_w * alpha, np.zeros_like(rate_w)], axis=1)
    c_1 = np.concatenate([value_w * beta, rate_w * alpha], axis=1)
    c_2 = np.concatenate([np.zeros_like(value_w), rate_w * beta], axis=1)
    out = _modal_sum(lam, times, step, c_e, c_1, c_2)
    cumulative = out[:, n_values:] + batch.rate_constant[rows][:, :, None] * times
    observed = out[:, 1:n_values] if observables is not None else None
    u = None
    if states:
        ex, phi1, phi2 = phi_functions(lam, times)
        modes = ex * alpha.transpose(0, 2, 1) + phi1 * beta.transpose(0, 2, 1)
        u = ((vecs @ modes) / root[:, :, None]).transpose(0, 2, 1)
    return out[:, 0], cumulative, u, observed


def _uniform_step(times: np.ndarray) -> float | None:
    """h if ``times`` = 0, h, 2h, … (to 1e-13 of the duration), else None."""
    if times.size < 3 or times[0] != 0.0:
        return None
    step = times[-1] / (times.size - 1)
    uniform = np.max(np.abs(times - step * np.arange(times.size))) <= 1e-13 * times[-1]
    return float(step) if uniform else None


@single_threaded_blas
def solve_batch(batch: SystemBatch, times, states: bool = False, eigen: str = "auto",
                observables: np.ndarray | None = None) -> BatchResult:
    """Exact solutions of every system of ``batch`` at ``times`` (h, ≥ 0, from each initial state);
    ``states``: also return the nodal u (B, n_t, n), ug/cm³. Cumulative outflows start at 0.
    ``observables`` (B, n_obs, n): weights p of linear functionals p·u(t) returned as ``observed``
    (B, n_obs, n_t) without forming the states (e.g. p = K w / h over a layer's cells: its mean concentration).

    ``eigen``: "stack" (one `numpy.linalg.eigh` call per chunk), "loop" (`scipy.linalg.eigh_tridiagonal`
    per system, faster on long chains) or "auto": "stack" up to `STACK_MAX_NODES` nodes, else "loop".
    """
    times = np.asarray(times, dtype=float)
    n_b, n = batch.capacity.shape
    if eigen not in ("auto", "stack", "loop"):
        raise InputError("eigen", eigen, "'auto', 'stack' or 'loop'", ("auto", "stack", "loop"))
    method = eigen if eigen != "auto" else ("stack" if n <= STACK_MAX_NODES else "loop")
    stored = np.empty((n_b, times.size))
    cumulative = np.empty((n_b, len(batch.rate_names), times.size))
    u = np.empty((n_b, times.size, n)) if states else None
    if observables is not None:
        observables = np.asarray(observables, dtype=float)
        if observables.ndim != 3 or observables.shape[0] != n_b or observables.shape[2] != n:
            raise InputError("observables", f"shape {observables.shape}", f"(B, n_obs, n) = ({n_b}, n_obs, {n})")
    observed = np.empty((n_b, observables.shape[1], times.size)) if observables is not None else None
    step = _uniform_step(times)
    chunk = max(1, CHUNK_FLOATS // (n * n))
    for start in range(0, n_b, chunk):                                # chunks, not skins
        rows = slice(start, min(start + chunk, n_b))
        stored[rows], cumulative[rows], u_rows, obs_rows = _solve_chunk(batch, rows, times, step, states, method,
                                                                        observables)
        if states:
            u[rows] = u_rows
        if observed is not None:
            observed[rows] = obs_rows
    initial = np.einsum("bn,bn->b", batch.capacity, batch.initial)
    return BatchResult(times=times, rate_names=batch.rate_names, stored=stored, cumulative=cumulative,
                       initial_amount=initial, u=u, observed=observed)


def _mesh_shape(model) -> str:
    """What fixes a layered model's nodes and outflows: cells per region, dose kind, receptor kind."""
    cells = tuple(r.cells for r in model.regions)
    dose = "infinite" if model.vehicle.infinite else "finite"
    return f"cells per region {cells}, {dose} dose, {model.receptor.kind} receptor"


def solve_layered_batch(models: Sequence, times, states: bool = False) -> BatchResult:
    """Exact solutions of `dermsim.permeation.layered.LayeredDiffusion` models (infinite or finite doses,
    any receptor) that share one mesh shape (same cells per region, dose kind and receptor kind; else
    `InputError`); thicknesses, K, D, clearances, concentrations and volumes may differ. ``times`` in h."""
    from dermsim.permeation.layered import discretise

    if not models:
        raise InputError("models", "[]", "at least one layered model")
    shape = _mesh_shape(models[0])
    for i, model in enumerate(models):
        if _mesh_shape(model) != shape:
            raise InputError(f"models[{i}]", None, f"the mesh shape of models[0] ({shape})",
                             problem=f"mesh shape {_mesh_shape(model)}")
    return solve_batch(stack_systems([discretise(m) for m in models]), times, states)
