"""Quantity types of the scenario: strings with units parsed once, here, into kernel units.

Each type is a pydantic field type that accepts a quantity string ("15 um", "1 mg/mL", "24 h"), a pint
Quantity or a number already in the kernel unit, and yields a float in the kernel unit named by the type
(`dermsim.units.KERNEL_UNITS`). Model code downstream receives numbers only.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator

from dermsim.errors import InputError
from dermsim.units import to_internal

#: 1 % w/v = 1 g/100 mL = 1e4 ug/cm³ (for a vehicle of density 1 g/mL, also 1 % w/w).
PERCENT_IN_UG_PER_CM3 = 1e4


def quantity_type(unit: str, *, allow_zero: bool = False, percent_density: bool = False):
    """Pydantic validator: a quantity string/number parsed to a float in ``unit``, > 0 (or ≥ 0)."""

    def parse(value: Any) -> float:
        if isinstance(value, str) and percent_density and value.strip().endswith("%"):
            number = value.strip()[:-1].strip()
            try:
                x = float(number) * PERCENT_IN_UG_PER_CM3
            except ValueError:
                raise ValueError(f"a number followed by %, or a quantity in {unit}") from None
        else:
            try:
                x = to_internal(value, "", unit)
            except InputError as exc:
                raise ValueError(exc.allowed) from None
        if not (x > 0 or (allow_zero and x == 0)):
            raise ValueError(f"a quantity {'≥' if allow_zero else '>'} 0 in {unit}")
        if not math.isfinite(x):
            raise ValueError(f"a finite quantity in {unit}")
        return x

    return BeforeValidator(parse)


Length = Annotated[float, quantity_type("cm")]
Time = Annotated[float, quantity_type("h")]
TimeOrZero = Annotated[float, quantity_type("h", allow_zero=True)]
Rate = Annotated[float, quantity_type("1/h", allow_zero=True)]
Diffusivity = Annotated[float, quantity_type("cm^2/h")]
Concentration = Annotated[float, quantity_type("ug/cm^3", percent_density=True)]
ConcentrationOrZero = Annotated[float, quantity_type("ug/cm^3", allow_zero=True)]
ArealMass = Annotated[float, quantity_type("g/cm^2")]
Density = Annotated[float, quantity_type("g/cm^3")]
Volume = Annotated[float, quantity_type("cm^3")]
Area = Annotated[float, quantity_type("cm^2")]
MolarMass = Annotated[float, quantity_type("g/mol")]
Mass = Annotated[float, quantity_type("ug")]
Speed = Annotated[float, quantity_type("cm/h")]
Force = Annotated[float, quantity_type("N")]
Frequency = Annotated[float, quantity_type("1/h")]
PerArea = Annotated[float, quantity_type("1/cm^2")]
# epidermis (tissue kinetics in days and micrometres)
Day = Annotated[float, quantity_type("day")]
DayOrZero = Annotated[float, quantity_type("day", allow_zero=True)]
Week = Annotated[float, quantity_type("week")]
WeekOrZero = Annotated[float, quantity_type("week", allow_zero=True)]
Micrometre = Annotated[float, quantity_type("um")]
MicrometrePerDay = Annotated[float, quantity_type("um/day")]


def _clock(value: Any) -> float:
    """Clock time in h from "HH:MM", a quantity ("23.5 h") or a number of hours; result in [0, 24)."""
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
    try:
        return to_internal(value, "", "h")
    except InputError as exc:
        raise ValueError(exc.allowed) from None


Clock = Annotated[float, BeforeValidator(_clock)]
Hours = Annotated[float, BeforeValidator(_signed_hours)]
