"""Property-based check over VALID scenarios (issue #11 item 7): extreme but valid values — log Kow −5…8, MW up to
1000 g/mol, explicit layers from 1 nm to 10 cm, durations from a minute to a year, infinite and finite doses, acids
and bases — always run to the end with every invariant: finite numbers, mass balance ≤ 1e-8 relative to the dose,
no negative amount beyond round-off. (Invalid mutations are `tests/test_fuzz_scenarios.py`.)

Known limit, kept visible below as a strict xfail: explicit stacks whose layer conductances K·D/h differ by more
than ~1e5 (e.g. a 0.1 um layer with D = 1e-5 cm²/s on a 415 um layer with K = 0.01) close their mass balance only to
~1e-7 in double precision with either solver (the slow modes lose digits to the stiffness ratio); dermsim refuses
them with exit 3 (result check) rather than report them. Up to ~1e5 the auto solver's LAPACK stemr fallback closes
them (the 1 um case: 2.1e-9). The generator keeps to ratios ≤ 1e4 (still 1 nm–10 cm layers)."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dermsim import simulate
from dermsim.scenario import scenario_from_dict

log_kow = st.floats(-5.0, 8.0)
mw = st.floats(30.0, 1000.0)
thickness_um = st.floats(1e-3, 1e5)           # 1 nm .. 10 cm
diffusivity = st.floats(-12.0, -5.0)          # log10 cm^2/s
partition = st.floats(-3.0, 3.0)              # log10
hours = st.floats(1.0 / 60.0, 24.0 * 365.0)   # a minute .. a year


@st.composite
def valid_scenarios(draw):
    compound = {"name": "solute", "molecular_weight": f"{draw(mw):.6g} g/mol", "log_kow": draw(log_kow)}
    kind = draw(st.sampled_from(["neutral", "acid", "base"]))
    if kind != "neutral":
        compound["acid_base"] = kind
        compound["pka_acid" if kind == "acid" else "pka_base"] = draw(st.floats(2.0, 11.0))
    duration = draw(hours)
    data = {"compound": compound, "simulation": {"duration": f"{duration:.6g} h"}}
    if draw(st.booleans()):
        layers = [{"name": f"layer{i}", "thickness": f"{draw(thickness_um):.6g} um",
                   "diffusivity": f"{10 ** draw(diffusivity):.6g} cm^2/s", "partition": 10 ** draw(partition)}
                  for i in range(draw(st.integers(1, 3)))]
        conductance = [l["partition"] * float(l["diffusivity"].split()[0]) / float(l["thickness"].split()[0])
                       for l in layers]
        assume(max(conductance) / min(conductance) <= 1e4)
        data["skin"] = {"layers": layers}
        data["receptor"] = {"type": "sink"}
    else:
        data["skin"] = {"site": draw(st.sampled_from(["forearm", "face", "heat-separated-epidermis", "dermatomed"]))}
    formulation = {"concentration": f"{draw(st.floats(1e-3, 10.0)):.6g} mg/mL", "occluded": draw(st.booleans())}
    formulation["dose"] = draw(st.sampled_from(["infinite", "10 uL/cm^2", "2 mg/cm^2"]))
    data["formulation"] = formulation
    return data


@pytest.mark.slow
@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(valid_scenarios())
def test_every_valid_scenario_runs_clean(data):
    result = simulate(scenario_from_dict(data), max_time=60.0)
    s = result.summary
    assert s["mass_balance_relative_error"] <= 1e-8, (data, s["mass_balance_relative_error"])
    for name in ("cumulative_permeated",):
        values = np.asarray(result.values(name), dtype=float)
        assert np.all(np.isfinite(values)), data
        assert values.min() >= -1e-9 * max(1.0, float(np.abs(values).max())), data
    numbers = [v for v in s["amount_in_layer_end_ug_per_cm2"].values()]
    assert all(math.isfinite(v) for v in numbers), data


STIFF = {"compound": {"name": "solute", "molecular_weight": "30 g/mol", "log_kow": 0.0},
         "simulation": {"duration": "1 h"},
         "skin": {"layers": [{"name": "fast", "thickness": "1 um", "diffusivity": "1e-05 cm^2/s", "partition": 1.0},
                             {"name": "slow", "thickness": "415 um", "diffusivity": "1e-05 cm^2/s", "partition": 0.01}]},
         "receptor": {"type": "sink"}, "formulation": {"concentration": "1 mg/mL", "dose": "infinite"}}


#: Ten times thinner fast layer: conductance ratio 4e5 between the layers, beyond what LAPACK stemr resolves.
STIFFER = {**STIFF, "skin": {"layers": [STIFF["skin"]["layers"][0] | {"thickness": "0.1 um"}, STIFF["skin"]["layers"][1]]}}


def test_a_very_stiff_valid_stack_closes_its_balance():
    """Conductance ratio 4e4: the default eigen-decomposition closes the balance only to 3e-8; the auto solver then
    takes LAPACK stemr (2e-9) and agrees with TR-BDF2."""
    from dermsim.permeation.layered import discretise
    from dermsim.permeation.setup import build, output_times
    from dermsim.transport.timestep import solve_tr_bdf2

    scenario = scenario_from_dict(STIFF)
    s = simulate(scenario).summary
    assert s["mass_balance_relative_error"] <= 1e-8 and "stemr" in s["solver"]
    system = discretise(build(scenario).model)
    reference = solve_tr_bdf2(system, output_times(scenario.simulation))
    assert s["cumulative_permeated_ug_per_cm2"] == pytest.approx(
        reference.cumulative[system.rate_index("permeated")][-1], rel=1e-9)


@pytest.mark.xfail(strict=True, raises=Exception, reason="known limit (issue #11 item 7): conductance ratio 4e5 "
                   "between adjacent layers; the balance closes only to ~1e-7 and the result check refuses the run")
def test_an_even_stiffer_valid_stack_closes_its_balance():
    simulate(scenario_from_dict(STIFFER))


def test_the_very_stiff_stack_is_refused_not_reported():
    from dermsim.errors import ResultCheckError

    with pytest.raises(ResultCheckError, match="mass balance"):
        simulate(scenario_from_dict(STIFFER))
