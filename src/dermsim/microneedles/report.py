"""The report (Markdown) of a microneedle delivery Result: treatment, channels, risk, delivery with vs
without needles, plots and sources."""

from __future__ import annotations

from dermsim.permeation.report import fmt as _g


def markdown(result, plots: bool = True) -> str:
    """Report of a microneedle delivery run (summary kind "microneedle")."""
    s, prov = result.summary, result.provenance
    mn = s["microneedle"]
    plan, without, ratios = mn["plan"], mn["without_needles"], mn["enhancement_ratio"]
    lines = [f"# {s.get('title') or 'dermsim microneedle delivery'}", "", "```", s["answer"], "```", "",
             "## Treatment", "", "| quantity | value |", "|---|---|",
             f"| device | {plan['device']} ({plan['device_kind']}), {plan['passes']} pass(es), {plan['application']} |",
             f"| channel depth / surface diameter | {_g(plan['effective_depth_um'], 'um')} / "
             f"{_g(plan['channel_surface_diameter_um'], 'um')} (nominal {_g(plan['nominal_length_um'], 'um')}) |",
             f"| deepest layer reached | {plan['deepest_layer_reached']} |",
             f"| capillary loops reached | {plan['reaches_capillary_loops']} |",
             f"| channels | {_g(plan['channels_per_cm2'], '/cm^2')}, {plan['total_channels']:,.0f} in total |",
             f"| barrier / physical closure half-life | {_g(plan['closure_half_life_h'], 'h')} / "
             f"{_g(plan['physical_closure_half_life_h'], 'h')} |",
             f"| open fraction at the end | {_g(mn['open_fraction_at_end'])} |",
             f"| bleeding expected | {plan['bleeding_expected']} ({_g(plan['expected_bleeding_points'])} points) |",
             f"| pain | {_g(plan['pain_percent_of_26g_needle'], '% of a 26-G needle')} |",
             f"| infection risk index | {_g(plan['infection_risk_index'])} ({plan['infection_risk_index_meaning']}) |"]
    lines += [f"| home-use flag | {flag} |" for flag in plan["home_use_flags"]]
    lines += ["", "## Delivery with and without needles", "", "| quantity | with needles | without |", "|---|---|---|",
              f"| below the stratum corneum at the end (ug/cm^2) | {_g(mn['delivered_past_stratum_corneum_ug_per_cm2'])} | "
              f"{_g(without['delivered_past_stratum_corneum_ug_per_cm2'])} |",
              f"| into the {s['receptor']} (ug/cm^2) | {_g(s['cumulative_permeated_ug_per_cm2'])} | "
              f"{_g(without['cumulative_permeated_ug_per_cm2'])} |"]
    b, b0 = s.get("basal_layer"), without.get("basal_layer")
    if b and b0:
        lines += [f"| basal layer Cmax (ug/cm^3) | {_g(b['cmax_ug_per_cm3'])} | {_g(b0['cmax_ug_per_cm3'])} |",
                  f"| basal layer AUC (ug h/cm^3) | {_g(b['auc_ug_h_per_cm3'])} | {_g(b0['auc_ug_h_per_cm3'])} |"]
    lines += ["", f"Enhancement ratio (below the SC): {_g(ratios['past_stratum_corneum'])}; into the {s['receptor']}: "
              f"{_g(ratios['permeated'])}; basal-layer AUC: {_g(ratios['basal_auc'])}; "
              f"fast parallel-pathway model: {_g(ratios['parallel_pathway'])}.", "",
              "Where the compound is at the end (fraction of what was delivered):", ""]
    lines += [f"- {k.replace('_', ' ')}: {_g(v)}" for k, v in mn["where_it_is_at_end_fraction"].items()]
    if plots:
        lines += ["", "## Plots", "", "![concentration maps](concentration_maps.png)", "",
                  "![open fraction](open_fraction.png)", "", "![with and without needles](with_without_needles.png)"]
    lines += ["", "## Model and sources", "", f"Solver: {s['solver']}; mass balance relative error "
              f"{s['mass_balance_relative_error']:.1e}; dermsim {prov.get('dermsim_version')}.", ""]
    lines += [f"- {k}: {v}" for k, v in plan.get("sources", {}).items()]
    if s.get("notes"):
        lines += ["", "Notes:"] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"
