"""Weighted nonlinear least squares in log space: multistart point estimate and standard errors.

Model: y_i = f(t_i; θ) + ε_i, ε_i ~ N(0, σ² w_i⁻²) independent, with w_i = 1/SD_i when replicate SDs are
given and w_i = 1 otherwise; x = ln θ. The estimate minimises RSS(x) = Σ w_i² (y_i − f_i)² with
`scipy.optimize.least_squares` (trust-region reflective, bounded) from several seeded starts; the Jacobian
J = ∂(w r)/∂x is taken by central differences, all 2p perturbed parameter sets in one batched forward call.

Standard errors (Bates & Watts 1988, Nonlinear Regression Analysis, §2.3): cov(x̂) = s² (JᵀJ)⁻¹ with
s² = RSS/(n − p). The scale s² is estimated even with replicate SDs, which then fix relative weights only.
(skindiff's `solve(0.5 H)` omits s²; `skindiff_covariance` reproduces it for comparison in validation.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import least_squares

#: Relative step of the central differences in x = ln θ (≈ ε^(1/3), the step that balances truncation
#: and rounding errors of a central difference: Nocedal & Wright 2006, §8.1).
FD_STEP = 6e-6


@dataclass
class Objective:
    """Weighted residuals of a vectorised model: ``predict`` maps x (B, p) to predictions (B, n)."""

    predict: Callable[[np.ndarray], np.ndarray]
    observed: np.ndarray
    weights: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    @property
    def n(self) -> int:
        return self.observed.size

    def residuals(self, x) -> np.ndarray:
        """w (f(x) − y), shape (B, n) for x of shape (B, p)."""
        return (self.predict(np.atleast_2d(x)) - self.observed) * self.weights

    def rss(self, x) -> np.ndarray:
        return np.sum(self.residuals(x) ** 2, axis=-1)

    def jacobian(self, x, free=None) -> np.ndarray:
        """∂(w r)/∂x_j (n, p_free) by central differences in one batched call (``free``: columns to take)."""
        return self.residuals_and_jacobian(x, free)[1]

    def residuals_and_jacobian(self, x, free=None) -> tuple[np.ndarray, np.ndarray]:
        """w r at x (n,) and its Jacobian (n, p_free), the 2 p_free + 1 parameter sets in one batched call."""
        x = np.asarray(x, dtype=float)
        cols = np.arange(x.size) if free is None else np.flatnonzero(free)
        h = FD_STEP * np.maximum(1.0, np.abs(x[cols]))
        pts = np.repeat(x[None, :], 2 * cols.size + 1, axis=0)
        pts[1 + np.arange(cols.size), cols] += h
        pts[1 + cols.size + np.arange(cols.size), cols] -= h
        r = self.residuals(pts)
        return r[0], ((r[1:cols.size + 1] - r[cols.size + 1:]) / (2.0 * h[:, None])).T


@dataclass
class Estimate:
    """x̂ = ln θ̂, its RSS, the Jacobian there, and the costs reached from each start."""

    x: np.ndarray
    rss: float
    jacobian: np.ndarray
    start_rss: np.ndarray
    converged: bool


def minimise(objective: Objective, x0, free=None, tight: bool = True):
    """Least-squares minimum over the ``free`` coordinates of x (others held at ``x0``): (x, rss, success)."""
    x0 = np.asarray(x0, dtype=float)
    free = np.ones(x0.size, dtype=bool) if free is None else np.asarray(free, dtype=bool)
    lo, hi = objective.lower[free], objective.upper[free]
    z0 = np.clip(x0[free], lo + 1e-12 * np.abs(lo), hi - 1e-12 * np.abs(hi))

    def full(z):
        x = x0.copy()
        x[free] = z
        return x

    tol = 1e-12 if tight else 1e-8
    last: dict = {}

    def both(z):                       # residuals and Jacobian from one batched call, kept for `jac`
        if last.get("z") is None or not np.array_equal(last["z"], z):
            last["z"] = z.copy()
            last["r"], last["j"] = objective.residuals_and_jacobian(full(z), free)
        return last["r"], last["j"]

    sol = least_squares(lambda z: both(z)[0], z0, jac=lambda z: both(z)[1], bounds=(lo, hi), method="trf",
                        x_scale=1.0, xtol=tol, ftol=tol, gtol=tol, max_nfev=200)
    x = full(sol.x)
    return x, float(2.0 * sol.cost), bool(sol.success)


def multistart(objective: Objective, first_guess, starts: int = 4, seed: int = 0, spread: float = np.log(10.0)) -> Estimate:
    """Best of ``starts`` fits: the first from ``first_guess`` (x), the others drawn uniformly within ±``spread``
    (ln units; default one decade) of it by a seeded generator, clipped to the bounds."""
    rng = np.random.default_rng(seed)
    first_guess = np.clip(np.asarray(first_guess, dtype=float), objective.lower, objective.upper)
    points = [first_guess] + [np.clip(first_guess + rng.uniform(-spread, spread, first_guess.size),
                                      objective.lower, objective.upper) for _ in range(max(0, starts - 1))]
    results = [minimise(objective, p) for p in points]
    costs = np.array([r[1] for r in results])
    best = int(np.nanargmin(np.where(np.isfinite(costs), costs, np.inf)))
    x, rss, ok = results[best]
    return Estimate(x=x, rss=rss, jacobian=objective.jacobian(x), start_rss=costs, converged=ok)


def covariance(jacobian: np.ndarray, rss: float, n: int) -> np.ndarray:
    """s² (JᵀJ)⁻¹ with s² = RSS/(n − p): the covariance of x̂ = ln θ̂ (inf on the diagonal of a direction the
    data do not inform, i.e. a singular JᵀJ)."""
    p = jacobian.shape[1]
    s2 = rss / (n - p)
    jtj = jacobian.T @ jacobian
    try:
        cov = s2 * np.linalg.inv(jtj)
    except np.linalg.LinAlgError:
        cov = np.full((p, p), np.inf)
    if not np.all(np.isfinite(cov)) or np.linalg.cond(jtj) > 1e14:
        cov = np.full((p, p), np.inf)
    return cov


def skindiff_covariance(jacobian: np.ndarray) -> np.ndarray:
    """The covariance skindiff's `.compute_se()` returns, solve(0.5 H) with the Gauss–Newton Hessian
    H = 2 JᵀJ of the weighted RSS, i.e. (JᵀJ)⁻¹ without the residual variance (wave-2 evidence §2.1; for
    comparison only: it is right only when the weights are 1/σ exactly)."""
    return np.linalg.inv(jacobian.T @ jacobian)


def correlation(cov: np.ndarray) -> np.ndarray:
    """Correlation matrix of a covariance (NaN where a variance is not finite)."""
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    corr[~np.isfinite(corr)] = np.nan
    return corr
