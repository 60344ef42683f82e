"""The product as applied: a scenario's ``[formulation]`` resolved for one compound.

`apply_formulation` converts the stated concentration and dose to kernel units (ug/cm³, g/cm², cm), finds
the vehicle (its composition, density and the solute's solubility in it), caps a concentration above
solubility (a suspension: the dissolved part is saturated, the rest is solid) and, for a finite dose with
vehicle physics, builds the drying film. Everything it assumed is returned as notes for the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dermsim.errors import InputError
from dermsim.formulation.concentration import to_mass_concentration
from dermsim.formulation.film import DryingFilm


@dataclass(frozen=True)
class AppliedFormulation:
    """A formulation in kernel units.

    concentration : total solute per volume of product, ug/cm³ (dissolved + suspended)
    dissolved_concentration : what the vehicle holds in solution at application, ug/cm³
    dose_mass : g/cm² (None: infinite dose); dose_volume : cm³/cm² = cm (None: infinite)
    density : g/cm³
    vehicle_partition : K_v, vehicle/water capacity ratio of the solute at application
    vehicle : description of the vehicle; solubility : in the vehicle at application, ug/cm³ (None: unknown)
    water_solubility : S_w at the vehicle pH, ug/cm³ (None: unknown)
    film : the drying film (finite dose with vehicle physics), else None
    limits : short statements of what limits the result; notes : assumptions
    """

    concentration: float
    dissolved_concentration: float
    dose_mass: float | None
    dose_volume: float | None
    density: float
    vehicle_partition: float
    vehicle: str
    solubility: float | None
    water_solubility: float | None
    film: DryingFilm | None = None
    solute_volatility: object | None = None
    limits: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def applied_amount(self) -> float | None:
        """Solute applied per area, ug/cm² (None for an infinite dose)."""
        return None if self.dose_volume is None else self.concentration * self.dose_volume


def _solute_liquid_density(compound) -> float | None:
    """Liquid density of the solute at the film temperature, g/cm³, from ``chemicals`` (None when unknown)."""
    from dermsim.formulation.vehicles import _density, skin_surface_temperature
    from dermsim.formulation.volatility import _identify

    meta = _identify(compound.smiles, compound.name)
    if meta is None:
        return None
    found = _density(meta.CASs, compound.molecular_weight, skin_surface_temperature())
    if found is not None:
        return float(found[0])
    from thermo import Chemical                          # thermo's liquid-volume methods (Bell, thermo library)

    rho = Chemical(meta.CASs, T=skin_surface_temperature()).rhol
    return float(rho) / 1000.0 if rho else None


def _default_vehicle(spec) -> tuple[dict[str, float] | str, str | None]:
    if spec.vehicle is not None:
        return spec.vehicle, None
    if spec.oil_fraction > 0:
        return ({"water": 1.0 - spec.oil_fraction, "mineral-oil": spec.oil_fraction},
                f"vehicle not given: an emulsion of water with {100 * spec.oil_fraction:.3g} % light mineral oil")
    return "water", "vehicle not given: taken as water (give formulation.vehicle)"


def apply_formulation(spec, compound, *, fraction_unionised: float = 1.0, occluded: bool = False,
                      legacy_partition: float = 1.0, in_vitro: bool = False,
                      solvent_permeability=None) -> AppliedFormulation:
    """Resolve ``spec`` (a `FormulationSpec`) for ``compound`` (None: explicit layers without a named solute).

    ``legacy_partition`` is K_v when no vehicle physics applies (explicit layers, a given vehicle_partition, or
    a compound without solubility data). ``in_vitro``: the dose lies in the open donor chamber of a diffusion
    cell (still air of ``donor_chamber_depth`` above it, default from vehicles.toml); in vivo it is open to the air.
    ``solvent_permeability(component)`` gives the stratum corneum's permeability to a vehicle component (cm/h),
    its uptake into the skin (None: no uptake).
    """
    from dermsim.formulation.mixture import film_for, solubility_model, vehicle_mixture

    notes: list[str] = []
    limits: list[str] = []
    infinite = spec.dose == "infinite"
    mixture, solubility, s_w = None, None, None
    physics = (compound is not None and compound.log_kow is not None and spec.vehicle_partition is None
               and spec.vehicle_physics)
    if not spec.vehicle_physics:
        notes.append("vehicle_physics = false: no solubility limit, and a finite dose stays liquid and well mixed "
                     "for the whole run (an upper bound)")
    if physics:
        composition, note = _default_vehicle(spec)
        mixture = vehicle_mixture(composition)
        try:
            s_of_phi, s_w, _ = solubility_model(compound, mixture, fraction_unionised)
            solubility = s_of_phi(mixture.fractions)
            if note:
                notes.append(note)
        except InputError as exc:
            if spec.vehicle is not None or spec.neat:
                raise InputError("compound", compound.name, "a melting point or a measured aqueous solubility "
                                 "(compound.melting_point / compound.aqueous_solubility by hand), or "
                                 "formulation.vehicle_physics = false",
                                 problem=f"{compound.name!r} has no melting point or measured solubility, needed "
                                         "for its solubility in the vehicle") from None
            notes.append(f"no solubility known for {compound.name} ({exc.allowed}): no solubility limit and a "
                         "vehicle that never dries (an upper bound)")
            physics, mixture = False, None
    density = spec.density or (mixture.density if mixture is not None else 1.0)
    mw = compound.molecular_weight if compound is not None else None
    if spec.neat:
        rho = _solute_liquid_density(compound)
        if rho is None:
            raise InputError("formulation.neat", True, "a compound whose liquid density is known (give a "
                             "concentration and a vehicle instead)")
        concentration, density = rho * 1e6, (spec.density or rho)
    else:
        needs_rho = spec.concentration.basis == "v/v"
        concentration = to_mass_concentration(spec.concentration, molecular_weight=mw, density=density,
                                              solute_density=_solute_liquid_density(compound) if needs_rho and compound else None)
    if not infinite and spec.dose.basis == "volume" and spec.density is None and mixture is None:
        notes.append("dose by volume converted with a density of 1 g/cm^3")
    dose_mass = None if infinite else spec.dose.mass(density)
    dose_volume = None if infinite else spec.dose.volume(density)

    if not physics:
        k_v = legacy_partition
        return AppliedFormulation(concentration, concentration, dose_mass, dose_volume, density, k_v,
                                  "as given (no vehicle physics)", None, None, notes=tuple(notes))
    if spec.neat:
        solubility = concentration
    dissolved = min(concentration, solubility)
    if concentration > solubility * (1 + 1e-12) and not spec.neat:
        limits.append(f"solubility-limited: the {mixture.describe()} vehicle holds {solubility:.3g} ug/cm^3 of "
                      f"{compound.name}; {concentration:.3g} ug/cm^3 is a suspension ({100 * (1 - solubility / concentration):.3g} % solid)")
    k_v = solubility / s_w
    from dermsim.formulation.volatility import solute_volatility

    air = None if spec.air_velocity is None else spec.air_velocity / 3600.0             # cm/h -> cm/s
    depth = spec.donor_chamber_depth
    if depth is None:
        from dermsim import parameters

        depth = parameters.load("vehicles")["conditions"]["donor_chamber_depth"].to("cm") if in_vitro else 0.0
    volatility = solute_volatility(compound, vapour_pressure_Pa=spec.solute_vapour_pressure,
                                   air_velocity_cm_s=air, still_air_depth_cm=depth)
    film = None
    if not infinite:
        film = film_for(compound, mixture, 0.0 if spec.neat else dose_volume, fraction_unionised=fraction_unionised,
                        occluded=occluded, air_velocity=air, still_air_depth=depth,
                        solute_rate=volatility.rate_at_saturation,
                        uptake_rates=None if solvent_permeability is None else
                        [solvent_permeability(c) for c in mixture.components])
        if not volatility.known:
            notes.append(volatility.source)
    if not math.isfinite(k_v) or k_v <= 0:
        raise InputError("formulation.vehicle", spec.vehicle, "a vehicle in which the solute's solubility is finite and > 0")
    return AppliedFormulation(concentration, dissolved, dose_mass, dose_volume, density, k_v, mixture.describe(),
                              solubility, s_w, film, volatility, tuple(limits), tuple(notes))
