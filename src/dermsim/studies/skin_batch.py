"""Many skins of one permeation scenario at once: per-skin model values → one batched exact solution → the
exposure figures of every skin.

A `SkinBatchTemplate` is a scenario built once (`dermsim.permeation.setup.build`) at a chosen mesh resolution.
`evaluate` takes arrays of per-skin values of the layered model (`MODEL_FIELDS`: layer thicknesses, D, K,
dermal clearance, the vehicle's concentration and volume), assembles every skin in one vectorised pass
(`dermsim.permeation.layered.discretise_batch`), solves them with `dermsim.transport.batched.solve_batch`
and returns, per skin, the figures a `simulate` summary gives for that skin (same definitions: the systemic
amount is the receptor or blood outflow, the basal-layer figures those of `dermsim.results.metrics.basal_exposure`).

Only linear problems batch exactly: infinite doses, and finite doses whose vehicle does not dry
(``formulation.vehicle_physics = false``) and is not washed off; needles and explicit layer stacks are
refused with one line. Units: cm, h, ug inside; the figures in the units their names give.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dermsim.errors import InputError

#: Per-skin values a batch may vary: scenario-style name → (model field of `discretise_batch`, region or None).
#: Region fields take the region's name; ``formulation.*`` act on the vehicle.
REGION_FIELDS = ("thickness", "diffusivity", "partition", "clearance")
FORMULATION_FIELDS = {"formulation.concentration": "concentration", "formulation.dose": "vehicle_thickness"}
#: Kernel unit of each field (cm, cm²/h, –, 1/h; ug/cm³; cm of vehicle = volume per area).
FIELD_UNITS = {"thickness": "cm", "diffusivity": "cm^2/h", "partition": "", "clearance": "1/h",
               "concentration": "ug/cm^3", "vehicle_thickness": "cm"}
#: Figures of every skin, with units (the keys of `evaluate`'s result).
FIGURES = {
    "systemic_ug_per_cm2": "amount per area reaching the receptor or the blood by the end",
    "absorbed_percent": "systemic amount as a percentage of the applied dose (finite doses)",
    "basal_cmax_ug_per_cm3": "highest mean basal-layer concentration",
    "basal_tmax_h": "time of the highest basal-layer concentration",
    "basal_auc_ug_h_per_cm3": "area under the basal-layer concentration (trapezoid over the output times)",
    "basal_end_ug_per_cm3": "basal-layer concentration at the end",
    "in_skin_end_ug_per_cm2": "amount per area in the skin at the end",
    "flux_end_ug_per_cm2_per_h": "flux into the receptor or blood over the last output interval",
}


@dataclass(frozen=True)
class SkinBatchTemplate:
    """A permeation scenario built once for batches of skins.

    model : its `LayeredDiffusion` at ``resolution``; times : output times (h); region_names : the model's
    regions top to bottom; systemic : where the systemic amount is read ("permeated", "cleared" or "receptor");
    applied : applied amount per area (ug/cm², None for an infinite dose); scenario, setup : the scenario and its
    `PermeationSetup` (None in the `light` copy sent to workers, which need only the model).
    """

    model: object
    times: np.ndarray
    resolution: float
    region_names: tuple[str, ...]
    systemic: str
    applied: float | None
    scenario: object = None
    setup: object = None

    def light(self) -> "SkinBatchTemplate":
        """The template without its scenario and setup: small to send, and a worker that unpickles it imports
        only the transport code (not the chemistry and formulation libraries)."""
        return replace(self, scenario=None, setup=None)

    def base_value(self, path: str) -> float:
        """The template's own value of a field path (kernel units), e.g. "stratum_corneum.thickness"."""
        field, region = resolve_field(self, path)
        if region is None:
            veh = self.model.vehicle
            return veh.concentration if field == "concentration" else veh.thickness
        return getattr(self.model.regions[region], field)


