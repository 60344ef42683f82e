"""The one pint registry and the parsing of user quantities.

Quantities are parsed at the boundary ("15 um", "1 mg/mL", "24 h") and converted to dermsim's
internal kernel units, which are

    length cm · time h · mass ug  (so concentration ug/cm^3, flux ug/cm^2/h, D cm^2/h).

pint is imported lazily: `import dermsim` stays cheap.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dermsim.errors import InputError

#: Internal (kernel) unit for each physical kind.
INTERNAL_UNITS = {
    "length": "cm",
    "time": "h",
    "mass": "ug",
    "concentration": "ug/cm^3",
    "areal_mass": "ug/cm^2",
    "diffusivity": "cm^2/h",
    "rate": "1/h",
    "velocity": "cm/h",
    "flux": "ug/cm^2/h",
    "molar_mass": "g/mol",
    "volume_per_area": "cm",
    "area": "cm^2",
    "volume": "cm^3",
}


@lru_cache(maxsize=1)
def registry():
    """Return the process-wide pint UnitRegistry (created on first use)."""
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("percent_w_v = 10 * mg / mL = pct_wv")
    pint.set_application_registry(ureg)
    return ureg


def quantity(value: Any, field: str, expected_unit: str) -> Any:
    """Parse ``value`` (string like ``"15 um"``, pint Quantity or bare number) as a pint Quantity.

    A bare number is taken to be in ``expected_unit``. Wrong dimensions raise `InputError`
    naming ``field``.
    """
    ureg = registry()
    import pint

    if isinstance(value, bool):
        raise InputError(field, value, f"a quantity in units compatible with {expected_unit}")
    if isinstance(value, int | float):
        return ureg.Quantity(float(value), expected_unit)
    try:
        q = ureg.Quantity(value) if isinstance(value, str) else value
        if not isinstance(q, ureg.Quantity):
            raise TypeError
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, TypeError,
            ValueError, AttributeError, AssertionError) as exc:
        raise InputError(field, value, f"a quantity such as '1 {expected_unit}'") from exc
    if q.dimensionless and not ureg.Quantity(1, expected_unit).dimensionless:
        raise InputError(field, value, f"a quantity with units compatible with {expected_unit} (units missing)")
    if not q.is_compatible_with(expected_unit):
        raise InputError(field, value, f"units compatible with {expected_unit} (got {q.units:~})")
    return q


def to_internal(value: Any, field: str, expected_unit: str) -> float:
    """Parse ``value`` and return its magnitude in ``expected_unit`` as a float."""
    return float(quantity(value, field, expected_unit).to(expected_unit).magnitude)


def to_positive(value: Any, field: str, expected_unit: str, *, allow_zero: bool = False) -> float:
    """Like `to_internal` but rejects negative (and, unless allowed, zero) values."""
    x = to_internal(value, field, expected_unit)
    if not (x > 0 or (allow_zero and x == 0)) or x != x:
        bound = "≥ 0" if allow_zero else "> 0"
        raise InputError(field, value, f"a quantity {bound} in units compatible with {expected_unit}")
    return x
