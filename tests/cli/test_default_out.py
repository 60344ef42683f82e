"""Default output folders are named for the command and what it ran (issue #11 item 1): two commands run
without --out never write into the same folder."""

import subprocess
import sys
from pathlib import Path

from dermsim.cli.common import default_out

REPO = Path(__file__).resolve().parents[2]


def test_default_folder_names():
    assert default_out("run", "niacinamide_serum_face") == Path("dermsim-out/run-niacinamide_serum_face")
    assert default_out("permeate", "caffeine", "face") == Path("dermsim-out/permeate-caffeine-face")
    assert default_out("clones", "clayton2007-mouse-tail") == Path("dermsim-out/clones-clayton2007_mouse_tail")
    assert default_out("permeate", "../../etc", "x y") == Path("dermsim-out/permeate-etc-x_y")   # no path escapes


def test_two_commands_without_out_write_two_folders(tmp_path):
    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "dermsim.cli", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr

    cli("run", str(REPO / "examples" / "synthetic_membrane.toml"), "--no-plots")
    cli("permeate", "--compound", "caffeine", "--site", "heat-separated-epidermis", "--concentration", "1 %",
        "--duration", "2 h", "--no-plots")
    folders = sorted(p.name for p in (tmp_path / "dermsim-out").iterdir())
    assert folders == ["permeate-caffeine-heat_separated_epidermis", "run-synthetic_membrane"]
    for name in folders:
        assert (tmp_path / "dermsim-out" / name / "summary.json").exists()
