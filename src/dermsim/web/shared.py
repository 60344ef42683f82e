"""What every page of the web app shares: the cached run, the library choices and the inputs every permeation
scenario has, one-line errors beside the field they name, the scenario as TOML, exact numbers, charts and the
download bundle.

No physics here: a page builds a scenario dict, `scenario_from_dict` validates it as it validates a TOML file, and
`dermsim.simulate` runs it, exactly as `dermsim run` does (or a study of many skins runs it, as `dermsim
population`, `sweep` or `sensitivity` do). This module only caches and shows what they return.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import threading
import zipfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import streamlit as st

#: Name of the scenario file in a download bundle (`dermsim run scenario.toml` rewrites the rest of it exactly).
SCENARIO_FILE = "scenario.toml"
#: Results kept in memory per server (a permeation result is ~0.2 MB, a microneedle or tissue one a few MB).
CACHE_SIZE = 48
#: Least advance of a run's fraction done that moves the progress bar (each move is a message to the browser).
PROGRESS_STEP = 0.01

_lock = threading.Lock()
_results: OrderedDict[str, Any] = OrderedDict()
_underway: dict[str, threading.Event] = {}


# --------------------------------------------------------------------------------------------------------------
# scenario -> result, cached

def build(data: dict):
    """The validated scenario of a page's inputs (the reader of TOML files; bad input raises `InputError`)."""
    from dermsim.scenario import scenario_from_dict

    return scenario_from_dict(data)


def cache_key(scenario, study=None) -> str:
    """The key of a run: the scenario as TOML, which is everything that sets the result (`dermsim run` of that
    text gives the same result), in this process's one dermsim version; for a study, its ``key`` (the command
    and options that run it) too."""
    return scenario.to_toml() if study is None else f"{study.key}\n{scenario.to_toml()}"


def run(scenario, progress: Callable[[float], None] | None = None, study=None):
    """`dermsim.simulate(scenario, progress)`, or ``study.run(scenario, progress)`` for a study of many skins (an
    object with ``key`` and ``run``), memoised on `cache_key` (least recently used dropped first). A run asked for
    while the same run is under way (another browser tab, the warm-up) waits for it instead."""
    from dermsim import simulate

    key = cache_key(scenario, study)
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _results[key]
        underway = _underway.get(key)
        if underway is None:
            _underway[key] = done = threading.Event()
    if underway is not None:
        underway.wait()
        with _lock:
            if key in _results:
                return _results[key]
        return run(scenario, progress, study)           # the other run failed: this one says why
    try:
        result = simulate(scenario, progress=progress) if study is None else study.run(scenario, progress)
        with _lock:
            _results[key] = result
            while len(_results) > CACHE_SIZE:
                _results.popitem(last=False)
        return result
    finally:
        with _lock:
            _underway.pop(key, None)
        done.set()


def warm_up(pages=None) -> None:
    """Run the opening scenario of each page into the cache (and load the chemical databases, ~3 s, once), so
    the first visitor waits less; errors are left for the page to show."""
    import importlib

    from dermsim.web import PAGES

    for module, _ in (pages or PAGES).values():
        page = importlib.import_module(module)
        if hasattr(page, "DEFAULTS"):
            try:
                study = page.study(page.DEFAULTS) if hasattr(page, "study") else None
                run(build(page.scenario_data(page.DEFAULTS)), study=study)
            except Exception:                             # noqa: BLE001 - the page shows it to the user
                pass


def run_with_progress(scenario, label: str = "simulating", study=None):
    """`run` with a progress bar while it simulates (removed when done; none when the result is cached)."""
    if cache_key(scenario, study) in _results:
        return run(scenario, study=study)
    bar = st.progress(0.0, text=label)
    shown = [0.0]

    def progress(fraction: float) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        if fraction - shown[0] >= PROGRESS_STEP or fraction == 1.0:   # a protocol reports once per application
            shown[0] = fraction
            bar.progress(fraction, text=label)

    try:
        return run(scenario, progress, study)
    finally:
        bar.empty()


# --------------------------------------------------------------------------------------------------------------
# library choices (the lists behind `dermsim compounds list`, `sites list`, `vehicles list`, `devices list`)

@lru_cache(maxsize=1)
def compounds() -> list[str]:
    from dermsim.chemistry.compound import list_compounds

    return [c.name for c in list_compounds()]


@lru_cache(maxsize=1)
def sites() -> dict[str, str]:
    from dermsim.anatomy import list_sites

    return dict(list_sites())


