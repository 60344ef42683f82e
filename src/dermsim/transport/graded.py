"""Exact solution of stiff 1D chains with relative accuracy (layers whose conductances differ by many decades).

`dermsim.transport.exact.solve_exact` decomposes M = C^-½ A C^-½ stored as diagonal and off-diagonal. In a layer
conducting R times more than its neighbour (R = ratio of K·D/h), two things lose digits in double precision:

* the diagonal g_{i−1} + g_i + γ_i is rounded to ~eps·g, a spurious conductance to ground that the slow modes feel
  relative to their own conductances, ~eps·R per node: the exact solution of the rounded system of a 0.1 um layer
  (D = 1e-5 cm²/s) on 415 um (K = 0.01), R = 4e5, leaks 1.3e-8 of the dose in its hour whatever solves it;
* an infinite dose's inflow κ(z − u₀) is summed as f₀·t − κ∫u₀, totals 4.5e7 times the inflow there (4e8 against
  8.8 ug/cm²): one unit in their last place is 7e-9 of the dose.

Here the chain is kept in conductance form: g_i (cm/h) between nodes i and i + 1 (−A[i, i+1]) and γ_i (cm/h) to fixed
levels (boundary couplings and first-order losses), read from the outflows, A·1 = Σ_out f_j − Σ_in f_j (the mass
balance), and checked against A's rows to rounding. Then

1. A = L D Lᵀ by σ_i = γ_i + g_{i−1} σ_{i−1} / p_{i−1}, p_i = σ_i + g_i, L[i+1, i] = −g_i / p_i (the elimination of
   Grassmann, Taksar & Heyman 1985): sums of positive terms only, so every pivot keeps its relative accuracy;
2. λ = squared singular values of the bidiagonal F = C^-½ L D^½ (M = F Fᵀ, |L[i+1, i]| ≤ 1 so cond(L) ≤ 2n) by
   LAPACK ?gejsv, preconditioned one-sided Jacobi, to high relative accuracy (Drmač & Veselić 2008);
3. eigenvectors by twisted factorisations of A − λC in the same form (Dhillon & Parlett 2004): the pivots p±
   from both ends, the twist r where |γ_r| is least, x_i = (g_i / p⁺_i) x_{i+1} above it and
   x_i = (g_{i−1} / p⁻_i) x_{i−1} below: products only, so the small components (a slow mode inside a fast layer, where
   the inflow enters) keep their relative accuracy; λ takes the twist's Rayleigh correction. Eigenvalues closer
   than `CLUSTER` (relative; mirror modes at the two faces of a graded layer) are orthonormalised together
   (Löwdin), or take ?gejsv's orthonormal vectors when their twisted vectors coincide (a gap near round-off);
4. the modal solution of `solve_exact`, except that an inflow from a fixed level z (infinite dose, f = −κ e_i,
   f₀ = κ z) is integrated as κ ∫d_i from the deficit d = z − u, which obeys C ḋ = −A d + z γ_other, d(0) = z − u(0):
   no cancelling totals.

Measured against 40–60-digit references (mpmath) of the same conductance-form systems, 13 named stacks (ratios
4e5…4e7, the fast layer at the donor, inside the stack or at the sink; finite and infinite doses) and 30 drawn as
tests/test_property_valid_scenarios.py draws them (ratios up to 2.4e13): inflows, outflows and stored amounts within
2.4e-11 of the dose (5e-12 for the named ones), balance ≤ 2.4e-11 (the default decomposition on the same stacks:
balance errors up to 1).

References: Grassmann, Taksar & Heyman 1985, Oper Res 33:1107; Drmač & Veselić 2008, SIAM J Matrix Anal Appl
29:1322 and 29:1343; Dhillon & Parlett 2004, Linear Algebra Appl 387:1; Alfa, Xue & Ye 2002, Math Comp 71:217
(relative accuracy of diagonally dominant M-matrices in this form).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dermsim.transport.balance import INFLOWS
from dermsim.transport.blas import single_threaded
from dermsim.transport.exact import Trajectory, modal_solution
from dermsim.transport.system import System

#: Relative gap below which eigenvalues are orthonormalised as a group (the MRRR threshold of LAPACK ?stemr).
CLUSTER = 1e-3
#: f₀·t over the inflow above which a fixed-level inflow is integrated from the deficit (`_cancels`).
CANCELLATION = 1e3
#: Largest chain solved this way (?gejsv does O(n³) work: 0.2 s at 480 nodes, 1.9 s at 1000 on one core).
GRADED_MAX_NODES = 1000


@dataclass(frozen=True)
class ConductanceChain:
    """A tridiagonal A in conductance form (cm/h): ``conductance`` (n − 1,) g_i between nodes i and i + 1,
    ``ground`` (n,) γ_i = (A·1)_i to fixed levels and losses; ``inflow`` the fixed-level inflow, if any: (rate index,
    node, κ, level z (ug/cm³), the rest of the source (ug/cm²/h), γ without κ)."""

    conductance: np.ndarray
    ground: np.ndarray
    inflow: tuple | None = None

    @classmethod
    def of(cls, system: System) -> "ConductanceChain | None":
        """The chain of a tridiagonal ``system`` whose outflows account for A's row sums, else None."""
        op = system.operator
        if op.kind != "tridiagonal":
            return None
        g = -op.off_diagonal
        sign = np.array([-1.0 if name in INFLOWS else 1.0 for name in system.rate_names])
        weights = system.rate_weights * sign[:, None]            # each ≥ 0: a conductance to a fixed level
        fixed = [j for j in range(sign.size) if sign[j] < 0 and system.rate_constant[j] != 0
                 and np.count_nonzero(system.rate_weights[j]) == 1]
        if np.any(g < 0) or np.any(weights < 0) or len(fixed) > 1:
            return None
        other = np.delete(weights, fixed, axis=0).sum(axis=0)
        ground = other + (weights[fixed[0]] if fixed else 0.0)
        rows = op.diagonal.copy()
        rows[:-1] -= g
        rows[1:] -= g
        if np.any(np.abs(rows - ground) > 16 * np.finfo(float).eps * np.abs(op.diagonal)):
            return None
        inflow = None
        if fixed:
            j = fixed[0]
            node = int(np.flatnonzero(system.rate_weights[j])[0])
            kappa = float(weights[j, node])
            rest = system.source.copy()
            rest[node] -= system.rate_constant[j]                 # the inflow's own source κz (0 left in layered)
            inflow = (j, node, kappa, float(system.rate_constant[j]) / kappa, rest, other)
        return cls(g, ground, inflow)

    def pivots(self) -> np.ndarray:
        """D of A = L D Lᵀ (cm/h), top down, from positive terms only (step 1 of the module docstring)."""
        g, ground = self.conductance, self.ground
        p = np.empty(ground.size)
        sigma = ground[0]
        for i in range(ground.size):
            if i:
                sigma = ground[i] + (g[i - 1] * sigma / p[i - 1] if p[i - 1] > 0 else 0.0)
            p[i] = sigma + (g[i] if i < g.size else 0.0)
        return p

    def eigen(self, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(λ (1/h), V) of M = C^-½ A C^-½ = V Λ Vᵀ with relative accuracy (steps 2–3), or None if ?gejsv fails."""
        lam, jacobi = _singular_pairs(self.conductance, self.pivots(), capacity)
        if lam is None:
            return None
        vecs, refined = _twisted_vectors(self.conductance, self.ground, capacity, lam)
        use = np.all(np.isfinite(vecs), axis=0)
        close = np.diff(lam) <= CLUSTER * lam[1:]
        start = 0
        while start < lam.size:
            end = start
            while end < lam.size - 1 and close[end]:
                end += 1
            if end > start and use[start:end + 1].all():
                block = vecs[:, start:end + 1]
                gram = block.T @ block
                if np.abs(gram - np.eye(gram.shape[0])).max() < 0.1:     # Löwdin: V G^-½
                    w, q = np.linalg.eigh(gram)
                    vecs[:, start:end + 1] = block @ (q / np.sqrt(w)) @ q.T
                else:                                                   # coinciding: Jacobi's orthonormal basis
                    use[start:end + 1] = False
            elif end > start:
                use[start:end + 1] = False
            start = end + 1
        return np.where(use, refined, lam), np.where(use[None, :], vecs, jacobi)


def _singular_pairs(g: np.ndarray, p: np.ndarray, capacity: np.ndarray):
    """λ = σ² ascending and the left singular vectors of F = C^-½ L D^½ (LAPACK ?gejsv, JOBA = 'F': full pivoting,
    for a two-sided graded matrix); (None, None) if it fails."""
    from scipy.linalg import lapack

    n = p.size
    f = np.zeros((n, n))
    idx = np.arange(n)
    f[idx, idx] = np.sqrt(p / capacity)
    with np.errstate(divide="ignore", invalid="ignore"):
        f[idx[1:], idx[:-1]] = np.where(g > 0, -g / np.sqrt(p[:-1] * capacity[1:]), 0.0)
    sva, u, _, work, _, info = lapack.dgejsv(f, joba=2, jobu=0, jobv=3, jobr=0, jobt=0, jobp=0)
    if info != 0 or not np.all(np.isfinite(sva)):
        return None, None
    sigma = sva * (work[1] / work[0])                 # ?gejsv: singular values = (WORK(2)/WORK(1))·SVA
    order = np.argsort(sigma)
    return sigma[order] ** 2, u[:, order]


def _twisted_vectors(g: np.ndarray, ground: np.ndarray, capacity: np.ndarray, lam: np.ndarray):
    """Eigenvectors of M (columns, unit length; NaN where a product overflowed) and Rayleigh-corrected λ, from
    twisted factorisations of A − λC for all λ at once (step 3)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):     # overflow: NaN, not used
        n, m = ground.size, lam.size
        below = np.append(g, 0.0)                     # g_i, node i to i + 1
        above = np.append(0.0, g)                     # g_{i−1}, node i − 1 to i
        tiny = np.finfo(float).tiny
        shifted = ground[:, None] - lam[None, :] * capacity[:, None]
        sig_down, piv_down = np.empty((n, m)), np.empty((n, m))      # eliminated from the top: σ⁺, p⁺
        sig_up, piv_up = np.empty((n, m)), np.empty((n, m))          # from the bottom: σ⁻, p⁻
        sig_down[0] = shifted[0]
        piv_down[0] = sig_down[0] + below[0]
        for i in range(1, n):
            prev = np.where(piv_down[i - 1] == 0, tiny, piv_down[i - 1])
            sig_down[i] = shifted[i] + above[i] * sig_down[i - 1] / prev
            piv_down[i] = sig_down[i] + below[i]
        sig_up[-1] = shifted[-1]
        piv_up[-1] = sig_up[-1] + above[-1]
        for i in range(n - 2, -1, -1):
            prev = np.where(piv_up[i + 1] == 0, tiny, piv_up[i + 1])
            sig_up[i] = shifted[i] + below[i] * sig_up[i + 1] / prev
            piv_up[i] = sig_up[i] + above[i]
        piv_down[piv_down == 0] = tiny
        piv_up[piv_up == 0] = tiny
        gamma = shifted.copy()
        gamma[1:] += above[1:, None] * sig_down[:-1] / piv_down[:-1]
        gamma[:-1] += below[:-1, None] * sig_up[1:] / piv_up[1:]
        twist = np.argmin(np.abs(gamma), axis=0)
        cols = np.arange(m)
        x = np.zeros((n, m))
        x[twist, cols] = 1.0
        up, down = below[:, None] / piv_down, above[:, None] / piv_up
        for i in range(n - 2, -1, -1):
            x[i] = np.where(i < twist, up[i] * x[i + 1], x[i])
        for i in range(1, n):
            x[i] = np.where(i > twist, down[i] * x[i - 1], x[i])
        v = np.sqrt(capacity)[:, None] * x
        norm2 = np.einsum("ij,ij->j", v, v)
        return v / np.sqrt(norm2), lam + gamma[twist, cols] / norm2


