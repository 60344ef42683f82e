"""Output sets (issue #18 item 3, issue #11): published whole, never mixed with an older set or a user's files,
--out checked before anything is computed, leftovers of a killed run cleaned by the next."""

from pathlib import Path

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
