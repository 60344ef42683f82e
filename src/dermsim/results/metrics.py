"""Metrics computed from result time courses (no physics: post-processing of solver output)."""

from __future__ import annotations

from typing import Any

import numpy as np


def basal_exposure(times: np.ndarray, conc: np.ndarray, threshold: float | None) -> dict[str, Any]:
    """Cmax (ug/cm³), tmax (h), AUC (ug·h/cm³, trapezoid), the concentration at the end (ug/cm³) and time to
    reach ``threshold`` (h, linear interpolation between outputs; None = not reached) of a concentration time
    course."""
    i = int(np.argmax(conc))
    out = {"cmax_ug_per_cm3": float(conc[i]), "tmax_h": float(times[i]),
           "auc_ug_h_per_cm3": float(np.trapezoid(conc, times)), "concentration_end_ug_per_cm3": float(conc[-1]),
           "threshold_ug_per_cm3": threshold, "time_to_threshold_h": None,
           "threshold_reached": None}
    if threshold is not None:
        above = np.flatnonzero(conc >= threshold)
        out["threshold_reached"] = bool(above.size)
        if above.size:
            j = above[0]
            if j == 0:
                out["time_to_threshold_h"] = float(times[0])
            else:
                c0, c1 = conc[j - 1], conc[j]
                out["time_to_threshold_h"] = float(times[j - 1] + (threshold - c0) / (c1 - c0)
                                                   * (times[j] - times[j - 1]))
    return out
