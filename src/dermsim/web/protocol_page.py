"""Treatment protocol page: a course over weeks or months (microneedle sessions, products on a schedule, sun through
a sunscreen) → dermal collagen over the course, the basal-layer peak of every application, the epidermis on the
lattice and the risk of every session — `dermsim protocol run` on a page.

The page starts from one of the example protocols (``examples/protocols/*.toml``, read as the TOML file they are)
and changes its main choices: the duration, the epidermis on or off, the first session's device, passes and
schedule, each product's compound, concentration and schedule, and the first sun table's SPF and sunscreen amount.
Everything else of the example is kept as written. The result is `dermsim.simulate` of that scenario, so the
numbers are those of the summary.json `dermsim protocol run` writes for the scenario the page shows.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import streamlit as st

from dermsim.web import shared

#: The example protocols of the repository (a checkout: the package is installed from it with ``pip install -e``).
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "protocols"
#: The example the page opens on: the 12-month acne-scar course (sessions, two products, the lattice).
DEFAULT_EXAMPLE = "acne_scars_roller_1.5mm"
#: The inputs as the page opens: the example as written (`scenario_data` changes only the inputs it is given).
DEFAULTS = {"example": DEFAULT_EXAMPLE}
#: The command that writes what the page shows (and the bundle holds) for its scenario.
COMMAND = "dermsim protocol run scenario.toml"

#: A session table for an example without one (a sterile single-use 0.5 mm roller, three sessions 4 weeks apart).
DEFAULT_SESSION = {"device": "roller-192-0.5mm", "passes": 4, "treated_area": "100 cm^2", "repeat": "every 4 weeks x 3",
                   "start": "9 h"}
#: A sun table for an example without one (2 MED at noon on weekdays through SPF 30 at the labelled amount).
DEFAULT_SUN = {"dose": 2.0, "spf": 30, "sunscreen_amount": "2 mg/cm^2", "times": ["12:00"],
               "days": ["mon", "tue", "wed", "thu", "fri"]}
#: Schedule fields a ``repeat`` phrase stands for (`dermsim.protocols.schedule.from_phrase`): typing a phrase
#: replaces them.
PHRASE_FIELDS = ("every", "count", "times")
#: Schedule fields whose errors are shown under the ``repeat`` input.
SCHEDULE_FIELDS = ("repeat", "every", "count", "times", "days", "until")
#: Inputs that are not a product's (``app<i>…`` keys are); all are reset to the example's when another is chosen.
INPUT_KEYS = ("title", "duration", "tissue", "sessions", "device", "passes", "session_repeat", "session_start", "sun",
              "spf", "sunscreen_amount")

ROWS = [("duration", "duration_days", "day"),
        ("microneedle sessions", "risk.course.sessions", ""),
        ("dermal collagen at the end (change)", "collagen.total_change_end_percent", "%"),
        ("dermal collagen at its peak (change)", "collagen.peak_change_percent", "%"),
        ("  on day", "collagen.peak_day", "day"),
        ("labile (type III-rich) collagen at the end", "collagen.labile_end", "× baseline"),
        ("mature (type I-rich) collagen at the end", "collagen.mature_end", "× baseline"),
        ("expected bleeding points over the course", "risk.course.expected_bleeding_points", ""),
        ("wound surface over the course", "risk.course.wound_surface_area_cm2", "cm²"),
        ("infection index, highest session (relative)", "risk.course.infection_risk_index_max", ""),
        ("infection index, summed (relative)", "risk.course.infection_risk_index_sum", "")]

#: Per product (summary.json ``applications[i]``): (what, key, unit).
PRODUCT_ROWS = [("applications", "applications", ""),
                ("applications right after needling", "after_needling", ""),
                ("basal-layer peak on intact skin", "basal_cmax_intact_ug_per_cm3", "µg/cm³"),
                ("basal-layer peak right after needling", "basal_cmax_after_needling_ug_per_cm3", "µg/cm³"),
                ("basal-layer peak after needling / on intact skin", "basal_cmax_ratio_after_needling", "×"),
                ("basal-layer AUC over the course", "course_basal_auc_ug_h_per_cm3", "µg·h/cm³"),
                ("systemic amount over the course", "course_systemic_ug_per_cm2", "µg/cm²"),
                ("applied over the course", "course_applied_ug_per_cm2", "µg/cm²")]

#: With the lattice (summary.json ``epidermis``): (what, key, unit).
EPIDERMIS_ROWS = [("epidermis at the start", "epidermal_thickness_um.start", "µm"),
                  ("epidermis at the end", "epidermal_thickness_um.end", "µm"),
                  ("epidermis at its thinnest", "epidermal_thickness_um.lowest", "µm"),
                  ("basal density at the start", "basal_density_per_mm2.start", "/mm²"),
                  ("basal density at its lowest", "basal_density_per_mm2.lowest", "/mm²"),
                  ("  on day", "basal_density_per_mm2.lowest_day", "day"),
                  ("stratum corneum cell layers at the end", "stratum_corneum_cell_layers.end", "")]

#: Per sun table (summary.json ``sun[i]``): (what, key, unit).
SUN_ROWS = [("sun exposures", "exposures", ""), ("UV dose reaching unprotected skin", "dose_med", "MED"),
            ("UV dose through the sunscreen", "effective_dose_med", "MED")]


# --------------------------------------------------------------------------------------------------------------
# the examples and the scenario data of the inputs

@lru_cache(maxsize=1)
def examples() -> tuple[str, ...]:
    """The names (file stems) of the example protocols."""
    return tuple(sorted(p.stem for p in EXAMPLES.glob("*.toml")))


@lru_cache(maxsize=8)
def _example_text(name: str) -> str:
    return (EXAMPLES / f"{name}.toml").read_text("utf-8")


def example(name: str) -> dict:
    """The example protocol ``name`` as its TOML file reads (a new copy each call)."""
    return tomllib.loads(_example_text(name))


def question(name: str) -> str:
    """The question the example's opening comment asks."""
    lines = []
    for line in _example_text(name).splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# ").strip())
    return " ".join(lines)


