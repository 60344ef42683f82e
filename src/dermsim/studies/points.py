"""The figures of many design points of one scenario, on any engine.

A point sets some fields. Model fields (a region's ``thickness``, ``diffusivity``, ``partition``,
``clearance``) are batched directly (`dermsim.studies.skin_batch`, ~0.1–0.3 ms a point). Scenario fields
(``formulation.concentration``, ``skin.site``, …) rebuild the scenario of each point
(`dermsim.scenario.edit.replace`, then `dermsim.permeation.setup.build`, ~9 ms a point), and the points whose
meshes share one shape are then solved as one batch. Points are cut into batches before they are sent
(`dermsim.studies.execution`), so every engine computes the same numbers.
"""

from __future__ import annotations

import tomllib
from typing import Callable

import numpy as np

from dermsim.errors import InputError

#: Layer names a model may have (a path starting with one is a model field, never a scenario field).
LAYER_NAMES = ("stratum_corneum", "viable_epidermis", "basal_layer", "dermis", "membrane")
#: Points per task when every point rebuilds its scenario (~1 s of work per task).
REBUILT_BATCH = 100


def split_fields(tpl, paths) -> tuple[list[str], list[str]]:
    """(model fields, scenario fields) among ``paths``: a path whose first part is one of the model's regions is a
    model field (checked by `resolve_field`), any other a scenario field (checked when the point is built)."""
    from dermsim.studies.skin_batch import resolve_field

    model, scenario = [], []
    for path in paths:
        region = path.split(".")[0]
        if region in LAYER_NAMES and region not in tpl.region_names:
            raise InputError(path, None, "a layer of this skin: " + ", ".join(tpl.region_names),
                             problem=f"this skin has no {region} layer")
        if region in tpl.region_names:
            resolve_field(tpl, path)
            model.append(path)
        else:
            scenario.append(path)
    return model, scenario


def kernel_values(tpl, path: str, texts) -> np.ndarray:
    """Values of a model field given as text with units ("15 um") in kernel units (see `FIELD_UNITS`)."""
    from dermsim.studies.design import _number
    from dermsim.studies.skin_batch import FIELD_UNITS, resolve_field
    from dermsim.units import to_internal

    field, _ = resolve_field(tpl, path)
    unit = FIELD_UNITS[field]
    factors: dict[str, float] = {}
    out = np.empty(len(texts))
    for i, text in enumerate(texts):
        number, given = _number(str(text), f"{path}={text}")
        if given not in factors:
            if unit == "" and given:
                raise InputError(path, text, "a number (dimensionless)")
            factors[given] = 1.0 if unit == "" else to_internal(f"1 {given}", path, unit)
        out[i] = number * factors[given]
    return out


def _task(payload: tuple) -> dict[str, np.ndarray]:
    """One batch on any engine: (light template, scenario TOML, (resolution, grading), scenario changes per point or
    None, model values, what) → the figures of its points."""
    from dermsim.studies.population import _evaluate

    tpl, text, mesh, changes, values, what = payload
    if changes is None:
        size = len(next(iter(values.values()))) if values else 1
        return _evaluate(tpl, values, size, False)
    return _rebuilt(text, mesh, changes, values, what)


def _rebuilt(text, mesh, changes, values, what) -> dict[str, np.ndarray]:
    """Points that rebuild their scenario: built one by one, solved in groups of one mesh shape."""
    from dermsim.scenario import scenario_from_dict
    from dermsim.scenario.edit import replace
    from dermsim.studies.population import _evaluate
    from dermsim.studies.skin_batch import model_arrays, template

    base = scenario_from_dict(tomllib.loads(text))
    tpls = []
    for i, change in enumerate(changes):
        try:
            tpls.append(template(replace(base, change), mesh[0], what=what, grading=mesh[1]))
        except InputError as exc:
            raise InputError(exc.field, exc.value, exc.allowed,
                             problem=f"point {i + 1} ({', '.join(f'{k}={v}' for k, v in change.items())}): "
                                     f"{str(exc).split(': ', 1)[1].split('; allowed')[0]}") from None
    groups: dict = {}
    for i, t in enumerate(tpls):
        key = (tuple(r.cells for r in t.model.regions), t.region_names, t.model.vehicle.infinite, t.systemic,
               t.model.receptor.kind, t.times.tobytes(), t.model.grading)
        groups.setdefault(key, []).append(i)
    out: dict[str, np.ndarray] = {}
    for rows in groups.values():
        sub = {k: np.asarray(v)[rows] for k, v in values.items()}
        figures = _evaluate(tpls[rows[0]], sub, len(rows), False, model_arrays([tpls[i] for i in rows]))
        if out and set(figures) != set(out):
            key = sorted(set(figures) ^ set(out))[0]
            change = changes[rows[0]]
            raise InputError("--vary", ", ".join(f"{k}={v}" for k, v in change.items()),
                             "points of one kind of run (all infinite or all finite doses, one receptor)",
                             problem=f"this point differs from others in having {key} or not")
        for key, v in figures.items():
            out.setdefault(key, np.empty(len(tpls)))[rows] = v
    return out


def evaluate_points(scenario, points: list[dict[str, str]], *, resolution: float | None = None,
                    engine: str = "auto", scheduler: str | None = None, workers: int | None = None,
                    progress: Callable[[float], None] | None = None, what: str = "a sweep",
                    model_values: dict[str, np.ndarray] | None = None) -> tuple[dict[str, np.ndarray], str, dict]:
    """Figures (arrays over the points) of ``scenario`` at every point, the engine used and the `mesh_check` of the
    mesh (chosen by `choose_mesh` unless ``resolution`` is given). ``points``: per point
    the fields it sets, as text with units; or ``model_values``: arrays of model fields in kernel units (one
    entry per point, e.g. a sensitivity design)."""
    from dermsim.scenario.edit import to_toml
    from dermsim.studies import execution
    from dermsim.studies.skin_batch import choose_mesh

    base = scenario.model_copy(update={"population": None})
    text = to_toml(base)
    tpl, check = choose_mesh(base, resolution, what=what)
    res, grading = tpl.resolution, tpl.model.grading
    light = tpl.light()
    paths = list(points[0]) if points else []
    model, rebuilt = split_fields(tpl, paths)
    values = dict(model_values or {})
    for path in model:
        values[path] = kernel_values(tpl, path, [p[path] for p in points])
    n = len(points) if points else len(next(iter(values.values())))
    changes = [{k: p[k] for k in rebuilt} for p in points] if rebuilt else None
    cuts = execution.batches(n, REBUILT_BATCH if rebuilt else execution.BATCH_SKINS)
    payloads = [(light, text, (res, grading), changes[c] if changes else None, {k: v[c] for k, v in values.items()},
                 what) for c in cuts]
    kind = execution.choose_engine(engine, len(payloads), scheduler)
    parts = execution.run(_task, payloads, engine=kind, scheduler=scheduler, workers=workers, progress=progress)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}, kind, check
