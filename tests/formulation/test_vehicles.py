"""Vehicle components (properties from the `chemicals` library against published values) and evaporation."""

import math

import pytest

from dermsim.errors import InputError
from dermsim.formulation import vehicles
from dermsim.formulation.vehicles import (component, evaporation_flux, evaporation_rate, list_components,
                                          mass_transfer_coefficient)

T25, T20, T32 = 298.15, 293.15, 305.15


# ---------------------------------------------------------------------------------------------
# pure-component properties against handbook values
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, temperature, field, published, rel_tol, source", [
    # vapour pressure of water at 32 C: 4.76 kPa (CRC Handbook, "Vapor pressure of water from 0 to 370 C")
    ("water", T32, "vapour_pressure", 4760.0, 0.01, "CRC Handbook"),
    # acetone at 25 C: 30.8 kPa (CRC Handbook, "Vapor pressure" of organic liquids)
    ("acetone", T25, "vapour_pressure", 30800.0, 0.03, "CRC Handbook"),
    # densities (CRC Handbook, Physical Constants of Organic Compounds; water: IAPWS-95 tables)
    ("ethanol", T25, "density", 0.785, 0.005, "CRC Handbook: 0.7849 g/cm3 at 25 C"),
    ("water", T32, "density", 0.99505, 0.001, "IAPWS-95: 995.05 kg/m3 at 32 C"),
    ("glycerol", T20, "density", 1.2613, 0.005, "CRC Handbook: 1.2613 g/cm3 at 20 C"),
    ("propylene-glycol", T20, "density", 1.0361, 0.005, "CRC Handbook: 1.0361 g/cm3 at 20 C"),
    ("octanol", T20, "density", 0.8262, 0.01, "CRC Handbook: 0.8262 g/cm3 at 20 C"),
    ("methanol", T20, "density", 0.7914, 0.005, "CRC Handbook: 0.7914 g/cm3 at 20 C"),
    ("benzene", T20, "density", 0.8765, 0.005, "CRC Handbook: 0.8765 g/cm3 at 20 C"),
    # methanol 16.9 kPa and benzene 12.7 kPa at 25 C (CRC Handbook, "Vapor pressure" of organic liquids)
    ("methanol", T25, "vapour_pressure", 16900.0, 0.03, "CRC Handbook"),
    ("benzene", T25, "vapour_pressure", 12700.0, 0.03, "CRC Handbook"),
    # molar masses from the formulas
    ("water", T32, "molar_mass", 18.015, 1e-4, "IUPAC atomic weights"),
    ("isopropyl-myristate", T32, "molar_mass", 270.45, 1e-4, "C17H34O2"),
])
def test_properties_match_published_values(name, temperature, field, published, rel_tol, source):
    value = getattr(component(name, temperature), field)
    assert math.isclose(value, published, rel_tol=rel_tol), f"{name} {field} = {value:.5g}, published {published} ({source})"


def test_gas_diffusivity_of_water_in_air_by_fuller_is_within_its_accuracy():
    # measured 0.26 cm^2/s at 25 C, 1 atm (Marrero & Mason 1972 J Phys Chem Ref Data 1:3, as tabulated in
    # Cussler, Diffusion, Table 5.1-1); Fuller's correlation claims about +-10 %
    d = component("water", T25).gas_diffusivity
    assert math.isclose(d, 0.26, rel_tol=0.10), d
    # larger and slower molecules diffuse more slowly; D grows as T^1.75
    ds = [component(n).gas_diffusivity for n in ("water", "ethanol", "isopropanol", "octanol", "isopropyl-myristate")]
    assert ds == sorted(ds, reverse=True)
    ratio = component("ethanol", 310.0).gas_diffusivity / component("ethanol", 300.0).gas_diffusivity
    assert math.isclose(ratio, (310.0 / 300.0) ** 1.75, rel_tol=1e-12)