def _schedule(table: dict, values: dict, prefix: str) -> None:
    """The ``repeat`` and ``start`` inputs (keys ``<prefix>_repeat``, ``<prefix>_start``) written into ``table``:
    a typed phrase replaces the fields it stands for; empty leaves the table's other schedule fields (or the start,
    0 h) to decide."""
    if f"{prefix}_repeat" in values:
        repeat = values[f"{prefix}_repeat"].strip()
        table.pop("repeat", None)
        if repeat:
            table["repeat"] = repeat
            for name in PHRASE_FIELDS:
                table.pop(name, None)
    if f"{prefix}_start" in values:
        start = values[f"{prefix}_start"].strip()
        table.pop("start", None)
        if start:
            table["start"] = start


def scenario_data(values: dict) -> dict:
    """The scenario data of the page's inputs: the chosen example with the inputs given in ``values`` written in
    (an input not in ``values`` leaves the example's value)."""
    data = example(values["example"])
    pr = data["protocol"]
    if "title" in values:
        data["title"] = values["title"]
    if "duration" in values:
        pr["duration"] = values["duration"]
    if "tissue" in values:
        pr["tissue"] = "lattice" if values["tissue"] else "none"
    sessions = pr.pop("sessions", [])
    if values.get("sessions", bool(sessions)):
        first = sessions[0] if sessions else dict(DEFAULT_SESSION)
        for name in ("device", "passes"):
            if name in values:
                first[name] = values[name]
        _schedule(first, values, "session")
        pr["sessions"] = [first, *sessions[1:]]
    kept = []
    for i, app in enumerate(pr.pop("applications", [])):
        if not values.get(f"app{i}", True):
            continue
        if f"app{i}_name" in values:
            app.pop("name", None)
            if values[f"app{i}_name"].strip():
                app["name"] = values[f"app{i}_name"].strip()
        if f"app{i}_compound" in values:
            app["compound"] = {"name": values[f"app{i}_compound"]}
        if f"app{i}_concentration" in values:
            app["formulation"]["concentration"] = values[f"app{i}_concentration"]
        _schedule(app, values, f"app{i}")
        kept.append(app)
    if kept:
        pr["applications"] = kept
    suns = pr.pop("sun", [])
    if values.get("sun", bool(suns)):
        first = suns[0] if suns else dict(DEFAULT_SUN)
        for name in ("spf", "sunscreen_amount"):
            if name in values:
                first[name] = values[name]
        pr["sun"] = [first, *suns[1:]]
    return data


