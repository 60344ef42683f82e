"""Finite doses as the lab applies them: drying vehicles, solubility and activity, volatility, wash-off,
guideline categories, receptor fluids — through scenarios, as a user runs them."""

import json
import subprocess
import sys

import pytest

from dermsim.chemistry.compound import get_compound
from dermsim.chemistry.qspr import transport_properties
from dermsim.errors import InputError
from dermsim.formulation.solubility import solubility_in
from dermsim.scenario import scenario_from_dict
from dermsim.simulation import simulate


def run(**tables):
    data = {"compound": {"name": "testosterone"}, "skin": {"site": "dermatomed"},
            "formulation": {"concentration": "1 mg/mL", "dose": "10 uL/cm^2", "vehicle": "acetone"},
            "simulation": {"duration": "24 h"}}
    for key, value in tables.items():
        data[key] = {**data.get(key, {}), **value}
    return simulate(scenario_from_dict(data)).summary


def test_concentration_above_solubility_is_a_suspension_and_the_skin_never_sees_more_than_saturation():
    """Retinol 1 % in water: the water holds ~ng/mL; the skin sees at most the saturated solution, so every
    tissue concentration stays below K_layer × S_w (maximum principle of the linear diffusion below it)."""
    s = run(compound={"name": "retinol"}, skin={"site": "forearm"},
            formulation={"concentration": "1 %", "dose": "infinite", "vehicle": "water"})
    retinol = get_compound("retinol")
    s_w = solubility_in("water", retinol)
    assert any("solubility-limited" in limit and "suspension" in limit for limit in s["limits"])
    assert s["vehicle"]["saturation_at_application"] > 100
    props = transport_properties(retinol, ph=5.5, hydration="normal")
    assert s["basal_layer"]["cmax_ug_per_cm3"] <= props.viable_epidermis_partition * s_w * (1 + 1e-9)
    assert s["vehicle_concentration_ug_per_cm3"] == pytest.approx(s_w, rel=1e-12)


def test_more_than_100_percent_is_refused_in_one_line_and_nothing_is_written(tmp_path):
    scenario = tmp_path / "bad.toml"
    scenario.write_text('[compound]\nname = "caffeine"\n[formulation]\nconcentration = "150 %"\n')
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(scenario), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "formulation.concentration" in proc.stderr and "100 %" in proc.stderr
    assert not out.exists()


def test_thermodynamic_activity_drives_flux_not_concentration():
    """Infinite dose, same 0.1 mg/mL testosterone: from water (near saturation) the flux is far higher than
    from ethanol (which holds ~10^3 times more), in the ratio of the solubilities."""
    water = run(formulation={"dose": "infinite", "vehicle": "water", "concentration": "0.01 mg/mL"})
    ethanol = run(formulation={"dose": "infinite", "vehicle": "ethanol", "concentration": "0.01 mg/mL"})
    ratio = water["steady_flux_ug_per_cm2_per_h"] / ethanol["steady_flux_ug_per_cm2_per_h"]
    expected = ethanol["vehicle"]["solubility_ug_per_cm3"] / water["vehicle"]["solubility_ug_per_cm3"]
    assert ratio == pytest.approx(expected, rel=1e-6) and ratio > 10


def test_a_volatile_solute_is_lost_when_open_and_kept_when_occluded():
    open_ = run(compound={"name": "phenol"}, formulation={"vehicle": "ethanol", "concentration": "0.5 mg/mL"})
    closed = run(compound={"name": "phenol"}, formulation={"vehicle": "ethanol", "concentration": "0.5 mg/mL",
                                                          "occluded": True})
    assert open_["fraction_of_dose"]["evaporated"] > 0.2 and closed["fraction_of_dose"]["evaporated"] == 0.0
    assert open_["fraction_of_dose"]["permeated"] < closed["fraction_of_dose"]["permeated"]
    assert any("volatile loss" in limit for limit in open_["limits"])


def test_percent_absorbed_falls_as_the_dose_rises_once_the_deposit_limits_uptake():
    """Testosterone in acetone at 4, 40 and 400 ug/cm² (the classic dose series): the acetone dries within
    minutes, the larger doses leave a deposit that feeds the skin at most at the saturated rate."""
    fractions = [run(formulation={"concentration": f"{c} mg/mL"})["fraction_of_dose"]["permeated"]
                 for c in (0.4, 4.0, 40.0)]
    assert fractions[0] > fractions[1] > fractions[2]
    assert fractions[0] / fractions[2] > 2


