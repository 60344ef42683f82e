"""Labelling a microneedle delivery run: r–z Dataset, the permeation summary with its microneedle section,
provenance and the answer.

The top-level summary keys are those of every permeation run (`dermsim.permeation.result.summary_fields`)
and describe the run as specified, with needles; the run on intact skin, the enhancement ratios and the
treatment plan are in ``summary["microneedle"]``.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np

from dermsim.results.checks import check_permeation
from dermsim.anatomy import UM
from dermsim.permeation.result import attributes, provenance, summary_fields
from dermsim.results import DatasetContent, Result, basal_exposure

SOLVER = "2D axisymmetric unit cell (finite volumes, TR-BDF2, banded Cholesky per step size and closure epoch)"


def crossed_stratum_corneum(result, names) -> np.ndarray:
    """Amount that crossed the stratum corneum (ug/cm²): viable tissue + permeated (+ channel fluid)."""
    below = [i for i, n in enumerate(names) if n not in ("stratum_corneum",)]
    return result.layer_amounts[:, below].sum(axis=1) + result.permeated + result.channel_amount


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if b > 0 else None


def label_delivery(scenario, setup, plan, needles, plain, fast, open_fraction, t, notes) -> Result:
    """The Result (kind "microneedle") of the unit cell solved with (``needles``) and without (``plain``)
    needles, and of the parallel-pathway cross-check (``fast``)."""
    names = list(needles.layer_names)
    bounds = needles.layer_bounds
    thick = bounds[:, 1] - bounds[:, 0]
    mesh = needles.mesh
    conc = np.stack([needles.cell_concentration(float(tk)).T for tk in t])          # (time, r, z)
    crossed, crossed0 = crossed_stratum_corneum(needles, names), crossed_stratum_corneum(plain, names)
    fast_crossed = crossed_stratum_corneum(fast, names)

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
    into = setup.receptor_kind
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
                                 f"cumulative amount into the {into}, with needles"}),
        "cumulative_permeated_without_needles": ("time", plain.permeated, {"units": "ug/cm^2", "long_name":
                                                 f"cumulative amount into the {into}, intact skin"}),
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
    has_basal = "basal_layer" in names
    basal_with = band_conc(needles, "basal_layer") if has_basal else None
    basal_without = basal_exposure(t, band_conc(plain, "basal_layer"), threshold) if has_basal else None
    mass_error = max(needles.mass_balance_error, plain.mass_balance_error)
    applied = None
    release = needles.model.release
    if needles.vehicle_amount is not None:
        applied = float(needles.vehicle_amount[0] + needles.channel_amount[0])
        if release is not None:
            applied += release.load                      # the patch's load, handed over as it is released
    summary = summary_fields(scenario, setup, t, permeated=needles.permeated, layer_names=names,
                             amounts=needles.layer_amounts, basal=basal_with, vehicle_amount=needles.vehicle_amount,
                             evaporated=needles.cumulative.get("evaporated"), mass_error=mass_error, solver=SOLVER,
                             notes=list(setup.notes) + notes, applied=applied, also_in_skin=needles.channel_amount)
    end = summary["amount_in_layer_end_ug_per_cm2"]
    total_end = sum(end.values()) + float(needles.channel_amount[-1]) + float(needles.permeated[-1])
    where = {"channel_fluid": float(needles.channel_amount[-1]), **end, into: float(needles.permeated[-1])}
    basal = summary["basal_layer"]
    summary["microneedle"] = {
        "mode": scenario.microneedle.mode,
        "delay_h": scenario.microneedle.delay,
        "plan": plan.summary(),
        "open_fraction_at_end": float(open_fraction(t[-1:])[0]),
        "delivered_past_stratum_corneum_ug_per_cm2": float(crossed[-1]),
        "without_needles": {
            "cumulative_permeated_ug_per_cm2": float(plain.permeated[-1]),
            "delivered_past_stratum_corneum_ug_per_cm2": float(crossed0[-1]),
            "amount_in_layer_end_ug_per_cm2": {n: float(a) for n, a in zip(names, plain.layer_amounts[-1])},
            "basal_layer": basal_without,
        },
        "enhancement_ratio": {
            "past_stratum_corneum": _ratio(crossed[-1], crossed0[-1]),
            "permeated": _ratio(needles.permeated[-1], plain.permeated[-1]),
            "basal_auc": (_ratio(basal["auc_ug_h_per_cm3"], basal_without["auc_ug_h_per_cm3"]) if has_basal else None),
            "parallel_pathway": _ratio(fast_crossed[-1], crossed0[-1]),
        },
        "release": None if release is None else {
            "kind": release.kind, "load_ug_per_cm2": release.load, "time_constant_h": release.time_constant,
            "lag_h": release.lag, "dissolved_capacity_ug_per_cm2": (None if math.isinf(release.capacity)
                                                                     else release.capacity),
            "released_by_end_ug_per_cm2": float(release.released(t[-1])),
            "released_by_end_fraction": float(release.released(t[-1]) / release.load) if release.load > 0 else None},
        "where_it_is_at_end_ug_per_cm2": where,
        "where_it_is_at_end_fraction": {k: (v / total_end if total_end > 0 else 0.0) for k, v in where.items()},
    }
    summary["answer"] = answer(summary)
    check_permeation(summary)
    regions = [{"name": r.name, "thickness_um": r.thickness / UM, "partition_vs_water": r.partition,
                "diffusivity_cm2_per_h": r.diffusivity, "clearance_per_h": r.clearance} for r in needles.model.regions]
    prov = provenance(scenario, setup, SOLVER, regions=regions,
                      channel={**asdict(needles.model.channel), "cell_radius_um": needles.model.cell_radius / UM},
                      closure_schedule={"starts_h": list(needles.schedule.starts),
                                        "open_fraction": list(needles.schedule.fractions)},
                      treatment_plan=plan.summary())
    attrs = attributes(scenario.title or "dermsim microneedle delivery", SOLVER, mass_error, prov,
                       channel_depth_um=plan.insertion.effective_depth / UM,
                       channel_surface_radius_um=plan.insertion.surface_diameter / 2 / UM,
                       unit_cell_radius_um=needles.model.cell_radius / UM)
    return Result("microneedle", summary, content=DatasetContent(data, coords, attrs))


def _g(x: float | None, unit: str = "") -> str:
    return "n/a" if x is None else f"{x:.3g}{(' ' + unit) if unit else ''}"


def answer(s: dict[str, Any]) -> str:
    """Plain-text answer: channels, how long they stay open, and delivery with vs without needles."""
    mn = s["microneedle"]
    plan, without = mn["plan"], mn["without_needles"]
    ratio = mn["enhancement_ratio"]["past_stratum_corneum"]
    ratio_text = (f"{ratio:.3g}x" if ratio is not None else "no passive delivery through intact skin: "
                  "everything below the stratum corneum came through the channels")
    closing = ("excised skin: channels contract once the needles are out, " if not s["in_vivo"]
               else f"barrier half-life {plan['closure_half_life_h']:.3g} h, ")
    open_end = 100 * mn["open_fraction_at_end"]
    open_text = "closed at the end (< 0.1 % open)" if open_end < 0.1 else f"{open_end:.3g} % open at the end"
    lines = [f"{s['compound']} after {plan['device']} ({plan['passes']} pass(es)) on {s['site']}, {s['duration_h']:g} h:",
             f"  channels {plan['effective_depth_um']:.0f} um deep ending in the {plan['deepest_layer_reached']}, "
             f"{plan['channels_per_cm2']:.4g} /cm^2 ({plan['total_channels']:,.0f} over {plan['treated_area_cm2']:g} "
             f"cm^2); {closing}{open_text}.",
             f"  below the stratum corneum: {_g(mn['delivered_past_stratum_corneum_ug_per_cm2'], 'ug/cm^2')} with "
             f"needles vs {_g(without['delivered_past_stratum_corneum_ug_per_cm2'], 'ug/cm^2')} without — "
             f"enhancement {ratio_text}."]
    release, fractions = mn.get("release"), s.get("fraction_of_dose")
    if release and fractions:
        lines.append(f"  {release['kind']} patch: {_g(release['load_ug_per_cm2'], 'ug/cm^2')} applied, "
                     f"{100 * release['released_by_end_fraction']:.3g} % released; of the dose "
                     f"{100 * fractions['permeated']:.3g} % into the {s['receptor']}, {100 * fractions['in_skin']:.3g} % "
                     "in the skin at the end.")
    b, b0 = s.get("basal_layer"), without.get("basal_layer")
    if b and b0:
        lines.append(f"  basal layer Cmax {_g(b['cmax_ug_per_cm3'], 'ug/cm^3')} with needles vs "
                     f"{_g(b0['cmax_ug_per_cm3'], 'ug/cm^3')} without.")
    if plan.get("home_use_flags"):
        lines.append("  ! " + "; ".join(plan["home_use_flags"]))
    return "\n".join(lines)
