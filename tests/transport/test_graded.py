"""The conductance-form exact solver (`dermsim.transport.graded`) on stiff stacks: a thin fast layer (D = 1e-5 cm²/s,
K = 1) at the donor, inside the stack or at the sink of a 415 um layer with K = 0.01, conductance ratios 4e5…4e7.

Exact checks that need no reference: the mass balance, the steady flux of the discrete chain,
J = z / (1/g_top + Σ 1/g_i + 1/g_bottom) (series conductances, exact for any mesh), reached by the inflow and the
outflow once the slowest mode (λ₁ ≈ 200 /h) has died out, and the same answers with the nodes numbered from the
other end (the rounding of both factorisations changes). Measured worst: balance 1.3e-11, flux 2e-11 (an inflow
through a slow top layer, summed directly: f₀t/Q ≈ 200); the default decomposition misses all three by 1e-7…1e-2.
Units: cm, h, ug.
"""

from dataclasses import replace

import numpy as np
import pytest

from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle, discretise
from dermsim.transport.analytic import chain_steady_flux
from dermsim.transport.balance import mass_balance_error
from dermsim.transport.exact import solve_exact
from dermsim.transport.graded import ConductanceChain, solve_graded
from dermsim.transport.system import BandedOperator, TridiagonalOperator

FAST_D = 0.036                  # cm²/h (1e-5 cm²/s)
SLOW = Region("slow", 415e-4, 0.01, FAST_D, cells=20)


def stack(where: str, fast_thickness: float, infinite: bool = True, clearance: float = 0.0):
    fast = Region("fast", fast_thickness, 1.0, FAST_D, cells=20)
    slow = replace(SLOW, clearance=clearance)
    regions = {"donor": (fast, slow), "inside": (slow, fast, slow), "sink": (slow, fast)}[where]
    return discretise(LayeredDiffusion(regions, Vehicle(infinite, 1000.0, 10e-4), Receptor("sink")))


def reversed_chain(system):
    """The same chain numbered from the other end."""
    op = system.operator
    return replace(system, capacity=system.capacity[::-1].copy(), source=system.source[::-1].copy(),
                   operator=TridiagonalOperator(op.diagonal[::-1].copy(), op.off_diagonal[::-1].copy()),
                   initial=system.initial[::-1].copy(), rate_weights=system.rate_weights[:, ::-1].copy(),
                   vehicle_node=None, receptor_node=None, cell_slice=None, partition=None, mesh=None)


TIMES = np.array([0.0, 0.01, 0.5, 1.0])


@pytest.mark.parametrize("where", ["donor", "inside", "sink"])
@pytest.mark.parametrize("fast_thickness", [1e-5, 1e-6, 1e-7])   # 0.1, 0.01, 0.001 um
def test_stiff_stacks_close_their_balance_and_reach_the_exact_steady_flux(where, fast_thickness):
    system = stack(where, fast_thickness)
    traj = solve_graded(system, TIMES)
    assert traj is not None and mass_balance_error(system, traj) < 1e-10
    flux = chain_steady_flux(system)
    for name in ("supplied", "permeated"):
        q = traj.cumulative[system.rate_index(name)]
        assert (q[-1] - q[-2]) / (TIMES[-1] - TIMES[-2]) == pytest.approx(flux, rel=1e-10), name
    mirror = solve_graded(reversed_chain(system), TIMES)
    assert np.max(np.abs(mirror.u[:, ::-1] - traj.u)) <= 1e-12 * np.max(np.abs(traj.u))
    assert np.max(np.abs(mirror.cumulative - traj.cumulative)) <= 1e-10 * np.max(np.abs(traj.cumulative))


def test_the_default_decomposition_fails_the_same_checks():
    """The cause, measured: 0.1 um on 415 um (ratio 4e5) leaks 1e-7 of the dose with the default decomposition,
    and its inflow (4e8 ug/cm² summed against 4e8) misses the steady flux by far more than 1e-12."""
    system = stack("donor", 1e-5)
    traj = solve_exact(system, TIMES)
    assert mass_balance_error(system, traj) > 1e-8
    q = traj.cumulative[system.rate_index("supplied")]
    assert abs((q[-1] - q[-2]) / (TIMES[-1] - TIMES[-2]) / chain_steady_flux(system) - 1) > 1e-9


@pytest.mark.parametrize("where", ["donor", "inside", "sink"])
def test_a_finite_dose_on_a_stiff_stack(where):
    """A 10 um film with dermal clearance (0.5 /h): closed to round-off, the same numbered from either end, and after
    10 h of a slowest mode of 3.5…7.7 /h (e^-35) nothing is left but round-off."""
    system = stack(where, 1e-6, infinite=False, clearance=0.5)
    times = np.array([0.0, 0.01, 0.1, 1.0, 10.0])
    traj = solve_graded(system, times)
    assert mass_balance_error(system, traj) < 1e-13
    mirror = solve_graded(reversed_chain(system), times)
    assert np.max(np.abs(mirror.u[:, ::-1] - traj.u)) <= 1e-12 * np.max(np.abs(traj.u))
    assert np.max(np.abs(mirror.cumulative - traj.cumulative)) <= 1e-12 * np.max(np.abs(traj.cumulative))
    dose = system.initial @ system.capacity
    assert traj.u[-1] @ system.capacity < 1e-12 * dose
    gone = traj.cumulative[system.rate_index("permeated"), -1] + traj.cumulative[system.rate_index("cleared"), -1]
    assert gone == pytest.approx(dose, rel=1e-12)


@pytest.mark.parametrize("infinite", [True, False])
def test_an_ordinary_stack_gives_the_default_answer(infinite):
    regions = (Region("sc", 15e-4, 3.0, 3.6e-7, cells=12), Region("ve", 100e-4, 0.6, 3.6e-3, cells=8),
               Region("de", 0.1, 0.6, 3.6e-3, clearance=1.0, cells=10))
    system = discretise(LayeredDiffusion(regions, Vehicle(infinite, 1000.0, 20e-4, 1.0, 0.3), Receptor("sink")))
    times = np.linspace(0.0, 24.0, 49)
    a, b = solve_exact(system, times), solve_graded(system, times)
    assert np.max(np.abs(a.u - b.u)) <= 1e-12 * np.max(np.abs(a.u))
    assert np.max(np.abs(a.cumulative - b.cumulative)) <= 1e-12 * np.max(np.abs(a.cumulative))


def test_only_chains_whose_outflows_account_for_the_operator():
    """A loss missing from the outflows, or a banded operator: not a conductance chain (the caller goes on to
    another solver)."""
    system = stack("donor", 1e-6, clearance=0.5)
    assert ConductanceChain.of(system) is not None
    weights = system.rate_weights.copy()
    weights[system.rate_index("cleared")] = 0.0
    assert ConductanceChain.of(replace(system, rate_weights=weights)) is None
    bands = np.vstack([np.append(0.0, system.operator.off_diagonal), system.operator.diagonal])
    assert solve_graded(system.with_operator(BandedOperator(bands)), TIMES) is None
