"""Channel-enhanced delivery: a permeation scenario with a ``[microneedle]`` table, with and without needles.

The treatment is planned (`dermsim.microneedles.plan`: depth, surface diameter, distinct channels per
cm², barrier resealing), then the 2D axisymmetric unit cell (`dermsim.transport.channels`) is solved
twice on the same mesh and reporting layers: with one channel per unit cell, whose open fraction decays
as the barrier reseals, and without (the 1D layered skin). The fast parallel-pathway model
(`dermsim.transport.parallel`) gives a cross-check of the same run.

Modes (``microneedle.mode``):

* ``pretreatment`` ("poke and patch"): the formulation is applied ``delay`` after needling onto the
  whole surface; the channels fill with it (aqueous channel fluid, partition 1 to water), so the open
  fraction seen by the formulation is f(t + delay);
* ``coated`` / ``dissolving``: each needle leaves ``load_per_needle`` in its channel at t = 0 (coatings
  dissolve within ~20 s in skin, Gill & Prausnitz 2007; dissolving matrices within minutes, Lee, Park &
  Prausnitz 2008: both treated as instantaneous release into the channel fluid). The comparison
  "without needles" puts the same dose per cm² on the intact surface as a thin film.

Channel fluid: free aqueous diffusivity of the solute (Dancik 2013 for small molecules, Stokes–Einstein
on the hydrodynamic radius for macromolecules, `dermsim.chemistry.macromolecule`) hindered by the
Renkin factor of the channel radius. The transport-relevant closure is the barrier (permeable-area)
resealing measured by impedance, which the clinical studies report as "micropore closure"; the slower
physical closure is reported beside it (`dermsim.microneedles.resealing`).
"""

from __future__ import annotations

import json
import math
import time as _time
from dataclasses import asdict, replace
from typing import Any, Callable

import numpy as np

from dermsim import __version__
from dermsim.anatomy import UM
from dermsim.errors import InputError
from dermsim.results import DatasetContent, Result, basal_exposure

MODEL_NAME = "microneedle-unit-cell"
#: Thickness (cm) of the stand-in vehicle film of coated / dissolving needles: holds < 0.1 % of the dose.
_COATED_FILM = 1e-9


def solute_size(compound, transport) -> tuple[float, float]:
    """Hydrodynamic radius (cm) and free aqueous diffusivity (cm²/h) of the solute in channel fluid."""
    from dermsim.chemistry import macromolecule as mm
    from dermsim.chemistry.qspr import aqueous_size

    if compound is None:
        raise InputError("compound.name", None, "a named compound for microneedle delivery (channel fluid diffusivity)")
    if transport is not None and not transport.permeable or getattr(compound, "is_macromolecule", False):
        cls = getattr(compound, "molecule_class", None) or mm.molecule_class_for_kind(compound.kind)
        radius = float(mm.hydrodynamic_radius(compound.molecular_weight, cls))
        return radius, float(mm.free_diffusivity(radius))
    return aqueous_size(compound)


def reporting_layers(regions, skin) -> tuple[tuple[str, float], ...]:
    """Bands (name, bottom depth cm): the model regions, with the dermis split at the papillary depth."""
    out, depth = [], 0.0
    for region in regions:
        top, depth = depth, depth + region.thickness
        papillary = getattr(skin, "papillary_dermis_thickness", None)
        if region.name == "dermis" and papillary and papillary < 0.9 * region.thickness:
            out.append(("papillary_dermis", top + papillary))
            out.append(("reticular_dermis", depth))
        else:
            out.append((region.name, depth))
    return tuple(out)


def plan_for(scenario, setup):
    """The `TreatmentPlan` of the scenario's microneedle table on the scenario's skin."""
    from dermsim.microneedles.devices import device_from_spec
    from dermsim.microneedles.plan import plan_treatment

    mn = scenario.microneedle
    occluded = scenario.formulation.occluded if mn.occluded is None else mn.occluded
    try:
        device = device_from_spec(mn.device) if isinstance(mn.device, dict) else mn.device
        return plan_treatment(device, setup.skin, passes=mn.passes, treated_area_cm2=mn.treated_area,
                              application=mn.application, depth_setting_cm=mn.depth_setting, occluded=occluded,
                              age_years=setup.skin.age, anti_inflammatory=mn.anti_inflammatory,
                              sterilisation=mn.sterilisation, reuse_count=mn.reuse_count,
                              pen_speed_cm_h=mn.speed)
    except InputError as exc:  # name the field as it is written in the scenario file
        if not exc.field.startswith("microneedle."):
            exc.field = f"microneedle.{exc.field}"
            exc.args = (f"microneedle.{exc.args[0]}",)
        raise


