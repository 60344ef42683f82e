"""The fitting examples run through the CLI as their README says: the public m-cresol data give the source's own
steady-state kp and D·K, and the synthetic data recover the D and K they were made with."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "fit"


def _fit(tmp_path, *args):
    """`dermsim fit ARGS --out tmp/out` as a user runs it; the rows of its summary.json by parameter."""
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "fit", *map(str, args), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    return summary, {r["parameter"]: r for r in summary["parameters"]}


@pytest.mark.slow
def test_public_example_agrees_with_the_source(tmp_path):
    # examples/fit/README.md: the source's 3-6 h line gives J = 1.13661e-4 mg/(cm² s), C = 20.04 mg/mL, L = 0.018 cm,
    # so kp = J/C = 5.672e-6 cm/s and D·K = J·L/C = 1.0215e-7 cm²/s; its intercept gives a lag of 1.49 h.
    _, rows = _fit(tmp_path, EXAMPLE / "mcresol_tpu_franz.csv", "--scenario", EXAMPLE / "mcresol_tpu_fit.toml")
    d, k = rows["membrane.diffusivity"], rows["membrane.partition"]
    assert d["unit"] == "cm^2/s"
    assert abs(d["estimate"] * k["estimate"] / 1.0215e-7 - 1) < 0.05
    assert d["ci95_lower"] < 0.018 ** 2 / (6 * 1.49 * 3600) < d["ci95_upper"]
    assert 1 < k["ci95_lower"] < k["estimate"] < k["ci95_upper"] < 100


@pytest.mark.slow
def test_public_example_lag_and_kp_without_a_scenario(tmp_path):
    _, rows = _fit(tmp_path, EXAMPLE / "mcresol_tpu_franz.csv", "--concentration", "20.04 mg/mL",
                   "--fit", "lag,kp", "--no-plots")
    lag, kp = rows["lag"], rows["kp"]
    assert lag["ci95_lower"] < 1.49 < lag["ci95_upper"]
    assert kp["ci95_lower"] < 5.672e-6 * 3600 < kp["ci95_upper"] and abs(kp["estimate"] / (5.672e-6 * 3600) - 1) < 0.05


@pytest.mark.slow
def test_synthetic_example_recovers_its_values(tmp_path):
    summary, rows = _fit(tmp_path, EXAMPLE / "synthetic_membrane_franz.csv",
                         "--scenario", EXAMPLE / "synthetic_membrane_fit.toml")
    d, k = rows["membrane.diffusivity"], rows["membrane.partition"]
    assert d["unit"] == "cm^2/s" and d["ci95_lower"] < 2.5e-11 * 1.3 and d["ci95_upper"] > 2.5e-11 / 1.3
    assert k["ci95_lower"] < 10 < k["ci95_upper"] * 1.3
    assert set(summary["random_effects"]) == {"membrane.diffusivity", "membrane.partition"}
    assert {"fit.png", "residuals.png", "profiles.png", "estimates.csv"} <= {p.name for p in (tmp_path / "out").iterdir()}
