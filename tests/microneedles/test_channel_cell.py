"""2D axisymmetric microneedle unit cell: limits against the 1D model, grid convergence, mass balance.

Units: cm, h, ug. Skin: SC 15 um | VE 90 um | basal layer 10 um | dermis 1000 um (sink or blood).
"""

import math
from dataclasses import replace

import numpy as np
import pytest

from dermsim.errors import InputError
from dermsim.microneedles.channel import Channel, ClosureSchedule, cell_radius_for_density
from dermsim.microneedles.channel_cell import ChannelCellModel, solve_channel_cell, steady_state
from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle, discretise
from dermsim.transport.exact import solve_exact
from dermsim.transport.mesh import AxisymmetricMesh, graded_axis, one_sided_widths
from dermsim.transport.timestep import dyadic_step_sizes

UM = 1e-4
D_TISSUE = 0.6 * 0.02 * 0.6     # K D of a small protein in viable tissue, cm^2/h (order of magnitude)
C0 = 1000.0


def skin(sc_diffusivity=3.6e-7, clearance=0.0, cells=(20, 8, 4, 12)):
    return (Region("stratum_corneum", 15 * UM, 1.0, sc_diffusivity, cells=cells[0]),
            Region("viable_epidermis", 90 * UM, 0.6, D_TISSUE, cells=cells[1]),
            Region("basal_layer", 10 * UM, 0.6, D_TISSUE, cells=cells[2]),
            Region("dermis", 1000 * UM, 0.6, D_TISSUE, clearance=clearance, cells=cells[3]))


def layer_amounts_1d(system, traj):
    mesh = system.mesh
    cap = system.capacity[system.cell_slice]
    u = traj.u[:, system.cell_slice]
    return np.stack([(u[:, mesh.region == r] * cap[mesh.region == r]).sum(axis=1)
                     for r in range(len(mesh.region_names))], axis=1)


def test_cell_radius_equal_area():
    n = 250.0
    R = cell_radius_for_density(n)
    assert math.pi * R**2 * n == pytest.approx(1.0)
    with pytest.raises(InputError):
        cell_radius_for_density(0.0)


def test_mesh_helpers():
    w = one_sided_widths(1.0, 12, 0.01)
    assert w.sum() == pytest.approx(1.0) and w[0] == pytest.approx(0.01, rel=1e-6) and np.all(np.diff(w) > 0)
    faces = graded_axis([0.0, 0.3, 1.0], [5, 7], ["uniform", "start"], first_widths=[None, 0.06])
    assert faces[5] == 0.3 and faces[-1] == 1.0 and faces.size == 13
    mesh = AxisymmetricMesh(r_faces=faces, z_faces=np.linspace(0, 2.0, 9))
    assert mesh.volumes.sum() == pytest.approx(math.pi * 1.0 * 2.0)
    assert mesh.shape == (8, 12)


def test_dyadic_steps_tile_intervals_with_few_sizes():
    times = np.linspace(0, 24, 241)
    steps = dyadic_step_sizes(times, 0.0, 24e-5, 0.05, 0.1)
    assert all(abs(s.sum() - 0.1) < 1e-12 for s in steps)
    sizes = {float(f"{h:.12e}") for s in steps for h in s}
    assert len(sizes) <= 12
    # steps only grow within an interval, and never exceed growth * t (after the first step)
    for t0, s in zip(times[:-1], steps):
        t = t0 + np.concatenate([[0.0], np.cumsum(s)[:-1]])
        assert np.all(s <= np.maximum(0.05 * t, 24e-5) + 1e-15)


@pytest.mark.parametrize("receptor", ["sink", "blood"])
def test_zero_open_channels_reproduce_1d(receptor):
    """Closed channels (f = 0) leave layered skin: 2D must equal the 1D model (< 0.5 %)."""
    regions = skin(clearance=0.5 if receptor == "blood" else 0.0)
    vehicle = Vehicle(True, C0)
    t = np.linspace(0, 24, 97)
    system = discretise(LayeredDiffusion(regions, vehicle, Receptor(receptor)))
    traj = solve_exact(system, t)
    out = "permeated" if receptor == "sink" else "cleared"
    q1 = traj.cumulative[system.rate_index(out)]
    a1 = layer_amounts_1d(system, traj)
    channel = Channel(depth=200 * UM, surface_radius=35 * UM, free_diffusivity=0.02, shape="cone")
    model = ChannelCellModel(regions, vehicle, Receptor(receptor), cell_radius_for_density(100), channel,
                             open_fraction=0.0, radial_cells=(4, 8))
    res = solve_channel_cell(model, t)
    late = t >= 2.0
    assert np.max(np.abs(res.cumulative[out][late] / q1[late] - 1)) < 5e-3
    err = np.max(np.abs(res.layer_amounts - a1), axis=0) / a1.max(axis=0)
    assert np.all(err < 5e-3), err
    assert np.all(res.channel_amount == 0.0)
    assert res.mass_balance_error < 1e-8


