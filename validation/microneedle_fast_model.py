"""The fast parallel-pathway model against the 2D unit cell for every library device (dermsim issue #12 item 4).

``section(fig_dir)`` returns the markdown of "## Microneedles: fast model vs 2D cell, every library device".
Standalone: ``python validation/microneedle_fast_model.py``.

For every device of `dermsim devices list`, at 1, 5 and 20 passes (pens: depth settings 0.25, 1.0 and 2.0 mm),
on the face in vivo (non-occluded barrier resealing, dermal clearance) and on excised full-thickness skin in
vitro (channels contracting after removal, sink): niacinamide 1 % infinite dose, 24 h, the amount that crossed
the stratum corneum by 24 h from the 2D unit cell, the parallel-pathway model as published (lateral exchange)
and the same with its exchange calibrated to one steady 2D solve of the geometry (`pathways.calibrated`, the
default of dermsim's microneedle runs). Relative error = fast / 2D − 1. Settings the skin cannot hold (channels
deeper than the modelled skin) are listed, not run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from dermsim.errors import InputError
from dermsim.microneedles.delivery import _channel_models, plan_for
from dermsim.microneedles.channel_cell import solve_channel_cell
from dermsim.microneedles.delivery_result import crossed_stratum_corneum
from dermsim.microneedles.devices import list_devices
from dermsim.microneedles.pathways import ParallelPathwayModel, calibrated, solve_parallel
from dermsim.permeation.setup import build
from dermsim.scenario import scenario_from_dict

PASSES = (1, 5, 20)
PEN_DEPTHS = ("0.25 mm", "1.0 mm", "2.0 mm")
SITES = (("face", "in vivo, face"), ("full-thickness", "in vitro, excised full-thickness"))
HOURS = 24.0
TOLERANCE = 0.10


def compare(device: str, passes: int, site: str, depth: str | None = None) -> dict:
    """2D, fast and calibrated-fast amounts past the SC at 24 h for one setting."""
    mn = {"device": device, "passes": passes, "treated_area": "10 cm^2"} | ({"depth_setting": depth} if depth else {})
    data = {"compound": {"name": "niacinamide"}, "skin": {"site": site},
            "formulation": {"concentration": "1 %", "dose": "infinite"}, "microneedle": mn,
            "simulation": {"duration": f"{HOURS:g} h", "resolution": 0.5}}
    scenario = scenario_from_dict(data)
    setup = build(scenario)
    plan = plan_for(scenario, setup)
    with_model, _, open_fraction, _ = _channel_models(scenario, setup, plan)
    t = np.linspace(0.0, HOURS, 49)
    t0 = time.perf_counter()
    cell = solve_channel_cell(with_model, t)
    t_2d = time.perf_counter() - t0
    names = list(cell.layer_names)
    reference = crossed_stratum_corneum(cell, names)[-1]
    fast = ParallelPathwayModel(with_model.regions, with_model.vehicle, with_model.receptor, with_model.channel,
                                plan.channel_density, open_fraction, layers=with_model.layers,
                                resolution=with_model.resolution)
    t0 = time.perf_counter()
    plain = crossed_stratum_corneum(solve_parallel(fast, t), names)[-1]
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    tuned_model = calibrated(fast)
    t_cal = time.perf_counter() - t0
    tuned = crossed_stratum_corneum(solve_parallel(tuned_model, t), names)[-1]
    return {"density": plan.channel_density, "depth_um": plan.insertion.effective_depth * 1e4, "reference": reference,
            "plain": plain / reference - 1.0, "calibrated": tuned / reference - 1.0,
            "factor": tuned_model.exchange_factor, "t_2d": t_2d, "t_fast": t_fast, "t_cal": t_cal}


def settings():
    for device in list_devices():
        name = device.name
        depths = PEN_DEPTHS if device.kind == "pen" else (None,)
        for depth in depths:
            for passes in PASSES:
                yield name, passes, depth


def section(fig_dir: Path | None = None) -> list[str]:
    rows, skipped = [], []
    for site, label in SITES:
        for name, passes, depth in settings():
            try:
                rows.append((label, name, passes, depth, compare(name, passes, site, depth)))
            except InputError as exc:
                skipped.append(f"{name} × {passes}{' at ' + depth if depth else ''} ({label}): {exc}")
    plain = np.array([abs(r[4]["plain"]) for r in rows])
    tuned = np.array([abs(r[4]["calibrated"]) for r in rows])
    L = ["## Microneedles: fast model vs 2D cell, every library device", "",
         "Amount past the stratum corneum by 24 h (niacinamide 1 %, infinite dose) from the parallel-pathway model "
         "relative to the 2D unit cell, for every library device at 1, 5 and 20 passes (pens at 0.25, 1.0 and "
         "2.0 mm), in vivo on the face (barrier resealing) and in vitro on excised full-thickness skin (channels "
         "contracting after removal). 'published' is the lateral-exchange model as derived; 'calibrated' scales its "
         "exchange to one steady 2D solve of the same geometry, cached (`dermsim.microneedles.pathways.calibrated`, "
         "what `dermsim run` uses). Script: `validation/microneedle_fast_model.py`.", "",
         f"**{len(rows)} settings: calibrated within {TOLERANCE:.0%} in {np.mean(tuned <= TOLERANCE):.0%} "
         f"(max |error| {tuned.max():.3f}); published within {TOLERANCE:.0%} in {np.mean(plain <= TOLERANCE):.0%} "
         f"(max |error| {plain.max():.3f}).** Median times per setting: 2D cell "
         f"{np.median([r[4]['t_2d'] for r in rows]) * 1e3:.0f} ms, fast model "
         f"{np.median([r[4]['t_fast'] for r in rows]) * 1e3:.0f} ms, first calibration of a geometry "
         f"{np.median([r[4]['t_cal'] for r in rows]) * 1e3:.0f} ms (later ones come from the cache).", "",
         "| setting | device | passes | depth setting | channels /cm² | depth (um) | 2D (ug/cm²) | published | calibrated | exchange factor |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for label, name, passes, depth, r in rows:
        mark = (lambda e: f"**{e:+.3f}**" if abs(e) > TOLERANCE else f"{e:+.3f}")
        L.append(f"| {label} | {name} | {passes} | {depth or '—'} | {r['density']:.1f} | {r['depth_um']:.0f} | "
                 f"{r['reference']:.4g} | {mark(r['plain'])} | {mark(r['calibrated'])} | {r['factor']:.3g} |")
    L += ["", "**bold**: outside ±10 %."]
    if skipped:
        L += ["", "Not run (the skin cannot hold the setting): " + "; ".join(skipped) + "."]
    return L + [""]


if __name__ == "__main__":
    print("\n".join(section()))
