"""Many skins page: one permeation scenario over a virtual population, a sweep of the fields it varies, or a
global sensitivity study — `dermsim population`, `dermsim sweep` and `dermsim sensitivity` on a page.

The inputs are a permeation scenario (an infinite dose: the studies batch the exact solver) with, for a
population, its ``[population]`` table; the fields a sweep or a sensitivity study varies are typed as the CLI's
``--vary`` specifications. Every study runs with ``engine="serial"``: in the page's server process, one batch after
another, never on a Dask cluster started by a web request. The functions are those of `dermsim.studies`, so the
numbers are those of the CLI's summary.json for the command the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from dermsim.web import shared

#: Study -> how the page names it.
STUDIES = {"population": "a virtual population", "sweep": "a sweep", "sensitivity": "a sensitivity study"}
#: Engine of every study on the page: this process (`dermsim.studies.execution`).
ENGINE = "serial"
#: Most subjects of a population and points of a sweep on the page (~5 s in the server's process; more with the CLI).
MAX_SUBJECTS = 20_000
MAX_POINTS = 20_000
SENSITIVITY_PARAMETERS = {"variability": "the population's variability (cited spreads)", "ranges": "ranges I type"}
#: Index columns of each sensitivity method, as summary.json names them.
INDEX_COLUMNS = {"sobol": ["first", "first_conf", "total", "total_conf"],
                 "morris": ["mu_star", "mu_star_conf", "sigma"]}

#: The inputs as the page opens (the scenario of ``examples/population_caffeine_forearm.toml`` with 2000 subjects
#: and seed 0); widget key -> value.
DEFAULTS = {"compound_source": "library", "compound": "caffeine", "smiles": shared.DEFAULT_SMILES, "site": "forearm",
            "concentration": "1 %", "duration": "24 h", "study": "population", "subjects": "2000", "seed": "0",
            "area": "100 cm^2", "vary_1": "formulation.concentration=1%..10%:5", "vary_2": "",
            "parameters": "variability", "ranges": "stratum_corneum.thickness=10..30 um\n"
                                                  "stratum_corneum.diffusivity=1e-6..1e-5 cm^2/h:log\n"
                                                  "dermis.clearance=0.1..1 1/h",
            "method": "sobol", "sobol_samples": "256", "morris_samples": "50"}


@dataclass(frozen=True)
class Study:
    """A study of many skins of the page's scenario: ``kind`` (population | sweep | sensitivity), the ``--vary``
    specifications, and for a sensitivity study its method and samples (as typed). `command` is the CLI line that
    gives the same result; it is also the study's part of the cache key."""

    kind: str
    vary: tuple[str, ...] = ()
    method: str = "sobol"
    samples: str = ""

    @property
    def command(self) -> str:
        parts = [f"dermsim {self.kind} scenario.toml"] + [f"--vary '{v}'" for v in self.vary]
        if self.kind == "sensitivity":
            parts += [f"--method {self.method}", f"--samples {self.samples.strip()}"]
        return " ".join(parts + [f"--engine {ENGINE}"])

    @property
    def key(self) -> str:
        return self.command

    def run(self, scenario, progress=None):
        """The study's `dermsim.studies` function on ``scenario``, serially; the page's limits first."""
        from dermsim.errors import InputError

        if self.kind == "population":
            from dermsim.studies.population import run_population

            if scenario.population.subjects > MAX_SUBJECTS:
                raise InputError("population.subjects", scenario.population.subjects,
                                 f"a number from 1 to {MAX_SUBJECTS} on this page (more: `dermsim population`)")
            return run_population(scenario, engine=ENGINE, progress=progress)
        if self.kind == "sweep":
            from dermsim.studies.design import parse_vary
            from dermsim.studies.sweep import run_sweep

            factors = [parse_vary(v) for v in self.vary]
            points = 1
            for f in factors:
                points *= len(f.values or ())
            if points > MAX_POINTS:
                raise InputError("--vary", f"{points} points", f"at most {MAX_POINTS} points on this page "
                                 "(more: `dermsim sweep`)")
            return run_sweep(scenario, list(self.vary), engine=ENGINE, progress=progress)
        from dermsim.studies.sensitivity import run_sensitivity

        if not re.fullmatch(r"\s*\d+\s*", self.samples):
            raise InputError("--samples", self.samples, "a whole number")
        return run_sensitivity(scenario, list(self.vary) or None, method=self.method, samples=int(self.samples),
                               engine=ENGINE, progress=progress)


