"""Every example scenario runs end to end in a subprocess (plots included) within a timeout."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.toml"))


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(scenario, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(scenario), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["mass_balance_relative_error"] < 1e-8
    assert len(list(tmp_path.glob("*.png"))) == 3


def test_there_are_the_examples_the_issue_asks_for():
    names = {p.stem for p in EXAMPLES}
    assert {"caffeine_franz_dermatomed", "retinol_cream_face", "salicylic_acid_ph35", "salicylic_acid_ph55",
            "hydrocortisone_occluded", "hydrocortisone_open", "niacinamide_serum_face"} <= names
