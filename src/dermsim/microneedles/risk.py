"""Risks of a microneedle treatment: bleeding, pain, infection, wound area, home-use flags.

Rules (every constant with its source in ``parameters/microneedle.toml``):

* **Bleeding** — expected where channels reach the capillary loops (`Skin.capillary_loop_depth`). A channel
  whose diameter at the loop depth is D strikes a capillary (Poisson, density ρ = 14 /mm², diameter
  d_c = 15 µm; Blicharz 2018) with probability P = 1 − exp(−ρ π ((D + d_c)/2)²); bleeding points over an
  area A = distinct channels × P, capped by the distinct capillaries struck, ρ A (1 − exp(−n π ((D + d_c)/2)²)).
* **Pain** — Gill 2008 (single MNs 480–1450 µm, 5–50 needles, all 5–40 % of a 26-G hypodermic):
  pain / pain₂₆G = 0.05 · (L / 480 µm)^1.771 · (N / 5)^0.301 per application event, from "3× length → 7×
  pain" and "10× needles → ~2× pain"; the 5 % anchor at the smallest design is thin. N is the number of
  needles in the skin at once (rollers: one per row, thin; otherwise the device's needle count). Outside
  the tested ranges the value is flagged as extrapolated. Topical anaesthesia is recorded (``anaesthetic``)
  but not applied: its transport is simulated elsewhere.
* **Infection** — a relative index, not an incidence: (punctures / 100) · (mean open time / 1 h) ·
  bioburden factor · 10^(−LR), LR the log reduction of the device decontamination (autoclave 6, alcohol
  wipe 0.3, none 0). The worst-case device inoculum is 1e4 CFU per full set of needles × 10^(−LR)
  (Donnelly 2009, contaminated surface).
* **Wound area** — Σ channel wall area (cones: π r √(r² + d²)) and Σ channel surface area.
* **Home use** — nominal length above 1.0 mm, reuse of single-use needles, non-sterile device,
  alcohol-only decontamination (not sterilising), bleeding expected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dermsim import parameters
from dermsim.errors import InputError

_RULES = "microneedle"  # parameters/microneedle.toml, read through dermsim.parameters

if TYPE_CHECKING:
    from dermsim.microneedles.density import ChannelCount
    from dermsim.microneedles.devices import Device
    from dermsim.microneedles.insertion import Insertion
    from dermsim.microneedles.resealing import Resealing

STERILISATION = ("autoclave", "alcohol-wipe", "none")


@dataclass(frozen=True)
class Risk:
    """Risk summary of one treatment.

    Parameters
    ----------
    deepest_layer : layer the channels end in
    reaches_capillary_loops : bool, or None when the loop depth is unknown
    bleeding_expected : channels reach the capillary loops (in vivo)
    capillary_strike_probability : P per channel reaching the loops (–)
    expected_bleeding_points : over the treated area (–)
    pain_fraction_of_26g : pain relative to a 26-G hypodermic needle insertion (–)
    pain_extrapolated : outside Gill 2008's 480–1450 µm / 5–50 needles
    needles_per_event : N used for pain
    infection_risk_index : relative, index 1 = 100 non-decontaminated punctures open 1 h (not an incidence)
    worst_case_inoculum_cfu : CFU a surface-contaminated device would carry in (× 10^−LR)
    log_reduction : LR of the decontamination (–)
    wound_wall_area : cm², Σ channel wall area
    wound_surface_area : cm², Σ channel surface area (overlaps counted twice)
    home_use_flags : warnings, each with its source
    anaesthetic : name of a topical anaesthetic, recorded only
    sources : (parameter, source) pairs
    """

    deepest_layer: str | None
    reaches_capillary_loops: bool | None
    bleeding_expected: bool
    capillary_strike_probability: float
    expected_bleeding_points: float
    pain_fraction_of_26g: float
    pain_extrapolated: bool
    needles_per_event: int
    infection_risk_index: float
    worst_case_inoculum_cfu: float
    log_reduction: float
    wound_wall_area: float
    wound_surface_area: float
    home_use_flags: tuple[str, ...]
    anaesthetic: str | None
    sources: tuple[tuple[str, str], ...] = ()


def capillary_strike_probability(channel_diameter):
    """P(a channel of diameter D (cm) at the loop depth hits a capillary) = 1 − exp(−ρ π ((D + d_c)/2)²)."""
    d = np.asarray(channel_diameter, dtype=float)
    if np.any(d < 0) or np.any(np.isnan(d)):
        raise InputError("channel_diameter", channel_diameter, "a diameter ≥ 0 cm")
    rho = parameters.entry(_RULES, "bleeding/capillary_density").to("1/cm^2")
    dc = parameters.entry(_RULES, "bleeding/capillary_diameter").to("cm")
    return -np.expm1(-rho * math.pi * ((d + dc) / 2) ** 2)


def expected_bleeding_points(punctures_per_area, channels_per_area, channel_diameter, treated_area: float):
    """Bleeding holes: min(n_d A P, ρ A (1 − exp(−n π ((D + d_c)/2)²))) (vectorised).

    Distinct channels that strike at least one capillary (n_d A P), capped by the number of distinct
    capillaries struck, so dense, overlapping treatments never count more bleeding points than there are
    capillaries; for sparse channels both terms → n A P.

    Parameters
    ----------
    punctures_per_area : punctures reaching the loops per cm² (n)
    channels_per_area : distinct (merged) channels per cm² (n_d)
    channel_diameter : cm, channel diameter at the loop depth (D)
    treated_area : cm² (A)
    """
    n = np.asarray(punctures_per_area, dtype=float)
    nd = np.asarray(channels_per_area, dtype=float)
    d = np.asarray(channel_diameter, dtype=float)
    if np.any(n < 0) or np.any(nd < 0) or np.any(d < 0) or not treated_area > 0:
        raise InputError("bleeding", (punctures_per_area, channel_diameter), "densities, diameters ≥ 0 and an area > 0")
    rho = parameters.entry(_RULES, "bleeding/capillary_density").to("1/cm^2")
    dc = parameters.entry(_RULES, "bleeding/capillary_diameter").to("cm")
    capillaries_struck = rho * treated_area * -np.expm1(-n * math.pi * ((d + dc) / 2) ** 2)
    return np.minimum(nd * treated_area * capillary_strike_probability(d), capillaries_struck)


def pain_fraction(nominal_length, needles):
    """Pain relative to a 26-G hypodermic: 0.05 (L / 480 µm)^1.771 (N / 5)^0.301 (``nominal_length`` cm; vectorised)."""
    length = np.asarray(nominal_length, dtype=float)
    n = np.asarray(needles, dtype=float)
    if np.any(length <= 0) or np.any(n < 1):
        raise InputError("pain", (nominal_length, needles), "a length > 0 and at least one needle")
    ref_l = parameters.entry(_RULES, "pain/reference_length").to("cm")
    ref_n = parameters.entry(_RULES, "pain/reference_needles").to("")
    return (parameters.entry(_RULES, "pain/reference_fraction").to("")
            * (length / ref_l) ** parameters.entry(_RULES, "pain/length_exponent").to("")
            * (n / ref_n) ** parameters.entry(_RULES, "pain/number_exponent").to(""))


def pain_extrapolated(nominal_length: float, needles: int) -> bool:
    """True outside Gill 2008's tested 480–1450 µm and 5–50 needles."""
    lo = parameters.entry(_RULES, "pain/reference_length").to("cm")
    hi = parameters.entry(_RULES, "pain/max_tested_length").to("cm")
    n_lo = parameters.entry(_RULES, "pain/reference_needles").to("")
    n_hi = parameters.entry(_RULES, "pain/max_tested_needles").to("")
    return not (lo * (1 - 1e-9) <= nominal_length <= hi * (1 + 1e-9) and n_lo <= needles <= n_hi)


