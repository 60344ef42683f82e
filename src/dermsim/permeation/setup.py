"""From a permeation scenario to the layered model: skin, compound, transport properties, formulation.

`build` resolves every name (site, compound, QSPR), applies the defaults that depend on the experiment
(hydration under occlusion, receptor in vitro vs in vivo, surface pH) and returns a `PermeationSetup`
holding the 1D layered model in kernel units (cm, h, ug). Nothing is solved here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from dermsim.anatomy import Layer, Skin, skin_for_site
from dermsim.errors import InputError
from dermsim.formulation import Formulation
from dermsim.formulation.applied import AppliedFormulation, apply_formulation
from dermsim.permeation.layered import (LayeredDiffusion, Receptor, Region, Vehicle, discretise,
                                        steady_state_metrics)

#: Finite volumes per region at resolution 1 (resolution check in docs/validation.md §5).
CELLS = {"stratum_corneum": 40, "viable_epidermis": 12, "basal_layer": 6, "dermis": 24, "membrane": 30}
DEFAULT_SURFACE_PH = 5.0  # used only if neither the formulation nor the site gives a pH (Lambers 2006)


@dataclass(frozen=True)
class PermeationSetup:
    """Everything `simulate` derived from a scenario, before solving."""

    model: LayeredDiffusion
    skin: Skin
    formulation: Formulation  # compound is None for explicit membranes without a named solute
    compound: object | None
    transport: object | None
    receptor_kind: str
    vehicle_concentration: float
    ph: float | None
    notes: tuple[str, ...]
    applied: AppliedFormulation | None = None
    receptor_fluid: "ReceptorConditions | None" = None


@dataclass(frozen=True)
class ReceptorConditions:
    """The receptor fluid of an in-vitro run: its description, the receptor/water partition K_r (–), the
    solute's solubility in it (ug/cm³; None when unknown) and the fluid volume per skin area (cm; None when
    not given)."""

    description: str
    partition: float
    solubility: float | None
    depth: float | None


def receptor_conditions(rc, kind: str, compound) -> ReceptorConditions | None:
    """Resolve ``[receptor]``'s fluid for ``compound`` (None in vivo)."""
    if kind == "blood":
        if rc.fluid is not None:
            raise InputError("receptor.fluid", rc.fluid, "no receptor fluid in vivo (receptor.type = 'blood')")
        return None
    from dermsim.permeation.receptor_fluid import receptor_fluid, receptor_partition, receptor_solubility

    try:
        fluid = receptor_fluid(rc.fluid if rc.fluid is not None else "pbs")
        k_r = rc.partition
        if k_r is None:
            k_r = receptor_partition(fluid, compound)[0] if compound is not None else 1.0
    except InputError as exc:
        raise exc.prefixed("receptor") from None
    solubility = None
    if compound is not None and compound.log_kow is not None:
        try:
            solubility = receptor_solubility(fluid, compound)
        except InputError:
            solubility = None
    depth = rc.volume / rc.area if rc.volume is not None and rc.area is not None else None
    return ReceptorConditions(fluid.description or fluid.name, k_r, solubility, depth)


def _membrane_names() -> set[str]:
    from dermsim import parameters

    return set(parameters.load("body_sites").get("membranes", {}))


def resolve_compound(spec):
    """Compound from a scenario's ``[compound]`` table (library name, SMILES or by hand)."""
    from dermsim.chemistry import compound as lib

    if spec.smiles:
        return _with_overrides(lib.compound_from_smiles(spec.smiles, name=spec.name, acid_base=spec.acid_base,
                                                        pka_acid=spec.pka_acid, pka_base=spec.pka_base), spec)
    if spec.molecular_weight is not None:
        if spec.log_kow is None:
            raise InputError("compound.log_kow", None, "a number (log10 octanol/water) when molecular_weight is given")
        extra = {k: v for k, v in (("melting_point", spec.melting_point),
                                   ("aqueous_solubility", spec.aqueous_solubility)) if v is not None}
        return lib.make_compound(spec.name or "user compound", spec.molecular_weight, spec.log_kow,
                                 acid_base=spec.acid_base or "neutral", pka_acid=spec.pka_acid,
                                 pka_base=spec.pka_base, **extra)
    if spec.name in (None, "solute"):
        return None
    return _with_overrides(lib.get_compound(spec.name), spec)


#: ``[compound]`` fields that replace a library or SMILES compound's own value when given.
OVERRIDABLE = ("log_kow", "acid_base", "pka_acid", "pka_base", "melting_point", "aqueous_solubility")


