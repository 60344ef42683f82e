"""A vehicle as a liquid mixture, and the drying film it makes on the skin.

`VehicleMixture` holds the components of a vehicle (library keys of `dermsim.formulation.vehicles`) and their
volume fractions. `film_for` turns a mixture, a solute and an applied volume into the
`dermsim.formulation.film.DryingFilm` the finite-dose solver advances:

* solvent evaporation e_i from each component's vapour pressure, molar mass and density, with a laminar
  boundary layer over the dose (`vehicles.evaporation_rate`); occlusion stops it;
* solubility of the solute in the film as its composition changes, S(φ): water and the water-miscible
  cosolvents form one phase whose solubility is log-linear in their fractions (Yalkowsky & Roseman 1981);
  the oils (isopropyl myristate, mineral oil, octanol, benzene) form another, log-linear among themselves; the
  film holds S = φ_aq S_aq + φ_oil S_oil (both phases in equilibrium, a volume-weighted capacity, as for an
  emulsion); an ionisable solute dissolves more in the aqueous phase at the vehicle pH, S_aq / f_u
  (Henderson–Hasselbalch, f_u the un-ionised fraction; no salt-solubility limit is applied);
* the water-equivalent reference S_w (the aqueous solubility at the same pH), so that the skin below sees
  u = a S_w with a = c/S the solute's thermodynamic activity;
* the solute's own evaporation at activity a (`formulation.volatility`);
* a solute that is liquid at the skin temperature (T_m ≤ T; melting point of the compound, else of the
  ``chemicals`` library) forms a liquid deposit that keeps the film saturated at once; a solid deposit
  dissolves at the finite rate k_d;
* the residual surface layer that stays when the volatile components are gone (skin-surface water and
  lipids, thickness h_res) in which a deposit dissolves at rate k_d; the layer holds
  S_res = (1 − φ_lipid) S_w + φ_lipid f_u Kow S_w (octanol as the surrogate of skin-surface lipid).

The three residual-layer constants (h_res, k_d, φ_lipid) are the global constants of the drying-film model
(``[film]`` in ``parameters/vehicles.toml``); nothing is set per compound.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dermsim import parameters
from dermsim.errors import InputError
from dermsim.formulation.film import DryingFilm
from dermsim.formulation.solubility import COSOLVENTS, OILS, mixture_solubility_function, solubility_in_info
from dermsim.formulation.vehicles import (VehicleComponent, component, evaporation_rate, list_components,
                                          skin_surface_temperature)


@dataclass(frozen=True)
class VehicleMixture:
    """Components (library keys) and their volume fractions (sum 1) at the film temperature."""

    components: tuple[VehicleComponent, ...]
    fractions: tuple[float, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components)

    @property
    def density(self) -> float:
        """Density of the mixture, g/cm³ (volumes taken as additive)."""
        return float(sum(f * c.density for f, c in zip(self.fractions, self.components)))

    def describe(self) -> str:
        if len(self.components) == 1:
            return self.components[0].display_name or self.components[0].name
        return " + ".join(f"{100 * f:.3g} % {c.display_name or c.name}" for f, c in zip(self.fractions, self.components))


_RATIO = re.compile(r"^\s*([A-Za-z][\w\s.-]*?)\s*[/:+]\s*([A-Za-z][\w\s.-]*?)\s+(\d+(?:\.\d+)?)\s*[/:]\s*(\d+(?:\.\d+)?)"
                    r"\s*(?:\(?v/v\)?)?\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*(?:v/v\s+)?(?:aqueous\s+)?([A-Za-z][\w\s.-]*?)\s*$", re.IGNORECASE)


def _parse_text(spec: str) -> str | dict[str, float]:
    """'ethanol/water 70/30', 'ethanol:water 1:1' (v/v ratios) or '70 % ethanol' (the rest water) as volume
    fractions; anything else is a component name."""
    if m := _RATIO.match(spec):
        a, b = float(m.group(3)), float(m.group(4))
        if a + b > 0:
            return {m.group(1).strip(): a / (a + b), m.group(2).strip(): b / (a + b)}
    if m := _PERCENT.match(spec):
        x = float(m.group(1)) / 100.0
        if 0 < x < 1:
            return {m.group(2).strip(): x, "water": 1.0 - x}
        if x == 1:
            return m.group(2).strip()
    return spec


def vehicle_mixture(spec: str | Mapping[str, float], field: str = "formulation.vehicle") -> VehicleMixture:
    """A mixture from a component name (``"ethanol"``), a mapping of names to volume fractions
    (``{"ethanol": 0.7, "water": 0.3}``; fractions ≥ 0 summing to 1 within 1e-6), or the same in words:
    ``"ethanol/water 70/30"``, ``"ethanol:water 1:1"`` (v/v), ``"70 % ethanol"`` (the rest water)."""
    if isinstance(spec, str):
        parsed = _parse_text(spec)
        if isinstance(parsed, dict):
            return vehicle_mixture(parsed, field)
        spec = parsed
    if isinstance(spec, str):
        try:
            return VehicleMixture((component(spec),), (1.0,))
        except InputError as exc:
            raise InputError(field, spec, exc.allowed, choices=list_components()) from None
    if not isinstance(spec, Mapping) or not spec:
        raise InputError(field, spec, "a component name or a table of volume fractions, e.g. { ethanol = 0.7, water = 0.3 }")
    comps, fractions = [], []
    for name, fraction in spec.items():
        try:
            comp = component(name)
        except InputError as exc:
            raise InputError(f"{field}.{name}", name, exc.allowed, choices=list_components()) from None
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
            raise InputError(f"{field}.{name}", fraction, "a volume fraction between 0 and 1")
        if comp.name in (c.name for c in comps):
            raise InputError(field, name, "each component once")
        if fraction > 0:
            comps.append(comp)
            fractions.append(float(fraction))
    total = sum(fractions)
    if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-6):
        raise InputError(field, dict(spec), "volume fractions that sum to 1", problem=f"they sum to {total:.6g}")
    return VehicleMixture(tuple(comps), tuple(f / total for f in fractions))


@dataclass(frozen=True)
class FilmConstants:
    """Global constants of the residual surface layer (``[film]`` in vehicles.toml): thickness h_res (cm),
    deposit dissolution rate k_d (1/h), lipid volume fraction φ_lipid (–)."""

    residual_thickness: float
    dissolution_rate: float
    lipid_fraction: float

    @classmethod
    def packaged(cls) -> "FilmConstants":
        table = parameters.load("vehicles")["film"]
        return cls(table["residual_thickness"].to("cm"), table["dissolution_rate"].to("1/h"),
                   table["residual_lipid_fraction"].to(""))


def solubility_model(compound, mixture: VehicleMixture, fraction_unionised: float = 1.0):
    """S(φ) in ug/cm³ for the mixture's components (order of ``mixture.names``), the water reference S_w
    (ug/cm³, at the vehicle pH) and the sources of the neat-component values. Each phase is the log-linear
    `solubility.mixture_solubility_function` of its own components; the film holds their volume-weighted sum."""
    names = mixture.names
    sources = tuple(sorted({solubility_in_info(n, compound).source for n in names}))
    aqueous = np.array([n == "water" or n in COSOLVENTS for n in names])
    oily = np.array([n in OILS for n in names])
    ion = 1.0 / max(fraction_unionised, 1e-300)
    s_w = solubility_in_info("water", compound).value * ion
    phases = [(mask, mixture_solubility_function(compound, [n for n, m in zip(names, mask) if m]), factor)
              for mask, factor in ((aqueous, ion), (oily, 1.0)) if mask.any()]

    def solubility(phi: np.ndarray) -> float:
        phi = np.asarray(phi, dtype=float)
        phi = phi / phi.sum()
        total = 0.0
        for mask, s_phase, factor in phases:
            part = float(phi[mask].sum())
            if part > 0.0:
                total += part * s_phase(phi[mask]) * factor
        return total

    return solubility, s_w, sources


def film_for(compound, mixture: VehicleMixture, applied_volume: float, *, fraction_unionised: float = 1.0,
             occluded: bool = False, air_velocity: float | None = None, still_air_depth: float = 0.0,
             solute_rate: float = 0.0, uptake_rates=None,
             constants: FilmConstants | None = None) -> DryingFilm:
    """The drying film of ``applied_volume`` (cm = cm³/cm²) of the mixture carrying ``compound``.

    Parameters
    ----------
    air_velocity : air speed over the dose, cm/s (default from vehicles.toml)
    still_air_depth : depth of still air between the dose and the moving air (open donor chamber), cm
    solute_rate : the solute's evaporation rate constant at activity 1, ug/cm²/h (`formulation.volatility`)
    uptake_rates : permeability of the stratum corneum to each component from water, cm/h (None: no uptake); a
        liquid that does not mix with water enters at kp S_w, so its rate is scaled by S_w/ρ
        (`VehicleComponent.water_equivalent_fraction`)
    constants : the residual-layer constants (default: the packaged global ones)
    """
    constants = constants or FilmConstants.packaged()
    solubility, s_w, _ = solubility_model(compound, mixture, fraction_unionised)
    comps = mixture.components
    rates = np.array([evaporation_rate(c, air_velocity_cm_s=air_velocity, still_air_depth_cm=still_air_depth)
                      for c in comps])
    log_kow = compound.log_kow or 0.0
    lipid = constants.lipid_fraction
    residual = (1.0 - lipid) * s_w + lipid * 10.0 ** log_kow * s_w * fraction_unionised   # oil holds the neutral form
    melting = compound.melting_point
    if melting is None:
        from dermsim.formulation.volatility import library_melting_point

        found = library_melting_point(compound)
        melting = found[0] if found is not None else None
    liquid = melting is not None and melting <= skin_surface_temperature()
    return DryingFilm(names=mixture.names, volumes=applied_volume * np.array(mixture.fractions),
                      molar_volumes=np.array([c.molar_volume for c in comps]), evaporation_rates=rates,
                      solubility=solubility, water_solubility=s_w, solute_evaporation=solute_rate,
                      dissolution_rate=constants.dissolution_rate, residual_thickness=constants.residual_thickness,
                      residual_solubility=residual, occluded=occluded, liquid_deposit=liquid,
                      uptake_rates=None if uptake_rates is None else
                      np.asarray(uptake_rates, dtype=float) * [c.water_equivalent_fraction for c in comps])
