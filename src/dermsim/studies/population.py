"""Virtual populations: one permeation scenario over many subjects drawn from cited variability.

`run_population(scenario)` draws every subject's factors up front from the seed (`dermsim.studies.variability`),
cuts the subjects into batches and evaluates each batch with the batched exact solver
(`dermsim.studies.skin_batch`), in process or on Dask (`dermsim.studies.execution`); the same seed gives
bit-identical subjects and figures on every engine. It returns a `Result` of kind "population": per-subject
factors and figures (dimension ``subject``), their 5th/50th/95th percentiles and mean, time-course bands from
the first `BAND_SUBJECTS` subjects, and a resolution check: the reference subject (every factor 1) on the
population's mesh against the scenario's own (the population's mesh is the cheapest within ``mesh_tolerance`` of it,
`dermsim.studies.skin_batch.choose_mesh`, unless a resolution is given).
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np

from dermsim.errors import InputError
from dermsim.scenario.population import PopulationSpec
from dermsim.studies.skin_batch import FIGURES

PERCENTILES = (5.0, 50.0, 95.0)
#: Subjects whose whole time courses are kept for the percentile bands (independent draws: the first ones are a
#: random sample of the population).
BAND_SUBJECTS = 2000
#: Relative difference of a figure on the population's mesh from the scenario's above which a note says so.
RESOLUTION_NOTE = 0.02
#: Display unit and scale from kernel units of each factor's quantity.
FACTOR_UNITS = {"thickness": ("um", 1e4), "diffusivity": ("cm^2/h", 1.0), "clearance": ("1/h", 1.0)}


def _batch_task(payload: tuple) -> dict[str, np.ndarray]:
    """One batch on any engine: (light template, per-subject values, keep curves) → figures."""
    tpl, values, curves = payload
    size = len(next(iter(values.values()))) if values else 1
    return _evaluate(tpl, values, size, curves)


def _evaluate(tpl, values, size, curves, start=None):
    from dermsim.studies.skin_batch import evaluate
    from dermsim.transport.blas import single_threaded_blas

    return single_threaded_blas(evaluate)(tpl, values, size, curves, start)


def population_spec(scenario, subjects: int | None = None, seed: int | None = None,
                    resolution: float | None = None) -> PopulationSpec:
    """The scenario's ``[population]`` table (defaults if it has none) with the given values on top."""
    spec = getattr(scenario, "population", None) or PopulationSpec()
    update = {k: v for k, v in (("subjects", subjects), ("seed", seed), ("resolution", resolution)) if v is not None}
    try:
        return spec.model_copy(update=update)
    except InputError as exc:                       # one line naming the field of the [population] table
        raise exc.prefixed("population") from None


def run_population(scenario, *, subjects: int | None = None, seed: int | None = None,
                   resolution: float | None = None, engine: str = "auto", scheduler: str | None = None,
                   workers: int | None = None, progress: Callable[[float], None] | None = None):
    """Simulate a virtual population of ``scenario``'s skin (see the module docstring); returns a `Result`."""
    from dermsim.studies import execution
    from dermsim.studies.skin_batch import choose_mesh, template
    from dermsim.studies.variability import draw_factors, subject_values, variability

    spec = population_spec(scenario, subjects, seed, resolution)
    base = scenario.model_copy(update={"population": None})
    # refuses what does not batch, before drawing
    tpl, check = choose_mesh(base, spec.resolution, spec.mesh_tolerance, what="a population")
    spread = variability(spec.variability)
    factors = draw_factors(spec.subjects, spec.seed, spread)
    states, stratum = _strata(base, spec)
    templates = [tpl if state is None else template(base.model_copy(update={"skin": base.skin.model_copy(
        update={"hydration": state})}), tpl.resolution, what="a population", grading=tpl.model.grading)
                 for state in states]
    values = np.empty(spec.subjects, dtype=object)       # per subject: its stratum's values (filled below)
    payloads, rows = [], []
    for s, stratum_tpl in enumerate(templates):
        members = np.flatnonzero(stratum == s)
        mine = subject_values(stratum_tpl, {k: v[members] for k, v in factors.items()})
        for c in execution.batches(members.size):
            payloads.append((stratum_tpl.light(), {k: v[c] for k, v in mine.items()}, c.start == 0))
            rows.append(members[c])
        values[s] = mine
    kind = execution.choose_engine(engine, len(payloads), scheduler)
    parts = execution.run(_batch_task, payloads, engine=kind, scheduler=scheduler, workers=workers,
                          progress=progress)
    figures = {}
    for key in parts[0]:
        if key in ("time", "basal_curve", "systemic_curve"):
            continue
        figures[key] = np.empty(spec.subjects)
        for part, where in zip(parts, rows):
            figures[key][where] = part[key]
    subject_paths = {k for t in templates for k in subject_values(t, {p: np.ones(1) for p in factors})}
    per_subject = {}
    for path in sorted(subject_paths):
        column = np.full(spec.subjects, np.nan)
        for s in range(len(templates)):
            if path in values[s]:
                column[stratum == s] = values[s][path]
        per_subject[path] = column
    curves = [(where, part) for part, where in zip(parts, rows) if "basal_curve" in part or "systemic_curve" in part]
    order = np.argsort(np.concatenate([w for w, _ in curves]))[:BAND_SUBJECTS]
    bands = {k: np.concatenate([p[k] for _, p in curves])[order] for k in ("basal_curve", "systemic_curve")
             if k in curves[0][1]}
    hydration = np.array(states)[stratum] if spec.hydration else None
    return _result(scenario, spec, spread, tpl, factors, per_subject, figures, bands, check, kind, hydration)


