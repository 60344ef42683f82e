"""Plots of a permeation Result (PNG): depth profiles with layers shaded, amounts per layer, permeation.

Front end only: reads the Result's arrays (without importing xarray), computes no physics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.plotting import (MIN_FONT, _figure, _log_scale, at_floor, legend_below, report_title, save_figures,
                               zero_as_none)

LAYER_COLOURS = {"stratum_corneum": "#f3d9b1", "viable_epidermis": "#f7c6c7", "basal_layer": "#e58e96",
                 "dermis": "#d5e8d4", "membrane": "#dde3f0"}


def _profile_times(t: np.ndarray, requested) -> list[float]:
    if requested:
        return [float(t[np.argmin(np.abs(t - r))]) for r in requested]
    return [float(t[np.argmin(np.abs(t - f * t[-1]))]) for f in (1 / 24, 1 / 6, 0.5, 1.0)]


def depth_profiles(result, times=None):
    """Concentration vs depth at chosen times; layers shaded and named; log concentration (zero shown as
    "none"), log depth."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.6))
    depth, t_all = v("depth"), v("time")
    left = depth[0] / 2
    picks = [int(np.argmin(np.abs(t_all - t))) for t in _profile_times(t_all, times)]
    floor = zero_as_none(ax, "y", v("concentration")[picks])
    for name, top, bottom in zip(v("layer"), v("layer_top"), v("layer_bottom")):
        ax.axvspan(max(top, left), bottom, color=LAYER_COLOURS.get(str(name), "#eeeeee"), alpha=0.7, lw=0)
        ax.text(np.sqrt(max(top, left) * bottom), 0.97, str(name).replace("_", " "), rotation=90, fontsize=MIN_FONT,
                ha="center", va="top", transform=ax.get_xaxis_transform(), color="0.2")
    ax.set_xlim(left, v("layer_bottom")[-1])
    for k in picks:
        ax.plot(depth, at_floor(v("concentration")[k], floor), lw=1.6, label=f"{t_all[k]:.3g} h")
    _log_scale(ax.xaxis)
    ax.set_xlabel("depth below surface (µm)")
    ax.set_ylabel("concentration (µg/cm³)")
    legend_below(fig, ax, columns=6)
    report_title(fig, result, "concentration in the skin")
    return fig


def layer_amounts(result):
    """Amount per area in each layer over time (log axis, zero shown as "none")."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.6))
    t, amounts = v("time"), v("amount_in_layer")
    vehicle = v("amount_in_vehicle") if "amount_in_vehicle" in result else None
    floor = zero_as_none(ax, "y", amounts, *([] if vehicle is None else [vehicle]))
    for j, name in enumerate(v("layer")):
        ax.plot(t, at_floor(amounts[:, j], floor), label=str(name).replace("_", " "))
    if vehicle is not None:
        ax.plot(t, at_floor(vehicle, floor), "k--", label="on the surface")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("amount (µg/cm²)")
    legend_below(fig, ax, columns=4)
    report_title(fig, result, "amount in each layer")
    return fig


def cumulative_permeation(result):
    """Cumulative amount permeated into receptor or blood, with the flux on a second axis."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.6))
    t = v("time")
    into = "blood" if result.summary.get("in_vivo") else "receptor"
    ax.plot(t, v("cumulative_permeated"), color="C0", label=f"cumulative into the {into}")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("cumulative permeated (µg/cm²)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(t, v("permeation_flux"), color="C3", lw=1, label="flux")
    ax2.set_ylabel("flux (µg/cm²/h)", color="C3")
    lag = result.summary.get("lag_time_h")
    if lag is not None and lag < t[-1] and result.summary.get("dose") == "infinite":
        ax.axvline(lag, color="grey", ls=":", lw=1, label=f"membrane lag time {lag:.3g} h")
    legend_below(fig, ax, ax2)
    report_title(fig, result, f"permeation into the {into}")
    return fig


def dose_fate(result):
    """Where a finite dose is over time, as % of the applied amount: on the surface (dissolved in the film and
    as a deposit), washed off, evaporated, in the skin, in the receptor or blood; the film thickness beside."""
    v = result.values
    applied = result.summary["applied_amount_ug_per_cm2"]
    _, fig, ax = _figure(figsize=(7, 4.6))
    t = v("time")
    into = "blood" if result.summary.get("in_vivo") else "receptor"
    series = [("dissolved in the film", "amount_dissolved_in_film"), ("deposit on the surface", "amount_in_deposit"),
              ("washed off", "amount_washed"), ("evaporated", "amount_evaporated"), ("in the skin", "amount_in_skin"),
              (f"into the {into}", "cumulative_permeated")]
    for label, name in series:
        if name in result:
            ax.plot(t, 100.0 * v(name) / applied, label=label)
    ax.set_ylim(0, 105)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("% of the applied dose")
    axes = [ax]
    if "film_thickness" in result:
        ax2 = ax.twinx()
        ax2.plot(t, v("film_thickness"), "k:", lw=1, label="liquid film thickness (right axis)")
        ax2.set_ylabel("liquid film thickness (µm)")
        axes.append(ax2)
    legend_below(fig, *axes)
    report_title(fig, result, "fate of the dose")
    return fig


def save_all(result, out_dir: Path, times=None) -> list[Path]:
    """Write the standard plots into ``out_dir`` (and the fate of a finite dose); returns their paths."""
    out_dir = Path(out_dir)
    if times is None:
        times = result.provenance.get("scenario", {}).get("simulation", {}).get("profile_times")
    figures = {"depth_profiles.png": lambda: depth_profiles(result, times),
               "layer_amounts.png": lambda: layer_amounts(result),
               "cumulative_permeation.png": lambda: cumulative_permeation(result)}
    if result.summary.get("applied_amount_ug_per_cm2") and "amount_dissolved_in_film" in result:
        figures["dose_fate.png"] = lambda: dose_fate(result)
    return save_figures(out_dir, figures)
