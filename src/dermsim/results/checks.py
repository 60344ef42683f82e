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
#: Added to a mass-balance failure: the cause TR-BDF2 and the default eigen-decomposition share (issue #11 item 7,
#: `dermsim.transport.graded`).
STIFF_HINT = ("; a layer conducting far more than its neighbour (K·D/h over ~1e5 times) closes its balance only "
              "through the conductance-form exact solver of simulation.solver = 'auto' (a linear problem of up to "
              "1000 grid cells)")


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
                               f"{MASS_BALANCE_TOLERANCE:g}); {REMEDY}{STIFF_HINT}")
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


EPIDERMIS_REMEDY = "report the scenario (the model broke one of its own invariants)"


def _fail(message: str) -> None:
    raise ResultCheckError(f"result check failed: {message}; {EPIDERMIS_REMEDY}")


def _series(result, name: str):
    import numpy as np

    return np.asarray(result.values(name), dtype=float) if name in result else None


def _check_variables(result, non_negative: tuple[str, ...], fractions: tuple[str, ...]) -> None:
    """Every named variable finite (NaN allowed only where a region's series has no value yet), ≥ 0; fractions in
    [0, 1]."""
    import numpy as np

    for name in non_negative + fractions:
        values = _series(result, name)
        if values is None or values.size == 0:
            continue
        if np.any(np.isinf(values)) or np.all(np.isnan(values)):
            _fail(f"{name} is not a finite number")
        low = float(np.nanmin(values))
        if low < 0:
            _fail(f"{name} = {low:.3g} (negative)")
        if name in fractions and float(np.nanmax(values)) > 1 + 1e-12:
            _fail(f"{name} = {float(np.nanmax(values)):.6g} (a fraction above 1)")


#: Tissue variables that count cells or measure lengths (≥ 0) and that are fractions ([0, 1]).
TISSUE_COUNTS = ("cells_per_area", "cells_per_basal_site", "layer_thickness", "epidermal_thickness",
                 "viable_epidermis_thickness", "stratum_corneum_cell_layers", "basal_density", "division_rate",
                 "divisions_by_clock_hour", "proliferation_factor")
TISSUE_FRACTIONS = ("coverage", "basal_occupancy", "stem_fraction")


def check_tissue(result) -> None:
    """A tissue result: finite summary, non-negative counts and densities, coverage and occupancy in [0, 1], at
    most one basal cell per site, no stratification without a neighbour and no live cell pushed out of a column
    (the lattice's own invariants)."""
    import numpy as np

    summary = result.summary
    bad = _non_finite(summary)
    if bad:
        _fail(f"{bad} is not a finite number")
    _check_variables(result, TISSUE_COUNTS, TISSUE_FRACTIONS)
    per_site = _series(result, "cells_per_basal_site")
    if per_site is not None and per_site.ndim == 2 and float(np.nanmax(per_site[:, 0])) > 1 + 1e-12:
        _fail(f"{float(np.nanmax(per_site[:, 0])):.6g} basal cells per basal site (at most 1)")
    inv = summary.get("invariants") or {}
    ny, nx = (summary.get("lattice") or {}).get("shape", (0, 0))
    for key in ("basal_cells_start", "basal_cells_end"):
        if key in inv and not 0 <= inv[key] <= ny * nx:
            _fail(f"invariants.{key} = {inv[key]:g} for {ny * nx} basal sites")
    for key in ("stratifications_without_neighbour", "column_overflow_cells"):
        if inv.get(key, 0) < 0:
            _fail(f"invariants.{key} = {inv[key]} (negative)")
    if inv.get("column_overflow_cells", 0) > 0:
        _fail(f"{inv['column_overflow_cells']} live cells were pushed out of a full column")


#: Clones variables that are means or counts (≥ 0) and that are fractions ([0, 1]).
CLONE_COUNTS = ("progenitor_surviving_clones", "basal_surviving_clones", "mean_progenitors_surviving",
                "mean_basal_cells_surviving", "mean_total_cells_surviving", "mean_progenitors",
                "mean_post_mitotic_basal_cells", "mean_suprabasal_cells")
CLONE_FRACTIONS = ("progenitor_survival", "basal_survival", "proliferating_fraction", "basal_size_distribution",
                   "total_size_distribution", "progenitor_size_distribution")


def check_clones(result) -> None:
    """A clones result: finite summary, non-negative means and counts, survival and size distributions in
    [0, 1], surviving clones never more than the clones and never increasing (loss of every proliferating or
    basal cell is final), a clone with a progenitor always counted among those with a basal cell."""
    import numpy as np

    summary = result.summary
    bad = _non_finite(summary)
    if bad:
        _fail(f"{bad} is not a finite number")
    _check_variables(result, CLONE_COUNTS, CLONE_FRACTIONS)
    n = (summary.get("settings") or {}).get("clones")
    for name in ("progenitor_surviving_clones", "basal_surviving_clones"):
        counts = _series(result, name)
        if counts is None:
            continue
        if n is not None and float(np.nanmax(counts)) > n:
            _fail(f"{name} = {float(np.nanmax(counts)):g} of {n} clones")
        if np.any(np.diff(counts) > 0):
            _fail(f"{name} increases over time (a lost clone came back)")
    prog, basal = _series(result, "progenitor_surviving_clones"), _series(result, "basal_surviving_clones")
    if prog is not None and basal is not None and np.any(prog > basal):
        _fail("more clones hold a progenitor than hold a basal cell (progenitors are basal)")


def check_figures(figures: dict, what: str) -> None:
    """Figures of many skins (population, sweep): every value finite and ≥ 0 (amounts, concentrations, times)."""
    import numpy as np

    for key, values in figures.items():
        values = np.asarray(values, dtype=float)
        bad = ~np.isfinite(values) | (values < 0)
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ResultCheckError(f"result check failed: {key} of {what} {i} is {values[i]!r} (allowed: finite, "
                                   f"≥ 0); {EPIDERMIS_REMEDY}")


CHECKS = {"tissue": check_tissue, "clones": check_clones}


def check_result(result) -> None:
    """The checks of the result's kind (permeation results check themselves as they are built)."""
    check = CHECKS.get(result.kind)
    if check is not None:
        check(result)
