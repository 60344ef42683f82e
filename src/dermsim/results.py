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
from dataclasses import dataclass, field
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


def atomic_write(path: Path, write) -> None:
    """Write via a temporary file in the same directory, then rename (never a half-written file)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Result:
    """Outcome of `dermsim.simulate`: ``dataset`` (xarray), ``summary`` (JSON-able dict)."""

    dataset: Any
    summary: dict = field(default_factory=dict)

    @property
    def provenance(self) -> dict:
        return json.loads(self.dataset.attrs.get("provenance", "{}"))

    def save(self, out_dir: str | Path, *, plots: bool = True) -> list[Path]:
        """Write result.nc, summary.json (and PNG plots + report.md) into ``out_dir``, each file atomically."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "result.nc", out / "summary.json"]
        atomic_write(written[0], lambda p: self.dataset.to_netcdf(p, engine="netcdf4"))
        text = json.dumps(_clean(self.summary), indent=2, ensure_ascii=False)
        atomic_write(written[1], lambda p: Path(p).write_text(text + "\n", "utf-8"))
        if plots:
            from dermsim import plotting, report

            written += plotting.save_all(self, out)
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
