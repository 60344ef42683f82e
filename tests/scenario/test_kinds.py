"""One Scenario for every kind: kind from the `kind` key or the tables, one simulate, one Result type."""

import pytest
from pydantic import TypeAdapter

import dermsim
from dermsim import scenario_from_dict, simulate
from dermsim.errors import InputError
from dermsim.results import Result

PERMEATION = {"compound": {"name": "caffeine"}, "skin": {"site": "heat-separated-epidermis"},
              "formulation": {"concentration": "1 mg/mL"}, "simulation": {"duration": "2 h"}}
TISSUE = {"tissue": {"lattice_size": 16, "duration": "2 d", "seed": 1}}
CLONES = {"clones": {"preset": "clayton2007-mouse-tail", "clones": 200, "duration": "4 week", "seed": 1}}


@pytest.mark.parametrize("data, kind", [(PERMEATION, "permeation"), (TISSUE, "tissue"), (CLONES, "clones"),
                                        ({"perturbation": [], **TISSUE}, "tissue")])
def test_the_kind_is_inferred_from_the_tables_and_simulate_returns_one_result_type(data, kind):
    scenario = scenario_from_dict(data)
    assert scenario.kind == kind
    assert scenario_from_dict({"kind": kind, **data}) == scenario
    result = simulate(scenario)
    assert isinstance(result, Result) and result.kind == kind == result.summary["kind"]
    for key in ("title", "dermsim_version", "answer", "notes"):
        assert key in result.summary


def test_the_union_validates_python_data_by_kind():
    adapter = TypeAdapter(dermsim.Scenario)
    assert isinstance(adapter.validate_python({"kind": "clones"}), dermsim.ClonesScenario)
    assert isinstance(adapter.validate_python({"kind": "tissue"}), dermsim.TissueScenario)
    assert isinstance(adapter.validate_python({"kind": "permeation", **PERMEATION}), dermsim.PermeationScenario)


def test_a_wrong_kind_names_the_choices():
    with pytest.raises(InputError, match="kind: .*did you mean 'clones'"):
        scenario_from_dict({"kind": "clone", **CLONES})


def test_an_empty_file_is_a_permeation_scenario_unless_told_otherwise():
    with pytest.raises(InputError, match="formulation"):
        scenario_from_dict({})
    assert scenario_from_dict({}, default_kind="tissue").kind == "tissue"


def test_clone_errors_name_the_field_in_its_table():
    with pytest.raises(InputError, match=r"^clones\.rates\.symmetric_fraction"):
        scenario_from_dict({"clones": {"preset": "clayton2007-mouse-tail", "rates": {"symmetric_fraction": 0.9}}})
    with pytest.raises(InputError, match=r"^clones\.preset.*did you mean 'clayton2007-mouse-tail'"):
        scenario_from_dict({"clones": {"preset": "clayton2007-mouse-tial"}})


def test_the_public_api_is_listed():
    for name in ("load_scenario", "scenario_from_dict", "simulate", "Result", "load_result", "Scenario"):
        assert name in dir(dermsim) and name in dermsim.__all__


def test_a_permeation_file_is_a_permeation_scenario_whatever_the_default():
    assert scenario_from_dict(PERMEATION, default_kind="tissue").kind == "permeation"


def test_an_error_names_a_field_that_starts_like_a_type_name():
    """A field such as stroke_frequency (starts with 'str') is named, not dropped from the location."""
    data = dict(PERMEATION, microneedle={"device": "dermapen-11", "stroke_frequency": "abc"})
    with pytest.raises(InputError, match=r"^microneedle\.stroke_frequency: "):
        scenario_from_dict(data)
