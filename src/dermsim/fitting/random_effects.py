"""Donor-to-donor variability: a random effect on each fitted log parameter, by the global two-stage method.

Stage 1 fits every donor's cells alone, giving x̂_i = ln θ̂_i and its standard error s_i
(`dermsim.fitting.estimate`). Stage 2 treats them as x̂_i ~ N(μ, ω² + s_i²), ω the between-donor SD of
ln θ, and estimates μ and ω by restricted maximum likelihood (REML; the random-effects meta-analysis model:
Viechtbauer 2005, J Educ Behav Stat 30:261; the two-stage approach to nonlinear mixed effects: Davidian &
Giltinan 1995, Nonlinear Models for Repeated Measurement Data, §5.2). Its 95 % interval for ω is the REML
profile with the χ²₁ threshold (1.92 log-likelihood units); an interval reaching ω = 0 has lower end 0.

Stage 1 needs every donor's curve to inform the parameters on its own (≥ p + 2 points per donor); a marginal
likelihood (Laplace / Gauss–Hermite) over all donors at once would not, and is not implemented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import chi2

LEVEL = 0.95


@dataclass
class RandomEffect:
    """μ (mean of ln θ over donors) with its SE, ω (between-donor SD of ln θ) and its 95 % interval."""

    mean: float
    mean_se: float
    sd: float
    sd_lower: float
    sd_upper: float | None
    donors: int


def _restricted_loglik(omega: float, x: np.ndarray, s: np.ndarray) -> tuple[float, float, float]:
    """(REML log-likelihood, μ̂, SE(μ̂)) at between-donor SD ``omega``."""
    v = omega ** 2 + s ** 2
    w = 1.0 / v
    mu = float(np.sum(w * x) / np.sum(w))
    ll = -0.5 * (np.sum(np.log(v)) + np.log(np.sum(w)) + np.sum(w * (x - mu) ** 2))
    return float(ll), mu, float(np.sqrt(1.0 / np.sum(w)))


def between_donor(x, se, level: float = LEVEL) -> RandomEffect:
    """REML estimate of μ and ω from per-donor estimates ``x`` (ln units) and their SEs ``se``."""
    x, s = np.asarray(x, dtype=float), np.asarray(se, dtype=float)
    if x.size < 2:
        raise ValueError("between-donor variability needs at least two donors")
    span = float(np.ptp(x)) + float(np.max(s)) + 1e-12
    upper_search = 10.0 * span

    def neg(omega):
        return -_restricted_loglik(omega, x, s)[0]

    sol = minimize_scalar(neg, bounds=(0.0, upper_search), method="bounded", options={"xatol": 1e-10 * span})
    omega = float(sol.x)
    if neg(0.0) <= sol.fun:
        omega = 0.0
    best = -neg(omega)
    _, mu, mu_se = _restricted_loglik(omega, x, s)
    drop = 0.5 * chi2.ppf(level, 1)

    def g(w):
        return best - (-neg(w)) - drop

    lower = 0.0 if g(0.0) <= 0 else brentq(g, 0.0, omega)
    upper = brentq(g, omega, upper_search) if g(upper_search) > 0 else None
    return RandomEffect(mean=mu, mean_se=mu_se, sd=omega, sd_lower=float(lower), sd_upper=upper, donors=x.size)
