"""A result checks itself before anyone reads it: every number finite, no negative amount, a closed balance.

`check_permeation` is called on every permeation (and microneedle) summary before the Result is built; a failure
raises `dermsim.errors.ResultCheckError` with the figure and the remedy in one line, and nothing is written
(the CLI exits with code 3).
"""

from __future__ import annotations

import math

from dermsim.errors import ResultCheckError

#: Largest mass-balance closure error a result may carry, relative to the applied or supplied amount (–).
MASS_BALANCE_TOLERANCE = 1e-8
#: Most negative fraction of the dose an amount may show (round-off) (–).
NEGATIVE_TOLERANCE = 1e-9
REMEDY = "try simulation.solver = 'tr-bdf2' or a higher simulation.resolution, and report the scenario"


def _non_finite(value, path: str = "") -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, int | float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        for k, v in value.items():
            found = _non_finite(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found = _non_finite(v, f"{path}[{i}]")
            if found:
                return found
    return None


def clip_round_off(values, scale: float):
    """``values`` with negatives of round-off size (down to −`NEGATIVE_TOLERANCE` × ``scale``) set to 0; larger
    negatives are kept, for the checks to report. ``scale``: the largest magnitude of the quantity in the run
    (e.g. the peak concentration, or the dose), in the unit of ``values``."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    return np.where((values < 0) & (values >= -NEGATIVE_TOLERANCE * scale), 0.0, values)


def check_permeation(summary: dict) -> None:
    """Raise `ResultCheckError` unless the summary's numbers are finite, its amounts non-negative (beyond
    round-off) and its mass balance closed to `MASS_BALANCE_TOLERANCE`."""
    bad = _non_finite(summary)
    if bad:
        raise ResultCheckError(f"result check failed: {bad} is not a finite number; {REMEDY}")
    error = summary["mass_balance_relative_error"]
    if error > MASS_BALANCE_TOLERANCE:
        raise ResultCheckError(f"result check failed: mass balance closes only to {error:.2g} (allowed "
                               f"{MASS_BALANCE_TOLERANCE:g}); {REMEDY}")
    fractions = dict(summary.get("fraction_of_dose") or {})
    fractions.update({f"guideline_categories.{k}": v for k, v in (summary.get("guideline_categories") or {}).items()})
    for name, value in fractions.items():
        if value < -NEGATIVE_TOLERANCE:
            raise ResultCheckError(f"result check failed: {name} is {value:.3g} of the dose (negative); {REMEDY}")
    amounts = [("cumulative_permeated_ug_per_cm2", summary["cumulative_permeated_ug_per_cm2"])]
    amounts += [(f"amount_in_layer_end_ug_per_cm2.{k}", v) for k, v in summary["amount_in_layer_end_ug_per_cm2"].items()]
    scale = max([abs(v) for _, v in amounts] + [summary.get("applied_amount_ug_per_cm2") or 0.0, 1e-300])
    for name, value in amounts:
        if value < -NEGATIVE_TOLERANCE * scale:
            raise ResultCheckError(f"result check failed: {name} = {value:.3g} ug/cm^2 (negative); {REMEDY}")
