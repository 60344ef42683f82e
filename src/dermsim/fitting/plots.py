"""Figures of a fit: the fitted curve over the data, the residuals, and the profile of each parameter."""

from __future__ import annotations

import math

import numpy as np

from dermsim.fitting.data import AMOUNT_UNIT


def _fit_figure(result):
    from dermsim.plotting import _figure

    _, fig, ax = _figure(figsize=(7, 4.2))
    data = result.data
    for cell in data.cells:
        rows = data.cell == cell
        label = f"cell {cell}" + (f" (donor {data.donor[rows][0]})" if len(data.donors) > 1 else "")
        if data.sd is not None:
            ax.errorbar(data.time[rows], data.amount[rows], yerr=data.sd[rows], fmt="o", ms=4, capsize=2, label=label)
        else:
            ax.plot(data.time[rows], data.amount[rows], "o", ms=4, label=label)
    ax.plot(result.curve_time, result.curve, "k-", lw=1.5, label="fitted model")
    ax.set(xlabel="time (h)", ylabel=f"cumulative amount ({AMOUNT_UNIT})",
           title=f"Fit to {data.source}: " + ", ".join(f"{n} = {v:.3g} {p.unit}".rstrip()
                                                         for (n, v), p in zip(result.estimates.items(),
                                                                              result.parameters)))
    ax.title.set_fontsize(9)
    if len(data.cells) <= 12:
        ax.legend(fontsize=8, loc="upper left")
    return fig


def _residual_figure(result):
    from dermsim.plotting import _figure

    _, fig, ax = _figure(figsize=(7, 3.6))
    data = result.data
    resid = data.amount - result.fitted
    if result.weighted:
        resid = resid / data.sd
    ax.axhline(0.0, color="0.5", lw=0.8)
    for cell in data.cells:
        rows = data.cell == cell
        ax.plot(data.time[rows], resid[rows], "o", ms=4)
    ax.set(xlabel="time (h)", ylabel="residual / SD" if result.weighted else f"residual ({AMOUNT_UNIT})",
           title="Residuals (observed − fitted)")
    return fig


def _profile_figure(result):
    from dermsim.plotting import _figure

    p = len(result.parameters)
    _, fig, _ax = _figure(figsize=(3.4 * p + 0.4, 3.4))
    fig.delaxes(_ax)
    axes = fig.subplots(1, p, squeeze=False)[0]
    for ax, par, prof in zip(axes, result.parameters, result.profiles):
        pts = np.array(prof.points)
        values = par.shown(np.exp(pts[:, 0]))
        ax.plot(values, pts[:, 1], "o-", ms=3)
        ax.axhline(prof.threshold, color="tab:red", lw=0.8, ls="--", label="95 % threshold")
        for end in (prof.lower, prof.upper):
            if end is not None:
                ax.axvline(par.shown(math.exp(end)), color="tab:red", lw=0.8)
        ax.set_xscale("log")
        ax.set_ylim(0.9, max(prof.threshold * 1.5, min(float(np.max(pts[:, 1])), prof.threshold * 4)))
        ax.set(xlabel=f"{par.name} ({par.unit})" if par.unit else par.name, ylabel="RSS / RSS at the estimate")
    axes[0].legend(fontsize=8)
    return fig


def figures(result) -> dict:
    """{file name: () -> Figure} of `dermsim.plotting.save_figures`."""
    makers = {"fit.png": lambda: _fit_figure(result), "residuals.png": lambda: _residual_figure(result)}
    if result.profiles is not None:
        makers["profiles.png"] = lambda: _profile_figure(result)
    return makers
