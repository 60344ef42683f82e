"""Channel density and channel count of a microneedle treatment.

Punctures per unit area and pass (all areas cm², lengths cm, times h)::

    roller         n₁ = N / (π · D_drum · W_drum)       one drum turn covers π D W
    pen            n₁ = N · f / (v · w)                  f strokes per h, hand speed v (cm/h), swath w (cm)
    stamp / array  n₁ = N / A_array                      the area tiled once per pass

After P passes placed at random, n = P · n₁ punctures/cm². Channels of surface area a that overlap
merge (Boolean model with Poisson centres), so the open-area fraction is θ = 1 − exp(−n a) and the
count of distinct channels, taken as the number of non-overlapping channels with the same open area,
is n_d = θ / a (≈ n for n a ≪ 1, saturating at 1/a). For one pass of a regular array the Poisson
formula underestimates θ by a relative n a / 2 (< 1 % for n a < 0.02).
Example: a 192-needle 2 cm × 2 cm drum gives 192 / (π · 2 · 2) = 15.3 punctures/cm² per pass.
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
    from dermsim.microneedles.devices import Device


def _positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    ok = value >= 0 if allow_zero else value > 0
    if isinstance(value, bool) or not isinstance(value, int | float) or not ok or math.isnan(value):
        raise InputError(name, value, "a number ≥ 0" if allow_zero else "a number > 0")
    return float(value)


def roller_density_per_pass(needle_count: int, drum_diameter: float, drum_width: float) -> float:
    """Punctures per cm² in one roller pass: N / (π D W). ``drum_diameter``, ``drum_width`` in cm."""
    return _positive("needle_count", needle_count) / (
        math.pi * _positive("drum_diameter", drum_diameter) * _positive("drum_width", drum_width))


def pen_density_per_pass(needle_count: int, stroke_frequency: float, speed: float, swath_width: float) -> float:
    """Punctures per cm² in one pen pass: N f / (v w). ``stroke_frequency`` 1/h, ``speed`` cm/h, ``swath_width`` cm."""
    return (_positive("needle_count", needle_count) * _positive("stroke_frequency", stroke_frequency)
            / (_positive("speed", speed) * _positive("swath_width", swath_width)))


def stamp_density_per_application(needle_count: int, array_area: float) -> float:
    """Punctures per cm² of one stamp or array application: N / A (``array_area`` cm²)."""
    return _positive("needle_count", needle_count) / _positive("array_area", array_area)


def default_pen_speed() -> float:
    """cm/h, default hand speed of a pen (thin; see parameters/microneedle.toml)."""
    return parameters.entry(_RULES, "density/pen_hand_speed").to("cm/h")


def density_per_pass(device: Device, *, speed: float | None = None, stroke_frequency: float | None = None) -> float:
    """Punctures per cm² of ``device`` in one pass.

    Parameters
    ----------
    device : a `Device`
    speed : cm/h, pen hand speed (default from parameters; pens only)
    stroke_frequency : 1/h, pen stroke frequency (default: the device's; must lie in its range)
    """
    if device.kind != "pen":
        if speed is not None or stroke_frequency is not None:
            raise InputError("speed" if speed is not None else "stroke_frequency", speed or stroke_frequency,
                             f"only for pens ({device.name} is a {device.kind})")
        if device.kind == "roller":
            return roller_density_per_pass(device.needle_count, device.drum_diameter, device.drum_width)
        return stamp_density_per_application(device.needle_count, device.array_area)
    freq = device.stroke_frequency if stroke_frequency is None else stroke_frequency
    if stroke_frequency is not None and device.stroke_frequency_range is not None:
        lo, hi = device.stroke_frequency_range
        if not lo * (1 - 1e-9) <= stroke_frequency <= hi * (1 + 1e-9):
            raise InputError("stroke_frequency", f"{stroke_frequency / 3600:g} Hz",
                             f"between {lo / 3600:g} and {hi / 3600:g} Hz for {device.name}")
    return pen_density_per_pass(device.needle_count, freq, default_pen_speed() if speed is None else speed,
                                device.swath_width)


def open_area_fraction(punctures_per_area, channel_area):
    """θ = 1 − exp(−n a): open-area fraction of ``n`` punctures/cm² of channels of area ``a`` cm² (vectorised)."""
    n = np.asarray(punctures_per_area, dtype=float)
    a = np.asarray(channel_area, dtype=float)
    if np.any(n < 0) or np.any(a < 0) or np.any(np.isnan(n)) or np.any(np.isnan(a)):
        raise InputError("channel density", punctures_per_area, "densities and areas ≥ 0")
    return -np.expm1(-n * a)


def distinct_channels(punctures_per_area, channel_area):
    """n_d = θ / a: distinct (merged) channels per cm² (vectorised; n itself where a = 0)."""
    n = np.asarray(punctures_per_area, dtype=float)
    a = np.asarray(channel_area, dtype=float)
    theta = open_area_fraction(n, a)
    safe = np.where(a > 0, a, 1.0)
    return np.where(a > 0, theta / safe, n)


def check_passes(passes) -> int:
    """``passes`` as a whole number ≥ 1 (InputError otherwise; accepts "3")."""
    try:
        number = float(passes) if not isinstance(passes, bool) else float("nan")
    except (TypeError, ValueError):
        number = float("nan")
    if not (number >= 1 and number == int(number)):
        raise InputError("passes", passes, "a whole number of passes ≥ 1")
    return int(number)


@dataclass(frozen=True)
class ChannelCount:
    """Channels of a treatment.

    Parameters
    ----------
    punctures_per_pass : punctures per cm² in one pass (n₁)
    passes : P
    punctures_per_area : punctures per cm² in total (n = P n₁)
    channels_per_area : distinct channels per cm² (n_d)
    open_area_fraction : θ (–)
    channel_area : cm², surface area a of one channel
    treated_area : cm²
    """

    punctures_per_pass: float
    passes: int
    punctures_per_area: float
    channels_per_area: float
    open_area_fraction: float
    channel_area: float
    treated_area: float

    @property
    def total_punctures(self) -> float:
        return self.punctures_per_area * self.treated_area

    @property
    def total_channels(self) -> float:
        return self.channels_per_area * self.treated_area


def count_channels(punctures_per_pass: float, *, passes: int, treated_area: float,
                   channel_area: float) -> ChannelCount:
    """Punctures, distinct channels and open-area fraction after ``passes`` random passes.

    Parameters
    ----------
    punctures_per_pass : punctures per cm² per pass (≥ 0)
    passes : whole number ≥ 1
    treated_area : cm² (> 0)
    channel_area : cm², surface area of one channel (≥ 0; 0 when the needles do not pierce)
    """
    n1 = _positive("channel density", punctures_per_pass, allow_zero=True)
    p = check_passes(passes)
    area = _positive("treated_area", treated_area)
    a = _positive("channel_area", channel_area, allow_zero=True)
    n = p * n1
    return ChannelCount(punctures_per_pass=n1, passes=p, punctures_per_area=n,
                        channels_per_area=float(distinct_channels(n, a)),
                        open_area_fraction=float(open_area_fraction(n, a)), channel_area=a, treated_area=area)
