"""The pint-free fast path of `dermsim.units` must agree with pint exactly, unit by unit."""

import math

import pytest

from dermsim.errors import InputError
from dermsim.units import FAST_UNITS, KERNEL_UNITS, _fast_unit, quantity, registry, to_internal

BASE = {"[length]": ("cm", 0), "[time]": ("h", 1), "[mass]": ("ug", 2), "[substance]": ("mol", 3),
        "[temperature]": ("K", 4)}


def _pint_factor_and_dims(expr: str):
    q = registry().Quantity(1.0, expr)
    dims = [0, 0, 0, 0, 0]
    for name, power in q.dimensionality.items():
        dims[BASE[name][1]] = int(power)
    base = " * ".join(f"{BASE[n][0]}**{p}" for n, p in q.dimensionality.items()) or "dimensionless"
    return q.to(base).magnitude, tuple(dims)


@pytest.mark.parametrize("symbol", sorted(FAST_UNITS))
def test_every_table_unit_equals_pint(symbol):
    factor, dims = _pint_factor_and_dims(symbol.replace("μ", "µ"))
    assert FAST_UNITS[symbol][1] == dims
    assert math.isclose(FAST_UNITS[symbol][0], factor, rel_tol=1e-12)


@pytest.mark.parametrize("expr", ["ug/cm^2/h", "/week", "1/h", "mg/mL", "cm^2/s", "mg mL^-1", "ug / cm**3",
                                  "g/cm^2", "mol/L", "cm/h", "N", "mN", "um", "1/day", "mg/cm^2 / h"]
                         + sorted({u for system in KERNEL_UNITS.values() for u in system.values()}))
def test_compound_expressions_equal_pint(expr):
    fast = _fast_unit(expr)
    assert fast is not None
    factor, dims = _pint_factor_and_dims(expr if not expr.startswith("/") else "1" + expr)
    assert fast[1] == dims and math.isclose(fast[0], factor, rel_tol=1e-12)


@pytest.mark.parametrize("text,unit", [("1e-10 cm^2/s", "cm^2/h"), ("1.1 /week", "1/h"), ("1 mg/mL", "ug/cm^3"),
                                       ("15 um", "cm"), ("2 mg/cm^2", "g/cm^2"), ("0.03 N", "N"),
                                       ("-3 h", "min"), (".5 day", "h"), ("7 d", "week")])
def test_to_internal_values_equal_pint(text, unit):
    expected = quantity(text, "f", unit).to(unit).magnitude
    assert math.isclose(to_internal(text, "f", unit), expected, rel_tol=1e-12)


@pytest.mark.parametrize("expr", ["cm ^2", "kDa", "inch", "(cm)", "cm//h", "/", "a b", "%"])
def test_anything_else_is_left_to_pint(expr):
    assert _fast_unit(expr) is None


def test_fast_path_errors_name_field_and_units():
    with pytest.raises(InputError, match=r"^thickness: got '15 h'.*compatible with cm \(got h\)"):
        to_internal("15 h", "thickness", "cm")
    with pytest.raises(InputError, match="units missing"):
        to_internal("15", "thickness", "cm")
    # pint fallback keeps working and agrees (inch is not in the table)
    assert math.isclose(to_internal("1 inch", "thickness", "cm"), 2.54)


@pytest.mark.parametrize("symbol", sorted(FAST_UNITS))
def test_exact_table_rounds_to_the_float_table(symbol):
    from dermsim.units import FAST_EXACT

    assert FAST_EXACT[symbol][1] == FAST_UNITS[symbol][1]
    assert float(FAST_EXACT[symbol][0]) == FAST_UNITS[symbol][0]


def test_kernel_units_one_unit_per_dimension_and_exact_conversions():
    from dermsim.units import conversion_factor, convert, kernel_unit

    for system in KERNEL_UNITS:
        for unit in KERNEL_UNITS[system].values():
            assert kernel_unit(unit, system)[0] == unit
    assert kernel_unit("1/week") == ("1/h", 1 / 168)
    assert kernel_unit("1/week", "epidermis") == ("1/day", 1 / 7)
    assert kernel_unit("g/g") == ("", 1.0)
    assert kernel_unit("N")[0] == "cm*ug/h^2"
    assert conversion_factor("cm^2/s", "cm^2/h") == 3600.0 and conversion_factor("um", "cm") == 1e-4
    assert convert(3.5, "nm", "angstrom") == 35.0 and convert(25.6, "year", "day") == 25.6 * 365.25
    with pytest.raises(InputError, match="cannot be converted"):
        convert(1.0, "um", "h")