def _whole(text: str):
    """A typed whole number as a number (so the scenario and its errors read as in a TOML file), else the text."""
    return int(text) if re.fullmatch(r"\s*[-+]?\d+\s*", text) else text.strip()


def scenario_data(values: dict) -> dict:
    """The scenario data of the page's inputs: a permeation scenario (with a ``[population]`` table for a
    population), as `dermsim population SCENARIO.toml` reads it."""
    compound, table = shared.compound_of(values)
    data = {"title": f"{compound} {values['concentration']} on {values['site']}: {STUDIES[values['study']]}",
            "compound": table, "skin": {"site": values["site"]},
            "formulation": {"concentration": values["concentration"]}, "simulation": {"duration": values["duration"]}}
    if values["study"] == "population":
        data["population"] = {"subjects": _whole(values["subjects"]), "seed": _whole(values["seed"])}
        if values["area"].strip():
            data["population"]["area"] = values["area"].strip()
    return data


def study(values: dict) -> Study:
    """The study of the page's inputs."""
    if values["study"] == "population":
        return Study("population")
    if values["study"] == "sweep":
        return Study("sweep", tuple(v.strip() for v in (values["vary_1"], values["vary_2"]) if v.strip()))
    ranges = values["ranges"].splitlines() if values["parameters"] == "ranges" else []
    return Study("sensitivity", tuple(v.strip() for v in ranges if v.strip()), values["method"],
                 values[f"{values['method']}_samples"])


def inputs(fields: shared.Fields) -> dict:
    """The input widgets; returns their values (widget key -> value)."""
    d = DEFAULTS
    values = shared.compound_input(fields, d["compound"], d["smiles"])
    values["site"] = shared.site_input(fields, d["site"])
    values["concentration"] = shared.text_field(fields, "concentration (an infinite dose)", d["concentration"],
                                                "concentration", "formulation", help=shared.CONCENTRATION_HELP)
    values["duration"] = shared.text_field(fields, "duration", d["duration"], "duration", "simulation")
    values["study"] = st.radio("many skins as", list(STUDIES), format_func=STUDIES.get, horizontal=True,
                               key="study")
    if values["study"] == "population":
        values["subjects"] = shared.text_field(fields, f"subjects (1 to {MAX_SUBJECTS} here)", d["subjects"],
                                               "subjects", "population.subjects")
        values["seed"] = shared.text_field(fields, "seed", d["seed"], "seed", "population.seed",
                                           help="the same seed gives the same subjects")
        values["area"] = shared.text_field(fields, "exposed area (empty: no systemic dose)", d["area"], "area",
                                           "population", help="for the systemic dose in µg, e.g. '100 cm^2'")
    elif values["study"] == "sweep":
        help_ = ("PATH=LO..HI:N[:log] or PATH=A,B,C, as `--vary`: a scenario field (formulation.concentration, "
                 "skin.site, simulation.duration) or a layer's (stratum_corneum.thickness, dermis.clearance, ...)")
        values["vary_1"] = st.text_input("vary", d["vary_1"], key="vary_1", help=help_)
        values["vary_2"] = st.text_input("and vary (empty: one field)", d["vary_2"], key="vary_2", help=help_)
        fields.slot("--vary", "--design", "--samples")
    else:
        values["parameters"] = st.radio("parameters", list(SENSITIVITY_PARAMETERS), key="parameters",
                                        format_func=SENSITIVITY_PARAMETERS.get)
        values["ranges"] = d["ranges"]
        if values["parameters"] == "ranges":
            values["ranges"] = st.text_area("ranges, one `--vary` per line: PATH=LO..HI[:log]", d["ranges"],
                                            key="ranges")
        fields.slot("--vary")
        values["method"] = st.radio("method", list(INDEX_COLUMNS), horizontal=True, key="method")
        method = values["method"]
        values[f"{method}_samples"] = st.text_input(
            "samples" + (" (Sobol's base N, a power of 2)" if method == "sobol" else " (Morris trajectories)"),
            d[f"{method}_samples"], key=f"{method}_samples")
        fields.slot("--samples", "--method")
    return values


