"""Figure helpers shared by every plot set: Agg figures without pyplot laid out so that nothing is clipped,
log axes with plain-text 10ⁿ labels that show zero as "none", titles naming what was simulated, legends beside
the data rather than over it, atomic PNG writing. The plot sets themselves live with their result kinds
(`dermsim.results.registry`); `tests/test_figures.py` checks every plot of every example.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.results import atomic_write

DPI = 100  # 700 x 420 px for the default 7 x 4.2 in figures


#: Smallest font on a figure (pt): labels, ticks and legends stay readable when a figure is printed at half size.
MIN_FONT = 8


def _figure(**kw):
    """A figure and its axes on the Agg canvas, without pyplot (no global state, cheaper import), with the
    constrained layout: titles, labels and legends outside the axes are kept inside the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**({"layout": "constrained"} | kw))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    return None, fig, ax


def warm_up() -> None:
    """Import matplotlib and load its fonts (≈ 0.6 s) ahead of the first plot, e.g. in a plot worker."""
    import io

    _, fig, ax = _figure(figsize=(1, 1))
    ax.set_xlabel("µm")
    fig.savefig(io.BytesIO(), dpi=10, format="png")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(x: float, _pos=None) -> str:
    """Tick label 10ⁿ in Unicode superscripts (mathtext labels cost ~20 ms each to typeset)."""
    if x <= 0:
        return ""
    n = round(np.log10(x))
    return f"10{str(n).translate(_SUPERSCRIPT)}" if abs(np.log10(x) - n) < 1e-9 else ""


def _log_scale(*axes) -> None:
    """Log scale with minor ticks at 2 and 5 only (each tick is an artist: the full 2…9 set doubles the
    drawing time of a log–log plot) and plain-text 10ⁿ labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for axis in axes:
        axis._set_axes_scale("log")
        axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(_power_of_ten))
        axis.set_minor_formatter(NullFormatter())


def _finish(fig, right: float = 0.97) -> None:
    """Fixed margins for a figure made without a layout engine (figures of `_figure` lay themselves out)."""
    if fig.get_layout_engine() is None:
        fig.subplots_adjust(left=0.11, right=right, bottom=0.12, top=0.92)


def zero_as_none(ax, axis: str, *series, decades: float = 6.0) -> float | None:
    """Log scale on ``axis`` ("x" or "y") of ``ax`` that shows zero: values at or below a floor ``decades``
    below the largest of ``series`` are drawn at the floor, which is labelled "none". Returns the floor
    (None when every value is 0: the axis stays linear), for `at_floor`."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    values = np.concatenate([np.ravel(x) for x in series]) if series else np.array([])
    positive = values[np.isfinite(values) & (values > 0)]
    if not positive.size:
        return None
    floor = float(positive.max()) * 10.0 ** -decades
    target = ax.yaxis if axis == "y" else ax.xaxis
    _log_scale(target)
    (ax.set_ylim if axis == "y" else ax.set_xlim)(floor, float(positive.max()) * 3)

    class _WithFloor(LogLocator):
        def tick_values(self, vmin, vmax):
            ticks = super().tick_values(vmin, vmax)
            return np.concatenate([[floor], ticks[ticks > floor * 5]])

    target.set_major_locator(_WithFloor())
    target.set_major_formatter(FuncFormatter(lambda x, pos=None: "none" if np.isclose(x, floor, rtol=1e-9)
                                             else _power_of_ten(x)))
    return floor


def at_floor(values, floor: float | None):
    """``values`` with zeros and values below ``floor`` raised to it (drawn on the "none" line of `zero_as_none`)."""
    values = np.asarray(values, dtype=float)
    return values if floor is None else np.maximum(values, floor)


def legend_below(fig, *axes, columns: int = 3) -> None:
    """One legend for the lines of ``axes`` (an axes and its twin) below the plot, where it covers no data."""
    handles, labels = [], []
    for ax in axes:
        h, l = ax.get_legend_handles_labels()
        handles += h
        labels += l
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=min(columns, len(handles)), fontsize=MIN_FONT,
                   frameon=False)


def formulation_text(scenario: dict) -> str:
    """The formulation of a scenario (as in a Result's provenance) in words: "5 % in water, 2 mg/cm^2"."""
    fo = scenario.get("formulation") or {}
    what = "neat" if fo.get("neat") else str(fo.get("concentration", ""))
    vehicle = fo.get("vehicle")
    if isinstance(vehicle, dict):
        vehicle = "/".join(vehicle) + " " + "/".join(f"{100 * float(x):g}" for x in vehicle.values())
    dose = fo.get("dose", "infinite")
    return f"{what}{f' in {vehicle}' if vehicle else ''}, {'infinite dose' if dose == 'infinite' else dose}"


def report_title(fig, result, what: str) -> None:
    """The figure's title: ``what`` is shown, for which compound, site and formulation (and the scenario title)."""
    s = result.summary
    name = s.get("compound") or "solute"
    line = f"{what}: {name} on {s.get('site')}, {formulation_text(result.provenance.get('scenario', {}))}"
    fig.suptitle(wrapped(fig, f"{s['title']}\n{line}" if s.get("title") else line), fontsize=10)


def wrapped(fig, text: str, fontsize: float = 10) -> str:
    """``text`` broken into lines that fit the width of ``fig`` at ``fontsize`` (pt)."""
    import textwrap

    width = max(20, int(fig.get_figwidth() * 72 / (0.6 * fontsize)))
    return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))


def save_figures(out_dir: Path, makers: dict) -> list[Path]:
    """Draw each ``{file name: () -> Figure}`` and write it as PNG into ``out_dir`` (atomically)."""
    paths = []
    for name, make in makers.items():
        fig = make()
        path = Path(out_dir) / name
        atomic_write(path, lambda p, fig=fig: fig.savefig(p, dpi=DPI, format="png"))
        paths.append(path)
    return paths