@lru_cache(maxsize=1)
def vehicles() -> list[str]:
    from dermsim.formulation.vehicles import list_components

    return list(list_components())


@lru_cache(maxsize=1)
def devices() -> list[str]:
    from dermsim.microneedles.devices import list_devices

    return [d.name for d in list_devices()]


@lru_cache(maxsize=1)
def presets() -> dict[str, str]:
    """Fate-rate preset name -> its model (committed-progenitor | stem-progenitor)."""
    from dermsim.epidermis.kinetics import list_presets, load_preset

    return {name: load_preset(name).model for name in list_presets()}


def sterilisations() -> tuple[str, ...]:
    from dermsim.microneedles.risk import STERILISATION

    return STERILISATION


# --------------------------------------------------------------------------------------------------------------
# inputs every permeation scenario has (the same keys, labels and error places on every page)

#: The SMILES a page offers first when the compound is typed (caffeine).
DEFAULT_SMILES = "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"


def compound_input(fields: "Fields", default: str, smiles: str = DEFAULT_SMILES) -> dict:
    """A compound from the library (key ``compound``) or as a SMILES (key ``smiles``), chosen by the radio
    ``compound_source``; returns those three values (the unchosen one at its default)."""
    values = {"compound_source": st.radio("compound from", ["library", "SMILES"], horizontal=True,
                                          key="compound_source")}
    if values["compound_source"] == "library":
        names = compounds()
        values["compound"] = st.selectbox("compound", names, index=names.index(default), key="compound")
        values["smiles"] = smiles
    else:
        values["smiles"] = st.text_input("SMILES", smiles, key="smiles")
        values["compound"] = default
    fields.slot("compound", "smiles")
    return values


def compound_of(values: dict) -> tuple[str, dict]:
    """(the compound's name or SMILES, the scenario's ``[compound]`` table) of `compound_input`'s values."""
    if values["compound_source"] == "library":
        return values["compound"], {"name": values["compound"]}
    return values["smiles"], {"smiles": values["smiles"]}


def site_input(fields: "Fields", default: str) -> str:
    """The body site or membrane (key ``site``; `dermsim sites list`)."""
    names = list(sites())
    site = st.selectbox("body site or membrane", names, index=names.index(default), key="site",
                        help="`dermsim sites list`")
    fields.slot("skin")
    return site


def text_field(fields: "Fields", label: str, default: str, key: str, field: str, help: str | None = None) -> str:
    """A text input (a quantity with its unit, as in a TOML file) with the place of ``field``'s error under it."""
    value = st.text_input(label, default, key=key, help=help)
    fields.slot(field)
    return value


CONCENTRATION_HELP = "e.g. '5 %' (w/w), '5 % w/v', '10 mg/mL', '10 mM'"


# --------------------------------------------------------------------------------------------------------------
# one-line errors beside the field

class Fields:
    """Places under the inputs where a one-line error is shown, each for the scenario fields it edits.

    ``slot("formulation.concentration")`` after a widget reserves the place under it; `show` puts the message of
    an `InputError` (the CLI's line, ``error: <field>: got ...; allowed: ...``) under the input whose field is the
    longest prefix of the error's field, or in the general place (`general`) when none is.
    """

    def __init__(self):
        self._slots: dict[str, Any] = {}
        self._general = None

    def slot(self, *fields: str) -> None:
        place = st.empty()
        for field in fields:
            self._slots[field] = place

    def general(self) -> None:
        self._general = st.empty()

    def place_of(self, field: str):
        best = None
        for name, place in self._slots.items():
            if field == name or field.startswith(name + ".") or field.startswith(name + "["):
                if best is None or len(name) > len(best[0]):
                    best = (name, place)
        return best[1] if best else self._general

    def show(self, exc: Exception) -> None:
        place = self.place_of(str(getattr(exc, "field", "")))
        (place if place is not None else st).error(error_line(exc), icon=None)


def error_line(exc: Exception) -> str:
    """The line `dermsim` prints on stderr for this error (`dermsim.cli.common.user_errors`)."""
    return f"error: {exc}"


def attempt(fields: Fields, make: Callable[[], Any]):
    """``make()`` (build a scenario, or run it); a `DermsimError` is shown beside its field and gives None, so
    the page keeps working and the next change is tried afresh."""
    from dermsim.errors import DermsimError

    try:
        return make()
    except DermsimError as exc:
        fields.show(exc)
        return None


