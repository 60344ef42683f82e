"""A short human-readable report (Markdown) of a permeation Result, beside its plots."""

from __future__ import annotations

from pathlib import Path

from dermsim.results import atomic_write


def _g(x, unit=""):
    return "n/a" if x is None else f"{x:.3g}{(' ' + unit) if unit else ''}"


def markdown(result) -> str:
    """The report text: the answer, key metrics, amounts per layer, plots, and where the numbers come from."""
    if result.attrs.get("model") == "microneedle-unit-cell":
        return microneedle_markdown(result)
    s, prov = result.summary, result.provenance
    b = s.get("basal_layer") or {}
    lines = [f"# {s.get('title') or 'dermsim permeation'}", "", "```", s["answer"], "```", "",
             "## Key figures", "", "| quantity | value |", "|---|---|",
             f"| permeability coefficient kp | {_g(s['kp_cm_per_h'], 'cm/h')} |",
             f"| lag time (infinite-dose membrane) | {_g(s['lag_time_h'], 'h')} |",
             f"| steady-state flux | {_g(s['steady_flux_ug_per_cm2_per_h'], 'ug/cm^2/h')} |",
             f"| cumulative into {'blood' if s['in_vivo'] else 'receptor'} at {s['duration_h']:g} h | "
             f"{_g(s['cumulative_permeated_ug_per_cm2'], 'ug/cm^2')} |"]
    if b:
        lines += [f"| basal layer Cmax / tmax | {_g(b['cmax_ug_per_cm3'], 'ug/cm^3')} at {_g(b['tmax_h'], 'h')} |",
                  f"| basal layer AUC | {_g(b['auc_ug_h_per_cm3'], 'ug h/cm^3')} |",
                  f"| time to basal threshold | {'not set' if b['threshold_ug_per_cm3'] is None else (_g(b['time_to_threshold_h'], 'h') if b['threshold_reached'] else 'not reached')} |"]
    lines += [f"| mass balance relative error | {s['mass_balance_relative_error']:.1e} |", "",
              f"## Amount per layer at {s['duration_h']:g} h (ug/cm^2)", "", "| layer | amount |", "|---|---|"]
    lines += [f"| {k.replace('_', ' ')} | {_g(v)} |" for k, v in s["amount_in_layer_end_ug_per_cm2"].items()]
    lines += ["", "## Plots", "", "![depth profiles](depth_profiles.png)", "", "![layer amounts](layer_amounts.png)",
              "", "![cumulative permeation](cumulative_permeation.png)", "", "## Model and sources", "",
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


def microneedle_markdown(result) -> str:
    """Report of a microneedle delivery run: treatment, channels, risk, delivery with vs without needles."""
    s, prov = result.summary, result.provenance
    mn = s["microneedle"]
    d, p = s["delivered_past_stratum_corneum_ug_per_cm2"], s["cumulative_permeated_ug_per_cm2"]
    lines = [f"# {s.get('title') or 'dermsim microneedle delivery'}", "", "```", s["answer"], "```", "",
             "## Treatment", "", "| quantity | value |", "|---|---|",
             f"| device | {mn['device']} ({mn['device_kind']}), {mn['passes']} pass(es), {mn['application']} |",
             f"| channel depth / surface diameter | {_g(mn['effective_depth_um'], 'um')} / "
             f"{_g(mn['channel_surface_diameter_um'], 'um')} (nominal {_g(mn['nominal_length_um'], 'um')}) |",
             f"| deepest layer reached | {mn['deepest_layer_reached']} |",
             f"| capillary loops reached | {mn['reaches_capillary_loops']} |",
             f"| channels | {_g(mn['channels_per_cm2'], '/cm^2')}, {mn['total_channels']:,.0f} in total |",
             f"| barrier / physical closure half-life | {_g(mn['closure_half_life_h'], 'h')} / "
             f"{_g(mn['physical_closure_half_life_h'], 'h')} |",
             f"| open fraction at the end | {_g(s['open_fraction_at_end'])} |",
             f"| bleeding expected | {mn['bleeding_expected']} ({_g(mn['expected_bleeding_points'])} points) |",
             f"| pain | {_g(mn['pain_percent_of_26g_needle'], '% of a 26-G needle')} |",
             f"| infection risk index | {_g(mn['infection_risk_index'])} ({mn['infection_risk_index_meaning']}) |"]
    lines += [f"| home-use flag | {flag} |" for flag in mn["home_use_flags"]]
    lines += ["", "## Delivery with and without needles", "", "| quantity | with needles | without |", "|---|---|---|",
              f"| below the stratum corneum at the end (ug/cm^2) | {_g(d['with_needles'])} | {_g(d['without_needles'])} |",
              f"| into the {s['receptor']} (ug/cm^2) | {_g(p['with_needles'])} | {_g(p['without_needles'])} |"]
    b = s.get("basal_layer") or {}
    if b:
        lines += [f"| basal layer Cmax (ug/cm^3) | {_g(b['with_needles']['cmax_ug_per_cm3'])} | "
                  f"{_g(b['without_needles']['cmax_ug_per_cm3'])} |",
                  f"| basal layer AUC (ug h/cm^3) | {_g(b['with_needles']['auc_ug_h_per_cm3'])} | "
                  f"{_g(b['without_needles']['auc_ug_h_per_cm3'])} |"]
    lines += ["", f"Enhancement ratio (below the SC): {_g(s['enhancement_ratio'])}; into the {s['receptor']}: "
              f"{_g(s['enhancement_ratio_permeated'])}; basal-layer AUC: {_g(s['enhancement_ratio_basal_auc'])}; "
              f"fast parallel-pathway model: {_g(s['enhancement_ratio_parallel_pathway'])}.", "",
              "Where the compound is at the end (fraction of what was delivered):", ""]
    lines += [f"- {k.replace('_', ' ')}: {_g(v)}" for k, v in s["where_it_is_at_end_fraction"].items()]
    lines += ["", "## Plots", "", "![concentration maps](concentration_maps.png)", "",
              "![open fraction](open_fraction.png)", "", "![with and without needles](with_without_needles.png)", "",
              "## Model and sources", "", f"Solver: {s['solver']}; mass balance relative error "
              f"{s['mass_balance_relative_error']:.1e}; dermsim {prov.get('dermsim_version')}.", ""]
    lines += [f"- {k}: {v}" for k, v in mn.get("sources", {}).items()]
    if s.get("notes"):
        lines += ["", "Notes:"] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"


def save(result, out_dir: Path) -> Path:
    path = Path(out_dir) / "report.md"
    text = markdown(result)
    atomic_write(path, lambda p: Path(p).write_text(text, "utf-8"))
    return path