def log_reduction(sterilisation: str) -> float:
    """Log₁₀ reduction of a decontamination method ("autoclave", "alcohol-wipe", "none")."""
    if sterilisation not in STERILISATION:
        raise InputError("sterilisation", sterilisation, f"one of {', '.join(STERILISATION)}", choices=STERILISATION)
    return parameters.entry(_RULES, f"infection/log_reduction/{sterilisation}").to("")


def infection_risk_index(punctures: float, mean_open_time: float, sterilisation: str,
                         bioburden_factor: float = 1.0) -> float:
    """Relative infection index (not an incidence): (punctures/100)(τ/1 h) · bioburden · 10^(−LR).

    Parameters
    ----------
    punctures : total punctures (–)
    mean_open_time : h, ∫ open fraction dt of the barrier
    sterilisation : "autoclave" | "alcohol-wipe" | "none"
    bioburden_factor : skin/device bioburden relative to ordinary skin (–); raise it for e.g. active acne
    """
    if not punctures >= 0 or not mean_open_time >= 0:
        raise InputError("infection", (punctures, mean_open_time), "punctures ≥ 0 and an open time ≥ 0 h")
    if isinstance(bioburden_factor, bool) or not isinstance(bioburden_factor, int | float) or not bioburden_factor > 0:
        raise InputError("skin_bioburden", bioburden_factor, "a factor > 0 relative to ordinary skin")
    ref = (parameters.entry(_RULES, "infection/reference_punctures").to("")
           * parameters.entry(_RULES, "infection/reference_open_time").to("h"))
    return punctures * mean_open_time / ref * bioburden_factor * 10 ** (-log_reduction(sterilisation))


