"""Profile-likelihood confidence intervals: each parameter stepped away from its estimate, the others
re-optimised at every step, until the fit is worse than the threshold.

Threshold. With Gaussian errors of unknown scale, the 95 % interval of x_j is the set where

    RSS_j(v) / RSS(x̂) ≤ 1 + F(0.95; 1, n − p) / (n − p),

RSS_j(v) the minimum of RSS with x_j = v (Bates & Watts 1988, §6.1.2; Venzon & Moolgavkar 1988, Appl Stat
37:87). It is exact for a model linear in x (the interval is then the t-interval x̂ ± t SE) and tends to the
χ²₁ likelihood-ratio rule n ln(RSS_j/RSS) ≤ 3.84 as n grows; with the 10–40 points of a Franz experiment the
χ²₁ rule undercovers, so the F form is used. An interval end that the profile does not reach inside the
parameter's bounds is reported as unbounded (None), not invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq
from scipy.stats import f as f_dist

from dermsim.fitting.estimate import Objective, minimise

LEVEL = 0.95
#: First step away from x̂ in SEs of x_j, and its growth factor per step (the walk reaches the ±2 SE of a
#: near-linear profile in 3–4 steps and a bound 20 decades away in ~20).
FIRST_STEP_SE, GROWTH = 0.75, 1.6
#: Smallest first step (ln units), for a parameter whose SE is ~0 (noise-free data).
MIN_STEP = 1e-3
MAX_STEPS = 40
#: Tolerance of an interval end in ln θ (0.01 % of θ).
BRENT_TOL = 1e-4


def threshold(n: int, p: int, level: float = LEVEL) -> float:
    """Largest RSS ratio inside the interval: 1 + F(level; 1, n − p)/(n − p)."""
    return 1.0 + f_dist.ppf(level, 1, n - p) / (n - p)


@dataclass
class Profile:
    """The profile of parameter ``index``: points (x_j, RSS ratio), the interval ends in x (None: not
    closed inside the bounds) and the threshold ratio."""

    index: int
    points: list[tuple[float, float]] = field(default_factory=list)
    lower: float | None = None
    upper: float | None = None
    threshold: float = np.nan


def profile(objective: Objective, x_hat, rss_hat: float, index: int, se: float, level: float = LEVEL) -> Profile:
    """Walk x_index down and up from ``x_hat`` (re-optimising the other coordinates, warm-started from the
    previous point) until the RSS ratio crosses the threshold; the crossing is located by Brent's method."""
    x_hat = np.asarray(x_hat, dtype=float)
    p = x_hat.size
    limit = threshold(objective.n, p, level)
    out = Profile(index=index, threshold=limit, points=[(float(x_hat[index]), 1.0)])
    if not rss_hat > 0:                  # an exact fit: the interval is the point
        out.lower = out.upper = float(x_hat[index])
        return out
    free = np.ones(p, dtype=bool)
    free[index] = False
    cache: dict[float, np.ndarray] = {}

    def ratio_at(v: float, warm: np.ndarray) -> tuple[float, np.ndarray]:
        x0 = warm.copy()
        x0[index] = v
        if p == 1:
            x, rss = x0, float(objective.rss(x0)[0])
        else:
            x, rss, _ = minimise(objective, x0, free, tight=False)
        cache[v] = x
        return rss / rss_hat, x

    step0 = max(FIRST_STEP_SE * se if np.isfinite(se) else 1.0, MIN_STEP)
    for direction, bound in ((-1, objective.lower[index]), (1, objective.upper[index])):
        v_prev, warm, step, end = float(x_hat[index]), x_hat, step0, None
        for _ in range(MAX_STEPS):
            v = v_prev + direction * step
            at_bound = (v <= bound) if direction < 0 else (v >= bound)
            v = float(bound) if at_bound else v
            r, x = ratio_at(v, warm)
            out.points.append((v, r))
            if r >= limit:
                lo, hi = sorted((v_prev, v))

                def g(u):
                    near = cache[min(cache, key=lambda k: abs(k - u))]
                    r_u = ratio_at(u, near)[0]
                    out.points.append((u, r_u))
                    return r_u - limit

                try:
                    end = brentq(g, lo, hi, xtol=BRENT_TOL)
                except ValueError:         # re-optimised ends disagree in sign by round-off: interpolate
                    r_prev = dict(out.points).get(v_prev, 1.0)
                    end = v_prev + (v - v_prev) * (limit - r_prev) / (r - r_prev)
                break
            if at_bound:
                break
            v_prev, warm, step = v, x, step * GROWTH
        if direction < 0:
            out.lower = end
        else:
            out.upper = end
    out.points.sort()
    return out
