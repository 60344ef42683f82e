"""Receptor fluids (dermsim.permeation.receptor_fluid): exact limits, monotone solubilisation, the ethanol
factor of the cosolvency model, presets and their errors, the OECD sink check, and the packaged constants."""

import math

import pytest

from dermsim import parameters
from dermsim.chemistry.compound import get_compound, make_compound
from dermsim.errors import InputError
from dermsim.formulation.solubility import aqueous_solubility, solubility_in
from dermsim.permeation.receptor_fluid import (ReceptorFluid, list_presets, receptor_fluid, receptor_partition,
                                               receptor_solubility, sink_check)

LIPOPHILIC = ("testosterone", "progesterone")


def k_r(fluid, name, f_u=1.0):
    return receptor_partition(fluid, get_compound(name), f_u)[0]


# --------------------------------------------------------------------------------------------- exact limits

@pytest.mark.parametrize("fluid", ["pbs", "PBS", "saline", " Buffer ", "hanks", "HBSS"])
def test_a_plain_buffer_holds_what_water_holds(fluid):
    for name in ("testosterone", "caffeine"):
        k, source = receptor_partition(fluid, get_compound(name))
        assert k == 1.0 and "no solubiliser" in source


def test_no_ethanol_is_water():
    for spec in ({"ethanol": 0}, {"ethanol": "0 %"}, ReceptorFluid("x", ethanol_fraction=0.0)):
        assert k_r(spec, "progesterone") == 1.0


@pytest.mark.parametrize("fluid", ["pbs-bsa-4", "ethanol-water-50", "volpo-6", "polysorbate-80-2",
                                   {"ethanol": "50 %", "bsa": "4 %", "surfactant": "oleth-20",
                                    "surfactant_concentration": "6 %"}])
def test_a_fully_ionised_compound_is_not_solubilised(fluid):
    assert k_r(fluid, "progesterone", f_u=0.0) == 1.0
    half = k_r(fluid, "progesterone", f_u=0.5)
    assert 1.0 < half < k_r(fluid, "progesterone", f_u=1.0)


def test_a_macromolecule_needs_no_log_kow_in_buffer_but_does_with_a_solubiliser():
    protein = make_compound("some-protein", 66000.0, None, kind="protein")
    assert receptor_partition("pbs", protein)[0] == 1.0
    with pytest.raises(InputError, match="log Kow"):
        receptor_partition("pbs-bsa-4", protein)


# --------------------------------------------------------------------------------------------- monotone

@pytest.mark.parametrize("name", LIPOPHILIC)
def test_solubilisation_rises_with_ethanol_albumin_and_surfactant(name):
    for key, levels in (("ethanol", (0.0, 0.1, 0.25, 0.5, 0.75)), ("bsa", (0.0, 0.01, 0.02, 0.04, 0.06)),
                        ("surfactant_concentration", (0.0, 0.005, 0.02, 0.06))):
        extra = {"surfactant": "oleth-20"} if key == "surfactant_concentration" else {}
        ks = [k_r({key: level, **extra}, name) for level in levels]
        assert ks[0] == 1.0 and all(b > a for a, b in zip(ks, ks[1:])), (key, ks)
        assert ks[-1] > 10.0, (key, ks)          # a steroid is solubilised strongly by each receptor fluid


def test_more_lipophilic_compounds_are_solubilised_more():
    for fluid in ("pbs-bsa-4", "ethanol-water-50", "volpo-6"):
        assert k_r(fluid, "caffeine") < k_r(fluid, "testosterone") < k_r(fluid, "progesterone")


def test_albumin_barely_changes_a_hydrophilic_compound():
    caffeine, testosterone = k_r("pbs-bsa-4", "caffeine"), k_r("pbs-bsa-4", "testosterone")
    assert 1.0 < caffeine < 1.3
    assert testosterone > 10.0
    # binding ratio at plasma albumin: Zoghbi et al. 2012 gives 10^(0.733*3.32 - 0.78) = 45 for testosterone,
    # scaled here to 4 % albumin against 4.3 % in plasma
    assert math.isclose(testosterone, 1.0 + 10 ** (0.733 * 3.32 - 0.78) * 0.04 / 0.043, rel_tol=1e-12)


def test_the_50_percent_ethanol_factor_is_the_log_linear_cosolvency_of_the_solubility_module():
    for name in LIPOPHILIC:
        compound = get_compound(name)
        assert compound.acid_base == "neutral"
        sigma = math.log10(solubility_in("ethanol", compound) / aqueous_solubility(compound))
        assert math.isclose(k_r("ethanol-water-50", name), 10 ** (0.5 * sigma), rel_tol=1e-12)


def test_a_combined_fluid_multiplies_its_factors():
    mix = {"ethanol": "25 %", "bsa": "2 %", "surfactant": "polysorbate 80", "surfactant_concentration": "1 %"}
    parts = [{"ethanol": 0.25}, {"bsa": 0.02}, {"surfactant": "tween-80", "surfactant_concentration": 0.01}]
    k, source = receptor_partition(mix, get_compound("testosterone"))
    assert math.isclose(k, math.prod(k_r(p, "testosterone") for p in parts), rel_tol=1e-12)
    assert "approximation" in source and "thin" in source