def _channel_models(scenario, setup, plan):
    """(with-needles model, without-needles model, open-fraction function, notes)."""
    from dermsim.transport.channels import Channel, ChannelCellModel, cell_radius_for_density
    from dermsim.transport.layered import Vehicle

    mn, model = scenario.microneedle, setup.model
    notes = []
    ins = plan.insertion
    skin_depth = sum(r.thickness for r in model.regions)
    if not ins.pierces or ins.effective_depth <= 0:
        raise InputError("microneedle.application", mn.application,
                         f"a force that pierces the skin (needs {ins.insertion_force:.3g} N per needle)")
    if ins.effective_depth >= skin_depth:
        raise InputError("microneedle.device", plan.device.name,
                         f"channels shallower than the modelled skin ({skin_depth / UM:.0f} um); "
                         f"they would be {ins.effective_depth / UM:.0f} um deep")
    radius, d_free = solute_size(setup.compound, setup.transport)
    vehicle = model.vehicle
    filled = False
    if mn.mode in ("coated", "dissolving"):
        if mn.load_per_needle is None:
            raise InputError("microneedle.load_per_needle", None, f"a mass per needle (e.g. '1 ug') for mode {mn.mode!r}")
        channel = Channel(ins.effective_depth, ins.surface_diameter / 2, d_free, radius, "cone")
        volume = math.pi * channel.surface_radius ** 2 * channel.depth / 3.0
        vehicle = Vehicle(False, mn.load_per_needle / volume, _COATED_FILM, 1.0, 0.0)
        filled = True
        dose = mn.load_per_needle * plan.channel_density
        notes.append(f"{mn.mode} needles: {mn.load_per_needle:.3g} ug per needle released into each channel at t = 0 "
                     f"({dose:.3g} ug/cm^2); without needles the same dose is a film on the intact surface")
    channel = Channel(ins.effective_depth, ins.surface_diameter / 2, d_free, radius, "cone", initially_filled=filled)
    rs, delay = plan.resealing, mn.delay if mn.mode == "pretreatment" else 0.0
    # barrier recovery is a living-skin response (lipid secretion, inflammation: Brogden 2012); excised
    # skin has none, so its channels are taken to stay open for the whole experiment
    in_vitro = setup.skin.in_vitro
    if in_vitro:
        notes.append("in vitro (excised skin): no barrier resealing, channels stay open")

    def open_fraction(t):
        t = np.asarray(t, dtype=float)
        return np.ones_like(t) if in_vitro else rs.open_fraction(t + delay)

    layers = reporting_layers(model.regions, setup.skin)
    cell_radius = cell_radius_for_density(plan.channel_density)
    res = scenario.simulation.resolution
    with_needles = ChannelCellModel(model.regions, vehicle, model.receptor, cell_radius, channel, open_fraction,
                                    layers=layers, resolution=res)
    # without needles, coated/dissolving doses sit on the intact surface as a film of the same dose per cm²
    base_vehicle = (replace(vehicle, thickness=mn.load_per_needle * plan.channel_density / vehicle.concentration)
                    if filled else vehicle)
    without = ChannelCellModel(model.regions, base_vehicle, model.receptor, cell_radius, None, 0.0,
                               layers=layers, resolution=res)
    return with_needles, without, open_fraction, notes


def _crossed_sc(result, names) -> np.ndarray:
    """Amount that crossed the stratum corneum (ug/cm²): viable tissue + permeated (+ channel fluid)."""
    below = [i for i, n in enumerate(names) if n not in ("stratum_corneum",)]
    return result.layer_amounts[:, below].sum(axis=1) + result.permeated + result.channel_amount


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if b > 0 else None


