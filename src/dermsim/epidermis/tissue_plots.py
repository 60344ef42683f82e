"""PNG plots of a `dermsim.epidermis.tissue_simulation.TissueResult`: layer cell counts over time (with the
pulse–chase label front), recovery curves of the perturbed regions, basal clone maps and a cross-section.

Plots read only the Dataset and summary; they compute no model quantities.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from dermsim.plotting import MIN_FONT, legend_below, wrapped

COLOURS = {"basal": "#8c564b", "spinous": "#ff9896", "granular": "#9467bd", "stratum_corneum": "#bcbd22"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _subplots(*shape, **kw):
    """pyplot figure and axes with the constrained layout (nothing clipped)."""
    return _pyplot().subplots(*shape, layout="constrained", **kw)


def _title(fig, result, what: str) -> None:
    s = result.summary
    fig.suptitle(wrapped(fig, f"{s['title'] + chr(10) if s.get('title') else ''}{what} ({s['preset']['name']})"),
                 fontsize=10)


def _save(fig, path: Path) -> Path:
    from dermsim.results import atomic_write

    atomic_write(path, lambda p: fig.savefig(p, dpi=110, format="png"))
    _pyplot().close(fig)
    return path


def plot_layers(result, path: Path) -> Path:
    """Cells per area in each layer and epidermal thickness over time; the label front if a pulse was given."""
    ds = result.dataset
    t = ds["time"].values
    labelled = "labelled_fraction" in ds
    fig, axes = _subplots(1, 3 if labelled else 2, figsize=(13 if labelled else 9, 4.2))
    for name in ds["layer"].values:
        axes[0].plot(t, ds["cells_per_area"].sel(layer=name), color=COLOURS[str(name)], label=str(name))
    axes[0].set_xlabel("time (day)")
    axes[0].set_ylabel("cells per mm²")
    axes[0].set_title("cells per layer")
    axes[1].plot(t, ds["epidermal_thickness"], "k-", label="epidermis")
    axes[1].plot(t, ds["viable_epidermis_thickness"], "k--", label="viable epidermis")
    axes[1].set_xlabel("time (day)")
    axes[1].set_ylabel("thickness (µm)")
    axes[1].legend(fontsize=MIN_FONT, loc="best")
    axes[1].set_title("thickness")
    if labelled:
        for name in ds["layer"].values:
            axes[2].plot(t, ds["labelled_fraction"].sel(layer=name), color=COLOURS[str(name)], label=str(name))
        axes[2].plot(t, ds["labelled_shed_fraction"], "k:", label="shed")
        axes[2].set_xlabel("time (day)")
        axes[2].set_ylabel("fraction of labelled cohort")
        axes[2].set_title("pulse–chase label front")
    legend_below(fig, axes[0], columns=5)
    _title(fig, result, "cells and thickness")
    return _save(fig, path)


def plot_recovery(result, path: Path) -> Path | None:
    """Recovery curves (relative to before the event) of each perturbed region; None without spatial events."""
    ds = result.dataset
    if "event" not in ds.dims:
        return None
    keys = [k for k in ("coverage", "basal_density", "stem_fraction", "viable_suprabasal", "stratum_corneum")
            if f"recovery_{k}" in ds]
    fig, axes = _subplots(1, len(keys), figsize=(3.3 * len(keys), 3.9), squeeze=False)
    t = ds["time"].values
    for ax, key in zip(axes[0], keys):
        for e in ds["event"].values:
            t0 = float(ds["event_time"].sel(event=e))
            y = ds[f"recovery_{key}"].sel(event=e).values
            ax.plot(t - t0, y, label=str(ds["event_label"].sel(event=e).values))
        ax.axhline(1.0, color="grey", lw=0.8, ls=":")
        ax.set_xlim(left=-0.05 * (t[-1] - t[0]))
        ax.set_xlabel("days after the event")
        ax.set_title(key.replace("_", " "), fontsize=10)
    axes[0][0].set_ylabel("relative to before the event")
    legend_below(fig, axes[0][0], columns=2)
    _title(fig, result, "recovery of each perturbed region")
    return _save(fig, path)


def clone_colours(labels: np.ndarray) -> np.ndarray:
    """RGB image of clone labels: a fixed pseudo-random colour per label, black for −1 (no basal cell)."""
    lab = labels.astype(np.int64)
    h = (lab.astype(np.uint64) * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)  # integer mixing (no RNG)
    h ^= h >> np.uint64(15)
    h = (h * np.uint64(0x85EBCA77)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(13)
    rgb = np.stack([(h >> np.uint64(s)) & np.uint64(255) for s in (0, 8, 16)], axis=-1) / 255.0
    rgb = 0.25 + 0.75 * rgb
    rgb[lab < 0] = 0.0
    return rgb


def plot_clone_maps(result, path: Path) -> Path | None:
    """Basal clone maps at the snapshot times; None without snapshots."""
    ds = result.dataset
    if "clone_map" not in ds:
        return None
    n = ds.sizes["snapshot_time"]
    fig, axes = _subplots(1, n, figsize=(3.2 * n, 4.4), squeeze=False)
    spacing = float(ds["x"].attrs.get("spacing_um", 1.0))
    ny, nx = ds.sizes["y"], ds.sizes["x"]
    for ax, k in zip(axes[0], range(n)):
        ax.imshow(clone_colours(ds["clone_map"].isel(snapshot_time=k).values), interpolation="nearest",
                  extent=(0, nx * spacing / 1000, 0, ny * spacing / 1000))
        ax.set_title(f"day {float(ds['snapshot_time'][k]):.0f}", fontsize=10)
        ax.set_xlabel("mm")
    axes[0][0].set_ylabel("mm")
    _title(fig, result, "basal clone maps (colour = clone, black = no basal cell)")
    return _save(fig, path)


def plot_cross_section(result, path: Path) -> Path | None:
    """Stacked columns (µm) along one lattice row at the first and last snapshots; None without snapshots."""
    ds = result.dataset
    if "cross_section" not in ds:
        return None
    par = result.summary["tissue_parameters"]
    area = par["cell_spacing"]["value"] ** 2
    height = {"basal": par["basal_layer_thickness"]["value"],
              "spinous": par["viable_suprabasal_cell_volume"]["value"] / area,
              "granular": par["viable_suprabasal_cell_volume"]["value"] / area,
              "stratum_corneum": par["corneocyte_area"]["value"] / area
              * par["stratum_corneum_layer_thickness"]["value"]}
    window = max(1, int(round(math.sqrt(par["corneocyte_area"]["value"]) / par["cell_spacing"]["value"])))
    kernel = np.ones(window) / window
    picks = sorted({0, ds.sizes["snapshot_time"] - 1})
    fig, axes = _subplots(len(picks), 1, figsize=(10, 2.9 * len(picks)), squeeze=False)
    spacing = float(ds["x"].attrs.get("spacing_um", 1.0))
    x = ds["x"].values * spacing
    for ax, k in zip(axes[:, 0], picks):
        sec = ds["cross_section"].isel(snapshot_time=k)
        bottom = np.zeros(x.size)
        for name in ("basal", "spinous", "granular", "stratum_corneum"):
            cells = sec.sel(layer=name).values.astype(float)
            if name != "basal":  # suprabasal cells are wide: average over one corneocyte width (periodic)
                cells = np.convolve(np.r_[cells[-window:], cells, cells[:window]], kernel, "same")[window:-window]
            top = bottom + cells * height[name]
            edges = np.r_[x, x[-1] + spacing]
            ax.stairs(top, edges, baseline=bottom, fill=True, color=COLOURS[name], label=name)
            bottom = top
        ax.set_ylabel("height (µm)")
        ax.set_title(f"lattice row {sec.attrs.get('row', '')}, day {float(ds['snapshot_time'][k]):.0f}", fontsize=9)
    axes[-1, 0].set_xlabel("position (µm); suprabasal cells averaged over about one corneocyte "
                           f"({window * spacing:.0f} µm)")
    legend_below(fig, axes[0, 0], columns=4)
    _title(fig, result, "cross-section")
    return _save(fig, path)


def save_all(result, out_dir: str | Path) -> list[Path]:
    """Write layers.png, recovery.png, clone_maps.png and cross_section.png (those that apply) into ``out_dir``."""
    out = Path(out_dir)
    written = [plot_layers(result, out / "layers.png"), plot_recovery(result, out / "recovery.png"),
               plot_clone_maps(result, out / "clone_maps.png"), plot_cross_section(result, out / "cross_section.png")]
    return [p for p in written if p is not None]