# --------------------------------------------------------------------------------------------------------------
# the inputs

def _reset() -> None:
    """Another example chosen: its values in every input (the inputs drop what was typed for the last one)."""
    for key in list(st.session_state):
        if key in INPUT_KEYS or (isinstance(key, str) and key.startswith("app") and key[3:4].isdigit()):
            del st.session_state[key]


def _schedule_inputs(fields: shared.Fields, table: dict, prefix: str, field: str) -> dict:
    """The ``repeat`` and ``start`` inputs of one schedule table (scenario field ``field``), with their error places."""
    other = {k: table[k] for k in ("every", "count", "times", "days", "until") if k in table}
    values = {f"{prefix}_repeat": shared.text_field(
        fields, "repeat", table.get("repeat", ""), f"{prefix}_repeat", f"{field}.repeat",
        help="'once', 'daily', 'twice daily', 'N times daily', 'weekly', 'every N hours|days|weeks|months x K'; "
             "a phrase replaces every/count/times" + (f"; empty: as the example, {other}" if other else ""))}
    fields.slot(*(f"{field}.{name}" for name in SCHEDULE_FIELDS[1:]))
    values[f"{prefix}_start"] = shared.text_field(fields, "first at (start; empty: 0 h)", str(table.get("start", "")),
                                                  f"{prefix}_start", f"{field}.start")
    fields.slot(field)
    return values


