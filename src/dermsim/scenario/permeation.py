"""The permeation scenario: compound, skin, formulation, receptor, transport, simulation and an optional
microneedle treatment (the ``[microneedle]`` table).

Quantities carry units ("15 um", "1 mg/mL", "5 %", "24 h", "10 mg/cm^2") and are parsed into kernel units by
the types of `dermsim.scenario.quantities`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field, PlainSerializer, field_validator, model_validator

from dermsim.chemistry.compound import ACID_BASE_KINDS
from dermsim.errors import InputError
from dermsim.formulation.concentration import StatedConcentration, StatedDose, parse_concentration, parse_dose

from dermsim.scenario.edit import ScenarioMethods
from dermsim.scenario.population import PopulationSpec
from dermsim.scenario.spec import Spec
from dermsim.scenario.quantities import (Area, ConcentrationOrZero, Density, Diffusivity, Force, Frequency,
                                         Length, LengthOrZero, Mass, MolarMass, Pressure, Rate, Speed, Temperature,
                                         Time, TimeOrZero, Volume)


#: Partition coefficients: 1e-10 to 1e10 (log K within ±10: log Kow spans −10…15 and a layer/vehicle partition
#: is a fraction of it; beyond, no measured value exists and the solver's conditioning fails).
PARTITION_RANGE = (1e-10, 1e10)
#: Passes (and reuses) of a microneedle device over one spot: at most 1000 (rollers are passed ~5-20 times; a
#: thousand passes abrade the skin rather than puncture it).
MAX_PASSES = 1000


class CompoundSpec(Spec):
    """A library compound by ``name``, a structure by ``smiles``, or properties by hand."""

    name: str | None = None
    smiles: str | None = None
    molecular_weight: MolarMass | None = None
    log_kow: float | None = Field(None, ge=-10, le=15)
    acid_base: Literal[ACID_BASE_KINDS] | None = None
    pka_acid: float | None = Field(None, ge=-5, le=20)
    pka_base: float | None = Field(None, ge=-5, le=20)
    melting_point: Temperature | None = None
    aqueous_solubility: ConcentrationOrZero | None = None


class LayerSpec(Spec):
    """An explicit layer (synthetic membranes, verification): transport properties given directly."""

    name: str
    thickness: Length
    diffusivity: Diffusivity
    partition: float = Field(ge=PARTITION_RANGE[0], le=PARTITION_RANGE[1], description="layer/vehicle partition coefficient")
    clearance: Rate = 0.0


class SkinSpec(Spec):
    site: str = "forearm"
    hydration: Literal["dry", "normal", "hydrated"] | None = None  # default: normal in vivo, hydrated in vitro
    age: float | None = Field(None, ge=0, le=120)
    thickness: Length | None = None
    include_hypodermis: bool = False
    #: 1 to 1000 layers: the stratum corneum has 15-25 cell layers; even one layer per lipid lamella stays below
    #: a thousand.
    layers: list[LayerSpec] | None = Field(None, min_length=1, max_length=1000)


#: Physical range of a stated concentration on each basis (value unit, low, high, as written in messages):
#: w/v from 1e-15 g/mL (~1 molecule per 100 uL of a 10 kDa solute) to 25 g/mL (denser than any substance);
#: w/w and v/v from 1e-15 (1 ppq) to 1 (the whole); molar from 1e-18 M (~1 molecule per 1.7 mL) to
#: 100 M (pure water is 55 M).
CONCENTRATION_RANGES = {"w/v": (1e-9, 2.5e7, "1e-15 g/mL to 25 g/mL"), "w/w": (1e-15, 1.0, "1e-13 % to 100 %"),
                        "v/v": (1e-15, 1.0, "1e-13 % to 100 %"), "molar": (1e-18, 100.0, "1e-18 M to 100 M")}
#: Physical range of a dose: 1e-21 g/cm² (a few molecules per cm²) to 1 g/cm² (a 1 cm layer of product: more is
#: an infinite dose); by volume 1e-21 to 1 mL/cm².
DOSE_RANGES = {"mass": (1e-21, 1.0, "1e-21 g/cm^2 to 1 g/cm^2"), "volume": (1e-21, 1.0, "1e-21 mL/cm^2 to 1 mL/cm^2")}


def _stated(parse, ranges: dict, example: str):
    """A concentration or dose as stated (with its unit: a bare number is refused), inside its physical range."""
    def check(value: Any):
        if isinstance(value, bool) or isinstance(value, int | float):
            raise ValueError(f"a quantity with its unit, such as {example} (a bare number has no unit)")
        try:
            stated = parse(value, field="")
        except InputError as exc:
            raise ValueError(exc.allowed) from None
        low, high, text = ranges.get(stated.basis, (0.0, math.inf, ""))
        if not low * (1 - 1e-12) <= stated.value <= high * (1 + 1e-12):
            raise ValueError(f"{text} ({stated.basis})")
        return stated
    return check


StatedConcentrationField = Annotated[StatedConcentration,
                                     BeforeValidator(_stated(parse_concentration, CONCENTRATION_RANGES,
                                                             "'5 %' (w/w) or '5 mg/mL'")),
                                     PlainSerializer(str, return_type=str)]
StatedDoseField = Annotated[StatedDose, BeforeValidator(_stated(parse_dose, DOSE_RANGES, "'2 mg/cm^2' or '10 uL/cm^2'")),
                            PlainSerializer(str, return_type=str)]


class FormulationSpec(Spec):
    """The applied product.

    ``concentration`` as formulators state it ("5 %" = w/w, "5 % w/v", "2 % v/v", "50 mg/g", "10 mM",
    "1 mg/mL"); ``dose`` "infinite" or an amount per area by mass ("2 mg/cm^2") or volume ("10 uL/cm^2").
    ``vehicle`` is a component ("ethanol") or volume fractions ({ ethanol = 0.7, water = 0.3 }) of the library
    of `dermsim vehicles list`; with it a finite dose dries, saturates and deposits (`vehicle_physics`).
    ``neat``: the compound itself is the product (concentration = its own density).
    """

    concentration: StatedConcentrationField | None = None
    dose: Literal["infinite"] | StatedDoseField = "infinite"
    density: Density | None = None
    vehicle: str | dict[str, float] | None = None
    neat: bool = False
    vehicle_physics: bool = True
    vehicle_partition: float | None = Field(None, ge=PARTITION_RANGE[0], le=PARTITION_RANGE[1],
                                            description="vehicle/water partition (default from oil_fraction)")
    oil_fraction: float = Field(0.0, ge=0, le=1, description="volume fraction of an oil phase (emulsions)")
    ph: float | None = Field(None, ge=0, le=14)
    occluded: bool = False
    evaporation_rate: Rate = 0.0
    solute_vapour_pressure: Pressure | None = None
    air_velocity: Speed | None = None
    donor_chamber_depth: LengthOrZero | None = None
    wash_time: Time | None = None
    wash_efficiency: float = Field(1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _consistent(self):
        if self.concentration is None and not self.neat:
            raise ValueError("concentration is required unless neat = true")
        if self.neat and self.concentration is not None:
            raise ValueError("either neat = true or a concentration, not both")
        if self.neat and self.dose == "infinite":
            raise ValueError("a neat liquid needs a finite dose (an amount per area)")
        if self.evaporation_rate > 0 and self.vehicle_physics and self.dose != "infinite":
            raise ValueError("evaporation_rate (a fixed first-order loss) goes with vehicle_physics = false; with "
                             "vehicle physics the solute evaporates from its vapour pressure (solute_vapour_pressure)")
        if self.vehicle is not None and (self.vehicle_partition is not None or self.oil_fraction > 0):
            raise ValueError("give the vehicle composition or vehicle_partition/oil_fraction, not both")
        return self


class ReceptorSpec(Spec):
    """In vitro: a perfect ``sink`` or a ``finite`` well-mixed receptor of ``volume`` under ``area``; in vivo:
    ``blood``. ``fluid`` is a preset (`pbs`, `pbs-bsa-4`, `ethanol-water-50`, `volpo-6`, ...) or a table
    ({ ethanol = "50 %", bsa = "4 %", surfactant = "oleth-20", surfactant_concentration = "6 %" }); it sets the
    receptor/water partition (unless ``partition`` is given) and the solubility behind the sink check."""

    type: Literal["sink", "finite", "blood"] | None = None
    volume: Volume | None = None
    area: Area | None = None
    partition: float | None = Field(None, ge=PARTITION_RANGE[0], le=PARTITION_RANGE[1])
    fluid: str | dict[str, Any] | None = None


class TransportSpec(Spec):
    model: str = "kasting-chen"


class SimulationSpec(Spec):
    duration: Time = 24.0
    output_interval: Time | None = None
    profile_times: list[Time] | None = None
    basal_threshold: ConcentrationOrZero | None = None
    solver: Literal["auto", "exact", "tr-bdf2"] = "auto"
    resolution: float = Field(1.0, ge=0.25, le=16)


def _application(value: Any) -> str | float:
    """A named application (kept as its name) or a force per needle parsed to N."""
    from dermsim.microneedles.insertion import APPLICATIONS

    if isinstance(value, str) and value.strip().lower() in APPLICATIONS:
        return value.strip().lower()
    allowed = f"one of {', '.join(APPLICATIONS)} or a force per needle such as '0.05 N'"
    if isinstance(value, bool) or not isinstance(value, int | float | str) or (
            isinstance(value, str) and not any(ch.isdigit() for ch in value)):
        import difflib

        close = difflib.get_close_matches(str(value), APPLICATIONS, n=1)
        raise ValueError(allowed + (f" (did you mean {close[0]!r}?)" if close else ""))
    try:
        return get_args(Force)[1].func(value)
    except ValueError as exc:
        raise ValueError(f"{allowed} ({exc})") from None


_application.kernel_unit = "N"          # a force is written back with its unit (`dermsim.scenario.edit`)
Application = Annotated[str | float, BeforeValidator(_application)]


class MicroneedleTreatmentSpec(Spec):
    """A microneedle treatment before (or as) the formulation: the ``[microneedle]`` table.

    ``device`` is a library name (`dermsim devices list`) or a table describing a device by hand.
    ``mode``: "pretreatment" (poke, then apply the formulation ``delay`` later) or a patch that carries
    the compound (`dermsim.microneedles.release`): "coated" (coating dissolves in ~20 s), "dissolving"
    (the needle ``matrix`` dissolves in minutes), "hydrogel" (hydrogel-forming needles swell and release a
    backing reservoir over hours), "hollow" (infusion over ``release_time``). The load is
    ``load_per_needle`` or ``load`` (the whole patch, spread over ``treated_area``). ``release_time``
    overrides the time to dissolve / infuse; ``wear_time`` is how long the needles stay in the skin
    (default: removed at once for pretreatment, coated and dissolving; the whole run for hydrogel and
    hollow).
    """

    device: str | dict[str, Any]
    passes: int = Field(1, gt=0, le=MAX_PASSES)
    treated_area: Area = 1.0
    application: Application | None = None   # hand-press | roller | pen | impact-applicator, or a force per needle
    depth_setting: Length | None = None      # pens: the needle length chosen
    speed: Speed | None = None               # pens: hand speed over the skin
    stroke_frequency: Frequency | None = None  # pens: strokes per time (default: the device's)
    mode: Literal["pretreatment", "coated", "dissolving", "hydrogel", "hollow"] = "pretreatment"
    delay: TimeOrZero = 0.0
    load_per_needle: Mass | None = None
    load: Mass | None = None                 # the whole patch's load (alternative to load_per_needle)
    matrix: str | None = None                # dissolving needles: the matrix polymer (release time)
    release_time: TimeOrZero | None = None   # time for the load to dissolve (coated, dissolving) or infuse (hollow)
    wear_time: TimeOrZero | None = None      # how long the needles stay in the skin
    occluded: bool | None = None             # default: the formulation's occlusion
    anti_inflammatory: bool = False
    sterilisation: str = "autoclave"
    reuse_count: int = Field(0, ge=0, le=MAX_PASSES)
    anaesthetic: str | None = None           # topical anaesthetic before treatment (recorded only)


class PermeationScenario(ScenarioMethods, Spec):
    """One permeation experiment, with or without a microneedle treatment. See README for the TOML layout."""

    kind: Literal["permeation"] = "permeation"
    title: str = ""
    compound: CompoundSpec = CompoundSpec(name="solute")
    skin: SkinSpec = SkinSpec()
    formulation: FormulationSpec
    receptor: ReceptorSpec = ReceptorSpec()
    transport: TransportSpec = TransportSpec()
    simulation: SimulationSpec = SimulationSpec()
    microneedle: MicroneedleTreatmentSpec | None = None
    population: PopulationSpec | None = None

    @field_validator("compound")
    @classmethod
    def _one_way(cls, spec: CompoundSpec) -> CompoundSpec:
        by_hand = spec.molecular_weight is not None
        if spec.smiles and by_hand:
            raise ValueError("either smiles or molecular_weight/log_kow, not both")
        return spec
