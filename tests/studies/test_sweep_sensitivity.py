"""Sweeps (grid, Latin hypercube) and Sobol/Morris sensitivity: each point is the scenario with that change, the
indices find what matters, and bad designs are one line."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dermsim import load_scenario, simulate
from dermsim.errors import InputError
from dermsim.scenario.edit import replace
from dermsim.studies.design import grid, latin_hypercube, parse_vary
from dermsim.studies.sensitivity import run_sensitivity
from dermsim.studies.sweep import run_sweep

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "population_caffeine_forearm.toml"


@pytest.fixture(scope="module")
def scenario():
    s = load_scenario(EXAMPLE)
    return s.model_copy(update={"population": None})


def test_vary_specifications():
    f = parse_vary("formulation.concentration=1%..10%:4")
    assert f.values == ("1 %", "4 %", "7 %", "10 %")
    assert parse_vary("stratum_corneum.thickness=10..1000 um:3:log").values == ("10 um", "100 um", "1000 um")
    assert parse_vary("skin.site=forearm, face").values == ("forearm", "face")
    r = parse_vary("dermis.clearance=0.1..1 1/h")
    assert (r.values, r.low, r.high, r.unit) == (None, 0.1, 1.0, "1/h")
    assert len(grid([f, parse_vary("skin.site=forearm,face")])) == 8
    lhs = latin_hypercube([r, parse_vary("stratum_corneum.thickness=10..20 um")], 50, 3)
    x = np.array([float(p["dermis.clearance"].split()[0]) for p in lhs])
    assert len(lhs) == 50 and np.all((x >= 0.1) & (x <= 1.0))
    assert np.histogram(x, bins=5, range=(0.1, 1.0))[0].tolist() == [10] * 5     # one per stratum: a hypercube


@pytest.mark.parametrize("spec", ["formulation.concentration", "x=1..", "x=2..1:3", "x=1..2:1", "x=1%..2um:3",
                                  "x=0..1:3:log", "x=1..2:a"])
def test_bad_vary_is_one_line(spec):
    with pytest.raises(InputError, match=r"^--vary: "):
        parse_vary(spec)


def test_each_sweep_point_is_the_scenario_with_that_change(scenario):
    r = run_sweep(scenario, ["formulation.concentration=1%..5%:2", "skin.site=forearm,face"], engine="serial",
                  resolution=1.0)
    assert r.summary["points"] == 4 and r.summary["table_complete"]
    for row in r.summary["table"]:
        one = simulate(replace(scenario, {"formulation.concentration": row["formulation.concentration"],
                                          "skin.site": row["skin.site"]})).summary
        assert row["systemic_ug_per_cm2"] == pytest.approx(one["cumulative_permeated_ug_per_cm2"], rel=1e-12)
        assert row["basal_cmax_ug_per_cm3"] == pytest.approx(one["basal_layer"]["cmax_ug_per_cm3"], rel=1e-12)


def test_a_sweep_of_a_model_field_is_monotone(scenario):
    r = run_sweep(scenario, ["stratum_corneum.thickness=10..40 um:4"], engine="serial")
    y = r.values("systemic_ug_per_cm2")
    assert np.all(np.diff(y) < 0)


def test_a_bad_point_names_itself(scenario):
    with pytest.raises(InputError, match=r"point 2 \(skin.site=elbw\)"):
        run_sweep(scenario, ["skin.site=forearm,elbw"], engine="serial")


def test_sobol_finds_the_parameter_that_matters_and_not_the_one_that_does_not(scenario):
    """The basal-layer threshold changes no figure (a rebuilt scenario field); the stratum corneum diffusivity
    does most of the work in vitro."""
    franz = replace(scenario, {"skin.site": "heat-separated-epidermis"})
    r = run_sensitivity(franz, ["stratum_corneum.diffusivity=1e-10..1e-8 cm^2/s:log",
                                "viable_epidermis.thickness=40..80 um", "simulation.basal_threshold=0.1..1 ug/mL"],
                        samples=64, engine="serial")
    t = r.summary["indices"]["systemic_ug_per_cm2"]
    assert t["stratum_corneum.diffusivity"]["total"] > 0.8
    assert t["simulation.basal_threshold"]["total"] == 0.0 and t["simulation.basal_threshold"]["first"] == 0.0
    assert sum(v["first"] for v in t.values()) <= 1.0 + 0.15
    with pytest.raises(InputError, match=r"^dermis\.clearance: this skin has no dermis layer; allowed: a layer"):
        run_sensitivity(franz, ["dermis.clearance=0.1..1 1/h", "viable_epidermis.thickness=40..80 um"],
                        samples=16, engine="serial")


def test_default_sensitivity_is_over_the_population_variability(scenario):
    r = run_sensitivity(scenario, method="morris", samples=20, engine="serial")
    paths = [p["path"] for p in r.summary["parameters"]]
    assert paths == ["stratum_corneum.thickness", "viable_epidermis.thickness", "dermis.thickness",
                     "stratum_corneum.diffusivity", "dermis.clearance"]
    assert r.summary["runs"] == 20 * 6


@pytest.mark.parametrize("kwargs, field", [({"samples": 100}, "--samples"), ({"method": "fast"}, "--method")])
def test_bad_sensitivity_designs_are_one_line(scenario, kwargs, field):
    with pytest.raises(InputError, match=f"^{field}: "):
        run_sensitivity(scenario, ["dermis.clearance=0.1..1 1/h", "dermis.thickness=1..2 mm"], engine="serial",
                        **kwargs)


def test_cli_sweep_and_sensitivity_write_their_output_sets(tmp_path):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "dermsim.cli", *args], capture_output=True, text=True,
                              timeout=300)

    proc = cli("sweep", str(EXAMPLE), "--vary", "formulation.concentration=1%..10%:3", "--engine", "serial",
               "--out", str(tmp_path / "sweep"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "sweep" / "summary.json").read_text())["points"] == 3
    assert (tmp_path / "sweep" / "table.csv").read_text().count("\n") == 4
    proc = cli("sensitivity", str(EXAMPLE), "--samples", "64", "--engine", "serial", "--out", str(tmp_path / "sens"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "sens" / "indices.csv").exists() and (tmp_path / "sens" / "sensitivity.png").exists()
    proc = cli("sweep", str(EXAMPLE), "--vary", "stratum_corneum.thickness=10..", "--out", str(tmp_path / "bad"))
    assert proc.returncode == 2 and proc.stderr.startswith("error: --vary:") and not (tmp_path / "bad").exists()


def test_the_many_skins_example_runs(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "many_skins.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "basal-layer peak: median" in proc.stdout and "depends most on" in proc.stdout
    for name in ("population", "sweep", "sensitivity"):
        assert (tmp_path / name / "summary.json").exists()
