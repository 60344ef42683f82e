"""Figure helpers shared by every plot set: Agg figures without pyplot, log axes with plain-text 10ⁿ labels,
fixed margins, atomic PNG writing. The plot sets themselves live with their result kinds
(`dermsim.results.registry`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dermsim.results import atomic_write

DPI = 100  # 700 x 420 px for the default 7 x 4.2 in figures


def _figure(**kw):
    """A figure and its axes on the Agg canvas, without pyplot (no global state, cheaper import)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**kw)
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
    """Fixed margins instead of tight_layout (which renders the figure once more just to measure it)."""
    fig.subplots_adjust(left=0.11, right=right, bottom=0.12, top=0.92)


def save_figures(out_dir: Path, makers: dict) -> list[Path]:
    """Draw each ``{file name: () -> Figure}`` and write it as PNG into ``out_dir`` (atomically)."""
    paths = []
    for name, make in makers.items():
        fig = make()
        path = Path(out_dir) / name
        atomic_write(path, lambda p, fig=fig: fig.savefig(p, dpi=DPI, format="png"))
        paths.append(path)
    return paths
