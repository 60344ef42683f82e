"""Plots of a permeation Result (PNG): depth profiles with layers shaded, amounts per layer, permeation.

Front end only: reads the Result's arrays (without importing xarray), computes no physics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.plotting import _figure, _finish, _log_scale, save_figures

LAYER_COLOURS = {"stratum_corneum": "#f3d9b1", "viable_epidermis": "#f7c6c7", "basal_layer": "#e58e96",
                 "dermis": "#d5e8d4", "membrane": "#dde3f0"}


def _profile_times(t: np.ndarray, requested) -> list[float]:
    if requested:
        return [float(t[np.argmin(np.abs(t - r))]) for r in requested]
    return [float(t[np.argmin(np.abs(t - f * t[-1]))]) for f in (1 / 24, 1 / 6, 0.5, 1.0)]


def depth_profiles(result, times=None):
    """Concentration vs depth at chosen times; layers shaded; log concentration, log depth."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.2))
    depth, t_all = v("depth"), v("time")
    left = depth[0] / 2
    for name, top, bottom in zip(v("layer"), v("layer_top"), v("layer_bottom")):
        ax.axvspan(max(top, left), bottom, color=LAYER_COLOURS.get(str(name), "#eeeeee"), alpha=0.7, lw=0)
        ax.text(np.sqrt(max(top, left) * bottom), 0.02, str(name).replace("_", " "), rotation=90, fontsize=7,
                ha="center", va="bottom", transform=ax.get_xaxis_transform(), color="0.3")
    ax.set_xlim(left, v("layer_bottom")[-1])
    floor = None
    for t in _profile_times(t_all, times):
        c = v("concentration")[int(np.argmin(np.abs(t_all - t)))]
        ax.plot(depth, np.where(c > 0, c, np.nan), lw=1.6, label=f"{t:.3g} h")
        pos = c[c > 0]
        if pos.size:
            floor = min(floor or np.inf, pos.max() * 1e-6)
    _log_scale(ax.xaxis, ax.yaxis)
    if floor:
        ax.set_ylim(bottom=floor)
    ax.set_xlabel("depth below surface (µm)")
    ax.set_ylabel("concentration (µg/cm³)")
    ax.legend(title="time", fontsize=8)
    _finish(fig)
    return fig


def layer_amounts(result):
    """Amount per area in each layer over time."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.2))
    t, amounts = v("time"), v("amount_in_layer")
    for j, name in enumerate(v("layer")):
        ax.plot(t, amounts[:, j], label=str(name).replace("_", " "))
    if "amount_in_vehicle" in result:
        ax.plot(t, v("amount_in_vehicle"), "k--", label="vehicle")
    _log_scale(ax.yaxis)
    top = float(amounts.max())
    if top > 0:
        ax.set_ylim(top * 1e-6, top * 3)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("amount (µg/cm²)")
    ax.legend(fontsize=8)
    _finish(fig)
    return fig


def cumulative_permeation(result):
    """Cumulative amount permeated into receptor or blood, with the flux on a second axis."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.2))
    t = v("time")
    ax.plot(t, v("cumulative_permeated"), color="C0")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("cumulative permeated (µg/cm²)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(t, v("permeation_flux"), color="C3", lw=1)
    ax2.set_ylabel("flux (µg/cm²/h)", color="C3")
    lag = result.summary.get("lag_time_h")
    if lag is not None and lag < t[-1] and result.summary.get("dose") == "infinite":
        ax.axvline(lag, color="grey", ls=":", lw=1)
        ax.text(lag, 0.95, f" membrane lag time {lag:.3g} h", transform=ax.get_xaxis_transform(), fontsize=8)
    ax.set_title(result.attrs_of("cumulative_permeated").get("long_name", ""), fontsize=9)
    _finish(fig, right=0.88)
    return fig


def dose_fate(result):
    """Where a finite dose is over time, as % of the applied amount: on the surface (dissolved in the film and
    as a deposit), washed off, evaporated, in the skin, in the receptor or blood; the film thickness beside."""
    v = result.values
    applied = result.summary["applied_amount_ug_per_cm2"]
    _, fig, ax = _figure(figsize=(7, 4.2))
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
    ax.legend(fontsize=8, loc="center right")
    if "film_thickness" in result:
        ax2 = ax.twinx()
        ax2.plot(t, v("film_thickness"), "k:", lw=1)
        ax2.set_ylabel("liquid film thickness (µm), dotted")
    ax.set_title("fate of the dose", fontsize=9)
    _finish(fig, right=0.86)
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
