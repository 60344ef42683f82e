"""The time loop of the spatial epidermis: `run_lattice` advances a `TissueLattice`, applies the perturbation
events, records the layers, labels and regions every output interval and returns a `LatticeRun`;
`RecoveryTracker` follows each perturbed region until it has recovered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dermsim.epidermis.lattice import TissueLattice
from dermsim.epidermis.lattice_kernel import BARE, PROGENITOR, STEM
from dermsim.epidermis.lattice_parameters import TissueParameters


@dataclass
class LatticeRun:
    """Raw output of `run_lattice` (arrays over output times; `dermsim.epidermis.tissue_simulation` turns it into
    a Dataset and a summary)."""

    params: TissueParameters
    times: np.ndarray                     # day
    layer_cells: np.ndarray               # (time, 4) cells on the lattice
    labelled: np.ndarray                  # (time, 4) labelled cells
    labelled_removed: np.ndarray          # (time,)
    stem_cells: np.ndarray                # (time,)
    covered: np.ndarray                   # (time,)
    divisions: np.ndarray                 # (time,) division events since the previous output
    factor: np.ndarray                    # (time,) proliferation factor
    snapshot_times: np.ndarray
    clone_maps: np.ndarray                # (snapshot, ny, nx)
    cross_sections: np.ndarray            # (snapshot, nx, 4)
    cross_section_row: int
    regions: list[dict] = field(default_factory=list)  # per spatial event: times series and baseline
    region_series: dict[str, np.ndarray] = field(default_factory=dict)
    label_cohort: int = 0
    label_time: float | None = None
    division_clock: np.ndarray | None = None  # (24,) divisions by clock hour
    overflow: int = 0
    unfilled: int = 0
    lattice: TissueLattice | None = None


def run_lattice(params: TissueParameters, duration: float, output_interval: float, *, seed: int | None = None,
                events: Sequence[Any] = (), modulation: Callable[[np.ndarray], np.ndarray] | None = None,
                snapshot_times: Sequence[float] = (), label_time: float | None = None, label_fraction: float = 1.0,
                start_clock: float = 0.0, progress: Callable[[float], Any] | None = None,
                keep_lattice: bool = False, kernel: str = "auto") -> LatticeRun:
    """Advance a steady-state tissue for ``duration`` days and record it every ``output_interval`` days.

    Parameters
    ----------
    params : TissueParameters
    duration, output_interval : float
        day.
    seed : int, optional
        Seed of the `numpy.random.Generator` (same seed, same result).
    events : sequence
        Perturbations with ``time`` (day), ``kind``, ``target(lattice, t) -> dict | None`` and
        ``apply(lattice, t, target)``, applied at the step nearest ``time``. A target ``{"sites": ..., "label": ...}``
        makes a region whose recovery is followed (its baseline is taken before ``apply``).
    modulation : callable, optional
        f(t) → proliferation factor for an array of times (day); 1 if None.
    snapshot_times : sequence of float
        day, clone-map and cross-section snapshots (rounded to the step grid).
    label_time, label_fraction : float, optional
        Pulse: label a fraction of all basal cells at this time (day) and follow them.
    start_clock : float
        Clock time (h, 0–24) at t = 0, for the daily rhythm bookkeeping.
    progress : callable, optional
        Called with the fraction done (0–1).
    keep_lattice : bool
        Keep the final `TissueLattice` in the result (for tests and validation).
    kernel : str
        Turnover kernel, see `TissueLattice`.
    """
    dt = params.time_step
    n_steps = max(1, int(round(duration / dt)))
    every = max(1, int(round(output_interval / dt)))
    rng = np.random.default_rng(seed)
    lat = TissueLattice(params, rng, n_steps, kernel)
    out_steps = np.unique(np.r_[np.arange(0, n_steps + 1, every), n_steps])
    snap_steps = np.unique(np.clip(np.rint(np.asarray(snapshot_times, float) / dt).astype(int), 0, n_steps))
    t_mid = (np.arange(n_steps) + 0.5) * dt
    factor = np.ones(n_steps) if modulation is None else np.asarray(modulation(t_mid), float)
    pending = sorted(events, key=lambda e: e.time)
    label_step = None if label_time is None else int(round(label_time / dt))
    rec: dict[str, list] = {k: [] for k in ("layer", "lab", "labrm", "stem", "cov", "div", "fac")}
    trackers: list[RecoveryTracker] = []
    snaps, sections, regions, reg_rec = [], [], [], []
    clock = np.zeros(24)
    hours = ((start_clock + t_mid * 24) % 24).astype(int)
    row = params.shape[0] // 2  # cross-section row (perturbations centre their footprint on it)
    band = max(1, int(round(math.sqrt(params.corneocyte_area) / params.cell_spacing)))
    div_since, k = 0, 0

    def record(i: int) -> None:
        rec["layer"].append(lat.layer_cells())
        rec["lab"].append(lat.labelled_cells())
        rec["labrm"].append(lat.labelled_removed)
        rec["stem"].append(np.count_nonzero(lat.kind == STEM))
        rec["cov"].append(np.count_nonzero(lat.kind != BARE))
        rec["div"].append(div_since)
        rec["fac"].append(factor[min(i, n_steps - 1)])
        reg_rec.append(lat.region_stats() if regions else None)

    label_cohort = 0
    for i in range(n_steps + 1):
        if label_step is not None and i == label_step:
            label_cohort = lat.label_pulse(label_fraction)
        while pending and pending[0].time <= (i + 0.5) * dt and i < n_steps:
            event = pending.pop(0)
            target, tracker = event.target(lat, i * dt), None
            if target is not None and np.size(target["sites"]):
                sites = np.unique(np.asarray(target["sites"], np.int64))
                target["sites"] = sites
                regions.append({"time": i * dt, "kind": event.kind, "label": target.get("label", ""),
                                "baseline": _lattice_baseline(lat),
                                "n_sites": int(sites.size),
                                "id": lat.new_region(sites)})
                tracker = RecoveryTracker(lat, sites, regions[-1])
                trackers.append(tracker)
            event.apply(lat, i * dt, target)
            if tracker is not None:
                tracker.applied(lat)
        if i == out_steps[k]:
            record(i)
            div_since = 0
            k += 1
        if i in snap_steps:
            snaps.append(lat.clone_map())
            sections.append(lat.column_row(row, band))
        if i == n_steps:
            break
        lat.step(factor[i])
        for tr in trackers:
            if (i + 1) % (tr.stride if (i + 1) * dt - tr.t0 <= 2 else tr.later_stride) == 0:
                tr.update(lat, (i + 1) * dt)
        div_since += lat.divisions
        clock[hours[i]] += lat.divisions
        if progress is not None and (i % 64 == 0 or i == n_steps - 1):
            progress((i + 1) / n_steps)
    times = out_steps * dt
    for tr, reg in zip(trackers, regions):
        reg["recovery_time"], reg["minimum"] = tr.report()
    series = _region_series(reg_rec, regions, lat)
    return LatticeRun(params=params, times=times, layer_cells=np.array(rec["layer"], float),
                      labelled=np.array(rec["lab"], float), labelled_removed=np.array(rec["labrm"], float),
                      stem_cells=np.array(rec["stem"], float), covered=np.array(rec["cov"], float),
                      divisions=np.array(rec["div"], float), factor=np.array(rec["fac"], float),
                      snapshot_times=snap_steps * dt,
                      clone_maps=np.array(snaps, np.int32).reshape(len(snaps), *params.shape),
                      cross_sections=np.array(sections, float).reshape(len(sections), params.shape[1], 4),
                      cross_section_row=row, regions=regions, region_series=series, label_cohort=label_cohort,
                      label_time=None if label_step is None else label_step * dt, division_clock=clock,
                      overflow=lat.overflow, unfilled=lat.unfilled, lattice=lat if keep_lattice else None)


class RecoveryTracker:
    """Follows one perturbed region every step and records when each quantity has recovered.

    Quantities (per site, relative to the lattice-wide value just before the perturbation): ``coverage``
    (fraction of sites covered by epithelium; recovered = 0.999, i.e. closure), ``basal_density``, ``stem_fraction``,
    ``viable_suprabasal`` and ``stratum_corneum`` (cells per site; recovered = ``recovery_threshold``), and
    ``basal_deficit``: the fraction of the basal cells removed by the event that the whole lattice has replaced
    (a micro-wound's deficit moves with the migrating cells into the tissue around it). Sites later taken over by
    another event's region leave this one. A quantity
    that fell below its threshold has recovered at the first later step at which it is back at or above it
    (0 if it never fell below). Times are in days after the perturbation, resolution one time step during the
    first two days and a quarter day after (up to six steps for regions of more than 100,000 sites).
    """

    NAMES = ("coverage", "basal_density", "stem_fraction", "viable_suprabasal", "stratum_corneum",
             "basal_deficit")

    def __init__(self, lat: TissueLattice, sites: np.ndarray, region: dict):
        self.sites, self.region, self.t0 = sites, region, region["time"]
        self.cells_before, self.removed = lat.basal_cells, 0
        self.threshold = {k: lat.params.recovery_threshold for k in self.NAMES} | {"coverage": 0.999}
        base = region["baseline"]
        self.base = {"coverage": 1.0, "basal_density": base["cells"], "stem_fraction": base["stem"],
                     "viable_suprabasal": base["viable_suprabasal"], "stratum_corneum": base["stratum_corneum"],
                     "basal_deficit": 1.0}
        self.active = {k for k in self.NAMES if self.base[k] > 0}
        self.fell = dict.fromkeys(self.NAMES, False)
        self.recovered: dict[str, float | None] = dict.fromkeys(self.NAMES)
        self.minimum = {k: (math.inf, 0.0) for k in self.NAMES}
        # every step for two days, then every quarter day; large regions (e.g. a random loss over the whole
        # lattice) every few steps from the start
        self.stride = int(min(6, max(1, sites.size // 100_000)))
        self.later_stride = max(self.stride, int(round(0.25 / lat.params.time_step)))

    def applied(self, lat: TissueLattice) -> None:
        """Call right after the event: records how many basal cells it removed."""
        self.removed = self.cells_before - lat.basal_cells
        if self.removed <= 0:
            self.active.discard("basal_deficit")

    def values(self, lat: TissueLattice) -> dict[str, float]:
        sites = self.sites[lat.region[self.sites] == self.region["id"]]
        n = max(sites.size, 1)
        kind = lat.kind[sites]
        out = {"coverage": np.count_nonzero(kind != BARE) / n,
               "basal_density": np.count_nonzero(kind >= PROGENITOR) / n / max(self.base["basal_density"], 1e-300),
               "stem_fraction": np.count_nonzero(kind == STEM) / n / max(self.base["stem_fraction"], 1e-300),
               "basal_deficit": 1 - (self.cells_before - lat.basal_cells) / max(self.removed, 1)}
        if self.active & {"viable_suprabasal", "stratum_corneum"}:
            cols = lat._windows(lat.region_hist[self.region["id"]]) / n
            out["viable_suprabasal"] = (cols[0] + cols[1]) / max(self.base["viable_suprabasal"], 1e-300)
            out["stratum_corneum"] = cols[2] / max(self.base["stratum_corneum"], 1e-300)
        return out

    def update(self, lat: TissueLattice, t: float) -> None:
        if not self.active:
            return
        for k, v in self.values(lat).items():
            if k not in self.active:
                continue
            if v < self.minimum[k][0]:
                self.minimum[k] = (float(v), t - self.t0)
            if v < self.threshold[k]:
                self.fell[k] = True
            elif self.fell[k]:
                self.recovered[k] = t - self.t0
                self.active.discard(k)

    def report(self) -> tuple[dict, dict]:
        """(recovery time per quantity, day after the event, None = not within the run; minimum (value, time))."""
        times = {k: (0.0 if not self.fell[k] and self.base[k] > 0 else self.recovered[k]) for k in self.NAMES}
        times = {k: (None if self.base[k] <= 0 else v) for k, v in times.items()}
        if self.removed <= 0:
            times["basal_deficit"] = 0.0
        return times, {k: v for k, v in self.minimum.items() if math.isfinite(v[0])}


def _lattice_baseline(lat: TissueLattice) -> dict[str, float]:
    """Per-site values over the whole lattice: basal cells, stem cells, column cells by layer. Recovery is measured
    against these values just before the event (the expectation for a region placed at random, without the
    sampling noise of a small region)."""
    n = lat.params.n_sites
    cells = lat.layer_cells()
    return {"cells": cells[0] / n, "stem": np.count_nonzero(lat.kind == STEM) / n,
            "viable_suprabasal": (cells[1] + cells[2]) / n, "stratum_corneum": cells[3] / n}


def _region_series(reg_rec: list, regions: list[dict], lat: TissueLattice) -> dict[str, np.ndarray]:
    """(time, event) series of basal cells, coverage, stem cells and column cells per site of each region,
    relative to the lattice-wide value before the event (NaN before it)."""
    if not regions:
        return {}
    nt, ne = len(reg_rec), len(regions)
    out = {k: np.full((nt, ne), np.nan) for k in ("basal_density", "coverage", "stem_fraction",
                                                  "viable_suprabasal", "stratum_corneum")}
    for t, stats in enumerate(reg_rec):
        if stats is None:
            continue
        for e, reg in enumerate(regions):
            rid = reg["id"]
            if rid >= stats["sites"].size:
                continue
            n = stats["sites"][rid]
            if n == 0:
                continue
            base = reg["baseline"]
            cols = stats["columns"][rid] / n
            out["basal_density"][t, e] = stats["cells"][rid] / n / base["cells"] if base["cells"] else np.nan
            out["coverage"][t, e] = stats["covered"][rid] / n
            out["stem_fraction"][t, e] = stats["stem"][rid] / n / base["stem"] if base["stem"] else np.nan
            out["viable_suprabasal"][t, e] = ((cols[0] + cols[1]) / base["viable_suprabasal"]
                                              if base["viable_suprabasal"] else np.nan)
            out["stratum_corneum"][t, e] = cols[2] / base["stratum_corneum"] if base["stratum_corneum"] else np.nan
    return out

