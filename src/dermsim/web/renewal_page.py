"""Epidermal renewal page: labelled basal clones (exact stochastic cell-fate model) or the spatial tissue with
perturbations (tape stripping, dry air, UV, basal loss, microneedle wounds).

The inputs are a ``[clones]`` table, or a ``[tissue]`` table with ``[[perturbation]]`` entries (as the files in
``examples/epidermis/``); both run through the one `dermsim.simulate`.
"""

from __future__ import annotations

import streamlit as st

from dermsim.web import shared

CLONE_ROWS = [("progenitor survival at the end", "key_figures.progenitor_survival.value", ""),
              ("  exact (model)", "key_figures.progenitor_survival.exact", ""),
              ("basal survival at the end", "key_figures.basal_survival.value", ""),
              ("mean basal cells per surviving clone", "key_figures.mean_basal_cells_surviving.value", "cells"),
              ("  long-time limit", "key_figures.mean_basal_cells_surviving.long_time_limit", "cells"),
              ("proliferating fraction", "key_figures.proliferating_fraction.value", ""),
              ("  steady state", "key_figures.proliferating_fraction.steady_state", ""),
              ("basal turnover", "key_figures.steady_state.basal_turnover_days", "day"),
              ("basal to shed transit", "key_figures.steady_state.basal_to_shed_transit_days", "day")]

TISSUE_ROWS = [("epidermis at the start", "initial_state.epidermal_thickness_um", "µm"),
               ("epidermis at the end", "final_state.epidermal_thickness_um", "µm"),
               ("viable epidermis at the end", "final_state.viable_epidermis_thickness_um", "µm"),
               ("stratum corneum cell layers at the end", "final_state.stratum_corneum_cell_layers", ""),
               ("basal turnover", "transit.basal_turnover_day", "day"),
               ("basal to shed (expected mean)", "transit.expected_mean_basal_to_shed_day", "day")]

#: Perturbations offered on the page: kind -> (label, its inputs as (field, label, default)).
PERTURBATIONS = {
    "tape-strip": ("tape stripping", [("time", "time", "5 d"), ("stratum_corneum_removed",
                                                                 "fraction of stratum corneum removed", "0.5")]),
    "dehydration": ("dry air", [("time", "time", "25 d"), ("duration", "duration", "5 d")]),
    "uv": ("UV", [("time", "time", "45 d"), ("dose", "dose (minimal erythema doses)", "2")]),
    "basal-loss": ("basal cells lost in a patch", [("time", "time", "10 d"), ("radius", "radius", "100 um")]),
    "microneedle": ("microneedle wounds", [("time", "time", "10 d"), ("device", "device", "roller-192-1.0mm"),
                                           ("passes", "passes", "1"), ("site", "site", "face")]),
}


def clone_inputs(fields: shared.Fields) -> dict:
    names = list(shared.presets())
    preset = st.selectbox("fate-rate preset", names, index=names.index("clayton2007-mouse-tail"), key="preset",
                          help="`dermsim epidermis presets`")
    fields.slot("clones.preset", "clones.rates", "clones.model")
    clones = st.text_input("labelled clones", "20000", key="clones")
    fields.slot("clones.clones")
    duration = st.text_input("duration", "52 week", key="clone_duration")
    fields.slot("clones.duration")
    every = st.text_input("output every", "1 week", key="output_every")
    fields.slot("clones.output_every")
    seed = st.text_input("seed", "7", key="clone_seed")
    fields.slot("clones")
    table = {"preset": preset, "clones": clones, "duration": duration, "output_every": every}
    if seed.strip():
        table["seed"] = seed.strip()
    return {"kind": "clones", "title": f"{preset} basal clones, {duration}", "clones": table}


