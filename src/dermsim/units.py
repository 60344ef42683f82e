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
from fractions import Fraction
from functools import lru_cache
from typing import Any

from dermsim.errors import InputError

#: The kernel units, declared here and nowhere else. ``"transport"`` is the system of the permeation solver and
#: of every packaged parameter after `dermsim.parameters.load` (a parameter is converted, by its dimension, to
#: the unit listed here; a dimension not listed gets the product of the base units cm, h, ug, mol, K).
#: ``"epidermis"`` is the convention of the cell-kinetics and lattice models (length um, time day), which ask
#: a parameter for it explicitly (``p.to("1/day")``); needle mechanics likewise asks for ``p.to("N")``.
KERNEL_UNITS: dict[str, dict[str, str]] = {
    "transport": {
        # base units
        "length": "cm",
        "time": "h",
        "mass": "ug",
        "amount": "mol",
        "temperature": "K",
        # derived units
        "area": "cm^2",
        "volume": "cm^3",
        "volume_per_area": "cm",
        "per_length": "1/cm",
        "per_area": "1/cm^2",
        "concentration": "ug/cm^3",
        "areal_mass": "ug/cm^2",
        "diffusivity": "cm^2/h",
        "rate": "1/h",
        "velocity": "cm/h",
        "flux": "ug/cm^2/h",
        "molar_mass": "g/mol",
        "per_molar_mass": "mol/g",
        "volume_per_molar_mass": "cm^3*mol/g",
        "molar_volume": "cm^3/mol",
        "specific_volume": "cm^3/ug",
    },
    "epidermis": {
        "length": "um",
        "time": "day",
        "area": "um^2",
        "volume": "um^3",
        "per_area": "1/um^2",
        "rate": "1/day",
        "velocity": "um/day",
    },
}

#: Order of the dimension exponents used by the fast table: (length, time, mass, amount, temperature).
DIMENSIONS = ("length", "time", "mass", "amount", "temperature")
#: The base units of the transport kernel, in the order of `DIMENSIONS`.
BASE_UNITS = tuple(KERNEL_UNITS["transport"][d] for d in DIMENSIONS)


@lru_cache(maxsize=1)
def registry():
    """Return the process-wide pint UnitRegistry (created on first use)."""
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("percent_w_v = 10 * mg / mL = pct_wv")
    pint.set_application_registry(ureg)
    return ureg


#: symbol -> (factor to the kernel base units cm, h, ug, mol, K; exponents of (length, time, mass, amount,
#: temperature)). Only exact definitions (SI prefixes, clock units, the julian year of pint = 365.25 day, the
#: angstrom = 1e-10 m); anything else goes through pint.
FAST_UNITS: dict[str, tuple[float, tuple[int, int, int, int, int]]] = {}
for _names, _factor, _dims in (
        (("m", "meter", "metre"), 100.0, (1, 0, 0, 0, 0)),
        (("cm",), 1.0, (1, 0, 0, 0, 0)),
        (("mm",), 0.1, (1, 0, 0, 0, 0)),
        (("um", "µm", "μm", "micrometer", "micron"), 1e-4, (1, 0, 0, 0, 0)),
        (("nm",), 1e-7, (1, 0, 0, 0, 0)),
        (("angstrom",), 1e-8, (1, 0, 0, 0, 0)),
        (("s", "sec", "second", "seconds"), 1 / 3600, (0, 1, 0, 0, 0)),
        (("min", "minute", "minutes"), 1 / 60, (0, 1, 0, 0, 0)),
        (("h", "hr", "hour", "hours"), 1.0, (0, 1, 0, 0, 0)),
        (("d", "day", "days"), 24.0, (0, 1, 0, 0, 0)),
        (("week", "weeks"), 168.0, (0, 1, 0, 0, 0)),
        (("year", "years"), 365.25 * 24.0, (0, 1, 0, 0, 0)),
        (("kg",), 1e9, (0, 0, 1, 0, 0)),
        (("g", "gram"), 1e6, (0, 0, 1, 0, 0)),
        (("mg",), 1e3, (0, 0, 1, 0, 0)),
        (("ug", "µg", "μg"), 1.0, (0, 0, 1, 0, 0)),
        (("ng",), 1e-3, (0, 0, 1, 0, 0)),
        (("L", "l", "liter", "litre"), 1e3, (3, 0, 0, 0, 0)),
        (("mL", "ml"), 1.0, (3, 0, 0, 0, 0)),
        (("uL", "µL", "μL", "ul"), 1e-3, (3, 0, 0, 0, 0)),
        (("mol",), 1.0, (0, 0, 0, 1, 0)),
        (("mmol",), 1e-3, (0, 0, 0, 1, 0)),
        (("umol", "µmol"), 1e-6, (0, 0, 0, 1, 0)),
        (("K", "kelvin"), 1.0, (0, 0, 0, 0, 1)),
        (("Hz",), 3600.0, (0, -1, 0, 0, 0)),
        (("N", "newton"), 1e9 * 100.0 * 3600.0 ** 2, (1, -2, 1, 0, 0)),
        (("mN",), 1e6 * 100.0 * 3600.0 ** 2, (1, -2, 1, 0, 0)),
        (("Pa", "pascal"), 1e9 / 100.0 * 3600.0 ** 2, (-1, -2, 1, 0, 0)),
        (("kPa",), 1e12 / 100.0 * 3600.0 ** 2, (-1, -2, 1, 0, 0))):
    for _n in _names:
        FAST_UNITS[_n] = (_factor, _dims)

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")
_TERM = re.compile(r"^([A-Za-zµμ]+)(?:(?:\^|\*\*)([+-]?\d+))?$")
_SEPARATOR = re.compile(r"(\s*(?:/|·|(?<!\*)\*(?!\*))\s*|\s+)")  # "*" but not the "**" of a power


