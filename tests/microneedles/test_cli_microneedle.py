"""`dermsim devices` and `dermsim microneedle plan`: output, JSON, one-line errors with exit code 2."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dermsim.cli import app

PLAN = ["microneedle", "plan", "--device", "roller-192-0.5mm", "--site", "face", "--passes", "15",
        "--area", "300 cm^2"]


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_devices_list_and_show():
    listed = invoke("devices", "list")
    assert listed.exit_code == 0
    for name in ("roller-192-0.2mm", "dermapen-11", "hollow-silicon-100"):
        assert name in listed.stdout
    shown = invoke("devices", "show", "roller-192-1.5mm")
    assert shown.exit_code == 0 and "Schwarz" in shown.stdout
    record = json.loads(invoke("devices", "show", "dermapen-11", "--json").stdout)
    assert record["needle_count"]["value"] == 11 and "source" in record["needle_count"]


def test_plan_table_and_json():
    table = invoke(*PLAN)
    assert table.exit_code == 0, table.stderr
    assert "papillary dermis" in table.stdout and "68," in table.stdout  # ~68,600 distinct channels
    result = invoke(*PLAN, "--json", "--age", "70", "--occluded", "--sterilisation", "alcohol-wipe", "--reuse", "1")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["occluded"] is True and summary["age_years"] == 70 and summary["reuse_count"] == 1
    assert summary["closure_half_life_h"] > 10
    assert any("reused 1 time(s)" in f for f in summary["home_use_flags"])


def test_pen_plan_with_depth():
    result = invoke("microneedle", "plan", "--device", "dermapen-11", "--site", "forearm", "--area", "20 cm^2",
                    "--depth", "1.5 mm", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["effective_depth_um"] == pytest.approx(750)
    assert summary["bleeding_expected"] is True


@pytest.mark.parametrize("change, word", [
    (["--device", "roller-192-0.5"], "did you mean 'roller-192-0.5mm'"),
    (["--site", "fase"], "did you mean 'face'"),
    (["--passes", "0"], "passes"),
    (["--passes", "two"], "passes"),
    (["--area", "-300 cm^2"], "treated_area"),
    (["--area", "300 cm"], "treated_area"),
    (["--area", "300 kg"], "treated_area"),
    (["--device", "gantrez-600um-donnelly2011", "--site", "dermatomed"], "shorter than the skin"),
    (["--device", "dermapen-11"], "depth"),
    (["--depth", "1 mm"], "only pens"),
    (["--sterilisation", "boiling"], "sterilisation"),
    (["--reuse", "-1"], "reuse"),
    (["--age", "200"], "age"),
    (["--application", "0.05 kg"], "application"),
])
def test_bad_input_is_one_line_and_exit_code_2(change, word):
    args = list(PLAN)
    for i in range(0, len(change), 2):
        if change[i] in args:
            args[args.index(change[i]) + 1] = change[i + 1]
        else:
            args += change[i:i + 2]
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and word in lines[0]


@pytest.mark.slow
def test_plan_in_a_subprocess():
    env = dict(os.environ, MPLBACKEND="Agg")
    ok = subprocess.run([sys.executable, "-m", "dermsim.cli", *PLAN, "--json"], capture_output=True, text=True,
                        env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["total_channels"] > 60_000
    bad = subprocess.run([sys.executable, "-m", "dermsim.cli", "devices", "show", "dermaroler"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
