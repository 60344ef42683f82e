"""Property-based check over VALID scenarios (issue #11 item 7): extreme but valid values — log Kow −5…8, MW up to
1000 g/mol, explicit layers from 1 nm to 10 cm, durations from a minute to a year, infinite and finite doses, acids
and bases — always run to the end with every invariant: finite numbers, mass balance ≤ 1e-8 relative to the dose,
no negative amount beyond round-off. (Invalid mutations are `tests/test_fuzz_scenarios.py`.)

Stiff stacks, whose adjacent layer conductances K·D/h differ by many decades, are included: the generator draws D,
K and thickness over their whole ranges (ratios up to ~1e24). The default eigen-decomposition loses digits there
(STIFFER below, ratio 4e5: balance 2.8e-7; 5e-8 with LAPACK stemr, 9e-8 with TR-BDF2): its rounded diagonal leaks
~eps·ratio per node, and an infinite dose's inflow is summed from totals 4.5e7 times larger. The auto solver then
takes the conductance-form decomposition of `dermsim.transport.graded` (relative accuracy), which closes STIFFER to
2e-15 and ratios 4e5…2.4e13 to ≤ 2.4e-11 of the dose against 40–60-digit references (its module docstring).
477 further stacks drawn here (Hypothesis seeds 7 and 11, ratios up to > 1e9) all closed their balance (worst 3.8e-9).

A stack that stores far more than it passes (ratio only ~1e3; 1.9 um, then 7.9 cm with K = 211, then 4.7 cm; 7800 h)
used to pass the checks with the default decomposition while its permeated amount, 1.2e-7 of the 8e6 ug/cm²
supplied, ended 0.85 % low and dipped to −1e-3 ug/cm²: the checks measured round-off against the dose only. The
auto solver now also holds the permeated amount to its own size (`permeation.run._trustworthy`); two such stacks
found by a random search are kept below as regression cases."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
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


#: Ten times thinner fast layer: conductance ratio 4e5 between the layers (refused, a test expected to fail, in
#: issue #11 item 7 until the conductance-form solver); EXTREME: 1 nm, ratio 4e7.
STIFFER = {**STIFF, "skin": {"layers": [STIFF["skin"]["layers"][0] | {"thickness": "0.1 um"}, STIFF["skin"]["layers"][1]]}}
EXTREME = {**STIFF, "skin": {"layers": [STIFF["skin"]["layers"][0] | {"thickness": "1 nm"},
                                         STIFF["skin"]["layers"][1]]}}


@pytest.mark.parametrize("data", [STIFF, STIFFER, EXTREME], ids=["ratio 4e4", "ratio 4e5", "ratio 4e7"])
def test_very_stiff_valid_stacks_close_their_balance(data):
    """Conductance ratio 4e4…4e7: the default eigen-decomposition closes the balance only to 3e-8…3e-2; the auto
    solver hands over to the conductance-form one (balance ~2e-15), whose permeated amount agrees with TR-BDF2 (whose
    own balance fails on the inflow, not on this) and whose inflow and outflow over the last half hour are the chain's
    exact steady flux."""
    from dermsim.permeation.layered import discretise
    from dermsim.permeation.setup import build, output_times
    from dermsim.transport.analytic import chain_steady_flux
    from dermsim.transport.timestep import solve_tr_bdf2

    scenario = scenario_from_dict(data)
    result = simulate(scenario)
    s = result.summary
    assert s["mass_balance_relative_error"] <= 1e-12 and "conductance form" in s["solver"]
    system = discretise(build(scenario).model)
    times = output_times(scenario.simulation)
    reference = solve_tr_bdf2(system, times)
    assert s["cumulative_permeated_ug_per_cm2"] == pytest.approx(
        reference.cumulative[system.rate_index("permeated")][-1], rel=1e-9)
    hour = times >= times[-1] - 0.5
    for name in ("amount_supplied", "cumulative_permeated"):
        q = np.asarray(result.values(name), dtype=float)[hour]
        assert (q[-1] - q[0]) / 0.5 == pytest.approx(chain_steady_flux(system), rel=1e-10), name


def test_a_stack_the_chosen_solver_cannot_close_is_refused_not_reported():
    """TR-BDF2 chosen by hand on STIFFER: its inflow sums totals 4e7 times larger than itself (balance 9e-8), so the
    result check refuses the run (exit 3) instead of reporting it."""
    from dermsim.errors import ResultCheckError

    with pytest.raises(ResultCheckError, match="mass balance"):
        simulate(scenario_from_dict(STIFFER | {"simulation": {"duration": "1 h", "solver": "tr-bdf2"}}))


#: Stacks that store ~1e6 times what they pass (found by a random search over the generator's ranges): the default
#: decomposition left the permeated amount at −3e-8 and −2e-8 ug/cm² where it is ~1e-12.
def _stack(hours: str, layers: list[tuple[str, str, float]]) -> dict:
    """An infinite aqueous dose on a stack of (thickness, diffusivity, partition) layers into a sink."""
    return {"compound": {"name": "solute", "molecular_weight": "100 g/mol", "log_kow": 1.0},
            "simulation": {"duration": hours}, "receptor": {"type": "sink"},
            "formulation": {"concentration": "1 mg/mL", "dose": "infinite"},
            "skin": {"layers": [{"name": f"l{i}", "thickness": h, "diffusivity": d, "partition": k}
                                for i, (h, d, k) in enumerate(layers)]}}


STORING = [_stack("68.4006 h", [("0.240298 um", "4.59812e-07 cm^2/s", 0.004835982683177839),
                                ("735.604 um", "4.43419e-07 cm^2/s", 105.84317220964824),
                                ("63157.4 um", "9.47482e-08 cm^2/s", 729.9051605431102)]),
           _stack("44.5279 h", [("4794.67 um", "1.11327e-08 cm^2/s", 2.8579624904831498),
                                ("17.5638 um", "1.39821e-07 cm^2/s", 0.0957774375474281),
                                ("9.41127 um", "1.94256e-09 cm^2/s", 9.328753654042325)])]


@pytest.mark.parametrize("data", STORING, ids=["thin-then-storing", "storing-first"])
def test_a_stack_that_stores_what_it_barely_passes_has_no_negative_permeated_amount(data):
    result = simulate(scenario_from_dict(data))
    values = np.asarray(result.values("cumulative_permeated"), dtype=float)
    assert values.min() >= -1e-9 * max(1.0, float(np.abs(values).max()))
    assert result.summary["mass_balance_relative_error"] <= 1e-8
    assert "ill-conditioned" in result.summary["solver"]          # handed over, and it says so
