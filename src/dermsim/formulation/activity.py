"""Thermodynamic activity of the components of a liquid vehicle film, and their partial pressures.

    x_i = n_i / Σ n_j,  n_i = V_i ρ_i / M_i          (mole fractions from volumes per area)
    a_i = γ_i x_i                                       (activity)
    p_i = γ_i x_i P_i^sat                               (partial pressure above the film, Pa; modified Raoult)

Two models of γ_i:

* ``"ideal"`` (default): γ_i = 1, Raoult's law. Exact for a pure liquid and for near-ideal pairs; for water
  with ethanol or acetone it under-states the volatility of the organic component at low concentration
  (infinite-dilution γ of 4-8).
* ``"unifac"``: modified UNIFAC (Dortmund) group contribution (Weidlich & Gmehling 1987 Ind Eng Chem Res
  26:1372; Gmehling, Li & Schiller 1993 Ind Eng Chem Res 32:178) as implemented in the ``thermo`` package
  (Caleb Bell, MIT licence; group parameters shipped with the package, no network access), with the
  subgroup assignments of ``parameters/vehicles.toml``. Typical error of predicted γ in such mixtures
  10-30 %, larger at infinite dilution; light mineral oil is represented by n-pentacosane (thin).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dermsim import parameters
from dermsim.errors import InputError
from dermsim.formulation.vehicles import VehicleComponent, component, skin_surface_temperature

__all__ = ["ACTIVITY_MODELS", "mole_fractions", "activity_coefficients", "activities", "partial_pressures"]

ACTIVITY_MODELS = ("ideal", "unifac")


def _resolve(components: Sequence[VehicleComponent | str], temperature_K: float | None
             ) -> tuple[list[VehicleComponent], float]:
    """Components at one temperature: ``temperature_K``, else that of the component objects given, else the
    skin-surface temperature. Objects at another temperature are re-evaluated at it."""
    temps = {c.temperature for c in components if isinstance(c, VehicleComponent)}
    if temperature_K is not None:
        temperature = float(temperature_K)
    elif len(temps) == 1 and all(isinstance(c, VehicleComponent) for c in components):
        temperature = temps.pop()
    else:
        temperature = skin_surface_temperature()
    comps = [c if isinstance(c, VehicleComponent) and c.temperature == temperature
             else component(c.name if isinstance(c, VehicleComponent) else c, temperature) for c in components]
    return comps, temperature


def _fractions(values, n: int, field: str) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.shape != (n,) or not np.all(np.isfinite(x)) or np.any(x < 0):
        raise InputError(field, values, f"{n} finite numbers >= 0, one per component")
    return x


def mole_fractions(components: Sequence[VehicleComponent | str], volumes: Sequence[float]) -> np.ndarray:
    """Mole fractions of the components from their volumes (any one volume unit, e.g. cm³/cm² = cm).

    n_i = V_i ρ_i / M_i; all-zero volumes give all-zero fractions (a dry film).
    """
    comps, _ = _resolve(components, None)
    v = _fractions(volumes, len(comps), "volumes")
    moles = v * np.array([c.density / c.molar_mass for c in comps])
    total = moles.sum()
    return moles / total if total > 0 else moles


@parameters.cache
def _unifac(groups: tuple[tuple[tuple[int, int], ...], ...], temperature: float):
    from thermo.unifac import UNIFAC

    n = len(groups)
    return UNIFAC.from_subgroups(T=temperature, xs=[1.0 / n] * n, chemgroups=[dict(g) for g in groups], version=1)


def activity_coefficients(components: Sequence[VehicleComponent | str], mole_fractions: Sequence[float],
                          temperature_K: float | None = None, model: str = "ideal") -> np.ndarray:
    """Activity coefficients γ_i of the components at the given mole fractions (dimensionless).

    ``model``: ``"ideal"`` (γ = 1) or ``"unifac"`` (modified UNIFAC, Dortmund; see the module docstring).
    A component at zero mole fraction gets its infinite-dilution γ. ``temperature_K`` defaults to the
    temperature of the component objects given, else the skin-surface temperature.
    """
    if model not in ACTIVITY_MODELS:
        raise InputError("activity model", model, " | ".join(ACTIVITY_MODELS), choices=ACTIVITY_MODELS)
    comps, temperature = _resolve(components, temperature_K)
    x = _fractions(mole_fractions, len(comps), "mole_fractions")
    if model == "ideal" or len(comps) == 1:
        return np.ones(len(comps))
    missing = [c.name for c in comps if not c.dortmund_groups]
    if missing:
        raise InputError("dortmund_groups", missing, "UNIFAC subgroups for every component (vehicles.toml)")
    total = x.sum()
    if total <= 0:
        raise InputError("mole_fractions", list(x), "fractions with a positive sum")
    base = _unifac(tuple(c.dortmund_groups for c in comps), temperature)
    return np.asarray(base.to_T_xs(temperature, list(x / total)).gammas(), dtype=float)


def activities(components: Sequence[VehicleComponent | str], mole_fractions: Sequence[float],
               temperature_K: float | None = None, model: str = "ideal") -> np.ndarray:
    """a_i = γ_i x_i (dimensionless)."""
    x = _fractions(mole_fractions, len(components), "mole_fractions")
    return activity_coefficients(components, x, temperature_K, model) * x


def partial_pressures(components: Sequence[VehicleComponent | str], mole_fractions: Sequence[float],
                      temperature_K: float | None = None, model: str = "ideal") -> np.ndarray:
    """p_i = γ_i x_i P_i^sat(T), Pa, with P_i^sat of each component at ``temperature_K``."""
    comps, temperature = _resolve(components, temperature_K)
    a = activities(comps, mole_fractions, temperature, model)
    return a * np.array([c.vapour_pressure for c in comps])
