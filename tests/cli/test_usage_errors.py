"""Usage errors (a missing or unknown option) are one line and exit 2 like every other bad input (issue #11/#18)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args,fragment", [
    (["microneedle", "plan", "--device", "roller-192-0.5mm", "--site", "face"], "Missing option '--area'"),
    (["permeate", "--compund", "caffeine"], "No such option: --compund"),
    (["no-such-command"], "No such command"),
])
def test_a_usage_error_is_one_line_and_exit_2(args, fragment):
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and fragment in proc.stderr and "--help" in proc.stderr
    assert proc.stderr.startswith("error: dermsim")


def test_no_arguments_prints_the_help():
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Usage" in proc.stdout


def test_a_site_named_by_a_part_of_it_points_to_the_site():
    """#11: `cheek` got no suggestion; the face site's description names the cheek."""
    from dermsim.anatomy import skin_for_site
    from dermsim.errors import InputError

    with pytest.raises(InputError) as err:
        skin_for_site("cheek")
    assert "'cheek' is part of 'face'" in str(err.value)
