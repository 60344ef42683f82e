"""Printed numbers say what they are (#11 item 4): which vehicle a kp refers to, infinite-dose properties of a
finite dose labelled, the basal concentration at the end; no round-off negatives in result.nc."""

from pathlib import Path

import numpy as np
import pytest

from dermsim import load_scenario, scenario_from_dict, simulate
from dermsim.results.checks import NEGATIVE_TOLERANCE, clip_round_off

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_a_finite_dose_labels_the_infinite_dose_kp_and_lag_and_prints_the_end_basal_concentration():
    result = simulate(load_scenario(EXAMPLES / "niacinamide_serum_face.toml"))
    s = result.summary
    assert s["dose"] == "finite" and s["kp_vehicle"] == "water"
    assert "as an infinite dose of water" in s["answer"] and "not times of this finite dose" in s["answer"]
    end = s["basal_layer"]["concentration_end_ug_per_cm3"]
    assert end == pytest.approx(float(result.dataset["basal_layer_concentration"][-1]), rel=1e-12)
    assert f"{end:.3g} ug/cm^3 at the end (24 h)" in s["answer"]
    from dermsim.permeation.report import markdown

    report = markdown(result, plots=False)
    assert "(infinite dose, for comparison: not of this finite dose)" in report and "steady-state flux" not in report


def test_an_infinite_dose_says_which_vehicle_its_kp_is_from():
    water = simulate(scenario_from_dict({"compound": {"name": "caffeine"}, "skin": {"site": "face"},
                                         "formulation": {"concentration": "1 %"}})).summary
    assert water["dose"] == "infinite" and f"from water (kasting-chen)" in water["answer"]
    cream = simulate(scenario_from_dict({"compound": {"name": "caffeine"}, "skin": {"site": "face"},
                                         "formulation": {"concentration": "1 %", "oil_fraction": 0.3,
                                                         "vehicle_physics": False}})).summary
    assert cream["kp_vehicle"].startswith("a vehicle with vehicle/water partition")
    assert cream["kp_vehicle"] in cream["answer"] and cream["kp_cm_per_h"] != water["kp_cm_per_h"]


def test_round_off_negatives_are_clipped_within_a_stated_bound():
    scale = 2e3                                                # ug/cm^3, the peak concentration
    values = np.array([-1.4e-10, -NEGATIVE_TOLERANCE * scale, -3 * NEGATIVE_TOLERANCE * scale, 0.0, 5.0])
    clipped = clip_round_off(values, scale)
    np.testing.assert_array_equal(clipped, [0.0, 0.0, values[2], 0.0, 5.0])   # a real negative is kept (checks see it)


def test_result_nc_holds_no_negative_concentration():
    """The exact solver left −1.4e-9 ug/cm^3 (1e-12 of the peak) ahead of the diffusion front."""
    ds = simulate(load_scenario(EXAMPLES / "caffeine_pig_ear_franz.toml")).dataset
    assert float(ds["concentration"].min()) >= 0.0
    assert float(ds["amount_in_layer"].min()) >= 0.0