def test_channel_through_sc_over_whole_area_reproduces_1d_without_sc():
    """A cylinder through the whole SC with channel area fraction 1 (a0 = R) is the 1D skin whose SC is
    replaced by channel fluid (K = 1, D = D0 H(r_s/a0))."""
    regions = skin()
    vehicle = Vehicle(True, C0)
    a0 = 35 * UM
    channel = Channel(depth=15 * UM, surface_radius=a0, free_diffusivity=0.02, solute_radius=2 * 1e-7,
                      shape="cylinder")
    d_channel = float(channel.diffusivity(a0))
    assert d_channel < 0.02
    t = np.linspace(0, 24, 97)
    one_d = (Region("channel", 15 * UM, 1.0, d_channel, cells=20),) + regions[1:]
    system = discretise(LayeredDiffusion(one_d, vehicle, Receptor("sink")))
    traj = solve_exact(system, t)
    q1 = traj.cumulative[system.rate_index("permeated")]
    a1 = layer_amounts_1d(system, traj)
    res = solve_channel_cell(ChannelCellModel(regions, vehicle, Receptor("sink"), a0, channel, radial_cells=(4, 8)), t)
    late = t >= 1.0
    assert np.max(np.abs(res.permeated[late] / q1[late] - 1)) < 5e-3
    a2 = res.layer_amounts.copy()
    assert np.max(np.abs(a2[:, 0])) == 0.0            # no SC tissue left
    a2[:, 0] = res.channel_amount
    err = np.max(np.abs(a2 - a1), axis=0) / a1.max(axis=0)
    assert np.all(err < 5e-3), err


def _convergence_model(resolution):
    # moderate contrasts so the corner singularities stay weak: second order expected
    regions = (Region("stratum_corneum", 20 * UM, 1.0, 2e-3, cells=6),
               Region("viable_epidermis", 80 * UM, 0.6, 0.01, cells=8),
               Region("dermis", 400 * UM, 0.8, 0.02, cells=12))
    channel = Channel(depth=60 * UM, surface_radius=30 * UM, free_diffusivity=0.02, shape="cylinder")
    return ChannelCellModel(regions, Vehicle(True, C0), Receptor("sink"), 150 * UM, channel,
                            resolution=resolution, radial_cells=(4, 8))


def test_grid_convergence_second_order():
    fluxes = np.array([steady_state(_convergence_model(r))[0]["permeated"] for r in (1, 2, 4)])
    d1, d2 = abs(fluxes[1] - fluxes[0]), abs(fluxes[2] - fluxes[1])
    order = math.log2(d1 / d2)
    assert order > 1.7, order
    assert d2 / fluxes[2] < 2e-3


def test_transient_tends_to_direct_steady_state():
    model = replace(_convergence_model(1), resolution=1)
    steady = steady_state(model)[0]["permeated"]
    res = solve_channel_cell(model, np.linspace(0, 40, 81))
    flux = (res.permeated[-1] - res.permeated[-2]) / 0.5
    assert flux == pytest.approx(steady, rel=1e-4)


def test_banded_and_sparse_lu_agree():
    model = _convergence_model(1)
    t = np.linspace(0, 5, 11)
    a = solve_channel_cell(model, t, linear_solver="banded")
    b = solve_channel_cell(model, t, linear_solver="splu")
    assert np.allclose(a.permeated, b.permeated, rtol=1e-10, atol=1e-12)
    with pytest.raises(InputError):
        solve_channel_cell(model, t, linear_solver="magic")


def half_life(hours):
    return lambda t: np.exp(-math.log(2) * np.asarray(t) / hours)


@pytest.mark.parametrize("case", ["finite-dose-finite-receptor", "blood-filled-channel", "sink-schedule"])
def test_mass_balance_with_closure(case):
    regions = skin(sc_diffusivity=0.0, clearance=0.5 if case.startswith("blood") else 0.0)
    channel = Channel(depth=200 * UM, surface_radius=35 * UM, free_diffusivity=0.02, solute_radius=2e-7,
                      shape="cone", initially_filled=case.startswith("blood"))
    if case.startswith("finite"):
        vehicle, receptor, f = Vehicle(False, C0, 10 * UM, 1.0, 0.2), Receptor("finite", 0.5, 1.0), half_life(4)
    elif case.startswith("blood"):
        vehicle, receptor, f = Vehicle(True, C0), Receptor("blood"), half_life(2)
    else:
        vehicle, receptor = Vehicle(False, C0, 10 * UM, 2.0), Receptor("sink")
        f = ClosureSchedule((0.0, 3.0, 7.5), (1.0, 0.4, 0.0))
    model = ChannelCellModel(regions, vehicle, receptor, cell_radius_for_density(150), channel, open_fraction=f,
                             closure_epochs=6, radial_cells=(4, 8))
    seen = []
    res = solve_channel_cell(model, np.linspace(0, 12, 49), progress=seen.append)
    assert res.mass_balance_error < 1e-8
    assert seen[-1] == pytest.approx(1.0) and np.all(np.diff(seen) > 0)
    assert np.all(np.diff(res.open_fraction) <= 1e-15)           # closing
    if case.startswith("sink"):
        assert res.open_fraction[-1] == 0.0 and res.channel_amount[-1] == 0.0
        assert res.permeated[-1] > 0
    if receptor.kind == "finite":
        assert res.receptor_amount[-1] > 0 and res.cumulative["evaporated"][-1] > 0