def test_air_kinematic_viscosity_matches_the_table():
    # 15.89e-6 m^2/s at 300 K, 1 atm (Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, Table A.4)
    assert math.isclose(vehicles.air_kinematic_viscosity(300.0), 0.1589, rel_tol=0.01)


def test_every_component_is_complete_sourced_and_flagged():
    names = list_components()
    assert set(names) == {"water", "ethanol", "isopropanol", "propylene-glycol", "glycerol", "acetone", "methanol",
                          "isopropyl-myristate", "mineral-oil", "octanol", "benzene"}
    for name in names:
        c = component(name)
        assert c.temperature == T32
        for f in ("molar_mass", "density", "vapour_pressure", "gas_diffusivity"):
            value = getattr(c, f)
            assert math.isfinite(value) and value > 0, (name, f)
            assert c.sources[f].strip(), (name, f)
        assert c.dortmund_groups, name
        assert math.isclose(c.molar_volume, c.molar_mass / c.density)
    # what chemicals lacks is flagged: the mineral oil (a mixture) entirely, isopropyl myristate's density and
    # its vapour pressure (Antoine constants extrapolated far below their range)
    assert component("mineral-oil").estimated == {"molar_mass", "density", "vapour_pressure", "gas_diffusivity"}
    assert {"density", "vapour_pressure"} <= component("isopropyl-myristate").estimated
    assert "EXTRAPOLATED" in component("isopropyl-myristate").sources["vapour_pressure"]
    assert all("chemicals" in component("ethanol").sources[f] for f in ("molar_mass", "density", "vapour_pressure"))
    assert component("ethanol").estimated == frozenset()


def test_volatile_flag_and_vapour_pressure_order():
    volatile = {n for n in list_components() if component(n).volatile}
    assert volatile == {"water", "ethanol", "isopropanol", "acetone", "methanol", "benzene"}
    p = {n: component(n).vapour_pressure for n in list_components()}
    assert p["acetone"] > p["methanol"] > p["benzene"] > p["ethanol"] > p["isopropanol"] > p["water"] \
        > p["propylene-glycol"] > p["octanol"] > p["isopropyl-myristate"] > p["glycerol"] > p["mineral-oil"]


def test_names_aliases_and_unknown_component():
    assert component("IPA").name == "isopropanol"
    assert component("Propylene Glycol").name == component("PG").name == "propylene-glycol"
    assert component("glycerin").name == "glycerol"
    assert component("liquid paraffin").name == "mineral-oil"
    assert component("IPM").name == "isopropyl-myristate"
    with pytest.raises(InputError) as err:
        component("etanol")
    assert err.value.field == "vehicle component"
    assert "did you mean 'ethanol'" in str(err.value)
    with pytest.raises(InputError) as err:
        component("water", 500.0)
    assert err.value.field == "temperature_K"


def test_methanol_and_benzene_are_sourced_components():
    """Methanol (a water-miscible cosolvent) and benzene (a water-immiscible solvent, an 'oil'): names, log Kow as
    in the compound library, UNIFAC groups, and benzene's Fuller volume with its aromatic-ring increment."""
    from dermsim.chemistry.compound import get_compound

    assert component("methyl alcohol").name == component("MeOH").name == "methanol"
    assert component("benzol").name == "benzene"
    for name in ("methanol", "benzene"):
        c = component(name)
        assert c.log_kow == get_compound(name).log_kow and "Hansch" in c.sources["log_kow"]
        assert all("chemicals" in c.sources[f] for f in ("molar_mass", "density", "vapour_pressure"))
        assert c.estimated == frozenset()
    assert component("methanol").dortmund_groups == ((15, 1),)            # CH3OH, its own main group
    assert component("benzene").dortmund_groups == ((9, 6),)              # 6 ACH
    benzene = component("benzene")
    with_ring = vehicles.fuller_gas_diffusivity("C6H6", benzene.molar_mass, T32, aromatic_rings=1)
    assert benzene.gas_diffusivity == with_ring > vehicles.fuller_gas_diffusivity("C6H6", benzene.molar_mass, T32)
    assert "aromatic ring" in benzene.sources["gas_diffusivity"]


