"""Layered solver against exact solutions (Crank, Kasting 2001, laminate, erfc, clearance).

Units: cm, h, ug. Tolerance 0.5 % unless stated (issue #3), checked on both solvers.
"""

import numpy as np
import pytest

from dermsim.transport import analytic as an
from dermsim.transport.exact import solve_exact
from dermsim.permeation.layered import (LayeredDiffusion, Receptor, Region, Vehicle, discretise,
                                        steady_state_metrics)
from dermsim.transport.timestep import solve_tr_bdf2

H, D, K, C0 = 15e-4, 1e-10 * 3600, 1.0, 1000.0  # 15 um, 1e-10 cm2/s, ug/cm3
SOLVERS = {"exact": solve_exact, "tr-bdf2": solve_tr_bdf2}


def membrane(cells=40, partition=K, receptor=Receptor("sink")):
    return LayeredDiffusion((Region("membrane", H, partition, D, cells=cells),), Vehicle(True, C0),
                            receptor)


@pytest.mark.parametrize("solver", SOLVERS)
def test_crank_infinite_dose_amount(solver):
    system = discretise(membrane())
    t = np.linspace(0, 12, 145)
    q = SOLVERS[solver](system, t).cumulative[system.rate_index("permeated")]
    exact = an.crank_infinite_dose_amount(t, H, D, K, C0)
    late = t >= 2 * an.crank_lag_time(H, D)
    err = np.max(np.abs(q[late] / exact[late] - 1))
    assert err < 5e-3
    assert err < 1e-3  # measured 4.2e-4 at 40 cells


def test_crank_lag_time_and_flux_from_discrete_system():
    flux, lag = steady_state_metrics(discretise(membrane()), "permeated")
    assert flux == pytest.approx(K * D * C0 / H, rel=1e-10)  # FV exact for the linear steady profile
    assert lag == pytest.approx(an.crank_lag_time(H, D), rel=5e-3)


def test_lag_time_from_simulated_late_line():
    """Intercept of the late straight line of Q(t), the way experimenters measure it."""
    system = discretise(membrane())
    t = np.linspace(0, 12, 241)
    q = solve_exact(system, t).cumulative[system.rate_index("permeated")]
    slope, intercept = np.polyfit(t[t > 8], q[t > 8], 1)
    assert -intercept / slope == pytest.approx(an.crank_lag_time(H, D), rel=5e-3)


def test_crank_profile():
    system = discretise(membrane(cells=60))
    traj = solve_exact(system, np.array([0.0, 0.5, 2.0]))
    x = system.mesh.centres
    for i, t in enumerate([0.5, 2.0], start=1):
        exact = an.crank_infinite_dose_profile(x, t, H, D, K, C0)
        assert np.max(np.abs(traj.u[i] * K - exact)) / (K * C0) < 5e-3


@pytest.mark.parametrize("solver", SOLVERS)
def test_kasting_finite_dose(solver):
    hv = 10e-4  # 10 um film = 1 uL/cm2
    model = LayeredDiffusion((Region("membrane", H, 2.0, D, cells=40),),
                             Vehicle(False, C0, thickness=hv), Receptor("sink"))
    system = discretise(model)
    t = np.linspace(0, 48, 97)
    q = SOLVERS[solver](system, t).cumulative[system.rate_index("permeated")]
    frac = q / (C0 * hv)
    exact = an.kasting_finite_dose_fraction(t, H, D, 2.0, hv)
    late = t >= 2 * an.crank_lag_time(H, D)
    assert np.max(np.abs(frac[late] / exact[late] - 1)) < 5e-3


def test_kasting_quasi_steady_limit():
    """Thin membrane, large vehicle: C_v = C0 exp(−kp t / h_v) (Kasting 2001)."""
    hv = 0.1
    model = LayeredDiffusion((Region("membrane", H, 1.0, D, cells=30),), Vehicle(False, C0, hv))
    system = discretise(model)
    t = np.linspace(0, 48, 49)
    cv = solve_exact(system, t).u[:, system.vehicle_node]
    kp = D / H
    late = t > 5
    assert np.max(np.abs(cv[late] / (C0 * np.exp(-kp * t[late] / hv)) - 1)) < 5e-3


TWO_LAYER_CASES = [  # (l1, D1, K1, l2, D2, K2) in cm, cm2/h
    (15e-4, 3.6e-7, 1.0, 100e-4, 3.6e-3, 0.6),
    (15e-4, 3.6e-7, 10.0, 100e-4, 3.6e-5, 0.6),
    (20e-4, 1e-6, 0.1, 50e-4, 1e-6, 5.0),
]


@pytest.mark.parametrize("case", TWO_LAYER_CASES)
def test_two_layer_steady_flux_and_lag(case):
    l1, D1, K1, l2, D2, K2 = case
    model = LayeredDiffusion((Region("a", l1, K1, D1, cells=40), Region("b", l2, K2, D2, cells=40)),
                             Vehicle(True, C0))
    flux, lag = steady_state_metrics(discretise(model), "permeated")
    assert flux == pytest.approx(C0 * an.laminate_permeability([l1, l2], [D1, D2], [K1, K2]), rel=1e-9)
    assert lag == pytest.approx(an.two_layer_lag_time(l1, D1, K1, l2, D2, K2), rel=5e-3)


