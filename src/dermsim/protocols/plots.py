"""Plots of a protocol Result (PNG): the whole course with its events marked, and the risk of each session."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.plotting import MIN_FONT, _figure, legend_below, save_figures, wrapped


def _title(fig, result, what: str) -> None:
    s = result.summary
    line = f"{what}: {s['site']}, age {s['age_years']:g}, {s['duration_days']:g} days"
    fig.suptitle(wrapped(fig, f"{s['title']}\n{line}" if s.get("title") else line), fontsize=10)


def _sessions(result, *axes, label: bool = True) -> None:
    if "session_time" in result:
        for k, ts in enumerate(result.values("session_time")):
            for ax in axes:
                ax.axvline(ts, color="0.6", lw=0.8, label="microneedle session" if (k == 0 and label and ax is axes[0])
                           else None)


def _collagen_panel(ax, result) -> None:
    v = result.values
    t = v("time")
    ax.plot(t, 100 * (v("collagen_total") - 1), color="k", label="total collagen")
    ax.plot(t, 100 * (v("collagen_labile") - v("collagen_labile")[0]), color="#e6550d", ls="--",
            label="new labile (type III-rich) pool")
    ax.plot(t, 100 * (v("collagen_mature") - v("collagen_mature")[0]), color="#3182bd", ls=":",
            label="mature (type I-rich) pool")
    ax.set_ylabel("collagen change (%)")


def _applications_panel(ax, result) -> None:
    v = result.values
    if "application_time" in result:
        products = v("application_product")
        cmax = v("application_basal_cmax_ug_per_cm3")
        after = v("application_after_needling").astype(bool)
        for name in dict.fromkeys(products):
            mine = products == name
            for flag, marker in ((False, "o"), (True, "s")):
                m = mine & (after == flag) & np.isfinite(cmax)
                if m.any():
                    ax.plot(v("application_time")[m], cmax[m], marker, ms=3 if not flag else 5, ls="none",
                            label=f"{name}" + (" (channels open)" if flag else ""))
        if np.any(cmax > 0):
            ax.set_yscale("log")
    ax.set_ylabel("basal-layer peak (µg/cm³)", fontsize=MIN_FONT + 1)


def _epidermis_panel(ax, result) -> None:
    v = result.values
    t = v("tissue_time")
    for name, label in (("epidermal_thickness", "epidermal thickness"), ("basal_density", "basal density"),
                        ("stratum_corneum_cell_layers", "stratum corneum layers (barrier proxy)")):
        x = v(name)
        ax.plot(t, 100 * (x / x[0] - 1), label=label)
    ax.set_ylabel("epidermis change (%)")


def _before_after_panels(axes, result) -> None:
    """The epidermis (first axes, with the lattice) and the dermal collagen (last axes) before and after."""
    v = result.values
    x = np.array([0, 1])
    if "tissue_time" in result:
        ax = axes[0]
        viable = v("viable_epidermis_thickness")[[0, -1]]
        cornified = v("epidermal_thickness")[[0, -1]] - viable
        ax.bar(x, cornified, 0.5, color="#f3d9b1", label="stratum corneum")        # from the surface down
        ax.bar(x, viable, 0.5, bottom=cornified, color="#f7c6c7", label="viable epidermis")
        ax.set_xticks(x, ["before", "after"])
        ax.set_ylabel("depth below the surface (µm)")
        ax.invert_yaxis()                                   # the surface on top, as in a cross-section
        ax.set_title("epidermis (lattice)", fontsize=MIN_FONT + 2)
    ax = axes[-1]
    mature, labile = v("collagen_mature")[[0, -1]], v("collagen_labile")[[0, -1]]
    ax.bar(x, 100 * mature, 0.5, color="#3182bd", label="mature (type I-rich) collagen")
    ax.bar(x, 100 * labile, 0.5, bottom=100 * mature, color="#e6550d", label="labile (type III-rich) collagen")
    ax.set_xticks(x, ["before", "after"])
    ax.set_ylabel("dermal collagen (% of baseline)")
    ax.set_title("dermis", fontsize=MIN_FONT + 2)


def course(result):
    """Dermal collagen (total, labile, mature) over the course with the sessions marked; below, the basal-layer
    peak of every application (filled: applied while the channels were open)."""
    _, fig, _ = _figure(figsize=(8, 5.6))
    fig.clear()
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    _collagen_panel(top, result)
    _applications_panel(bottom, result)
    _sessions(result, top, bottom)
    bottom.set_xlabel("day of the protocol")
    legend_below(fig, top, bottom, columns=3)
    _title(fig, result, "the course")
    return fig


def epidermis(result):
    """The epidermal lattice over the course: thickness, basal density and stratum corneum layers relative to the
    start, sessions marked."""
    _, fig, ax = _figure(figsize=(8, 3.8))
    _epidermis_panel(ax, result)
    _sessions(result, ax)
    ax.set_xlabel("day of the protocol")
    legend_below(fig, ax, columns=2)
    _title(fig, result, "the epidermis")
    return fig


def before_after(result):
    """A cross-section before and after the course: the epidermis (stratum corneum and viable layers, µm; with the
    lattice) and the dermal collagen pools (relative to baseline)."""
    _, fig, _ = _figure(figsize=(8, 4.2))
    fig.clear()
    axes = fig.subplots(1, 2 if "tissue_time" in result else 1, squeeze=False).ravel()
    _before_after_panels(axes, result)
    legend_below(fig, *axes, columns=2)
    _title(fig, result, "before and after")
    return fig


def one_page(result):
    """The protocol on one page (A4): the answer, the course (collagen, the products' basal peaks, the epidermis with
    the lattice) with the sessions marked, and before/after."""
    s = result.summary
    tissue = "tissue_time" in result
    _, fig, _ = _figure(figsize=(8.27, 11.69))
    fig.clear()
    rows = 4 if tissue else 3
    grid = fig.add_gridspec(rows + 1, 2, height_ratios=[1.3] + [2] * rows)
    text = fig.add_subplot(grid[0, :])
    text.axis("off")
    text.text(0, 1, wrapped(fig, s["answer"], 9), va="top", ha="left", fontsize=9, transform=text.transAxes)
    col = fig.add_subplot(grid[1, :])
    _collagen_panel(col, result)
    app = fig.add_subplot(grid[2, :], sharex=col)
    _applications_panel(app, result)
    lines = [col, app]
    if tissue:
        epi = fig.add_subplot(grid[3, :], sharex=col)
        _epidermis_panel(epi, result)
        lines.append(epi)
    _sessions(result, *lines)
    lines[-1].set_xlabel("day of the protocol")
    bars = ([fig.add_subplot(grid[rows, 0]), fig.add_subplot(grid[rows, 1])] if tissue
            else [fig.add_subplot(grid[rows, :])])
    _before_after_panels(bars, result)
    legend_below(fig, *lines, *bars, columns=3)
    _title(fig, result, "one page")
    return fig


def session_risk(result):
    """Expected bleeding points and the relative infection index of every session."""
    v = result.values
    _, fig, ax = _figure(figsize=(7, 3.8))
    n = v("session")
    ax.bar(n - 0.2, v("session_bleeding_points"), 0.4, color="#de2d26", label="expected bleeding points")
    ax.set_ylabel("bleeding points")
    ax.set_xlabel("session")
    ax.set_xticks(n)
    twin = ax.twinx()
    twin.bar(n + 0.2, v("session_infection_index"), 0.4, color="#756bb1",
             label="infection index (relative, right axis)")
    twin.set_ylabel("infection index (relative)")
    legend_below(fig, ax, twin, columns=2)
    _title(fig, result, "risk of each session")
    return fig


def save_all(result, out_dir: Path) -> list[Path]:
    figures = {"protocol_course.png": lambda: course(result),
               "protocol_before_after.png": lambda: before_after(result),
               "protocol_one_page.png": lambda: one_page(result)}
    if "session" in result:
        figures["protocol_session_risk.png"] = lambda: session_risk(result)
    if "tissue_time" in result:
        figures["protocol_epidermis.png"] = lambda: epidermis(result)
    return save_figures(Path(out_dir), figures)
