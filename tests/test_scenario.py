"""Scenario parsing: units at the boundary, one-line errors naming field, value and what is allowed."""

import pytest

from dermsim.errors import InputError
from dermsim.scenario import load_scenario, scenario_from_dict

BASE = {"formulation": {"concentration": "1 mg/mL"}}


def with_(**tables):
    data = {k: dict(v) for k, v in BASE.items()}
    for k, v in tables.items():
        data.setdefault(k, {}).update(v)
    return data


def test_units_are_converted_to_internal():
    s = scenario_from_dict(with_(formulation={"concentration": "5 %", "dose": "2 mg/cm^2"},
                                 simulation={"duration": "90 min", "profile_times": ["30 min", "1 h"]}))
    assert (s.formulation.concentration.basis, s.formulation.concentration.value) == ("w/w", 0.05)
    assert (s.formulation.dose.basis, s.formulation.dose.value) == ("mass", pytest.approx(2e-3))   # g/cm2
    assert s.simulation.duration == pytest.approx(1.5)             # h
    assert s.simulation.profile_times == pytest.approx([0.5, 1.0])


@pytest.mark.parametrize("data, field, fragment", [
    (with_(skin={"sitee": "face"}), "skin.sitee", "did you mean 'site'"),
    (with_(formulation={"concentration": "5 m"}), "formulation.concentration", "'2 % v/v'"),
    (with_(simulation={"duration": "24"}), "simulation.duration", "units missing"),
    (with_(skin={"hydration": "wet"}), "skin.hydration", "'dry', 'normal' or 'hydrated'"),
    (with_(formulation={"dose": "-3 mg/cm^2"}), "formulation.dose", "> 0"),
    (with_(skin={"layers": [{"name": "m", "thickness": "-15 um", "diffusivity": "1e-9 cm^2/s",
                             "partition": 1}]}), "skin.layers[0].thickness", "from 1 nm to 1 m"),
    (with_(skin={"layers": [{"name": "m", "thickness": "15 um", "diffusivity": "1e-9 cm/s",
                             "partition": 1}]}), "skin.layers[0].diffusivity", "cm^2/h"),
    ({}, "formulation", "required"),
])
def test_bad_input_names_field_value_and_allowed(data, field, fragment):
    with pytest.raises(InputError) as info:
        scenario_from_dict(data)
    message = str(info.value)
    assert message.startswith(field + ":")
    assert fragment in message
    assert "\n" not in message


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(InputError, match="scenario file"):
        load_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[formulation\nconcentration = 1")
    with pytest.raises(InputError, match="valid TOML"):
        load_scenario(bad)


@pytest.mark.parametrize("table, key, value", [("formulation", "solute_vapour_pressure", "inf Pa"),
                                               ("simulation", "duration", "inf h"),
                                               ("formulation", "wash_time", "1e400 h")])
def test_non_finite_quantities_are_refused(table, key, value):
    data = with_(**{table: {key: value}})
    if table == "formulation":
        data["formulation"].update({"dose": "10 uL/cm^2"})
    with pytest.raises(InputError, match=f"{table}.{key}.*finite"):
        scenario_from_dict(data)
