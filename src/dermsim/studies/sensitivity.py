"""Global sensitivity of a scenario's figures to the fields it varies, with SALib.

* Sobol (default): Saltelli's sampling (`SALib.sample.sobol`), first-order and total indices with bootstrap
  95 % confidence intervals (`SALib.analyze.sobol`; Saltelli 2002 Comput Phys Commun 145:280; Saltelli et al.
  2010 Comput Phys Commun 181:259). N (k + 2) runs, N (2k + 2) with second-order indices.
* Morris screening (`--method morris`): elementary effects over r trajectories, μ* and σ with bootstrap
  intervals (Morris 1991 Technometrics 33:161; Campolongo et al. 2007 Environ Model Softw 22:1509), for many
  parameters at r (k + 1) runs.

Without ``--vary``, the parameters are the population's cited variability (`dermsim.studies.variability`):
each layer's thickness, the stratum corneum diffusivity and (in vivo) the dermal clearance, as lognormal
factors of mean 1 (truncated at the 0.1th and 99.9th percentiles) — the indices then say which person-to-person difference drives the spread. With
``--vary PATH=LO..HI[:log]`` the parameters are uniform (or log-uniform) over the ranges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dermsim.errors import InputError
from dermsim.studies.skin_batch import FIGURES

METHODS = ("sobol", "morris")
#: Figures whose indices are computed (those the run has).
#: Probability left out at each tail of a lognormal factor (its unit-cube ends would be infinite).
TAIL = 0.001
OUTPUTS = ("systemic_ug_per_cm2", "basal_cmax_ug_per_cm3", "basal_auc_ug_h_per_cm3", "absorbed_percent")


@dataclass(frozen=True)
class Parameter:
    """One parameter of the study: its path, how it is drawn ("uniform", "loguniform" over [low, high] in
    ``unit``, or "lognormal factor" of mean 1 with σ = ``high`` on the template's value), and whether it is a model
    field (batched) or a scenario field (rebuilt)."""

    path: str
    dist: str
    low: float
    high: float
    unit: str
    model_field: bool


def _parameters(tpl, vary: list[str]) -> list[Parameter]:
    from dermsim.studies.design import parse_vary
    from dermsim.studies.points import split_fields
    from dermsim.studies.variability import FACTORS, subject_values, variability

    if not vary:
        sigma = variability().sigma()
        present = subject_values(tpl, {p: np.ones(1) for p in FACTORS})
        return [Parameter(p, "lognormal factor", 0.0, sigma[p], "", True) for p in FACTORS if p in present
                and sigma[p] > 0]
    out = []
    for spec in vary:
        f = parse_vary(spec)
        if f.low is None or f.values is not None:
            raise InputError("--vary", spec, "a range PATH=LO..HI (or LO..HI:log) for a sensitivity study")
        model, _ = split_fields(tpl, [f.path])
        out.append(Parameter(f.path, "loguniform" if f.log else "uniform", f.low, f.high, f.unit, bool(model)))
    if len({p.path for p in out}) != len(out):
        raise InputError("--vary", [p.path for p in out], "each path once")
    return out


def _problem(params: list[Parameter]) -> dict:
    """SALib's problem: uniform on [0, 1] per parameter (mapped to each distribution by `_values`)."""
    return {"num_vars": len(params), "names": [p.path for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def _values(tpl, p: Parameter, u: np.ndarray) -> np.ndarray | list[str]:
    """A parameter's values at unit-cube coordinates ``u``: kernel units for model fields, text for the others."""
    from scipy.stats import norm

    from dermsim.studies.points import kernel_values

    if p.dist == "lognormal factor":        # truncated at its 0.1th and 99.9th percentiles (Morris uses u = 0 and 1)
        z = norm.ppf(TAIL + (1 - 2 * TAIL) * u)
        return tpl.base_value(p.path) * np.exp(p.high * z - 0.5 * p.high ** 2)
    x = np.exp(np.log(p.low) + u * np.log(p.high / p.low)) if p.dist == "loguniform" else p.low + u * (p.high - p.low)
    if not p.model_field:
        return [f"{v:.10g} {p.unit}".strip() for v in x]
    return x * kernel_values(tpl, p.path, [f"1 {p.unit}".strip()])[0]


def run_sensitivity(scenario, vary: list[str] | None = None, *, method: str = "sobol", samples: int = 1024,
                    second_order: bool = False, seed: int = 0, resolution: float | None = None,
                    engine: str = "auto", scheduler: str | None = None, workers: int | None = None,
                    progress: Callable[[float], None] | None = None):
    """Sobol or Morris indices of ``scenario``'s figures (see the module docstring); returns a `Result`.
    ``samples``: Sobol's base sample N (a power of 2) or Morris's trajectories r."""
    from dermsim.studies.points import evaluate_points
    from dermsim.studies.skin_batch import choose_mesh

    if method not in METHODS:
        raise InputError("--method", method, " | ".join(METHODS), choices=METHODS)
    if method == "sobol" and (samples < 16 or samples & (samples - 1)):
        raise InputError("--samples", samples, "a power of 2, at least 16, for Sobol's sequence")
    if method == "morris" and not 2 <= samples <= 10_000:
        raise InputError("--samples", samples, "2 to 10000 Morris trajectories")
    base = scenario.model_copy(update={"population": None})
    if resolution is None and scenario.population is not None:
        resolution = scenario.population.resolution
    tpl, _ = choose_mesh(base, resolution, what="a sensitivity study")
    params = _parameters(tpl, list(vary or []))
    if len(params) < 2:
        raise InputError("--vary", vary, "at least two parameters")
    problem = _problem(params)
    if method == "sobol":
        from SALib.sample import sobol as sampler

        u = sampler.sample(problem, samples, calc_second_order=second_order, seed=seed)
    else:
        from SALib.sample import morris as sampler

        u = sampler.sample(problem, samples, num_levels=4, seed=seed)
    model_values = {p.path: _values(tpl, p, u[:, j]) for j, p in enumerate(params) if p.model_field}
    rebuilt = [p for p in params if not p.model_field]
    points = ([{p.path: _values(tpl, p, u[:, j][i:i + 1])[0] for j, p in enumerate(params) if not p.model_field}
               for i in range(u.shape[0])] if rebuilt else [])
    figures, kind, mesh = evaluate_points(base, points, resolution=resolution, engine=engine, scheduler=scheduler,
                                          workers=workers, progress=progress, what="a sensitivity study",
                                          model_values=model_values)
    indices = _analyse(method, problem, u, figures, second_order, seed)
    return _result(scenario, params, method, samples, second_order, seed, mesh, u, figures, indices, kind)


def _analyse(method, problem, u, figures, second_order, seed) -> dict:
    """Indices per output figure: Sobol S1, ST (and S2) with 95 % bootstrap half-widths, or Morris μ*, σ."""
    out = {}
    for key in OUTPUTS:
        if key not in figures:
            continue
        y = np.asarray(figures[key], dtype=float)
        if np.ptp(y) == 0:
            out[key] = None
            continue
        rows = {}
        if method == "sobol":
            from SALib.analyze import sobol

            r = sobol.analyze(problem, y, calc_second_order=second_order, conf_level=0.95, seed=seed)
            for j, name in enumerate(problem["names"]):
                rows[name] = {"first": float(r["S1"][j]), "first_conf": float(r["S1_conf"][j]),
                              "total": float(r["ST"][j]), "total_conf": float(r["ST_conf"][j])}
        else:
            from SALib.analyze import morris

            r = morris.analyze(problem, u, y, conf_level=0.95, num_levels=4, seed=seed)
            for j, name in enumerate(problem["names"]):
                rows[name] = {"mu_star": float(r["mu_star"][j]), "mu_star_conf": float(r["mu_star_conf"][j]),
                              "sigma": float(r["sigma"][j])}
        out[key] = rows
    return out


def _result(scenario, params, method, samples, second_order, seed, mesh, u, figures, indices, engine):
    from dermsim import __version__
    from dermsim.results import DatasetContent, Result
    from dermsim.results.checks import check_figures
    from dermsim.studies.population import _unit, mesh_note

    check_figures(figures, "run")
    names = [p.path for p in params]
    data = {"unit_sample": (("run", "parameter"), u, {"units": "", "long_name": "design in the unit cube"})}
    for key, v in figures.items():
        data[key] = ("run", v, {"units": _unit(key), "long_name": FIGURES[key]})
    columns = ("first", "first_conf", "total", "total_conf") if method == "sobol" else ("mu_star", "mu_star_conf",
                                                                                      "sigma")
    for key, rows in indices.items():
        if rows is None:
            continue
        for c in columns:
            data[f"{c}_{key}"] = ("parameter", np.array([rows[n][c] for n in names]),
                                  {"units": "" if method == "sobol" else _unit(key),
                                   "long_name": f"{c.replace('_', ' ')} index of {key}"})
    coords = {"run": ("run", np.arange(u.shape[0]), {"units": ""}),
              "parameter": ("parameter", np.array(names), {"units": ""})}
    summary = {
        "title": scenario.title, "dermsim_version": __version__, "method": method, "samples": samples,
        "second_order": second_order if method == "sobol" else None, "runs": int(u.shape[0]), "seed": seed,
        "engine": engine, "resolution": mesh["resolution"], "resolution_check": mesh,
        "parameters": [{"path": p.path, "distribution": p.dist, "low": p.low if p.dist != "lognormal factor" else None,
                        "high": p.high if p.dist != "lognormal factor" else None,
                        "sigma_ln": p.high if p.dist == "lognormal factor" else None, "unit": p.unit}
                       for p in params],
        "indices": indices,
        "notes": [mesh_note(mesh, "run")],
    }
    summary["answer"] = _answer(summary)
    prov = {"dermsim_version": __version__, "scenario": scenario.model_dump(mode="json"), "internal_units": "cm, h, ug",
            "method": method, "citations": ["Saltelli 2002 Comput Phys Commun 145:280",
                                            "Saltelli et al. 2010 Comput Phys Commun 181:259",
                                            "Morris 1991 Technometrics 33:161", "Herman & Usher 2017 JOSS 2:97 (SALib)"]}
    attrs = {"title": scenario.title, "dermsim_version": __version__, "method": method,
             "provenance": json.dumps(prov, default=str), "Conventions": "CF-1.10 (units attributes); provenance as JSON"}
    return Result("sensitivity", summary, content=DatasetContent(data, coords, attrs))


def _answer(s: dict) -> str:
    key = next((k for k in ("basal_cmax_ug_per_cm3", "systemic_ug_per_cm2") if s["indices"].get(k)), None)
    if key is None:
        return f"{s['runs']} runs: the figures do not change over the parameters' ranges."
    rows = s["indices"][key]
    measure = "total" if s["method"] == "sobol" else "mu_star"
    order = sorted(rows, key=lambda n: -rows[n][measure])
    top = order[0]
    if s["method"] == "sobol":
        r = rows[top]
        return (f"{FIGURES[key].capitalize()} depends most on {top}: total Sobol index {r['total']:.2f} ± "
                f"{r['total_conf']:.2f} (first order {r['first']:.2f} ± {r['first_conf']:.2f}), then "
                f"{', '.join(order[1:3])}; {s['runs']} runs.")
    return (f"{FIGURES[key].capitalize()}: largest Morris effect from {top} (μ* {rows[top]['mu_star']:.3g}), then "
            f"{', '.join(order[1:3])}; {s['runs']} runs.")
