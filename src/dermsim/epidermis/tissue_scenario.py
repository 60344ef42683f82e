"""Scenario of `dermsim epidermis run`: a ``[tissue]`` table and ``[[perturbation]]`` entries, validated strictly;
`simulate_tissue` runs it and returns a `TissueResult` (an xarray Dataset and a summary; nothing is written).

Scenario file::

    title = "microneedling, three sessions"
    [tissue]
    preset = "human-interfollicular"     # fate-rate preset (dermsim.epidermis.kinetics)
    lattice_size = 256                   # sites per side, or [ny, nx]
    duration = "90 d"
    output_interval = "1 d"
    time_step = "1 h"                    # tau-leap step
    seed = 1
    label_pulse = "0 d"                  # optional pulse-chase label
    [[perturbation]]
    kind = "microneedle"                 # basal-loss | microneedle | circadian | tape-strip | dehydration | uv
    time = "7 d"
    density = "200 /cm^2"
    diameter = "150 um"
    sessions = 3
    interval = "28 d"

Quantities carry units; parameters a perturbation does not give take the packaged defaults
(``parameters/epidermis_tissue.toml``), which are listed with their sources in the summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Union

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from dermsim.epidermis.perturb import KINDS
from dermsim.errors import InputError
from dermsim.scenario import _quantity, input_error_from

Day = Annotated[float, _quantity("day")]
DayOrZero = Annotated[float, _quantity("day", allow_zero=True)]
Micrometre = Annotated[float, _quantity("um")]
PerArea = Annotated[float, _quantity("1/cm^2")]
Speed = Annotated[float, _quantity("um/day")]


def _clock(value: Any) -> float:
    """Clock time in h from "HH:MM", a quantity ("23.5 h") or a number of hours; result in [0, 24)."""
    from dermsim.units import to_internal

    if isinstance(value, str) and ":" in value:
        try:
            hh, mm = value.strip().split(":")
            h, m = int(hh), int(mm)
        except ValueError:
            raise ValueError("a clock time such as '23:30' or '23.5 h'") from None
        if not (0 <= h < 24 and 0 <= m < 60):
            raise ValueError("a clock time between 00:00 and 23:59")
        return h + m / 60
    try:
        x = to_internal(value, "", "h")
    except InputError:
        raise ValueError("a clock time such as '23:30' or '23.5 h'") from None
    if not 0 <= x < 24:
        raise ValueError("a clock time in [0, 24) h")
    return x


def _signed_hours(value: Any) -> float:
    from dermsim.units import to_internal

    try:
        return to_internal(value, "", "h")
    except InputError as exc:
        raise ValueError(exc.allowed) from None


Clock = Annotated[float, BeforeValidator(_clock)]
Hours = Annotated[float, BeforeValidator(_signed_hours)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TissueSpec(_Strict):
    """The ``[tissue]`` table: preset, lattice, times, seed, labelling and optional parameter overrides."""

    preset: str = "human-interfollicular"
    rates: dict[str, float | str] | None = Field(None, description="values replacing the preset's fate rates")
    lattice_size: int | tuple[int, int] = 256
    duration: Day = 60.0
    output_interval: Day = 1.0
    time_step: Day = 1 / 24
    seed: int | None = Field(None, ge=0)
    stem_fraction: float | None = Field(None, ge=0, lt=1)
    start_clock: Clock = 0.0
    label_pulse: DayOrZero | None = None
    label_fraction: float = Field(1.0, gt=0, le=1)
    clone_snapshots: int = Field(4, ge=0, le=50)
    snapshot_times: list[DayOrZero] | None = None
    cell_spacing: Micrometre | None = None
    edge_speed: Speed | None = None
    migration_lag: DayOrZero | None = None
    recruitment_radius: Micrometre | None = None
    repair_cycle_time: Day | None = None
    progenitor_repair_divisions: int | None = Field(None, ge=0, le=254)
    stem_self_renewal_in_repair: float | None = Field(None, ge=0, le=1)
    recovery_threshold: float | None = Field(None, gt=0, le=1)
    kernel: Literal["auto", "numba", "numpy"] = "auto"

    @field_validator("lattice_size")
    @classmethod
    def _size(cls, v):
        ny, nx = (v, v) if isinstance(v, int) else v
        if not (8 <= ny <= 2048 and 8 <= nx <= 2048):
            raise ValueError("sites per side between 8 and 2048")
        return (int(ny), int(nx))

    @model_validator(mode="after")
    def _times(self):
        if self.output_interval > self.duration:
            raise ValueError(f"output_interval ({self.output_interval:g} d) must not exceed duration "
                             f"({self.duration:g} d)")
        if self.time_step > self.output_interval:
            raise ValueError(f"time_step ({self.time_step:g} d) must not exceed output_interval")
        if self.duration / self.time_step > 2e6:
            raise ValueError("at most 2,000,000 time steps (raise time_step or shorten duration)")
        if self.label_pulse is not None and self.label_pulse > self.duration:
            raise ValueError("label_pulse must lie inside the run")
        return self


class BasalLossSpec(_Strict):
    """Basal cells removed under an intact suprabasal cover: a patch or a random fraction; stem cells too or not."""

    kind: Literal["basal-loss"]
    time: DayOrZero
    pattern: Literal["patch", "random"] = "patch"
    fraction: float = Field(1.0, ge=0, le=1)
    radius: Micrometre = 100.0
    stem_cells: bool = True


class MicroneedleSpec(_Strict):
    """Channels of given density and diameter through the epidermis; repeated sessions.

    Either ``density`` and ``diameter`` by hand, or a microneedle ``device`` (with ``passes``, ``site`` and,
    for pens, ``depth_setting``): then the density is the treatment's distinct channels per cm² and the
    diameter the channel's width at the basal layer (`dermsim.microneedles.plan_treatment`, conical channel).
    """

    kind: Literal["microneedle"]
    time: DayOrZero
    density: PerArea | None = None
    diameter: Micrometre | None = None
    device: str | None = None
    passes: int = Field(1, ge=1)
    site: str = "forearm"
    depth_setting: Micrometre | None = None
    sessions: int = Field(1, ge=1, le=100)
    interval: Day | None = None
    edge_speed: Speed | None = None
    migration_lag: DayOrZero | None = None

    @model_validator(mode="after")
    def _interval(self):
        if self.sessions > 1 and self.interval is None:
            raise ValueError("interval is required when sessions > 1")
        if self.device is not None and (self.density is None or self.diameter is None):
            density, diameter = _channels_from_device(self)
            object.__setattr__(self, "density", self.density if self.density is not None else density)
            object.__setattr__(self, "diameter", self.diameter if self.diameter is not None else diameter)
        if self.density is None or self.diameter is None:
            raise ValueError("density and diameter, or a microneedle device")
        return self


def _channels_from_device(spec: "MicroneedleSpec") -> tuple[float, float]:
    """Distinct channels per cm² and channel diameter (µm) at the middle of the basal layer for a device."""
    from dermsim.anatomy import UM, skin_for_site
    from dermsim.microneedles.plan import plan_treatment

    try:
        skin = skin_for_site(spec.site)
        plan = plan_treatment(spec.device, skin, passes=spec.passes, treated_area_cm2=1.0,
                              depth_setting_cm=None if spec.depth_setting is None else spec.depth_setting * UM)
    except InputError as exc:
        raise ValueError(str(exc)) from None
    ins = plan.insertion
    layers = {lay.role: lay.thickness for lay in skin.layers}
    basal_mid = layers["stratum_corneum"] + layers["viable_epidermis"] - skin.basal_layer_thickness / 2
    width = ins.surface_diameter * (1.0 - basal_mid / ins.effective_depth) if ins.effective_depth > 0 else 0.0
    if width <= 0:
        raise ValueError(f"channels of {spec.device} end in the {ins.layer_reached} "
                         f"({ins.effective_depth / UM:.0f} um) and do not reach the basal layer: no basal wound")
    return plan.channel_density, width / UM


class CircadianSpec(_Strict):
    """Daily rhythm of divisions; ``shift`` (h) delays it from ``shift_time`` on (a 'sleep shift')."""

    kind: Literal["circadian"]
    amplitude: float | None = Field(None, ge=0, lt=1)
    m_phase_peak: Clock | None = None
    s_phase_peak: Clock | None = None
    shift: Hours | None = None
    shift_time: DayOrZero | None = None


class TapeStripSpec(_Strict):
    """Stratum corneum removed by tape stripping, and the proliferative response."""

    kind: Literal["tape-strip"]
    time: DayOrZero
    stratum_corneum_removed: float | None = Field(None, ge=0, le=1)
    peak_factor: float | None = Field(None, ge=1, le=20)
    peak_time: Day | None = None
    shape: float | None = Field(None, gt=0, le=20)


class DehydrationSpec(_Strict):
    """Dry air: proliferation raised during the exposure."""

    kind: Literal["dehydration"]
    time: DayOrZero
    duration: Day | None = None
    factor: float | None = Field(None, gt=0, le=20)
    onset_time: Day | None = None
    recovery_time: Day | None = None


class UVSpec(_Strict):
    """UV exposure of ``dose`` minimal erythema doses: basal cell death and a proliferative response."""

    kind: Literal["uv"]
    time: DayOrZero
    dose: float = Field(gt=0, le=20)
    death_fraction_per_med: float | None = Field(None, ge=0, le=1)
    apoptosis_delay: DayOrZero | None = None
    peak_time: Day | None = None
    proliferation_increase_per_med: float | None = Field(None, ge=0, le=10)
    shape: float | None = Field(None, gt=0, le=20)
    stem_cells: bool = True


SPECS = {"basal-loss": BasalLossSpec, "microneedle": MicroneedleSpec, "circadian": CircadianSpec,
         "tape-strip": TapeStripSpec, "dehydration": DehydrationSpec, "uv": UVSpec}
Perturbation = Annotated[Union[BasalLossSpec, MicroneedleSpec, CircadianSpec, TapeStripSpec, DehydrationSpec,
                               UVSpec], Field(discriminator="kind")]


class TissueScenario(_Strict):
    """One spatial-tissue experiment (see the module docstring for the TOML layout)."""

    title: str = ""
    tissue: TissueSpec = TissueSpec()
    perturbation: list[Perturbation] = []


def _prefixed(exc: InputError, prefix: str) -> InputError:
    out = InputError(f"{prefix}.{exc.field}", exc.value, exc.allowed)
    out.args = (f"{prefix}.{exc}",)
    return out


def tissue_scenario_from_dict(data: dict) -> TissueScenario:
    """Validate a tissue scenario given as nested dictionaries (e.g. parsed TOML); bad input → `InputError`."""
    from dermsim.epidermis.kinetics import list_presets

    if not isinstance(data, dict):
        raise InputError("scenario", data, "a table")
    raw = data.get("perturbation", [])
    if not isinstance(raw, list):
        raise InputError("perturbation", "a table", "an array of tables ([[perturbation]] entries)")
    specs = []
    for i, entry in enumerate(raw):
        where = f"perturbation[{i}]"
        if not isinstance(entry, dict):
            raise InputError(where, entry, "a table")
        kind = entry.get("kind")
        if kind is None:
            raise InputError(f"{where}.kind", None, " | ".join(KINDS), problem="missing")
        if kind not in SPECS:
            raise InputError(f"{where}.kind", kind, " | ".join(KINDS), KINDS)
        try:
            specs.append(SPECS[kind].model_validate(entry))
        except ValidationError as exc:
            raise _prefixed(input_error_from(exc, SPECS[kind]), where) from None
    try:
        scenario = TissueScenario.model_validate({**data, "perturbation": specs})
    except ValidationError as exc:
        raise input_error_from(exc, TissueScenario) from None
    presets = list_presets()
    if scenario.tissue.preset not in presets:
        raise InputError("tissue.preset", scenario.tissue.preset, ", ".join(presets), presets)
    if sum(isinstance(p, CircadianSpec) for p in scenario.perturbation) > 1:
        raise InputError("perturbation", "circadian", "at most one circadian entry")
    for i, p in enumerate(scenario.perturbation):
        if getattr(p, "time", 0.0) > scenario.tissue.duration:
            raise InputError(f"perturbation[{i}].time", f"{p.time:g} d",
                             f"a time inside the run (duration {scenario.tissue.duration:g} d)")
    _fate_rates(scenario.tissue)  # unknown rate names, bad values
    return scenario


def load_tissue_scenario(path: str | Path) -> TissueScenario:
    """Read and validate a tissue scenario TOML file."""
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        what = f"valid TOML ({exc})" if isinstance(exc, tomllib.TOMLDecodeError) else \
            f"a readable UTF-8 TOML file ({exc.__class__.__name__})"
        raise InputError("scenario file", str(path), what) from None
    return tissue_scenario_from_dict(data)


def _fate_rates(spec: TissueSpec):
    from dermsim.epidermis.kinetics import load_preset

    rates = load_preset(spec.preset)
    if spec.rates:
        try:
            rates = rates.replace(**spec.rates)
        except InputError as exc:
            raise _prefixed(exc, "tissue.rates") from None
    return rates


def tissue_parameters_for(spec: TissueSpec):
    """`lattice.TissueParameters` of a ``[tissue]`` table (preset, overrides, packaged data)."""
    from dermsim.epidermis.lattice import tissue_parameters

    overrides = {k: getattr(spec, k) for k in ("cell_spacing", "edge_speed", "migration_lag", "recruitment_radius",
                                               "progenitor_repair_divisions", "stem_self_renewal_in_repair",
                                               "recovery_threshold") if getattr(spec, k) is not None}
    if spec.repair_cycle_time is not None:
        overrides["repair_division_rate"] = 1 / spec.repair_cycle_time
        overrides["stem_repair_division_rate"] = 1 / spec.repair_cycle_time
    return tissue_parameters(_fate_rates(spec), spec.lattice_size, spec.time_step,
                             stem_fraction=spec.stem_fraction, **overrides)


# ------------------------------------------------------------------------------------------------------------------

@dataclass
class TissueResult:
    """Outcome of `simulate_tissue`: ``dataset`` (xarray, units on every variable) and ``summary`` (JSON-able)."""

    dataset: Any
    summary: dict = field(default_factory=dict)

    @property
    def provenance(self) -> dict:
        return json.loads(self.dataset.attrs.get("provenance", "{}"))

    def save(self, out_dir: str | Path, *, plots: bool = True) -> list[Path]:
        """Write tissue.nc, summary.json and (optionally) PNG plots into ``out_dir``, each file atomically."""
        from dermsim.results import _clean, atomic_write

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "tissue.nc", out / "summary.json"]
        encoding = {"clone_map": {"zlib": True, "complevel": 4}} if "clone_map" in self.dataset else {}
        atomic_write(written[0], lambda p: self.dataset.to_netcdf(p, engine="netcdf4", encoding=encoding))
        text = json.dumps(_clean(self.summary), indent=2, ensure_ascii=False)
        atomic_write(written[1], lambda p: Path(p).write_text(text + "\n", "utf-8"))
        if plots:
            from dermsim.epidermis import tissue_plots

            written += tissue_plots.save_all(self, out)
        return written


def simulate_tissue(scenario: TissueScenario | dict, progress: Callable[[float], Any] | None = None) -> TissueResult:
    """Run a tissue scenario: the spatial lattice with its perturbations; nothing is written.

    Parameters
    ----------
    scenario : TissueScenario or dict
        Validated scenario or a dictionary (validated here).
    progress : callable, optional
        Called with the fraction done (0–1).

    Returns
    -------
    TissueResult
        Dataset (time in days; cells per layer, thickness, basal density, recovery curves, label front, clone-map
        snapshots as (snapshot_time, y, x) integers) and a summary of key figures with parameter sources.
    """
    from dermsim.epidermis.lattice import run_lattice
    from dermsim.epidermis.perturb import build_protocol

    if isinstance(scenario, dict):
        scenario = tissue_scenario_from_dict(scenario)
    spec = scenario.tissue
    rates = _fate_rates(spec)
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
    summary = build_summary(run, rates, proto, scenario)
    return TissueResult(dataset=build_dataset(run, rates, proto, scenario), summary=summary)


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
    return {"cells_per_mm2": dict(zip(LAYER_NAMES, map(float, per_mm2))),
            "cells_per_basal_site": dict(zip(LAYER_NAMES, map(float, per_site))),
            "layer_thickness_um": dict(zip(LAYER_NAMES, map(float, th))),
            "viable_epidermis_thickness_um": float(th[:3].sum()), "epidermal_thickness_um": float(th.sum()),
            "stratum_corneum_cell_layers": float(stratum_corneum_layers(params, per_site[3]))}


LAYER_NAMES = ("basal", "spinous", "granular", "stratum_corneum")


def build_summary(run, rates, proto, scenario: TissueScenario) -> dict:
    """Key figures of a run (JSON-able): steady and final state, transit times, label front, recovery times,
    circadian phases, invariants, and every parameter with its source."""
    import dermsim

    p = run.params
    n_sp, n_gr, n_sc = p.transit_steps
    production = p.basal_production_rate
    supra = (n_sp + n_gr + n_sc) * p.time_step
    recovery = []
    for reg in run.regions:
        recovery.append({"kind": reg["kind"], "label": reg["label"], "time_day": reg["time"],
                         "sites": reg["n_sites"], "recovery_time_day": reg.get("recovery_time"),
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


def _var(dims, data, units: str, long_name: str, **attrs):
    return (dims, data, {"units": units, "long_name": long_name, **attrs})


def build_dataset(run, rates, proto, scenario: TissueScenario):
    """The run as an xarray Dataset (every variable and coordinate with ``units`` and ``long_name``)."""
    import xarray as xr

    import dermsim
    from dermsim.results import _clean

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
              "layer": _var(("layer",), list(LAYER_NAMES), "", "epidermal layer"),
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
                "provenance": json.dumps(_clean(provenance), ensure_ascii=False, default=str)}
    return ds
