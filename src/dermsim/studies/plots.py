"""Plots of population, sweep and sensitivity Results (PNG). Front end only: reads the Result's arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.plotting import MIN_FONT, _figure, _log_scale, legend_below, report_title, save_figures

#: Figures of a population shown as distributions, with their axis labels.
DISTRIBUTIONS = {"basal_cmax_ug_per_cm3": "basal-layer peak concentration (µg/cm³)",
                 "basal_auc_ug_h_per_cm3": "basal-layer AUC (µg·h/cm³)",
                 "systemic_ug_per_cm2": "amount into the receptor or blood (µg/cm²)",
                 "absorbed_percent": "absorbed (% of the dose)"}


def distributions(result):
    """Histograms (log axis) of the key figures over the subjects, the 5th/50th/95th percentiles marked."""
    shown = [k for k in DISTRIBUTIONS if k in result]
    rows = (len(shown) + 1) // 2
    _, fig, _ = _figure(figsize=(8, 3.0 * rows + 0.8))
    fig.clear()
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    for ax, key in zip(axes, shown):
        x = np.asarray(result.values(key), dtype=float)
        x = x[x > 0]
        if x.size == 0:
            ax.text(0.5, 0.5, "none reached", ha="center", va="center", transform=ax.transAxes)
        else:
            lo, hi = np.log10(x.min()), np.log10(x.max())
            bins = np.logspace(lo, hi if hi > lo else lo + 1e-6, 40)
            ax.hist(x, bins=bins, color="#8fb3d9")
            ax.set_xscale("log")
            _log_scale(ax.xaxis)
            for q, style in zip(np.percentile(x, [5, 50, 95]), (":", "-", "--")):
                ax.axvline(q, color="k", ls=style, lw=1)
        ax.set_xlabel(DISTRIBUTIONS[key], fontsize=MIN_FONT + 1)
        ax.set_ylabel("subjects")
    for ax in axes[len(shown):]:
        fig.delaxes(ax)
    axes[0].plot([], [], "k:", label="5th percentile")
    axes[0].plot([], [], "k-", label="median")
    axes[0].plot([], [], "k--", label="95th percentile")
    legend_below(fig, axes[0])
    report_title(fig, result, f"{result.summary['subjects']} virtual subjects")
    return fig


def bands(result):
    """Median and 5–95th percentile band over time of the basal-layer concentration and the systemic amount."""
    _, fig, _ = _figure(figsize=(8, 3.6))
    fig.clear()
    names = [n for n in ("basal_percentile_band", "systemic_percentile_band") if n in result]
    axes = fig.subplots(1, len(names), squeeze=False).ravel()
    t = result.values("time")
    labels = {"basal_percentile_band": "basal-layer concentration (µg/cm³)",
              "systemic_percentile_band": "into the receptor or blood (µg/cm²)"}
    for ax, name in zip(axes, names):
        p = result.values(name)
        ax.fill_between(t, p[0], p[2], color="#c6dbef", label="5th–95th percentile")
        ax.plot(t, p[1], color="#08519c", label="median")
        ax.set_xlabel("time (h)")
        ax.set_ylabel(labels[name])
    legend_below(fig, axes[0])
    report_title(fig, result, "population over time")
    return fig


def save_population(result, out_dir: Path) -> list[Path]:
    figures = {"population_distributions.png": lambda: distributions(result)}
    if "time" in result:
        figures["population_bands.png"] = lambda: bands(result)
    return save_figures(Path(out_dir), figures)


def sweep_plot(result):
    """Each figure against the first varied field (one line per value of the second, for grids of two)."""
    s = result.summary
    keys = [k for k in ("basal_cmax_ug_per_cm3", "systemic_ug_per_cm2") if k in s["range"]]
    _, fig, _ = _figure(figsize=(8, 3.6))
    fig.clear()
    axes = fig.subplots(1, len(keys), squeeze=False).ravel()
    paths = [v["path"] for v in s["varied"]]
    x_name = paths[0].replace(".", "_")
    x_text = result.values(x_name)
    x = np.array([_leading_number(t) for t in x_text])
    group = result.values(paths[1].replace(".", "_")) if len(paths) > 1 and s["design"] == "grid" else None
    for ax, key in zip(axes, keys):
        y = result.values(key)
        numeric = not np.isnan(x).any()
        if group is None:
            order = np.argsort(x) if numeric else np.arange(x.size)
            ax.plot(x[order] if numeric else x_text[order], y[order], "o" if s["design"] == "lhs" else "o-", ms=3)
        else:
            for g in dict.fromkeys(group):
                m = group == g
                ax.plot(x[m] if numeric else x_text[m], y[m], "o-", ms=3, label=f"{paths[1]} = {g}")
        ax.set_xlabel(paths[0])
        ax.set_ylabel(DISTRIBUTIONS.get(key, key))
        if np.all(y > 0):
            ax.set_yscale("log")
    if group is not None:
        legend_below(fig, axes[0])
    report_title(fig, result, f"sweep over {', '.join(paths)}")
    return fig


def _leading_number(text) -> float:
    import re

    m = re.match(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)", str(text))
    return float(m.group(1)) if m else float("nan")


def sensitivity_plot(result):
    """Bars of the indices (first and total Sobol with 95 % intervals, or Morris μ*) for each figure."""
    s = result.summary
    figures = [k for k, v in s["indices"].items() if v]
    _, fig, _ = _figure(figsize=(8, 2.2 + 1.2 * max(1, len(figures))))
    fig.clear()
    axes = fig.subplots(len(figures) or 1, 1, squeeze=False).ravel()
    names = [p["path"] for p in s["parameters"]]
    y = np.arange(len(names))
    for ax, key in zip(axes, figures):
        t = s["indices"][key]
        if s["method"] == "sobol":
            ax.barh(y - 0.2, [t[n]["first"] for n in names], 0.4, xerr=[t[n]["first_conf"] for n in names],
                    color="#9ecae1", label="first order")
            ax.barh(y + 0.2, [t[n]["total"] for n in names], 0.4, xerr=[t[n]["total_conf"] for n in names],
                    color="#3182bd", label="total")
            ax.set_xlim(0, 1.05)
        else:
            ax.barh(y, [t[n]["mu_star"] for n in names], 0.6, xerr=[t[n]["mu_star_conf"] for n in names],
                    color="#3182bd", label="μ*")
        ax.set_yticks(y, names, fontsize=MIN_FONT + 1)
        ax.set_title(DISTRIBUTIONS.get(key, key), fontsize=MIN_FONT + 2)
    legend_below(fig, axes[0])
    report_title(fig, result, f"{s['method'].capitalize()} sensitivity")
    return fig


def save_sweep(result, out_dir: Path) -> list[Path]:
    return save_figures(Path(out_dir), {"sweep.png": lambda: sweep_plot(result)})


def save_sensitivity(result, out_dir: Path) -> list[Path]:
    return save_figures(Path(out_dir), {"sensitivity.png": lambda: sensitivity_plot(result)})
