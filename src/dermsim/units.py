"""The one pint registry and the parsing of user quantities.

Quantities are parsed at the boundary ("15 um", "1 mg/mL", "24 h") and converted to dermsim's
internal kernel units, which are

    length cm · time h · mass ug  (so concentration ug/cm^3, flux ug/cm^2/h, D cm^2/h).

pint is imported lazily: `import dermsim` stays cheap. Importing pint and building its registry costs
about 0.4–0.7 s, more than a whole `dermsim run`, so plain strings made of the common units of this field
("15 um", "1e-10 cm^2/s", "1 mg/mL", "1.1 /week", "0.03 N") are converted by a small table of exact
factors (`FAST_UNITS`) and pint is loaded only for anything else (other units, prefixes, parentheses,
pint Quantity objects). The table is checked against pint unit by unit in ``tests/test_units.py``.
"""

from __future__ import annotations

import re
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


#: symbol -> (factor to the kernel base units cm, h, ug, mol; exponents of (length, time, mass, amount)).
#: Only exact definitions (SI prefixes and clock units); anything else goes through pint.
FAST_UNITS: dict[str, tuple[float, tuple[int, int, int, int]]] = {}
for _names, _factor, _dims in (
        (("m", "meter", "metre"), 100.0, (1, 0, 0, 0)),
        (("cm",), 1.0, (1, 0, 0, 0)),
        (("mm",), 0.1, (1, 0, 0, 0)),
        (("um", "µm", "μm", "micrometer", "micron"), 1e-4, (1, 0, 0, 0)),
        (("nm",), 1e-7, (1, 0, 0, 0)),
        (("s", "sec", "second", "seconds"), 1 / 3600, (0, 1, 0, 0)),
        (("min", "minute", "minutes"), 1 / 60, (0, 1, 0, 0)),
        (("h", "hr", "hour", "hours"), 1.0, (0, 1, 0, 0)),
        (("d", "day", "days"), 24.0, (0, 1, 0, 0)),
        (("week", "weeks"), 168.0, (0, 1, 0, 0)),
        (("kg",), 1e9, (0, 0, 1, 0)),
        (("g", "gram"), 1e6, (0, 0, 1, 0)),
        (("mg",), 1e3, (0, 0, 1, 0)),
        (("ug", "µg", "μg"), 1.0, (0, 0, 1, 0)),
        (("ng",), 1e-3, (0, 0, 1, 0)),
        (("L", "l", "liter", "litre"), 1e3, (3, 0, 0, 0)),
        (("mL", "ml"), 1.0, (3, 0, 0, 0)),
        (("uL", "µL", "μL", "ul"), 1e-3, (3, 0, 0, 0)),
        (("mol",), 1.0, (0, 0, 0, 1)),
        (("mmol",), 1e-3, (0, 0, 0, 1)),
        (("umol", "µmol"), 1e-6, (0, 0, 0, 1)),
        (("Hz",), 3600.0, (0, -1, 0, 0)),
        (("N", "newton"), 1e9 * 100.0 * 3600.0 ** 2, (1, -2, 1, 0)),
        (("mN",), 1e6 * 100.0 * 3600.0 ** 2, (1, -2, 1, 0))):
    for _n in _names:
        FAST_UNITS[_n] = (_factor, _dims)

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")
_TERM = re.compile(r"^([A-Za-zµμ]+)(?:(?:\^|\*\*)([+-]?\d+))?$")
_SEPARATOR = re.compile(r"(\s*(?:/|·|(?<!\*)\*(?!\*))\s*|\s+)")  # "*" but not the "**" of a power


@lru_cache(maxsize=512)
def _fast_unit(text: str) -> tuple[float, tuple[int, ...]] | None:
    """Factor to kernel base units and dimension exponents of a unit expression, or None (use pint).

    Terms combine left to right as in pint: "ug/cm^2/h" = ug·cm⁻²·h⁻¹, "1/h" = "/h" = h⁻¹; a space or
    "*" multiplies.
    """
    text = text.strip()
    if text.startswith("1/") or text.startswith("1 /"):
        text = text[1:].lstrip()
    factor, dims = 1.0, (0, 0, 0, 0)
    if not text:
        return factor, dims
    parts = _SEPARATOR.split(text)
    sign = 1
    for i, part in enumerate(parts):
        if i % 2:
            sign = -1 if part.strip() == "/" else 1
            continue
        if not part:
            if i == 0 and len(parts) > 1 and parts[1].strip() == "/":
                continue                      # leading "/": a reciprocal
            return None
        term = _fast_term(part)
        if term is None:
            return None
        factor *= term[0] ** sign
        dims = tuple(d + sign * e for d, e in zip(dims, term[1]))
    return factor, dims


def _fast_term(term: str) -> tuple[float, tuple[int, ...]] | None:
    match = _TERM.match(term)
    if match is None or match.group(1) not in FAST_UNITS:
        return None
    factor, dims = FAST_UNITS[match.group(1)]
    power = int(match.group(2) or 1)
    return factor ** power, tuple(d * power for d in dims)


def _fast_to_internal(value: str, field: str, expected_unit: str) -> float | None:
    """`to_internal` for plain strings of common units without loading pint; None when pint is needed."""
    number = _NUMBER.match(value)
    expected = _fast_unit(expected_unit)
    if number is None or expected is None:
        return None
    given = _fast_unit(number.group(2))
    if given is None:
        return None
    if given[1] != expected[1]:
        if not any(given[1]) and any(expected[1]):
            raise InputError(field, value, f"a quantity with units compatible with {expected_unit} (units missing)")
        raise InputError(field, value, f"units compatible with {expected_unit} (got {number.group(2)})")
    return float(number.group(1)) * given[0] / expected[0]


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
    if isinstance(value, str):
        fast = _fast_to_internal(value, field, expected_unit)
        if fast is not None:
            return fast
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float(quantity(value, field, expected_unit).to(expected_unit).magnitude)


def to_positive(value: Any, field: str, expected_unit: str, *, allow_zero: bool = False) -> float:
    """Like `to_internal` but rejects negative (and, unless allowed, zero) values."""
    x = to_internal(value, field, expected_unit)
    if not (x > 0 or (allow_zero and x == 0)) or x != x:
        bound = "≥ 0" if allow_zero else "> 0"
        raise InputError(field, value, f"a quantity {bound} in units compatible with {expected_unit}")
    return x