#: The same definitions as exact fractions (`FAST_UNITS` holds them rounded to float). Conversions between
#: parameter units (`convert`) multiply by the exactly computed ratio, rounded once: "um" -> "cm" is * 1e-4,
#: "cm^2/s" -> "cm^2/h" is * 3600, exactly as written by hand.
FAST_EXACT: dict[str, tuple[Fraction, tuple[int, int, int, int, int]]] = {}
for _names, _exact in (
        (("m", "meter", "metre"), Fraction(100)), (("cm",), Fraction(1)), (("mm",), Fraction(1, 10)),
        (("um", "µm", "μm", "micrometer", "micron"), Fraction(1, 10 ** 4)), (("nm",), Fraction(1, 10 ** 7)),
        (("angstrom",), Fraction(1, 10 ** 8)),
        (("s", "sec", "second", "seconds"), Fraction(1, 3600)), (("min", "minute", "minutes"), Fraction(1, 60)),
        (("h", "hr", "hour", "hours"), Fraction(1)), (("d", "day", "days"), Fraction(24)),
        (("week", "weeks"), Fraction(168)), (("year", "years"), Fraction(36525, 100) * 24),
        (("kg",), Fraction(10 ** 9)), (("g", "gram"), Fraction(10 ** 6)), (("mg",), Fraction(10 ** 3)),
        (("ug", "µg", "μg"), Fraction(1)), (("ng",), Fraction(1, 10 ** 3)),
        (("L", "l", "liter", "litre"), Fraction(10 ** 3)), (("mL", "ml"), Fraction(1)),
        (("uL", "µL", "μL", "ul"), Fraction(1, 10 ** 3)),
        (("mol",), Fraction(1)), (("mmol",), Fraction(1, 10 ** 3)), (("umol", "µmol"), Fraction(1, 10 ** 6)),
        (("K", "kelvin"), Fraction(1)), (("Hz",), Fraction(3600)),
        (("N", "newton"), Fraction(10 ** 11 * 3600 ** 2)), (("mN",), Fraction(10 ** 8 * 3600 ** 2)),
        (("Pa", "pascal"), Fraction(10 ** 7 * 3600 ** 2)), (("kPa",), Fraction(10 ** 10 * 3600 ** 2))):
    for _n in _names:
        FAST_EXACT[_n] = (_exact, FAST_UNITS[_n][1])


@lru_cache(maxsize=512)
def _fast_unit(text: str) -> tuple[float, tuple[int, ...]] | None:
    """Factor to kernel base units and dimension exponents of a unit expression, or None (use pint).

    Terms combine left to right as in pint: "ug/cm^2/h" = ug·cm⁻²·h⁻¹, "1/h" = "/h" = h⁻¹; a space or
    "*" multiplies.
    """
    return _parse_unit(text, FAST_UNITS, 1.0)


@lru_cache(maxsize=512)
def _exact_unit(text: str) -> tuple[Fraction, tuple[int, ...]] | None:
    """`_fast_unit` with exact fractions (`FAST_EXACT`), or None."""
    return _parse_unit(text, FAST_EXACT, Fraction(1))


def _parse_unit(text: str, table: dict, one):
    text = text.strip()
    if text.startswith("1/") or text.startswith("1 /"):
        text = text[1:].lstrip()
    factor, dims = one, (0, 0, 0, 0, 0)
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
        term = _fast_term(part, table)
        if term is None:
            return None
        factor *= term[0] ** sign
        dims = tuple(d + sign * e for d, e in zip(dims, term[1]))
    return factor, dims


def _fast_term(term: str, table: dict) -> tuple[float, tuple[int, ...]] | None:
    match = _TERM.match(term)
    if match is None or match.group(1) not in table:
        return None
    factor, dims = table[match.group(1)]
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
    if not all(isinstance(p, int | float) and p == p and abs(p) != float("inf") for p in q.dimensionality.values()):
        raise InputError(field, value, f"a quantity such as '1 {expected_unit}' (units with finite powers)")
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


# --------------------------------------------------------------------------------------------
# unit expressions by dimension (used by dermsim.parameters)

