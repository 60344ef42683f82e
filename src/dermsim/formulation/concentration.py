"""Concentrations as formulators state them, and their conversion to a mass concentration (ug/cm³).

A stated concentration keeps its basis until the compound and the vehicle are known:

* ``w/v``  — mass per volume: "1 mg/mL", "5 % w/v" (1 % w/v = 1 g/100 mL = 1e4 ug/cm³), a number in ug/cm³;
* ``w/w``  — mass fraction: "5 %", "5 % w/w", "5 wt%", "50 mg/g"; c = w ρ with ρ the formulation density;
* ``v/v``  — volume fraction of a liquid solute: "5 % v/v"; c = φ ρ_solute (the solute's liquid density);
* ``molar`` — amount per volume: "10 mM", "250 uM", "0.1 M", "1 mmol/L"; c = M · MW.

A bare "%" is w/w, as on a cosmetic label (INCI percentages are by mass); for an aqueous vehicle of density
1 g/cm³ it equals w/v. More than 100 % (w/w or v/v) is refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from dermsim.errors import InputError

BASES = ("w/v", "w/w", "v/v", "molar")
_PERCENT = re.compile(r"^\s*([-+0-9.eE]+)\s*(?:%|percent|pct|wt\s*%|wt\.?\s*%)\s*(\(?\s*(w/w|w/v|v/v|m/m|m/v|wt)\s*\)?)?\s*$",
                      re.IGNORECASE)
_MOLAR = re.compile(r"^\s*([-+0-9.eE]+)\s*(M|mM|uM|µM|μM|nM|mol/L|mmol/L|umol/L|µmol/L|mol/l|mmol/l|umol/l)\s*$")
_MOLAR_FACTOR = {"M": 1.0, "mol/L": 1.0, "mol/l": 1.0, "mM": 1e-3, "mmol/L": 1e-3, "mmol/l": 1e-3,
                 "uM": 1e-6, "µM": 1e-6, "μM": 1e-6, "umol/L": 1e-6, "µmol/L": 1e-6, "umol/l": 1e-6, "nM": 1e-9}
_MASS_FRACTION = re.compile(r"^\s*([-+0-9.eE]+)\s*(mg/g|g/g|g/kg|ug/g|µg/g|ppm)\s*$")
_MASS_FRACTION_FACTOR = {"mg/g": 1e-3, "g/g": 1.0, "g/kg": 1e-3, "ug/g": 1e-6, "µg/g": 1e-6, "ppm": 1e-6}
ALLOWED = ("a concentration such as '5 %' (w/w), '5 % w/v', '2 % v/v', '50 mg/g', '10 mM', '250 uM' "
           "or '1 mg/mL'")


@dataclass(frozen=True)
class StatedConcentration:
    """A concentration on its stated basis.

    value : ug/cm³ (w/v), mass fraction (w/w), volume fraction (v/v) or mol/L (molar)
    basis : one of `BASES`
    text : the statement as given (kept for reports and to write the scenario back)
    """

    value: float
    basis: str
    text: str

    def __str__(self) -> str:
        return self.text


def _number(text: str, field: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise InputError(field, text, ALLOWED) from None
    return x


def parse_concentration(value: Any, field: str = "formulation.concentration") -> StatedConcentration:
    """Read a stated concentration (see the module docstring); numbers are ug/cm³ (the kernel unit).

    Raises
    ------
    InputError
        Not a concentration, not > 0 and finite, or more than 100 % w/w or v/v.
    """
    if isinstance(value, StatedConcentration):
        return value
    if isinstance(value, dict) and {"value", "basis"} <= set(value):
        return StatedConcentration(float(value["value"]), str(value["basis"]), str(value.get("text", "")))
    if isinstance(value, str):
        text = value.strip()
        if m := _PERCENT.match(text):
            x = _number(m.group(1), field) / 100.0
            basis = (m.group(3) or "w/w").lower().replace("m/m", "w/w").replace("m/v", "w/v").replace("wt", "w/w")
            if basis == "w/v":
                return _checked(StatedConcentration(x * 1e6, "w/v", text), field)
            return _checked(StatedConcentration(x, basis, text), field)
        if m := _MOLAR.match(text):
            return _checked(StatedConcentration(_number(m.group(1), field) * _MOLAR_FACTOR[m.group(2)], "molar", text),
                            field)
        if m := _MASS_FRACTION.match(text):
            x = _number(m.group(1), field) * _MASS_FRACTION_FACTOR[m.group(2)]
            return _checked(StatedConcentration(x, "w/w", text), field)
    from dermsim.units import to_internal

    try:
        x = to_internal(value, field, "ug/cm^3")
    except InputError:
        raise InputError(field, value, ALLOWED) from None
    return _checked(StatedConcentration(x, "w/v", value if isinstance(value, str) else f"{x!r} ug/cm^3"), field)


def _checked(c: StatedConcentration, field: str) -> StatedConcentration:
    if not (math.isfinite(c.value) and c.value > 0):
        raise InputError(field, c.text, "a finite concentration > 0")
    if c.basis in ("w/w", "v/v") and c.value > 1.0 + 1e-12:
        raise InputError(field, c.text, f"at most 100 % {c.basis} (a part cannot exceed the whole)")
    return c


def to_mass_concentration(c: StatedConcentration, *, molecular_weight: float | None, density: float,
                          solute_density: float | None = None, field: str = "formulation.concentration") -> float:
    """The stated concentration in ug/cm³.

    Parameters
    ----------
    molecular_weight : g/mol (molar statements)
    density : formulation density, g/cm³ (w/w statements)
    solute_density : liquid density of the solute, g/cm³ (v/v statements)
    """
    if c.basis == "w/v":
        return c.value
    if c.basis == "w/w":
        return c.value * density * 1e6
    if c.basis == "v/v":
        if solute_density is None:
            raise InputError(field, c.text, "a mass concentration ('% w/w', 'mg/mL'): % v/v needs the solute's "
                             "liquid density, which is not known for this compound")
        return c.value * solute_density * 1e6
    if molecular_weight is None:
        raise InputError(field, c.text, "a mass concentration: a molar concentration needs the compound's molecular weight")
    return c.value * molecular_weight * 1e3                                   # mol/L · g/mol = g/L = 1e3 ug/cm³


@dataclass(frozen=True)
class StatedDose:
    """An applied amount of formulation per area: ``value`` in g/cm² (basis "mass") or cm = cm³/cm²
    (basis "volume", e.g. "10 uL/cm^2"); ``text`` as given."""

    value: float
    basis: str
    text: str

    def __str__(self) -> str:
        return self.text

    def mass(self, density: float) -> float:
        """g/cm² (a volume per area times the formulation density in g/cm³)."""
        return self.value if self.basis == "mass" else self.value * density

    def volume(self, density: float) -> float:
        """cm³/cm² = cm."""
        return self.value if self.basis == "volume" else self.value / density


def parse_dose(value: Any, field: str = "formulation.dose") -> StatedDose:
    """An applied amount per area: a mass ("2 mg/cm^2"; a number is g/cm², the kernel unit) or a volume
    ("10 uL/cm^2", "5 mm^3/cm^2")."""
    from dermsim.units import to_internal

    if isinstance(value, StatedDose):
        return value
    if isinstance(value, dict) and {"value", "basis"} <= set(value):
        return StatedDose(float(value["value"]), str(value["basis"]), str(value.get("text", "")))
    allowed = "'infinite', a mass per area such as '2 mg/cm^2' or a volume per area such as '10 uL/cm^2'"
    for basis, unit in (("mass", "g/cm^2"), ("volume", "cm")):
        try:
            x = to_internal(value, field, unit)
        except InputError:
            continue
        if not (math.isfinite(x) and x > 0):
            raise InputError(field, value, "a finite amount > 0: " + allowed)
        text = value if isinstance(value, str) else f"{x!r} g/cm^2"
        return StatedDose(x, basis, text)
    raise InputError(field, value, allowed)
