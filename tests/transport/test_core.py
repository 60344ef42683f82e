"""The transport core: one System type, its operators, the exact and TR-BDF2 solvers, epochs, mass balance.

Units: cm, h, ug. The 1D layered model provides a realistic system; the same system written in banded
storage must give the same answers through every solver.
"""

import numpy as np
import pytest

from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle, discretise
from dermsim.transport.balance import closure_error, mass_balance_error
from dermsim.transport.epochs import solve_epochs
from dermsim.transport.exact import exact_epoch, solve_exact
from dermsim.transport.system import BandedOperator, TridiagonalOperator
from dermsim.transport.timestep import TRBDF2Epochs, solve_tr_bdf2


def layered(infinite=False, sc_diffusivity=3.6e-7):
    regions = (Region("sc", 15e-4, 3.0, sc_diffusivity, cells=12), Region("ve", 100e-4, 0.6, 3.6e-3, cells=8),
               Region("de", 0.1, 0.6, 3.6e-3, clearance=1.0, cells=10))
    return discretise(LayeredDiffusion(regions, Vehicle(infinite, 1000.0, 20e-4, 1.0, 0.3), Receptor("finite", 0.5)))


def as_banded(system, width=2):
    """The same A in upper band storage (extra empty bands allowed)."""
    op = system.operator
    bands = np.zeros((width + 1, system.size))
    bands[width] = op.diagonal
    bands[width - 1, 1:] = op.off_diagonal
    return system.with_operator(BandedOperator(bands))


def test_operators_agree():
    system = layered()
    banded = as_banded(system)
    u = np.linspace(1.0, 2.0, system.size)
    assert np.allclose(system.operator.apply(u), banded.operator.apply(u), rtol=1e-13)
    rhs = system.capacity * u
    for op in (system.operator, banded.operator):
        x = op.factorise(system.capacity, 0.1).solve(rhs)
        assert np.allclose(system.capacity * x + 0.1 * op.apply(x), rhs, rtol=1e-12)
    assert np.allclose(banded.operator.to_sparse().apply(u), banded.operator.apply(u), rtol=1e-13)
    assert isinstance(system.operator, TridiagonalOperator)


@pytest.mark.parametrize("infinite", [True, False])
def test_exact_solver_same_for_tridiagonal_and_banded(infinite):
    system = layered(infinite)
    t = np.linspace(0, 24, 25)
    a, b = solve_exact(system, t), solve_exact(as_banded(system), t)
    assert np.allclose(a.u, b.u, rtol=1e-9, atol=1e-12 * np.abs(a.u).max())
    assert np.allclose(a.cumulative, b.cumulative, rtol=1e-9, atol=1e-12 * np.abs(a.cumulative).max())
    tr = solve_tr_bdf2(as_banded(system), t)
    q = a.cumulative[system.rate_index("cleared")]
    assert np.max(np.abs(tr.cumulative[system.rate_index("cleared")][1:] / q[1:] - 1)) < 5e-3
    assert mass_balance_error(system, a) < 1e-10 and mass_balance_error(system, tr) < 1e-10


def test_banded_eigen_leaves_out_uncoupled_nodes():
    system = as_banded(layered(sc_diffusivity=0.0))          # impermeable SC: its cells have zero rows
    lam, vecs, active = system.operator.eigen(system.capacity, np.sqrt(system.capacity))
    idle = np.setdiff1d(np.arange(system.size), active)
    assert idle.size == 12 and vecs.shape == (active.size, active.size)
    traj = solve_exact(system, np.array([0.0, 5.0]))
    assert np.array_equal(traj.u[-1, idle], system.initial[idle])
    rhs = np.ones(system.size)
    rhs[idle] = 0.0                    # as in a steady state: no source on uncoupled nodes
    assert np.all(system.operator.solve(rhs)[idle] == 0.0)


def test_exact_restart_from_a_given_state():
    system = layered()
    whole = solve_exact(system, np.array([0.0, 3.0, 10.0]))
    part = solve_exact(system, np.array([0.0, 7.0]), initial=whole.u[1])
    assert np.allclose(part.u[-1], whole.u[-1], rtol=1e-9, atol=1e-12 * whole.u.max())
    assert np.allclose(whole.cumulative[:, 1] + part.cumulative[:, -1], whole.cumulative[:, -1], rtol=1e-9)


@pytest.mark.parametrize("integrator", ["exact", "tr-bdf2"])
def test_epochs_of_an_unchanged_system_equal_one_run(integrator):
    system = layered()
    t = np.linspace(0, 12, 49)
    step = TRBDF2Epochs(1e-4, 1e-4, 0.02, 0.05) if integrator == "tr-bdf2" else exact_epoch
    seen, rows = [], []
    run = solve_epochs(t, [0.0, 3.0, 7.3], lambda e: system, step,
                       record=lambda idx, s, u, q, e: rows.extend(idx), progress=seen.append)
    ref = solve_exact(system, t).cumulative
    got = np.array([run.cumulative[n] for n in system.rate_names])
    assert np.max(np.abs(got[:, 1:] - ref[:, 1:])) < (1e-9 if integrator == "exact" else 1e-3) * np.abs(ref).max()
    assert sorted(rows) == list(range(t.size)) and run.epochs == 3
    assert list(run.epoch_of_time[[0, 12, 13, 29, 30]]) == [0, 0, 1, 1, 2]      # 7.3 h is not an output
    assert np.all(np.diff(seen) > 0) and seen[-1] == pytest.approx(1.0)
    assert run.mass_balance_error < 1e-10


def test_closure_error_counts_supplied_as_inflow():
    stored = np.array([10.0, 12.0, 13.0])
    flows = {"supplied": np.array([0.0, 4.0, 8.0]), "permeated": np.array([0.0, 1.0, 3.0]),
             "cleared": np.array([0.0, 1.0, 2.0])}
    assert closure_error(stored, flows, 10.0) == 0.0
    flows["cleared"] = flows["cleared"] + 0.1
    assert closure_error(stored, flows, 10.0) == pytest.approx(0.1 / 10.0)