def inputs(fields: shared.Fields) -> dict:
    """The input widgets; returns their values (widget key -> value)."""
    names = examples()
    if not names:
        st.error(f"no example protocols in {EXAMPLES} (the page reads them from a checkout of dermsim)")
        st.stop()
    values = {"example": st.selectbox("start from the example", names, index=names.index(DEFAULT_EXAMPLE),
                                      key="example", on_change=_reset, help=f"`{EXAMPLES.name}/*.toml`",
                                      format_func=lambda n: n.replace("_", " "))}
    st.caption(question(values["example"]))
    data = example(values["example"])
    pr = data["protocol"]
    values["title"] = st.text_input("title", data.get("title", ""), key="title")
    values["duration"] = shared.text_field(fields, "duration", pr["duration"], "duration", "protocol.duration")
    values["tissue"] = st.checkbox("epidermis on the lattice (protocol.tissue)",
                                   pr.get("tissue", "lattice") == "lattice", key="tissue")
    fields.slot("protocol.tissue", "protocol.lattice_size", "protocol.tissue_seed")

    sessions = pr.get("sessions", [])
    values["sessions"] = st.checkbox("**microneedle sessions**" + ("" if sessions else " (the example has none)"),
                                     bool(sessions), key="sessions")
    if values["sessions"]:
        first = sessions[0] if sessions else DEFAULT_SESSION
        devices = shared.devices()
        values["device"] = st.selectbox("device", devices, index=devices.index(first["device"]), key="device",
                                        help="`dermsim devices list`")
        fields.slot("protocol.sessions[0].device")
        values["passes"] = st.number_input("passes", min_value=1, max_value=1000, value=int(first["passes"]),
                                           step=1, key="passes")
        fields.slot("protocol.sessions[0].passes")
        values |= _schedule_inputs(fields, first, "session", "protocol.sessions[0]")
    fields.slot("protocol.sessions")

    st.markdown("**products**")
    kept = 0
    for i, app in enumerate(pr.get("applications", [])):
        name = app.get("name") or app["compound"].get("name", f"product {i + 1}")
        values[f"app{i}"] = st.checkbox(f"apply {name}", True, key=f"app{i}")
        if not values[f"app{i}"]:
            continue
        field = f"protocol.applications[{kept}]"                # its place in the scenario, after those left out
        kept += 1
        values[f"app{i}_name"] = st.text_input("name", app.get("name", ""), key=f"app{i}_name")
        compounds = shared.compounds()
        values[f"app{i}_compound"] = st.selectbox("compound", compounds, key=f"app{i}_compound",
                                                  index=compounds.index(app["compound"]["name"]))
        fields.slot(f"{field}.compound")
        values[f"app{i}_concentration"] = shared.text_field(
            fields, "concentration", app["formulation"]["concentration"], f"app{i}_concentration",
            f"{field}.formulation", help=shared.CONCENTRATION_HELP)
        values |= _schedule_inputs(fields, app, f"app{i}", field)
    if not pr.get("applications"):
        st.caption("no products in this example")

    suns = pr.get("sun", [])
    values["sun"] = st.checkbox("**sun** through a sunscreen" + ("" if suns else " (the example has none)"),
                                bool(suns), key="sun")
    if values["sun"]:
        first = suns[0] if suns else DEFAULT_SUN
        values["spf"] = st.number_input("SPF", min_value=1.0, max_value=100.0, value=float(first.get("spf", 1.0)),
                                        step=1.0, key="spf")
        fields.slot("protocol.sun[0].spf")
        values["sunscreen_amount"] = shared.text_field(fields, "sunscreen amount (labelled SPF: 2 mg/cm^2)",
                                                       first.get("sunscreen_amount", "2 mg/cm^2"), "sunscreen_amount",
                                                       "protocol.sun[0].sunscreen_amount")
        schedule = ", ".join(f"{k} = {first[k]}" for k in ("repeat", "start", "every", "times", "days") if k in first)
        st.caption(f"{first['dose']:g} MED to unprotected skin each time; schedule as in the example: {schedule}")
    fields.slot("protocol.sun")
    return values


# --------------------------------------------------------------------------------------------------------------
# what the page shows (charts from the result's arrays; the bundle's plots are those of `dermsim.protocols.plots`)

def _sessions_marked(result):
    return ("microneedle session", result.values("session_time")) if "session_time" in result else None


def charts(result) -> None:
    """The course as `dermsim.protocols.plots` draws it: dermal collagen, the basal-layer peak of every application
    (filled squares there: applied while the channels were open) and, with the lattice, the epidermis, relative to
    the start; the sessions marked."""
    import numpy as np
    import pandas as pd

    v, marks = result.values, _sessions_marked(result)
    names = ["dermal collagen", "basal-layer peaks"] + (["epidermis"] if "tissue_time" in result else [])
    tabs = st.tabs(names)
    with tabs[0]:
        shared.curves("day", v("time"), {"total collagen": 100 * (v("collagen_total") - 1),
                                         "new labile (type III-rich) pool": 100 * (v("collagen_labile")
                                                                                   - v("collagen_labile")[0]),
                                         "mature (type I-rich) pool": 100 * (v("collagen_mature")
                                                                             - v("collagen_mature")[0])},
                      series="collagen", title="dermal collagen relative to baseline", x_title="day of the protocol",
                      y_title="change (%)", marks=marks)
    with tabs[1]:
        if "application_time" not in result:
            st.caption("no products")
        else:
            after = v("application_after_needling").astype(bool)
            peak = "basal-layer peak"
            frame = pd.DataFrame({"day": v("application_time"), peak: v("application_basal_cmax_ug_per_cm3"),
                                  "product": [f"{p} (channels open)" if a else str(p)
                                              for p, a in zip(v("application_product"), after)]})
            frame = frame[np.isfinite(frame[peak])]
            shared.line_chart(frame, "day", peak, "product", title="basal-layer peak of every application",
                              x_title="day of the protocol", y_title="µg/cm³", log_y=bool((frame[peak] > 0).any()),
                              points=True, marks=marks)
    if "tissue_time" in result:
        with tabs[2]:
            columns = {label: 100 * (v(name) / v(name)[0] - 1) for name, label in
                       (("epidermal_thickness", "epidermal thickness"), ("basal_density", "basal density"),
                        ("stratum_corneum_cell_layers", "stratum corneum layers (barrier proxy)"))}
            shared.curves("day", v("tissue_time"), columns, series="epidermis", title="the epidermis on the lattice",
                          x_title="day of the protocol", y_title="change from the start (%)", marks=marks)