def test_closure_schedule_from_function():
    s = ClosureSchedule.from_function(half_life(5), 24.0, epochs=8)
    assert len(s.starts) == 8 and s.starts[0] == 0.0
    assert all(a > b for a, b in zip(s.fractions[:-1], s.fractions[1:]))
    # means over the epochs keep the time integral of the open fraction
    edges = np.array(s.starts + (24.0,))
    integral = np.sum(np.diff(edges) * np.array(s.fractions))
    assert integral == pytest.approx(5 / math.log(2) * (1 - 2 ** (-24 / 5)), rel=1e-5)
    assert ClosureSchedule.from_function(lambda t: 0.3 + 0 * t, 24.0).fractions == (0.3,)
    with pytest.raises(InputError):
        ClosureSchedule.from_function(lambda t: 2.0 + 0 * t, 24.0)
    with pytest.raises(InputError):
        ClosureSchedule((0.0, 1.0), (1.0,))


def test_concentration_has_exact_partition_jumps():
    regions = skin()
    channel = Channel(depth=200 * UM, surface_radius=35 * UM, free_diffusivity=0.02, shape="cylinder")
    model = ChannelCellModel(regions, Vehicle(True, C0), Receptor("sink"), cell_radius_for_density(100), channel,
                             radial_cells=(4, 8))
    res = solve_channel_cell(model, np.linspace(0, 2, 5))
    # across the channel wall at mid-depth of the VE: c_tissue / c_channel = K_ve / 1
    z = 60 * UM
    inside, outside = res.concentration(2.0, 35 * UM * (1 - 1e-9), z), res.concentration(2.0, 35 * UM * (1 + 1e-9), z)
    assert float(outside / inside) == pytest.approx(0.6, rel=1e-6)
    # across the VE / basal-layer interface far from the channel (same K): continuous
    r = 400 * UM
    above, below = res.concentration(2.0, r, 105 * UM * (1 - 1e-9)), res.concentration(2.0, r, 105 * UM * (1 + 1e-9))
    assert float(above) == pytest.approx(float(below), rel=1e-6)
    cells = res.cell_concentration(2.0)
    assert cells.shape == res.mesh.shape and np.all(cells >= 0)
    with pytest.raises(InputError):
        res.concentration(1.234, 0.0, 0.0)


def test_bad_inputs():
    with pytest.raises(InputError):
        Channel(depth=0.0, surface_radius=1e-3, free_diffusivity=0.01)
    with pytest.raises(InputError):
        Channel(depth=1e-2, surface_radius=1e-3, free_diffusivity=0.01, shape="pyramid")
    model = ChannelCellModel(skin(), Vehicle(True, C0), Receptor("sink"), 0.05, layers=(("top", 50 * UM), ("rest", 0.05)))
    with pytest.raises(InputError, match="layers"):
        model.layer_bounds()
    ok = ChannelCellModel(skin(), Vehicle(True, C0), Receptor("sink"), 0.05)
    with pytest.raises(InputError):
        solve_channel_cell(ok, [1.0, 2.0])


def test_reporting_layers_split_the_dermis():
    regions = skin()
    total = sum(r.thickness for r in regions)
    layers = (("stratum_corneum", 15 * UM), ("viable_epidermis", 105 * UM), ("basal_layer", 115 * UM),
              ("papillary_dermis", 465 * UM), ("dermis", total))
    channel = Channel(depth=300 * UM, surface_radius=35 * UM, free_diffusivity=0.02)
    base = ChannelCellModel(regions, Vehicle(True, C0), Receptor("sink"), cell_radius_for_density(100), channel,
                            radial_cells=(4, 8))
    split = solve_channel_cell(replace(base, layers=layers), np.linspace(0, 6, 7))
    assert split.layer_names[3] == "papillary_dermis"
    assert np.any(np.isclose(split.mesh.z_faces, 465 * UM, rtol=0, atol=1e-12))
    assert np.all(split.layer_amounts[1:, 3] > 0) and np.all(split.layer_amounts[1:, 4] > 0)
