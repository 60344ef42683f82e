"""Output sets (issue #18 item 3, issue #11): published whole, never mixed with an older set or a user's files,
--out checked before anything is computed, leftovers of a killed run cleaned by the next."""

import signal
from pathlib import Path

import pytest

from tests.cli.test_cli import MEMBRANE, dermsim


def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(MEMBRANE)
    return path


def test_a_new_run_replaces_the_previous_set_whole(tmp_path):
    out = tmp_path / "out"
    assert dermsim("run", scenario(tmp_path), "--out", out).returncode == 0
    assert (out / "depth_profiles.png").exists() and (out / ".dermsim-output").exists()
    again = dermsim("run", scenario(tmp_path), "--out", out, "--no-plots")
    assert again.returncode == 0, again.stderr
    assert not list(out.glob("*.png"))                     # no plot of the older set beside the new summary
    assert {p.name for p in out.iterdir()} == {".dermsim-output", "result.nc", "summary.json", "report.md"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_a_folder_with_the_users_own_files_is_not_touched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.json").write_text("my own notes")
    proc = dermsim("run", scenario(tmp_path), "--out", out)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "holds files dermsim did not write (summary.json)" in proc.stderr
    assert (out / "summary.json").read_text() == "my own notes" and len(list(out.iterdir())) == 1


def test_the_refusal_names_overwrite_and_overwrite_keeps_the_users_other_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    (out / "summary.json").write_text("old")
    refused = dermsim("run", scenario(tmp_path), "--out", out, "--no-plots")
    assert refused.returncode == 2 and "--overwrite" in refused.stderr
    done = dermsim("run", scenario(tmp_path), "--out", out, "--no-plots", "--overwrite")
    assert done.returncode == 0, done.stderr
    assert (out / "notes.txt").read_text() == "keep me"            # the user's other files stay
    assert (out / "summary.json").read_text() != "old"             # dermsim's file of that name is replaced
    assert not (out / ".dermsim-output").exists()                  # never to be replaced whole later
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mine.")]


def test_another_kind_of_runs_output_is_not_replaced_without_overwrite(tmp_path):
    out = tmp_path / "out"
    assert dermsim("run", scenario(tmp_path), "--out", out, "--no-plots").returncode == 0
    clones = dermsim("epidermis", "clones", "--preset", "clayton2007-mouse-tail", "--clones", "100",
                     "--duration", "4 week", "--out", out, "--no-plots")
    assert clones.returncode == 2 and "permeation run" in clones.stderr and "--overwrite" in clones.stderr
    assert (out / "result.nc").exists()
    forced = dermsim("epidermis", "clones", "--preset", "clayton2007-mouse-tail", "--clones", "100",
                     "--duration", "4 week", "--out", out, "--no-plots", "--overwrite")
    assert forced.returncode == 0, forced.stderr
    assert "kind: clones" in (out / ".dermsim-output").read_text()


def test_out_is_checked_before_anything_is_computed(tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    for bad, fragment in ((a_file, "a file of that name exists"), ("", "a folder name")):
        proc = dermsim("run", scenario(tmp_path), "--out", bad)
        assert proc.returncode == 2 and fragment in proc.stderr and "Traceback" not in proc.stderr
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    proc = dermsim("run", scenario(tmp_path), "--out", link)
    assert proc.returncode == 2 and "symbolic link" in proc.stderr
    assert a_file.read_text() == "x"


def test_the_staging_folder_of_a_killed_run_is_removed_by_the_next(tmp_path):
    stale = tmp_path / ".out.abc123"
    stale.mkdir()
    (stale / ".dermsim-staging").touch()
    (stale / "result.nc").write_bytes(b"half")
    unrelated = tmp_path / ".out.mine"                         # no staging marker: not ours, left alone
    unrelated.mkdir()
    assert dermsim("run", scenario(tmp_path), "--out", tmp_path / "out", "--no-plots").returncode == 0
    assert not stale.exists() and unrelated.exists()


LONG = """
[compound]
name = "caffeine"
[skin]
site = "forearm"
[formulation]
concentration = "1 mg/mL"
[microneedle]
device = "roller-192-0.5mm"
passes = 4
[simulation]
duration = "72 h"
resolution = 4
"""


def _alive(pattern: str) -> list[str]:
    import subprocess

    return subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_killed_run_leaves_no_output_and_no_process(tmp_path, sig):
    """SIGTERM is handled like Ctrl-C (one line, exit 130); after SIGKILL of the main process the plot worker
    dies with it; no output set or half of one is left, and the next run starts clean."""
    import os
    import subprocess
    import sys
    import time

    path = tmp_path / "long.toml"
    path.write_text(LONG)
    out = tmp_path / f"killed-{sig.name}"
    proc = subprocess.Popen([sys.executable, "-m", "dermsim.cli", "run", str(path), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, MPLBACKEND="Agg"))
    started = time.time()
    while len(_alive(str(out))) < 2 and time.time() < started + 30:     # wait for the plot worker to be forked
        time.sleep(0.2)
    time.sleep(max(1.0, started + 3.0 - time.time()))                   # well inside the simulation
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    if sig != signal.SIGKILL:
        assert proc.returncode == 130, err
        assert err.strip() == "interrupted: nothing was written"
    for _ in range(50):
        if not _alive(str(out)):
            break
        time.sleep(0.1)
    assert _alive(str(out)) == []
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("example", ["caffeine_oecd428_finite_dose.toml", "niacinamide_with_needles_face.toml",
                                     "epidermis/clones_mouse_tail.toml"])
def test_identical_inputs_give_byte_identical_output_sets(tmp_path, example):
    """Issue #18 item 4: no wall-clock time or other run-to-run value in any output file."""
    source = Path(__file__).parents[2] / "examples" / example
    for name in ("a", "b"):
        proc = dermsim("run", source, "--out", tmp_path / name, "--no-plots")
        assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
