"""Microneedle page: a device, passes and treated area before a serum → the treatment plan, its risks, delivery
with vs without the needles, and the concentration in the channel's r–z unit cell.

The inputs are a permeation scenario with a ``[microneedle]`` table (as ``examples/niacinamide_with_needles_face.toml``);
the plan rows are those `dermsim microneedle plan` prints.
"""

from __future__ import annotations

import streamlit as st

from dermsim.web import shared

#: Plan rows that are risks (the others are the plan itself), as labelled by `dermsim microneedle plan`.
RISK_ROWS = ("bleeding", "pain", "infection index", "wound area", "insertion force")

ROWS = [("permeated with needles", "cumulative_permeated_ug_per_cm2", "µg/cm²"),
        ("permeated without needles", "microneedle.without_needles.cumulative_permeated_ug_per_cm2", "µg/cm²"),
        ("past the stratum corneum with needles", "microneedle.delivered_past_stratum_corneum_ug_per_cm2", "µg/cm²"),
        ("past the stratum corneum without needles",
         "microneedle.without_needles.delivered_past_stratum_corneum_ug_per_cm2", "µg/cm²"),
        ("basal layer Cmax with needles", "basal_layer.cmax_ug_per_cm3", "µg/cm³"),
        ("basal layer Cmax without needles", "microneedle.without_needles.basal_layer.cmax_ug_per_cm3", "µg/cm³"),
        ("enhancement past the stratum corneum", "microneedle.enhancement_ratio.past_stratum_corneum", "×"),
        ("enhancement of permeation", "microneedle.enhancement_ratio.permeated", "×"),
        ("enhancement of the basal-layer AUC", "microneedle.enhancement_ratio.basal_auc", "×"),
        ("distinct channels", "microneedle.plan.channels_per_cm2", "/cm²"),
        ("effective depth", "microneedle.plan.effective_depth_um", "µm"),
        ("barrier half-life", "microneedle.plan.closure_half_life_h", "h"),
        ("infection risk index (relative)", "microneedle.plan.infection_risk_index", ""),
        ("mass balance relative error", "mass_balance_relative_error", "")]


#: The inputs as the page opens (``examples/niacinamide_with_needles_face.toml``); widget key -> value.
DEFAULTS = {"compound": "niacinamide", "site": "face", "concentration": "5 %", "dose": "2 mg/cm^2",
            "device": "roller-192-0.25mm", "passes": 4, "area": "300 cm^2", "sterilisation": "alcohol-wipe",
            "duration": "24 h"}


def scenario_data(values: dict) -> dict:
    """The scenario data of the page's inputs: a permeation scenario with a ``[microneedle]`` table."""
    return {"title": f"{values['compound']} after {values['device']} on {values['site']}",
            "compound": {"name": values["compound"]}, "skin": {"site": values["site"]},
            "formulation": {"concentration": values["concentration"], "dose": values["dose"]},
            "microneedle": {"device": values["device"], "passes": int(values["passes"]),
                            "treated_area": values["area"], "sterilisation": values["sterilisation"]},
            "simulation": {"duration": values["duration"]}}


def inputs(fields: shared.Fields) -> dict:
    """The input widgets; returns their values (widget key -> value)."""
    d, values = DEFAULTS, {}
    names = shared.compounds()
    values["compound"] = st.selectbox("compound", names, index=names.index(d["compound"]), key="compound")
    fields.slot("compound")
    site_names = list(shared.sites())
    values["site"] = st.selectbox("body site", site_names, index=site_names.index(d["site"]), key="site")
    fields.slot("skin")
    values["concentration"] = st.text_input("concentration", d["concentration"], key="concentration")
    fields.slot("formulation.concentration")
    values["dose"] = st.text_input("dose", d["dose"], key="dose")
    fields.slot("formulation")
    device_names = shared.devices()
    values["device"] = st.selectbox("device", device_names, index=device_names.index(d["device"]), key="device",
                                    help="`dermsim devices list`")
    fields.slot("microneedle.device")
    values["passes"] = st.number_input("passes", min_value=1, max_value=1000, value=d["passes"], step=1,
                                       key="passes")
    fields.slot("microneedle.passes")
    values["area"] = st.text_input("treated area", d["area"], key="area")
    fields.slot("microneedle.treated_area")
    options = list(shared.sterilisations())
    values["sterilisation"] = st.selectbox("sterilisation", options, index=options.index(d["sterilisation"]),
                                           key="sterilisation")
    fields.slot("microneedle")
    values["duration"] = st.text_input("duration", d["duration"], key="duration")
    fields.slot("simulation")
    return values