def test_receptor_solubility_is_k_r_times_the_water_solubility():
    testosterone = get_compound("testosterone")
    s = receptor_solubility("volpo-6", testosterone)
    assert math.isclose(s, k_r("volpo-6", "testosterone") * aqueous_solubility(testosterone), rel_tol=1e-12)
    assert receptor_solubility("pbs", testosterone) == aqueous_solubility(testosterone)


def test_receptor_solubility_without_a_melting_point_raises_the_solubility_error():
    user = make_compound("my-active", 250.0, 2.0)            # no melting point, no measured solubility
    assert receptor_partition("pbs-bsa-4", user)[0] > 1.0
    with pytest.raises(InputError, match="melting"):
        receptor_solubility("pbs-bsa-4", user)


# --------------------------------------------------------------------------------------------- presets, parsing

def test_presets_and_their_aliases():
    assert {"pbs", "hanks", "pbs-bsa-4", "ethanol-water-50", "volpo-6"} <= set(list_presets())
    assert receptor_fluid("Oleth-20-6") == receptor_fluid("volpo-6")
    volpo = receptor_fluid("volpo-6")
    assert (volpo.surfactant, volpo.surfactant_concentration, volpo.ethanol_fraction) == ("oleth-20", 0.06, 0.0)
    assert receptor_fluid("pbs-bsa-4").albumin == 0.04
    assert receptor_fluid("ethanol-water-50").ethanol_fraction == 0.5
    assert receptor_fluid("saline").name == "pbs"


def test_a_mapping_gives_a_custom_fluid_in_g_per_cm3():
    fluid = receptor_fluid({"ethanol": "50 %", "bsa": "4 %", "surfactant": "Volpo N20",
                            "surfactant_concentration": "6 % w/v"})
    assert (fluid.ethanol_fraction, fluid.albumin, fluid.surfactant) == (0.5, 0.04, "oleth-20")
    assert math.isclose(fluid.surfactant_concentration, 0.06)
    assert math.isclose(receptor_fluid({"albumin": "40 mg/mL"}).albumin, 0.04)
    assert receptor_fluid({"albumin": 0.02}).albumin == 0.02
    assert "custom" in fluid.description and fluid.name == "custom"


def test_an_unknown_preset_names_the_field_the_value_and_the_presets():
    with pytest.raises(InputError) as err:
        receptor_fluid("pbs-bsa-40-percent-horse")
    assert err.value.field == "fluid" and err.value.value == "pbs-bsa-40-percent-horse"
    assert "pbs-bsa-4" in str(err.value) and "volpo-6" in str(err.value)
    with pytest.raises(InputError, match="did you mean"):
        receptor_fluid("volpo-7")


@pytest.mark.parametrize("spec, field", [
    ({"surfactant": "sds", "surfactant_concentration": "1 %"}, "fluid.surfactant"),
    ({"surfactant_concentration": "1 %"}, "fluid.surfactant"),
    ({"ethanol": 1.5}, "fluid.ethanol_fraction"),
    ({"ethanol": "fifty"}, "fluid.ethanol"),
    ({"albumin": "4 mol"}, "fluid.albumin"),
    ({"glycerol": "10 %"}, "fluid"),
    (42, "fluid"),
])
def test_bad_compositions_are_rejected_naming_the_field(spec, field):
    with pytest.raises(InputError) as err:
        receptor_fluid(spec)
    assert err.value.field == field


def test_fraction_unionised_is_checked():
    with pytest.raises(InputError) as err:
        receptor_partition("pbs", get_compound("caffeine"), 1.5)
    assert err.value.field == "fraction_unionised"


# --------------------------------------------------------------------------------------------- sink check

def test_sink_check_passes_below_ten_percent_and_warns_at_or_above():
    assert sink_check(9.99, 100.0) is None
    assert sink_check(0.0, 1.0) is None
    warning = sink_check(25.0, 100.0)
    assert warning is not None and "sink conditions failed" in warning
    assert "25 ug/cm^3" in warning and "100 ug/cm^3" in warning and "25 %" in warning and "OECD" in warning
    assert sink_check(10.0, 100.0) is not None                  # "below" 10 % is required


def test_sink_check_uses_the_given_threshold():
    assert sink_check(25.0, 100.0, threshold=0.3) is None
    assert sink_check(5.0, 100.0, threshold=0.01) is not None
    for bad in ({"max_receptor_concentration": -1.0}, {"receptor_solubility": 0.0}, {"threshold": 0.0}):
        args = {"max_receptor_concentration": 1.0, "receptor_solubility": 10.0, "threshold": 0.1} | bad
        with pytest.raises(InputError):
            sink_check(**args)


# --------------------------------------------------------------------------------------------- constants

def test_every_packaged_constant_has_a_unit_a_source_and_the_relations_are_flagged():
    assert "receptor_fluids" in parameters.names()
    table = parameters.load("receptor_fluids")
    entries = dict(table.parameters())
    assert entries
    for path, p in entries.items():
        assert isinstance(p.given[1], str), path
        assert p.source.strip(), path
    for path in ("albumin.slope", "albumin.intercept", "surfactant.slope", "surfactant.intercept", "sink.threshold"):
        assert "thin" in entries[path].flags, path
    assert "calibration" in entries["surfactant.intercept"].flags
    assert entries["sink.threshold"].to("") == 0.1