_PINT_DIMENSIONS = {"[length]": 0, "[time]": 1, "[mass]": 2, "[substance]": 3, "[temperature]": 4}


@lru_cache(maxsize=512)
def unit_factor(unit: str) -> tuple[float, tuple]:
    """(factor to the transport base units cm, h, ug, mol, K; exponents of `DIMENSIONS`) of a unit expression.

    ``""`` (and ``"1"``) is dimensionless. Plain expressions of `FAST_UNITS` are resolved without pint; anything
    else is parsed by pint. Raises `InputError` (field ``"unit"``) for an expression pint cannot parse, a
    dimension outside length/time/mass/amount/temperature, or an offset unit (degC).
    """
    text = unit.strip()
    if text in ("", "1"):
        return 1.0, (0, 0, 0, 0, 0)
    fast = _fast_unit(text)
    if fast is not None:
        return fast
    ureg = registry()
    import pint

    try:
        q = ureg.Quantity(1.0, text)
    except (pint.errors.PintError, TypeError, ValueError, AttributeError, AssertionError, SyntaxError) as exc:
        raise InputError("unit", unit, "a unit expression such as 'cm^2/s'", problem=f"cannot parse {unit!r}") \
            from exc
    dims = [0, 0, 0, 0, 0]
    for name, power in q.dimensionality.items():
        if name not in _PINT_DIMENSIONS:
            raise InputError("unit", unit, "units of length, time, mass, amount and temperature",
                             problem=f"{unit!r} has dimension {name}")
        dims[_PINT_DIMENSIONS[name]] = int(power) if float(power).is_integer() else power
    base = " * ".join(f"{BASE_UNITS[_PINT_DIMENSIONS[n]]} ** {p}" for n, p in q.dimensionality.items())
    if float(ureg.Quantity(0.0, text).to(base or "dimensionless").magnitude) != 0.0:
        raise InputError("unit", unit, "a multiplicative unit (K, not degC)", problem=f"{unit!r} has an offset")
    return float(q.to(base or "dimensionless").magnitude), tuple(dims)


def _compose(dims: tuple) -> str:
    """The product of the base units with exponents ``dims``, e.g. (1, -2, 1, 0, 0) -> "cm*ug/h^2"."""
    def term(symbol, power):
        power = abs(power)
        return symbol if power == 1 else f"{symbol}^{power}" if float(power).is_integer() else f"{symbol}^({power})"

    num = "*".join(term(u, p) for u, p in zip(BASE_UNITS, dims) if p > 0)
    den = "/".join(term(u, p) for u, p in zip(BASE_UNITS, dims) if p < 0)
    if not den:
        return num
    return f"{num or '1'}/{den}"


@lru_cache(maxsize=16)
def _kernel_by_dims(system: str) -> dict[tuple, str]:
    out: dict[tuple, str] = {}
    for kind, unit in KERNEL_UNITS[system].items():
        dims = unit_factor(unit)[1]
        if out.setdefault(dims, unit) != unit:
            raise AssertionError(f"KERNEL_UNITS[{system!r}]: {kind} = {unit!r} and {out[dims]!r} share a dimension")
    return out


def kernel_unit(unit: str, system: str = "transport") -> tuple[str, float]:
    """(kernel unit of the dimension of ``unit`` in ``system``, factor from ``unit`` to it).

    The kernel unit is the one `KERNEL_UNITS[system]` lists for that dimension; a dimension it does not list
    gets the product of the base units (transport: cm, h, ug, mol, K; dimensionless: ``""``).
    """
    factor, dims = unit_factor(unit)
    if not any(dims):
        return "", factor
    target = _kernel_by_dims(system).get(dims)
    if target is None:
        if system != "transport":
            raise InputError("unit", unit, f"a dimension listed in KERNEL_UNITS[{system!r}]")
        target = _compose(dims)
    return target, conversion_factor(unit, target)


def convert(value: float, from_unit: str, to_unit: str, field: str = "value") -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``; `InputError` if the dimensions differ."""
    return value * conversion_factor(from_unit, to_unit, field, value)


def conversion_factor(from_unit: str, to_unit: str, field: str = "value", value: Any = 1) -> float:
    """The factor from ``from_unit`` to ``to_unit`` (exact ratio rounded once when both are in the fast table)."""
    f_from, d_from = unit_factor(from_unit)
    f_to, d_to = unit_factor(to_unit)
    if d_from != d_to:
        raise InputError(field, f"{value} {from_unit}".strip(), f"units compatible with {to_unit or 'dimensionless'}",
                         problem=f"{from_unit or 'dimensionless'} cannot be converted to {to_unit or 'dimensionless'}")
    e_from = _exact_unit(from_unit.strip() if from_unit.strip() != "1" else "")
    e_to = _exact_unit(to_unit.strip() if to_unit.strip() != "1" else "")
    if e_from is not None and e_to is not None:
        return float(e_from[0] / e_to[0])
    return f_from / f_to
