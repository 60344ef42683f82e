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


def _range_text(low: str | None, high: str | None, allow_zero: bool) -> str:
    floor = "0" if allow_zero else None
    if low and high:
        return f"from {floor + ' or ' + low if floor else low} to {high}"
    if high:
        return f"{'≥ 0' if allow_zero else '> 0'} and at most {high}"
    return f"{'≥ ' + low if low else ('≥ 0' if allow_zero else '> 0')}"


def quantity_type(unit: str, *, allow_zero: bool = False, percent_density: bool = False, low: str | None = None,
                  high: str | None = None):
    """Pydantic validator: a quantity string parsed to a float in ``unit``, > 0 (or ≥ 0) and finite, inside the
    physical range [``low``, ``high``] (quantities with units, stated in the message).

    A bare number is refused (it would be read silently in the kernel unit; the message names the unit to
    write), except 0, which needs none; a pint Quantity is accepted.
    """
    lo = None if low is None else to_internal(low, "", unit)
    hi = None if high is None else to_internal(high, "", unit)
    span = _range_text(low, high, allow_zero)

    def parse(value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError(f"a quantity with its unit, such as '1 {unit}'")
        if isinstance(value, int | float):
            if value == 0 and allow_zero:
                return 0.0
            raise ValueError(f"a quantity with its unit, such as '{value:g} {unit}' (a bare number has no unit)")
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
        if not math.isfinite(x):
            raise ValueError(f"a finite quantity {span}")
        if allow_zero and x == 0:
            return 0.0
        if not (x > 0 and (lo is None or x >= lo * (1 - 1e-12)) and (hi is None or x <= hi * (1 + 1e-12))):
            raise ValueError(f"a quantity {span}")
        return x

    parse.kernel_unit = unit
    return BeforeValidator(parse)


# Physical ranges of every quantity a scenario may give (the message states them). They bound what is real, not
# what is usual, so that anything a scenario file can say is finite, fits in memory and keeps the solver
# conditioned; sizes that are real but too large for the machine are refused by `dermsim.budget` instead.
#: Lengths: 1 nm (a lipid bilayer is ~4 nm; thinner is not a layer) to 1 m (no skin, membrane or device is larger).
Length = Annotated[float, quantity_type("cm", low="1 nm", high="1 m")]
LengthOrZero = Annotated[float, quantity_type("cm", allow_zero=True, low="1 nm", high="1 m")]
#: Times: 1 ms (shorter than any step of these models) to 10 years (the longest run anyone asked for).
Time = Annotated[float, quantity_type("h", low="1e-3 s", high="10 year")]
TimeOrZero = Annotated[float, quantity_type("h", allow_zero=True, low="1e-3 s", high="10 year")]
#: First-order rates (clearance, evaporation): up to 1e4 /h (a half-life of 0.25 s, faster than any clearance by
#: blood: dermal blood flow renews the tissue water ~10 times an hour); below 1e-9 /h nothing happens in 10 years.
Rate = Annotated[float, quantity_type("1/h", allow_zero=True, low="1e-9 /h", high="1e4 /h")]
#: Diffusivities: 1e-20 cm²/s (a solute in a glass; it moves 1 nm in a decade) to 1 cm²/s (light gases in air).
Diffusivity = Annotated[float, quantity_type("cm^2/h", low="1e-20 cm^2/s", high="1 cm^2/s")]
#: Concentrations: 1e-15 g/mL (~1 molecule per 100 uL for a 10 kDa solute) to 25 g/mL (denser than any
#: substance: osmium is 22.6 g/cm³); 0 where allowed.
Concentration = Annotated[float, quantity_type("ug/cm^3", percent_density=True, low="1e-15 g/mL", high="25 g/mL")]
ConcentrationOrZero = Annotated[float, quantity_type("ug/cm^3", allow_zero=True, low="1e-15 g/mL", high="25 g/mL")]
#: Amounts per area: 1e-21 g/cm² (a few molecules per cm²) to 1 g/cm² (a 1 cm layer of product; more is an
#: infinite dose).
ArealMass = Annotated[float, quantity_type("g/cm^2", low="1e-21 g/cm^2", high="1 g/cm^2")]
#: Densities: 0.01 g/cm³ (foams, aerogels) to 25 g/cm³ (osmium 22.6).
Density = Annotated[float, quantity_type("g/cm^3", low="0.01 g/cm^3", high="25 g/cm^3")]
#: Volumes (receptor chambers): 1 nL (microfluidic chambers) to 10 L (a perfused organ's circulation).
Volume = Annotated[float, quantity_type("cm^3", low="1e-6 mL", high="10 L")]
#: Areas: 1 um² (a single channel) to 2 m² (a whole adult body surface is ~1.8 m²).
Area = Annotated[float, quantity_type("cm^2", low="1 um^2", high="2 m^2")]
#: Molar masses: 1 g/mol (hydrogen) to 1e7 g/mol (the largest proteins and complexes are a few MDa).
MolarMass = Annotated[float, quantity_type("g/mol", low="1 g/mol", high="1e7 g/mol")]
#: Masses (a needle's or a patch's load): 1 fg to 10 g (a patch carries micrograms to milligrams).
Mass = Annotated[float, quantity_type("ug", low="1e-9 ug", high="10 g")]
#: Speeds (air over the skin, a pen's hand speed): 1 um/s to 100 m/s (faster than a hurricane's wind).
Speed = Annotated[float, quantity_type("cm/h", low="1 um/s", high="100 m/s")]
#: Vapour pressures: up to 10 bar (a solute above 1 atm at skin temperature is a gas); 0 for none.
Pressure = Annotated[float, quantity_type("Pa", allow_zero=True, low="1e-20 Pa", high="1e6 Pa")]
#: Temperatures (melting points): 1 K to 4000 K (tungsten melts at 3695 K).
Temperature = Annotated[float, quantity_type("K", low="1 K", high="4000 K")]
#: Forces per needle: 1 uN to 100 N (a needle needs ~0.01-1 N; 100 N breaks any needle).
Force = Annotated[float, quantity_type("N", low="1e-6 N", high="100 N")]
#: Frequencies (pen strokes): 1e-3 Hz to 10 kHz (pens run at 50-150 Hz; ultrasonic devices at tens of kHz are
#: not needles).
Frequency = Annotated[float, quantity_type("1/h", low="1e-3 Hz", high="1e4 Hz")]
#: Numbers per area (channel densities): 1e-3 /cm² to 1e6 /cm² (one channel per 10 um × 10 um: denser is no
#: longer channels but a wound).
PerArea = Annotated[float, quantity_type("1/cm^2", low="1e-3 /cm^2", high="1e6 /cm^2")]
# epidermis (tissue kinetics in days and micrometres); times as above
Day = Annotated[float, quantity_type("day", low="1 s", high="10 year")]
DayOrZero = Annotated[float, quantity_type("day", allow_zero=True, low="1 s", high="10 year")]
Week = Annotated[float, quantity_type("week", low="1 s", high="10 year")]
WeekOrZero = Annotated[float, quantity_type("week", allow_zero=True, low="1 s", high="10 year")]
#: Epidermal lengths (cell spacing, patch radius, channel diameter): 0.1 um to 10 cm (the lattice is at most
#: 2048 cells of ~10 um a side, ~2 cm; a patch may cover it whole).
Micrometre = Annotated[float, quantity_type("um", low="0.1 um", high="10 cm")]
#: Edge (migration) speeds: 1e-3 um/day to 10 mm/day (keratinocytes crawl at most ~1 um/min, 1.4 mm/day).
MicrometrePerDay = Annotated[float, quantity_type("um/day", low="1e-3 um/day", high="10 mm/day")]


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