@pytest.mark.parametrize("name", ["methanol", "benzene"])
def test_methanol_and_benzene_films_dry_open_and_not_occluded(name):
    """10 uL/cm^2 of either dries within minutes in open air (vapour pressure above ethanol's) and does not
    evaporate under occlusion; through a scenario naming the vehicle (mass balance closed) the occluded film
    goes only by its uptake into the skin (both have a log Kow), hours instead of minutes."""
    from dermsim.chemistry.compound import get_compound
    from dermsim.formulation.mixture import film_for, vehicle_mixture
    from dermsim.scenario import scenario_from_dict
    from dermsim.simulation import simulate

    assert 1e-2 / evaporation_rate(name) < 1e-2 / evaporation_rate("ethanol") < 0.1        # hours
    testosterone = get_compound("testosterone")
    open_film = film_for(testosterone, vehicle_mixture(name), 1e-2)
    state = open_film.start(10.0)
    for _ in range(20):
        state = open_film.advance(state, 0.005)                             # 0.1 h
    assert state.thickness == 0.0
    closed = film_for(testosterone, vehicle_mixture(name), 1e-2, occluded=True)
    assert closed.advance(closed.start(10.0), 1.0).thickness == pytest.approx(1e-2, rel=1e-12)
    dried = {}
    for occluded in (False, True):
        scenario = scenario_from_dict({"compound": {"name": "testosterone"}, "skin": {"site": "dermatomed"},
                                       "formulation": {"vehicle": name, "concentration": "1 mg/mL",
                                                       "dose": "10 uL/cm^2", "occluded": occluded},
                                       "simulation": {"duration": "4 h"}})
        s = simulate(scenario).summary
        assert s["vehicle"]["description"] == name and s["mass_balance_relative_error"] < 1e-8
        assert min(s["fraction_of_dose"].values()) >= 0.0
        dried[occluded] = s["vehicle"]["dried_by_h"]
    assert dried[False] < 0.5
    assert dried[True] is None or dried[True] > 10 * dried[False]


def test_a_liquid_that_does_not_mix_with_water_enters_the_skin_at_its_aqueous_solubility():
    """Neat benzene or octanol is in equilibrium with its saturated aqueous solution, so a permeability from
    water drives it in at kp S_w (S_w = 1.79 and 0.53 mg/mL), not kp rho: the film's uptake rate is scaled by
    S_w/rho; water and the water-miscible liquids keep theirs."""
    from dermsim.chemistry.compound import get_compound
    from dermsim.formulation.mixture import film_for, vehicle_mixture

    benzene = component("benzene")
    assert benzene.water_solubility == pytest.approx(get_compound("benzene").aqueous_solubility * 1e-6, rel=1e-3)
    assert benzene.water_equivalent_fraction == pytest.approx(benzene.water_solubility / benzene.density, rel=1e-12)
    assert 1e-3 < benzene.water_equivalent_fraction < 3e-3
    assert component("octanol").water_equivalent_fraction < benzene.water_equivalent_fraction
    for name in ("water", "ethanol", "methanol"):
        assert component(name).water_solubility is None and component(name).water_equivalent_fraction == 1.0
    film = film_for(get_compound("testosterone"), vehicle_mixture({"water": 0.5, "benzene": 0.5}), 1e-2,
                    uptake_rates=[1e-3, 2e-2])
    assert film.uptake_rates == pytest.approx([1e-3, 2e-2 * benzene.water_equivalent_fraction], rel=1e-12)


