"""Standard errors and profile intervals against a model whose answer is known: y = θ₁ x + θ₂, linear in θ.

Fitted in x = ln θ, ordinary least squares gives cov(θ̂) = s² (XᵀX)⁻¹, so SE(ln θ̂_j) = SE(θ̂_j)/θ̂_j (delta
method, exact at the estimate), and the F-threshold profile interval of θ_j is exactly the t-interval
θ̂_j ± t(0.975; n − 2) SE(θ̂_j) — symmetric in θ, hence asymmetric in ln θ.
"""

import numpy as np
import pytest
from scipy.stats import t as t_dist

from dermsim.fitting.estimate import Objective, covariance, multistart, skindiff_covariance
from dermsim.fitting.profile import profile


@pytest.fixture
def linear(rng):
    n = 12
    X = np.column_stack([np.linspace(1, 6, n), np.ones(n)])            # slope and intercept, both far from 0
    y = X @ np.array([2.0, 5.0]) + rng.normal(0, 1.5, n)
    objective = Objective(predict=lambda x: np.exp(x) @ X.T, observed=y, weights=np.ones(n),
                          lower=np.full(2, -20.0), upper=np.full(2, 20.0))
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    resid = y - X @ beta
    s2 = resid @ resid / (n - 2)
    cov_beta = s2 * np.linalg.inv(X.T @ X)
    return objective, X, y, beta, cov_beta


def test_least_squares_estimate_and_se_equal_ols(linear):
    objective, X, y, beta, cov_beta = linear
    est = multistart(objective, np.zeros(2), starts=3, seed=1)
    assert np.exp(est.x) == pytest.approx(beta, rel=1e-8)
    cov = covariance(est.jacobian, est.rss, objective.n)
    assert np.sqrt(np.diag(cov)) == pytest.approx(np.sqrt(np.diag(cov_beta)) / beta, rel=1e-6)


def test_skindiff_formula_lacks_the_residual_variance(linear):
    objective, X, y, beta, cov_beta = linear
    est = multistart(objective, np.zeros(2), starts=1)
    s2 = est.rss / (objective.n - 2)
    ratio = np.diag(covariance(est.jacobian, est.rss, objective.n)) / np.diag(skindiff_covariance(est.jacobian))
    assert ratio == pytest.approx([s2, s2], rel=1e-9)
    assert abs(s2 - 1.0) > 0.5                                       # so the two differ here


@pytest.mark.parametrize("j", [0, 1])
def test_profile_interval_is_the_t_interval_and_asymmetric_in_log(linear, j):
    objective, X, y, beta, cov_beta = linear
    est = multistart(objective, np.zeros(2), starts=1)
    se_ln = np.sqrt(covariance(est.jacobian, est.rss, objective.n)[j, j])
    prof = profile(objective, est.x, est.rss, j, se_ln)
    half = t_dist.ppf(0.975, objective.n - 2) * np.sqrt(cov_beta[j, j])
    assert np.exp([prof.lower, prof.upper]) == pytest.approx([beta[j] - half, beta[j] + half], rel=1e-4)
    assert prof.lower < est.x[j] < prof.upper
    below, above = est.x[j] - prof.lower, prof.upper - est.x[j]
    assert below > above * 1.02                                      # wider below in ln θ


def test_profile_that_does_not_close_is_unbounded():
    """y = θ₁ + θ₂ x fitted on x ≥ 0 where θ₂ barely matters: θ₂'s lower end reaches its bound."""
    x = np.linspace(0, 1, 10)
    y = 5.0 + np.array([0.1, -0.2, 0.15, 0.0, -0.1, 0.2, -0.15, 0.05, 0.1, -0.1])
    objective = Objective(predict=lambda z: np.exp(z[:, :1]) + np.exp(z[:, 1:]) * x, observed=y,
                          weights=np.ones(10), lower=np.array([-5.0, -12.0]), upper=np.array([5.0, 5.0]))
    est = multistart(objective, np.array([1.0, -3.0]), starts=3)
    se = np.sqrt(covariance(est.jacobian, est.rss, 10)[1, 1])
    prof = profile(objective, est.x, est.rss, 1, se)
    assert prof.lower is None and prof.upper is not None