def needles_per_event(device: Device) -> int:
    """Needles in the skin at once: one per row for rollers with known rows, else all of them (thin)."""
    if device.kind == "roller" and device.needle_rows:
        return device.needle_rows
    return device.needle_count


def home_use_flags(device: Device, nominal_length: float, *, sterilisation: str, reuse_count: int,
                   bleeding_expected: bool) -> tuple[str, ...]:
    """Warnings for use outside a clinic, each citing its source."""
    flags = []
    limit = parameters.entry(_RULES, "home_use/max_needle_length").to("cm")
    if nominal_length > limit * (1 + 1e-9):
        flags.append(f"needle length {nominal_length * 10:g} mm above the {limit * 10:g} mm advised maximum for "
                     "home use (drpen.net needle-depth guide, manufacturer)")
    if reuse_count > 0 and device.single_use:
        flags.append(f"single-use needles reused {reuse_count} time(s): reuse of single-use equipment caused the "
                     "first documented HIV transmission via cosmetic injection services (CDC MMWR 2024;73(16):372)")
    if not device.sterile and sterilisation != "autoclave":
        flags.append("non-sterile device not sterilised before use (home rollers can only be disinfected: "
                     "alcohols are not sporicidal, Antimicrob Agents Chemother 2009 53:4778)")
    if sterilisation == "alcohol-wipe":
        flags.append("alcohol is not sporicidal and cannot reach sterility (SAL 1e-6); mycobacteria and spores "
                     "survive (Antimicrob Agents Chemother 2009 53:4778)")
    if bleeding_expected:
        flags.append("channels reach the capillary loops: pinpoint bleeding expected; blood-borne transmission "
                     "if needles are shared or reused")
    return tuple(flags)


def assess_risk(device: Device, insertion: Insertion, channels: ChannelCount, resealing: Resealing, *,
                sterilisation: str = "autoclave", reuse_count: int = 0, skin_bioburden: float = 1.0,
                anaesthetic: str | None = None) -> Risk:
    """Risk summary of a treatment.

    Parameters
    ----------
    device : the `Device`
    insertion : `Insertion` classified against the skin (`dermsim.microneedles.insertion.insert`)
    channels : `ChannelCount` of the treatment
    resealing : `Resealing` of its channels
    sterilisation : "autoclave" | "alcohol-wipe" | "none" (decontamination before this use)
    reuse_count : earlier uses of these needles (–)
    skin_bioburden : relative bioburden factor (–)
    anaesthetic : topical anaesthetic name (recorded; no effect here)
    """
    if isinstance(reuse_count, bool) or not isinstance(reuse_count, int) or reuse_count < 0:
        raise InputError("reuse", reuse_count, "a whole number of earlier uses ≥ 0")
    lr = log_reduction(sterilisation)
    punctures = channels.total_punctures
    bleeding = bool(insertion.reaches_capillary_loops)
    p_hit, points = 0.0, 0.0
    if bleeding:
        diameter = float(insertion.diameter_at(insertion.capillary_loop_depth))
        p_hit = float(capillary_strike_probability(diameter))
        points = float(expected_bleeding_points(channels.punctures_per_area, channels.channels_per_area, diameter,
                                                channels.treated_area))
    n_event = needles_per_event(device)
    pain = float(pain_fraction(insertion.nominal_length, n_event)) if insertion.pierces else 0.0
    device_sets = punctures / device.needle_count
    inoculum = device_sets * parameters.entry(_RULES, "infection/contaminated_inoculum_per_array").to("") * 10 ** (-lr)
    paths = ["pain/length_exponent", "pain/number_exponent", "pain/reference_fraction",
             f"infection/log_reduction/{sterilisation}", "infection/contaminated_inoculum_per_array",
             "infection/reference_punctures", "home_use/max_needle_length"]
    if bleeding:
        paths[:0] = ["bleeding/capillary_density", "bleeding/capillary_diameter"]
    return Risk(deepest_layer=insertion.layer_reached, reaches_capillary_loops=insertion.reaches_capillary_loops,
                bleeding_expected=bleeding, capillary_strike_probability=p_hit,
                expected_bleeding_points=points, pain_fraction_of_26g=pain,
                pain_extrapolated=insertion.pierces and pain_extrapolated(insertion.nominal_length, n_event),
                needles_per_event=n_event,
                infection_risk_index=infection_risk_index(punctures, resealing.mean_open_time, sterilisation,
                                                          skin_bioburden),
                worst_case_inoculum_cfu=inoculum, log_reduction=lr,
                wound_wall_area=punctures * insertion.wall_area, wound_surface_area=punctures * insertion.surface_area,
                home_use_flags=home_use_flags(device, insertion.nominal_length, sterilisation=sterilisation,
                                              reuse_count=reuse_count, bleeding_expected=bleeding),
                anaesthetic=anaesthetic, sources=parameters.cited(_RULES, *paths))
