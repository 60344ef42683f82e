"""Concentrations and doses as formulators state them (`dermsim.formulation.concentration`)."""

import pytest

from dermsim.errors import InputError
from dermsim.formulation.concentration import parse_concentration, parse_dose, to_mass_concentration


@pytest.mark.parametrize("text, basis, value", [
    ("5 %", "w/w", 0.05), ("5 % w/w", "w/w", 0.05), ("5%w/w", "w/w", 0.05), ("5 % (w/w)", "w/w", 0.05),
    ("5 wt%", "w/w", 0.05), ("5 percent", "w/w", 0.05), ("50 mg/g", "w/w", 0.05), ("2 % v/v", "v/v", 0.02),
    ("5 % w/v", "w/v", 5e4), ("1 mg/mL", "w/v", 1e3), ("10 mM", "molar", 1e-2), ("250 uM", "molar", 2.5e-4),
    ("250 µM", "molar", 2.5e-4), ("0.1 M", "molar", 0.1), ("1 mmol/L", "molar", 1e-3), (1000.0, "w/v", 1000.0),
])
def test_each_statement_keeps_its_basis(text, basis, value):
    c = parse_concentration(text)
    assert c.basis == basis and c.value == pytest.approx(value, rel=1e-12)


def test_conversion_to_mass_concentration_uses_density_molecular_weight_and_solute_density():
    # 5 % w/w in ethanol (0.785 g/cm³) = 0.05 * 0.785 g/cm³ = 39 250 ug/cm³
    assert to_mass_concentration(parse_concentration("5 % w/w"), molecular_weight=None, density=0.785) == pytest.approx(39250)
    # 10 mM of caffeine (194.19 g/mol) = 1.9419 g/L = 1941.9 ug/cm³
    assert to_mass_concentration(parse_concentration("10 mM"), molecular_weight=194.19, density=1.0) == pytest.approx(1941.9)
    # 2 % v/v of a liquid of density 1.07 g/cm³ = 21 400 ug/cm³
    assert to_mass_concentration(parse_concentration("2 % v/v"), molecular_weight=None, density=1.0,
                                 solute_density=1.07) == pytest.approx(21400)
    assert to_mass_concentration(parse_concentration("1 mg/mL"), molecular_weight=None, density=0.5) == 1000.0


@pytest.mark.parametrize("text, fragment", [
    ("150 %", "at most 100 %"), ("101 % v/v", "at most 100 %"), ("-2 %", "> 0"), ("5 m", "'2 % v/v'"),
    ("0 mg/mL", "> 0"), ("inf mg/mL", "finite"), ("nan %", "allowed: a concentration"),
])
def test_impossible_concentrations_are_refused_in_one_line(text, fragment):
    with pytest.raises(InputError) as info:
        parse_concentration(text)
    assert str(info.value).startswith("formulation.concentration:") and fragment in str(info.value)


def test_a_molar_or_volume_statement_without_the_needed_property_says_what_is_missing():
    with pytest.raises(InputError, match="molecular weight"):
        to_mass_concentration(parse_concentration("1 mM"), molecular_weight=None, density=1.0)
    with pytest.raises(InputError, match="liquid density"):
        to_mass_concentration(parse_concentration("1 % v/v"), molecular_weight=100.0, density=1.0)


def test_doses_by_mass_or_volume():
    by_mass, by_volume = parse_dose("2 mg/cm^2"), parse_dose("10 uL/cm^2")
    assert (by_mass.basis, by_mass.value) == ("mass", pytest.approx(2e-3))
    assert (by_volume.basis, by_volume.value) == ("volume", pytest.approx(1e-2))      # 10 uL/cm² = 0.01 cm
    assert by_volume.mass(0.8) == pytest.approx(8e-3) and by_mass.volume(0.8) == pytest.approx(2.5e-3)
    for bad in ("2 mg", "-1 uL/cm^2", "inf mg/cm^2"):
        with pytest.raises(InputError):
            parse_dose(bad)
