"""Permeation page: a compound (library or SMILES) on a body site in a formulation for a duration → the answer,
basal-layer exposure, depth profiles, amounts per layer and cumulative permeation.

The inputs are the fields of a permeation scenario (those of `dermsim permeate`); quantities are typed with their
units, as in a TOML file, so a bad one gets the CLI's one-line message under it.
"""

from __future__ import annotations

import streamlit as st

from dermsim.web import shared

#: (what, summary key, unit) of the exact numbers shown; the layers' amounts are added per run.
ROWS = [("kp (as an infinite dose of the vehicle)", "kp_cm_per_h", "cm/h"),
        ("lag time", "lag_time_h", "h"),
        ("steady flux", "steady_flux_ug_per_cm2_per_h", "µg/cm²/h"),
        ("cumulative permeated", "cumulative_permeated_ug_per_cm2", "µg/cm²"),
        ("basal layer Cmax", "basal_layer.cmax_ug_per_cm3", "µg/cm³"),
        ("basal layer tmax", "basal_layer.tmax_h", "h"),
        ("basal layer AUC", "basal_layer.auc_ug_h_per_cm3", "µg·h/cm³"),
        ("basal layer at the end", "basal_layer.concentration_end_ug_per_cm3", "µg/cm³"),
        ("basal layer reaches the threshold after", "basal_layer.time_to_threshold_h", "h"),
        ("fraction of dose permeated", "fraction_of_dose.permeated", ""),
        ("fraction of dose in skin", "fraction_of_dose.in_skin", ""),
        ("fraction of dose on the surface", "fraction_of_dose.in_vehicle", ""),
        ("fraction of dose evaporated", "fraction_of_dose.evaporated", ""),
        ("mass balance relative error", "mass_balance_relative_error", "")]

NO_VEHICLE = "(not given: water)"


#: The inputs as the page opens (the scenario of ``examples/niacinamide_serum_face.toml`` without its pH and
#: profile times); widget key -> value.
DEFAULTS = {"compound_source": "library", "compound": "niacinamide", "smiles": shared.DEFAULT_SMILES,
            "site": "face", "concentration": "5 %", "dose": "2 mg/cm^2", "vehicle": NO_VEHICLE, "ph": "",
            "occluded": False, "duration": "24 h", "threshold": "1 ug/mL"}


def scenario_data(values: dict) -> dict:
    """The scenario data of the page's inputs (as `dermsim permeate` builds it from its options)."""
    compound, table = shared.compound_of(values)
    formulation = {"concentration": values["concentration"], "dose": values["dose"], "occluded": values["occluded"]}
    if values["vehicle"] != NO_VEHICLE:
        formulation["vehicle"] = values["vehicle"]
    if values["ph"].strip():
        formulation["ph"] = values["ph"].strip()
    simulation = {"duration": values["duration"]}
    if values["threshold"].strip():
        simulation["basal_threshold"] = values["threshold"]
    return {"title": f"{compound} on {values['site']}", "compound": table, "skin": {"site": values["site"]},
            "formulation": formulation, "simulation": simulation}


def inputs(fields: shared.Fields) -> dict:
    """The input widgets; returns their values (widget key -> value)."""
    d = DEFAULTS
    values = shared.compound_input(fields, d["compound"], d["smiles"])
    values["site"] = shared.site_input(fields, d["site"])
    values["concentration"] = shared.text_field(fields, "concentration", d["concentration"], "concentration",
                                                "formulation.concentration", help=shared.CONCENTRATION_HELP)
    values["dose"] = shared.text_field(fields, "dose", d["dose"], "dose", "formulation.dose",
                                       help="'infinite', '2 mg/cm^2' or '10 uL/cm^2'")
    values["vehicle"] = st.selectbox("vehicle", [NO_VEHICLE] + shared.vehicles(), key="vehicle",
                                     help="`dermsim vehicles list`")
    values["ph"] = st.text_input("vehicle pH (empty: not given)", d["ph"], key="ph")
    values["occluded"] = st.checkbox("occluded", d["occluded"], key="occluded")
    fields.slot("formulation")
    values["duration"] = shared.text_field(fields, "duration", d["duration"], "duration", "simulation.duration")
    values["threshold"] = shared.text_field(fields, "basal-layer threshold (empty: none)", d["threshold"],
                                            "threshold", "simulation")
    return values


def charts(result, profile_times) -> None:
    from dermsim.permeation.plots import _profile_times

    v = result.values
    t = v("time")
    basal, profiles, layers, permeated = st.tabs(["basal layer", "depth profiles", "amount per layer",
                                                  "cumulative permeation"])
    with basal:
        shared.curves("time (h)", t, {"basal layer": v("basal_layer_concentration")},
                      title="mean concentration in the basal layer", y_title="µg/cm³")
    with profiles:
        depth, conc = v("depth"), v("concentration")
        picks = {f"{tk:.3g} h": conc[int(abs(t - tk).argmin())]
                 for tk in _profile_times(t, profile_times)}
        shared.curves("depth (µm)", depth, picks, series="time", title="concentration in the skin",
                      x_title="depth below the surface (µm)", y_title="µg/cm³", log_x=True, log_y=True)
    with layers:
        columns = {str(name).replace("_", " "): v("amount_in_layer")[:, j] for j, name in enumerate(v("layer"))}
        if "amount_in_vehicle" in result:
            columns["on the surface"] = v("amount_in_vehicle")
        shared.curves("time (h)", t, columns, series="where", title="amount per area", y_title="µg/cm²", log_y=True)
    with permeated:
        shared.curves("time (h)", t, {"permeated": v("cumulative_permeated")}, title="cumulative amount permeated",
                      y_title="µg/cm²")


def render() -> None:
    right, data, scenario, result = shared.page(
        "Permeation", "A compound in a formulation on a body site: how much reaches the basal layer, the skin and "
        "the blood. The same `dermsim.simulate` as `dermsim run`.", lambda fields: scenario_data(inputs(fields)))
    if result is None:
        return
    summary = result.summary
    with right:
        basal = summary["basal_layer"]
        shared.metrics(("basal layer Cmax (µg/cm³)", f"{basal['cmax_ug_per_cm3']:.3g}"),
                       ("permeated (µg/cm²)", f"{summary['cumulative_permeated_ug_per_cm2']:.3g}"),
                       ("lag time (h)", "—" if summary["lag_time_h"] is None else f"{summary['lag_time_h']:.3g}"))
        charts(result, scenario.simulation.profile_times)
        layer_rows = [(f"amount in {name.replace('_', ' ')} at the end", f"amount_in_layer_end_ug_per_cm2.{name}",
                       "µg/cm²") for name in summary["amount_in_layer_end_ug_per_cm2"]]
        shared.answer(summary)
        st.subheader("numbers (as in summary.json)")
        shared.numbers_table(summary, ROWS + layer_rows, key="numbers")
        shared.scenario_and_summary(scenario, result, f"permeation-{data['title']}")