# --------------------------------------------------------------------------------------------------------------
# charts (from the result's arrays; the bundle's plots are those of `dermsim.studies.plots`)

def distribution_chart(result, key: str, title: str) -> None:
    """Histogram of a figure over the subjects (log bins of its positive values), with the summary's 5th, 50th
    and 95th percentiles."""
    import altair as alt
    import numpy as np
    import pandas as pd

    x = np.asarray(result.values(key), dtype=float)
    x = x[x > 0]
    if x.size == 0:
        st.caption("none reached")
        return
    lo, hi = np.log10(x.min()), np.log10(x.max())
    edges = np.logspace(lo, hi if hi > lo else lo + 1e-6, 41)
    counts, _ = np.histogram(x, edges)
    bars = alt.Chart(pd.DataFrame({"from": edges[:-1], "to": edges[1:], "subjects": counts}), title=title,
                     height=260).mark_rect(color="#8fb3d9").encode(
        x=alt.X("from:Q", title=title, scale=alt.Scale(type="log")), x2="to:Q", y=alt.Y("subjects:Q"),
        y2=alt.datum(0), tooltip=["from", "to", "subjects"])
    stats = result.summary["figures"][key]
    marks = pd.DataFrame({"value": [stats["p5"], stats["p50"], stats["p95"]],
                          "percentile": ["5th", "50th", "95th"]})
    rules = alt.Chart(marks).mark_rule(color="black").encode(
        x="value:Q", strokeDash=alt.StrokeDash("percentile:N", sort=None, title=None), tooltip=["percentile", "value"])
    st.altair_chart(bars + rules, width="stretch")


def band_chart(result, name: str, title: str, unit: str) -> None:
    """Median and 5th–95th percentile band over time."""
    import altair as alt
    import pandas as pd

    p = result.values(name)
    frame = pd.DataFrame({"time (h)": result.values("time"), "p5": p[0], "p50": p[1], "p95": p[2]})
    band = alt.Chart(frame, title=title, height=260).mark_area(opacity=0.35, color="#6baed6").encode(
        x=alt.X("time (h):Q"), y=alt.Y("p5:Q", title=unit), y2="p95:Q")
    median = alt.Chart(frame).mark_line(color="#08519c").encode(x="time (h):Q", y="p50:Q",
                                                                tooltip=["time (h)", "p5", "p50", "p95"])
    st.altair_chart(band + median, width="stretch")


def population_charts(result) -> None:
    from dermsim.studies.plots import DISTRIBUTIONS

    shown = {k: v for k, v in DISTRIBUTIONS.items() if k in result}
    tabs = st.tabs([f"distribution: {v.split(' (')[0]}" for v in shown.values()] + ["percentile bands"])
    for tab, (key, title) in zip(tabs, shown.items()):
        with tab:
            distribution_chart(result, key, title)
    with tabs[-1]:
        st.caption(f"over the first {min(result.summary['subjects'], 2000)} subjects")
        if "basal_percentile_band" in result:
            band_chart(result, "basal_percentile_band", "basal-layer concentration", "µg/cm³")
        if "systemic_percentile_band" in result:
            band_chart(result, "systemic_percentile_band", "amount into the receptor or blood", "µg/cm²")


