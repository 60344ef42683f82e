"""No silent wrong numbers (issue #18, numerical items): every permeation result checks itself, the exact solver
hands a stiff stack over to TR-BDF2, and a vanishing film keeps the balance whatever the dose's magnitude."""

import copy
import math

import pytest
import typer

from dermsim.cli.common import user_errors
from dermsim.errors import ResultCheckError
from dermsim.results.checks import check_permeation
from dermsim.scenario import scenario_from_dict
from dermsim.simulation import simulate

STIFF = {"skin": {"layers": [{"name": "a", "thickness": "1 nm", "diffusivity": "1e-9 cm^2/s", "partition": 1},
                             {"name": "b", "thickness": "10 cm", "diffusivity": "1e-5 cm^2/s", "partition": 1}]},
         "formulation": {"concentration": "1 mg/mL"}, "receptor": {"type": "sink"}}


def test_a_stiff_stack_is_handed_over_and_says_so():
    """1 nm at D = 1e-9 cm²/s over 10 cm at 1e-5 cm²/s: the exact solver gave −1.16 ug/cm² and a balance of
    5.9e-4; the default now checks it, hands over (to the conductance-form eigen-decomposition of
    `dermsim.transport.graded`, LAPACK stemr, else TR-BDF2), says so, and the answer is non-negative, closed, and
    TR-BDF2's."""
    s = simulate(scenario_from_dict(STIFF)).summary
    assert "ill-conditioned" in s["solver"] and s["solver"].startswith(
        ("exact-eigen (conductance form", "exact-eigen (LAPACK stemr", "tr-bdf2"))
    assert s["cumulative_permeated_ug_per_cm2"] >= 0 and s["mass_balance_relative_error"] < 1e-8
    # against TR-BDF2 converged in time (growth 0.001; 3.11518e-9 ug/cm², 1e-9 of the dose): the stemr answer is
    # within 4e-4 of it, closer than TR-BDF2 at its default steps (3e-3); the conductance-form answer is within 4.4e-4
    # of a 40-digit reference of the same discrete system (1.4e-12 ug/cm², 1.3e-15 of the 1043 ug/cm² supplied)
    from dermsim.permeation.layered import discretise
    from dermsim.permeation.setup import build, output_times
    from dermsim.transport.timestep import solve_tr_bdf2

    scenario = scenario_from_dict(STIFF)
    system = discretise(build(scenario).model)
    times = output_times(scenario.simulation)
    converged = solve_tr_bdf2(system, times, growth=0.001, max_step=times[-1] / 2000)
    assert s["cumulative_permeated_ug_per_cm2"] == pytest.approx(
        converged.cumulative[system.rate_index("permeated")][-1], rel=1e-3)


def test_the_balance_does_not_depend_on_the_dose_magnitude():
    """A linear finite dose: the fate in % of the dose is the same for 1e-15 and 1e-12 mg/cm² (the film is far
    thinner than a cell in both), and both close their balance (1e-15 gave 0.49 before)."""
    def fate(dose):
        return simulate(scenario_from_dict({
            "compound": {"name": "niacinamide"}, "skin": {"site": "face"},
            "formulation": {"concentration": "5 %", "dose": dose, "vehicle_physics": False}})).summary

    tiny, small = fate("1e-15 mg/cm^2"), fate("1e-12 mg/cm^2")
    assert tiny["mass_balance_relative_error"] < 1e-8 and small["mass_balance_relative_error"] < 1e-8
    for key in ("permeated", "in_skin"):
        assert tiny["fraction_of_dose"][key] == pytest.approx(small["fraction_of_dose"][key], rel=1e-6, abs=1e-9)


def _summary():
    s = simulate(scenario_from_dict({"compound": {"name": "caffeine"}, "skin": {"site": "dermatomed"},
                                     "formulation": {"concentration": "1 mg/mL", "dose": "10 uL/cm^2"}})).summary
    return copy.deepcopy(s)


@pytest.mark.parametrize("spoil, fragment", [
    (lambda s: s.update(cumulative_permeated_ug_per_cm2=math.nan), "cumulative_permeated_ug_per_cm2 is not a finite"),
    (lambda s: s["basal_layer"].update(cmax_ug_per_cm3=math.inf), "basal_layer.cmax_ug_per_cm3"),
    (lambda s: s.update(mass_balance_relative_error=3e-6), "mass balance closes only to 3e-06"),
    (lambda s: s["fraction_of_dose"].update(permeated=-0.01), "permeated is -0.01 of the dose"),
    (lambda s: s["amount_in_layer_end_ug_per_cm2"].update(dermis=-1.0), "amount_in_layer_end_ug_per_cm2.dermis"),
])
def test_a_result_that_fails_its_checks_is_refused_with_the_figure_and_a_remedy(spoil, fragment):
    s = _summary()
    check_permeation(s)                               # the real one passes
    spoil(s)
    with pytest.raises(ResultCheckError) as info:
        check_permeation(s)
    assert fragment in str(info.value) and "tr-bdf2" in str(info.value) and "\n" not in str(info.value)


def test_the_cli_exits_3_on_a_failed_check():
    with pytest.raises(typer.Exit) as info:
        with user_errors():
            raise ResultCheckError("result check failed: example")
    assert info.value.exit_code == 3
