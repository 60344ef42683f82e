"""Subjects drawn from the cited spreads: reproducible, mean-preserving, with the stated σ and correlation."""

import math

import numpy as np
import pytest

from dermsim.errors import InputError
from dermsim.studies.variability import FACTORS, draw_factors, variability


def test_the_same_seed_gives_the_same_subjects_and_another_seed_others():
    spread = variability()
    a, b, c = draw_factors(500, 3, spread), draw_factors(500, 3, spread), draw_factors(500, 4, spread)
    assert all(np.array_equal(a[k], b[k]) for k in FACTORS)
    assert not np.array_equal(a[FACTORS[0]], c[FACTORS[0]])


def test_factors_have_mean_one_and_the_cited_coefficients_of_variation():
    spread = variability()
    f = draw_factors(400_000, 1, spread)
    for key, cv in (("stratum_corneum.thickness", 0.27), ("viable_epidermis.thickness", 0.20)):
        x = f[key]
        # standard error of the mean of a lognormal with CV 0.27 over 4e5 draws: 4e-4; of its CV: ~1e-3
        assert abs(x.mean() - 1) < 0.002 and abs(x.std() / x.mean() - cv) < 0.005


def test_kp_spread_is_split_between_thickness_and_diffusivity():
    """kp ∝ D / h: the log-variance of D/h is that of the measured kp (Harrison 1984, CV 36 %)."""
    spread = variability()
    s = spread.sigma()
    total = s["stratum_corneum.diffusivity"] ** 2 + s["stratum_corneum.thickness"] ** 2
    assert total == pytest.approx(math.log1p(0.36 ** 2), rel=1e-12)
    f = draw_factors(400_000, 2, spread)
    kp = f["stratum_corneum.diffusivity"] / f["stratum_corneum.thickness"]
    assert np.std(np.log(kp)) == pytest.approx(math.sqrt(math.log1p(0.36 ** 2)), rel=0.01)


def test_thickness_correlation_override():
    f = draw_factors(200_000, 5, variability({"thickness_correlation": 0.6}))
    r = np.corrcoef(np.log(f["stratum_corneum.thickness"]), np.log(f["viable_epidermis.thickness"]))[0, 1]
    assert r == pytest.approx(0.6, abs=0.01)
    independent = draw_factors(200_000, 5, variability())
    assert abs(np.corrcoef(np.log(independent["stratum_corneum.thickness"]),
                           np.log(independent["viable_epidermis.thickness"]))[0, 1]) < 0.01


@pytest.mark.parametrize("overrides, message", [
    ({"stratum_corneum_cv": 0.2}, r"^population\.variability: got 'stratum_corneum_cv'.*did you mean 'stratum_corneum_thickness_cv'"),
    ({"permeability_cv": -0.1}, r"^population\.variability\.permeability_cv: got -0\.1; allowed: a coefficient"),
    ({"thickness_correlation": 1.0}, r"^population\.variability\.thickness_correlation: got 1\.0; allowed: a corr"),
])
def test_bad_overrides_are_one_line(overrides, message):
    with pytest.raises(InputError, match=message):
        variability(overrides)


def test_every_spread_has_a_source():
    spread = variability()
    assert all(spread.sources[k] for k in spread.sources)
