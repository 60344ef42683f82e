"""Virtual populations: percentiles from cited variability; the same numbers in process and on a Dask cluster
(two workers on 127.0.0.1), a killed worker's batch computed again, bad input in one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dermsim import load_scenario
from dermsim.errors import InputError
from dermsim.studies import execution
from dermsim.studies.population import run_population

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "population_caffeine_forearm.toml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(EXAMPLE)


def test_percentiles_are_those_of_the_subjects_and_the_reference_subject_sits_inside(scenario):
    r = run_population(scenario, subjects=3000, engine="serial")
    s = r.summary
    cmax = r.values("basal_cmax_ug_per_cm3")
    assert cmax.size == 3000
    p = s["figures"]["basal_cmax_ug_per_cm3"]
    assert [p["p5"], p["p50"], p["p95"]] == pytest.approx(np.percentile(cmax, [5, 50, 95]), rel=1e-14)
    check = s["resolution_check"]
    ref = check["figures"]["basal_cmax_ug_per_cm3"]["batch_mesh"]
    assert p["p5"] < ref < p["p95"]
    # the cheapest mesh within 2 % of the scenario's: 29 cells, one stacked eigen-decomposition per chunk
    assert (check["resolution"], check["grading"], check["nodes"], check["tolerance"]) == (0.35, 1.5, 29, 0.02)
    assert check["worst_relative_difference"] == max(v["relative_difference"] for k, v in check["figures"].items()
                                                      if k != "basal_tmax_h")
    assert check["worst_relative_difference"] <= 0.02
    dose = s["systemic_dose_ug"]
    assert dose["p50"] == pytest.approx(100 * s["figures"]["systemic_ug_per_cm2"]["p50"], rel=1e-12)
    # thicker stratum corneum, less reaches the blood: a strong negative rank correlation
    sc = r.values("stratum_corneum_thickness")
    rank = np.corrcoef(np.argsort(np.argsort(sc)), np.argsort(np.argsort(r.values("systemic_ug_per_cm2"))))[0, 1]
    assert rank < -0.3


def test_a_hydration_mix_draws_its_fractions_and_keeps_the_other_draws(scenario):
    plain = run_population(scenario, subjects=3000, engine="serial")
    mixed_spec = scenario.population.model_copy(update={"hydration": {"normal": 0.7, "dry": 0.3}})
    mixed = run_population(scenario.model_copy(update={"population": mixed_spec}), subjects=3000, engine="serial")
    h = mixed.values("hydration")
    assert abs(np.mean(h == "dry") - 0.3) < 0.03                 # binomial SD 0.008
    normal = h == "normal"          # the same factors; a dry stratum corneum has its own preset thickness and D
    assert np.array_equal(plain.values("stratum_corneum_thickness")[normal],
                          mixed.values("stratum_corneum_thickness")[normal])
    # (equal to round-off: a skin's last bits depend on which skins share its batch)
    assert mixed.values("systemic_ug_per_cm2")[normal] == pytest.approx(plain.values("systemic_ug_per_cm2")[normal],
                                                                       rel=1e-12)
    assert not np.array_equal(plain.values("systemic_ug_per_cm2")[~normal], mixed.values("systemic_ug_per_cm2")[~normal])
    assert mixed.summary["variability"]["hydration"] == {"normal": 0.7, "dry": 0.3}
    with pytest.raises(InputError, match=r"^population\.hydration: .*add up to 1"):
        run_population(scenario.model_copy(update={"population.hydration": {"normal": 0.7, "dry": 0.2}}))


def test_no_spread_gives_every_subject_the_reference(scenario):
    still = {k: 0.0 for k in ("stratum_corneum_thickness_cv", "viable_epidermis_thickness_cv", "dermis_thickness_cv",
                              "permeability_cv", "dermal_clearance_cv")}
    sc = scenario.model_copy(update={"population": scenario.population.model_copy(update={"variability": still})})
    r = run_population(sc, subjects=50, engine="serial")
    ref = r.summary["resolution_check"]["figures"]["systemic_ug_per_cm2"]["batch_mesh"]
    assert np.all(r.values("systemic_ug_per_cm2") == ref)


def test_a_mesh_too_coarse_for_the_tolerance_is_not_taken():
    """A thin finite dose needs a finer mesh than an infinite one: the coarse meshes miss by 16-65 %."""
    from dermsim.scenario import scenario_from_dict
    from dermsim.studies.skin_batch import choose_mesh

    finite = scenario_from_dict({"compound": {"name": "hydrocortisone"}, "skin": {"site": "forearm"},
                                 "formulation": {"concentration": "1 %", "dose": "10 uL/cm^2",
                                                 "vehicle_physics": False}})
    tpl, check = choose_mesh(finite)
    assert check["worst_relative_difference"] <= 0.02 and tpl.resolution >= 0.75
    tpl, check = choose_mesh(finite, resolution=0.35)          # given: taken, and the check says how far off
    assert check["tolerance"] is None and check["worst_relative_difference"] > 0.1


@pytest.mark.slow
def test_dask_two_workers_give_bit_identical_subjects(scenario):
    n = 2 * execution.BATCH_SKINS + 7
    serial = run_population(scenario, subjects=n, engine="serial")
    dask = run_population(scenario, subjects=n, engine="dask", workers=2)
    assert dask.summary["engine"] == "dask" and serial.summary["engine"] == "serial"
    for name in serial._content.data_vars:
        assert np.array_equal(serial.values(name), dask.values(name)), name
    assert serial.summary["figures"] == dask.summary["figures"]


def _flaky(payload):
    """Kills its own worker process the first time it meets the marker's batch (a crashed machine)."""
    marker, value = payload
    if value == 1 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return value * 10


@pytest.mark.slow
def test_a_killed_workers_batch_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    from test_population import _flaky as flaky     # importable by the workers, by module name

    marker = str(tmp_path / "killed")
    out = execution.run(flaky, [(marker, v) for v in range(4)], engine="dask", workers=2)
    assert out == [0, 10, 20, 30] and os.path.exists(marker)


def test_an_unreachable_scheduler_is_one_line(monkeypatch):
    monkeypatch.setattr(execution, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(InputError, match=r"^scheduler: cannot connect"):
        execution.run(abs, [1, 2], engine="dask", scheduler="tcp://127.0.0.1:9")


@pytest.mark.parametrize("args, field", [(["--subjects", "0"], "population.subjects"),
                                         (["--engine", "spark"], "engine"),
                                         (["--resolution", "0.01"], "population.resolution")])
def test_cli_bad_input_is_one_line_exit_2_nothing_written(tmp_path, args, field):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "population", str(EXAMPLE), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().startswith(f"error: {field}:") and len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_cli_writes_the_output_set(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "population", str(EXAMPLE), "--subjects", "400",
                           "--engine", "serial", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["population_bands.png", "population_distributions.png", "report.md", "result.nc",
                     "summary.json", "table.csv"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "population" and summary["subjects"] == 400
    rows = (out / "table.csv").read_text().splitlines()
    assert len(rows) == 401 and "basal_cmax_ug_per_cm3 [ug/cm^3]" in rows[0]
