"""Posterior sampling of the fitted log parameters with emcee's affine-invariant ensemble sampler.

Posterior: flat prior on x = ln θ inside the bounds, Jeffreys prior 1/σ on the error scale integrated out,
so p(x | y) ∝ RSS(x)^(−n/2) (Box & Tiao 1973, Bayesian Inference in Statistical Analysis, §2.4). emcee
(Foreman-Mackey et al. 2013, PASP 125:306) is run with ``vectorize=True``: the walkers of one step are one
batched forward solve. Walkers start from the Laplace approximation N(x̂, cov) of the least-squares fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dermsim.fitting.estimate import Objective

#: Walkers per parameter: emcee needs ≥ 2p; 8 p halves the solves of 16 p at p = 2–3 and still mixes (τ ≈ 20–40 steps).
WALKERS_PER_PARAMETER = 8


@dataclass
class Posterior:
    """Samples of x = ln θ after burn-in (m, p), with the acceptance fraction, the longest integrated
    autocorrelation time τ (steps) and whether the chain after burn-in is ≥ 50 τ long (emcee's own rule)."""

    samples: np.ndarray
    acceptance: float
    autocorrelation: float
    steps: int
    burn: int
    long_enough: bool = True


def sample(objective: Objective, x_hat, cov, steps: int = 2000, burn: int | None = None, seed: int = 0) -> Posterior:
    """Run the sampler for ``steps`` steps and drop the first ``burn`` (default a quarter)."""
    import emcee

    x_hat = np.asarray(x_hat, dtype=float)
    p, n = x_hat.size, objective.n
    walkers = max(WALKERS_PER_PARAMETER * p, 2 * p + 2)
    rng = np.random.default_rng(seed)
    scale = np.sqrt(np.diag(cov)) if np.all(np.isfinite(cov)) else np.full(p, 0.1)
    scale = np.where(scale > 0, scale, 1e-6)
    start = x_hat + rng.standard_normal((walkers, p)) * scale
    start = np.clip(start, objective.lower + 1e-9, objective.upper - 1e-9)

    def log_prob(x):
        x = np.atleast_2d(x)
        inside = np.all((x > objective.lower) & (x < objective.upper), axis=1)
        out = np.full(x.shape[0], -np.inf)
        if inside.any():
            rss = objective.rss(x[inside])
            with np.errstate(divide="ignore"):
                out[inside] = -0.5 * n * np.log(rss)
        return out

    sampler = emcee.EnsembleSampler(walkers, p, log_prob, vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps, progress=False)
    burn = steps // 4 if burn is None else burn
    chain = sampler.get_chain(discard=burn, flat=True)
    try:
        tau, long_enough = float(np.max(sampler.get_autocorr_time(discard=burn))), True
    except emcee.autocorr.AutocorrError as exc:     # chain < 50 τ: the estimate is kept and flagged
        tau, long_enough = float(np.max(exc.tau)), False
    return Posterior(samples=chain, acceptance=float(np.mean(sampler.acceptance_fraction)), autocorrelation=tau,
                     steps=steps, burn=burn, long_enough=long_enough)