def simulate_microneedle(scenario, setup, times: np.ndarray,
                         progress: Callable[[float], None] | None = None) -> Result:
    """Run the scenario with its microneedle treatment and without it; label a `Result`."""
    from dermsim.transport.channels import solve_channel_cell
    from dermsim.transport.parallel import ParallelPathwayModel, solve_parallel

    plan = plan_for(scenario, setup)
    with_model, without_model, open_fraction, notes = _channel_models(scenario, setup, plan)
    tick = (lambda f: progress(0.85 * f)) if progress else None
    started = _time.perf_counter()
    needles = solve_channel_cell(with_model, times, progress=tick)
    wall_2d = _time.perf_counter() - started
    plain = solve_channel_cell(without_model, times)
    started = _time.perf_counter()
    fast = solve_parallel(ParallelPathwayModel(with_model.regions, with_model.vehicle, with_model.receptor,
                                               with_model.channel, plan.channel_density, open_fraction,
                                               layers=with_model.layers, resolution=with_model.resolution), times)
    wall_fast = _time.perf_counter() - started
    if progress:
        progress(1.0)
    return _label(scenario, setup, plan, needles, plain, fast, open_fraction, times, notes,
                  {"unit_cell_2d_s": wall_2d, "parallel_pathway_s": wall_fast})


