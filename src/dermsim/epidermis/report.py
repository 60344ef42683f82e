"""Reports (Markdown) of epidermis Results: the spatial tissue and labelled clones, beside their plots."""

from __future__ import annotations

from dermsim.permeation.report import fmt

TISSUE_PLOTS = (("layers.png", "cells per layer and epidermal thickness"), ("recovery.png", "recovery of each event"),
                ("clone_maps.png", "basal clone maps"), ("cross_section.png", "cross-section"))
CLONE_PLOTS = (("clone_survival.png", "clone survival"), ("clone_mean_size.png", "mean clone size"),
               ("clone_size_distribution.png", "scaled clone-size distribution"))


def _plots(names, present: bool) -> list[str]:
    return (["", "## Plots", ""] + [f"![{title}]({name})" for name, title in names]) if present else []


def tissue_markdown(result, plots: bool = True) -> str:
    """Report of a tissue run: answer, initial vs final state, transit times, recovery, parameters."""
    s = result.summary
    first, last = s["initial_state"], s["final_state"]
    lines = [f"# {s['title']}", "", "```", s["answer"], "```", "", "## State", "",
             "| quantity | start | end |", "|---|---|---|",
             f"| epidermal thickness (um) | {fmt(first['epidermal_thickness_um'])} | {fmt(last['epidermal_thickness_um'])} |",
             f"| viable epidermis (um) | {fmt(first['viable_epidermis_thickness_um'])} | "
             f"{fmt(last['viable_epidermis_thickness_um'])} |",
             f"| stratum corneum cell layers | {fmt(first['stratum_corneum_cell_layers'])} | "
             f"{fmt(last['stratum_corneum_cell_layers'])} |"]
    lines += [f"| {layer.replace('_', ' ')} cells per mm² | {fmt(first['cells_per_mm2'][layer])} | "
              f"{fmt(last['cells_per_mm2'][layer])} |" for layer in last["cells_per_mm2"]]
    transit = s["transit"]
    lines += ["", "## Transit (days)", "", "| stage | days |", "|---|---|"]
    lines += [f"| {k.removesuffix('_day').replace('_', ' ')} | {fmt(v)} |" for k, v in transit.items() if k != "note"]
    if s["recovery"]:
        lines += ["", "## Recovery of each perturbed region", "", "| event | day | sites | recovery (days after the event) |",
                  "|---|---|---|---|"]
        for r in s["recovery"]:
            text = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in r["outcome"].items()
                             if not v.startswith("not applicable"))
            lines.append(f"| {r['label']} | {fmt(r['time_day'])} | {r['sites']} | {text} |")
    lines += _plots(TISSUE_PLOTS, plots)
    lines += ["", "## Parameters and sources", ""]
    lines += [f"- {k}: {v['value']} {v.get('unit', '')} — {v.get('source', '')}"
              for k, v in s["tissue_parameters"].items() if isinstance(v, dict) and "value" in v]
    lines += [f"- preset {k}: {v['value']} {v.get('unit', '')} — {v.get('source', '')}"
              for k, v in s["preset"].items() if isinstance(v, dict) and "value" in v]
    if s["notes"]:
        lines += ["", "Notes:"] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"


def clones_markdown(result, plots: bool = True) -> str:
    """Report of a clones run: answer, key figures at the last time, comparison with the exact laws, rates."""
    s = result.summary
    figures = s["key_figures"]
    lines = [f"# {s['title']}", "", "```", s["answer"], "```", "", f"## Key figures at {figures['time_week']:g} weeks",
             "", "| quantity | simulated | ± SE | exact / limit |", "|---|---|---|---|"]
    for name, value in figures.items():
        if isinstance(value, dict) and "value" in value:
            exact = value.get("exact", value.get("long_time_limit", value.get("steady_state")))
            lines.append(f"| {name.replace('_', ' ')} | {fmt(value['value'])} | {fmt(value.get('se'))} | {fmt(exact)} |")
    if s["exact_comparison"]:
        lines += ["", "## Against the exact laws", "", "| quantity | law | week | exact | simulated | z |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['quantity'].replace('_', ' ')} | {r['law']} | {r['time_week']:g} | {fmt(r['exact'])} | "
                  f"{fmt(r['simulated'])} | {'—' if r['z'] is None else format(r['z'], '.2f')} |" for r in s["exact_comparison"]]
    lines += _plots(CLONE_PLOTS, plots)
    lines += ["", "## Fate rates and sources", ""]
    lines += [f"- {k}: {v['value']} {v.get('unit', '')} — {v.get('source', '')}"
              for k, v in s["fate_rates"].items() if isinstance(v, dict) and "value" in v]
    lines += [""] + [f"- {c}" for c in s["citations"]]
    return "\n".join(lines) + "\n"
