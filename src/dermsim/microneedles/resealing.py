"""Resealing of microneedle channels: barrier recovery and physical closure, first order.

Two measures of "closed" differ in the literature and are kept apart:

* **barrier (permeable area)** — impedance / TEWL; recovers in hours without occlusion (Gupta 2011:
  within 2 h), in days under occlusion (PMC8259462: half-life 20–26 h, closure 58–63 h). This is the
  measure of the drug-delivery window (Brogden, Kelchen and Milewski fit exponentials to it) and is what
  `Resealing.open_fraction` returns.
* **physical closure** — calcein / OCT; slower: Kalluri 2011 (rat) TEWL back in 4–5 h but pores closed only
  by 12 h (370 µm) and 18 h (770 µm); Donnelly 2014 TEWL back within 24 h while OCT still showed pores.

Model (t in h, depths in cm)::

    f(t)   = 2^(−t / t½)                               open fraction, barrier or physical
    t½,b   = t½,b0 · (d / d_b,ref)^α · F_age · F_ai    barrier half-life
    t½,p   = t½,p0 · (d / d_p,ref)^α · F_age · F_ai    physical half-life, non-occluded
    t½,p   = max(t½,p(non-occluded), t½,b)             occluded: a pore is not closed while it conducts
    t_c    = t½ · log₂(1 / f_c)                        closure / recovery time

t½,b0 = 2 h / log₂(1/f_c) non-occluded (Gupta 2011) or 23.25 h occluded (mean of PMC8259462's three sites);
t½,p0 = 18 h / log₂(1/f_c) (Kalluri 2011, 770 µm roller, d_p,ref = 152.5 µm); f_c = 0.164, the residual
fraction at which PMC8259462 called pores closed (mean closure time / mean half-life = 2.61 half-lives);
α = 0.553 from Kalluri's 12 h vs 18 h for 370 vs 770 µm needles; d_b,ref = 479 µm (thin: hand-press depth of
625 µm MNs, the midpoint of Kelchen 2016's lengths). F_age: 1 at 25.6 y rising linearly to the elderly
factor (thin, 2.0, a parameter) at 77.3 y (Kelchen 2016 ages; "significantly slower", no ratio read),
clipped outside. F_ai = 168/72 = 2.33 with an anti-inflammatory (diclofenac: naltrexone delivery 7 d vs
72 h, Brogden 2013). Needle number and cross-section also slow resealing (Gupta 2011, Kelchen 2016) but
are not quantified in the evidence and not modelled. Human data were preferred for the barrier; the
physical closure comes from rat, which heals faster than human (Andrews 2011 cautions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dermsim import parameters
from dermsim.errors import InputError

_RULES = "microneedle"  # parameters/microneedle.toml, read through dermsim.parameters

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Resealing:
    """Open-channel kinetics after a treatment.

    Parameters
    ----------
    half_life : h, barrier (permeable-area, impedance) half-life t½,b
    physical_half_life : h, physical closure half-life t½,p (calcein / OCT)
    closure_threshold : f_c, open fraction counted as closed (–)
    occluded : whether the treated site is occluded
    age_factor : F_age (–)
    anti_inflammatory_factor : F_ai (–), 1 without co-treatment
    size_factor_barrier, size_factor_physical : (d / d_ref)^α (–)
    sources : (parameter, source) pairs
    """

    half_life: float
    physical_half_life: float
    closure_threshold: float
    occluded: bool
    age_factor: float
    anti_inflammatory_factor: float
    size_factor_barrier: float
    size_factor_physical: float
    sources: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def _fraction(t_h, half_life: float):
        t = np.asarray(t_h, dtype=float)
        if np.any(t < 0) or np.any(np.isnan(t)):
            raise InputError("time", t_h, "times ≥ 0 h after the treatment")
        if half_life <= 0:  # no channels were made
            return np.where(t > 0, 0.0, 1.0)
        return np.exp(-LN2 * t / half_life)

    def open_fraction(self, t_h):
        """Barrier (permeable-area) open fraction at ``t_h`` hours after treatment (vectorised)."""
        return self._fraction(t_h, self.half_life)

    def physical_open_fraction(self, t_h):
        """Physically open (not yet closed over) fraction at ``t_h`` hours after treatment (vectorised)."""
        return self._fraction(t_h, self.physical_half_life)

    @property
    def barrier_recovery_time(self) -> float:
        """h until the permeable area falls to the closure threshold."""
        return self.half_life * math.log2(1 / self.closure_threshold)

    @property
    def physical_closure_time(self) -> float:
        """h until the physically open fraction falls to the closure threshold."""
        return self.physical_half_life * math.log2(1 / self.closure_threshold)

    @property
    def mean_open_time(self) -> float:
        """h, ∫ f dt of the barrier open fraction = t½ / ln 2."""
        return self.half_life / LN2


def age_factor(age_years: float | None, elderly_factor: float | None = None) -> float:
    """F_age: 1 at or below the young age, ``elderly_factor`` at or above the elderly age, linear between.

    Parameters
    ----------
    age_years : years, or None (factor 1)
    elderly_factor : (–), default from parameters (thin: 2.0)
    """
    if age_years is None:
        return 1.0
    if isinstance(age_years, bool) or not isinstance(age_years, int | float) or not 0 <= age_years <= 130:
        raise InputError("age", age_years, "an age in years between 0 and 130")
    factor = parameters.entry(_RULES, "resealing/elderly_factor").to("") if elderly_factor is None else elderly_factor
    if not factor >= 1:
        raise InputError("elderly_factor", factor, "a factor ≥ 1 (closure is slower in the elderly)")
    young = parameters.entry(_RULES, "resealing/young_age").to("year")
    old = parameters.entry(_RULES, "resealing/elderly_age").to("year")
    weight = min(max((age_years - young) / (old - young), 0.0), 1.0)
    return 1.0 + (factor - 1.0) * weight


def resealing(channel_depth: float, *, occluded: bool = False, age_years: float | None = None,
              anti_inflammatory: bool = False, elderly_factor: float | None = None) -> Resealing:
    """Resealing kinetics of channels of depth ``channel_depth`` (cm) under the given conditions.

    Parameters
    ----------
    channel_depth : cm, effective channel depth (0 when the needles did not pierce: half-lives 0)
    occluded : site covered (patch, occlusive dressing) after treatment
    age_years : years, or None
    anti_inflammatory : topical COX inhibitor (e.g. diclofenac) after treatment
    elderly_factor : override of the thin elderly slow-down factor (–)
    """
    if isinstance(channel_depth, bool) or not isinstance(channel_depth, int | float) or not channel_depth >= 0:
        raise InputError("channel_depth", channel_depth, "a depth ≥ 0 cm")
    f_c = parameters.entry(_RULES, "resealing/closure_threshold").to("")
    halvings = math.log2(1 / f_c)
    alpha = parameters.entry(_RULES, "resealing/size_exponent").to("")
    f_age = age_factor(age_years, elderly_factor)
    f_ai = parameters.entry(_RULES, "resealing/anti_inflammatory_factor").to("") if anti_inflammatory else 1.0
    size_b = (channel_depth / parameters.entry(_RULES, "resealing/barrier_reference_depth").to("cm")) ** alpha
    size_p = (channel_depth / parameters.entry(_RULES, "resealing/physical_reference_depth").to("cm")) ** alpha
    if occluded:
        barrier0 = parameters.entry(_RULES, "resealing/occluded_barrier_half_life").to("h")
    else:
        barrier0 = parameters.entry(_RULES, "resealing/non_occluded_barrier_recovery_time").to("h") / halvings
    physical0 = parameters.entry(_RULES, "resealing/non_occluded_physical_closure_time").to("h") / halvings
    common = f_age * f_ai
    barrier = barrier0 * size_b * common
    physical = physical0 * size_p * common
    if occluded:
        physical = max(physical, barrier)
    paths = ["resealing/closure_threshold", "resealing/size_exponent", "resealing/barrier_reference_depth",
             "resealing/non_occluded_physical_closure_time", "resealing/physical_reference_depth",
             "resealing/occluded_barrier_half_life" if occluded else "resealing/non_occluded_barrier_recovery_time"]
    if age_years is not None:
        paths += ["resealing/elderly_factor", "resealing/young_age", "resealing/elderly_age"]
    if anti_inflammatory:
        paths.append("resealing/anti_inflammatory_factor")
    return Resealing(half_life=barrier, physical_half_life=physical, closure_threshold=f_c, occluded=bool(occluded),
                     age_factor=f_age, anti_inflammatory_factor=f_ai, size_factor_barrier=size_b,
                     size_factor_physical=size_p, sources=parameters.cited(_RULES, *paths))