def sweep_chart(result) -> None:
    """Each figure against the first varied field (one line per value of the second)."""
    import numpy as np
    import pandas as pd

    from dermsim.studies.plots import DISTRIBUTIONS, _leading_number

    s = result.summary
    paths = [v["path"] for v in s["varied"]]
    labels = [str(t) for t in result.values(paths[0].replace(".", "_"))]
    numbers = np.array([_leading_number(t) for t in labels])
    numeric = not np.isnan(numbers).any()
    unit = re.sub(r"^\s*[-+0-9.eE]+\s*", "", labels[0]) if numeric else ""
    x = paths[0].replace(".", " ")
    frame = pd.DataFrame({x: numbers if numeric else labels})
    colour = None
    if len(paths) > 1:
        colour = paths[1].replace(".", " ")
        frame[colour] = [str(t) for t in result.values(paths[1].replace(".", "_"))]
    keys = [k for k in ("basal_cmax_ug_per_cm3", "systemic_ug_per_cm2", "basal_auc_ug_h_per_cm3", "absorbed_percent")
            if k in s["range"]]
    for tab, key in zip(st.tabs([DISTRIBUTIONS[k].split(" (")[0] for k in keys]), keys):
        with tab:
            frame[key] = result.values(key)
            shared.line_chart(frame, x, key, colour, title=DISTRIBUTIONS[key], x_title=f"{paths[0]} ({unit})"
                              if unit else paths[0], y_title=DISTRIBUTIONS[key])


def sensitivity_chart(result) -> None:
    """Bars of the indices of each figure: Sobol first order and total with 95 % intervals, or Morris μ*."""
    import altair as alt
    import pandas as pd

    from dermsim.studies.plots import DISTRIBUTIONS

    s = result.summary
    names = [p["path"] for p in s["parameters"]]
    shown = [k for k, v in s["indices"].items() if v]
    measures = {"first": "first order", "total": "total"} if s["method"] == "sobol" else {"mu_star": "μ*"}
    for tab, key in zip(st.tabs([DISTRIBUTIONS.get(k, k).split(" (")[0] for k in shown]), shown):
        rows = s["indices"][key]
        frame = pd.DataFrame([{"parameter": n, "index": label, "value": rows[n][m],
                               "low": rows[n][m] - rows[n][f"{m}_conf"], "high": rows[n][m] + rows[n][f"{m}_conf"]}
                              for m, label in measures.items() for n in names])
        y = alt.Y("parameter:N", sort=names, title=None)
        bars = alt.Chart(frame, height=40 * len(names) + 40).mark_bar().encode(
            y=y, yOffset="index:N", x=alt.X("value:Q", title="index"), color=alt.Color("index:N", title=None),
            tooltip=["parameter", "index", "value", "low", "high"])
        whiskers = alt.Chart(frame).mark_rule(color="black").encode(y=y, yOffset="index:N", x="low:Q", x2="high:Q")
        with tab:
            st.altair_chart(bars + whiskers, width="stretch")


# --------------------------------------------------------------------------------------------------------------
# numbers

#: Short names of the figures of many skins (`dermsim.studies.skin_batch.FIGURES` says them in full).
FIGURE_NAMES = {"systemic_ug_per_cm2": "systemic amount", "absorbed_percent": "absorbed",
                "basal_cmax_ug_per_cm3": "basal layer Cmax", "basal_tmax_h": "basal layer tmax",
                "basal_auc_ug_h_per_cm3": "basal layer AUC", "basal_end_ug_per_cm3": "basal layer at the end",
                "in_skin_end_ug_per_cm2": "in skin at the end", "flux_end_ug_per_cm2_per_h": "flux at the end"}