def _with_overrides(compound, spec):
    """The compound with the values the scenario's ``[compound]`` table gives beside its name or SMILES (for
    example the solubility of the salt a patch carries); each replaced value is sourced as the user's and no
    longer counted as estimated. Values are checked like any compound's (one-line error)."""
    given = {k: getattr(spec, k) for k in OVERRIDABLE if getattr(spec, k, None) is not None}
    given = {k: v for k, v in given.items() if v != getattr(compound, k)}
    if not given:
        return compound
    sources = dict(compound.sources) | {k: "user input (scenario [compound])" for k in given
                                        if k not in ("acid_base",)}
    return replace(compound, **given, sources=sources, estimated=frozenset(compound.estimated) - set(given))


def _regions_from_properties(skin: Skin, props, in_vivo: bool, resolution: float) -> list[Region]:
    def cells(role):
        return max(3, int(round(CELLS[role] * resolution)))

    regions = []
    for layer in skin.layers:
        if layer.role == "hypodermis":
            continue  # anatomical only: in vivo the model's base is the dermis (Dancik 2013)
        if layer.role == "stratum_corneum":
            # an impermeable SC (macromolecules) has D = 0; keep a positive capacity for the solver
            partition = props.stratum_corneum_partition if props.permeable else 1.0
            regions.append(Region("stratum_corneum", layer.thickness, partition,
                                  props.stratum_corneum_diffusivity, cells=cells(layer.role)))
        elif layer.role == "viable_epidermis":
            basal = min(skin.basal_layer_thickness, 0.5 * layer.thickness)
            K, D = props.viable_epidermis_partition, props.viable_epidermis_diffusivity
            regions.append(Region("viable_epidermis", layer.thickness - basal, K, D, cells=cells(layer.role)))
            regions.append(Region("basal_layer", basal, K, D, cells=cells("basal_layer")))
        elif layer.role == "dermis":
            regions.append(Region("dermis", layer.thickness, props.dermis_partition, props.dermis_diffusivity,
                                  clearance=props.dermis_clearance if in_vivo else 0.0, cells=cells("dermis")))
    return regions


def build(scenario) -> PermeationSetup:
    """Turn a validated scenario into the layered model (no solving)."""
    sk, fo, rc, sim = scenario.skin, scenario.formulation, scenario.receptor, scenario.simulation
    notes: list[str] = []
    explicit = sk.layers is not None
    compound = resolve_compound(scenario.compound)
    if scenario.compound.smiles:
        from dermsim.chemistry.ionisable_groups import missing_pka_note

        note = missing_pka_note(compound.name, scenario.compound.smiles, scenario.compound.pka_acid,
                                scenario.compound.pka_base)
        if note:
            notes.append(note)
    hydration = "hydrated" if fo.occluded else sk.hydration
    if fo.occluded and sk.hydration != "hydrated":
        notes.append("occluded: stratum corneum treated as fully hydrated, no evaporation")
    if hydration is None:
        # a membrane immersed under an infinite dose is fully hydrated (Dancik et al. 2013); under an open finite
        # dose its surface dries with the vehicle and meets room air, as skin in vivo does ("normal")
        membrane = not explicit and sk.site in _membrane_names()
        open_finite = fo.dose != "infinite" and fo.vehicle_physics       # vehicle_physics = false: the old rule
        hydration = "hydrated" if (membrane and not open_finite) else "normal"
        if membrane and open_finite:
            notes.append("open finite dose on an in-vitro membrane: stratum corneum at normal hydration (its surface "
                         "meets room air once the vehicle has gone)")
    if explicit:
        skin = Skin(layers=tuple(Layer(l.name, "membrane", l.thickness, l.diffusivity, l.partition, l.clearance,
                                       source="scenario") for l in sk.layers), site="explicit layers",
                    hydration="as given", in_vitro=True)
    else:
        if compound is None:
            raise InputError("compound.name", scenario.compound.name,
                             "a library compound, a SMILES or molecular_weight + log_kow (or give skin.layers)")
        skin = skin_for_site(sk.site, hydration=hydration, age=sk.age,
                             include_hypodermis=sk.include_hypodermis, thickness=sk.thickness)
    kind = rc.type or ("sink" if skin.in_vitro else "blood")
    if kind == "blood" and skin.in_vitro and not explicit:
        raise InputError("receptor.type", kind, f"'sink' or 'finite' for the in-vitro membrane {skin.site!r}")
    ph = fo.ph if fo.ph is not None else (skin.surface_ph or DEFAULT_SURFACE_PH)
    fluid = receptor_conditions(rc, kind, compound)
    if kind == "finite":
        if rc.volume is None or rc.area is None:
            raise InputError("receptor.volume", rc.volume, "receptor.volume and receptor.area both given for a finite receptor")
        receptor = Receptor("finite", thickness=rc.volume / rc.area, partition=fluid.partition)
    else:
        receptor = Receptor(kind)
    props = None
    if explicit:
        regions = [Region(l.name, l.thickness, l.partition, l.diffusivity, l.clearance or 0.0,
                          cells=max(3, int(round(CELLS["membrane"] * sim.resolution)))) for l in skin.layers]
        vehicle_partition = 1.0  # explicit partitions are layer/vehicle
    else:
        from dermsim.chemistry.qspr import transport_properties

        props = transport_properties(compound, model=scenario.transport.model, ph=ph, hydration=hydration)
        if not props.permeable:
            notes.append(f"{compound.name}: stratum corneum impermeable — {props.reason}")
        regions = _regions_from_properties(skin, props, kind == "blood", sim.resolution)
        vehicle_partition = (fo.vehicle_partition if fo.vehicle_partition is not None
                             else emulsion_partition(fo.oil_fraction, compound.log_kow or 0.0, props.fraction_unionised))
    uptake = None
    if not explicit:
        sc = next(l.thickness for l in skin.layers if l.role == "stratum_corneum")
        uptake = solvent_uptake(scenario.transport.model, ph, hydration, sc)
    applied = apply_formulation(fo, compound, fraction_unionised=props.fraction_unionised if props else 1.0,
                                occluded=fo.occluded, legacy_partition=vehicle_partition, in_vitro=skin.in_vitro,
                                solvent_permeability=uptake)
    notes.extend(applied.notes)
    formulation = Formulation(compound, applied.concentration, applied.dose_mass, applied.density,
                              applied.vehicle_partition, fo.ph, fo.occluded, fo.evaporation_rate)
    vehicle = Vehicle(formulation.infinite, applied.dissolved_concentration, applied.dose_volume or 0.0,
                      applied.vehicle_partition, 0.0 if applied.film is not None else formulation.effective_evaporation_rate)
    model = LayeredDiffusion(tuple(regions), vehicle, receptor)
    return PermeationSetup(model, skin, formulation, compound, props, kind, applied.dissolved_concentration, ph,
                           tuple(notes), applied, fluid)


