"""Figures fit for a report (#11 item 6): every plot of every example is drawn and checked — no text leaves the
canvas (tight bounding boxes of every visible text artist inside the figure), no font below 7 pt, a title naming
what was simulated, and no legend over a data point of its axes."""

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from dermsim import load_scenario, simulate
from dermsim.results.registry import outputs

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").rglob("*.toml"))
MIN_FONT_PT = 7
PIXEL = 1.0                     # tolerance of the bounds check, display pixels


def figure_problems(fig: Figure) -> list[str]:
    """What makes a figure unfit for a report: clipped text, tiny fonts, legends over data."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    problems = []
    all_ticks, drawn_ticks = set(), set()               # matplotlib keeps labels of ticks outside the view, undrawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            all_ticks |= {id(t) for tick in axis.majorTicks + axis.minorTicks for t in (tick.label1, tick.label2)}
            if axis.get_visible():
                drawn_ticks |= {id(t) for tick in axis._update_ticks() for t in (tick.label1, tick.label2)}
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or (
                id(text) in all_ticks and id(text) not in drawn_ticks):
            continue
        box = text.get_window_extent(renderer)
        if (box.x0 < canvas.x0 - PIXEL or box.y0 < canvas.y0 - PIXEL or box.x1 > canvas.x1 + PIXEL
                or box.y1 > canvas.y1 + PIXEL):
            problems.append(f"text {text.get_text()!r} leaves the canvas")
        if text.get_fontsize() < MIN_FONT_PT:
            problems.append(f"text {text.get_text()!r} is {text.get_fontsize():g} pt")
    for legend in fig.findobj(Legend):
        ax = legend.axes
        if ax is None or not _inside(legend, ax, renderer):      # a legend outside the axes covers nothing
            continue
        box = legend.get_window_extent(renderer)
        for other in fig.axes:                                   # its own axes and a twin sharing the area
            if other.get_window_extent(renderer).bounds != ax.get_window_extent(renderer).bounds:
                continue
            for line in other.get_lines():
                if line.get_linestyle() in ("None", "") and line.get_marker() in ("None", "", None):
                    continue
                xy = other.transData.transform(np.column_stack(line.get_data()).astype(float))
                if box.count_contains(xy[np.isfinite(xy).all(axis=1)]):
                    problems.append(f"the legend covers data of {line.get_label()!r}")
                    break
    return problems


def _inside(legend: Legend, ax, renderer) -> bool:
    box, area = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
    return box.x0 >= area.x0 and box.x1 <= area.x1 and box.y0 >= area.y0 and box.y1 <= area.y1


def test_the_check_finds_clipped_text_small_fonts_and_covered_data():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot(np.linspace(0, 1, 50), np.linspace(0, 1, 50), label="data")
    ax.legend(loc="center")
    ax.set_xlabel("a label far too long to fit on a figure this narrow " * 2, fontsize=6)
    found = " ".join(figure_problems(fig))
    assert "leaves the canvas" in found and "6 pt" in found and "legend covers data" in found


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_every_plot_of_every_example_is_fit_for_a_report(scenario, tmp_path, monkeypatch):
    result = simulate(load_scenario(scenario))
    drawn = []
    original = Figure.savefig

    def check_and_save(fig, *args, **kwargs):
        drawn.append((str(args[0]) if args else "?", figure_problems(fig), fig))
        return original(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", check_and_save)
    written = outputs(result.kind).plot_function()(result, tmp_path)
    assert drawn and len(drawn) == len(written)
    assert [(Path(name).name, p) for name, p, _ in drawn if p] == []
    if result.kind in ("permeation", "microneedle"):
        compound = result.summary["compound"]
        for name, _, fig in drawn:
            titles = " ".join(t.get_text() for t in fig.findobj(Text))
            assert compound in titles and result.summary["site"] in titles, name
