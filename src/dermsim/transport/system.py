"""The semi-discrete system every transport model produces, and its symmetric operators.

Every model (1D layered skin, 2D channel cell, parallel pathways) is discretised by finite volumes in the
water-equivalent concentration u = c/K (ug/cm³; the interface rule is in `dermsim.transport.mesh`) into

    C du/dt = −A u + b,          Q_j(t) = ∫₀ᵗ (f_j · u + f0_j) dt                          (1)

with C the diagonal capacity (cm per unit skin area, > 0), A the symmetric positive semi-definite
conductance operator (cm/h: node-to-node conductances, boundary couplings and first-order losses), b the
source (ug/cm²/h, a fixed donor) and Q_j the named cumulative outflows (ug/cm²): "supplied" (into the
skin from an infinite dose; an inflow), "permeated" (into a sink), "cleared" (dermal clearance to the
blood), "evaporated" (from a finite vehicle). Stored amount = C·u, so mass is conserved exactly:
C·u(t) + Σ_out Q_j − Q_supplied = C·u(0).

An operator stores A in the form its solvers need and provides

* ``apply(u)`` = A u;
* ``factorise(capacity, scale)`` → object with ``solve(rhs)`` for (C + scale·A) (TR-BDF2: scale = θh);
* ``solve(rhs)`` = A⁻¹ rhs (steady states; a node with no coupling and no loss, a zero row, gets
  u = rhs there, i.e. 0 in a steady state, whose source vanishes on such nodes);
* ``eigen(capacity, root)`` → (λ, V, active): M = C^-½ A C^-½ = V Λ Vᵀ on the nodes ``active`` (None =
  all), ``root`` = C^½, for the exact solver (`dermsim.transport.exact`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


class TridiagonalOperator:
    """Symmetric tridiagonal A (1D chains): ``diagonal`` (n,) and ``off_diagonal`` (n − 1,), cm/h."""

    kind = "tridiagonal"

    def __init__(self, diagonal: np.ndarray, off_diagonal: np.ndarray):
        self.diagonal = np.asarray(diagonal, dtype=float)
        self.off_diagonal = np.asarray(off_diagonal, dtype=float)

    def apply(self, u: np.ndarray) -> np.ndarray:
        out = self.diagonal * u
        out[:-1] += self.off_diagonal * u[1:]
        out[1:] += self.off_diagonal * u[:-1]
        return out

    def factorise(self, capacity: np.ndarray, scale: float) -> "_TridiagonalLU":
        """LU factors (LAPACK ?gttrf) of C + scale·A."""
        dl = scale * self.off_diagonal
        return _TridiagonalLU(dl, capacity + scale * self.diagonal)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """A⁻¹ rhs (LAPACK ?gtsv); a zero row (uncoupled, loss-free node) is taken as the identity."""
        from scipy.linalg import lapack

        *_, x, info = lapack.dgtsv(self.off_diagonal, self.diagonal, self.off_diagonal, rhs)
        if info > 0 and np.any(self.diagonal <= 0):      # zero rows: solve without them
            d = np.where(self.diagonal > 0, self.diagonal, 1.0)
            *_, x, info = lapack.dgtsv(self.off_diagonal, d, self.off_diagonal, rhs)
        if info != 0:
            raise np.linalg.LinAlgError(f"tridiagonal solve failed (info={info})")
        return x

    def eigen(self, capacity: np.ndarray, root_c: np.ndarray, driver: str = "auto"):
        """(λ, V, None) of the symmetrised tridiagonal M (`scipy.linalg.eigh_tridiagonal` with ``driver`` as its
        ``lapack_driver``); root_c = √C."""
        from scipy.linalg import eigh_tridiagonal

        lam, vecs = eigh_tridiagonal(self.diagonal / capacity, self.off_diagonal / (root_c[:-1] * root_c[1:]),
                                     lapack_driver=driver)
        return lam, vecs, None


class _TridiagonalLU:
    def __init__(self, dl: np.ndarray, d: np.ndarray):
        from scipy.linalg import lapack

        self._lapack = lapack
        self.factors = lapack.dgttrf(dl.copy(), d, dl.copy())
        if self.factors[-1] != 0:
            raise np.linalg.LinAlgError("singular step matrix")

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        dl, d, du, du2, ipiv, _ = self.factors
        x, info = self._lapack.dgttrs(dl, d, du, du2, ipiv, rhs)
        return x


class BandedOperator:
    """Symmetric banded A in LAPACK upper band storage: ``bands`` (w + 1, n), ``bands[w − k, j]`` =
    A[j − k, j] for k = 0 … w (row w is the diagonal), cm/h."""

    kind = "banded"

    def __init__(self, bands: np.ndarray):
        self.bands = np.asarray(bands, dtype=float)
        self._matrix = None

    @property
    def bandwidth(self) -> int:
        return self.bands.shape[0] - 1

    @property
    def matrix(self):
        """A as a CSR matrix (built once, for ``apply``)."""
        if self._matrix is None:
            self._matrix = banded_to_sparse(self.bands)
        return self._matrix

    def apply(self, u: np.ndarray) -> np.ndarray:
        return self.matrix @ u

    def factorise(self, capacity: np.ndarray, scale: float) -> "_BandedCholesky":
        """Banded Cholesky factor (LAPACK ?pbtrf) of the symmetric positive definite C + scale·A."""
        from scipy.linalg import lapack

        m = scale * self.bands
        m[-1] += capacity
        factor, info = lapack.dpbtrf(m, lower=0)
        if info != 0:
            raise np.linalg.LinAlgError(f"step matrix not positive definite (info={info})")
        return _BandedCholesky(factor)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """A⁻¹ rhs (LAPACK ?pbsv); a zero row (uncoupled, loss-free node) is taken as the identity, the
        other nodes must be connected to a sink or a loss."""
        from scipy.linalg import solveh_banded

        m = np.array(self.bands, dtype=float)
        m[-1] = np.where(m[-1] > 0, m[-1], 1.0)
        return solveh_banded(m, rhs, lower=False, check_finite=False)

    def eigen(self, capacity: np.ndarray, root_all: np.ndarray):
        """(λ, V, active) of M restricted to the nodes with a non-zero row (`scipy.linalg.eig_banded`);
        root_all = √C.

        Nodes with no coupling and no loss (an impermeable SC) keep their value and are left out; dropping
        them keeps the half-bandwidth. V is dense (n_active × n_active): meant for small systems (the
        parallel-pathway model, a few hundred nodes), not for the 2D cell.
        """
        from scipy.linalg import eig_banded

        w = self.bandwidth
        active = self.bands[w] > 0
        sub = np.flatnonzero(active)
        new_index = np.cumsum(active) - 1
        bands = np.zeros((w + 1, sub.size))
        bands[w] = self.bands[w, sub] / capacity[sub]
        for k in range(1, w + 1):
            j = np.flatnonzero(self.bands[w - k, k:]) + k
            dist = new_index[j] - new_index[j - k]
            bands[w - dist, new_index[j]] = self.bands[w - k, j] / (root_all[j] * root_all[j - k])
        lam, vecs = eig_banded(bands, lower=False, check_finite=False)
        return lam, vecs, (None if sub.size == active.size else sub)

    def to_sparse(self) -> "SparseOperator":
        return SparseOperator(self.matrix)


class _BandedCholesky:
    """Solves with an upper banded Cholesky factor (LAPACK ?pbtrs called directly: the scipy wrapper's
    checks cost ~5 % of a 2D run's solves)."""

    def __init__(self, factor: np.ndarray):
        from scipy.linalg import lapack

        self.factor = factor
        self._pbtrs = lapack.dpbtrs

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        x, info = self._pbtrs(self.factor, rhs, lower=0)
        if info != 0:
            raise np.linalg.LinAlgError(f"banded solve failed (info={info})")
        return x


class SparseOperator:
    """Any sparse symmetric A (scipy.sparse), factorised by SuperLU (`scipy.sparse.linalg.splu`)."""

    kind = "sparse"

    def __init__(self, matrix):
        import scipy.sparse as sp

        self.matrix = sp.csc_matrix(matrix)

    def apply(self, u: np.ndarray) -> np.ndarray:
        return self.matrix @ u

    def factorise(self, capacity: np.ndarray, scale: float) -> "_SparseLU":
        import scipy.sparse as sp
        from scipy.sparse.linalg import splu

        c = sp.diags(np.asarray(capacity, dtype=float), format="csc")
        return _SparseLU(splu((c + scale * self.matrix).tocsc()))

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        from scipy.sparse.linalg import spsolve

        return spsolve(self.matrix, rhs)

    def eigen(self, capacity: np.ndarray, root: np.ndarray):
        raise NotImplementedError("the exact solver takes tridiagonal or banded operators")


class _SparseLU:
    def __init__(self, lu):
        self.lu = lu

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return self.lu.solve(rhs)


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


@dataclass
class System:
    """Semi-discrete system (1) on n nodes, with named outflows and named nodes.

    Attributes
    ----------
    capacity : (n,) diagonal of C (cm, > 0)
    operator : A (`TridiagonalOperator`, `BandedOperator` or `SparseOperator`)
    source : (n,) b (ug/cm²/h)
    initial : (n,) u at t = 0 (ug/cm³)
    rate_names : outflow names; ``rate_weights`` (n_rates, n) = f_j (cm/h), ``rate_constant`` (n_rates,)
        = f0_j (ug/cm²/h)
    vehicle_node, receptor_node : index of the well-mixed vehicle / receptor node, or None
    cell_slice : the tissue (mesh) nodes
    partition : (n,) K of each node (c = K u), None if not given
    mesh : the model's mesh (for labelling), None if not given
    meta : free model-side bookkeeping (never read by the solvers)
    """

    capacity: np.ndarray
    operator: TridiagonalOperator | BandedOperator | SparseOperator
    source: np.ndarray
    initial: np.ndarray
    rate_names: tuple[str, ...]
    rate_weights: np.ndarray
    rate_constant: np.ndarray
    vehicle_node: int | None = None
    receptor_node: int | None = None
    cell_slice: slice | None = None
    partition: np.ndarray | None = None
    mesh: object | None = None
    meta: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.capacity.size

    def rate_index(self, name: str) -> int:
        return self.rate_names.index(name)

    def rates(self, u: np.ndarray) -> dict[str, float]:
        """Outflow rates f_j·u + f0_j (ug/cm²/h) at the state u, by name."""
        return dict(zip(self.rate_names, (float(x) for x in self.rate_weights @ u + self.rate_constant)))

    def steady(self) -> np.ndarray:
        """Steady state u_ss = A⁻¹ b (needs a sink or a loss for every coupled node; uncoupled nodes 0)."""
        return self.operator.solve(self.source.copy())

    def with_operator(self, operator) -> "System":
        """The same system with A stored another way (e.g. ``operator.to_sparse()``)."""
        return replace(self, operator=operator)
