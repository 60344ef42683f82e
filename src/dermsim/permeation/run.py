"""Run a permeation scenario: build the layered model, solve it (or hand over to the microneedle delivery
model when the scenario has a ``[microneedle]`` table) and label the Result."""

from __future__ import annotations

from typing import Callable

import numpy as np

from dermsim.errors import InputError
from dermsim.permeation.result import label_layered
from dermsim.permeation.setup import build, output_times


def _trustworthy(system, traj) -> bool:
    """The exact solution closes its balance and has no negative amount beyond round-off. The permeated amount is
    held to its own size as well as to the amounts in play: a stack that stores 1e6 times what it passes can close
    its balance while its small permeated amount dips below zero and ends percent-wrong (found by the property
    test of issue #11); the floor 1e-6 of the amounts in play keeps round-off before the lag time from counting."""
    from dermsim.results.checks import MASS_BALANCE_TOLERANCE
    from dermsim.transport.balance import mass_balance_error

    stored = traj.u * system.capacity
    scale = max(float(np.max(np.abs(stored.sum(axis=1)))), float(np.max(np.abs(traj.cumulative))), 1e-300)
    if not (mass_balance_error(system, traj) <= MASS_BALANCE_TOLERANCE and np.all(np.isfinite(traj.u))
            and float(stored.min()) >= -1e-9 * scale and float(traj.cumulative.min()) >= -1e-9 * scale):
        return False
    if "permeated" not in system.rate_names:
        return True
    permeated = traj.cumulative[system.rate_index("permeated")]
    own = max(float(np.max(np.abs(permeated))), 1e-6 * scale)
    return float(permeated.min()) >= -1e-9 * own


def _robust_exact(system, times):
    """Exact solutions of a stiff tridiagonal stack, more robust than the default decomposition, each labelled: the
    conductance-form one with relative accuracy (`dermsim.transport.graded`), then LAPACK stemr (for stacks beyond the
    graded solver's size)."""
    from dermsim.transport.exact import solve_exact
    from dermsim.transport.graded import solve_graded

    if system.operator.kind != "tridiagonal":
        return
    yield solve_graded(system, times), "conductance form, relative accuracy"
    yield solve_exact(system, times, driver="stemr"), "LAPACK stemr"


def _solve(system, times, solver: str, progress):
    """Exact eigen solution (``exact``), TR-BDF2 (``tr-bdf2``), or ``auto``: the exact one, handed over to a more
    robust exact decomposition (`_robust_exact`), then to TR-BDF2, when it fails its own checks (an ill-conditioned,
    very stiff stack), which the solver name says."""
    from dermsim.transport.exact import solve_exact
    from dermsim.transport.timestep import solve_tr_bdf2

    from dermsim.budget import EXACT_MAX_NODES

    if solver == "auto" and system.size > EXACT_MAX_NODES:      # dense eigenvectors of a long stack: banded instead
        traj = solve_tr_bdf2(system, times, progress=progress)
        traj.solver = f"{traj.solver} ({system.size} grid cells: more than the exact solver's {EXACT_MAX_NODES})"
        return traj
    if solver in ("auto", "exact"):
        traj = solve_exact(system, times)
        if solver == "auto" and not _trustworthy(system, traj):
            for robust, how in _robust_exact(system, times):
                if robust is not None and _trustworthy(system, robust):
                    robust.solver = f"exact-eigen ({how}: the default eigen-decomposition was ill-conditioned)"
                    if progress:
                        progress(1.0)
                    return robust
            traj = solve_tr_bdf2(system, times, progress=progress)
            traj.solver = f"{traj.solver} (the exact solver was ill-conditioned on this stack)"
            return traj
        if progress:
            progress(1.0)
        return traj
    return solve_tr_bdf2(system, times, progress=progress)


def simulate_permeation(scenario, progress: Callable[[float], None] | None = None):
    """Run a `PermeationScenario`; returns a Result of kind "permeation" (or "microneedle" with needles)."""
    from dermsim.permeation.layered import discretise
    from dermsim.results.checks import MASS_BALANCE_TOLERANCE
    from dermsim.transport.balance import mass_balance_error

    if getattr(scenario, "population", None) is not None:
        from dermsim.studies.population import run_population

        return run_population(scenario, progress=progress)
    setup = build(scenario)
    times = output_times(scenario.simulation)
    if scenario.microneedle is not None:
        if scenario.skin.layers is not None:
            raise InputError("microneedle", "with skin.layers", "a body site or membrane preset (the channel's "
                             "layer and the resealing need the skin's anatomy)")
        from dataclasses import replace

        from dermsim.microneedles.delivery import simulate_microneedle

        if setup.applied is not None and setup.applied.film is not None:
            setup = replace(setup, notes=setup.notes + (
                "with needles the finite dose is a well-mixed liquid that does not dry (the drying film is not yet "
                "coupled to the channels); its concentration is capped at the vehicle's solubility",))
        return simulate_microneedle(scenario, setup, times, progress)
    system = discretise(setup.model)
    film = setup.applied.film if setup.applied is not None else None
    fo = scenario.formulation
    if film is not None and scenario.simulation.solver == "exact":
        raise InputError("simulation.solver", "exact", "'auto' or 'tr-bdf2' for a drying vehicle (the exact solver "
                         "needs a linear problem: set formulation.vehicle_physics = false)")
    if film is not None or (fo.wash_time is not None and fo.dose != "infinite"):
        return _drying_film_run(scenario, setup, system, film, times, progress)
    if fo.wash_time is not None:
        raise InputError("formulation.wash_time", fo.wash_time, "a finite dose (an infinite dose is never washed off)")
    traj = _solve(system, times, scenario.simulation.solver, progress)
    return label_layered(scenario, setup, system, traj, mass_balance_error(system, traj))


def _drying_film_run(scenario, setup, system, film, times, progress):
    """A finite dose whose vehicle dries, saturates and is washed off (`permeation.finite_dose`)."""
    from types import SimpleNamespace

    from dermsim.formulation.film import WellMixedFilm
    from dermsim.permeation.finite_dose import solve_finite_dose

    fo = scenario.formulation
    if film is None:                       # no vehicle physics: an unchanging film, washed at wash_time
        vehicle = setup.model.vehicle
        film = WellMixedFilm(vehicle.partition * vehicle.thickness, setup.formulation.effective_evaporation_rate)
    applied = setup.applied.applied_amount
    run = solve_finite_dose(system, film, applied, times, wash_time=fo.wash_time, wash_efficiency=fo.wash_efficiency)
    if progress:
        progress(1.0)
    names = [n for n in system.rate_names if n != "evaporated"]
    traj = SimpleNamespace(times=run.times, u=run.u, solver="tr-bdf2 + drying film",
                           cumulative=[run.cumulative[n] for n in names])
    return label_layered(scenario, setup, system, traj, run.mass_balance_error, film_run=run, rate_names=names)