# --------------------------------------------------------------------------------------------------------------
# the frame of a page

def page(title: str, caption: str, inputs: Callable[[Fields], Any], label: str = "simulating"):
    """The frame every page has: a header, the inputs on the left (``inputs(fields)`` draws them and returns the
    scenario data, or (scenario data, study) for a study of many skins, see `run`), the results on the right.
    Returns (the right-hand column, data, scenario, result); scenario or result is None when an input is bad (its
    line is then shown beside the field)."""
    st.header(title)
    st.caption(caption)
    left, right = st.columns([1, 2], gap="large")
    fields = Fields()
    with left:
        data = inputs(fields)
    data, study = data if isinstance(data, tuple) else (data, None)
    with right:
        fields.general()
        scenario = attempt(fields, lambda: build(data))
        result = None if scenario is None else attempt(fields, lambda: run_with_progress(scenario, label, study))
    return right, data, scenario, result


# --------------------------------------------------------------------------------------------------------------
# what a page shows of a result

#: One step of a summary path: ``[3]`` (an index into a list) or a key.
_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def dig(summary: dict, path: str | tuple[str | int, ...]) -> Any:
    """``summary["a"]["b"]`` for ``"a.b"`` or ``("a", "b")``, ``summary["a"][0]["b"]`` for ``"a[0].b"`` or
    ``("a", 0, "b")`` (a tuple where a key has dots; None where absent)."""
    parts = path if isinstance(path, tuple) else [int(index) if index else key for index, key in _STEP.findall(path)]
    value: Any = summary
    for part in parts:
        if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def key_text(path: str | tuple[str | int, ...]) -> str:
    """A summary path as shown: ``a.b``, ``a[0].b`` for an index into a list, with a key that has dots in brackets
    (``indices.x["dermis.thickness"]``)."""
    if isinstance(path, str):
        return path
    return "".join(f"[{part}]" if isinstance(part, int) else f'["{part}"]' if "." in part
                   else ("." if i else "") + part for i, part in enumerate(path))


def exact(value: Any) -> str:
    """A summary value as text that reads back to the same float (``repr``), '—' for None."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return repr(float(value))                       # a numpy float too: its digits, not its type
    return str(value)


def metrics(*figures: tuple[str, str]) -> None:
    """Headline figures side by side above a page's results: (label, text) each."""
    for column, (label, text) in zip(st.columns(len(figures)), figures):
        column.metric(label, text)


def numbers_table(summary: dict, rows: list[tuple[str, str, str]], key: str) -> None:
    """The key numbers of a summary at full precision: (what, summary path, unit) per row; the page's numbers are
    the summary's numbers, the same as `dermsim run` writes to summary.json."""
    import pandas as pd

    frame = pd.DataFrame({"quantity": [what for what, _, _ in rows],
                          "value": [exact(dig(summary, path)) for _, path, _ in rows],
                          "unit": [unit for _, _, unit in rows],
                          "summary.json key": [path for _, path, _ in rows]})
    with st.container(key=key):
        st.table(frame.set_index("quantity"))


def numbers_grid(summary: dict, rows: list[tuple[str, str | tuple[str, ...], str]], columns: list[str],
                 key: str) -> None:
    """Numbers of a summary at full precision in a grid: one row per (what, summary path, unit), labelled by its
    path, and one column per key under it (``summary[path][column]``), labelled by that key."""
    import pandas as pd

    values = [dig(summary, path) or {} for _, path, _ in rows]
    frame = pd.DataFrame({"summary.json key": [key_text(path) for _, path, _ in rows]}
                         | {c: [exact(v.get(c)) for v in values] for c in columns}
                         | {"quantity": [what for what, _, _ in rows], "unit": [unit for _, _, unit in rows]})
    with st.container(key=key):
        st.table(frame.set_index("summary.json key"))


def records_table(rows: list[dict], columns: list[str] | tuple[str, ...], key: str, scroll: bool = False) -> None:
    """Rows of a summary list (or a result's table) at full precision, one column per key, labelled by that key
    (as in summary.json or the CSV the bundle holds); ``scroll`` for a long list (a scrolling frame, not a table)."""
    import pandas as pd

    frame = pd.DataFrame({c: [exact(row.get(c)) for row in rows] for c in columns})
    with st.container(key=key):
        if scroll:
            st.dataframe(frame, hide_index=True)
        else:
            st.table(frame.set_index(columns[0]))