def _strata(base, spec) -> tuple[list[str | None], np.ndarray]:
    """Hydration states and each subject's index into them: ``[None]`` and zeros without ``population.hydration``;
    else drawn from their own random stream of the seed (the factors are the same with or without the mix)."""
    if not spec.hydration:
        return [None], np.zeros(spec.subjects, dtype=int)
    states = [k for k, f in spec.hydration.items() if f > 0]
    edges = np.cumsum([spec.hydration[k] for k in states])
    u = np.random.default_rng([spec.seed, 1]).random(spec.subjects)
    return states, np.minimum(np.searchsorted(edges, u, side="right"), len(states) - 1)


def mesh_note(check: dict, what: str) -> str:
    """The mesh of a batch in words."""
    chosen = ("chosen as the cheapest within " f"{100 * check['tolerance']:g} % of the scenario's mesh"
              if check.get("tolerance") else "as given")
    return (f"each {what} on a mesh at resolution {check['resolution']:g}, grading {check['grading']:g} "
            f"({check['nodes']} cells; {chosen}): the reference {what} differs from the scenario's mesh "
            f"(resolution {check['scenario_resolution']:g}) by at most {100 * check['worst_relative_difference']:.2g} %")


def _stats(x: np.ndarray) -> dict:
    p = np.percentile(x, PERCENTILES)
    return {"p5": float(p[0]), "p50": float(p[1]), "p95": float(p[2]), "mean": float(np.mean(x))}