def tissue_inputs(fields: shared.Fields) -> dict:
    names = list(shared.presets())
    preset = st.selectbox("fate-rate preset", names, index=names.index("human-interfollicular"), key="tissue_preset")
    fields.slot("tissue.preset", "tissue.rates")
    size = st.select_slider("lattice (basal sites per side)", [32, 64, 96, 128, 192, 256], value=128, key="lattice")
    duration = st.text_input("duration", "70 d", key="tissue_duration")
    fields.slot("tissue.duration")
    seed = st.text_input("seed", "5", key="tissue_seed")
    fields.slot("tissue")
    chosen = st.multiselect("perturbations", list(PERTURBATIONS), default=["tape-strip", "dehydration", "uv"],
                            format_func=lambda k: PERTURBATIONS[k][0], key="perturbations")
    perturbations = []
    for i, kind in enumerate(chosen):
        label, entries = PERTURBATIONS[kind]
        st.markdown(f"*{label}*")
        entry = {"kind": kind}
        for field, text, default in entries:
            if field == "device":
                devices = shared.devices()
                entry[field] = st.selectbox(text, devices, index=devices.index(default), key=f"{kind}_{field}")
            else:
                entry[field] = st.text_input(text, default, key=f"{kind}_{field}")
        fields.slot(f"perturbation[{i}]")
        perturbations.append(entry)
    table = {"preset": preset, "lattice_size": size, "duration": duration, "output_interval": "6 h",
             "time_step": "1 h", "clone_snapshots": 3}
    if seed.strip():
        table["seed"] = seed.strip()
    return {"kind": "tissue", "title": f"{preset}, {', '.join(chosen) or 'homeostasis'}", "tissue": table,
            "perturbation": perturbations}


def clone_charts(result) -> None:
    v = result.values
    t = v("time")
    survival, size, distribution = st.tabs(["survival", "clone size", "size distribution at the end"])
    with survival:
        shared.curves("time (week)", t, {"progenitor": v("progenitor_survival"), "basal": v("basal_survival")},
                      series="clone holds", title="fraction of clones surviving", y_title="fraction", log_y=True)
    with size:
        shared.curves("time (week)", t, {"basal cells": v("mean_basal_cells_surviving"),
                                         "all cells": v("mean_total_cells_surviving")},
                      series="per surviving clone", title="mean clone size", y_title="cells")
    with distribution:
        sizes, fractions = v("size"), v("basal_size_distribution")[-1]
        keep = (sizes > 0) & (fractions > 0)
        shared.curves("basal cells", sizes[keep], {"fraction": fractions[keep]},
                      title=f"basal clone sizes at {t[-1]:.3g} weeks", x_title="basal cells per surviving clone",
                      y_title="fraction of surviving clones", log_y=True)


def tissue_charts(result) -> None:
    import numpy as np

    from dermsim.epidermis.tissue_plots import clone_colours

    v = result.values
    t = v("time")
    thickness, layers, clones = st.tabs(["thickness", "layers", "clone map"])
    with thickness:
        shared.curves("time (day)", t, {"epidermis": v("epidermal_thickness"),
                                        "viable epidermis": v("viable_epidermis_thickness")},
                      series="thickness", title="thickness", y_title="µm")
    with layers:
        columns = {str(name).replace("_", " "): v("layer_thickness")[:, j] for j, name in enumerate(v("layer"))}
        shared.curves("time (day)", t, columns, series="layer", title="thickness of each layer", y_title="µm")
    with clones:
        if "clone_map" not in result:
            st.caption("no clone snapshots")
            return
        snapshots = [float(x) for x in v("snapshot_time")]
        day = st.select_slider("snapshot (day)", snapshots, value=snapshots[-1], key="snapshot",
                               format_func=lambda x: f"{x:.0f}")
        image = clone_colours(v("clone_map")[snapshots.index(day)])
        st.image((image * 255).astype(np.uint8), caption=f"basal clone map at day {day:.0f} "
                 "(colour = clone, black = no basal cell)", width=360)


def recovery_table(summary: dict) -> None:
    import pandas as pd

    rows = [{"event": event["label"], "day": event["time_day"]} | event["outcome"]
            for event in summary.get("recovery") or []]
    if rows:
        st.markdown("**recovery of each perturbed region**")
        st.table(pd.DataFrame(rows).set_index("event"))


def inputs(fields: shared.Fields) -> dict:
    model = st.radio("model", ["tissue", "clones"], horizontal=True, key="renewal_model",
                     format_func={"tissue": "tissue with perturbations", "clones": "labelled clones"}.get)
    return tissue_inputs(fields) if model == "tissue" else clone_inputs(fields)


def render() -> None:
    right, data, scenario, result = shared.page(
        "Epidermal renewal", "Labelled basal clones over months, or the spatial epidermis after perturbations. The "
        "same `dermsim.simulate` as `dermsim run`.", inputs, "simulating the epidermis")
    if result is None:
        return
    summary = result.summary
    with right:
        shared.answer(summary)
        if data["kind"] == "clones":
            clone_charts(result)
        else:
            recovery_table(summary)
            tissue_charts(result)
        st.subheader("numbers (as in summary.json)")
        shared.numbers_table(summary, CLONE_ROWS if data["kind"] == "clones" else TISSUE_ROWS, key="numbers")
        shared.scenario_and_summary(scenario, result, f"{data['kind']}-{data['title']}")
