"""Vehicles as mixtures and the drying film they make (`dermsim.formulation.mixture`), solute volatility."""

import math

import numpy as np
import pytest

from dermsim.chemistry.compound import get_compound
from dermsim.errors import InputError
from dermsim.formulation.mixture import FilmConstants, film_for, solubility_model, vehicle_mixture
from dermsim.formulation.solubility import mixture_solubility, solubility_in
from dermsim.formulation.volatility import library_melting_point, solute_volatility

TESTOSTERONE, CAFFEINE, PHENOL = get_compound("testosterone"), get_compound("caffeine"), get_compound("phenol")


def test_a_mixture_is_named_components_with_fractions_summing_to_one():
    m = vehicle_mixture({"ethanol": 0.7, "water": 0.3})
    assert m.names == ("ethanol", "water") and m.fractions == pytest.approx((0.7, 0.3))
    assert m.density == pytest.approx(0.7 * m.components[0].density + 0.3 * m.components[1].density)
    assert vehicle_mixture("IPA").names == ("isopropanol",)
    for bad, field in (({"ethanol": 0.5, "water": 0.4}, "sum to 1"), ({"ethanoll": 1.0}, "formulation.vehicle.ethanoll"),
                       ({"water": 1.5}, "between 0 and 1"), ("vinegar", "formulation.vehicle")):
        with pytest.raises(InputError, match=field):
            vehicle_mixture(bad)


def test_single_phase_solubility_is_the_log_linear_model_and_two_phases_add_their_capacities():
    m = vehicle_mixture({"ethanol": 0.4, "water": 0.6})
    s_of_phi, s_w, _ = solubility_model(TESTOSTERONE, m)
    assert s_of_phi(np.array(m.fractions)) == pytest.approx(mixture_solubility(TESTOSTERONE, {"ethanol": 0.4, "water": 0.6}), rel=1e-12)
    assert s_w == pytest.approx(solubility_in("water", TESTOSTERONE), rel=1e-12)
    emulsion = vehicle_mixture({"water": 0.8, "mineral-oil": 0.2})
    s_e, _, _ = solubility_model(TESTOSTERONE, emulsion)
    expected = 0.8 * solubility_in("water", TESTOSTERONE) + 0.2 * solubility_in("mineral-oil", TESTOSTERONE)
    assert s_e(np.array(emulsion.fractions)) == pytest.approx(expected, rel=1e-12)


def test_an_ionised_solute_dissolves_more_in_the_aqueous_phase():
    salicylic = get_compound("salicylic-acid")
    s_neutral, _, _ = solubility_model(salicylic, vehicle_mixture("water"), fraction_unionised=1.0)
    s_ionised, s_w, _ = solubility_model(salicylic, vehicle_mixture("water"), fraction_unionised=0.1)
    assert s_ionised(np.ones(1)) == pytest.approx(10 * s_neutral(np.ones(1)), rel=1e-12) == pytest.approx(s_w)


def test_the_film_dries_volatile_components_first_and_occlusion_stops_it():
    m = vehicle_mixture({"ethanol": 0.5, "water": 0.5})
    film = film_for(CAFFEINE, m, 1e-2)                                    # 10 uL/cm² = 0.01 cm
    state = film.start(10.0)
    later = film.advance(state, 0.005)
    assert later.thickness < state.thickness
    lost = state.volumes - later.volumes
    assert lost[0] / state.volumes[0] > lost[1] / state.volumes[1]         # ethanol leaves faster than water
    closed = film_for(CAFFEINE, m, 1e-2, occluded=True)
    assert closed.advance(closed.start(10.0), 1.0).thickness == pytest.approx(1e-2)


def test_still_air_over_the_dose_slows_evaporation():
    m = vehicle_mixture("water")
    open_air = film_for(CAFFEINE, m, 10e-4).evaporation_rates[0]
    chamber = film_for(CAFFEINE, m, 10e-4, still_air_depth=1.0).evaporation_rates[0]
    water_dg = m.components[0].gas_diffusivity * 3600                    # cm²/h
    assert 1 / chamber == pytest.approx(1 / open_air + 1.0 / water_dg * m.components[0].density * 1e6
                                        / (m.components[0].vapour_pressure * m.components[0].molar_mass
                                           / (8.314462618 * m.components[0].temperature)), rel=1e-9)


def test_liquid_solutes_leave_a_liquid_deposit_and_solids_a_slowly_dissolving_one():
    assert film_for(get_compound("benzyl-alcohol"), vehicle_mixture("ethanol"), 1e-3).liquid_deposit
    assert not film_for(CAFFEINE, vehicle_mixture("water"), 1e-3).liquid_deposit


def test_residual_layer_holds_water_and_lipid():
    c = FilmConstants.packaged()
    film = film_for(TESTOSTERONE, vehicle_mixture("water"), 1e-3)
    s_w = solubility_in("water", TESTOSTERONE)
    expected = (1 - c.lipid_fraction) * s_w + c.lipid_fraction * 10 ** TESTOSTERONE.log_kow * s_w
    assert film.residual_solubility == pytest.approx(expected, rel=1e-12)
    assert film.residual_thickness == c.residual_thickness and film.dissolution_rate == c.dissolution_rate


def test_solute_vapour_pressure_from_the_property_library():
    """Phenol: liquid vapour pressure at 32 °C from the DIPPR correlation, times the solid's ideal solubility;
    the sub-cooled liquid value at 25 °C is close to the measured 47 Pa (0.35 mmHg, CRC Handbook)."""
    v = solute_volatility(PHENOL)
    assert v.known and 30 < v.vapour_pressure < 120
    assert v.rate_at_saturation > 0
    assert solute_volatility(CAFFEINE).known is False                    # not in the vapour-pressure tables
    given = solute_volatility(CAFFEINE, vapour_pressure_Pa=1e-3)
    assert given.known and given.vapour_pressure == 1e-3
    still = solute_volatility(PHENOL, still_air_depth_cm=1.0)
    assert still.rate_at_saturation < v.rate_at_saturation


def test_melting_point_from_the_library_for_compounds_without_one():
    from dermsim.chemistry.compound import make_compound

    deet = make_compound("DEET", 191.27, 2.02)
    found = library_melting_point(deet)
    assert found is not None and math.isclose(found[0], 228.15, abs_tol=2) and "chemicals" in found[1]


@pytest.mark.parametrize("text, fractions", [
    ("ethanol/water 70/30", {"ethanol": 0.7, "water": 0.3}), ("ethanol:water 1:1", {"ethanol": 0.5, "water": 0.5}),
    ("70 % ethanol", {"ethanol": 0.7, "water": 0.3}), ("70% aqueous ethanol", {"ethanol": 0.7, "water": 0.3}),
    ("propylene glycol/water 1:3", {"propylene-glycol": 0.25, "water": 0.75}), ("PBS", {"water": 1.0}),
    ("100 % ethanol", {"ethanol": 1.0}),
])
def test_vehicles_written_in_words(text, fractions):
    m = vehicle_mixture(text)
    assert dict(zip(m.names, m.fractions)) == pytest.approx(fractions)
