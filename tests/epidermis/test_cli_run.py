"""`dermsim epidermis run SCENARIO --out DIR` and the Python API `simulate_tissue`: outputs with units, one-line
errors with exit code 2 and nothing written on bad input, the example scenarios."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from dermsim.cli import app
from dermsim.epidermis.tissue_simulation import simulate_tissue
from dermsim.epidermis.tissue_spec import tissue_scenario_from_dict
from dermsim.errors import InputError

EXAMPLES = sorted(p for p in (Path(__file__).parents[2] / "examples" / "epidermis").glob("*.toml")
                  if "[clones]" not in p.read_text())   # tissue scenarios (clones files run in test_examples)
SCENARIO = """
title = "cli test"
[tissue]
preset = "human-interfollicular"
lattice_size = 40
duration = "12 d"
output_interval = "12 h"
time_step = "3 h"
seed = 3
stem_fraction = 0.1
label_pulse = "1 d"
clone_snapshots = 3
[[perturbation]]
kind = "microneedle"
time = "2 d"
density = "2000 /cm^2"
diameter = "60 um"
sessions = 2
interval = "5 d"
[[perturbation]]
kind = "basal-loss"
time = "3 d"
pattern = "random"
fraction = 0.2
stem_cells = false
[[perturbation]]
kind = "circadian"
amplitude = 0.1
[[perturbation]]
kind = "tape-strip"
time = "4 d"
[[perturbation]]
kind = "dehydration"
time = "5 d"
duration = "2 d"
[[perturbation]]
kind = "uv"
time = "6 d"
dose = 1.5
"""


def run_cli(*args):
    return CliRunner().invoke(app, ["epidermis", "run", *map(str, args)])


def test_run_writes_dataset_and_summary(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out"
    res = run_cli(scenario, "--out", out, "--no-plots")
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.iterdir()} - {".dermsim-output"} == {"result.nc", "summary.json", "report.md"}
    import xarray as xr

    ds = xr.load_dataset(out / "result.nc")
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    assert ds.time.attrs["units"] == "day" and ds.time.values[-1] == pytest.approx(12)
    assert ds.clone_map.dims == ("snapshot_time", "y", "x") and ds.clone_map.dtype.kind == "i"
    assert ds.sizes["event"] == 4  # two microneedle sessions, the basal loss, the UV death
    assert {"labelled_fraction", "recovery_basal_density", "recovery_coverage", "cells_per_area",
            "layer_thickness", "basal_density", "epidermal_thickness"} <= set(ds.data_vars)
    prov = json.loads(ds.attrs["provenance"])
    assert prov["scenario"]["tissue"]["seed"] == 3 and ds.attrs["dermsim_version"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["preset"]["division_rate"]["source"]
    assert summary["tissue_parameters"]["edge_speed"]["source"]
    kinds = [p["kind"] for p in summary["perturbations"]]
    assert kinds == ["microneedle", "basal-loss", "circadian", "tape-strip", "dehydration", "uv"]
    assert all(src for p in summary["perturbations"] for src in p["sources"].values())
    assert summary["transit"]["stratum_corneum_day"] == pytest.approx(14.25)
    assert summary["recovery"][0]["recovery_time_day"]["coverage"] is not None
    assert summary["circadian"]["amplitude_parameter"] == 0.1


@pytest.mark.slow
def test_run_writes_the_plots(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO)
    res = run_cli(scenario, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert {p.name for p in (tmp_path / "out").glob("*.png")} == {"layers.png", "recovery.png", "clone_maps.png",
                                                                  "cross_section.png"}


def test_python_api_writes_nothing_and_matches_the_seed(tmp_path, monkeypatch):
    import tomllib

    monkeypatch.chdir(tmp_path)
    data = tomllib.loads(SCENARIO)
    data["perturbation"] = data["perturbation"][:2]
    a, b = simulate_tissue(data), simulate_tissue(tissue_scenario_from_dict(data))
    assert list(tmp_path.iterdir()) == []
    np.testing.assert_array_equal(a.dataset.clone_map.values, b.dataset.clone_map.values)
    np.testing.assert_array_equal(a.dataset.cells_per_area.values, b.dataset.cells_per_area.values)


BAD = [
    ("kind = \"tape-strip\"", "kind = \"tape-stripe\"", "perturbation[3].kind"),
    ("lattice_size = 40", "lattice_size = -40", "tissue.lattice_size"),
    ("fraction = 0.2", "fraction = 1.2", "perturbation[1].fraction"),
    ("density = \"2000 /cm^2\"", "density = \"2000 /cm\"", "perturbation[0].density"),
    ("diameter = \"60 um\"", "diameter = \"-60 um\"", "perturbation[0].diameter"),
    ("seed = 3", "seed = 3\nsede = 4", "tissue.sede"),
    ("preset = \"human-interfollicular\"", "preset = \"human\"", "tissue.preset"),
    ("duration = \"12 d\"", "duration = \"12 kg\"", "tissue.duration"),
    ("interval = \"5 d\"", "", "perturbation[0]"),
    ("time = \"6 d\"", "time = \"60 d\"", "perturbation[5].time"),
    ("amplitude = 0.1", "amplitude = 1.5", "perturbation[2].amplitude"),
    ("stem_fraction = 0.1", "stem_fraction = 0.1\n[tissue.rates]\ndivision_rat = 1.0", "tissue.rates"),
]


@pytest.mark.parametrize("old,new,field", BAD, ids=[b[2] for b in BAD])
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, old, new, field):
    assert old in SCENARIO
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO.replace(old, new, 1))
    out = tmp_path / "out"
    res = run_cli(scenario, "--out", out)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}"), res.output
    assert not out.exists()


def test_empty_scenario_file_runs_with_the_defaults(tmp_path):
    """Every field has a default, the lattice size too (its validator also runs on the default): an empty file is
    the human homeostasis run, 256 x 256 sites for 60 d."""
    scenario = tmp_path / "empty.toml"
    scenario.write_text("")
    out = tmp_path / "out"
    res = run_cli(scenario, "--out", out, "--no-plots")
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["lattice"]["shape"] == [256, 256] and summary["lattice"]["duration_day"] == pytest.approx(60)
    assert summary["invariants"]["basal_cells_end"] == 256 * 256
    assert tissue_scenario_from_dict({}).tissue.lattice_size == (256, 256)


@pytest.mark.parametrize("text", ["[tissue]\nlattice_size = 4\n", "[tissue]\nlattice_size = [64]\n"])
def test_bad_lattice_size_alone_is_one_line_exit_2(tmp_path, text):
    scenario = tmp_path / "s.toml"
    scenario.write_text(text)
    out = tmp_path / "out"
    res = run_cli(scenario, "--out", out)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: tissue.lattice_size"), res.output
    assert not out.exists()


def test_missing_scenario_file_is_one_line(tmp_path):
    res = run_cli(tmp_path / "nope.toml", "--out", tmp_path / "out")
    assert res.exit_code == 2 and res.output.startswith("error: scenario file")
    with pytest.raises(InputError, match="perturbation\\[0\\].kind"):
        tissue_scenario_from_dict({"perturbation": [{"time": "1 d"}]})


def test_there_are_tissue_examples():
    assert {"epidermis_homeostasis_pulse_chase", "epidermis_microneedling_sessions",
            "epidermis_basal_loss_stem_cells"} <= {p.stem for p in EXAMPLES}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(scenario, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "epidermis", "run", str(scenario), "--out",
                           str(tmp_path), "--no-plots"], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr  # plots: test_run_writes_the_plots
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["invariants"]["column_overflow_cells"] == 0