def plan_tables(summary: dict) -> None:
    """The plan as `dermsim microneedle plan` prints it, split into the plan and its risks; home-use flags."""
    import pandas as pd

    from dermsim.cli.microneedles import _plan_table           # the CLI's rows, so both say the same

    table = _plan_table(summary["microneedle"]["plan"])
    rows = list(zip(*(list(column.cells) for column in table.columns)))
    plan = [r for r in rows if r[0] not in RISK_ROWS]
    risks = [r for r in rows if r[0] in RISK_ROWS]
    left, right = st.columns(2)
    with left:
        st.markdown("**treatment plan**")
        with st.container(key="plan"):
            st.table(pd.DataFrame(plan, columns=["quantity", "value"]).set_index("quantity"))
    with right:
        st.markdown("**risks**")
        with st.container(key="risks"):
            st.table(pd.DataFrame(risks, columns=["risk", "value"]).set_index("risk"))
        for flag in summary["microneedle"]["plan"]["home_use_flags"]:
            st.warning(flag)


def rz_map(result) -> None:
    """Concentration in the axisymmetric unit cell around one channel at a chosen time (log colour)."""
    import altair as alt
    import numpy as np
    import pandas as pd

    v = result.values
    t, r, z = v("time"), v("r"), v("z")
    default = float(t[int(np.argmin(np.abs(t - t[-1] / 24)))])
    chosen = st.select_slider("time (h)", options=[float(x) for x in t], value=default, key="map_time",
                              format_func=lambda x: f"{x:.3g}")
    k = int(np.argmin(np.abs(t - chosen)))

    def edges(centres):
        mid = (centres[1:] + centres[:-1]) / 2
        return np.concatenate([[0.0], mid, [centres[-1] + (centres[-1] - centres[-2]) / 2]])

    re_, ze = edges(r), edges(z)
    conc = v("concentration")[k]
    R0, Z0 = np.meshgrid(re_[:-1], ze[:-1], indexing="ij")
    R1, Z1 = np.meshgrid(re_[1:], ze[1:], indexing="ij")
    frame = pd.DataFrame({"r0": R0.ravel(), "r1": R1.ravel(), "z0": Z0.ravel(), "z1": Z1.ravel(),
                          "c": conc.ravel()})
    top = float(frame["c"].max())
    frame = frame[frame["c"] > (top * 1e-6 if top > 0 else 0)]
    if frame.empty:
        st.caption(f"nothing in the tissue at {chosen:.3g} h")
        return
    chart = alt.Chart(frame, title=f"concentration around one channel at {chosen:.3g} h (µg/cm³)", height=360).mark_rect()
    chart = chart.encode(x=alt.X("r0", title="r, distance from the channel axis (µm)"), x2="r1",
                         y=alt.Y("z0", title="z, depth (µm)", scale=alt.Scale(reverse=True)), y2="z1",
                         color=alt.Color("c", title="µg/cm³", scale=alt.Scale(type="log", scheme="viridis")),
                         tooltip=["r0", "z0", "c"])
    st.altair_chart(chart, width="stretch")


def charts(result) -> None:
    v = result.values
    t = v("time")
    delivered, basal, where = st.tabs(["with vs without", "basal layer", "r–z map"])
    with delivered:
        shared.curves("time (h)", t, {"with needles": v("cumulative_permeated"),
                                      "without": v("cumulative_permeated_without_needles")},
                      series="treatment", title="cumulative amount permeated", y_title="µg/cm²")
    with basal:
        shared.curves("time (h)", t, {"with needles": v("basal_layer_concentration"),
                                      "without": v("basal_layer_concentration_without_needles")},
                      series="treatment", title="mean concentration in the basal layer", y_title="µg/cm³")
    with where:
        rz_map(result)


def render() -> None:
    right, data, scenario, result = shared.page(
        "Microneedle treatment", "A device, passes and area before a serum: the plan, its risks, and delivery with "
        "vs without the needles (2D channel unit cell). The same `dermsim.simulate` as `dermsim run`.",
        lambda fields: scenario_data(inputs(fields)), "simulating with and without the needles")
    if result is None:
        return
    summary = result.summary
    with right:
        ratio = summary["microneedle"]["enhancement_ratio"]
        shared.metrics(("channels per cm²", f"{summary['microneedle']['plan']['channels_per_cm2']:.4g}"),
                       ("depth (µm)", f"{summary['microneedle']['plan']['effective_depth_um']:.3g}"),
                       ("enhancement past the stratum corneum",
                        "—" if ratio["past_stratum_corneum"] is None else f"{ratio['past_stratum_corneum']:.3g}×"))
        plan_tables(summary)
        charts(result)
        shared.answer(summary)
        st.subheader("numbers (as in summary.json)")
        shared.numbers_table(summary, ROWS, key="numbers")
        shared.scenario_and_summary(scenario, result, f"microneedle-{data['title']}")
