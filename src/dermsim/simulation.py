"""simulate(scenario) -> Result: builds skin, compound, formulation and the layered model, solves, labels.

Every front end (CLI, Python API, later the web page and batch studies) calls `simulate`.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np

from dermsim import __version__
from dermsim.anatomy import UM, Layer, Skin, skin_for_site
from dermsim.errors import InputError
from dermsim.formulation import Formulation
from dermsim.results import DatasetContent, Result, basal_exposure
from dermsim.scenario import Scenario
from dermsim.transport.layered import (LayeredDiffusion, LinearSystem, Receptor, Region, Vehicle,
                                       discretise, steady_state_metrics)

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


def _membrane_names() -> set[str]:
    from dermsim import parameters

    return set(parameters.load("body_sites").get("membranes", {}))


def resolve_compound(spec):
    """Compound from a scenario's ``[compound]`` table (library name, SMILES or by hand)."""
    from dermsim.chemistry import compound as lib

    if spec.smiles:
        return lib.compound_from_smiles(spec.smiles, name=spec.name)
    if spec.molecular_weight is not None:
        if spec.log_kow is None:
            raise InputError("compound.log_kow", None, "a number (log10 octanol/water) when molecular_weight is given")
        return lib.make_compound(spec.name or "user compound", spec.molecular_weight, spec.log_kow,
                                 acid_base=spec.acid_base or "neutral", pka_acid=spec.pka_acid,
                                 pka_base=spec.pka_base)
    if spec.name in (None, "solute"):
        return None
    return lib.get_compound(spec.name)


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


def build(scenario: Scenario) -> PermeationSetup:
    """Turn a validated scenario into the layered model (no solving)."""
    sk, fo, rc, sim = scenario.skin, scenario.formulation, scenario.receptor, scenario.simulation
    notes: list[str] = []
    explicit = sk.layers is not None
    compound = resolve_compound(scenario.compound)
    hydration = "hydrated" if fo.occluded else sk.hydration
    if fo.occluded and sk.hydration != "hydrated":
        notes.append("occluded: stratum corneum treated as fully hydrated, no evaporation")
    if hydration is None:  # immersed in-vitro membranes are fully hydrated (Dancik et al. 2013)
        hydration = "hydrated" if (not explicit and sk.site in _membrane_names()) else "normal"
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
    if kind == "finite":
        if rc.volume is None or rc.area is None:
            raise InputError("receptor.volume", rc.volume, "receptor.volume and receptor.area both given for a finite receptor")
        receptor = Receptor("finite", thickness=rc.volume / rc.area, partition=rc.partition)
    else:
        receptor = Receptor(kind)
    ph = fo.ph if fo.ph is not None else (skin.surface_ph or DEFAULT_SURFACE_PH)
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
    formulation = Formulation(compound, fo.concentration, None if fo.dose == "infinite" else fo.dose,
                              fo.density, vehicle_partition, fo.ph, fo.occluded, fo.evaporation_rate)
    vehicle = Vehicle(formulation.infinite, fo.concentration, formulation.film_thickness, vehicle_partition,
                      formulation.effective_evaporation_rate)
    model = LayeredDiffusion(tuple(regions), vehicle, receptor)
    return PermeationSetup(model, skin, formulation, compound, props, kind, fo.concentration, ph, tuple(notes))


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


def _solve(system: LinearSystem, times, solver: str, progress):
    from dermsim.transport.exact import solve_exact
    from dermsim.transport.timestep import solve_tr_bdf2

    if solver in ("auto", "exact"):
        traj = solve_exact(system, times)
        if progress:
            progress(1.0)
        return traj
    return solve_tr_bdf2(system, times, progress=progress)


def _membrane_metrics(setup: PermeationSetup) -> tuple[float | None, float | None]:
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


def simulate(scenario: Scenario, progress: Callable[[float], None] | None = None) -> Result:
    """Run a permeation scenario and return its `Result` (writes nothing, draws nothing)."""
    setup = build(scenario)
    times = output_times(scenario.simulation)
    if scenario.microneedle is not None:
        if scenario.skin.layers is not None:
            raise InputError("microneedle", "with skin.layers", "a body site or membrane preset (the channel's "
                             "layer and the resealing need the skin's anatomy)")
        from dermsim.microneedles.delivery import simulate_microneedle

        return simulate_microneedle(scenario, setup, times, progress)
    system = discretise(setup.model)
    traj = _solve(system, times, scenario.simulation.solver, progress)
    return _label(scenario, setup, system, traj)


