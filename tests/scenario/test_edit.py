"""Scenarios for studies (#11 item 3): replace, validated model_copy, TOML with units that round-trips, the
public API, the sweep example."""

import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel, BeforeValidator

import dermsim
from dermsim import load_scenario, scenario_from_dict
from dermsim.errors import InputError
from dermsim.scenario.edit import field_units

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "examples").rglob("*.toml"))
BASE = ROOT / "examples" / "niacinamide_serum_face.toml"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_to_toml_round_trips_every_example(path, tmp_path):
    scenario = load_scenario(path)
    (tmp_path / "s.toml").write_text(scenario.to_toml(), "utf-8")
    assert load_scenario(tmp_path / "s.toml") == scenario


def test_the_toml_carries_units_not_kernel_numbers():
    text = load_scenario(ROOT / "examples" / "caffeine_franz_dermatomed.toml").replace(
        {"simulation.duration": "2 d"}).to_toml()
    assert 'duration = "48.0 h"' in text
    data = tomllib.loads(text)
    assert data["kind"] == "permeation"


def test_replace_gives_a_new_validated_scenario():
    base = load_scenario(BASE)
    changed = base.replace({"formulation.concentration": "2 %", "skin.site": "forearm"})
    assert str(changed.formulation.concentration) == "2 %" and changed.skin.site == "forearm"
    assert str(base.formulation.concentration) == "5 %"                      # the original is unchanged
    assert changed.replace({"formulation.concentration": "5 %", "skin.site": "face"}) == base
    assert base.replace({"simulation.duration": "2 d"}).simulation.duration == 48.0      # kernel unit h
    assert base.replace(title="x").title == "x"


def test_replace_refuses_like_a_scenario_file(tmp_path):
    base = load_scenario(BASE)
    bad = base.to_toml().replace('concentration = "5 %"', 'concentraton = "5 %"')
    (tmp_path / "bad.toml").write_text(bad)
    with pytest.raises(InputError) as from_file:
        load_scenario(tmp_path / "bad.toml")
    with pytest.raises(InputError) as from_replace:
        base.replace({"formulation.concentration": None, "formulation.concentraton": "5 %"})
    assert str(from_replace.value) == str(from_file.value)
    with pytest.raises(InputError, match="formulation.concentration"):
        base.replace({"formulation.concentration": "2 kg"})
    with pytest.raises(InputError, match="simulation.profile_times.9"):
        base.replace({"simulation.profile_times.9": "1 h"})


def test_model_copy_validates_instead_of_leaving_a_string():
    base = load_scenario(BASE)
    with pytest.raises(InputError, match="concentration"):
        base.formulation.model_copy(update={"concentration": "2 kg"})
    table = base.simulation.model_copy(update={"duration": "2 d"})
    assert table.duration == 48.0                                            # a number in h, not "2 d"
    copy = base.model_copy(update={"simulation": table})
    assert copy.simulation.duration == 48.0 and copy.formulation == base.formulation
    assert base.model_copy() == base


def test_every_quantity_field_knows_its_unit():
    """A float field parsed by a quantity validator must resolve to its kernel unit, or to_toml would write a
    bare number (which a file may not hold)."""
    from dermsim.scenario.edit import _unit

    seen = set()

    def walk(model):
        if model in seen:
            return
        seen.add(model)
        units = field_units(model)
        for name, field in model.model_fields.items():
            parsed = any(isinstance(m, BeforeValidator) for m in field.metadata) or "BeforeValidator" in repr(
                field.annotation)
            floats = "float" in repr(field.annotation)
            if parsed and floats and name not in ("application",):
                assert name in units, f"{model.__name__}.{name}"
            for arg in _models(field.annotation):
                walk(arg)
        assert all(_unit(model.model_fields[n].annotation, model.model_fields[n].metadata) for n in units)

    from dermsim.scenario import ClonesScenario, PermeationScenario, TissueScenario

    for model in (PermeationScenario, TissueScenario, ClonesScenario):
        walk(model)
    assert len(seen) > 10


def _models(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def test_dir_lists_the_public_api_only():
    names = dir(dermsim)
    assert {"load_scenario", "simulate", "Scenario", "Result", "scenario_from_dict", "load_result"} <= set(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert set(names) == set(dermsim.__all__)


def test_scenario_from_dict_reads_to_dict():
    base = load_scenario(BASE)
    assert scenario_from_dict(base.to_dict()) == base
    assert scenario_from_dict(base.to_dict(defaults=True)) == base


@pytest.mark.slow
def test_the_sweep_example_runs(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "api_sweep.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "10 %" in proc.stdout
    swept = load_scenario(tmp_path / "niacinamide_2pct.toml")
    assert swept == load_scenario(BASE).replace({"formulation.concentration": "2 %"})
