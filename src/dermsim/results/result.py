"""`Result`: what `dermsim.simulate` returns for every kind of scenario.

A Result holds a Dataset (built lazily from numpy arrays, or an xarray Dataset), a summary validated
against the schema of its kind (`dermsim.results.summary`) and provenance (JSON in the Dataset's
attributes). `save` writes one output set for every kind: result.nc, summary.json, report.md and the
kind's plots (`dermsim.results.registry`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from dermsim.results.dataset import DatasetContent
from dermsim.results.files import atomic_write, write_json, write_text
from dermsim.results.summary import SUMMARIES, validated

#: File names of an output set (plots are added by kind).
RESULT_FILE, SUMMARY_FILE, REPORT_FILE = "result.nc", "summary.json", "report.md"


class Result:
    """Outcome of `dermsim.simulate`.

    Attributes
    ----------
    kind : "permeation", "microneedle" (permeation with a microneedle treatment), "tissue" or "clones"
    summary : dict — JSON-able key figures, checked against ``SUMMARIES[kind]``
    dataset : xarray.Dataset (built on first access when the Result holds `DatasetContent`)

    Front ends that only need arrays (plots, the CLI) use `values` and `attrs_of`, which do not import
    xarray for results built from `DatasetContent`.
    """

    def __init__(self, kind: str, summary: dict, *, content: DatasetContent | None = None, dataset: Any = None,
                 extras: dict | None = None):
        if kind not in SUMMARIES:
            raise ValueError(f"unknown result kind {kind!r}")
        if (dataset is None) == (content is None):
            raise ValueError("Result needs exactly one of a dataset or its content")
        self.kind = kind
        self._dataset, self._content = dataset, content
        self.summary = validated(kind, {"kind": kind} | summary)
        #: in-memory objects for plots and reports of this run (not saved), e.g. the fate rates of clones
        self.extras = dict(extras or {})

    @property
    def typed_summary(self):
        """The summary as its pydantic model (`dermsim.results.summary`)."""
        return SUMMARIES[self.kind].model_validate(self.summary)

    @property
    def dataset(self):
        if self._dataset is None:
            self._dataset = self._content.to_xarray()
        return self._dataset

    def __contains__(self, name: str) -> bool:
        return name in self._content if self._content is not None else name in self._dataset.variables

    def values(self, name: str) -> np.ndarray:
        """A variable or coordinate as a numpy array."""
        return self._content.variable(name)[1] if self._content is not None else self._dataset[name].values

    def attrs_of(self, name: str) -> dict:
        return self._content.variable(name)[2] if self._content is not None else dict(self._dataset[name].attrs)

    @property
    def attrs(self) -> dict:
        return self._content.attrs if self._content is not None else dict(self._dataset.attrs)

    @property
    def provenance(self) -> dict:
        return json.loads(self.attrs.get("provenance", "{}"))

    def save(self, out_dir: str | Path, *, plots: bool = True, draw=None) -> list[Path]:
        """Write the output set into ``out_dir``: result.nc, summary.json, report.md and (with ``plots``)
        the PNG plots of this kind; each file atomically.

        ``draw(function, *args)`` runs the plotting function (default: here; the CLI passes a
        `dermsim.plotworker.PlotWorker` so plots are drawn in a second process).
        """
        from dermsim.results.registry import outputs

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / RESULT_FILE]
        if self._content is not None:
            atomic_write(written[0], self._content.write_netcdf)
        else:
            encoding = {name: {"zlib": True, "complevel": 4} for name, var in self._dataset.data_vars.items()
                        if var.dtype.kind in "iu" and var.size > 100_000}
            atomic_write(written[0], lambda p: self._dataset.to_netcdf(p, engine="netcdf4", encoding=encoding))
        written.append(write_json(out / SUMMARY_FILE, self.summary))
        kind = outputs(self.kind)
        if kind.table_function() is not None:
            written += kind.table_function()(self, out)
        if plots:
            written += (draw or (lambda fn, *args: fn(*args)))(kind.plot_function(), self, out)
        written.append(write_text(out / REPORT_FILE, kind.report_function()(self, plots)))
        return written


def load_result(path: str | Path) -> Result:
    """Open a saved result.nc and the summary.json beside it."""
    import xarray as xr

    path = Path(path)
    ds = xr.load_dataset(path)
    summary = json.loads(path.with_name(SUMMARY_FILE).read_text("utf-8"))
    return Result(summary["kind"], summary, dataset=ds)