def test_the_vehicle_dries_and_the_answer_says_when():
    s = run(formulation={"vehicle": {"ethanol": 0.7, "water": 0.3}})
    assert s["vehicle"]["dried_by_h"] is not None and s["vehicle"]["dried_by_h"] < 2
    assert any("was gone by" in limit for limit in s["limits"])
    assert s["mass_balance_relative_error"] < 1e-8


def test_wash_off_ends_exposure_and_the_guideline_categories_close():
    washed = run(formulation={"wash_time": "1 h", "vehicle": "water", "concentration": "0.01 mg/mL"})
    kept = run(formulation={"vehicle": "water", "concentration": "0.01 mg/mL"})
    assert washed["fraction_of_dose"]["washed"] > 0
    assert washed["fraction_of_dose"]["permeated"] < kept["fraction_of_dose"]["permeated"]
    g = washed["guideline_categories"]
    assert g["mass_balance"] == pytest.approx(1.0, abs=1e-8)
    assert g["potentially_absorbable"] == pytest.approx(g["rest_of_stratum_corneum"] + g["epidermis"] + g["dermis"]
                                                        + g["receptor"], rel=1e-12)
    assert g["dislodgeable"] >= washed["fraction_of_dose"]["washed"]
    with pytest.raises(InputError, match="wash_time"):
        run(formulation={"wash_time": "1 h", "dose": "infinite"})


def test_a_neat_liquid_and_formulator_units():
    neat = run(compound={"name": "benzyl-alcohol"}, formulation={"neat": True, "dose": "2 mg/cm^2",
                                                                  "concentration": None, "vehicle": None})
    assert neat["applied_amount_ug_per_cm2"] == pytest.approx(2000, rel=1e-9)
    vv = run(compound={"name": "benzyl-alcohol"}, formulation={"concentration": "1 % v/v", "vehicle": "water"})
    rho = neat["vehicle"]["density_g_per_cm3"]
    assert vv["vehicle_concentration_ug_per_cm3"] == pytest.approx(0.01 * rho * 1e6, rel=1e-9)
    molar = run(formulation={"concentration": "1 mM"})
    assert molar["vehicle_concentration_ug_per_cm3"] == pytest.approx(get_compound("testosterone").molecular_weight,
                                                                      rel=1e-12)


def test_receptor_fluid_raises_capacity_and_failed_sink_conditions_are_reported():
    small = {"type": "finite", "volume": "0.5 mL", "area": "1 cm^2"}
    pbs = run(compound={"name": "progesterone"}, receptor=small, formulation={"concentration": "5 mg/mL"})
    bsa = run(compound={"name": "progesterone"}, receptor={**small, "fluid": "pbs-bsa-4"},
              formulation={"concentration": "5 mg/mL"})
    assert bsa["cumulative_permeated_ug_per_cm2"] > pbs["cumulative_permeated_ug_per_cm2"]
    assert any("sink conditions failed" in limit for limit in pbs["limits"])
    with pytest.raises(InputError, match="receptor.fluid"):
        run(receptor={"fluid": "pbss"})


def test_json_summary_of_a_drying_run_is_strict_json(tmp_path):
    from dermsim.results.files import json_safe

    s = run()
    json.dumps(json_safe(s), allow_nan=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["caffeine", "testosterone", "phenol", "octanol", "benzyl-alcohol", "retinol",
                                  "salicylic-acid", "nicotine", "urea", "progesterone"])
def test_every_vehicle_closes_its_mass_balance_with_no_negative_amount(name):
    """A sweep over vehicles, occlusion and in vitro / in vivo: the closure is exact and no amount is negative
    (the solver gives back a stiff film loss's undershoot; a full sweep over the library holds the same)."""
    vehicles = ["water", "ethanol", "acetone", {"ethanol": 0.5, "water": 0.5}, "propylene-glycol",
                "isopropyl-myristate", "mineral-oil", {"water": 0.7, "mineral-oil": 0.3}]
    for vehicle in vehicles:
        for occluded in (False, True):
            for site in ("dermatomed", "forearm"):
                s = run(compound={"name": name}, skin={"site": site},
                        formulation={"concentration": "1 %", "vehicle": vehicle, "occluded": occluded,
                                     "wash_time": "8 h"})
                assert s["mass_balance_relative_error"] < 1e-8, (vehicle, occluded, site)
                assert min(s["fraction_of_dose"].values()) >= 0.0
