"""Fault injection (issue #18 item 6): `dermsim run` killed with SIGTERM or SIGKILL while simulating, plotting and
writing leaves the previous complete output set (or the new complete one), no process of the run, and no
temporary after the next run. The run stops at each point through the test-only checkpoint
``DERMSIM_TEST_PAUSE_AT`` of `dermsim.cli.common.pause_for_tests`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import MEMBRANE

SECOND = MEMBRANE.replace('concentration = "1 mg/mL"', 'concentration = "2 mg/mL"')


def _run(scenario: Path, out: Path, pause: str | None = None) -> subprocess.Popen:
    env = dict(os.environ, MPLBACKEND="Agg")
    if pause:
        env.update(DERMSIM_TEST_PAUSE_AT=pause, DERMSIM_TEST_PAUSE_SECONDS="60")
    return subprocess.Popen([sys.executable, "-m", "dermsim.cli", "run", str(scenario), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _alive(out: Path) -> list[str]:
    return subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True).stdout.split()


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("point", ["simulating", "plotting", "writing"])
def test_a_run_killed_anywhere_leaves_the_previous_set_and_nothing_else(tmp_path, point, sig):
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text(MEMBRANE)
    second.write_text(SECOND)
    out = tmp_path / "out"
    assert _run(first, out).wait(timeout=120) == 0
    before = _contents(out)
    assert {"result.nc", "summary.json", "report.md", ".dermsim-output"} <= set(before)

    proc = _run(second, out, pause=point)
    line = proc.stderr.readline()                       # the run is now held at the point
    assert line.strip() == f"paused at {point}", line + proc.stderr.read()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGTERM:
        assert proc.returncode == 130 and err.strip() == "interrupted: nothing was written", err
    else:
        assert proc.returncode == -signal.SIGKILL
    for _ in range(100):                                # the plot worker dies with its parent
        if not _alive(out):
            break
        time.sleep(0.1)
    assert _alive(out) == []
    assert _contents(out) == before                     # the previous complete set, byte for byte

    assert _run(second, out).wait(timeout=120) == 0    # the next run publishes the new set and cleans up
    after = _contents(out)
    assert after["summary.json"] != before["summary.json"] and set(after) == set(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.toml", "out", "second.toml"]
