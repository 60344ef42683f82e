"""docs/walkthrough.md runs as written (issue #11): every `$ ` command of its console blocks, from an empty folder
with the repository's examples beside it, exits as stated (0 unless `# exit: N`) and prints the `# expect:` text."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WALKTHROUGH = REPO / "docs" / "walkthrough.md"


def _steps():
    """(command, expected exit, [expected texts]) for every `$ ` line of the console blocks."""
    steps, current = [], None
    for block in re.findall(r"```console\n(.*?)```", WALKTHROUGH.read_text(encoding="utf-8"), flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                current = [line[2:], 0, []]
                steps.append(current)
            elif line.startswith("# exit:"):
                current[1] = int(line.split(":", 1)[1])
            elif line.startswith("# expect:"):
                current[2].append(line.split(":", 1)[1].strip())
    return steps


def test_the_walkthrough_has_steps():
    assert len(_steps()) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("command,code,expected", _steps(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_walkthrough_step_runs_as_written(tmp_path, command, code, expected):
    (tmp_path / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    words = shlex.split(command)
    if words[0] == "dermsim":
        argv = [sys.executable, "-m", "dermsim.cli", *words[1:]]
    elif words[0] == "python":
        argv = [sys.executable, *words[1:]]
    else:
        pytest.fail(f"unknown program in the walkthrough: {words[0]}")
    env = os.environ | {"COLUMNS": "200"}
    proc = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == code, proc.stdout + proc.stderr
    for text in expected:
        assert text in proc.stdout + proc.stderr, (text, proc.stdout[-2000:], proc.stderr[-2000:])
