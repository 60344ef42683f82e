"""Exact reference solutions for verifying the transport solvers (any consistent units).

Notation: membrane thickness h, diffusivity D, membrane/vehicle partition K, donor concentration C0,
sink at x = h, Q(t) = cumulative amount per area reaching the sink.

References: Crank J (1975) The Mathematics of Diffusion, 2nd ed., eqs 4.16, 4.24a, 2.45 and ch. 12;
Kasting GB (2001) J Pharm Sci 90:202 (finite dose, well-mixed vehicle); Frisch HL (1957) J Phys Chem
61:93 and Ash, Barrer & Palmer (1965) Br J Appl Phys 16:873 (laminate lag time).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import erfc


def crank_infinite_dose_amount(t, h, D, K, C0, n_terms: int = 400):
    """Q(t) through a membrane from a constant donor into a sink (Crank 4.24a)."""
    t = np.asarray(t, dtype=float)
    n = np.arange(1, n_terms + 1)[:, None]
    series = ((-1.0) ** n / n**2 * np.exp(-D * n**2 * np.pi**2 * t[None, :] / h**2)).sum(axis=0)
    return K * C0 * h * (D * t / h**2 - 1.0 / 6.0 - 2.0 / np.pi**2 * series)


def crank_lag_time(h, D):
    """Lag time h²/(6D) of a homogeneous membrane."""
    return h**2 / (6.0 * D)


def crank_infinite_dose_profile(x, t, h, D, K, C0, n_terms: int = 400):
    """c(x, t) in the membrane, constant donor, sink (Crank 4.16)."""
    x = np.asarray(x, dtype=float)
    n = np.arange(1, n_terms + 1)[:, None]
    s = (np.sin(n * np.pi * x[None, :] / h) / n * np.exp(-n**2 * np.pi**2 * D * t / h**2)).sum(axis=0)
    return K * C0 * (1.0 - x / h - 2.0 / np.pi * s)


def semi_infinite_profile(x, t, D, K, C0):
    """c(x, t) = K C0 erfc(x / 2√(Dt)) in a semi-infinite medium (Crank 2.45)."""
    return K * C0 * erfc(np.asarray(x) / (2.0 * np.sqrt(D * t)))


def semi_infinite_uptake(t, D, K, C0):
    """Amount per area taken up by a semi-infinite medium: 2 K C0 √(Dt/π)."""
    return 2.0 * K * C0 * np.sqrt(D * np.asarray(t) / np.pi)


def kasting_eigenvalues(beta: float, n_terms: int) -> np.ndarray:
    """Roots α_n of α tan α = β, α_n ∈ ((n−1)π, (n−½)π)."""
    eps = 1e-10
    return np.array([brentq(lambda a: a * np.tan(a) - beta, (k - 1) * np.pi + eps,
                            (k - 0.5) * np.pi - eps, xtol=1e-15, rtol=1e-15)
                     for k in range(1, n_terms + 1)])


def kasting_finite_dose_fraction(t, h, D, K, vehicle_thickness, n_terms: int = 300):
    """Fraction of a well-mixed finite dose that has reached the sink, M_t/M_∞ (Kasting 2001).

    M_t/M_∞ = 1 − 2β Σ exp(−α_n² D t/h²) / (cos α_n (β + β² + α_n²)),  β = K h / h_v.
    """
    t = np.asarray(t, dtype=float)
    beta = K * h / vehicle_thickness
    a = kasting_eigenvalues(beta, n_terms)[:, None]
    terms = np.exp(-a**2 * D * t[None, :] / h**2) / (np.cos(a) * (beta + beta**2 + a**2))
    return 1.0 - 2.0 * beta * terms.sum(axis=0)


def laminate_permeability(thicknesses, diffusivities, partitions):
    """kp of a laminate: 1/kp = Σ l_i/(K_i D_i) (K_i relative to the vehicle)."""
    l, D, K = (np.asarray(a, dtype=float) for a in (thicknesses, diffusivities, partitions))
    return 1.0 / np.sum(l / (K * D))


def two_layer_lag_time(l1, D1, K1, l2, D2, K2):
    """Lag time of a two-layer laminate (Frisch 1957; Ash, Barrer & Palmer 1965)."""
    num = (D1**2 * K1 * l2**3 + 3 * D1 * D2 * K1 * l1**2 * l2 + 3 * D1 * D2 * K2 * l1 * l2**2
           + D2**2 * K2 * l1**3)
    return num / (6.0 * D1 * D2 * (D1 * K1 * l2 + D2 * K2 * l1))


def clearance_steady_profile(x, L, D, k, c_top):
    """Steady c(x) in a layer with first-order clearance k, c(0) = c_top, zero flux at x = L.

    c = c_top cosh((L − x)/λ) / cosh(L/λ), λ = √(D/k); top flux J0 = c_top √(kD) tanh(L/λ).
    """
    lam = np.sqrt(D / k)
    return c_top * np.cosh((L - np.asarray(x)) / lam) / np.cosh(L / lam)


def clearance_steady_flux(L, D, k, c_top):
    """Steady flux into a cleared layer: c_top √(kD) tanh(L √(k/D))."""
    return c_top * np.sqrt(k * D) * np.tanh(L * np.sqrt(k / D))


def chain_steady_flux(system) -> float:
    """Steady flux (ug/cm²/h) of a 1D layered `System` with an infinite dose ("supplied") and a sink ("permeated"),
    exact for the discrete chain: the donor level over the series resistances 1/g_top + Σ 1/g_i + 1/g_bottom."""
    supplied, permeated = system.rate_index("supplied"), system.rate_index("permeated")
    g_top = -system.rate_weights[supplied, 0]
    resistance = math.fsum([1 / g_top, *(-1 / system.operator.off_diagonal), 1 / system.rate_weights[permeated, -1]])
    return system.rate_constant[supplied] / g_top / resistance