def _label(scenario: Scenario, setup: PermeationSetup, system: LinearSystem, traj) -> Result:
    mesh, model = system.mesh, setup.model
    cells = system.cell_slice
    u_cells = traj.u[:, cells]
    conc = u_cells * system.partition[cells]
    layer_names = list(mesh.region_names)
    cap = system.capacity[cells]
    amounts = np.stack([(u_cells[:, mesh.region == r] * cap[mesh.region == r]).sum(axis=1)
                        for r in range(len(layer_names))], axis=1)
    names = system.rate_names
    cum = {n: traj.cumulative[i] for i, n in enumerate(names)}
    receptor_amount = (traj.u[:, system.receptor_node] * system.capacity[system.receptor_node]
                       if system.receptor_node is not None else None)
    if setup.receptor_kind == "blood":
        permeated = cum["cleared"]
    elif setup.receptor_kind == "finite":
        permeated = receptor_amount
    else:
        permeated = cum["permeated"]
    vehicle_amount = (traj.u[:, system.vehicle_node] * system.capacity[system.vehicle_node]
                      if system.vehicle_node is not None else None)

    # mass balance: stored + out − supplied − initial = 0
    stored = traj.u @ system.capacity
    out = sum(v for k, v in cum.items() if k != "supplied")
    supplied = cum.get("supplied", 0.0)
    initial = float(system.initial @ system.capacity)
    scale = max(initial, float(np.max(supplied)) if np.ndim(supplied) else 0.0, 1e-300)
    mass_error = float(np.max(np.abs(stored + out - supplied - initial)) / scale)

    bounds = mesh.region_bounds() / UM
    t = traj.times
    coords = {
        "time": ("time", t, {"units": "h", "long_name": "time since application"}),
        "depth": ("depth", mesh.centres / UM, {"units": "um", "long_name": "depth below the surface (cell centre)"}),
        "layer": ("layer", layer_names, {"units": "", "long_name": "skin region (basal_layer = deepest cell layer of the "
                                                       "viable epidermis; viable_epidermis = the layers above it)"}),
        "layer_of_depth": ("depth", [layer_names[i] for i in mesh.region], {"units": "", "long_name": "region of each cell"}),
        "layer_top": ("layer", bounds[:, 0], {"units": "um"}),
        "layer_bottom": ("layer", bounds[:, 1], {"units": "um"}),
    }
    data = {
        "concentration": (("time", "depth"), conc, {"units": "ug/cm^3", "long_name": "concentration in tissue"}),
        "amount_in_layer": (("time", "layer"), amounts, {"units": "ug/cm^2", "long_name": "amount per area in each region"}),
        "cumulative_permeated": ("time", permeated, {"units": "ug/cm^2",
                                                     "long_name": f"cumulative amount per area into the {setup.receptor_kind if setup.receptor_kind != 'finite' else 'receptor'}"}),
        "amount_in_skin": ("time", amounts.sum(axis=1), {"units": "ug/cm^2"}),
    }
    basal_idx = layer_names.index("basal_layer") if "basal_layer" in layer_names else None
    if basal_idx is not None:
        thickness = (bounds[basal_idx, 1] - bounds[basal_idx, 0]) * UM
        basal = amounts[:, basal_idx] / thickness
        data["basal_layer_concentration"] = ("time", basal, {"units": "ug/cm^3",
                                                             "long_name": "mean concentration in the basal layer"})
    if vehicle_amount is not None:
        data["vehicle_concentration"] = ("time", traj.u[:, system.vehicle_node] * model.vehicle.partition,
                                         {"units": "ug/cm^3"})
        data["amount_in_vehicle"] = ("time", vehicle_amount, {"units": "ug/cm^2"})
    if "evaporated" in cum:
        data["amount_evaporated"] = ("time", cum["evaporated"], {"units": "ug/cm^2"})
    if "supplied" in cum:
        data["amount_supplied"] = ("time", supplied, {"units": "ug/cm^2",
                                                      "long_name": "amount that entered the skin from the infinite dose"})
    flux = np.gradient(permeated, t) if t.size > 2 else np.zeros_like(t)
    data["permeation_flux"] = ("time", flux, {"units": "ug/cm^2/h", "long_name": "rate of cumulative_permeated"})

    kp, lag = _membrane_metrics(setup)
    c_v = setup.vehicle_concentration
    steady_flux = kp * c_v if (model.vehicle.infinite and kp is not None) else None
    threshold = scenario.simulation.basal_threshold
    exposure = basal_exposure(t, basal, threshold) if basal_idx is not None else None
    applied = float(vehicle_amount[0]) if vehicle_amount is not None else None

    summary = {
        "title": scenario.title,
        "compound": getattr(setup.compound, "name", scenario.compound.name),
        "site": setup.skin.site,
        "hydration": setup.skin.hydration,
        "in_vivo": setup.receptor_kind == "blood",
        "receptor": setup.receptor_kind,
        "dose": "infinite" if model.vehicle.infinite else "finite",
        "duration_h": float(t[-1]),
        "vehicle_concentration_ug_per_cm3": c_v,
        "applied_amount_ug_per_cm2": applied,
        "qspr_model": getattr(setup.transport, "model", None) if setup.transport else "explicit layers",
        "kp_cm_per_h": kp,
        "log10_kp_cm_per_h": math.log10(kp) if kp else None,
        "lag_time_h": lag,
        "steady_flux_ug_per_cm2_per_h": steady_flux,
        "cumulative_permeated_ug_per_cm2": float(permeated[-1]),
        "amount_in_layer_end_ug_per_cm2": {n: float(a) for n, a in zip(layer_names, amounts[-1])},
        "basal_layer": exposure,
        "mass_balance_relative_error": mass_error,
        "solver": traj.solver,
        "notes": list(setup.notes),
    }
    if applied:
        summary["fraction_of_dose"] = {
            "permeated": float(permeated[-1] / applied),
            "in_skin": float(amounts[-1].sum() / applied),
            "in_vehicle": float(vehicle_amount[-1] / applied),
            "evaporated": float(cum.get("evaporated", np.zeros(1))[-1] / applied),
        }
    summary["answer"] = answer(summary)

    provenance = {
        "dermsim_version": __version__,
        "scenario": scenario.model_dump(mode="json"),
        "internal_units": "cm, h, ug",
        "compound": setup.compound.to_dict() if setup.compound is not None and hasattr(setup.compound, "to_dict") else None,
        "transport_properties": asdict(setup.transport) if setup.transport is not None else None,
        "skin_layers": [{"name": l.name, "role": l.role, "thickness_um": l.thickness / UM, "source": l.source}
                        for l in setup.skin.layers],
        "parameter_sources": dict(setup.skin.sources),
        "regions": [{"name": r.name, "thickness_um": r.thickness / UM, "partition_vs_water": r.partition,
                     "diffusivity_cm2_per_h": r.diffusivity, "clearance_per_h": r.clearance, "cells": r.cells}
                    for r in model.regions],
        "solver": traj.solver,
        "citations": list(getattr(setup.transport, "citations", ()) or ()),
    }
    attrs = {"title": scenario.title or "dermsim permeation", "dermsim_version": __version__,
             "solver": traj.solver, "mass_balance_relative_error": mass_error,
             "provenance": json.dumps(provenance, default=str),
             "Conventions": "CF-1.10 (units attributes); provenance as JSON"}
    return Result(content=DatasetContent(data, coords, attrs), summary=summary)


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x:.3g}{(' ' + unit) if unit else ''}"


