"""The fitting example runs through the CLI as its README says and recovers the D and K it was made with."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "fit"


@pytest.mark.slow
def test_example_fit_through_the_cli(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "fit", str(EXAMPLE / "synthetic_membrane_franz.csv"),
                           "--scenario", str(EXAMPLE / "synthetic_membrane_fit.toml"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    rows = {r["parameter"]: r for r in summary["parameters"]}
    d, k = rows["membrane.diffusivity"], rows["membrane.partition"]
    assert d["unit"] == "cm^2/s" and d["ci95_lower"] < 2.5e-11 * 1.3 and d["ci95_upper"] > 2.5e-11 / 1.3
    assert k["ci95_lower"] < 10 < k["ci95_upper"] * 1.3
    assert set(summary["random_effects"]) == {"membrane.diffusivity", "membrane.partition"}
    assert {"fit.png", "residuals.png", "profiles.png", "estimates.csv"} <= {p.name for p in (tmp_path / "out").iterdir()}
