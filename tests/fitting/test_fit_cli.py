"""`dermsim fit` on the command line: bad data give one line and exit 2 with nothing written; a good table
writes the whole output set."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dermsim.transport.analytic import crank_infinite_dose_amount

ROOT = Path(__file__).parents[2]

GOOD = [(1, t, q) for t, q in ((1, 0.001), (2, 0.05), (3, 0.22), (4, 0.53), (6, 1.38), (8, 2.43), (12, 4.73),
                               (24, 11.9))]


def write(path, rows, header="cell,time_h,cumulative_ug_per_cm2"):
    path.write_text(header + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dermsim.cli", "fit", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("rows, header, field", [
    ([(1, 1, 0.5), (1, 2, 0.4), (1, 3, 0.9), (1, 4, 1.2), (1, 5, 1.5)], None, "cannot decrease"),
    ([(1, 1, 0.1), (1, 2, 0.4), (1, 3, 0.9)], None, "at least 4 points"),
    ([(1, 1, "nan"), (1, 2, 0.4), (1, 3, 0.9), (1, 4, 1.2)], None, "a finite number"),
    ([(1, -1, 0.0), (1, 2, 0.4), (1, 3, 0.9), (1, 4, 1.2)], None, "a time ≥ 0"),
    ([(1, 1, 0.1), (1, 2, 0.4), (1, 3, 0.9), (1, 4, 1.2)], "cell,time_h,flux", "no amount column"),
    ([(1, 1, 0.1), (1, 2, 0.4), (1, 3, 0.9), (1, 4, 1.2)], "cell,time_h,cumulative_ug", "amount unit"),
    ([(1, 1, 0.1), (1, 2, 0.4), (1, 3, 0.9), (1, 4, 1.2)], "cell,time_parsec,cumulative_ug_per_cm2", "time unit"),
    ([(1, 1, 0.1, 0.0), (1, 2, 0.4, 0.1), (1, 3, 0.9, 0.1), (1, 4, 1.2, 0.1)],
     "cell,time_h,cumulative_ug_per_cm2,sd", "an SD > 0"),
])
def test_bad_data_one_line_exit_2_nothing_written(tmp_path, rows, header, field):
    data = write(tmp_path / "d.csv", rows, header or "cell,time_h,cumulative_ug_per_cm2")
    proc = run(data, "--concentration", "1 mg/mL", "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], proc.stderr
    assert not (tmp_path / "out").exists()


def test_lag_kp_on_a_layer_stack_is_refused(tmp_path):
    data = write(tmp_path / "d.csv", GOOD)
    proc = run(data, "--scenario", ROOT / "examples" / "peer_case_b_three_layer.toml", "--fit", "lag,kp",
               "--out", tmp_path / "out")
    assert proc.returncode == 2 and "single-layer membrane" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_good_table_writes_the_output_set(tmp_path):
    t = np.array([1, 2, 3, 4, 6, 8, 10, 12, 24.0])
    q = crank_infinite_dose_amount(t, 15e-4, 9e-8, 10.0, 1000.0) * np.array([1.02, 0.97, 1.01, 0.99, 1.0, 1.01,
                                                                             0.99, 1.0, 1.0])
    rows = [("A", ti * 60, round(qi * 1000, 3)) for ti, qi in zip(t, np.maximum.accumulate(q))]
    data = write(tmp_path / "d.csv", rows, "cell,time_min,cumulative_ng_per_cm2")
    proc = run(data, "--concentration", "1 mg/mL", "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"estimates.csv", "summary.json", "fit.png", "residuals.png", "profiles.png"} <= names
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    lag = next(p for p in summary["parameters"] if p["parameter"] == "lag")
    assert lag["unit"] == "h" and lag["ci95_lower"] < lag["estimate"] < lag["ci95_upper"]
    assert abs(lag["estimate"] - 15e-4 ** 2 / (6 * 9e-8)) < 3 * lag["se"]
    assert "lag–kp" in proc.stdout                                   # the correlation is printed