def _label(scenario, setup, plan, needles, plain, fast, open_fraction, t, notes, walls) -> Result:
    names = list(needles.layer_names)
    bounds = needles.layer_bounds
    thick = bounds[:, 1] - bounds[:, 0]
    mesh = needles.mesh
    n_t = t.size
    conc = np.empty((n_t, mesh.shape[1], mesh.shape[0]))
    for k in range(n_t):
        conc[k] = needles.cell_concentration(float(t[k])).T          # (r, z)
    crossed, crossed0 = _crossed_sc(needles, names), _crossed_sc(plain, names)
    fast_crossed = _crossed_sc(fast, names)

    def band_conc(result, name):
        i = names.index(name)
        return result.layer_amounts[:, i] / thick[i]

    coords = {
        "time": ("time", t, {"units": "h", "long_name": "time since the formulation was applied"}),
        "r": ("r", mesh.r_centres / UM, {"units": "um", "long_name": "radial distance from the channel axis (cell centre)"}),
        "z": ("z", mesh.z_centres / UM, {"units": "um", "long_name": "depth below the surface (cell centre)"}),
        "layer": ("layer", names, {"units": "", "long_name": "reporting layer (basal_layer = deepest cell layer of the "
                                                          "viable epidermis; papillary_dermis = upper dermis)"}),
        "layer_top": ("layer", bounds[:, 0] / UM, {"units": "um"}),
        "layer_bottom": ("layer", bounds[:, 1] / UM, {"units": "um"}),
    }
    per_area = "per unit area of skin"
    data = {
        "concentration": (("time", "r", "z"), conc, {"units": "ug/cm^3", "long_name": "volume-mean concentration of each "
                                                     "cell of the unit cell (tissue and channel fluid), with needles"}),
        "amount_in_layer": (("time", "layer"), needles.layer_amounts,
                            {"units": "ug/cm^2", "long_name": f"amount in the tissue of each layer {per_area}, with needles"}),
        "amount_in_layer_without_needles": (("time", "layer"), plain.layer_amounts,
                                            {"units": "ug/cm^2", "long_name": f"amount in each layer {per_area}, intact skin"}),
        "amount_in_channels": ("time", needles.channel_amount, {"units": "ug/cm^2",
                                                                "long_name": f"amount in the open channel fluid {per_area}"}),
        "cumulative_permeated": ("time", needles.permeated, {"units": "ug/cm^2", "long_name":
                                 f"cumulative amount into the {setup.receptor_kind}, with needles"}),
        "cumulative_permeated_without_needles": ("time", plain.permeated, {"units": "ug/cm^2", "long_name":
                                                 f"cumulative amount into the {setup.receptor_kind}, intact skin"}),
        "delivered_past_stratum_corneum": ("time", crossed, {"units": "ug/cm^2", "long_name":
                                           "amount below the stratum corneum (viable tissue, channel fluid, permeated), with needles"}),
        "delivered_past_stratum_corneum_without_needles": ("time", crossed0, {"units": "ug/cm^2", "long_name":
                                                           "amount below the stratum corneum, intact skin"}),
        "delivered_past_stratum_corneum_parallel_pathway": ("time", fast_crossed, {"units": "ug/cm^2", "long_name":
                                                            "the same from the fast parallel-pathway model"}),
        "open_fraction": ("time", np.asarray(open_fraction(t), dtype=float),
                          {"units": "1", "long_name": "open (permeable) fraction of the channels, barrier resealing"}),
        "open_fraction_used": ("time", needles.open_fraction, {"units": "1", "long_name":
                               "piecewise-constant open fraction of the closure epoch in force (solver)"}),
    }
    for band in ("basal_layer", "papillary_dermis"):
        if band in names:
            data[f"{band}_concentration"] = ("time", band_conc(needles, band), {
                "units": "ug/cm^3", "long_name": f"mean concentration in the {band.replace('_', ' ')}, with needles"})
            data[f"{band}_concentration_without_needles"] = ("time", band_conc(plain, band), {
                "units": "ug/cm^3", "long_name": f"mean concentration in the {band.replace('_', ' ')}, intact skin"})
    if needles.vehicle_amount is not None:
        data["amount_in_vehicle"] = ("time", needles.vehicle_amount, {"units": "ug/cm^2"})

    threshold = scenario.simulation.basal_threshold
    basal = {}
    if "basal_layer" in names:
        basal = {"with_needles": basal_exposure(t, band_conc(needles, "basal_layer"), threshold),
                 "without_needles": basal_exposure(t, band_conc(plain, "basal_layer"), threshold)}
    end = {n: float(a) for n, a in zip(names, needles.layer_amounts[-1])}
    total_end = sum(end.values()) + float(needles.channel_amount[-1]) + float(needles.permeated[-1])
    where = {"channel_fluid": float(needles.channel_amount[-1]),
             **{n: end[n] for n in names}, setup.receptor_kind: float(needles.permeated[-1])}
    summary = {
        "title": scenario.title,
        "compound": getattr(setup.compound, "name", scenario.compound.name),
        "site": setup.skin.site,
        "in_vivo": setup.receptor_kind == "blood",
        "receptor": setup.receptor_kind,
        "duration_h": float(t[-1]),
        "microneedle": plan.summary(),
        "mode": scenario.microneedle.mode,
        "delay_h": scenario.microneedle.delay,
        "effective_depth_um": plan.insertion.effective_depth / UM,
        "channels_per_cm2": plan.channel_density,
        "total_channels": plan.total_channels,
        "deepest_layer_reached": plan.insertion.layer_reached,
        "reaches_capillary_loops": plan.insertion.reaches_capillary_loops,
        "open_fraction_at_end": float(open_fraction(t[-1:])[0]),
        "closure_half_life_h": None if setup.skin.in_vitro else plan.resealing.half_life,
        "delivered_past_stratum_corneum_ug_per_cm2": {"with_needles": float(crossed[-1]),
                                                      "without_needles": float(crossed0[-1])},
        "cumulative_permeated_ug_per_cm2": {"with_needles": float(needles.permeated[-1]),
                                            "without_needles": float(plain.permeated[-1])},
        "enhancement_ratio": _ratio(crossed[-1], crossed0[-1]),
        "enhancement_ratio_permeated": _ratio(needles.permeated[-1], plain.permeated[-1]),
        "enhancement_ratio_basal_auc": (_ratio(basal["with_needles"]["auc_ug_h_per_cm3"],
                                               basal["without_needles"]["auc_ug_h_per_cm3"]) if basal else None),
        "enhancement_ratio_parallel_pathway": _ratio(fast_crossed[-1], crossed0[-1]),
        "basal_layer": basal,
        "where_it_is_at_end_ug_per_cm2": where,
        "where_it_is_at_end_fraction": {k: (v / total_end if total_end > 0 else None) for k, v in where.items()},
        "amount_in_layer_end_ug_per_cm2": {"with_needles": end,
                                           "without_needles": {n: float(a) for n, a in zip(names, plain.layer_amounts[-1])}},
        "mass_balance_relative_error": max(needles.mass_balance_error, plain.mass_balance_error),
        "solver": "2D axisymmetric unit cell (finite volumes, TR-BDF2, banded Cholesky per step size and closure epoch)",
        "wall_time_s": walls,
        "notes": list(setup.notes) + notes,
    }
    summary["answer"] = answer(summary)
    provenance = {
        "dermsim_version": __version__,
        "scenario": scenario.model_dump(mode="json"),
        "internal_units": "cm, h, ug",
        "compound": setup.compound.to_dict() if hasattr(setup.compound, "to_dict") else None,
        "transport_properties": asdict(setup.transport) if setup.transport is not None else None,
        "regions": [{"name": r.name, "thickness_um": r.thickness / UM, "partition_vs_water": r.partition,
                     "diffusivity_cm2_per_h": r.diffusivity, "clearance_per_h": r.clearance}
                    for r in needles.model.regions],
        "channel": {**asdict(needles.model.channel), "cell_radius_um": needles.model.cell_radius / UM},
        "closure_schedule": {"starts_h": list(needles.schedule.starts), "open_fraction": list(needles.schedule.fractions)},
        "treatment_plan": plan.summary(),
        "parameter_sources": dict(setup.skin.sources),
        "solver": summary["solver"],
        "citations": list(getattr(setup.transport, "citations", ()) or ()),
    }
    attrs = {"title": scenario.title or "dermsim microneedle delivery", "dermsim_version": __version__,
             "model": MODEL_NAME, "solver": summary["solver"],
             "mass_balance_relative_error": summary["mass_balance_relative_error"],
             "channel_depth_um": plan.insertion.effective_depth / UM,
             "channel_surface_radius_um": plan.insertion.surface_diameter / 2 / UM,
             "unit_cell_radius_um": needles.model.cell_radius / UM,
             "provenance": json.dumps(provenance, default=str),
             "Conventions": "CF-1.10 (units attributes); provenance as JSON"}
    return Result(content=DatasetContent(data, coords, attrs), summary=summary)


