"""Cheap start-up (issue #6): what a run loads, and that the lazy paths give the same files."""

import json
import subprocess
import sys

import pytest
import xarray as xr

from dermsim import load_scenario, simulate
from dermsim.plotworker import PlotWorker
from dermsim.errors import DermsimError

MEMBRANE = """
title = "one membrane"
[[skin.layers]]
name = "membrane"
thickness = "15 um"
diffusivity = "1e-10 cm^2/s"
partition = 1.0
[formulation]
dose = "infinite"
concentration = "1 mg/mL"
[simulation]
duration = "12 h"
"""


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_dermsim_loads_no_heavy_library():
    mods = _modules_after("import dermsim")
    assert not mods & {"numpy", "scipy", "xarray", "pint", "matplotlib", "rdkit", "netCDF4", "pydantic"}


def test_cli_module_loads_only_typer():
    mods = _modules_after("import dermsim.cli")
    assert not mods & {"numpy", "scipy", "xarray", "pint", "matplotlib", "rdkit", "netCDF4"}


def test_run_without_plots_needs_neither_xarray_nor_pint_nor_matplotlib(tmp_path):
    toml = tmp_path / "m.toml"
    toml.write_text(MEMBRANE)
    mods = _modules_after(f"from dermsim import load_scenario, simulate\n"
                          f"simulate(load_scenario({str(toml)!r})).save({str(tmp_path / 'out')!r}, plots=False)")
    assert not mods & {"xarray", "pint", "matplotlib", "pandas"}
    assert (tmp_path / "out" / "result.nc").exists()


def test_netcdf_written_without_xarray_equals_the_dataset(tmp_path):
    toml = tmp_path / "m.toml"
    toml.write_text(MEMBRANE)
    result = simulate(load_scenario(toml))
    result.save(tmp_path, plots=False)
    with xr.open_dataset(tmp_path / "result.nc") as saved:
        xr.testing.assert_identical(saved.load(), result.dataset)
    assert "layer_of_depth" in saved.coords and saved["concentration"].attrs["units"] == "ug/cm^3"


def _boom(message):
    raise ValueError(message)


def test_plot_worker_runs_the_function_and_reports_failures_as_one_line():
    with PlotWorker() as worker:
        assert worker(sorted, [3, 1, 2]) == [1, 2, 3]
    with PlotWorker() as worker, pytest.raises(DermsimError, match="plotting failed: ValueError: no plot"):
        worker(_boom, "no plot")
    assert PlotWorker(enabled=False)(max, 1, 5) == 5


def test_run_with_the_plot_worker_writes_everything(tmp_path):
    toml = tmp_path / "m.toml"
    toml.write_text(MEMBRANE)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(toml), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} - {".dermsim-output"} == {"result.nc", "summary.json", "report.md", "depth_profiles.png",
                                               "layer_amounts.png", "cumulative_permeation.png"}
    bad = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(tmp_path / "missing.toml"),
                          "--out", str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none").exists()
