"""Plots of a microneedle delivery Result (PNG): r–z concentration maps, channel open fraction, with vs
without needles. Front end only: reads the Result's arrays, computes no physics."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.plotting import (MIN_FONT, _figure, _power_of_ten, at_floor, legend_below, report_title,
                               save_figures, zero_as_none)


def _map_times(t: np.ndarray) -> list[int]:
    wanted = [t[-1] / 24, t[-1] / 4, t[-1]]
    return sorted({int(np.argmin(np.abs(t - w))) for w in wanted})


def concentration_maps(result):
    """Concentration in the unit cell (mirrored about the channel axis) at three times, log colour scale,
    with layer boundaries and the open channel outline."""
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import FuncFormatter

    v = result.values
    t, r, z, c = v("time"), v("r"), v("z"), v("concentration")
    idx = _map_times(t)
    _, fig, ax0 = _figure(figsize=(10, 4.2))
    fig.delaxes(ax0)
    axes = fig.subplots(1, len(idx), sharey=True)
    axes = np.atleast_1d(axes)
    top = float(np.nanmax(c[idx])) if np.nanmax(c[idx]) > 0 else 1.0
    norm = LogNorm(vmin=top * 1e-5, vmax=top)
    rr = np.concatenate([-r[::-1], r])
    depth = float(result.attrs["channel_depth_um"])
    a0 = float(result.attrs["channel_surface_radius_um"])
    f = v("open_fraction_used")
    image = None
    for ax, k in zip(axes, idx):
        field = np.concatenate([c[k][::-1], c[k]], axis=0).T          # (z, 2 n_r)
        image = ax.pcolormesh(rr, z, np.maximum(field, norm.vmin), norm=norm, shading="gouraud", cmap="magma")
        for bottom in v("layer_bottom")[:-1]:
            ax.axhline(bottom, color="w", lw=0.6, ls="--")
        a = a0 * np.sqrt(f[k])
        ax.plot([-a, 0, a], [0, depth, 0], color="c", lw=1)
        ax.set_ylim(min(z[-1], 3 * depth), 0)
        ax.set_title(f"{t[k]:.3g} h", fontsize=10)
        ax.set_xlabel("r (µm)")
    axes[0].set_ylabel("depth (µm)")
    for name, top_, bottom in zip(v("layer"), v("layer_top"), v("layer_bottom")):
        if top_ < axes[0].get_ylim()[0]:
            axes[0].text(rr[0], 0.5 * (top_ + min(bottom, axes[0].get_ylim()[0])), f" {str(name).replace('_', ' ')}",
                         fontsize=MIN_FONT, color="w", va="center")
    cbar = fig.colorbar(image, ax=list(axes), fraction=0.03, pad=0.01)
    cbar.set_label("concentration (µg/cm³)")
    cbar.formatter = FuncFormatter(_power_of_ten)
    cbar.update_ticks()
    report_title(fig, result, "concentration around one channel")
    return fig


def open_fraction(result):
    """Channel open (permeable) fraction vs time: the resealing law and the epochs the solver used."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.2))
    t = v("time")
    ax.plot(t, v("open_fraction"), label="barrier resealing law")
    ax.step(t, v("open_fraction_used"), where="post", lw=1, ls="--", label="closure epochs (solver)")
    ax.set_xlabel("time after the formulation was applied (h)")
    ax.set_ylabel("open fraction of the channels")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=MIN_FONT)
    report_title(fig, result, "open channels")
    return fig


def with_without(result):
    """Amount below the stratum corneum and basal-layer concentration, with and without needles."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 4.2))
    t = v("time")
    ax.plot(t, v("delivered_past_stratum_corneum"), color="C0", label="below SC, with needles")
    ax.plot(t, v("delivered_past_stratum_corneum_parallel_pathway"), color="C0", ls=":", lw=1,
            label="below SC, with needles (parallel-pathway model)")
    ax.plot(t, v("delivered_past_stratum_corneum_without_needles"), color="C0", ls="--", label="below SC, intact skin")
    axes = [ax]
    if "basal_layer_concentration" in result:
        ax2 = ax.twinx()
        with_, without = v("basal_layer_concentration"), v("basal_layer_concentration_without_needles")
        floor = zero_as_none(ax2, "y", with_, without)
        ax2.plot(t, at_floor(with_, floor), color="C3", label="basal layer, with needles (right axis)")
        ax2.plot(t, at_floor(without, floor), color="C3", ls="--", label="basal layer, intact (right axis)")
        ax2.set_ylabel("basal-layer concentration (µg/cm³)", color="C3")
        axes.append(ax2)
    floor = zero_as_none(ax, "y", *(line.get_ydata() for line in ax.get_lines()))
    for line in ax.get_lines():
        line.set_ydata(at_floor(line.get_ydata(), floor))
    ax.set_xlabel("time (h)")
    ax.set_ylabel("amount below the stratum corneum (µg/cm²)", color="C0")
    legend_below(fig, *axes, columns=2)
    ratio = result.summary["microneedle"]["enhancement_ratio"]["past_stratum_corneum"]
    report_title(fig, result, f"enhancement {ratio:.3g}x" if ratio else "no passive delivery through intact skin")
    return fig


def save_all(result, out_dir: Path) -> list[Path]:
    """Write the three microneedle plots into ``out_dir``; returns their paths."""
    return save_figures(out_dir, {"concentration_maps.png": lambda: concentration_maps(result),
                                  "open_fraction.png": lambda: open_fraction(result),
                                  "with_without_needles.png": lambda: with_without(result)})

