"""Running a tissue scenario: `simulate_tissue` builds the lattice parameters and the perturbation protocol of a
`dermsim.epidermis.tissue_spec.TissueScenario`, runs `dermsim.epidermis.lattice_run.run_lattice` and returns a
`dermsim.results.Result` of kind "tissue": an xarray Dataset (`build_dataset`) and the summary (`build_summary`);
nothing is written until `Result.save`. The derived quantities (layer thickness, pulse-chase label front, circadian phases) are
functions of a `LatticeRun`, also used by the validation.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import numpy as np

from dermsim.epidermis.lattice import LAYERS
from dermsim.epidermis.tissue_spec import (TissueScenario, tissue_parameters_for, tissue_rates,
                                           tissue_scenario_from_dict)


def simulate_tissue(scenario: TissueScenario | dict, progress: Callable[[float], Any] | None = None):
    """Run a tissue scenario: the spatial lattice with its perturbations; nothing is written.

    Parameters
    ----------
    scenario : TissueScenario or dict
        Validated scenario or a dictionary (validated here).
    progress : callable, optional
        Called with the fraction done (0–1).

    Returns
    -------
    dermsim.results.Result (kind "tissue")
        Dataset (time in days; cells per layer, thickness, basal density, recovery curves, label front, clone-map
        snapshots as (snapshot_time, y, x) integers) and a summary of key figures with parameter sources.
    """
    from dermsim.epidermis.lattice_run import run_lattice
    from dermsim.epidermis.perturb import build_protocol

    if isinstance(scenario, dict):
        scenario = tissue_scenario_from_dict(scenario)
    spec = scenario.tissue
    rates = tissue_rates(spec)
    params = tissue_parameters_for(spec)
    items = [p.model_dump(exclude_none=True) for p in scenario.perturbation]
    proto = build_protocol(items, start_clock=spec.start_clock)
    snaps = spec.snapshot_times
    if snaps is None:
        snaps = list(np.linspace(0, spec.duration, spec.clone_snapshots)) if spec.clone_snapshots else []
    run = run_lattice(params, spec.duration, spec.output_interval, seed=spec.seed, events=proto.events,
                      modulation=proto.proliferation_factor, snapshot_times=snaps, label_time=spec.label_pulse,
                      label_fraction=spec.label_fraction, start_clock=spec.start_clock, progress=progress,
                      kernel=spec.kernel)
    from dermsim.results import Result

    summary = build_summary(run, rates, proto, scenario)
    end = summary["final_state"]
    lines = [f"{rates.name}: {params.shape[0]}x{params.shape[1]} basal sites for {run.times[-1]:g} d; epidermis "
             f"{summary['initial_state']['epidermal_thickness_um']:.1f} um at the start, "
             f"{end['epidermal_thickness_um']:.1f} um at the end; {len(summary['recovery'])} perturbed region(s)"]
    for region in summary["recovery"]:
        lines.append(f"  {region['label']} (day {region['time_day']:g}):")
        lines += [f"    {key.replace('_', ' ')}: {text}" for key, text in region["outcome"].items()
                  if not text.startswith("not applicable")]
    summary["answer"] = "\n".join(lines)
    summary["notes"] = []
    summary["title"] = scenario.title or "dermsim tissue"
    return Result("tissue", summary, dataset=build_dataset(run, rates, proto, scenario))


# ------------------------------------------------------------------------------------------------------------------
# Derived quantities, summary and Dataset

def layer_thickness(params, cells_per_site: np.ndarray) -> np.ndarray:
    """µm of each layer from cells per basal site (…, 4): basal cells × basal height; spinous and granular
    cells × cell volume / site area; stratum corneum cell layers (cells × corneocyte area / site area) × layer
    thickness."""
    c = np.asarray(cells_per_site, float)
    out = np.empty_like(c)
    out[..., 0] = c[..., 0] * params.basal_layer_thickness
    out[..., 1:3] = c[..., 1:3] * params.viable_suprabasal_cell_volume / params.site_area
    out[..., 3] = stratum_corneum_layers(params, c[..., 3]) * params.stratum_corneum_layer_thickness
    return out


def stratum_corneum_layers(params, sc_cells_per_site: np.ndarray) -> np.ndarray:
    """Number of cornified cell layers: corneocytes per area × corneocyte area."""
    return np.asarray(sc_cells_per_site, float) * params.corneocyte_area / params.site_area


def _time_to_fraction(times: np.ndarray, frac: np.ndarray, q: float) -> float | None:
    """First time (linear interpolation between outputs) at which ``frac`` reaches ``q``; None if never."""
    above = np.flatnonzero(frac >= q)
    if not above.size:
        return None
    j = above[0]
    if j == 0 or frac[j] == frac[j - 1]:
        return float(times[j])
    return float(times[j - 1] + (q - frac[j - 1]) / (frac[j] - frac[j - 1]) * (times[j] - times[j - 1]))


def label_front(run) -> dict | None:
    """Pulse–chase figures: fractions of the labelled cohort in each layer and shed over time, and the times
    (day after the pulse) at which 5 %, 50 % and 95 % of it have entered the stratum corneum and been shed."""
    if run.label_time is None or run.label_cohort == 0:
        return None
    after = run.times >= run.label_time
    t = run.times[after] - run.label_time
    lab = run.labelled[after] / run.label_cohort
    removed = (run.labelled_removed[after]) / run.label_cohort
    shed = np.clip(1 - lab.sum(axis=1) - removed, 0, 1)
    entered_sc = lab[:, 3] + shed
    out = {"label_time_day": run.label_time, "cohort_cells": run.label_cohort,
           "removed_by_perturbations_fraction": float(removed[-1]),
           "entered_stratum_corneum_day": {f"{int(q * 100)}%": _time_to_fraction(t, entered_sc, q)
                                           for q in (0.05, 0.5, 0.95)},
           "shed_day": {f"{int(q * 100)}%": _time_to_fraction(t, shed, q) for q in (0.05, 0.5, 0.95)},
           "left_basal_layer_day": {f"{int(q * 100)}%": _time_to_fraction(t, 1 - lab[:, 0] - removed, q)
                                    for q in (0.05, 0.5, 0.95)}}
    e50, s50 = out["entered_stratum_corneum_day"]["50%"], out["shed_day"]["50%"]
    out["stratum_corneum_transit_day"] = None if e50 is None or s50 is None else s50 - e50
    out["mean_basal_to_shed_day"] = float(np.trapezoid(1 - shed, t)) if shed[-1] >= 0.99 else None
    out["median_basal_to_shed_day"] = s50
    return out


def circadian_phases(run, rhythm) -> dict | None:
    """Peak clock times (h) of the simulated divisions (M phase) and of their S phases (cosinor fit over the
    24 clock-hour bins), with the parameters they should reproduce."""
    if rhythm is None or run.division_clock is None or run.division_clock.sum() == 0:
        return None
    counts = run.division_clock
    theta = 2 * np.pi * (np.arange(24) + 0.5) / 24
    z = np.sum(counts * np.exp(1j * theta))
    m_peak = float((np.angle(z) * 24 / (2 * np.pi)) % 24)
    return {"m_phase_peak_parameter_h": rhythm.m_phase_peak, "s_phase_peak_parameter_h": rhythm.s_phase_peak,
            "amplitude_parameter": rhythm.amplitude, "m_phase_peak_simulated_h": m_peak,
            "s_phase_peak_simulated_h": (m_peak - rhythm.s_to_m_lag) % 24,
            "amplitude_simulated": float(2 * abs(z) / counts.sum()),
            "divisions_counted": int(counts.sum()), "shift_h": rhythm.shift, "shift_time_day": rhythm.shift_time,
            "note": "S phases are placed (M peak - S peak) h before each division; the M-phase histogram is the "
                    "simulated quantity. With a shift, the fit mixes both phases."}


def _state(params, cells: np.ndarray) -> dict:
    per_site = cells / params.n_sites
    th = layer_thickness(params, per_site)
    per_mm2 = per_site / params.site_area * 1e6
    return {"cells_per_mm2": dict(zip(LAYERS, map(float, per_mm2))),
            "cells_per_basal_site": dict(zip(LAYERS, map(float, per_site))),
            "layer_thickness_um": dict(zip(LAYERS, map(float, th))),
            "viable_epidermis_thickness_um": float(th[:3].sum()), "epidermal_thickness_um": float(th.sum()),
            "stratum_corneum_cell_layers": float(stratum_corneum_layers(params, per_site[3]))}



def build_summary(run, rates, proto, scenario: TissueScenario) -> dict:
    """Key figures of a run (JSON-able): steady and final state, transit times, label front, recovery times,
    circadian phases, invariants, and every parameter with its source."""
    import dermsim

    p = run.params
    n_sp, n_gr, n_sc = p.transit_steps
    production = p.basal_production_rate
    supra = (n_sp + n_gr + n_sc) * p.time_step
    recovery = []
    for e, reg in enumerate(run.regions):
        end = {k: _last_finite(series[:, e]) for k, series in run.region_series.items()}
        times = reg.get("recovery_time") or {}
        recovery.append({"kind": reg["kind"], "label": reg["label"], "time_day": reg["time"],
                         "sites": reg["n_sites"], "recovery_time_day": reg.get("recovery_time"),
                         "outcome": recovery_outcomes(times, end, p.recovery_threshold),
                         "end_fraction_of_baseline": end,
                         "minimum": {k: {"value": v[0], "day_after": v[1]} for k, v in reg.get("minimum", {}).items()},
                         "baseline_per_site": reg["baseline"]})
    return {
        "title": scenario.title, "dermsim_version": dermsim.__version__,
        "lattice": {"shape": list(p.shape), "cell_spacing_um": p.cell_spacing,
                    "area_mm2": p.n_sites * p.site_area / 1e6, "duration_day": float(run.times[-1]),
                    "time_step_day": p.time_step, "seed": scenario.tissue.seed},
        "initial_state": _state(p, run.layer_cells[0]), "final_state": _state(p, run.layer_cells[-1]),
        "transit": {"basal_turnover_day": 1 / production if production > 0 else None,
                    "spinous_day": n_sp * p.time_step, "granular_day": n_gr * p.time_step,
                    "stratum_corneum_day": n_sc * p.time_step, "suprabasal_day": supra,
                    "expected_mean_basal_to_shed_day": (1 / production + supra) if production > 0 else None,
                    "note": "basal turnover = basal cells / production; suprabasal transits are fixed (conveyor)"},
        "pulse_chase": label_front(run),
        "recovery": recovery,
        "circadian": circadian_phases(run, proto.circadian),
        "invariants": {"basal_cells_start": float(run.layer_cells[0, 0]),
                       "basal_cells_end": float(run.layer_cells[-1, 0]),
                       "stratifications_without_neighbour": run.unfilled, "column_overflow_cells": run.overflow},
        "preset": rates.to_dict(), "tissue_parameters": p.to_dict(),
        "perturbations": [{"kind": r["kind"], "values": r["values"], "sources": r["sources"]} for r in proto.records],
    }


def _last_finite(series: np.ndarray) -> float | None:
    finite = series[np.isfinite(series)]
    return float(finite[-1]) if finite.size else None


def recovery_outcomes(times: dict, end: dict, threshold: float) -> dict[str, str]:
    """Each tracked quantity of a perturbed region in words: "recovered after X d", "not recovered by the end
    (Y % of baseline)", "not affected" (never below its recovery threshold) or "not applicable" (none before).

    ``times``: day after the event each quantity was back at its threshold (0: never fell below; None: not
    recovered or nothing to recover); ``end``: the region's value at the end relative to its baseline (None: not
    followed); ``threshold``: fraction of the baseline that counts as recovered (coverage: 0.999)."""
    out = {}
    for key, day in times.items():
        limit = 0.999 if key == "coverage" else threshold
        if day is None:
            if key in end and end[key] is None:
                out[key] = "not applicable (none before the event)"
            elif end.get(key) is not None:
                out[key] = f"not recovered by the end ({100 * end[key]:.3g} % of baseline)"
            else:
                out[key] = "not recovered by the end"
        elif day == 0:
            out[key] = f"not affected (never below {100 * limit:.3g} % of baseline)"
        else:
            out[key] = f"recovered after {day:.3g} d (back to {100 * limit:.3g} % of baseline)"
    return out


def _var(dims, data, units: str, long_name: str, **attrs):
    return (dims, data, {"units": units, "long_name": long_name, **attrs})


def build_dataset(run, rates, proto, scenario: TissueScenario):
    """The run as an xarray Dataset (every variable and coordinate with ``units`` and ``long_name``)."""
    import xarray as xr

    import dermsim
    from dermsim.results import json_safe

    p = run.params
    per_site = run.layer_cells / p.n_sites
    th = layer_thickness(p, per_site)
    data = {
        "cells_per_area": _var(("time", "layer"), per_site / p.site_area * 1e6, "1/mm^2", "cells per layer per area"),
        "cells_per_basal_site": _var(("time", "layer"), per_site, "", "cells per layer per basal site (column)"),
        "layer_thickness": _var(("time", "layer"), th, "um", "layer thickness"),
        "epidermal_thickness": _var(("time",), th.sum(axis=1), "um", "epidermal thickness incl. stratum corneum"),
        "viable_epidermis_thickness": _var(("time",), th[:, :3].sum(axis=1), "um", "viable epidermis thickness"),
        "stratum_corneum_cell_layers": _var(("time",), stratum_corneum_layers(p, per_site[:, 3]), "",
                                            "cornified cell layers"),
        "basal_density": _var(("time",), per_site[:, 0] / p.site_area * 1e6, "1/mm^2", "basal cells per area"),
        "basal_occupancy": _var(("time",), per_site[:, 0], "", "fraction of basal sites holding a cell"),
        "coverage": _var(("time",), run.covered / p.n_sites, "", "fraction of basal sites covered by epithelium"),
        "stem_fraction": _var(("time",), run.stem_cells / p.n_sites, "", "stem cells per basal site"),
        "proliferation_factor": _var(("time",), run.factor, "", "product of the perturbations' proliferation factors"),
        "division_rate": _var(("time",), np.r_[np.nan, run.divisions[1:] / np.diff(run.times)]
                              / np.maximum(run.layer_cells[:, 0], 1), "1/day",
                              "basal divisions per basal cell per day since the previous output"),
        "divisions_by_clock_hour": _var(("clock_hour",), run.division_clock, "",
                                        "divisions (M phases) in each clock hour over the run"),
    }
    coords = {"time": _var(("time",), run.times, "day", "time"),
              "layer": _var(("layer",), list(LAYERS), "", "epidermal layer"),
              "clock_hour": _var(("clock_hour",), np.arange(24.0), "h", "clock hour (start of bin)")}
    front = label_front(run)
    if front is not None:
        after = run.times >= run.label_time
        frac = np.where(after[:, None], run.labelled / run.label_cohort, np.nan)
        rm = run.labelled_removed / run.label_cohort
        shed = np.where(after, np.clip(1 - np.nan_to_num(frac).sum(axis=1) - rm, 0, 1), np.nan)
        data["labelled_fraction"] = _var(("time", "layer"), frac, "", "fraction of the labelled cohort in each layer")
        data["labelled_shed_fraction"] = _var(("time",), shed, "", "fraction of the labelled cohort shed")
    if run.regions:
        coords["event"] = _var(("event",), np.arange(len(run.regions)), "", "spatial perturbation event")
        data["event_time"] = _var(("event",), [r["time"] for r in run.regions], "day", "time of the event")
        data["event_kind"] = _var(("event",), [r["kind"] for r in run.regions], "", "kind of perturbation")
        data["event_label"] = _var(("event",), [r["label"] for r in run.regions], "", "description")
        names = {"basal_density": "basal cells in the region relative to before the event",
                 "coverage": "fraction of the region covered by epithelium",
                 "stem_fraction": "stem cells in the region relative to before the event",
                 "viable_suprabasal": "spinous + granular cells above the region relative to before",
                 "stratum_corneum": "cornified cells above the region relative to before"}
        for key, series in run.region_series.items():
            data[f"recovery_{key}"] = _var(("time", "event"), series, "", names[key])
    if len(run.snapshot_times):
        coords["snapshot_time"] = _var(("snapshot_time",), run.snapshot_times, "day", "snapshot time")
        coords["y"] = _var(("y",), np.arange(p.shape[0]), "", "lattice row", spacing_um=p.cell_spacing)
        coords["x"] = _var(("x",), np.arange(p.shape[1]), "", "lattice column", spacing_um=p.cell_spacing)
        data["clone_map"] = _var(("snapshot_time", "y", "x"), run.clone_maps, "",
                                 "clone label of each basal site (-1: no basal cell)")
        data["cross_section"] = _var(("snapshot_time", "x", "layer"), run.cross_sections, "",
                                     "cells per site in each layer along one lattice row (suprabasal: mean over a "
                                     "band of rows one corneocyte wide)", row=run.cross_section_row)
    provenance = {"dermsim_version": dermsim.__version__, "scenario": scenario.model_dump(mode="json"),
                  "preset": rates.to_dict(), "tissue_parameters": p.to_dict(),
                  "perturbations": proto.records,
                  "model": "dermsim.epidermis.lattice.TissueLattice: stratification-coupled neutral drift on a "
                           "periodic square lattice, repair by division and migration, suprabasal conveyor"}
    ds = xr.Dataset(data, coords=coords)
    ds.attrs = {"title": scenario.title, "dermsim_version": dermsim.__version__,
                "provenance": json.dumps(json_safe(provenance), ensure_ascii=False, default=str)}
    return ds