#: Meshes tried for a batch, cheapest first, as (resolution, grading): the first whose reference-skin figures are
#: within the tolerance of the scenario's own mesh is used (`choose_mesh`). At ≤ 32 nodes the batched solver
#: decomposes the stack in one call; a milder grading (1.5) halves the error of coarse meshes (measured on
#: caffeine in vivo: 0.35 → 1.1 % instead of 2.2 %; docs/validation.md, virtual populations).
MESH_LADDER = ((0.35, 1.5), (0.5, 1.5), (0.75, 1.5))
#: Default tolerance (relative, on every figure of the reference skin): 2 %, the size of the sampling error of a
#: 5th or 95th percentile from 10⁴ lognormal subjects.
MESH_TOLERANCE = 0.02
#: Figures shown by `mesh_check` but not judged: the time of a peak jumps between output times on a plateau.
UNJUDGED = ("basal_tmax_h",)


def template(scenario, resolution: float | None = None, *, what: str = "a batch of skins",
             grading: float | None = None) -> SkinBatchTemplate:
    """Build ``scenario`` once at ``resolution`` (default: the scenario's) for `evaluate`, its mesh graded by
    ``grading`` (default: the model's); refuse, in one line, what the batched exact solver cannot run (``what``
    names the study in the message)."""
    from dermsim.permeation.setup import build, output_times

    if getattr(scenario, "kind", None) != "permeation":
        raise InputError("kind", getattr(scenario, "kind", None), f"a permeation scenario for {what}")
    if scenario.microneedle is not None:
        raise InputError("microneedle", "a treatment", f"a scenario without needles for {what} (the 2D channel "
                         "model does not batch yet)")
    if scenario.skin.layers is not None:
        raise InputError("skin.layers", "explicit layers", f"a body site or membrane preset for {what} (its "
                         "variability is known by layer role)")
    fo = scenario.formulation
    if fo.wash_time is not None:
        raise InputError("formulation.wash_time", fo.wash_time, f"no wash-off for {what} (a washed dose is not "
                         "a linear problem)")
    if resolution is not None:
        scenario = scenario.model_copy(update={"simulation": scenario.simulation.model_copy(
            update={"resolution": float(resolution)})})
    setup = build(scenario)
    if setup.applied is not None and setup.applied.film is not None:
        raise InputError("formulation.vehicle_physics", True, f"false for {what}: a drying vehicle is not a "
                         "linear problem (or use an infinite dose)")
    model = setup.model
    kind = setup.receptor_kind
    systemic = {"blood": "cleared", "finite": "receptor"}.get(kind, "permeated")
    applied = None if model.vehicle.infinite else model.vehicle.concentration * model.vehicle.thickness
    if grading is not None:
        model = replace(model, grading=float(grading))
    return SkinBatchTemplate(model, output_times(scenario.simulation), float(scenario.simulation.resolution),
                             tuple(r.name for r in model.regions), systemic, applied, scenario, setup)


def mesh_check(reference: SkinBatchTemplate, tpl: SkinBatchTemplate) -> dict:
    """The reference skin (the template's own values) on the scenario's mesh and on ``tpl``'s: each figure on both
    and their relative difference, and the largest (`UNJUDGED` figures left out)."""
    full, coarse = evaluate(reference, {}, 1), evaluate(tpl, {}, 1)
    rows = {}
    for key in full:
        a, b = float(full[key][0]), float(coarse[key][0])
        rows[key] = {"scenario_mesh": a, "batch_mesh": b, "relative_difference": abs(b - a) / abs(a) if a else abs(b - a)}
    judged = [r["relative_difference"] for key, r in rows.items() if key not in UNJUDGED]
    return {"scenario_resolution": reference.resolution, "resolution": tpl.resolution, "grading": tpl.model.grading,
            "nodes": int(sum(r.cells for r in tpl.model.regions)), "worst_relative_difference": max(judged),
            "figures": rows}


def choose_mesh(scenario, resolution: float | None = None, tolerance: float = MESH_TOLERANCE, *,
                what: str = "a batch of skins") -> tuple[SkinBatchTemplate, dict]:
    """The template of a batch and its `mesh_check`: at ``resolution`` if given, else the first mesh of
    `MESH_LADDER` within ``tolerance`` of the scenario's own (which is used when none is)."""
    reference = template(scenario, what=what)
    if resolution is not None:
        tpl = template(scenario, resolution, what=what)
        return tpl, mesh_check(reference, tpl) | {"tolerance": None}
    for res, grading in MESH_LADDER:
        if res >= reference.resolution:
            break
        tpl = template(scenario, res, what=what, grading=grading)
        check = mesh_check(reference, tpl)
        if check["worst_relative_difference"] <= tolerance:
            return tpl, check | {"tolerance": tolerance}
    return reference, mesh_check(reference, reference) | {"tolerance": tolerance}