def _cancels(flow: np.ndarray, constant: float, times: np.ndarray) -> bool:
    """Whether a fixed-level inflow summed as f₀·t − κ∫u (ug/cm²) lost more than log10(`CANCELLATION`) digits (its
    node sits near the level z, inside a fast layer): then it is taken from the deficit d = z − u, which is small
    there. Measured against 40-digit references: the direct sum with f₀t/Q ≤ 210 is within 5e-12 of the inflow, the
    deficit within 2e-15…2e-14 where f₀t/Q ≥ 9e4 (and 2e-11 at f₀t/Q = 130 behind a resistive top layer, where it
    is not used)."""
    return abs(constant) * times[-1] > CANCELLATION * max(float(np.max(np.abs(flow))), np.finfo(float).tiny)


def solve_graded(system: System, times: np.ndarray, initial: np.ndarray | None = None) -> Trajectory | None:
    """Exact solution of a stiff tridiagonal ``system`` at ``times`` (h) with relative accuracy (module docstring);
    None if the system is not a conductance chain, has more than `GRADED_MAX_NODES` nodes, or ?gejsv fails.

    ``initial`` : u at t = 0 (ug/cm³); default ``system.initial``. Cumulative outflows start at 0.
    """
    chain = ConductanceChain.of(system)
    if chain is None or system.size > GRADED_MAX_NODES:
        return None
    times = np.asarray(times, dtype=float)
    u0 = system.initial if initial is None else np.asarray(initial, dtype=float)
    with single_threaded():
        decomposition = chain.eigen(system.capacity)
        if decomposition is None:
            return None
        lam, vecs = decomposition
        root_c = np.sqrt(system.capacity)
        v, integral_v = modal_solution(lam, vecs, root_c, u0, system.source, times)
        cumulative = (system.rate_weights / root_c) @ integral_v + np.outer(system.rate_constant, times)
        if chain.inflow is not None and _cancels(cumulative[chain.inflow[0]], system.rate_constant[chain.inflow[0]],
                                                 times):
            j, node, kappa, level, rest, other = chain.inflow         # κ ∫(z − u_i) from the deficit d = z − u
            _, integral_d = modal_solution(lam, vecs, root_c, level - u0, level * other - rest, times)
            cumulative[j] = kappa * integral_d[node] / root_c[node]
    return Trajectory(times=times, u=(v / root_c[:, None]).T, cumulative=cumulative, solver="exact-eigen (graded)")