def answer(summary: dict) -> None:
    """The answer in words, as `dermsim run` prints it."""
    with st.container(key="answer"):
        st.text(summary["answer"])
    for note in summary.get("notes") or []:
        st.caption(f"note: {note}")


def scenario_and_summary(scenario, result, stem: str, command: str = "dermsim run scenario.toml") -> None:
    """The scenario as TOML (what ``command`` takes), the whole summary, and the download bundle."""
    toml = scenario.to_toml()
    with st.expander(f"scenario (TOML: `{command}` gives the same result)", expanded=False):
        with st.container(key="scenario_toml"):
            st.code(toml, language="toml")
    with st.expander("summary.json", expanded=False):
        st.json(result.summary, expanded=False)
    st.download_button("download bundle: scenario.toml, result.nc, summary.json, report.md, plots (.zip)",
                       data=lambda: bundle(scenario, result), file_name=f"dermsim-{slug(stem)}.zip",
                       mime="application/zip", on_click="ignore", key="bundle")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_.") or "run"


def bundle(scenario, result) -> bytes:
    """A zip of scenario.toml and the output set `Result.save` writes (result.nc, summary.json, report.md,
    plots): `dermsim run scenario.toml` (or the study's command) writes the same files byte for byte. Entries
    are sorted and dated 1980-01-01, so the same run gives the same zip."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="dermsim-bundle-") as tmp:
        out = Path(tmp) / "set"
        files = [(SCENARIO_FILE, scenario.to_toml().encode("utf-8"))]
        files += [(p.name, p.read_bytes()) for p in result.save(out, plots=True)]
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------------
# charts (drawn by the browser from the result's arrays; matplotlib only in the bundle's plots)

def line_chart(frame, x: str, y: str, colour: str | None, *, title: str, x_title: str, y_title: str,
               log_y: bool = False, log_x: bool = False, height: int = 280, points: bool = False,
               marks: tuple[str, Any] | None = None):
    """An Altair line chart of a long-form frame (``points``: a point per row, no lines); on log axes the points at
    or below 1e-9 of the largest value are left out (a log axis has no zero). ``marks``: (what, x values) drawn as
    dashed vertical rules (events on a time axis, e.g. the sessions of a protocol)."""
    import altair as alt
    import pandas as pd

    if log_y and len(frame):
        top = float(frame[y].max())
        frame = frame[frame[y] > (top * 1e-9 if top > 0 else 0)]
    if log_x and len(frame):
        frame = frame[frame[x] > 0]
    enc = {"x": alt.X(x, title=x_title, scale=alt.Scale(type="log" if log_x else "linear")),
           "y": alt.Y(y, title=y_title, scale=alt.Scale(type="log" if log_y else "linear"))}
    if colour is not None:
        enc["color"] = alt.Color(colour, title=None, sort=None)
    base = alt.Chart(frame, title=title, height=height)
    chart = (base.mark_point(filled=True, size=20) if points else base.mark_line()).encode(
        **enc, tooltip=[x, y] + ([colour] if colour else []))
    if marks is not None and len(marks[1]):
        what, xs = marks
        rules = alt.Chart(pd.DataFrame({x: [float(v) for v in xs], "event": what})).mark_rule(
            color="gray", strokeDash=[4, 3]).encode(x=alt.X(x, type="quantitative"), tooltip=["event", x])
        chart = chart + rules
    st.altair_chart(chart, width="stretch")


def long_frame(x_name: str, x, columns: dict[str, Any], value: str = "value", series: str = "series"):
    """A long-form frame (x, series, value) from named columns over one x."""
    import numpy as np
    import pandas as pd

    parts = [pd.DataFrame({x_name: np.asarray(x, dtype=float), series: name, value: np.asarray(v, dtype=float)})
             for name, v in columns.items()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({x_name: [], series: [], value: []})


def curves(x_name: str, x, columns: dict[str, Any], *, title: str, y_title: str, series: str | None = None,
           x_title: str | None = None, log_y: bool = False, log_x: bool = False,
           marks: tuple[str, Any] | None = None):
    """Named curves over one x as a line chart: `long_frame` drawn by `line_chart` (``series`` names the legend;
    None for a single curve without one; ``marks`` as there)."""
    frame = long_frame(x_name, x, columns, series=series or "series")
    return line_chart(frame, x_name, "value", series, title=title, x_title=x_title or x_name, y_title=y_title,
                      log_y=log_y, log_x=log_x, marks=marks)


def json_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
