"""Channel density arithmetic and Poisson coverage (analytic and Monte Carlo)."""

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

from dermsim.errors import InputError
from dermsim.microneedles.density import (count_channels, density_per_pass, distinct_channels, open_area_fraction,
                                          pen_density_per_pass, roller_density_per_pass,
                                          stamp_density_per_application)
from dermsim.microneedles.devices import get_device


def test_roller_arithmetic_192_needles_2cm_drum():
    assert roller_density_per_pass(192, 2.0, 2.0) == pytest.approx(192 / (math.pi * 4), rel=1e-12)
    assert roller_density_per_pass(192, 2.0, 2.0) == pytest.approx(15.28, abs=0.005)
    assert density_per_pass(get_device("roller-192-0.5mm")) == pytest.approx(15.28, abs=0.005)


def test_pen_and_stamp_arithmetic():
    # 11 needles at 90 Hz, 2 cm/s over a 0.5 cm swath -> 990 /cm^2 (holes per pass = N f / (v w))
    assert pen_density_per_pass(11, 90 * 3600, 2 * 3600, 0.5) == pytest.approx(990)
    assert density_per_pass(get_device("dermapen-11")) == pytest.approx(990)
    assert density_per_pass(get_device("pen-12"), stroke_frequency=150 * 3600, speed=4 * 3600) == pytest.approx(900)
    assert stamp_density_per_application(100, 1.69) == pytest.approx(59.17, abs=0.01)
    with pytest.raises(InputError, match="stroke_frequency"):
        density_per_pass(get_device("dermapen-11"), stroke_frequency=150 * 3600)  # above its 90 Hz
    with pytest.raises(InputError, match="only for pens"):
        density_per_pass(get_device("roller-192-0.5mm"), speed=3600)


def test_home_roller_15_passes():
    count = count_channels(density_per_pass(get_device("roller-192-0.2mm")), passes=15, treated_area=1.0,
                           channel_area=math.pi * (42e-4 / 2) ** 2)
    assert count.punctures_per_area == pytest.approx(15 * 192 / (4 * math.pi))  # 229.2 /cm^2
    assert count.channels_per_area == pytest.approx(229.2, rel=0.01)


def test_open_area_is_poisson_coverage_and_distinct_channels_saturate():
    n = np.array([0.0, 10.0, 1e3, 1e5, 1e7])
    a = 1e-4
    assert open_area_fraction(n, a) == pytest.approx(1 - np.exp(-n * a), rel=1e-12)
    nd = distinct_channels(n, a)
    assert np.all(np.diff(nd) >= 0) and np.all(nd <= n + 1e-12)
    assert nd[1] == pytest.approx(10, rel=1e-3)        # sparse: every puncture a channel
    assert nd[-1] == pytest.approx(1 / a, rel=1e-9)    # dense: the surface is one open area
    assert distinct_channels(50.0, 0.0) == 50.0


def test_poisson_coverage_against_monte_carlo(rng):
    """Covered fraction of random discs in a periodic unit square vs 1 - exp(-n a).

    n = 400 discs per unit area with n a = 1 (theta = 0.632), 30 realisations on a 160 x 160 grid;
    threshold: |mean - theory| < 4 standard errors of the mean. A linear law (n a = 1) would miss by > 50 SE.
    """
    n, a = 400.0, 1.0 / 400.0
    r = math.sqrt(a / math.pi)
    g = (np.arange(160) + 0.5) / 160
    grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    fractions = []
    for _ in range(30):
        centres = rng.random((rng.poisson(n), 2))
        dist, _ = cKDTree(centres, boxsize=1.0).query(grid, k=1)
        fractions.append(np.mean(dist <= r))
    fractions = np.array(fractions)
    se = fractions.std(ddof=1) / math.sqrt(fractions.size)
    assert abs(fractions.mean() - open_area_fraction(n, a)) < 4 * se


def test_full_face_channel_count_question():
    # 0.5 mm roller on ~300 cm^2: 4584 punctures per pass; the ~200,000-channel claim needs ~44 passes
    per_pass = density_per_pass(get_device("roller-192-0.5mm"))
    area_channel = math.pi * (54e-4 / 2) ** 2
    totals = {p: count_channels(per_pass, passes=p, treated_area=300, channel_area=area_channel).total_channels
              for p in (1, 15, 43, 45)}
    assert totals[1] == pytest.approx(300 * 192 / (4 * math.pi), rel=1e-3)
    assert 68_000 < totals[15] < 69_000
    assert totals[43] < 200_000 < totals[45]


@pytest.mark.parametrize("kwargs, field", [
    (dict(passes=0), "passes"), (dict(passes=-2), "passes"), (dict(passes=1.5), "passes"),
    (dict(passes="two"), "passes"), (dict(treated_area=-1.0), "treated_area"), (dict(treated_area=0.0), "treated_area"),
    (dict(channel_area=-1e-6), "channel_area"),
])
def test_bad_counts_are_input_errors(kwargs, field):
    args = dict(passes=1, treated_area=10.0, channel_area=1e-5) | kwargs
    with pytest.raises(InputError, match=field):
        count_channels(15.0, **args)
    with pytest.raises(InputError, match="density"):
        count_channels(-1.0, passes=1, treated_area=1.0, channel_area=1e-5)
