"""Run a permeation scenario: build the layered model, solve it (or hand over to the microneedle delivery
model when the scenario has a ``[microneedle]`` table) and label the Result."""

from __future__ import annotations

from typing import Callable

from dermsim.errors import InputError
from dermsim.permeation.result import label_layered
from dermsim.permeation.setup import build, output_times


def _solve(system, times, solver: str, progress):
    from dermsim.transport.exact import solve_exact
    from dermsim.transport.timestep import solve_tr_bdf2

    if solver in ("auto", "exact"):
        traj = solve_exact(system, times)
        if progress:
            progress(1.0)
        return traj
    return solve_tr_bdf2(system, times, progress=progress)


def simulate_permeation(scenario, progress: Callable[[float], None] | None = None):
    """Run a `PermeationScenario`; returns a Result of kind "permeation" (or "microneedle" with needles)."""
    from dermsim.permeation.layered import discretise
    from dermsim.transport.balance import mass_balance_error

    setup = build(scenario)
    times = output_times(scenario.simulation)
    if scenario.microneedle is not None:
        if scenario.skin.layers is not None:
            raise InputError("microneedle", "with skin.layers", "a body site or membrane preset (the channel's "
                             "layer and the resealing need the skin's anatomy)")
        from dermsim.microneedles.delivery import simulate_microneedle

        return simulate_microneedle(scenario, setup, times, progress)
    system = discretise(setup.model)
    traj = _solve(system, times, scenario.simulation.solver, progress)
    return label_layered(scenario, setup, system, traj, mass_balance_error(system, traj))
