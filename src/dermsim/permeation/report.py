"""The report (Markdown) of a permeation Result: the answer, key figures, layer amounts, plots, sources."""

from __future__ import annotations


def fmt(x, unit=""):
    """A number to 3 significant figures with its unit, or "n/a"."""
    return "n/a" if x is None else f"{x:.3g}{(' ' + unit) if unit else ''}"


_g = fmt


def markdown(result, plots: bool = True) -> str:
    """The report text: the answer, key metrics, amounts per layer, plots, and where the numbers come from."""
    s, prov = result.summary, result.provenance
    b = s.get("basal_layer") or {}
    as_infinite = " (infinite dose, for comparison: not of this finite dose)" if s["dose"] == "finite" else ""
    lines = [f"# {s.get('title') or 'dermsim permeation'}", "", "```", s["answer"], "```", "",
             "## Key figures", "", "| quantity | value |", "|---|---|",
             f"| permeability coefficient kp from {s['kp_vehicle']}{as_infinite} | {_g(s['kp_cm_per_h'], 'cm/h')} |",
             f"| lag time of the skin as a membrane{as_infinite} | {_g(s['lag_time_h'], 'h')} |"]
    if s["dose"] == "infinite":
        lines += [f"| steady-state flux | {_g(s['steady_flux_ug_per_cm2_per_h'], 'ug/cm^2/h')} |"]
    lines += [f"| cumulative into {'blood' if s['in_vivo'] else 'receptor'} at {s['duration_h']:g} h | "
              f"{_g(s['cumulative_permeated_ug_per_cm2'], 'ug/cm^2')} |"]
    if b:
        lines += [f"| basal layer Cmax / tmax | {_g(b['cmax_ug_per_cm3'], 'ug/cm^3')} at {_g(b['tmax_h'], 'h')} |",
                  f"| basal layer concentration at {s['duration_h']:g} h | "
                  f"{_g(b['concentration_end_ug_per_cm3'], 'ug/cm^3')} |",
                  f"| basal layer AUC | {_g(b['auc_ug_h_per_cm3'], 'ug h/cm^3')} |",
                  f"| time to basal threshold | {'not set' if b['threshold_ug_per_cm3'] is None else (_g(b['time_to_threshold_h'], 'h') if b['threshold_reached'] else 'not reached')} |"]
    lines += [f"| mass balance relative error | {s['mass_balance_relative_error']:.1e} |", "",
              f"## Amount per layer at {s['duration_h']:g} h (ug/cm^2)", "", "| layer | amount |", "|---|---|"]
    lines += [f"| {k.replace('_', ' ')} | {_g(v)} |" for k, v in s["amount_in_layer_end_ug_per_cm2"].items()]
    g, veh = s.get("guideline_categories"), s.get("vehicle")
    if g:
        lines += ["", f"## Fate of the dose at {s['duration_h']:g} h (OECD TG 428 categories, % of "
                  f"{_g(s['applied_amount_ug_per_cm2'], 'ug/cm^2')} applied)", "", "| category | % of dose |", "|---|---|"]
        lines += [f"| {k.replace('_1_2', ' 1-2').replace('_', ' ')} | {100 * v:.3g} |" for k, v in g.items()]
    if veh:
        lines += ["", "## Vehicle", "", f"{veh['description']}, density {_g(veh['density_g_per_cm3'], 'g/cm^3')}; "
                  f"holds {_g(veh['solubility_ug_per_cm3'], 'ug/cm^3')} of the solute ({_g(100 * veh['saturation_at_application'])} % "
                  f"of saturation at application; water {_g(veh['water_solubility_ug_per_cm3'], 'ug/cm^3')})"
                  + (f"; the liquid was gone by {_g(veh['dried_by_h'], 'h')}" if veh["dried_by_h"] is not None else "")
                  + "."]
    if s.get("limits"):
        lines += ["", "What limits the result:"] + [f"- {x}" for x in s["limits"]]
    if plots:
        lines += ["", "## Plots", "", "![depth profiles](depth_profiles.png)", "", "![layer amounts](layer_amounts.png)",
                  "", "![cumulative permeation](cumulative_permeation.png)"]
        if g and veh and veh["deposit_end_ug_per_cm2"] is not None:                # a drying-film run
            lines += ["", "![fate of the dose](dose_fate.png)"]
    lines += ["", "## Model and sources", "",
              f"Solver: {s['solver']}; QSPR: {s['qspr_model']}; dermsim {prov.get('dermsim_version')}.", ""]
    lines += ["| region | thickness (um) | K (vs water) | D (cm^2/h) | clearance (1/h) |", "|---|---|---|---|---|"]
    lines += [f"| {r['name']} | {r['thickness_um']:.4g} | {r['partition_vs_water']:.3g} | {r['diffusivity_cm2_per_h']:.3g} | "
              f"{r['clearance_per_h']:.3g} |" for r in prov.get("regions", [])]
    lines += ["", "Layer thicknesses:"] + [f"- {l['name']}: {l['thickness_um']:.4g} um — {l['source']}"
                                           for l in prov.get("skin_layers", [])]
    if prov.get("citations"):
        lines += ["", "Transport properties:"] + [f"- {c}" for c in prov["citations"]]
    if s.get("notes"):
        lines += ["", "Notes:"] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"
