"""Many skins in one vectorised call give, skin by skin, what `simulate` gives for that skin."""

import dataclasses

import numpy as np
import pytest

from dermsim import load_scenario, simulate
from dermsim.errors import InputError
from dermsim.permeation.layered import discretise, discretise_batch
from dermsim.scenario import scenario_from_dict
from dermsim.studies.skin_batch import evaluate, template

ROOT = __import__("pathlib").Path(__file__).parents[2]
IN_VIVO = {"compound": {"name": "caffeine"}, "skin": {"site": "forearm"},
           "formulation": {"concentration": "1 %", "vehicle": "water"}, "simulation": {"duration": "24 h"}}
FINITE = {"compound": {"name": "hydrocortisone"}, "skin": {"site": "heat-separated-epidermis"},
          "formulation": {"concentration": "1 %", "dose": "10 uL/cm^2", "vehicle_physics": False},
          "simulation": {"duration": "24 h"}}


def _scenarios():
    return {"in vivo, infinite dose": scenario_from_dict(IN_VIVO),
            "in vitro, finite dose without drying": scenario_from_dict(FINITE),
            "finite receptor (pig ear Franz cell)": load_scenario(ROOT / "examples" / "caffeine_pig_ear_franz.toml")}


@pytest.mark.parametrize("name", list(_scenarios()))
def test_one_skin_of_a_batch_is_the_simulate_summary(name):
    scenario = _scenarios()[name].model_copy(update={"simulation": _scenarios()[name].simulation.model_copy(
        update={"resolution": 0.5})})
    s = simulate(scenario).summary
    figures = evaluate(template(scenario), {}, 3)
    assert np.all(figures["systemic_ug_per_cm2"] == figures["systemic_ug_per_cm2"][0])
    got = {"systemic_ug_per_cm2": s["cumulative_permeated_ug_per_cm2"],
           "basal_cmax_ug_per_cm3": s["basal_layer"]["cmax_ug_per_cm3"],
           "basal_auc_ug_h_per_cm3": s["basal_layer"]["auc_ug_h_per_cm3"],
           "basal_end_ug_per_cm3": s["basal_layer"]["concentration_end_ug_per_cm3"],
           "basal_tmax_h": s["basal_layer"]["tmax_h"],
           "in_skin_end_ug_per_cm2": sum(s["amount_in_layer_end_ug_per_cm2"].values())}
    if s["fraction_of_dose"]:
        got["absorbed_percent"] = 100 * s["fraction_of_dose"]["permeated"]
    assert set(got) | {"flux_end_ug_per_cm2_per_h"} == set(figures)      # the flux: test_flux_at_the_end_...
    for key, value in got.items():
        assert figures[key][0] == pytest.approx(value, rel=1e-12, abs=1e-300), key


def test_varied_skins_equal_their_own_models_one_by_one():
    tpl = template(scenario_from_dict(IN_VIVO), 0.5)
    rng = np.random.default_rng(4)
    n, regions = 7, len(tpl.model.regions)
    thickness = np.array([[r.thickness for r in tpl.model.regions]] * n) * np.exp(0.3 * rng.standard_normal((n, regions)))
    diffusivity = np.array([[r.diffusivity for r in tpl.model.regions]] * n) * np.exp(rng.standard_normal((n, regions)))
    concentration = tpl.model.vehicle.concentration * np.exp(rng.standard_normal(n))
    batch, _, _ = discretise_batch(tpl.model, n, thickness=thickness, diffusivity=diffusivity,
                                   concentration=concentration)
    for b in range(n):
        model = dataclasses.replace(tpl.model, regions=tuple(
            dataclasses.replace(r, thickness=thickness[b, j], diffusivity=diffusivity[b, j])
            for j, r in enumerate(tpl.model.regions)), vehicle=dataclasses.replace(tpl.model.vehicle,
                                                                                   concentration=concentration[b]))
        one = discretise(model)
        assert np.array_equal(batch.capacity[b], one.capacity)
        assert np.array_equal(batch.diagonal[b], one.operator.diagonal)
        assert np.array_equal(batch.off_diagonal[b], one.operator.off_diagonal)
        assert np.array_equal(batch.source[b], one.source)
        assert np.array_equal(batch.rate_weights[b], one.rate_weights)


def test_field_paths_reach_the_model_and_bad_values_are_one_line():
    tpl = template(scenario_from_dict(IN_VIVO), 0.5)
    base = evaluate(tpl, {}, 1)
    thicker = evaluate(tpl, {"stratum_corneum.thickness": [2 * tpl.base_value("stratum_corneum.thickness")]})
    assert thicker["systemic_ug_per_cm2"][0] < 0.5 * base["systemic_ug_per_cm2"][0]
    with pytest.raises(InputError, match=r"^vary: got .stratum_corneum\.thicknes.; allowed: one of .*did you mean .stratum_corneum\.thickness"):
        evaluate(tpl, {"stratum_corneum.thicknes": [1e-3]})
    with pytest.raises(InputError, match=r"^dermis\.diffusivity: got -1\.0; allowed: a finite value > 0"):
        evaluate(tpl, {"dermis.diffusivity": [-1.0]})


@pytest.mark.parametrize("change, field", [
    ({"microneedle": {"device": "dermaroller-0.5mm"}}, "microneedle"),
    ({"formulation": {"concentration": "1 %", "dose": "10 uL/cm^2"}}, "formulation.vehicle_physics"),
    ({"skin": {"layers": [{"name": "m", "thickness": "10 um", "diffusivity": "1e-9 cm^2/s", "partition": 1}]}},
     "skin.layers")])
def test_what_does_not_batch_is_refused_in_one_line(change, field):
    scenario = scenario_from_dict(IN_VIVO | change)
    with pytest.raises(InputError) as err:
        template(scenario)
    assert str(err.value).startswith(field + ":") and "\n" not in str(err.value)


def test_flux_at_the_end_of_a_long_infinite_dose_is_the_steady_flux():
    scenario = scenario_from_dict({"compound": {"name": "caffeine"}, "skin": {"site": "heat-separated-epidermis"},
                                   "formulation": {"concentration": "1 %"}, "simulation": {"duration": "72 h"}})
    steady = simulate(scenario).summary["steady_flux_ug_per_cm2_per_h"]
    assert evaluate(template(scenario), {}, 1)["flux_end_ug_per_cm2_per_h"][0] == pytest.approx(steady, rel=1e-3)
