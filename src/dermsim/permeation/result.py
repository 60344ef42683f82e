"""Labelling a solved permeation run: Dataset variables with units, the summary, provenance, the answer.

`summary_fields` gives the top-level keys of the permeation summary schema (`dermsim.results.summary.
PermeationSummary`) for the 1D layered run and for a run with microneedles alike, so a key always means
the same thing; `label_layered` builds the Result of a 1D run.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict

import numpy as np

from dermsim import __version__
from dermsim.anatomy import UM
from dermsim.permeation.setup import PermeationSetup, membrane_metrics
from dermsim.permeation.exposure import guideline_categories
from dermsim.results import DatasetContent, Result, basal_exposure
from dermsim.results.checks import check_permeation, clip_round_off

CONVENTIONS = "CF-1.10 (units attributes); provenance as JSON"


def summary_fields(scenario, setup: PermeationSetup, times: np.ndarray, *, permeated: np.ndarray,
                   layer_names, amounts: np.ndarray, basal: np.ndarray | None, vehicle_amount: np.ndarray | None,
                   evaporated: np.ndarray | None, mass_error: float, solver: str, notes,
                   applied: float | None = None, also_in_skin: np.ndarray | None = None,
                   washed: np.ndarray | None = None) -> dict:
    """Keys shared by every permeation summary (units in the key names).

    Parameters
    ----------
    times : output times, h
    permeated : cumulative amount into the receptor or blood, ug/cm²
    layer_names, amounts : reporting layers and their amounts (n_t, n_layers), ug/cm²
    basal : mean basal-layer concentration over time, ug/cm³ (None without a basal layer)
    vehicle_amount, evaporated : amount left on the surface and lost to air, ug/cm² (None for an infinite dose)
    applied : amount applied, ug/cm² (default: the vehicle's at t = 0; needles that carry the dose add theirs)
    also_in_skin : amount in the skin outside the reporting layers, ug/cm² (e.g. channel fluid), per time
    washed : cumulative amount removed by washing the surface, ug/cm² (None: never washed)
    """
    kp, lag = membrane_metrics(setup)
    model = setup.model
    c_v = setup.vehicle_concentration
    if applied is None:
        applied = float(vehicle_amount[0]) if vehicle_amount is not None else None
    fraction = None
    if applied:
        lost = float(evaporated[-1]) if evaporated is not None else 0.0
        in_skin = float(amounts[-1].sum()) + (float(also_in_skin[-1]) if also_in_skin is not None else 0.0)
        fraction = {"permeated": float(permeated[-1] / applied), "in_skin": in_skin / applied,
                    "in_vehicle": float(vehicle_amount[-1] / applied), "evaporated": lost / applied,
                    "washed": float(washed[-1]) / applied if washed is not None else 0.0}
    threshold = scenario.simulation.basal_threshold
    return {
        "title": scenario.title,
        "dermsim_version": __version__,
        "compound": getattr(setup.compound, "name", scenario.compound.name),
        "site": setup.skin.site,
        "hydration": setup.skin.hydration,
        "in_vivo": setup.receptor_kind == "blood",
        "receptor": setup.receptor_kind,
        "dose": "infinite" if model.vehicle.infinite else "finite",
        "duration_h": float(times[-1]),
        "vehicle_concentration_ug_per_cm3": c_v,
        "applied_amount_ug_per_cm2": applied,
        "qspr_model": setup.transport.model if setup.transport is not None else "explicit layers",
        "kp_cm_per_h": kp,
        "log10_kp_cm_per_h": math.log10(kp) if kp else None,
        "kp_vehicle": kp_vehicle(setup),
        "lag_time_h": lag,
        "steady_flux_ug_per_cm2_per_h": kp * c_v if (model.vehicle.infinite and kp is not None) else None,
        "cumulative_permeated_ug_per_cm2": float(permeated[-1]),
        "amount_in_layer_end_ug_per_cm2": {n: float(a) for n, a in zip(layer_names, amounts[-1])},
        "basal_layer": basal_exposure(times, basal, threshold) if basal is not None else None,
        "fraction_of_dose": fraction,
        "guideline_categories": None,
        "vehicle": None,
        "limits": [],
        "mass_balance_relative_error": mass_error,
        "solver": solver,
        "notes": list(notes),
    }


def kp_vehicle(setup: PermeationSetup) -> str:
    """The vehicle a run's kp refers to (kp depends on the vehicle through the vehicle/skin partition)."""
    ap = setup.applied
    if ap is not None and ap.solubility is not None:
        return ap.vehicle
    if setup.transport is None:
        return "the donor solution of the explicit layers (their partitions are layer/vehicle)"
    k_v = setup.model.vehicle.partition
    return "water" if k_v == 1.0 else f"a vehicle with vehicle/water partition {k_v:.3g}"


def vehicle_section(setup: PermeationSetup, film_run, times: np.ndarray) -> dict | None:
    """The vehicle as modelled: composition, solubility, saturation, when it dried, what stayed on the surface."""
    ap = setup.applied
    if ap is None or ap.solubility is None:
        return None
    dried = None
    if film_run is not None and film_run.thickness[0] > 0:
        gone = np.flatnonzero(film_run.thickness <= 0.0)
        dried = float(times[gone[0]]) if gone.size else None
    vol = ap.solute_volatility
    fo = setup.formulation
    return {
        "description": ap.vehicle,
        "density_g_per_cm3": ap.density,
        "solubility_ug_per_cm3": ap.solubility,
        "water_solubility_ug_per_cm3": ap.water_solubility,
        "saturation_at_application": ap.concentration / ap.solubility,
        "dried_by_h": dried,
        "dissolved_end_ug_per_cm2": float(film_run.dissolved[-1]) if film_run is not None else None,
        "deposit_end_ug_per_cm2": float(film_run.deposit[-1]) if film_run is not None else None,
        "solute_vapour_pressure_Pa": vol.vapour_pressure if vol is not None and vol.known else None,
        "occluded": fo.occluded,
    }


def limits(setup: PermeationSetup, summary: dict, wash_time: float | None) -> list[str]:
    """What limits the result, in words (solubility, drying, deposit, evaporation, wash-off)."""
    out = list(setup.applied.limits) if setup.applied is not None else []
    veh, frac = summary.get("vehicle"), summary.get("fraction_of_dose")
    if veh and veh["dried_by_h"] is not None:
        out.append(f"the liquid vehicle was gone by t = {veh['dried_by_h']:.3g} h (evaporated or taken up by the skin); "
                   "after that the solute reaches the skin only from what stays dissolved in the residual surface layer")
    if frac:
        if veh and (veh["deposit_end_ug_per_cm2"] or 0) > 1e-3 * summary["applied_amount_ug_per_cm2"]:
            out.append(f"a deposit of {veh['deposit_end_ug_per_cm2']:.3g} ug/cm^2 "
                       f"({100 * veh['deposit_end_ug_per_cm2'] / summary['applied_amount_ug_per_cm2']:.3g} % of the dose) "
                       "is left on the surface at the end")
        if frac["evaporated"] > 0.01:
            out.append(f"volatile loss: {100 * frac['evaporated']:.3g} % of the dose evaporated")
        if frac.get("washed", 0.0) > 0:
            out.append(f"washed off at {wash_time:.3g} h: {100 * frac['washed']:.3g} % of the dose removed")
    fluid = setup.receptor_fluid
    if fluid is not None and fluid.depth and fluid.solubility:
        from dermsim.permeation.receptor_fluid import sink_check

        warning = sink_check(summary["cumulative_permeated_ug_per_cm2"] / fluid.depth, fluid.solubility)
        if warning:
            out.append(f"{warning} ({fluid.description})")
    return out


def provenance(scenario, setup: PermeationSetup, solver: str, **extra) -> dict:
    """What produced a permeation result: version, scenario, compound, transport properties, sources."""
    return {
        "dermsim_version": __version__,
        "scenario": scenario.model_dump(mode="json"),
        "internal_units": "cm, h, ug",
        "compound": setup.compound.to_dict() if hasattr(setup.compound, "to_dict") else None,
        "transport_properties": asdict(setup.transport) if setup.transport is not None else None,
        "skin_layers": [{"name": l.name, "role": l.role, "thickness_um": l.thickness / UM, "source": l.source}
                        for l in setup.skin.layers],
        "parameter_sources": dict(setup.skin.sources),
        "solver": solver,
        "citations": list(getattr(setup.transport, "citations", ()) or ()),
        **extra,
    }


def attributes(title: str, solver: str, mass_error: float, prov: dict, **extra) -> dict:
    """Global attributes of a permeation result Dataset."""
    return {"title": title, "dermsim_version": __version__, "solver": solver,
            "mass_balance_relative_error": mass_error, **extra,
            "provenance": json.dumps(prov, default=str), "Conventions": CONVENTIONS}


def label_layered(scenario, setup: PermeationSetup, system, traj, mass_error: float, *, film_run=None,
                  rate_names=None) -> Result:
    """The Result of a solved 1D layered run (``system`` and its trajectory ``traj``); ``film_run`` is the
    `FiniteDoseRun` of a drying film (then ``traj.cumulative`` follows ``rate_names``)."""
    mesh, model = system.mesh, setup.model
    cells = system.cell_slice
    conc = traj.u[:, cells] * system.partition[cells]
    conc = clip_round_off(conc, float(np.abs(conc).max(initial=0.0)))    # −1e-10 ug/cm^3 of the exact solver
    u_cells = conc / system.partition[cells]
    layer_names = list(mesh.region_names)
    cap = system.capacity[cells]
    amounts = np.stack([(u_cells[:, mesh.region == r] * cap[mesh.region == r]).sum(axis=1)
                        for r in range(len(layer_names))], axis=1)
    cum = {n: traj.cumulative[i] for i, n in enumerate(rate_names or system.rate_names)}
    receptor_amount = (traj.u[:, system.receptor_node] * system.capacity[system.receptor_node]
                       if system.receptor_node is not None else None)
    permeated = {"blood": cum.get("cleared"), "finite": receptor_amount}.get(setup.receptor_kind, cum.get("permeated"))
    vehicle_amount = (traj.u[:, system.vehicle_node] * system.capacity[system.vehicle_node]
                      if system.vehicle_node is not None else None)
    if film_run is not None:
        vehicle_amount = film_run.dissolved + film_run.deposit
        cum["evaporated"] = film_run.evaporated

    bounds = mesh.region_bounds() / UM
    t = traj.times
    coords = {
        "time": ("time", t, {"units": "h", "long_name": "time since application"}),
        "depth": ("depth", mesh.centres / UM, {"units": "um", "long_name": "depth below the surface (cell centre)"}),
        "layer": ("layer", layer_names, {"units": "", "long_name": "skin region (basal_layer = deepest cell layer of "
                                         "the viable epidermis; viable_epidermis = the layers above it)"}),
        "layer_of_depth": ("depth", [layer_names[i] for i in mesh.region], {"units": "", "long_name": "region of each cell"}),
        "layer_top": ("layer", bounds[:, 0], {"units": "um"}),
        "layer_bottom": ("layer", bounds[:, 1], {"units": "um"}),
    }
    into = setup.receptor_kind if setup.receptor_kind != "finite" else "receptor"
    data = {
        "concentration": (("time", "depth"), conc, {"units": "ug/cm^3", "long_name": "concentration in tissue"}),
        "amount_in_layer": (("time", "layer"), amounts, {"units": "ug/cm^2", "long_name": "amount per area in each region"}),
        "cumulative_permeated": ("time", permeated, {"units": "ug/cm^2",
                                                     "long_name": f"cumulative amount per area into the {into}"}),
        "amount_in_skin": ("time", amounts.sum(axis=1), {"units": "ug/cm^2"}),
    }
    basal = None
    if "basal_layer" in layer_names:
        i = layer_names.index("basal_layer")
        basal = amounts[:, i] / ((bounds[i, 1] - bounds[i, 0]) * UM)
        data["basal_layer_concentration"] = ("time", basal, {"units": "ug/cm^3",
                                                             "long_name": "mean concentration in the basal layer"})
    if film_run is not None:
        data["amount_in_vehicle"] = ("time", vehicle_amount, {"units": "ug/cm^2", "long_name":
                                     "amount on the skin surface (dissolved in the film + deposit)"})
        data["amount_dissolved_in_film"] = ("time", film_run.dissolved, {"units": "ug/cm^2"})
        data["amount_in_deposit"] = ("time", film_run.deposit, {"units": "ug/cm^2", "long_name":
                                     "solute on the surface as a solid or separate phase"})
        data["film_thickness"] = ("time", film_run.thickness / UM, {"units": "um", "long_name":
                                  "thickness of the liquid vehicle film (without the residual surface layer)"})
        data["amount_washed"] = ("time", film_run.washed, {"units": "ug/cm^2"})
    elif vehicle_amount is not None:
        data["vehicle_concentration"] = ("time", traj.u[:, system.vehicle_node] * model.vehicle.partition,
                                         {"units": "ug/cm^3"})
        data["amount_in_vehicle"] = ("time", vehicle_amount, {"units": "ug/cm^2"})
    if "evaporated" in cum:
        data["amount_evaporated"] = ("time", cum["evaporated"], {"units": "ug/cm^2"})
    if "supplied" in cum:
        data["amount_supplied"] = ("time", cum["supplied"], {"units": "ug/cm^2",
                                                             "long_name": "amount that entered the skin from the infinite dose"})
    flux = np.gradient(permeated, t) if t.size > 2 else np.zeros_like(t)
    data["permeation_flux"] = ("time", flux, {"units": "ug/cm^2/h", "long_name": "rate of cumulative_permeated"})

    summary = summary_fields(scenario, setup, t, permeated=permeated, layer_names=layer_names, amounts=amounts,
                             basal=basal, vehicle_amount=vehicle_amount, evaporated=cum.get("evaporated"),
                             mass_error=mass_error, solver=traj.solver, notes=setup.notes,
                             applied=setup.applied.applied_amount if setup.applied is not None else None,
                             washed=film_run.washed if film_run is not None else None)
    if summary["applied_amount_ug_per_cm2"]:
        sc = mesh.region == layer_names.index("stratum_corneum") if "stratum_corneum" in layer_names else None
        summary["guideline_categories"] = guideline_categories(
            applied=summary["applied_amount_ug_per_cm2"], on_surface=float(vehicle_amount[-1]),
            washed=float(film_run.washed[-1]) if film_run is not None else 0.0,
            evaporated=float(cum["evaporated"][-1]) if "evaporated" in cum else 0.0,
            stratum_corneum_widths=mesh.widths[sc] if sc is not None else None,
            stratum_corneum_amounts=(u_cells[-1] * cap)[sc] if sc is not None else None,
            layer_amounts=dict(zip(layer_names, amounts[-1].tolist())), receptor=float(permeated[-1]))
    summary["vehicle"] = vehicle_section(setup, film_run, t)
    summary["limits"] = limits(setup, summary, scenario.formulation.wash_time)
    summary["microneedle"] = None
    summary["answer"] = answer(summary)
    check_permeation(summary)
    regions = [{"name": r.name, "thickness_um": r.thickness / UM, "partition_vs_water": r.partition,
                "diffusivity_cm2_per_h": r.diffusivity, "clearance_per_h": r.clearance, "cells": r.cells}
               for r in model.regions]
    prov = provenance(scenario, setup, traj.solver, regions=regions)
    attrs = attributes(scenario.title or "dermsim permeation", traj.solver, mass_error, prov)
    return Result("permeation", summary, content=DatasetContent(data, coords, attrs))


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
    elif s["dose"] == "infinite":
        lines.append(f"  kp = {_fmt(s['kp_cm_per_h'], 'cm/h')} from {s['kp_vehicle']} ({s['qspr_model']}), lag time "
                     f"{_fmt(s['lag_time_h'], 'h')}, steady flux {_fmt(s['steady_flux_ug_per_cm2_per_h'], 'ug/cm^2/h')}.")
    elif s["kp_cm_per_h"] is not None:
        lines.append(f"  for comparison, as an infinite dose of {s['kp_vehicle']}: kp = {_fmt(s['kp_cm_per_h'], 'cm/h')} "
                     f"({s['qspr_model']}), lag time {_fmt(s['lag_time_h'], 'h')} (not times of this finite dose).")
    veh = s.get("vehicle")
    if veh:
        lines.append(f"  vehicle: {veh['description']}, holds {_fmt(veh['solubility_ug_per_cm3'], 'ug/cm^3')} "
                     f"({100 * veh['saturation_at_application']:.3g} % of saturation at application)"
                     + (f", gone by {veh['dried_by_h']:.3g} h." if veh["dried_by_h"] is not None else "."))
    b = s.get("basal_layer")
    if b:
        lines.append(f"  basal layer: Cmax {_fmt(b['cmax_ug_per_cm3'], 'ug/cm^3')} at {b['tmax_h']:.3g} h, "
                     f"{_fmt(b['concentration_end_ug_per_cm3'], 'ug/cm^3')} at the end ({s['duration_h']:g} h), "
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
        lines.append(f"  of the applied dose: {100 * f['permeated']:.3g} % into the {dest}, {100 * f['in_skin']:.3g} % in skin, "
                     f"{100 * f['in_vehicle']:.3g} % left on the surface, {100 * f['evaporated']:.3g} % evaporated"
                     + (f", {100 * f['washed']:.3g} % washed off." if f.get("washed") else "."))
    g = s.get("guideline_categories")
    if g:
        lines.append(f"  OECD TG 428 categories: dislodgeable {100 * g['dislodgeable']:.3g} %, tape strips 1-2 "
                     f"{100 * g['tape_strips_1_2']:.3g} %, potentially absorbable {100 * g['potentially_absorbable']:.3g} %.")
    for limit in s.get("limits") or ():
        lines.append(f"  limited by: {limit}.")
    return "\n".join(lines)