def figure_rows(summary: dict, under: str) -> list[tuple[str, str, str]]:
    """(what, summary path, unit) of every figure under ``under`` (figures, range, resolution_check.figures)."""
    from dermsim.studies.population import _unit

    return [(FIGURE_NAMES.get(k, k), f"{under}.{k}", _unit(k)) for k in shared.dig(summary, under)]


def population_numbers(summary: dict) -> None:
    rows = figure_rows(summary, "figures")
    if summary["systemic_dose_ug"] is not None:
        rows.append((f"systemic dose ({summary['area_cm2']:g} cm²)", "systemic_dose_ug", "ug"))
    st.subheader("percentiles over the subjects (as in summary.json)")
    shared.numbers_grid(summary, rows, ["p5", "p50", "p95", "mean"], key="percentiles")
    st.subheader("resolution check: the reference subject at the scenario's mesh and the population's")
    shared.numbers_grid(summary, figure_rows(summary, "resolution_check.figures"),
                        ["scenario_mesh", "batch_mesh", "relative_difference"], key="resolution")
    shared.numbers_table(summary, [("subjects", "subjects", ""), ("seed", "seed", ""),
                                   ("duration", "duration_h", "h"), ("exposed area", "area_cm2", "cm²"),
                                   ("scenario's mesh resolution", "resolution_check.scenario_resolution", ""),
                                   ("population's mesh resolution", "resolution_check.resolution", "")],
                         key="numbers")


def sweep_numbers(summary: dict) -> None:
    import pandas as pd

    st.subheader("points (summary.json `table`)")
    with st.container(key="points"):
        st.dataframe(pd.DataFrame(summary["table"]), hide_index=True)
    st.subheader("range over the points (as in summary.json)")
    shared.numbers_grid(summary, figure_rows(summary, "range"), ["min", "max"], key="range")
    shared.numbers_table(summary, [("points", "points", ""), ("mesh resolution", "resolution", "")], key="numbers")


def sensitivity_numbers(summary: dict) -> None:
    st.subheader("indices (as in summary.json)")
    from dermsim.studies.plots import DISTRIBUTIONS

    for i, (key, rows) in enumerate(summary["indices"].items()):
        st.markdown(f"**{DISTRIBUTIONS.get(key, key)}**")
        if not rows:
            st.caption("does not change over the parameters (no indices)")
            continue
        shared.numbers_grid(summary, [(name, ("indices", key, name), "") for name in rows],
                            INDEX_COLUMNS[summary["method"]], key=f"indices_{i}")
    shared.numbers_table(summary, [("runs", "runs", ""), ("samples", "samples", ""), ("seed", "seed", ""),
                                   ("mesh resolution", "resolution", "")], key="numbers")


def render() -> None:
    chosen: dict[str, Study] = {}

    def draw(fields):
        values = inputs(fields)
        chosen["study"] = study(values)
        return scenario_data(values), chosen["study"]

    right, data, scenario, result = shared.page(
        "Many skins", "One scenario over many skins with the batched exact solver: a virtual population "
        "(`dermsim population`), a sweep (`dermsim sweep`) or a sensitivity study (`dermsim sensitivity`). Here "
        f"every study runs with engine = \"{ENGINE}\": in this server's own process, one batch after another; a web "
        "request never starts a Dask cluster (the CLI does, with --engine auto or dask).", draw,
        "simulating many skins")
    if result is None:
        return
    summary = result.summary
    run = chosen["study"]
    with right:
        shared.answer(summary)
        st.caption(f"engine: {summary['engine']} (summary.json `engine`) · the same result: `{run.command}`")
        if result.kind == "population":
            population_charts(result)
            population_numbers(summary)
        elif result.kind == "sweep":
            sweep_chart(result)
            sweep_numbers(summary)
        else:
            sensitivity_chart(result)
            sensitivity_numbers(summary)
        shared.scenario_and_summary(scenario, result, f"{result.kind}-{data['title']}", command=run.command)
