"""dermsim.dermis.injury: the punctured dermal volume of a session."""

import math

import pytest
from scipy.integrate import quad

from dermsim.dermis import dermal_injury, session_injury
from dermsim.dermis.injury import channel_dermal_volume
from dermsim.errors import InputError
from dermsim.microneedles.plan import plan_treatment


def test_channel_volume_is_the_cone_below_the_epidermis():
    d_s, depth, z_e = 150e-4, 700e-4, 60e-4
    # whole cone (no epidermis): V = (1/3) pi r^2 h
    assert channel_dermal_volume(d_s, depth, 0.0) == pytest.approx(math.pi * (d_s / 2) ** 2 * depth / 3, rel=1e-14)
    # the part below z_e by quadrature of the cross-section pi D(z)^2 / 4
    expected, _ = quad(lambda z: math.pi * (d_s * (1 - z / depth)) ** 2 / 4, z_e, depth)
    assert channel_dermal_volume(d_s, depth, z_e) == pytest.approx(expected, rel=1e-12)
    assert channel_dermal_volume(d_s, 50e-4, z_e) == 0.0


def test_a_channel_ending_in_the_epidermis_injures_no_dermis():
    plan = plan_treatment("roller-192-0.2mm", "face", passes=4, treated_area_cm2=1.0)
    assert plan.insertion.effective_depth < sum(l.thickness for l in plan.skin.layers
                                                if l.role in ("stratum_corneum", "viable_epidermis"))
    assert dermal_injury(plan).volume_fraction == 0.0


def test_volume_fraction_is_channels_times_volume_over_dermis():
    plan = plan_treatment("pen-12", "face", passes=2, treated_area_cm2=1.0, depth_setting_cm=0.1)
    inj = dermal_injury(plan)
    epidermis = sum(l.thickness for l in plan.skin.layers if l.role in ("stratum_corneum", "viable_epidermis"))
    dermis = next(l.thickness for l in plan.skin.layers if l.role == "dermis")
    d, d_s = plan.insertion.effective_depth, plan.insertion.surface_diameter
    per_channel, _ = quad(lambda z: math.pi * (d_s * (1 - z / d)) ** 2 / 4, epidermis, d)
    assert inj.volume_fraction == pytest.approx(plan.channel_density * per_channel / dermis, rel=1e-10)
    assert 0 < inj.volume_fraction < 1


def test_deeper_and_more_passes_injure_more():
    shallow = session_injury("pen-12", "face", passes=2, depth_setting_mm=0.5).volume_fraction
    deep = session_injury("pen-12", "face", passes=2, depth_setting_mm=1.5).volume_fraction
    more = session_injury("pen-12", "face", passes=4, depth_setting_mm=1.5).volume_fraction
    assert 0 < shallow < deep < more


def test_negative_length_is_refused():
    with pytest.raises(InputError, match="^depth"):
        channel_dermal_volume(100e-4, -1.0, 0.0)