def _g(x: float | None, unit: str = "") -> str:
    return "n/a" if x is None else f"{x:.3g}{(' ' + unit) if unit else ''}"


def answer(s: dict[str, Any]) -> str:
    """Plain-text answer: channels, how long they stay open, and delivery with vs without needles."""
    mn = s["microneedle"]
    d = s["delivered_past_stratum_corneum_ug_per_cm2"]
    ratio = s["enhancement_ratio"]
    ratio_text = (f"{ratio:.3g}x" if ratio is not None else "no passive delivery through intact skin: "
                  "everything below the stratum corneum came through the channels")
    closing = (f"barrier half-life {s['closure_half_life_h']:.3g} h, " if s["closure_half_life_h"]
               else "no resealing in vitro, ")
    lines = [f"{s['compound']} after {mn['device']} ({mn['passes']} pass(es)) on {s['site']}, {s['duration_h']:g} h:",
             f"  channels {s['effective_depth_um']:.0f} um deep ending in the {s['deepest_layer_reached']}, "
             f"{s['channels_per_cm2']:.4g} /cm^2 ({s['total_channels']:,.0f} over {mn['treated_area_cm2']:g} cm^2); "
             f"{closing}{100 * s['open_fraction_at_end']:.3g} % open at the end.",
             f"  below the stratum corneum: {_g(d['with_needles'], 'ug/cm^2')} with needles vs "
             f"{_g(d['without_needles'], 'ug/cm^2')} without — enhancement {ratio_text}."]
    b = s.get("basal_layer") or {}
    if b:
        lines.append(f"  basal layer Cmax {_g(b['with_needles']['cmax_ug_per_cm3'], 'ug/cm^3')} with needles vs "
                     f"{_g(b['without_needles']['cmax_ug_per_cm3'], 'ug/cm^3')} without.")
    if mn.get("home_use_flags"):
        lines.append("  ! " + "; ".join(mn["home_use_flags"]))
    return "\n".join(lines)
