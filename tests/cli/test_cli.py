"""CLI end to end in subprocesses: outputs, exit code 2 with one line on bad input, nothing written."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
MEMBRANE = """
[[skin.layers]]
name = "membrane"
thickness = "15 um"
diffusivity = "1e-9 cm^2/s"
partition = 1.0
[formulation]
dose = "infinite"
concentration = "1 mg/mL"
[receptor]
type = "sink"
[simulation]
duration = "24 h"
"""


def dermsim(*args, cwd=None):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "dermsim.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_run_writes_netcdf_summary_and_plots(tmp_path):
    scenario = tmp_path / "m.toml"
    scenario.write_text(MEMBRANE)
    out = tmp_path / "out"
    proc = dermsim("run", scenario, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} - {".dermsim-output"} == {"result.nc", "summary.json", "report.md", "depth_profiles.png",
                                               "layer_amounts.png", "cumulative_permeation.png"}
    summary = json.loads((out / "summary.json").read_text())
    # Crank: kp = K D / h = 1e-9 * 3600 / 15e-4 cm/h; lag = h^2 / 6D
    assert summary["kp_cm_per_h"] == pytest.approx(1e-9 * 3600 / 15e-4, rel=1e-9)
    assert summary["lag_time_h"] == pytest.approx((15e-4) ** 2 / (6 * 1e-9 * 3600), rel=5e-3)
    assert summary["steady_flux_ug_per_cm2_per_h"] == pytest.approx(2.4, rel=1e-9)
    assert summary["mass_balance_relative_error"] < 1e-8

    import xarray as xr

    ds = xr.load_dataset(out / "result.nc")
    for name, unit in [("time", "h"), ("depth", "um"), ("concentration", "ug/cm^3"),
                       ("amount_in_layer", "ug/cm^2"), ("cumulative_permeated", "ug/cm^2")]:
        assert ds[name].attrs["units"] == unit
    assert ds["concentration"].dims == ("time", "depth")
    assert ds["amount_in_layer"].dims == ("time", "layer")
    assert "dermsim_version" in json.loads(ds.attrs["provenance"])


@pytest.mark.parametrize("content, field", [
    (MEMBRANE.replace('thickness = "15 um"', 'thickness = "-15 um"'), "skin.layers[0].thickness"),
    (MEMBRANE.replace('[receptor]', '[receptor]\ncolour = "red"'), "receptor.colour"),
    (MEMBRANE.replace('"24 h"', '"24 kg"'), "simulation.duration"),
    ("[compound]\nname = 'unobtainium'\n[formulation]\nconcentration = '1 %'\n", "compound"),
    ("[compound]\nname = 'caffeine'\n[skin]\nsite = 'elbow'\n[formulation]\nconcentration = '1 %'\n", "skin.site"),
    ("not toml [", "scenario file"),
])
def test_bad_scenario_exits_2_with_one_line_and_writes_nothing(tmp_path, content, field):
    scenario = tmp_path / "bad.toml"
    scenario.write_text(content)
    out = tmp_path / "out"
    proc = dermsim("run", scenario, "--out", out)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in proc.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]  # no temporary leftovers


def test_missing_scenario_file_exits_2(tmp_path):
    proc = dermsim("run", tmp_path / "nope.toml", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "scenario file" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_permeate_without_a_file(tmp_path):
    out = tmp_path / "p"
    proc = dermsim("permeate", "--compound", "caffeine", "--site", "heat-separated-epidermis",
                   "--concentration", "1 mg/mL", "--duration", "24 h", "--out", out, "--no-plots")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kp_cm_per_h"] > 0 and summary["lag_time_h"] > 0


def test_permeate_bad_concentration_exits_2(tmp_path):
    proc = dermsim("permeate", "--compound", "caffeine", "--concentration", "1 kg", "--out", tmp_path / "p")
    assert proc.returncode == 2 and proc.stderr.startswith("error: --concentration (formulation.concentration)")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_compounds_and_sites(tmp_path):
    listing = dermsim("compounds", "list")
    assert listing.returncode == 0 and "caffeine" in listing.stdout
    show = dermsim("compounds", "show", "caffeine")
    assert show.returncode == 0 and json.loads(show.stdout)["molecular_weight"] == pytest.approx(194.19, abs=0.05)
    unknown = dermsim("compounds", "show", "cafeine")
    assert unknown.returncode == 2 and "did you mean" in unknown.stderr
    sites = dermsim("sites", "list")
    assert sites.returncode == 0 and all(s in sites.stdout for s in ("face", "forearm", "palm", "dermatomed"))


def test_permeate_with_a_vehicle_and_wash_off_and_the_vehicle_list(tmp_path):
    out = tmp_path / "out"
    proc = dermsim("permeate", "--compound", "testosterone", "--site", "dermatomed", "--concentration", "1 mg/mL",
                   "--dose", "10 uL/cm^2", "--vehicle", "ethanol=0.7,water=0.3", "--wash-time", "6 h",
                   "--out", out, "--no-plots")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["vehicle"]["description"] == "70 % ethanol + 30 % water"
    assert summary["fraction_of_dose"]["washed"] > 0 and "OECD TG 428" in proc.stdout
    bad = dermsim("permeate", "--compound", "testosterone", "--concentration", "1 mg/mL", "--vehicle",
                  "ethanol=lots", "--out", tmp_path / "bad")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --vehicle") and not (tmp_path / "bad").exists()
    listing = dermsim("vehicles", "list")
    assert listing.returncode == 0 and "propylene-glycol" in listing.stdout and "isopropyl-myristate" in listing.stdout


@pytest.mark.parametrize("args,start", [
    (["microneedle", "plan", "--device", "pen-12", "--site", "face", "--area", "10 cm^2", "--depth", "1 mm",
      "--passes", "0"], "error: --passes (microneedle.passes): got '0'"),
    (["microneedle", "plan", "--device", "pen-12", "--site", "face", "--area", "10 cm^2", "--depth", "1 mm",
      "--age", "300"], "error: --age: got '300'"),
    (["permeate", "--compound", "caffeine", "--concentration", "1 %", "--duration", "-1 h"],
     "error: --duration (simulation.duration): got '-1 h'")])
def test_messages_name_the_option_the_user_typed(args, start):
    proc = dermsim(*args)
    assert proc.returncode == 2 and proc.stderr.startswith(start), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
