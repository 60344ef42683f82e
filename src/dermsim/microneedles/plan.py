"""Plan a microneedle treatment: insertion depth, channel count, resealing and risk (no transport).

`plan_treatment` chains `insertion.insert` → `density.count_channels` → `resealing.resealing` →
`risk.assess_risk` for one device, skin and protocol; `TreatmentPlan.summary` is the JSON-able record the
``dermsim microneedle plan`` command prints and `dermsim.simulation` can store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dermsim.errors import InputError
from dermsim.microneedles.density import (ChannelCount, check_passes, count_channels, default_pen_speed,
                                          density_per_pass)
from dermsim.microneedles.insertion import UM, Insertion, insert
from dermsim.microneedles.resealing import Resealing, resealing
from dermsim.microneedles.risk import Risk, assess_risk

if TYPE_CHECKING:
    from dermsim.anatomy import Skin
    from dermsim.microneedles.devices import Device


@dataclass(frozen=True)
class TreatmentPlan:
    """A planned treatment and what it does to the skin.

    Parameters
    ----------
    device : the `Device`
    skin : the `dermsim.anatomy.Skin`
    insertion : channel geometry and layer reached (`Insertion`)
    channels : the `ChannelCount` (punctures, distinct channels, open area)
    channel_density : distinct channels per cm²
    total_channels : distinct channels over the treated area (–)
    open_area_fraction : fraction of the skin surface opened (–)
    resealing : `Resealing` kinetics
    risk : `Risk` summary
    protocol : the protocol as given (passes, area, application, depth, occlusion, age, …), JSON-able
    """

    device: Device
    skin: Skin
    insertion: Insertion
    channels: ChannelCount
    channel_density: float
    total_channels: float
    open_area_fraction: float
    resealing: Resealing
    risk: Risk
    protocol: tuple[tuple[str, Any], ...]

    def summary(self) -> dict[str, Any]:
        """JSON-able record: geometry (µm), channel counts, resealing (h), risk and sources.

        ``closure_half_life_h`` is the barrier (permeable-area, impedance) half-life that the clinical
        resealing studies call "micropore closure half-life"; ``physical_closure_half_life_h`` is the
        slower calcein/OCT closure.
        """
        ins, ch, rs, rk = self.insertion, self.channels, self.resealing, self.risk
        out: dict[str, Any] = {
            "device": self.device.name, "device_kind": self.device.kind, "site": self.skin.site,
            **dict(self.protocol),
            "nominal_length_um": ins.nominal_length / UM,
            "effective_depth_um": ins.effective_depth / UM,
            "channel_surface_diameter_um": ins.surface_diameter / UM,
            "depth_fraction": ins.depth_fraction,
            "insertion_force_per_needle_N": ins.insertion_force,
            "applied_force_per_needle_N": ins.applied_force,
            "pierces": ins.pierces,
            "deepest_layer_reached": ins.layer_reached,
            "reaches_capillary_loops": ins.reaches_capillary_loops,
            "capillary_loop_depth_um": None if ins.capillary_loop_depth is None else ins.capillary_loop_depth / UM,
            "skin_thickness_um": None if ins.skin_thickness is None else ins.skin_thickness / UM,
            "punctures_per_cm2_per_pass": ch.punctures_per_pass,
            "punctures_per_cm2": ch.punctures_per_area,
            "channels_per_cm2": self.channel_density,
            "total_punctures": ch.total_punctures,
            "total_channels": self.total_channels,
            "open_area_fraction": self.open_area_fraction,
            "closure_half_life_h": rs.half_life,
            "barrier_recovery_time_h": rs.barrier_recovery_time,
            "physical_closure_half_life_h": rs.physical_half_life,
            "physical_closure_time_h": rs.physical_closure_time,
            "mean_open_time_h": rs.mean_open_time,
            "bleeding_expected": rk.bleeding_expected,
            "capillary_strike_probability": rk.capillary_strike_probability,
            "expected_bleeding_points": rk.expected_bleeding_points,
            "pain_percent_of_26g_needle": 100 * rk.pain_fraction_of_26g,
            "pain_extrapolated": rk.pain_extrapolated,
            "needles_per_insertion_event": rk.needles_per_event,
            "infection_risk_index": rk.infection_risk_index,
            "infection_risk_index_meaning": "relative: 1 = 100 non-decontaminated punctures open 1 h on average; "
                                            "not an incidence",
            "worst_case_device_inoculum_cfu": rk.worst_case_inoculum_cfu,
            "sterilisation_log_reduction": rk.log_reduction,
            "wound_wall_area_cm2": rk.wound_wall_area,
            "wound_surface_area_cm2": rk.wound_surface_area,
            "home_use_flags": list(rk.home_use_flags),
            "anaesthetic": rk.anaesthetic,
            "anaesthetic_note": None if rk.anaesthetic is None else
            "recorded only: topical anaesthetic transport is not simulated by the plan",
        }
        sources = dict(ins.sources + rs.sources + rk.sources)
        sources.update({f"device.{k}": v for k, v in self.device.sources})
        out["sources"] = sources
        return out

    def describe(self) -> str:
        """A few lines of plain text for people."""
        s = self.summary()
        loops = s["capillary_loop_depth_um"]
        if s["reaches_capillary_loops"]:
            loop_text = f"reaches the capillary loops ({loops:.0f} um): ~{s['expected_bleeding_points']:.0f} bleeding points"
        elif self.skin.in_vitro:
            loop_text = "in vitro: no blood flow"
        elif loops is None:
            loop_text = "capillary-loop depth unknown"
        else:
            loop_text = f"capillary loops ({loops:.0f} um) not reached"
        depth_text = (f"channels {s['effective_depth_um']:.0f} um deep (nominal {s['nominal_length_um']:.0f} um), "
                      f"{s['channel_surface_diameter_um']:.0f} um wide, ending in the {s['deepest_layer_reached']}; "
                      if s["pierces"] else
                      f"needles do not pierce (need {s['insertion_force_per_needle_N']:.3g} N per needle); ")
        lines = [
            f"{s['device']} on {s['site']}: {s['passes']} pass(es) over {s['treated_area_cm2']:g} cm^2 "
            f"({s['application']})",
            "  " + depth_text + loop_text,
            f"  {s['punctures_per_cm2']:.4g} punctures/cm^2, {s['channels_per_cm2']:.4g} distinct channels/cm^2 "
            f"(open area {100 * s['open_area_fraction']:.3g} %), {s['total_channels']:,.0f} channels in total",
            f"  barrier half-life {s['closure_half_life_h']:.3g} h (recovered by ~{s['barrier_recovery_time_h']:.3g} h); "
            f"physical closure half-life {s['physical_closure_half_life_h']:.3g} h "
            f"(closed by ~{s['physical_closure_time_h']:.3g} h)",
            f"  pain ~{s['pain_percent_of_26g_needle']:.3g} % of a 26-G needle"
            f"{' (extrapolated)' if s['pain_extrapolated'] else ''}; infection index "
            f"{s['infection_risk_index']:.3g} (relative, not an incidence); wound wall area "
            f"{s['wound_wall_area_cm2']:.3g} cm^2",
        ]
        lines += [f"  ! {flag}" for flag in s["home_use_flags"]]
        return "\n".join(lines)


def _device(device: Device | str) -> Device:
    from dermsim.microneedles.devices import Device, get_device

    if isinstance(device, Device):
        return device
    return get_device(device)


def _skin(skin: Skin | str, age_years: float | None) -> Skin:
    from dermsim.anatomy import Skin, skin_for_site

    if isinstance(skin, Skin):
        return skin
    if not isinstance(skin, str):
        raise InputError("site", skin, "a body-site name or a Skin")
    return skin_for_site(skin, include_hypodermis=True, age=age_years)


def _positive(value: Any, field: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or value == float("inf"):
        raise InputError(field, value, f"a finite number > 0 in {unit} (quantities with units are parsed by "
                         "plan_from_table or the scenario)")
    return float(value)


def plan_from_spec(spec, skin: Skin, *, occluded: bool) -> TreatmentPlan:
    """The plan of a validated ``[microneedle]`` table (`dermsim.scenario.permeation.MicroneedleTreatmentSpec`)
    on ``skin``: the one path shared by scenarios, `dermsim microneedle plan` and `plan_from_table`.
    Errors name the field as ``microneedle.<field>``."""
    from dermsim.microneedles.devices import device_from_spec

    try:
        device = device_from_spec(spec.device) if isinstance(spec.device, dict) else spec.device
        return plan_treatment(device, skin, passes=spec.passes, treated_area_cm2=spec.treated_area,
                              application=spec.application, depth_setting_cm=spec.depth_setting,
                              occluded=occluded, age_years=skin.age, anti_inflammatory=spec.anti_inflammatory,
                              sterilisation=spec.sterilisation, reuse_count=spec.reuse_count,
                              pen_speed_cm_h=spec.speed, stroke_frequency_per_h=spec.stroke_frequency,
                              anaesthetic=spec.anaesthetic)
    except InputError as exc:
        if exc.field.startswith("microneedle.") or exc.field == "site":
            raise
        raise exc.prefixed("microneedle") from None


def plan_from_table(table: dict, site: str = "face", *, age: Any = None, occluded: bool = False) -> TreatmentPlan:
    """Plan a treatment given as a ``[microneedle]`` table with units, e.g.
    ``plan_from_table({"device": "roller-192-0.5mm", "passes": 15, "treated_area": "300 cm^2"}, "face")``.

    The table and the site/age go through the scenario's own validation (`MicroneedleTreatmentSpec`,
    `SkinSpec`), so the messages are those of a scenario file.
    """
    from pydantic import ValidationError

    from dermsim.anatomy import skin_for_site
    from dermsim.scenario.messages import input_error_from
    from dermsim.scenario.permeation import MicroneedleTreatmentSpec, SkinSpec

    try:
        spec = MicroneedleTreatmentSpec.model_validate(table)
    except ValidationError as exc:
        raise input_error_from(exc, MicroneedleTreatmentSpec).prefixed("microneedle") from None
    try:
        skin_spec = SkinSpec.model_validate({"site": site} | ({"age": age} if age is not None else {}))
    except ValidationError as exc:
        raise input_error_from(exc, SkinSpec) from None
    skin = skin_for_site(skin_spec.site, include_hypodermis=True, age=skin_spec.age)
    return plan_from_spec(spec, skin, occluded=occluded)


def plan_treatment(device: Device | str, skin: Skin | str, *, passes: int, treated_area_cm2: float,
                   application: str | float | None = None, depth_setting_cm: float | None = None,
                   occluded: bool = False, age_years: float | None = None, anti_inflammatory: bool = False,
                   sterilisation: str = "autoclave", reuse_count: int = 0, pen_speed_cm_h: float | None = None,
                   stroke_frequency_per_h: float | None = None, skin_bioburden: float = 1.0,
                   elderly_factor: float | None = None, anaesthetic: str | None = None) -> TreatmentPlan:
    """Plan one treatment session (numbers in kernel units; `plan_from_table` takes quantities with units).

    Parameters
    ----------
    device : a `Device` or a library device name
    skin : a `Skin`, or a body-site / membrane name (in vivo sites include the hypodermis)
    passes : passes over the treated area (whole number ≥ 1; stamps/arrays: applications per spot)
    treated_area_cm2 : cm²
    application : "hand-press" | "roller" | "pen" | "impact-applicator" or a force per needle (N);
        default: the device's usual application
    depth_setting_cm : cm; pens only, required for them
    occluded : site covered after treatment
    age_years : years, or None (slower resealing with age)
    anti_inflammatory : topical COX inhibitor after treatment (slower resealing)
    sterilisation : "autoclave" | "alcohol-wipe" | "none" — decontamination of the needles before this use
    reuse_count : earlier uses of the needles
    pen_speed_cm_h : cm/h; pens only
    stroke_frequency_per_h : 1/h; pens only
    skin_bioburden : relative bioburden factor for the infection index (–)
    elderly_factor : override of the thin elderly resealing factor (–)
    anaesthetic : topical anaesthetic name (recorded only)

    Raises
    ------
    InputError
        Unknown device or site, bad units, non-positive area or passes, depth longer than the skin, …
    """
    dev = _device(device)
    p = check_passes(passes)
    area = _positive(treated_area_cm2, "treated_area", "cm²")
    depth = None if depth_setting_cm is None else _positive(depth_setting_cm, "depth_setting", "cm")
    speed = None if pen_speed_cm_h is None else _positive(pen_speed_cm_h, "speed", "cm/h")
    freq = None if stroke_frequency_per_h is None else _positive(stroke_frequency_per_h, "stroke_frequency", "1/h")
    if age_years is not None and not (isinstance(age_years, int | float) and 0 <= age_years <= 120):
        raise InputError("age", age_years, "years between 0 and 120")
    if isinstance(reuse_count, bool) or not isinstance(reuse_count, int) or reuse_count < 0:
        raise InputError("reuse", reuse_count, "a whole number of earlier uses ≥ 0")
    sk = _skin(skin, age_years)
    ins = insert(dev, sk, application=application, depth_setting=depth)
    per_pass = density_per_pass(dev, speed=speed, stroke_frequency=freq) if ins.pierces else 0.0
    ch = count_channels(per_pass, passes=p, treated_area=area, channel_area=ins.surface_area)
    rs = resealing(ins.effective_depth, occluded=occluded, age_years=age_years, anti_inflammatory=anti_inflammatory,
                   elderly_factor=elderly_factor)
    rk = assess_risk(dev, ins, ch, rs, sterilisation=sterilisation, reuse_count=reuse_count,
                     skin_bioburden=skin_bioburden, anaesthetic=anaesthetic)
    protocol = (("passes", p), ("treated_area_cm2", area), ("application", ins.application),
                ("depth_setting_um", None if depth is None else depth / UM), ("occluded", bool(occluded)),
                ("age_years", age_years), ("anti_inflammatory", bool(anti_inflammatory)),
                ("sterilisation", sterilisation), ("reuse_count", reuse_count),
                ("pen_speed_cm_per_s", None if dev.kind != "pen" else (speed or default_pen_speed()) / 3600),
                ("stroke_frequency_hz", None if dev.kind != "pen" else (freq or dev.stroke_frequency) / 3600))
    return TreatmentPlan(device=dev, skin=sk, insertion=ins, channels=ch, channel_density=ch.channels_per_area,
                         total_channels=ch.total_channels, open_area_fraction=ch.open_area_fraction, resealing=rs,
                         risk=rk, protocol=protocol)

