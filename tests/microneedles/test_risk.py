"""Risk rules: capillary strikes, pain ratios, infection index, wound area, home-use flags."""

import math

import numpy as np
import pytest

from dermsim.anatomy import UM
from dermsim.errors import InputError
from dermsim.microneedles.density import distinct_channels
from dermsim.microneedles.plan import plan_treatment
from dermsim.microneedles.risk import (capillary_strike_probability, expected_bleeding_points, infection_risk_index,
                                       pain_extrapolated, pain_fraction)


def test_capillary_strike_matches_the_blicharz_poisson_table():
    # derived from Blicharz et al. 2018 Nat Biomed Eng 2:151: P = 1 - exp(-rho pi ((d + 0.015 mm)/2)^2), rho = 14 /mm^2
    d_mm = np.array([0.07, 0.10, 0.13, 0.18, 0.25, 0.30])
    expected = np.array([0.076, 0.135, 0.206, 0.342, 0.538, 0.664])
    assert capillary_strike_probability(d_mm / 10) == pytest.approx(expected, abs=0.0015)


def test_bleeding_points_sparse_limit_and_saturation():
    d, area = 100 * UM, 300.0
    p = capillary_strike_probability(d)
    assert expected_bleeding_points(1.0, 1.0, d, area) == pytest.approx(1.0 * area * p, rel=1e-9)
    n = np.logspace(0, 7, 15)
    nd = distinct_channels(n, math.pi * d * d / 4)
    points = expected_bleeding_points(n, nd, d, area)
    assert np.all(np.diff(points) >= 0)
    assert np.all(points <= 1400 * area * (1 + 1e-12))      # never more than the capillaries present
    assert points[-1] == pytest.approx(1400 * area, rel=1e-6)


def test_pain_reproduces_gill_ratios():
    base = pain_fraction(480 * UM, 5)
    assert base == pytest.approx(0.05)
    assert pain_fraction(3 * 480 * UM, 5) / base == pytest.approx(7.0, rel=1e-3)   # 3x length -> 7x pain
    assert pain_fraction(480 * UM, 50) / base == pytest.approx(2.0, rel=1e-3)      # 10x needles -> ~2x pain
    assert 0.05 <= pain_fraction(1450 * UM, 5) <= 0.40                             # Gill: all 5-40 % of 26 G
    assert not pain_extrapolated(700 * UM, 20)
    assert pain_extrapolated(200 * UM, 8) and pain_extrapolated(1000 * UM, 192)


def test_infection_index_reference_and_log_reductions():
    assert infection_risk_index(100, 1.0, "none") == pytest.approx(1.0)
    assert infection_risk_index(200, 3.0, "none", bioburden_factor=2.0) == pytest.approx(12.0)
    assert infection_risk_index(100, 1.0, "alcohol-wipe") == pytest.approx(10 ** -0.3)
    assert infection_risk_index(100, 1.0, "autoclave") == pytest.approx(1e-6)
    with pytest.raises(InputError, match="did you mean 'autoclave'"):
        infection_risk_index(100, 1.0, "autoclaved")
    with pytest.raises(InputError, match="skin_bioburden"):
        infection_risk_index(100, 1.0, "none", bioburden_factor=0)


def test_risk_grows_with_passes_and_length():
    short = plan_treatment("roller-192-0.5mm", "face", passes=5, treated_area_cm2=100)
    more = plan_treatment("roller-192-0.5mm", "face", passes=10, treated_area_cm2=100)
    longer = plan_treatment("roller-192-1.5mm", "face", passes=10, treated_area_cm2=100)
    assert more.risk.infection_risk_index == pytest.approx(2 * short.risk.infection_risk_index)
    assert more.risk.wound_wall_area == pytest.approx(2 * short.risk.wound_wall_area)
    assert longer.risk.pain_fraction_of_26g > more.risk.pain_fraction_of_26g
    assert longer.risk.wound_wall_area > more.risk.wound_wall_area
    assert not more.risk.bleeding_expected and more.risk.expected_bleeding_points == 0
    assert longer.risk.bleeding_expected and longer.risk.expected_bleeding_points > 0


def test_wound_area_is_the_sum_of_cone_walls():
    plan = plan_treatment("roller-192-1.0mm", "forearm", passes=3, treated_area_cm2=20.0)
    r, d = plan.insertion.surface_diameter / 2, plan.insertion.effective_depth
    punctures = 3 * 20 * 192 / (4 * math.pi)
    assert plan.risk.wound_wall_area == pytest.approx(punctures * math.pi * r * math.hypot(r, d), rel=1e-9)
    assert plan.risk.wound_surface_area == pytest.approx(punctures * math.pi * r * r, rel=1e-9)


def test_home_use_flags():
    clinic = plan_treatment("roller-192-0.5mm", "face", passes=3, treated_area_cm2=50)
    assert clinic.risk.home_use_flags == ()
    long_needles = plan_treatment("roller-192-1.5mm", "face", passes=3, treated_area_cm2=50)
    assert any("above the 1 mm advised maximum" in f for f in long_needles.risk.home_use_flags)
    reused = plan_treatment("roller-192-1.0mm", "face", passes=3, treated_area_cm2=50, reuse_count=2,
                            sterilisation="alcohol-wipe")
    flags = " | ".join(reused.risk.home_use_flags)
    assert "reused 2 time(s)" in flags and "not sporicidal" in flags and "advised maximum" not in flags
    home = plan_treatment("roller-192-0.2mm", "face", passes=3, treated_area_cm2=50, sterilisation="none")
    assert any("non-sterile device" in f for f in home.risk.home_use_flags)
    assert home.risk.infection_risk_index > 1e5 * clinic.risk.infection_risk_index / 2


def test_anaesthetic_is_recorded_without_effect():
    plain = plan_treatment("dermapen-11", "face", passes=2, treated_area_cm2=10, depth_setting_cm=0.1)
    numbed = plan_treatment("dermapen-11", "face", passes=2, treated_area_cm2=10, depth_setting_cm=0.1,
                            anaesthetic="lidocaine 4 % cream")
    assert numbed.risk.anaesthetic == "lidocaine 4 % cream"
    assert numbed.risk.pain_fraction_of_26g == plain.risk.pain_fraction_of_26g
    assert "not simulated" in numbed.summary()["anaesthetic_note"]