def resolve_field(tpl: SkinBatchTemplate, path: str) -> tuple[str, int | None]:
    """(model field, region index or None) of a per-skin field path, or `InputError` naming the allowed ones."""
    if path in FORMULATION_FIELDS:
        if path == "formulation.dose" and tpl.model.vehicle.infinite:
            raise InputError(path, "varied", "a finite dose (this scenario's dose is infinite)")
        return FORMULATION_FIELDS[path], None
    region, _, field = path.partition(".")
    names = tpl.region_names
    if region not in names or field not in REGION_FIELDS:
        allowed = [f"{r}.{f}" for r in names for f in REGION_FIELDS] + list(FORMULATION_FIELDS)
        raise InputError("vary", path, "one of " + ", ".join(allowed), choices=allowed)
    return field, names.index(region)


def model_values(tpl: SkinBatchTemplate, size: int, values: dict[str, np.ndarray],
                 start: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """`discretise_batch` keyword arrays from per-skin field paths (kernel units, arrays of ``size``), on top of
    ``start`` (keyword arrays of each skin's own model, e.g. from `model_arrays`) or the template's values."""
    regions = tpl.model.regions
    start = dict(start or {})
    used = {f for f in REGION_FIELDS if f in start}
    base = {f: np.array(start.pop(f), dtype=float) if f in used else
            np.array([[getattr(r, f) for r in regions]] * size, dtype=float) for f in REGION_FIELDS}
    out: dict[str, np.ndarray] = start
    for path, value in values.items():
        field, region = resolve_field(tpl, path)
        value = np.broadcast_to(np.asarray(value, dtype=float), (size,))
        if not np.all(np.isfinite(value)) or np.any(value < 0) or (field != "clearance" and np.any(value <= 0)):
            bad = value[~(np.isfinite(value) & (value >= 0))] if np.any(~np.isfinite(value) | (value < 0)) else \
                value[value <= 0]
            raise InputError(path, float(bad[0]), "a finite value > 0" + (" (≥ 0 for a clearance)"
                                                                          if field == "clearance" else ""))
        if region is None:
            out[field] = value
        else:
            base[field][:, region] = value
            used.add(field)
    out.update({f: base[f] for f in used})
    return out


def _observables(tpl: SkinBatchTemplate, capacity: np.ndarray, partition: np.ndarray,
                 faces: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Weights (B, n_obs, n) of the mean basal-layer concentration (K w / h over its cells), the amount in the
    skin (K w over every cell) and, with a finite receptor, its amount."""
    from dermsim.permeation.layered import discretise

    system = discretise(tpl.model)
    cells, n = system.cell_slice, system.size
    region = system.mesh.region
    w = np.diff(faces, axis=1)
    size = faces.shape[0]
    rows, names = [], []
    if "basal_layer" in tpl.region_names:
        r = tpl.region_names.index("basal_layer")
        inside = region == r
        first, last = np.flatnonzero(inside)[[0, -1]]
        p = np.zeros((size, n))
        p[:, cells] = np.where(inside, partition[:, cells] * w, 0.0) / (faces[:, last + 1] - faces[:, first])[:, None]
        rows.append(p)
        names.append("basal")
    p = np.zeros((size, n))
    p[:, cells] = partition[:, cells] * w
    rows.append(p)
    names.append("in_skin")
    if system.receptor_node is not None:
        p = np.zeros((size, n))
        p[:, system.receptor_node] = capacity[:, system.receptor_node]
        rows.append(p)
        names.append("receptor")
    return np.stack(rows, axis=1), names


def model_arrays(templates: list[SkinBatchTemplate]) -> dict[str, np.ndarray]:
    """Every `BATCH_FIELDS` value of each template's own model, stacked (for skins built one by one)."""
    from dermsim.permeation.layered import BATCH_FIELDS, _batch_values

    rows = [_batch_values(t.model, 1, {}) for t in templates]
    return {k: np.concatenate([r[k] for r in rows]) for k in BATCH_FIELDS}


def evaluate(tpl: SkinBatchTemplate, values: dict[str, np.ndarray], size: int | None = None,
             curves: bool = False, start: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The figures (`FIGURES`) of ``size`` skins whose field paths take ``values`` (arrays of the batch size, kernel
    units; unlisted fields keep the template's, or ``start``'s: see `model_values`). With ``curves`` also "time"
    (n_t,), "systemic_curve" and "basal_curve" (B, n_t). Raises `ResultCheckError` if a skin fails its checks."""
    from dermsim.permeation.layered import discretise_batch
    from dermsim.results.checks import clip_round_off
    from dermsim.transport.batched import solve_batch

    if size is None:
        size = int(np.broadcast_shapes(*[np.shape(v) for v in values.values()])[0]) if values else 1
    batch, partition, faces = discretise_batch(tpl.model, size, **model_values(tpl, size, values, start))
    weights, names = _observables(tpl, batch.capacity, partition, faces)
    res = solve_batch(batch, tpl.times, observables=weights)
    obs = dict(zip(names, np.moveaxis(res.observed, 1, 0)))
    systemic = obs["receptor"] if tpl.systemic == "receptor" else res.flow(tpl.systemic)
    scale = _check(res, systemic)
    systemic = clip_round_off(systemic, scale[:, None])        # −1e-9 of a skin's largest amount: round-off
    out = {"systemic_ug_per_cm2": systemic[:, -1].copy(), "in_skin_end_ug_per_cm2": obs["in_skin"][:, -1].copy(),
           "flux_end_ug_per_cm2_per_h": (systemic[:, -1] - systemic[:, -2]) / (tpl.times[-1] - tpl.times[-2])}
    if tpl.applied is not None:
        applied = batch.capacity[:, 0] * batch.initial[:, 0]
        out["absorbed_percent"] = 100.0 * systemic[:, -1] / applied
    if "basal" in obs:
        # round-off negatives of the exact solution set to 0, as `simulate` does (`clip_round_off`)
        basal = clip_round_off(obs["basal"], np.max(np.abs(obs["basal"]), axis=1, keepdims=True))
        peak = np.argmax(basal, axis=1)
        rows = np.arange(size)
        out["basal_cmax_ug_per_cm3"] = basal[rows, peak]
        out["basal_tmax_h"] = tpl.times[peak]
        out["basal_auc_ug_h_per_cm3"] = np.trapezoid(basal, tpl.times, axis=1)
        out["basal_end_ug_per_cm3"] = basal[:, -1].copy()
        if curves:
            out["basal_curve"] = basal
    if curves:
        out["time"] = tpl.times
        out["systemic_curve"] = systemic
    return out


def _check(res, systemic: np.ndarray) -> np.ndarray:
    """Every skin: finite, balance closed to `MASS_BALANCE_TOLERANCE`, no amount below −1e-9 of its scale (its
    largest stored or cumulative amount, returned)."""
    from dermsim.errors import ResultCheckError
    from dermsim.results.checks import MASS_BALANCE_TOLERANCE

    error = res.mass_balance_error
    scale = np.maximum(np.max(np.abs(res.stored), axis=1), np.max(np.abs(res.cumulative), axis=(1, 2)))
    bad = ~np.isfinite(error) | (error > MASS_BALANCE_TOLERANCE) | ~np.all(np.isfinite(systemic), axis=1) | (
        np.min(res.cumulative, axis=(1, 2)) < -1e-9 * scale) | (np.min(systemic, axis=1) < -1e-9 * scale)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ResultCheckError(f"skin {i} of the batch failed its checks (mass balance {error[i]:.2e}; allowed "
                               f"≤ {MASS_BALANCE_TOLERANCE:.0e}, finite, no negative amount): {int(bad.sum())} of "
                               f"{bad.size} skins")
    return scale


