"""`dermsim epidermis clones` end to end in subprocesses: outputs, one-line errors with exit code 2, nothing
written on bad input."""

import json
import os
import subprocess
import sys

import pytest


def dermsim(*args, cwd=None):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "dermsim.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


@pytest.mark.slow
def test_clones_writes_netcdf_summary_and_plots(tmp_path):
    out = tmp_path / "out"
    proc = dermsim("epidermis", "clones", "--model", "committed-progenitor", "--lambda", "1.1 /week", "--r", "0.08",
                   "--gamma", "0.31 /week", "--clones", "2000", "--duration", "20 week", "--seed", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} - {".dermsim-output"} == {"result.nc", "summary.json", "report.md", "clone_survival.png",
                                               "clone_mean_size.png", "clone_size_distribution.png"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dermsim_version"]
    assert summary["fate_rates"]["division_rate"] == {"value": 1.1, "unit": "1/week", "source": "user input"}
    figures = summary["key_figures"]
    assert figures["time_week"] == 20
    survival = figures["progenitor_survival"]
    assert abs(survival["value"] - survival["exact"]) < 3 * survival["se"]
    assert survival["exact"] == pytest.approx(1 / (1 + 0.08 * 1.1 * 20))
    assert summary["exact_comparison"] and all(abs(r["z"]) < 4 for r in summary["exact_comparison"])

    import xarray as xr

    ds = xr.load_dataset(out / "result.nc")
    assert ds.time.attrs["units"] == "week" and ds.sizes["time"] == 53
    assert ds.basal_size_distribution.dims == ("time", "size")
    assert json.loads(ds.attrs["provenance"])["settings"]["seed"] == 1


def test_clones_with_preset_override_times_and_per_clone(tmp_path):
    out = tmp_path / "human"
    proc = dermsim("epidermis", "clones", "--preset", "human-interfollicular", "--r", "0.1", "--clones", "500",
                   "--times", "0, 3 day, 2, 10 week", "--per-clone", "--no-plots", "--seed", "4", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} - {".dermsim-output"} == {"result.nc", "summary.json", "report.md"}
    import xarray as xr

    ds = xr.load_dataset(out / "result.nc")
    assert list(ds.time.values) == pytest.approx([0, 3 / 7, 2, 10])
    assert ds.progenitor_cells.dims == ("clone", "time") and ds.sizes["clone"] == 500
    rates = json.loads((out / "summary.json").read_text())["fate_rates"]
    assert rates["symmetric_fraction"]["source"] == "user input"
    assert "Weinstein" in rates["division_rate"]["source"]


BASE = ["--lambda", "1.1 /week", "--r", "0.08", "--gamma", "0.31 /week", "--clones", "100"]


@pytest.mark.parametrize("extra, option", [
    (["--r", "0.7"], "--r"),
    (["--r", "-0.1"], "--r"),
    (["--lambda", "-1 /week"], "--lambda"),
    (["--gamma", "0.31 m"], "--gamma"),
    (["--mu", "-2 /day"], "--mu"),
    (["--model", "committed-progenitr"], "--model"),
    (["--preset", "clayton2007-mouse-tial"], "--preset"),
    (["--clones", "0"], "--clones"),
    (["--clones", "many"], "--clones"),
    (["--duration", "5 m"], "--duration"),
    (["--times", "3, 1"], "--times"),
    (["--output-every", "0 week"], "--output-every"),
    (["--seed", "x"], "--seed"),
    (["--seed", "-1"], "--seed"),
    (["--initial", "stem"], "--initial"),
    (["--model", "stem-progenitor"], "--stem-lambda"),
])
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, extra, option):
    out = tmp_path / "never"
    proc = dermsim("epidermis", "clones", *BASE, *extra, "--out", out)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {option}:"), proc.stderr
    assert not out.exists()
    assert not any(tmp_path.iterdir())


def test_unknown_preset_suggests_the_close_name(tmp_path):
    proc = dermsim("epidermis", "clones", "--preset", "human-interfolicular", "--out", tmp_path / "x")
    assert proc.returncode == 2 and "did you mean 'human-interfollicular'" in proc.stderr


def test_clone_plots_in_process(tmp_path):
    """A PNG plot without a subprocess (all three figures, with exact curves, are drawn in the slow CLI test)."""
    from dermsim.epidermis import clone_plots
    from dermsim.epidermis.clones import simulate_clones
    from dermsim.epidermis.kinetics import load_preset

    stem = load_preset("mascre2012-stem-progenitor")       # no exact curves for this model
    path = clone_plots.plot_mean_size(simulate_clones(stem, 300, duration=8, seed=2), stem, tmp_path / "stem.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