def test_two_layer_partition_jump_is_exact():
    l1, D1, K1, l2, D2, K2 = TWO_LAYER_CASES[1]
    model = LayeredDiffusion((Region("a", l1, K1, D1, cells=20), Region("b", l2, K2, D2, cells=20)),
                             Vehicle(True, C0))
    system = discretise(model)
    u = solve_exact(system, np.array([0.0, 200.0])).u[-1]
    c = u * system.partition
    # steady, piecewise-linear: extrapolate each side to the interface
    x, reg = system.mesh.centres, system.mesh.region
    left = np.polyval(np.polyfit(x[reg == 0][-2:], c[reg == 0][-2:], 1), l1)
    right = np.polyval(np.polyfit(x[reg == 1][:2], c[reg == 1][:2], 1), l1)
    assert right / left == pytest.approx(K2 / K1, rel=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_semi_infinite_early_time(solver):
    thick = 200e-4
    model = LayeredDiffusion((Region("m", thick, K, D, cells=200),), Vehicle(True, C0))
    model = LayeredDiffusion(model.regions, model.vehicle, grading=20.0)
    system = discretise(model)
    t = np.linspace(0, 2.0, 21)
    traj = SOLVERS[solver](system, t)
    uptake = traj.cumulative[system.rate_index("supplied")]
    exact = an.semi_infinite_uptake(t, D, K, C0)
    assert np.max(np.abs(uptake[4:] / exact[4:] - 1)) < 5e-3
    prof = an.semi_infinite_profile(system.mesh.centres, t[-1], D, K, C0)
    assert np.max(np.abs(traj.u[-1] * K - prof)) / (K * C0) < 5e-3


def test_dermal_clearance_cosh_profile():
    L, Dd, Kd, k = 0.1, 3.6e-3, 0.6, 5.0  # 1 mm dermis, 1e-6 cm2/s, 5 /h
    model = LayeredDiffusion((Region("dermis", L, Kd, Dd, clearance=k, cells=80),), Vehicle(True, C0),
                             Receptor("blood"), grading=2.0)
    system = discretise(model)
    flux, _ = steady_state_metrics(system, "cleared")
    assert flux == pytest.approx(an.clearance_steady_flux(L, Dd, k, Kd * C0), rel=5e-3)
    u = solve_exact(system, np.array([0.0, 100.0])).u[-1]
    exact = an.clearance_steady_profile(system.mesh.centres, L, Dd, k, Kd * C0)
    assert np.max(np.abs(u * Kd - exact)) / (Kd * C0) < 5e-3


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("receptor", [Receptor("sink"), Receptor("finite", thickness=5.0),
                                      Receptor("blood")])
@pytest.mark.parametrize("infinite", [True, False])
def test_mass_balance_closes(solver, receptor, infinite):
    regions = (Region("sc", 15e-4, 3.0, 3.6e-7, cells=20), Region("ve", 100e-4, 0.6, 3.6e-3, cells=10),
               Region("de", 0.1, 0.6, 3.6e-3, clearance=2.0 if receptor.kind == "blood" else 0.0,
                      cells=20))
    vehicle = Vehicle(infinite, C0, thickness=20e-4, evaporation_rate=0.3)
    system = discretise(LayeredDiffusion(regions, vehicle, receptor))
    traj = SOLVERS[solver](system, np.linspace(0, 24, 49))
    stored = traj.u @ system.capacity
    names = system.rate_names
    out = sum(traj.cumulative[i] for i, n in enumerate(names) if n != "supplied")
    supplied = traj.cumulative[names.index("supplied")] if infinite else 0.0
    initial = system.initial @ system.capacity
    residual = stored + out - supplied - initial
    scale = max(initial, np.max(supplied))
    assert np.max(np.abs(residual)) / scale < 1e-8


def test_tr_bdf2_is_second_order_in_time():
    system = discretise(membrane(cells=20))
    t = np.array([0.0, 3.0])
    reference = solve_exact(system, t).cumulative[system.rate_index("permeated")][-1]
    errors = []
    for n in (20, 40, 80):
        traj = solve_tr_bdf2(system, t, first_step=3.0 / n, max_step=3.0 / n)
        errors.append(abs(traj.cumulative[system.rate_index("permeated")][-1] - reference))
    order = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(order > 1.8)


def test_spatial_convergence_is_second_order():
    t = np.array([0.0, 4.0])
    exact = an.crank_infinite_dose_amount(t, H, D, K, C0)[-1]
    errors = []
    for cells in (10, 20, 40):
        system = discretise(membrane(cells=cells))
        errors.append(abs(solve_exact(system, t).cumulative[system.rate_index("permeated")][-1] - exact))
    order = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(order > 1.7)
