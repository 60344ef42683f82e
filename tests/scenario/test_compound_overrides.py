"""A [compound] table may give values beside a library name or a SMILES: they replace the library's own and are
sourced as the user's (never silently ignored)."""

import pytest

from dermsim.errors import InputError
from dermsim.permeation.setup import resolve_compound
from dermsim.scenario import scenario_from_dict


def _compound(**table):
    return resolve_compound(scenario_from_dict({"compound": table, "skin": {"site": "forearm"},
                                                "formulation": {"concentration": "1 %"}}).compound)


def test_values_beside_a_library_name_replace_the_library_values():
    plain = _compound(name="ibuprofen")
    salt = _compound(name="ibuprofen", aqueous_solubility="316 mg/mL", pka_acid=4.5)
    assert plain.aqueous_solubility is None and plain.pka_acid != 4.5
    assert salt.aqueous_solubility == pytest.approx(316000.0)      # ug/cm3
    assert salt.pka_acid == 4.5
    assert salt.sources["aqueous_solubility"].startswith("user input")
    assert salt.molecular_weight == plain.molecular_weight and salt.log_kow == plain.log_kow


def test_values_beside_a_smiles_replace_the_estimates():
    c = _compound(smiles="CC(=O)Nc1ccc(O)cc1", name="paracetamol", melting_point="442 K")
    assert c.melting_point == pytest.approx(442.0)
    assert "melting_point" not in c.estimated


def test_an_override_out_of_range_is_one_line_naming_the_field():
    with pytest.raises(InputError) as err:
        _compound(name="ibuprofen", pka_acid=40)
    assert err.value.field == "compound.pka_acid"