def test_a_misspelt_vehicle_is_still_one_line_and_exit_2(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "permeate", "--compound", "testosterone",
                           "--concentration", "1 mg/mL", "--dose", "10 uL/cm^2", "--vehicle", "methanl",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("error:") and "did you mean 'methanol'" in proc.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# evaporation
# ---------------------------------------------------------------------------------------------

def test_mass_transfer_coefficient_is_the_laminar_flat_plate_correlation():
    d, u, length, t = 0.25, 20.0, 2.0, 300.0
    k = mass_transfer_coefficient(d, u, length, t)                       # cm/h
    nu = vehicles.air_kinematic_viscosity(t)
    sherwood = 0.664 * math.sqrt(u * length / nu) * (nu / d) ** (1 / 3)
    assert math.isclose(k, sherwood * d / length * 3600.0, rel_tol=1e-12)
    # k ~ u^1/2, L^-1/2, D^2/3
    assert math.isclose(mass_transfer_coefficient(d, 4 * u, length, t) / k, 2.0, rel_tol=1e-12)
    assert math.isclose(mass_transfer_coefficient(d, u, 4 * length, t) / k, 0.5, rel_tol=1e-12)
    assert math.isclose(mass_transfer_coefficient(8 * d, u, length, t) / k, 4.0, rel_tol=1e-12)
    with pytest.raises(InputError):
        mass_transfer_coefficient(d, 1e5, 100.0, t)                      # Re ~ 6e7: turbulent
    with pytest.raises(InputError):
        mass_transfer_coefficient(-1.0)


def test_evaporation_flux_is_ideal_gas_saturation_times_k():
    # 4759 Pa of water at 305.15 K: c = p M / (R T) = 33.79 g/m^3 = 33.79 ug/cm^3
    j = evaporation_flux(4759.0, 18.015, 1000.0, 305.15)
    assert math.isclose(j, 1000.0 * 4759.0 * 18.015 / (8.314462618 * 305.15), rel_tol=1e-12)
    assert math.isclose(j / 1000.0, 33.79, rel_tol=1e-3)
    assert evaporation_flux(0.0, 18.015, 1000.0, 305.15) == 0.0


def test_water_film_dries_in_minutes_at_the_default_air_speed():
    """10 uL/cm^2 of water at 32 C under laboratory air (16.5 cm/s over a 1 cm patch, dry air far away).

    Published order: minutes to an hour. A lower bound on the evaporation rate (upper bound on the time) is
    pure diffusion into still air from a flat sessile film, m = pi R D c_v (0.27 theta^2 + 1.30) with theta -> 0
    (Hu & Larson 2002 J Phys Chem B 106:1334); convection can only be faster.
    """
    water = component("water")
    rate = evaporation_rate(water)                                      # cm/h
    minutes = 1e-2 / rate * 60.0
    print(f"\n10 uL/cm^2 water film at the default air speed: dries in {minutes:.1f} min "
          f"(k_g = {mass_transfer_coefficient(water.gas_diffusivity):.0f} cm/h)")
    assert 1.0 < minutes < 60.0
    radius = math.sqrt(1.0 / math.pi)                                   # 1 cm^2 patch
    c_v = water.vapour_pressure * water.molar_mass / (8.314462618 * water.temperature) * 1e-6   # g/cm^3
    still_air = math.pi * radius * water.gas_diffusivity * c_v * 1.30   # g/s from 1 cm^2
    still_air_minutes = 1e-2 * water.density / still_air / 60.0
    assert minutes < still_air_minutes < 60.0


def test_drying_order_of_the_vehicles():
    rates = {n: evaporation_rate(n) for n in list_components()}          # cm/h
    assert rates["acetone"] > rates["ethanol"] > rates["isopropanol"] > rates["water"]
    # a 10 uL/cm^2 film: ethanol in minutes, propylene glycol in hours, glycerol and the oils not within a day
    assert 1e-2 / rates["ethanol"] < 0.1 and 1e-2 / rates["propylene-glycol"] > 1.0
    for n in ("glycerol", "isopropyl-myristate", "mineral-oil"):
        assert 1e-2 / rates[n] > 24.0, n
    # a lower partial pressure (mole fraction) slows it in proportion
    assert math.isclose(evaporation_rate("ethanol", component("ethanol").vapour_pressure / 2), rates["ethanol"] / 2,
                        rel_tol=1e-12)
