"""Scenario: the validated description of one experiment (TOML, Python or CLI flags).

Quantities are written with units ("15 um", "1 mg/mL", "5 %", "24 h", "10 mg/cm^2") and parsed at this
boundary into internal units (cm, h, ug; see `dermsim.units`). Unknown keys, wrong units and values out of
range raise `InputError` with one line naming the field, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from dermsim.errors import InputError
from dermsim.units import to_internal


def _quantity(unit: str, *, allow_zero: bool = False, percent_density: bool = False):
    """Pydantic type: a quantity string/number parsed to a float in ``unit``, > 0 (or ≥ 0)."""

    def parse(value: Any) -> float:
        if isinstance(value, str) and percent_density and value.strip().endswith("%"):
            number = value.strip()[:-1].strip()
            try:
                x = float(number) * 1e4  # 1 % w/v = 10 mg/mL = 1e4 ug/cm3 (density 1 g/mL)
            except ValueError:
                raise ValueError(f"a number followed by %, or a quantity in {unit}") from None
        else:
            try:
                x = to_internal(value, "", unit)
            except InputError as exc:
                raise ValueError(exc.allowed) from None
        if not (x > 0 or (allow_zero and x == 0)):
            raise ValueError(f"a quantity {'≥' if allow_zero else '>'} 0 in {unit}")
        return x

    return BeforeValidator(parse)


Length = Annotated[float, _quantity("cm")]
Time = Annotated[float, _quantity("h")]
Rate = Annotated[float, _quantity("1/h", allow_zero=True)]
Diffusivity = Annotated[float, _quantity("cm^2/h")]
Concentration = Annotated[float, _quantity("ug/cm^3", percent_density=True)]
ConcentrationOrZero = Annotated[float, _quantity("ug/cm^3", allow_zero=True)]
ArealMass = Annotated[float, _quantity("g/cm^2")]
Density = Annotated[float, _quantity("g/cm^3")]
Volume = Annotated[float, _quantity("cm^3")]
Area = Annotated[float, _quantity("cm^2")]
MolarMass = Annotated[float, _quantity("g/mol")]
Mass = Annotated[float, _quantity("ug")]
TimeOrZero = Annotated[float, _quantity("h", allow_zero=True)]
Speed = Annotated[float, _quantity("cm/h")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CompoundSpec(_Strict):
    """A library compound by ``name``, a structure by ``smiles``, or properties by hand."""

    name: str | None = None
    smiles: str | None = None
    molecular_weight: MolarMass | None = None
    log_kow: float | None = Field(None, ge=-10, le=15)
    acid_base: Literal["neutral", "acid", "base", "ampholyte", "polyanion"] | None = None
    pka_acid: float | None = Field(None, ge=-5, le=20)
    pka_base: float | None = Field(None, ge=-5, le=20)


class LayerSpec(_Strict):
    """An explicit layer (synthetic membranes, verification): transport properties given directly."""

    name: str
    thickness: Length
    diffusivity: Diffusivity
    partition: float = Field(gt=0, description="layer/vehicle partition coefficient")
    clearance: Rate = 0.0


class SkinSpec(_Strict):
    site: str = "forearm"
    hydration: Literal["dry", "normal", "hydrated"] | None = None  # default: normal in vivo, hydrated in vitro
    age: float | None = Field(None, ge=0, le=120)
    thickness: Length | None = None
    include_hypodermis: bool = False
    layers: list[LayerSpec] | None = None


class FormulationSpec(_Strict):
    concentration: Concentration
    dose: Literal["infinite"] | ArealMass = "infinite"
    density: Density = 1.0
    vehicle_partition: float | None = Field(None, gt=0, description="vehicle/water partition (default from oil_fraction)")
    oil_fraction: float = Field(0.0, ge=0, le=1, description="volume fraction of an oil phase (emulsions)")
    ph: float | None = Field(None, ge=0, le=14)
    occluded: bool = False
    evaporation_rate: Rate = 0.0


class ReceptorSpec(_Strict):
    type: Literal["sink", "finite", "blood"] | None = None
    volume: Volume | None = None
    area: Area | None = None
    partition: float = Field(1.0, gt=0)


class TransportSpec(_Strict):
    model: str = "kasting-chen"


class SimulationSpec(_Strict):
    duration: Time = 24.0
    output_interval: Time | None = None
    profile_times: list[Time] | None = None
    basal_threshold: ConcentrationOrZero | None = None
    solver: Literal["auto", "exact", "tr-bdf2"] = "auto"
    resolution: float = Field(1.0, ge=0.25, le=16)


class MicroneedleSpec(_Strict):
    """A microneedle treatment before (or as) the formulation: the ``[microneedle]`` table.

    ``device`` is a library name (`dermsim devices list`) or a table describing a device by hand.
    ``mode``: "pretreatment" (poke, then apply the formulation ``delay`` later), "coated" or
    "dissolving" (the compound is carried by the needles: ``load_per_needle`` deposited in each channel;
    the formulation then gives only the vehicle's own dose, usually none).
    """

    device: str | dict[str, Any]
    passes: int = Field(1, gt=0)
    treated_area: Area = 1.0
    application: str | float | None = None   # hand-press | roller | pen | impact-applicator, or force per needle (N)
    depth_setting: Length | None = None      # pens: the needle length chosen
    speed: Speed | None = None               # pens: hand speed over the skin
    mode: Literal["pretreatment", "coated", "dissolving"] = "pretreatment"
    delay: TimeOrZero = 0.0
    load_per_needle: Mass | None = None
    occluded: bool | None = None             # default: the formulation's occlusion
    anti_inflammatory: bool = False
    sterilisation: str = "autoclave"
    reuse_count: int = Field(0, ge=0)
    compare_without_needles: bool = True


class Scenario(_Strict):
    """One permeation experiment. See README for the TOML layout."""

    title: str = ""
    compound: CompoundSpec = CompoundSpec(name="solute")
    skin: SkinSpec = SkinSpec()
    formulation: FormulationSpec
    receptor: ReceptorSpec = ReceptorSpec()
    transport: TransportSpec = TransportSpec()
    simulation: SimulationSpec = SimulationSpec()
    microneedle: MicroneedleSpec | None = None

    @field_validator("compound")
    @classmethod
    def _one_way(cls, spec: CompoundSpec) -> CompoundSpec:
        by_hand = spec.molecular_weight is not None
        if spec.smiles and by_hand:
            raise ValueError("either smiles or molecular_weight/log_kow, not both")
        return spec


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before[parse(), float]",) or str(part).startswith(("function-", "literal[", "float", "str")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        current = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            inner = [getattr(a, "__args__", ()) for a in args]
            current = next((b for group in inner for b in group
                            if isinstance(b, type) and issubclass(b, BaseModel)), None)
    return list(current.model_fields) if current is not None else []


def input_error_from(exc: ValidationError, model: type[BaseModel] = Scenario) -> InputError:
    """The first pydantic error as a one-line `InputError` (field, value, what is allowed)."""
    errors = exc.errors()
    err = errors[0]
    loc = _location(err["loc"])
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        keys = _allowed_keys(model, err["loc"])
        return InputError(loc, key, f"keys {', '.join(keys)}" if keys else "no further keys here",
                          choices=keys, problem="unknown key")
    if err["type"] == "missing":
        return InputError(loc, None, "a value is required", problem="missing")
    # a union (e.g. "infinite" or a quantity) reports one error per branch: join them
    allowed = []
    for e in errors:
        if _location(e["loc"]) == loc:
            msg = e["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
            if msg not in allowed:
                allowed.append(msg)
    if isinstance(value, dict):
        value = "a table"
    return InputError(loc or "scenario", value, " or ".join(allowed))


def scenario_from_dict(data: dict) -> Scenario:
    """Validate a scenario given as nested dictionaries (e.g. parsed TOML)."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise input_error_from(exc) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file."""
    import tomllib

    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("scenario file", str(path), f"a readable UTF-8 TOML file ({exc.__class__.__name__})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("scenario file", str(path), f"valid TOML ({exc})") from None
    return scenario_from_dict(data)
