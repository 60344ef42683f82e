"""dermsim.dermis.injury: the punctured and the injured dermal volume of a session."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from dermsim.dermis import dermal_injury, session_injury
from dermsim.dermis.injury import channel_dermal_volume, channel_zone_volume
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


def test_without_a_signal_radius_the_injury_is_the_holes_overlapping_at_random():
    plan = plan_treatment("pen-12", "face", passes=2, treated_area_cm2=1.0, depth_setting_cm=0.1)
    inj = dermal_injury(plan, signal_radius=0.0)
    epidermis = sum(l.thickness for l in plan.skin.layers if l.role in ("stratum_corneum", "viable_epidermis"))
    dermis = next(l.thickness for l in plan.skin.layers if l.role == "dermis")
    d, d_s = plan.insertion.effective_depth, plan.insertion.surface_diameter
    per_channel, _ = quad(lambda z: math.pi * (d_s * (1 - z / d)) ** 2 / 4, epidermis, d)
    punctured = plan.channel_density * per_channel
    assert inj.punctured_volume_per_area == pytest.approx(punctured, rel=1e-10)
    assert inj.volume_fraction == pytest.approx(1 - math.exp(-punctured / dermis), rel=1e-10)
    assert 0 < inj.volume_fraction < 1


def _zone_by_quadrature(d_s, depth, z_e, r, h, n=1500):
    """Volume of the dermis (z_e <= z <= z_e + h) within r of the solid cone below z_e, on a fine (rho, z) grid:
    the distance of a point to an axisymmetric convex body is its distance, in its own meridional half-plane, to
    the body's cross-section (here the triangle (0, z_e), (R_e, z_e), (0, depth))."""
    r_e = 0.5 * d_s * (1 - z_e / depth)
    rho = np.linspace(0, r_e + r, n)
    z = np.linspace(z_e, min(z_e + h, depth + r), n)
    P, Z = np.meshgrid(rho, z, indexing="ij")
    a, b = np.array([r_e, z_e]), np.array([0.0, depth])          # the slanted edge
    t = np.clip(((P - a[0]) * (b[0] - a[0]) + (Z - a[1]) * (b[1] - a[1])) / np.sum((b - a) ** 2), 0, 1)
    dist_edge = np.hypot(P - (a[0] + t * (b[0] - a[0])), Z - (a[1] + t * (b[1] - a[1])))
    inside = P <= r_e * (depth - Z) / (depth - z_e)
    near = inside | (dist_edge <= r) | ((Z - depth <= r) & (P <= r) & (np.hypot(P, Z - depth) <= r))
    w = 2 * np.pi * P * near
    return np.trapezoid(np.trapezoid(w, z, axis=1), rho)


@pytest.mark.parametrize("r_um", [0.0, 50.0, 300.0])
def test_the_injured_zone_is_the_channel_dilated_by_the_signal_radius(r_um):
    d_s, depth, z_e, h = 200e-4, 800e-4, 100e-4, 1000e-4       # a slender 700 um dermal cone
    r = r_um * 1e-4
    exact = _zone_by_quadrature(d_s, depth, z_e, r, h)
    assert channel_zone_volume(d_s, depth, z_e, r, h) == pytest.approx(exact, rel=0.03)
    # the dermis ends above the tip's hemisphere: the zone stops there too
    assert channel_zone_volume(d_s, depth, z_e, r, 700e-4) <= channel_zone_volume(d_s, depth, z_e, r, h)


def test_the_injured_fraction_saturates_and_a_zone_widens_a_sparse_session_more():
    pen = [session_injury("pen-12", "face", passes=3, depth_setting_mm=1.5, signal_radius_um=r).volume_fraction
           for r in (0.0, 300.0, 3000.0)]
    roller = [session_injury("roller-192-1.5mm", "face", passes=10, signal_radius_um=r).volume_fraction
              for r in (0.0, 300.0, 3000.0)]
    assert pen[0] < pen[1] <= pen[2] <= 1.0 and roller[0] < roller[1] < roller[2] <= 1.0
    assert pen[2] == pytest.approx(1.0) and roller[2] == pytest.approx(1.0)
    assert roller[1] / pen[1] > 10 * roller[0] / pen[0]


def test_deeper_and_more_passes_injure_more():
    shallow = session_injury("pen-12", "face", passes=2, depth_setting_mm=0.5).volume_fraction
    deep = session_injury("pen-12", "face", passes=2, depth_setting_mm=1.5).volume_fraction
    more = session_injury("pen-12", "face", passes=4, depth_setting_mm=1.5).volume_fraction
    assert 0 < shallow < deep < more


def test_negative_length_is_refused():
    with pytest.raises(InputError, match="^depth"):
        channel_dermal_volume(100e-4, -1.0, 0.0)
