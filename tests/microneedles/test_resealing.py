"""Resealing kinetics: first-order law, calibration points, factors, monotonicity."""

import math

import numpy as np
import pytest

from dermsim.anatomy import UM
from dermsim.errors import InputError
from dermsim.microneedles.resealing import age_factor, resealing

BARRIER_REF = 479 * UM     # barrier_reference_depth in microneedle.toml
KALLURI_770 = 152.5 * UM   # physical_reference_depth


def test_open_fraction_is_first_order_and_vectorised():
    rs = resealing(BARRIER_REF, occluded=True)
    t = np.array([0.0, rs.half_life, 2 * rs.half_life, 1e6])
    assert rs.open_fraction(t) == pytest.approx([1.0, 0.5, 0.25, 0.0], abs=1e-12)
    assert rs.physical_open_fraction(rs.physical_half_life) == pytest.approx(0.5)
    assert rs.open_fraction(np.zeros((2, 3))).shape == (2, 3)
    assert rs.mean_open_time == pytest.approx(rs.half_life / math.log(2))
    with pytest.raises(InputError, match="time"):
        rs.open_fraction([-1.0, 2.0])


def test_calibration_points_are_reproduced():
    occluded = resealing(BARRIER_REF, occluded=True)
    assert occluded.half_life == pytest.approx(23.25, rel=1e-6)            # PMC8259462 mean t1/2
    assert occluded.barrier_recovery_time == pytest.approx(60.57, rel=1e-3)  # mean closure 58-63 h
    open_site = resealing(BARRIER_REF)
    assert open_site.barrier_recovery_time == pytest.approx(2.0, rel=1e-6)   # Gupta 2011 within 2 h
    assert resealing(KALLURI_770).physical_closure_time == pytest.approx(18.0, rel=1e-6)
    assert resealing(KALLURI_770 * 370 / 770).physical_closure_time == pytest.approx(12.0, rel=1e-3)


def test_barrier_recovers_before_physical_closure():
    for depth in (40 * UM, 150 * UM, 460 * UM, 1200 * UM):
        for occluded in (False, True):
            rs = resealing(depth, occluded=occluded, age_years=80, anti_inflammatory=True)
            assert rs.physical_half_life >= rs.half_life


def test_monotonic_in_depth_occlusion_age_and_anti_inflammatory():
    depths = np.linspace(20, 1500, 10) * UM
    half = np.array([resealing(float(d)).half_life for d in depths])
    assert np.all(np.diff(half) > 0)
    base = resealing(300 * UM)
    assert resealing(300 * UM, occluded=True).half_life > 10 * base.half_life
    assert resealing(300 * UM, age_years=77.3).half_life == pytest.approx(2.0 * base.half_life)
    ai = resealing(300 * UM, anti_inflammatory=True)
    assert ai.half_life / base.half_life == pytest.approx(168 / 72, rel=1e-4)  # Brogden 2013: 72 h -> 7 d
    assert resealing(300 * UM, age_years=77.3, elderly_factor=3.0).half_life == pytest.approx(3.0 * base.half_life)


def test_age_factor_interpolates_between_kelchen_groups():
    assert age_factor(None) == 1.0
    assert age_factor(20) == 1.0 and age_factor(25.6) == pytest.approx(1.0)
    assert age_factor((25.6 + 77.3) / 2) == pytest.approx(1.5)
    assert age_factor(95) == pytest.approx(2.0)
    for bad in (-1, 200, "old", True):
        with pytest.raises(InputError, match="age"):
            age_factor(bad)
    with pytest.raises(InputError, match="elderly_factor"):
        age_factor(70, elderly_factor=0.5)


def test_no_channels_means_nothing_open():
    rs = resealing(0.0)
    assert rs.half_life == 0 and rs.mean_open_time == 0
    assert rs.open_fraction([0.0, 0.1, 5.0]) == pytest.approx([1.0, 0.0, 0.0])
    with pytest.raises(InputError, match="channel_depth"):
        resealing(-1e-3)