def _result(scenario, spec, spread, tpl, factors, values, figures, bands, check, engine, hydration=None):
    from dermsim import __version__
    from dermsim.results import DatasetContent, Result
    from dermsim.results.checks import check_figures

    check_figures(figures, 'subject')
    setup = tpl.setup
    stats = {k: _stats(v) for k, v in figures.items()}
    dose = None
    if spec.area is not None:
        dose = _stats(figures["systemic_ug_per_cm2"] * spec.area)
    notes = [mesh_note(check, "subject")]
    if check["worst_relative_difference"] > RESOLUTION_NOTE:
        notes.append(f"the population's mesh differs from the scenario's by up to "
                     f"{100 * check['worst_relative_difference']:.1f} % on the reference subject: raise "
                     "population.resolution (or leave it out) for closer figures")
    notes.append("age does not change the sampled layers (no age effect on epidermal thickness: Sandby-Møller "
                 "2003); dermal thinning with age is not parameterised")
    subject = np.arange(spec.subjects)
    data = {}
    for path, v in values.items():
        field = path.split(".")[1]
        unit, scale = FACTOR_UNITS[field]
        data[path.replace(".", "_")] = ("subject", v * scale, {"units": unit, "long_name": f"{path} of each subject"})
    for key, v in figures.items():
        data[key] = ("subject", v, {"units": _unit(key), "long_name": FIGURES[key]})
    if hydration is not None:
        data["hydration"] = ("subject", hydration, {"units": "", "long_name": "stratum corneum hydration of each subject"})
    coords = {"subject": ("subject", subject, {"units": "", "long_name": "subject index"})}
    if bands:
        coords["time"] = ("time", tpl.times, {"units": "h", "long_name": "time since application"})
        coords["percentile"] = ("percentile", np.array(PERCENTILES), {"units": "%"})
        for key, curve in bands.items():
            name = key.replace("_curve", "") + "_percentile_band"
            unit = "ug/cm^3" if key.startswith("basal") else "ug/cm^2"
            data[name] = (("percentile", "time"), np.percentile(curve, PERCENTILES, axis=0),
                          {"units": unit, "long_name": f"{key.replace('_curve', '')} percentiles over the first "
                                                       f"{curve.shape[0]} subjects"})
    summary = {
        "title": scenario.title,
        "dermsim_version": __version__,
        "compound": getattr(setup.compound, "name", None),
        "site": setup.skin.site,
        "dose": "infinite" if tpl.model.vehicle.infinite else "finite",
        "receptor": setup.receptor_kind,
        "duration_h": float(tpl.times[-1]),
        "subjects": spec.subjects,
        "seed": spec.seed,
        "engine": engine,
        "variability": {"cv": dict(spread.cv), "thickness_correlation": spread.thickness_correlation,
                        "sigma_ln": spread.sigma(), "sources": dict(spread.sources),
                        "hydration": dict(spec.hydration) if spec.hydration else {setup.skin.hydration: 1.0}},
        "figures": stats,
        "systemic_dose_ug": dose,
        "area_cm2": spec.area,
        "resolution_check": check,
        "notes": notes,
    }
    summary["answer"] = answer(summary)
    prov = {"dermsim_version": __version__, "scenario": scenario.model_dump(mode="json"),
            "internal_units": "cm, h, ug", "population": spec.model_dump(mode="json"),
            "variability_sources": dict(spread.sources)}
    attrs = {"title": scenario.title, "dermsim_version": __version__, "subjects": spec.subjects, "seed": spec.seed,
             "provenance": json.dumps(prov, default=str), "Conventions": "CF-1.10 (units attributes); provenance as JSON"}
    return Result("population", summary, content=DatasetContent(data, coords, attrs))


def _unit(key: str) -> str:
    for suffix, unit in (("_ug_per_cm2_per_h", "ug/cm^2/h"), ("_ug_per_cm2", "ug/cm^2"), ("_ug_per_cm3", "ug/cm^3"), ("_ug_h_per_cm3", "ug*h/cm^3"),
                         ("_percent", "%"), ("_h", "h")):
        if key.endswith(suffix):
            return unit
    return ""


def answer(s: dict) -> str:
    """Two sentences: the median and the 95th percentile of the basal layer and of the systemic amount."""
    f = s["figures"]
    parts = [f"Over {s['subjects']} virtual subjects ({s['site']}, {s['duration_h']:g} h)"]
    if "basal_cmax_ug_per_cm3" in f:
        b = f["basal_cmax_ug_per_cm3"]
        parts.append(f"the basal-layer peak concentration is {b['p50']:.3g} ug/cm^3 in the median subject and "
                     f"{b['p95']:.3g} ug/cm^3 at the 95th percentile (5th: {b['p5']:.3g})")
    sysm = f["systemic_ug_per_cm2"]
    text = ", ".join(parts) + f"; {sysm['p50']:.3g} ug/cm^2 reaches the {s['receptor']} (95th percentile " \
                              f"{sysm['p95']:.3g})"
    if "absorbed_percent" in f:
        text += f", {f['absorbed_percent']['p50']:.3g} % of the dose ({f['absorbed_percent']['p95']:.3g} % at the 95th)"
    if s["systemic_dose_ug"]:
        text += f"; systemic dose over {s['area_cm2']:g} cm^2: {s['systemic_dose_ug']['p50']:.3g} ug " \
                f"(95th percentile {s['systemic_dose_ug']['p95']:.3g} ug)"
    return text + "."
