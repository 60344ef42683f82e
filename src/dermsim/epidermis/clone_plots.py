"""PNG plots of a clone Dataset (`dermsim.epidermis.clones.simulate_clones`): survival, mean sizes and the scaled
size distribution, each against the exact committed-progenitor results where they exist.

Front end only: reads the Dataset, takes exact curves from `clone_statistics.exact_committed_progenitor`, computes no
physics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.epidermis.clone_statistics import exact_committed_progenitor
from dermsim.epidermis.kinetics import FateRates
from dermsim.plotting import MIN_FONT, _figure
from dermsim.results import atomic_write

DPI = 100


def _save(fig, path: Path) -> Path:
    atomic_write(path, lambda p: fig.savefig(p, dpi=DPI, format="png"))
    return path


def _exact(ds, rates: FateRates):
    if rates.model != "committed-progenitor":
        return None, None
    t = np.linspace(0.0, float(ds["time"].values[-1]), 200)
    return t, exact_committed_progenitor(rates, t)


def plot_survival(ds, rates: FateRates, path: Path) -> Path:
    """Progenitor and basal survival with 2-SE bands, and the exact 1/(1+rλt)."""
    _, fig, ax = _figure(figsize=(7, 4.2))
    t = ds["time"].values
    for name, label, colour in (("progenitor_survival", "≥ 1 proliferating cell", "C0"),
                                ("basal_survival", "≥ 1 basal cell", "C1")):
        y, se = ds[name].values, ds[f"{name}_se"].values
        ax.plot(t, y, "o", ms=3, color=colour, label=f"simulated, {label}")
        ax.fill_between(t, y - 2 * se, y + 2 * se, color=colour, alpha=0.25, lw=0)
    te, exact = _exact(ds, rates)
    if exact is not None:
        ax.plot(te, exact["progenitor_survival"], "k-", lw=1, label="exact 1/(1+rλt)")
    ax.set_xlabel("time since labelling (week)")
    ax.set_ylabel("fraction of labelled clones")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Clone survival, {rates.name}")
    ax.legend(frameon=False, fontsize=MIN_FONT, loc="best")
    return _save(fig, path)


def plot_mean_size(ds, rates: FateRates, path: Path) -> Path:
    """Mean proliferating, basal and total cells per surviving clone, with the exact 1+rλt and (1+rλt)/ρ."""
    _, fig, ax = _figure(figsize=(7, 4.2))
    t = ds["time"].values
    for name, label, colour in (("mean_progenitors_surviving", "proliferating cells", "C0"),
                                ("mean_basal_cells_surviving", "basal cells", "C1"),
                                ("mean_total_cells_surviving", "total cells", "C2")):
        y, se = ds[name].values, ds[f"{name}_se"].values
        ax.errorbar(t, y, yerr=2 * se, fmt="o", ms=3, color=colour, label=f"simulated, {label}")
    te, exact = _exact(ds, rates)
    if exact is not None:
        ax.plot(te, exact["mean_progenitors_surviving"], "k-", lw=1, label="exact 1+rλt")
        ax.plot(te, exact["mean_basal_cells_surviving_long_time"], "k--", lw=1, label="long-time (1+rλt)/ρ")
    ax.set_xlabel("time since labelling (week)")
    ax.set_yscale("log")
    ax.set_ylabel("cells per surviving clone")
    ax.set_title(f"Mean clone size (±2 SE), {rates.name}")
    ax.legend(frameon=False, fontsize=MIN_FONT, loc="best")
    return _save(fig, path)


def plot_scaled_distribution(ds, rates: FateRates, path: Path, n_curves: int = 4) -> Path:
    """Fraction of surviving clones with more than x·⟨n⟩ basal cells against exp(−x), at up to ``n_curves``
    output times (the scaling form predicted for long times)."""
    _, fig, ax = _figure(figsize=(7, 4.2))
    t = ds["time"].values
    picks = [i for i in np.unique(np.linspace(0, t.size - 1, n_curves + 1).round().astype(int))[1:] if t[i] > 0]
    size = ds["size"].values
    for i in picks:
        p = ds["basal_size_distribution"].values[i]
        mean = float((p * size).sum())
        if mean <= 0:
            continue
        tail = 1 - np.cumsum(p)      # P(n > size)
        keep = tail > 0
        ax.step(size[keep] / mean, tail[keep], where="post", label=f"{t[i]:g} weeks (mean {mean:.1f} basal cells)")
    x = np.linspace(0, 6, 100)
    ax.plot(x, np.exp(-x), "k-", lw=1, label="exponential, exp(−x)")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1.1)
    ax.set_xlim(0, 6)
    ax.set_xlabel("basal clone size / mean basal size of surviving clones, x")
    ax.set_ylabel("fraction of surviving clones larger")
    ax.set_title(f"Scaled basal clone-size distribution, {rates.name}")
    ax.legend(frameon=False, fontsize=MIN_FONT, loc="lower left")
    return _save(fig, path)


def save_all(ds, rates: FateRates, out_dir: Path) -> list[Path]:
    """Write clone_survival.png, clone_mean_size.png and clone_size_distribution.png into ``out_dir``."""
    out_dir = Path(out_dir)
    return [plot_survival(ds, rates, out_dir / "clone_survival.png"),
            plot_mean_size(ds, rates, out_dir / "clone_mean_size.png"),
            plot_scaled_distribution(ds, rates, out_dir / "clone_size_distribution.png")]


def save_result(result, out_dir: Path) -> list[Path]:
    """The plots of a clones `Result` (its Dataset and fate rates) into ``out_dir``."""
    return save_all(result.dataset, result.extras["rates"], out_dir)