def risk_tables(summary: dict) -> None:
    """The risk of every session (summary.json ``sessions``, the bundle's sessions.csv), the course's home-use flags,
    and the published adverse-event rates of comparable courses or "no data"."""
    from dermsim.protocols.report import SESSION_COLUMNS

    risk = summary["risk"]
    st.markdown("**risk of each session** (summary.json `sessions`; the bundle's sessions.csv)")
    shared.records_table(summary["sessions"], SESSION_COLUMNS, key="session_risks", scroll=True)
    for flag in risk["course"]["home_use_flags"]:
        st.warning(flag)
    st.markdown(f"**published adverse-event rates** (summary.json `risk.published_rates`): "
                f"{risk['published_rates_apply']}")
    if risk["published_rates"]:
        shared.records_table(risk["published_rates"], ["event", "events", "patients", "rate", "rate_95ci", "course",
                                                       "source"], key="published_rates")
    for line in risk["no_data"]:
        st.caption(line)


def numbers(summary: dict) -> list[tuple[str, str, str]]:
    """(what, summary path, unit) of the numbers shown: the course, each product, the epidermis, each sun table."""
    rows = list(ROWS)
    for i, product in enumerate(summary["applications"]):
        rows += [(f"{product['product']}: {what}", f"applications[{i}].{key}", unit)
                 for what, key, unit in PRODUCT_ROWS]
    if summary["epidermis"]:
        rows += [(what, f"epidermis.{key}", unit) for what, key, unit in EPIDERMIS_ROWS]
    for i, _ in enumerate(summary["sun"]):
        rows += [(what, f"sun[{i}].{key}", unit) for what, key, unit in SUN_ROWS]
    return rows


def render() -> None:
    right, data, scenario, result = shared.page(
        "Treatment protocol", "A course over weeks or months — microneedle sessions, products on a schedule, sun "
        "through a sunscreen — from one of the example protocols: dermal collagen, the basal-layer peak of every "
        f"application, the epidermis and the risk of every session. The same `dermsim.simulate` as `{COMMAND}`.",
        lambda fields: scenario_data(inputs(fields)), "simulating the course")
    if result is None:
        return
    from dermsim.protocols.report import APPLICATION_COLUMNS

    summary = result.summary
    with right:
        shared.metrics(("dermal collagen at the end", f"{summary['collagen']['total_change_end_percent']:+.3g} %"),
                       ("bleeding points over the course",
                        f"{summary['risk']['course']['expected_bleeding_points']:.3g}"),
                       ("applications", str(sum(p["applications"] for p in summary["applications"]))))
        shared.answer(summary)
        charts(result)
        if summary["sessions"]:
            risk_tables(summary)
        rows = result.extras.get("applications") or []
        if rows:
            st.markdown("**basal-layer peak of every application** (the bundle's applications.csv)")
            shared.records_table(rows, APPLICATION_COLUMNS, key="application_peaks", scroll=True)
        if summary["actives"]:
            st.markdown("**what the products do once there** (summary.json `actives`)")
            shared.records_table(summary["actives"], ["product", "effect", "evidence"], key="actives")
        for line in summary["not_coupled"]:
            st.caption(f"not coupled yet: {line}")
        st.subheader("numbers (as in summary.json)")
        shared.numbers_table(summary, numbers(summary), key="numbers")
        shared.scenario_and_summary(scenario, result, f"protocol-{data['title']}", command=COMMAND)
