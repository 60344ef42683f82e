"""validation/microneedle_literature.py builds its markdown section and plot (slow: imports matplotlib)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "validation" / "microneedle_literature.py"


@pytest.mark.slow
def test_section_builds_table_and_plot(tmp_path):
    spec = importlib.util.spec_from_file_location("microneedle_literature", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = module.section(tmp_path / "validation")
    assert lines[0] == "## Microneedles: devices, insertion, resealing, risk vs literature"
    table = [line for line in lines if line.startswith("| ") and not line.startswith("| quantity")]
    assert len(table) >= 25
    assert sum("| independent" in line for line in table) >= 5  # real checks, not only calibrations
    assert (tmp_path / "validation" / "microneedle_resealing.png").stat().st_size > 10_000
    assert any("(validation/microneedle_resealing.png)" in line for line in lines)
