"""Lists print names whole and take --json; --version; progress bars on a terminal only (#11 item 5)."""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import dermsim

REPO = Path(__file__).parents[2]
LISTS = [("compounds", "list"), ("sites", "list"), ("vehicles", "list"), ("devices", "list"),
         ("epidermis", "presets")]


def _names(command):
    proc = dermsim(*command, "--json")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert records and all(isinstance(r["name"], str) for r in records)
    return [r["name"] for r in records]


@pytest.mark.parametrize("command", LISTS, ids=" ".join)
def test_a_list_prints_every_name_whole_on_one_line(command):
    names = _names(command)
    for env in ({}, {"COLUMNS": "60"}):
        proc = subprocess.run([sys.executable, "-m", "dermsim.cli", *command], capture_output=True, text=True,
                              env=dict(os.environ, **env), timeout=120)
        assert proc.returncode == 0, proc.stderr
        first_cells = {line.split("│")[1].strip() for line in proc.stdout.splitlines() if line.startswith("│")}
        assert set(names) <= first_cells, sorted(set(names) - first_cells)
        assert "…" not in proc.stdout


def test_the_json_lists_carry_units_in_their_keys():
    sites = {r["name"]: r for r in json.loads(dermsim("sites", "list", "--json").stdout)}
    assert sites["face"]["stratum_corneum_um"] > 5 and sites["heat-separated-epidermis"]["dermis_um"] is None
    compounds = {r["name"]: r for r in json.loads(dermsim("compounds", "list", "--json").stdout)}
    assert compounds["caffeine"]["molecular_weight_g_per_mol"] == pytest.approx(194.19, abs=0.05)
    presets = {r["name"]: r for r in json.loads(dermsim("epidermis", "presets", "--json").stdout)}
    assert presets["clayton2007-mouse-tail"]["division_rate"] == {
        "value": 1.1, "unit": "1/week", "source": presets["clayton2007-mouse-tail"]["division_rate"]["source"]}


def test_version():
    from dermsim import __version__

    proc = dermsim("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"dermsim {__version__}"


CLONES = ["epidermis", "clones", "--preset", "clayton2007-mouse-tail", "--clones", "400000", "--duration",
          "52 week", "--seed", "1", "--no-plots"]


def _on_a_terminal(args, timeout=120) -> tuple[int, str]:
    """Run dermsim with stdout and stderr on a pseudo-terminal; (exit code, everything it printed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dermsim.cli", *map(str, args)], stdin=slave, stdout=slave,
                            stderr=slave, env=dict(os.environ, MPLBACKEND="Agg", COLUMNS="100"))
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:                                      # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=timeout), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_a_long_run_shows_a_progress_bar_on_a_terminal_and_none_when_piped(tmp_path):
    code, printed = _on_a_terminal([*CLONES, "--out", tmp_path / "tty"])
    assert code == 0, printed
    assert "━" in printed and "clones" in printed                  # the bar: label, bar, elapsed time
    piped = dermsim(*CLONES, "--out", tmp_path / "piped")
    assert piped.returncode == 0, piped.stderr
    assert "━" not in piped.stdout + piped.stderr and "\x1b[" not in piped.stdout + piped.stderr


@pytest.mark.slow
def test_writing_the_output_set_shows_progress_on_a_terminal(tmp_path):
    """#11: a tissue run's plots take seconds; the writing step has its own progress line on a terminal."""
    scenario = tmp_path / "t.toml"
    scenario.write_text('[tissue]\npreset = "human-interfollicular"\nlattice_size = 32\nduration = "20 d"\n'
                        'seed = 1\n')
    code, printed = _on_a_terminal(["run", scenario, "--out", tmp_path / "tty"])
    assert code == 0, printed
    assert "writing" in printed
