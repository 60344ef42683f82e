"""Sweeps: one scenario over a grid or a Latin hypercube of the fields it varies (`dermsim.studies.design`),
every point evaluated by `dermsim.studies.points`. Returns a `Result` of kind "sweep": the design and the
figures of every point (dimension ``point``), written also as table.csv."""

from __future__ import annotations

import json
from typing import Callable

import numpy as np

from dermsim.errors import InputError
from dermsim.studies.skin_batch import FIGURES

#: Points listed in summary.json (all of them are in result.nc and table.csv).
SUMMARY_POINTS = 200
DESIGNS = ("grid", "lhs")


def run_sweep(scenario, vary: list[str], *, design: str = "grid", samples: int | None = None, seed: int = 0,
              resolution: float | None = None, engine: str = "auto", scheduler: str | None = None,
              workers: int | None = None, progress: Callable[[float], None] | None = None):
    """Sweep ``scenario`` over the ``vary`` specifications (`dermsim.studies.design.parse_vary`)."""
    from dermsim.studies.design import grid, latin_hypercube, parse_vary
    from dermsim.studies.points import evaluate_points

    if not vary:
        raise InputError("--vary", None, "at least one PATH=VALUES, e.g. 'formulation.concentration=1%..10%:10'")
    if design not in DESIGNS:
        raise InputError("--design", design, " | ".join(DESIGNS), choices=DESIGNS)
    factors = [parse_vary(v) for v in vary]
    paths = [f.path for f in factors]
    if len(set(paths)) != len(paths):
        raise InputError("--vary", paths, "each path once")
    if design == "grid":
        if samples is not None:
            raise InputError("--samples", samples, "only with --design lhs (a grid has the points of its lists)")
        points = grid(factors)
    else:
        points = latin_hypercube(factors, samples if samples is not None else 100, seed)
    figures, kind, mesh = evaluate_points(scenario, points, resolution=resolution, engine=engine,
                                          scheduler=scheduler, workers=workers, progress=progress, what="a sweep")
    return _result(scenario, factors, design, seed, points, figures, kind, mesh)


def _result(scenario, factors, design, seed, points, figures, engine, mesh):
    from dermsim import __version__
    from dermsim.results import DatasetContent, Result
    from dermsim.results.checks import check_figures
    from dermsim.studies.population import _unit, mesh_note

    check_figures(figures, "point")
    n = len(points)
    data = {}
    for f in factors:
        labels = np.array([p[f.path] for p in points])
        data[f.path.replace(".", "_")] = ("point", labels, {"units": "", "long_name": f"{f.path} at each point "
                                                                                       "(as given, with its unit)"})
    for key, v in figures.items():
        data[key] = ("point", v, {"units": _unit(key), "long_name": FIGURES[key]})
    coords = {"point": ("point", np.arange(n), {"units": "", "long_name": "design point"})}
    listed = [p | {k: float(v[i]) for k, v in figures.items()} for i, p in enumerate(points[:SUMMARY_POINTS])]
    summary = {
        "title": scenario.title, "dermsim_version": __version__,
        "design": design, "seed": seed if design == "lhs" else None, "points": n, "engine": engine,
        "resolution": mesh["resolution"], "resolution_check": mesh,
        "varied": [{"path": f.path, "values": list(f.values) if f.values and design == "grid" else None,
                    "low": f.label(f.low) if f.low is not None else None,
                    "high": f.label(f.high) if f.high is not None else None, "log": f.log} for f in factors],
        "range": {k: {"min": float(np.min(v)), "max": float(np.max(v))} for k, v in figures.items()},
        "table": listed, "table_complete": n <= SUMMARY_POINTS,
        "notes": [mesh_note(mesh, "point")] + ([] if n <= SUMMARY_POINTS else [
            f"summary.json lists the first {SUMMARY_POINTS} of {n} points; result.nc and table.csv hold them all"]),
    }
    summary["answer"] = _answer(summary, figures)
    prov = {"dermsim_version": __version__, "scenario": scenario.model_dump(mode="json"),
            "internal_units": "cm, h, ug", "design": summary["varied"], "design_kind": design, "seed": seed}
    attrs = {"title": scenario.title, "dermsim_version": __version__, "design": design,
             "provenance": json.dumps(prov, default=str), "Conventions": "CF-1.10 (units attributes); provenance as JSON"}
    return Result("sweep", summary, content=DatasetContent(data, coords, attrs))


def _answer(s: dict, figures: dict) -> str:
    key = "basal_cmax_ug_per_cm3" if "basal_cmax_ug_per_cm3" in figures else "systemic_ug_per_cm2"
    r = s["range"][key]
    what = ", ".join(v["path"] for v in s["varied"])
    return (f"{s['points']} points varying {what} ({s['design']}): {FIGURES[key]} from {r['min']:.3g} to "
            f"{r['max']:.3g}; amount reaching the receptor or blood from {s['range']['systemic_ug_per_cm2']['min']:.3g}"
            f" to {s['range']['systemic_ug_per_cm2']['max']:.3g} ug/cm^2.")
