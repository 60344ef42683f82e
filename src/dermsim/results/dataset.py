"""Lazy result Dataset: numpy arrays with xarray's layout, written to NetCDF without importing xarray.

Conventions: every variable and coordinate has a ``units`` attribute (CF-style; "" for labels and
dimensionless numbers) and a ``long_name``; ``provenance`` is a JSON string attribute.
"""

from __future__ import annotations

import numpy as np


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
