"""Tissue scenario of `dermsim epidermis run`: a ``[tissue]`` table and ``[[perturbation]]`` entries, validated
strictly into a `TissueScenario` (`tissue_scenario_from_dict`, `load_tissue_scenario`); every field is optional (an
empty file is the human homeostasis run). `dermsim.epidermis.tissue_simulation.simulate_tissue` runs it.

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
    kind = "microneedle"                 # basal-loss | microneedle | circadian | tape-strip | dehydration | uv | active
    time = "7 d"
    density = "200 /cm^2"
    diameter = "150 um"
    sessions = 3
    interval = "28 d"

Quantities carry units; parameters a perturbation does not give take the packaged defaults
(``parameters/epidermis_tissue.toml``), which are listed with their sources in the summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field, ValidationError, field_validator, model_validator

from dermsim.epidermis.perturb import KINDS
from dermsim.errors import InputError
from dermsim.scenario.messages import input_error_from
from dermsim.scenario.permeation import MAX_PASSES
from dermsim.scenario.quantities import Clock, Day, DayOrZero, Hours, Micrometre, PerArea
from dermsim.scenario.quantities import MicrometrePerDay as Speed
from dermsim.scenario.edit import ScenarioMethods
from dermsim.scenario.spec import Spec as _Strict


class TissueSpec(_Strict):
    """The ``[tissue]`` table: preset, lattice, times, seed, labelling and optional parameter overrides."""

    preset: str = "human-interfollicular"
    rates: dict[str, float | str] | None = Field(None, description="values replacing the preset's fate rates")
    lattice_size: int | tuple[int, int] = Field(256, validate_default=True)  # validated: (ny, nx)
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


class MicroneedleSessionSpec(_Strict):
    """``kind = "microneedle"``: channels of given density and diameter through the epidermis, in one or more
    sessions (the permeation scenario's ``[microneedle]`` table is another model,
    `dermsim.scenario.permeation.MicroneedleTreatmentSpec`).

    Either ``density`` and ``diameter`` by hand, or a microneedle ``device`` (with ``passes``, ``site`` and,
    for pens, ``depth_setting``): then the density is the treatment's distinct channels per cm² and the
    diameter the channel's width at the basal layer (`dermsim.microneedles.plan_treatment`, conical channel).
    """

    kind: Literal["microneedle"]
    time: DayOrZero
    density: PerArea | None = None
    diameter: Micrometre | None = None
    device: str | None = None
    passes: int = Field(1, ge=1, le=MAX_PASSES)
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


def _channels_from_device(spec: "MicroneedleSessionSpec") -> tuple[float, float]:
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


class ActiveSpec(_Strict):
    """A topical active reaching the basal layer: basal division × ``factor`` over ``duration`` (the plateau
    response of dry air), from the active's cited concentration–response (`dermsim.protocols.actives`); ``name``
    labels it in the records."""

    kind: Literal["active"]
    name: str = Field(min_length=1, max_length=200)
    time: DayOrZero
    duration: Day
    factor: float = Field(gt=0, le=20)
    onset_time: Day
    recovery_time: Day


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


SPECS = {"basal-loss": BasalLossSpec, "microneedle": MicroneedleSessionSpec, "circadian": CircadianSpec,
         "tape-strip": TapeStripSpec, "dehydration": DehydrationSpec, "uv": UVSpec, "active": ActiveSpec}
Perturbation = Annotated[Union[BasalLossSpec, MicroneedleSessionSpec, CircadianSpec, TapeStripSpec,
                               DehydrationSpec, UVSpec, ActiveSpec], Field(discriminator="kind")]


class TissueScenario(ScenarioMethods, _Strict):
    """One spatial-tissue experiment (see the module docstring for the TOML layout)."""

    kind: Literal["tissue"] = "tissue"
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
        if not isinstance(kind, str) or kind not in SPECS:
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
    tissue_rates(scenario.tissue)  # unknown rate names, bad values
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


def tissue_rates(spec: TissueSpec):
    """`kinetics.FateRates` of a ``[tissue]`` table: the preset with the table's rate overrides (errors name
    ``tissue.rates.<field>``)."""
    from dermsim.epidermis.kinetics import load_preset

    rates = load_preset(spec.preset)
    if spec.rates:
        try:
            rates = rates.replace(**spec.rates)
        except InputError as exc:
            raise _prefixed(exc, "tissue.rates") from None
    return rates


def tissue_parameters_for(spec: TissueSpec):
    """`lattice_parameters.TissueParameters` of a ``[tissue]`` table (preset, overrides, packaged data)."""
    from dermsim.epidermis.lattice_parameters import tissue_parameters

    overrides = {k: getattr(spec, k) for k in ("cell_spacing", "edge_speed", "migration_lag", "recruitment_radius",
                                               "progenitor_repair_divisions", "stem_self_renewal_in_repair",
                                               "recovery_threshold") if getattr(spec, k) is not None}
    if spec.repair_cycle_time is not None:
        overrides["repair_division_rate"] = 1 / spec.repair_cycle_time
        overrides["stem_repair_division_rate"] = 1 / spec.repair_cycle_time
    return tissue_parameters(tissue_rates(spec), spec.lattice_size, spec.time_step,
                             stem_fraction=spec.stem_fraction, **overrides)