def answer(s: dict) -> str:
    """A short human-readable answer to 'does it reach the basal layer?'."""
    lines = [f"{s['compound']} on {s['site']} ({s['hydration']}, {'in vivo' if s['in_vivo'] else 'in vitro'}), "
             f"{s['dose']} dose, {s['duration_h']:g} h:"]
    if s["kp_cm_per_h"] == 0:
        lines.append("  does not cross the intact stratum corneum (" + "; ".join(s["notes"]) + ").")
    else:
        lines.append(f"  kp = {_fmt(s['kp_cm_per_h'], 'cm/h')}, lag time {_fmt(s['lag_time_h'], 'h')}.")
    b = s.get("basal_layer")
    if b:
        lines.append(f"  basal layer: Cmax {_fmt(b['cmax_ug_per_cm3'], 'ug/cm^3')} at {b['tmax_h']:.3g} h, "
                     f"AUC {_fmt(b['auc_ug_h_per_cm3'], 'ug h/cm^3')}.")
        if b["threshold_ug_per_cm3"] is not None:
            if b["threshold_reached"]:
                lines.append(f"  reaches {b['threshold_ug_per_cm3']:g} ug/cm^3 in the basal layer after "
                             f"{b['time_to_threshold_h']:.3g} h.")
            else:
                lines.append(f"  does NOT reach {b['threshold_ug_per_cm3']:g} ug/cm^3 in the basal layer within "
                             f"{s['duration_h']:g} h.")
    dest = "blood" if s["in_vivo"] else "receptor"
    lines.append(f"  {_fmt(s['cumulative_permeated_ug_per_cm2'], 'ug/cm^2')} reached the {dest}.")
    f = s.get("fraction_of_dose")
    if f:
        lines.append(f"  of the applied dose: {100 * f['permeated']:.3g} % absorbed, {100 * f['in_skin']:.3g} % in skin, "
                     f"{100 * f['in_vehicle']:.3g} % left on the surface, {100 * f['evaporated']:.3g} % evaporated.")
    return "\n".join(lines)
