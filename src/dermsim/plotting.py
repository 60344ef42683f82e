"""Plots of a permeation Result (PNG): depth profiles with layers shaded, amounts per layer, permeation.

Front end only: reads the Result's Dataset, computes no physics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.results import atomic_write

LAYER_COLOURS = {"stratum_corneum": "#f3d9b1", "viable_epidermis": "#f7c6c7", "basal_layer": "#e58e96",
                 "dermis": "#d5e8d4", "membrane": "#dde3f0"}


def _figure(**kw):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(**kw)


def _profile_times(ds, requested) -> list[float]:
    t = ds["time"].values
    if requested:
        return [float(t[np.argmin(np.abs(t - r))]) for r in requested]
    return [float(t[np.argmin(np.abs(t - f * t[-1]))]) for f in (1 / 24, 1 / 6, 0.5, 1.0)]


def depth_profiles(result, times=None):
    """Concentration vs depth at chosen times; layers shaded; log concentration, log depth."""
    ds = result.dataset
    plt, fig, ax = _figure(figsize=(7, 4.2))
    depth = ds["depth"].values
    left = depth[0] / 2
    for name, top, bottom in zip(ds["layer"].values, ds["layer_top"].values, ds["layer_bottom"].values):
        ax.axvspan(max(top, left), bottom, color=LAYER_COLOURS.get(str(name), "#eeeeee"), alpha=0.7, lw=0)
        ax.text(np.sqrt(max(top, left) * bottom), 0.02, str(name).replace("_", " "), rotation=90, fontsize=7,
                ha="center", va="bottom", transform=ax.get_xaxis_transform(), color="0.3")
    ax.set_xlim(left, ds["layer_bottom"].values[-1])
    floor = None
    for t in _profile_times(ds, times):
        c = ds["concentration"].sel(time=t).values
        ax.plot(depth, np.where(c > 0, c, np.nan), lw=1.6, label=f"{t:.3g} h")
        pos = c[c > 0]
        if pos.size:
            floor = min(floor or np.inf, pos.max() * 1e-6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    if floor:
        ax.set_ylim(bottom=floor)
    ax.set_xlabel("depth below surface (µm)")
    ax.set_ylabel("concentration (µg/cm³)")
    ax.legend(title="time", fontsize=8)
    fig.tight_layout()
    return fig


def layer_amounts(result):
    """Amount per area in each layer over time."""
    ds = result.dataset
    plt, fig, ax = _figure(figsize=(7, 4.2))
    t = ds["time"].values
    for name in ds["layer"].values:
        ax.plot(t, ds["amount_in_layer"].sel(layer=name).values, label=str(name).replace("_", " "))
    if "amount_in_vehicle" in ds:
        ax.plot(t, ds["amount_in_vehicle"].values, "k--", label="vehicle")
    ax.set_yscale("log")
    top = float(ds["amount_in_layer"].max())
    if top > 0:
        ax.set_ylim(top * 1e-6, top * 3)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("amount (µg/cm²)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def cumulative_permeation(result):
    """Cumulative amount permeated into receptor or blood, with the flux on a second axis."""
    ds = result.dataset
    plt, fig, ax = _figure(figsize=(7, 4.2))
    t = ds["time"].values
    ax.plot(t, ds["cumulative_permeated"].values, color="C0")
    ax.set_xlabel("time (h)")
    ax.set_ylabel(f"cumulative permeated (µg/cm²)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(t, ds["permeation_flux"].values, color="C3", lw=1)
    ax2.set_ylabel("flux (µg/cm²/h)", color="C3")
    lag = result.summary.get("lag_time_h")
    if lag is not None and lag < t[-1]:
        ax.axvline(lag, color="grey", ls=":", lw=1)
        ax.text(lag, 0.95, f" membrane lag time {lag:.3g} h", transform=ax.get_xaxis_transform(), fontsize=8)
    ax.set_title(ds["cumulative_permeated"].attrs.get("long_name", ""), fontsize=9)
    fig.tight_layout()
    return fig


def save_all(result, out_dir: Path, times=None) -> list[Path]:
    """Write the three standard plots into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    import matplotlib.pyplot as plt

    if times is None:
        times = result.provenance.get("scenario", {}).get("simulation", {}).get("profile_times")
    paths = []
    for name, make in (("depth_profiles.png", lambda: depth_profiles(result, times)),
                       ("layer_amounts.png", lambda: layer_amounts(result)),
                       ("cumulative_permeation.png", lambda: cumulative_permeation(result))):
        fig = make()
        path = out_dir / name
        atomic_write(path, lambda p, fig=fig: fig.savefig(p, dpi=120, format="png"))
        plt.close(fig)
        paths.append(path)
    return paths
