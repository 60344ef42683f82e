"""Result: an xarray Dataset with units and provenance, metrics, and saving/loading.

Dataset conventions: time in h, depth in um (cell centres, 0 = skin surface), concentrations in ug/cm^3,
amounts per area in ug/cm^2, fluxes in ug/cm^2/h; every variable and coordinate has a ``units`` attribute;
``provenance`` is a JSON string (dermsim version, scenario, compound, transport properties with sources,
citations, solver).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np


def basal_exposure(times: np.ndarray, conc: np.ndarray, threshold: float | None) -> dict[str, Any]:
    """Cmax (ug/cm³), tmax (h), AUC (ug·h/cm³, trapezoid) and time to reach ``threshold`` (h, linear
    interpolation between outputs; None = not reached) of a concentration time course."""
    i = int(np.argmax(conc))
    out = {"cmax_ug_per_cm3": float(conc[i]), "tmax_h": float(times[i]),
           "auc_ug_h_per_cm3": float(np.trapezoid(conc, times)),
           "threshold_ug_per_cm3": threshold, "time_to_threshold_h": None,
           "threshold_reached": None}
    if threshold is not None:
        above = np.flatnonzero(conc >= threshold)
        out["threshold_reached"] = bool(above.size)
        if above.size:
            j = above[0]
            if j == 0:
                out["time_to_threshold_h"] = float(times[0])
            else:
                c0, c1 = conc[j - 1], conc[j]
                out["time_to_threshold_h"] = float(times[j - 1] + (threshold - c0) / (c1 - c0)
                                                   * (times[j] - times[j - 1]))
    return out


def _clean(value):
    """JSON-safe: NaN/inf -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write) -> None:
    """Write via a temporary file in the same directory, then rename (never a half-written file)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DatasetContent:
    """What a result Dataset holds, kept as numpy arrays until xarray is needed.

    ``data_vars`` and ``coords`` map names to ``(dims, values, attrs)`` exactly as `xarray.Dataset`
    takes them. Building the xarray object (import ≈ 0.6 s) is deferred to `to_xarray`; `write_netcdf`
    writes the same file xarray would, with netCDF4 directly, so a command-line run never imports xarray.
    """

    def __init__(self, data_vars: dict, coords: dict, attrs: dict):
        norm = lambda v: (v[0] if isinstance(v[0], tuple) else (v[0],), np.asarray(v[1]), dict(v[2]))  # noqa: E731
        self.data_vars = {k: norm(v) for k, v in data_vars.items()}
        self.coords = {k: norm(v) for k, v in coords.items()}
        self.attrs = dict(attrs)

    def __contains__(self, name: str) -> bool:
        return name in self.data_vars or name in self.coords

    def variable(self, name: str) -> tuple[tuple[str, ...], np.ndarray, dict]:
        return self.data_vars[name] if name in self.data_vars else self.coords[name]

    def to_xarray(self):
        import xarray as xr

        return xr.Dataset(data_vars=self.data_vars, coords=self.coords, attrs=self.attrs)

    def write_netcdf(self, path) -> None:
        """NetCDF-4 file as `xarray.Dataset.to_netcdf` lays it out (non-index coordinates listed in the
        ``coordinates`` attribute of the variables that share their dimensions)."""
        import netCDF4

        index = {k for k, (dims, _, _) in self.coords.items() if dims == (k,)}
        aux = [k for k in self.coords if k not in index]
        with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
            for name, (dims, values, _) in (self.coords | self.data_vars).items():
                for dim, size in zip(dims, values.shape):
                    if dim not in nc.dimensions:
                        nc.createDimension(dim, size)
            placed = set()
            for name, (dims, values, attrs) in (self.coords | self.data_vars).items():
                if values.dtype.kind in "US":
                    var = nc.createVariable(name, str, dims)
                    var[:] = values.astype(object)
                else:
                    var = nc.createVariable(name, values.dtype, dims, fill_value=np.nan if values.dtype.kind == "f" else None)
                    var[:] = values
                own = [c for c in aux if name not in self.coords and set(self.coords[c][0]) <= set(dims)]
                placed.update(own)
                var.setncatts(attrs | ({"coordinates": " ".join(own)} if own else {}))
            left = [c for c in aux if c not in placed]
            nc.setncatts(self.attrs | ({"coordinates": " ".join(left)} if left else {}))


class Result:
    """Outcome of `dermsim.simulate`: ``dataset`` (xarray, built on first access), ``summary`` (JSON-able dict).

    Front ends that only need arrays (plots, the CLI) use `values` and `attrs_of`, which do not import xarray.
    """

    def __init__(self, dataset: Any = None, summary: dict | None = None, *, content: DatasetContent | None = None):
        if dataset is None and content is None:
            raise ValueError("Result needs a dataset or its content")
        self._dataset, self._content = dataset, content
        self.summary = summary if summary is not None else {}

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
        """Write result.nc, summary.json (and PNG plots + report.md) into ``out_dir``, each file atomically.

        ``draw(function, *args)`` runs the plotting function (default: here; the CLI passes a
        `dermsim.plotworker.PlotWorker` so plots are drawn in a second process).
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "result.nc", out / "summary.json"]
        if self._content is not None:
            atomic_write(written[0], self._content.write_netcdf)
        else:
            atomic_write(written[0], lambda p: self.dataset.to_netcdf(p, engine="netcdf4"))
        text = json.dumps(_clean(self.summary), indent=2, ensure_ascii=False)
        atomic_write(written[1], lambda p: Path(p).write_text(text + "\n", "utf-8"))
        if plots:
            from dermsim import plotting, report

            written += (draw or (lambda fn, *args: fn(*args)))(plotting.save_all, self, out)
            written.append(report.save(self, out))
        return written


def load_result(path: str | Path) -> Result:
    """Open a saved result.nc (and the summary.json beside it, if present)."""
    import xarray as xr

    path = Path(path)
    ds = xr.load_dataset(path)
    summary_file = path.with_name("summary.json")
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    return Result(dataset=ds, summary=summary)