def solvent_uptake(model: str, ph: float, hydration: str, sc_thickness: float):
    """Permeability of the stratum corneum to a vehicle component, p = K_sc D_sc / h_sc (cm/h), from the same
    QSPR as the solute (the component as a neutral permeant of its molar mass and log Kow); 0 for a component
    without log Kow (the oils, taken as staying on the surface)."""
    from dermsim.chemistry.compound import make_compound
    from dermsim.chemistry.qspr import transport_properties

    def permeability(component) -> float:
        if component.log_kow is None:
            return 0.0
        solvent = make_compound(component.name, component.molar_mass, component.log_kow)
        p = transport_properties(solvent, model=model, ph=ph, hydration=hydration)
        return p.stratum_corneum_partition * p.stratum_corneum_diffusivity / sc_thickness

    return permeability


def emulsion_partition(oil_fraction: float, log_kow: float, fraction_unionised: float = 1.0) -> float:
    """Vehicle/water partition of a two-phase (oil-in-water) vehicle, octanol taken as the oil:
    K_v/w = (1 − φ) + φ · f_u · Kow (volume-weighted phase partitioning; only the un-ionised fraction
    f_u enters the oil). An approximation: real cosmetic oils are less polar than octanol."""
    return (1.0 - oil_fraction) + oil_fraction * fraction_unionised * 10.0**log_kow


def output_times(sim) -> np.ndarray:
    """Uniform output times over the duration (default 241), merged with the requested profile times."""
    step = sim.output_interval or sim.duration / 240.0
    n = max(2, int(math.ceil(sim.duration / step - 1e-9)) + 1)
    t = np.linspace(0.0, sim.duration, n)
    extra = [p for p in (sim.profile_times or []) if p <= sim.duration]
    return np.unique(np.concatenate([t, extra]))


def membrane_metrics(setup: PermeationSetup) -> tuple[float | None, float | None]:
    """kp (cm/h) and lag time (h) of the skin as a membrane: infinite dose, sink (in vitro) or blood."""
    model = setup.model
    if setup.transport is not None and not setup.transport.permeable:
        return 0.0, None
    outflow = "cleared" if setup.receptor_kind == "blood" else "permeated"
    receptor = model.receptor if setup.receptor_kind == "blood" else Receptor("sink")
    probe = replace(model, vehicle=replace(model.vehicle, infinite=True), receptor=receptor)
    flux, lag = steady_state_metrics(discretise(probe), outflow)
    kp = flux / model.vehicle.concentration
    return kp, (lag if math.isfinite(lag) else None)
