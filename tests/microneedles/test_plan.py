"""plan_treatment: the chain insertion → channels → resealing → risk, summary and input errors."""

import json

import pytest

from dermsim.anatomy import skin_for_site
from dermsim.errors import InputError
from dermsim.microneedles.devices import get_device
from dermsim.microneedles.plan import plan_from_table, plan_treatment

REQUIRED_KEYS = {"effective_depth_um", "channel_surface_diameter_um", "channels_per_cm2", "total_channels",
                 "deepest_layer_reached", "reaches_capillary_loops", "open_area_fraction", "closure_half_life_h",
                 "physical_closure_half_life_h", "bleeding_expected", "expected_bleeding_points",
                 "pain_percent_of_26g_needle", "infection_risk_index", "wound_wall_area_cm2", "home_use_flags",
                 "sources"}


def test_summary_is_json_and_consistent():
    plan = plan_treatment(get_device("roller-192-0.5mm"), skin_for_site("face", include_hypodermis=True),
                          passes=15, treated_area_cm2=300.0)
    summary = plan.summary()
    assert REQUIRED_KEYS <= set(summary)
    json.dumps(summary)
    assert summary["punctures_per_cm2"] == pytest.approx(15 * 192 / (4 * 3.141592653589793))
    assert summary["total_channels"] == pytest.approx(summary["channels_per_cm2"] * 300)
    assert summary["deepest_layer_reached"] == "papillary dermis"
    assert summary["reaches_capillary_loops"] is False
    assert "Kalluri" in summary["sources"]["insertion.depth_fraction.roller"]
    text = plan.describe()
    assert "roller-192-0.5mm on face" in text and "channels in total" in text


def test_pen_plan_uses_depth_speed_and_frequency():
    slow = plan_from_table({"device": "pen-12", "passes": 1, "treated_area": "10 cm^2", "depth_setting": "0.5 mm",
                            "speed": "1 cm/s", "stroke_frequency": "100 Hz"}, "forearm")
    fast = plan_treatment("pen-12", "forearm", passes=1, treated_area_cm2=10, depth_setting_cm=0.05,
                          pen_speed_cm_h=4 * 3600.0, stroke_frequency_per_h=100 * 3600.0)
    assert slow.summary()["punctures_per_cm2"] == pytest.approx(2400)  # 12 x 100 Hz / (1 cm/s x 0.5 cm)
    assert fast.summary()["punctures_per_cm2"] == pytest.approx(600)
    assert slow.summary()["nominal_length_um"] == pytest.approx(500)
    assert slow.summary()["effective_depth_um"] == pytest.approx(250)


def test_a_force_too_small_to_pierce_makes_no_channels():
    plan = plan_treatment("gantrez-600um-donnelly2011", "forearm", passes=1, treated_area_cm2=1, application=0.01)
    s = plan.summary()
    assert s["pierces"] is False and s["total_channels"] == 0 and s["deepest_layer_reached"] == "none (not pierced)"
    assert s["infection_risk_index"] == 0 and s["pain_percent_of_26g_needle"] == 0
    pierced = plan_from_table({"device": "gantrez-600um-donnelly2011", "treated_area": "1 cm^2",
                               "application": "0.1 N"}, "forearm").summary()
    assert pierced["pierces"] and pierced["total_channels"] > 90


@pytest.mark.parametrize("table, field", [
    (dict(device="no-such-device"), "microneedle.device"),
    (dict(site="knee"), "site"),
    (dict(passes=0), "microneedle.passes"),
    (dict(treated_area="-5 cm^2"), "microneedle.treated_area"),
    (dict(treated_area="5 cm"), "microneedle.treated_area"),
    (dict(depth_setting="1 mm"), "microneedle.depth"),                                  # roller is not adjustable
    (dict(device="dermapen-11"), "microneedle.depth"),                                  # pen needs a depth
    (dict(device="dermapen-11", depth_setting="3 mm"), "microneedle.depth"),            # out of the pen's range
    (dict(device="dermapen-11", depth_setting="2.5 mm", site="dermatomed"), "microneedle.depth"),  # too deep
    (dict(sterilisation="boiled"), "microneedle.sterilisation"),
    (dict(reuse_count=-1), "microneedle.reuse"),
    (dict(age="old"), "age"),
    (dict(application="sideways"), "microneedle.application"),
])
def test_bad_plan_inputs(table, field):
    """Through the scenario's validation path (quantities with units), every error names its field."""
    site, age = table.pop("site", "forearm"), table.pop("age", None)
    args = dict(device="roller-192-0.5mm", passes=1, treated_area="10 cm^2") | table
    with pytest.raises(InputError, match=field):
        plan_from_table(args, site, age=age)


@pytest.mark.parametrize("kwargs", [dict(treated_area_cm2="10 cm^2"), dict(treated_area_cm2=-1.0),
                                    dict(depth_setting_cm="1 mm"), dict(application="0.05 N"),
                                    dict(age_years="old"), dict(reuse_count=-1)])
def test_the_model_function_takes_numbers_only(kwargs):
    """plan_treatment takes kernel-unit numbers; strings with units are parsed at the boundary only."""
    args = dict(passes=1, treated_area_cm2=10.0) | kwargs
    with pytest.raises(InputError):
        plan_treatment("roller-192-0.5mm", "forearm", **args)
