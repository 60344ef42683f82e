"""Microneedle channels in excised skin (diffusion cells): open while the needles stay, contracted after.

Living skin holds a channel open under tension and closes it by a barrier response
(`dermsim.microneedles.resealing`). Excised skin on a Franz cell has neither; once the needles are
removed the channel contracts elastically: TEWL of MN-treated dermatomed human skin rises sharply and then
recovers slowly and incompletely (Gomaa et al. 2010 Toxicol In Vitro 24:1971). The open cross-section,
relative to the fresh channel, is taken as

    f(t) = f_inf + (1 − f_inf) exp(−t / t_c)          (t since the needles were removed, h)

with the residual fraction f_inf and the contraction time t_c two global constants fitted together to published
with/without-needle ratios and lag-time ratios (no open fraction has been measured; f_inf also absorbs needles
that did not pierce and channels the donor does not wet; t_c comes out at about a minute, elastic recoil,
`parameters/microneedle.toml` [excised_skin]). Needles left in the skin (patches worn for
``wear_time``) hold their channels fully open until they are removed.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from dermsim import parameters


def constants() -> tuple[float, float]:
    """(f_inf, t_c in h) from `parameters/microneedle.toml` [excised_skin]."""
    table = parameters.load("microneedle")["excised_skin"]
    return float(table["residual_open_fraction"].value), float(table["contraction_time"].to("h"))


def open_fraction(removed_at: float = 0.0, residual: float | None = None,
                  contraction_time: float | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """f(t) of a channel in excised skin whose needle is removed at ``removed_at`` (h after the formulation
    is applied; 0 for a pretreatment, math.inf for needles left in place for the whole run)."""
    f_inf, t_c = constants()
    f_inf = f_inf if residual is None else float(residual)
    t_c = t_c if contraction_time is None else float(contraction_time)

    def fraction(t):
        t = np.asarray(t, dtype=float)
        if math.isinf(removed_at):
            return np.ones_like(t)
        after = np.maximum(t - removed_at, 0.0)
        return np.where(t < removed_at, 1.0, f_inf + (1.0 - f_inf) * np.exp(-after / t_c))

    return fraction
