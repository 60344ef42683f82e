"""2D axisymmetric microneedle unit cell: one aqueous channel in layered skin.

Geometry (internal units cm, h, ug). Channels at density n (1/cm²) tile the skin; each owns a cylinder
of equal area, radius R = 1/√(π n) (`dermsim.microneedles.channel.cell_radius_for_density`), with the
channel (`dermsim.microneedles.channel.Channel`) on its axis. Depth z is
measured from the skin surface; the layers (SC, VE, basal layer, dermis …) are the same `Region`s as
in the 1D model, with partition K_j (region/water), diffusivity D_j (cm²/h) and clearance k_j (1/h).

The channel (depth d, surface radius a₀) is a cylinder, a(z) = a₀, or a cone (solid needles),
a(z) = a₀ (1 − z/d), for 0 ≤ z < d. It holds aqueous fluid (formulation or tissue fluid) with
partition K_ch = 1 to water and the hindered diffusivity of the solute (radius r_s) in a pore::

    D_ch(z) = D₀ · H(r_s / a(z))            (Renkin 1954; `dermsim.chemistry.macromolecule`)

Equations: in the tissue and the channel, with K, D, k the local material's values,

    ∂c/∂t = (1/r) ∂/∂r (r D ∂c/∂r) + ∂/∂z (D ∂c/∂z) − k c,

with continuity of flux and of u = c/K at every material boundary (layer interfaces and the channel
wall), so the partition jumps are exact; zero flux on the axis and at r = R (symmetry of the tiling).
Top (z = 0, whole cell face): the vehicle, as in the 1D model — infinite dose (u = C_v/K_v) or a
well-mixed finite film of thickness h_v with first-order evaporation k_e:
h_v dC_v/dt = −J_in − k_e h_v C_v (J_in averaged over the cell face). Bottom (z = L): a sink (u = 0),
a finite well-mixed receptor, or zero flux with dermal clearance carrying compound to the blood.

Closure. The channel's open cross-section shrinks over time; ``open_fraction`` f(t) ∈ [0, 1] is the
open area relative to the fresh channel. A partly closed channel keeps its depth and shape with the
open radius scaled, a(z, t) = a(z) √f(t); the closed part becomes the surrounding tissue again. The
coefficients are piecewise constant over a few closure epochs (`ClosureSchedule`): f is replaced on
each epoch by its mean there; epochs are placed so that f varies by equal amounts in each (or given
explicitly). At an epoch change the amount in every cell is kept (u scaled by C_old/C_new), so the
mass balance stays exact; compound in a closing channel ends up in the tissue that closes it. The
Renkin factor follows the narrowing radius. One factorisation is made per epoch and step size.

Discretisation: finite volumes in u on an `AxisymmetricMesh` (interface rule in `dermsim.transport.mesh`)
graded in z at every layer interface and at the channel tip, and in r away from the channel wall;
cells cut by the wall (cone, closure) hold a mixture. Cells are numbered row by row, so each epoch is a
`dermsim.transport.system.System` with a banded operator (half-bandwidth n_r). Time: TR-BDF2 with a
banded Cholesky factorisation of C + θhA per step size and epoch (`dermsim.transport.timestep`), epochs
driven by `dermsim.transport.epochs`. All extensive outputs are per unit area of skin (divided by πR²).

References: Crank 1975, The Mathematics of Diffusion, ch. 5 (cylinders) and 12; Renkin EM (1954) J Gen
Physiol 38:225; Davidson, Al-Qallaf & Das (2008) Chem Eng Res Des 86:1196 and Al-Qallaf & Das (2008)
Chem Eng Sci 63:2523 (unit-cell models of microneedle-treated skin); Kasting 2001 J Pharm Sci 90:202
(finite dose); microneedle closure kinetics: see `dermsim.microneedles.resealing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from dermsim.errors import InputError
from dermsim.microneedles.channel import Channel, ClosureSchedule, check_steady, closure_schedule
from dermsim.microneedles.channel_result import ChannelResult
from dermsim.microneedles.release import Release, with_release
from dermsim.permeation.layered import Receptor, Region, Vehicle
from dermsim.transport.blas import single_threaded_blas
from dermsim.transport.mesh import AxisymmetricMesh, graded_axis
from dermsim.transport.system import BandedOperator, System


@dataclass(frozen=True)
class ChannelCellModel:
    """The unit-cell model (module docstring): layered skin, one channel, vehicle, receptor, closure.

    Parameters
    ----------
    regions : the skin's regions top to bottom (as in the 1D model; ``cells`` sets the z resolution)
    vehicle, receptor : as in the 1D model
    cell_radius : R (cm), e.g. `cell_radius_for_density`
    channel : the channel, or None (intact skin)
    open_fraction : constant f, a vectorised callable f(t_h), or a `ClosureSchedule`
    closure_epochs : number of epochs a callable is split into
    layers : reporting bands (name, bottom depth in cm), top to bottom, the last at the base; default
        the regions. Extra boundaries (e.g. the papillary dermis) become mesh faces.
    resolution : multiplies every cell count
    radial_cells : (cells inside the fresh channel radius, cells from the wall to R)
    grading : widest/narrowest z cell within each z segment
    release : compound handed to the channel fluid over time by a patch (`dermsim.microneedles.release`),
        or None. It enters as a source spread over the channel fluid (hollow needles: its deepest tenth),
        piecewise constant over epochs so that the amount released by each epoch boundary is exact.
    """

    regions: tuple[Region, ...]
    vehicle: Vehicle
    receptor: Receptor
    cell_radius: float
    channel: Channel | None = None
    open_fraction: float | Callable | ClosureSchedule = 1.0
    closure_epochs: int = 16
    layers: tuple[tuple[str, float], ...] | None = None
    resolution: float = 1.0
    radial_cells: tuple[int, int] = (8, 24)
    grading: float = 3.0
    release: Release | None = None

    @property
    def thickness(self) -> float:
        return float(sum(r.thickness for r in self.regions))

    def layer_bounds(self) -> tuple[tuple[str, ...], np.ndarray]:
        """Reporting layer names and their (top, bottom) depths (cm)."""
        if self.layers is None:
            names = tuple(r.name for r in self.regions)
            bottoms = np.cumsum([r.thickness for r in self.regions])
        else:
            names = tuple(n for n, _ in self.layers)
            bottoms = np.array([float(b) for _, b in self.layers])
        total = self.thickness
        if np.any(np.diff(bottoms) <= 0) or bottoms[0] <= 0 or abs(bottoms[-1] - total) > 1e-9 * total:
            raise InputError("layers", [round(b * 1e4, 3) for b in bottoms],
                             f"increasing bottom depths ending at the base of the skin ({total * 1e4:.3f} um)")
        bottoms[-1] = total
        return names, np.column_stack([np.concatenate([[0.0], bottoms[:-1]]), bottoms])

    def schedule(self, duration: float, snap_to: np.ndarray | None = None) -> tuple[ClosureSchedule, np.ndarray]:
        """(epochs of closure and release, mean release rate per epoch in ug/cm²/h)."""
        closure = closure_schedule(self.open_fraction, duration, self.closure_epochs, snap_to)
        return with_release(closure, self.release, duration)

    def mesh(self) -> tuple[AxisymmetricMesh, np.ndarray]:
        """The mesh and the region index of each z row."""
        extra = list(self.layer_bounds()[1][:, 1])
        if self.channel is not None:
            extra.append(self.channel.depth)
        z_faces, row_region = depth_axis(self.regions, extra, self.resolution, self.grading)
        R = self.cell_radius
        n_in, n_out = (max(2, int(round(c * self.resolution))) for c in self.radial_cells)
        if self.channel is None:
            r_faces = np.array([0.0, R])
        elif self.channel.surface_radius >= R * (1 - 1e-12):
            r_faces = graded_axis([0.0, R], [n_in], ["uniform"])
        else:
            a0 = self.channel.surface_radius
            r_faces = graded_axis([0.0, a0, R], [n_in, n_out], ["uniform", "start"],
                                  first_widths=[None, a0 / n_in])
        return AxisymmetricMesh(r_faces=r_faces, z_faces=z_faces), row_region


def depth_axis(regions: Sequence[Region], extra_breaks: Sequence[float], resolution: float = 1.0,
               grading: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Depth faces (cm) through the regions, split also at ``extra_breaks`` (channel tip, report layers),
    each segment graded towards both ends; a segment gets its region's ``cells`` × resolution in
    proportion to its share of the region (at least 3). Returns (z_faces, region index of each row)."""
    region_bottoms = np.cumsum([r.thickness for r in regions])
    total = float(region_bottoms[-1])
    breaks = {round(float(b), 15) for b in region_bottoms} | {round(float(b), 15) for b in extra_breaks
                                                              if 0.0 < b < total}
    z_breaks = sorted({0.0} | breaks)
    z_breaks[-1] = total
    cells = []
    for a, b in zip(z_breaks[:-1], z_breaks[1:]):
        reg = regions[int(np.searchsorted(region_bottoms, 0.5 * (a + b)))]
        cells.append(max(3, int(round(reg.cells * resolution * (b - a) / reg.thickness))))
    z_faces = graded_axis(z_breaks, cells, ["both"] * len(cells), grading)
    row_region = np.searchsorted(region_bottoms, 0.5 * (z_faces[1:] + z_faces[:-1]))
    return z_faces, np.minimum(row_region, len(regions) - 1)


@dataclass
class DiscreteCell:
    """The unit cell's `System` for one closure epoch, with the cell bookkeeping the model reports from."""

    system: System
    channel_fraction: np.ndarray        # (n_z, n_r) θ, volume fraction of open channel in each cell
    cell_partition: np.ndarray          # (n_z, n_r) tissue K of each cell's row
    cell_volume: np.ndarray             # (n_z, n_r) per unit skin area (cm)
    open_radius: np.ndarray             # (n_z,) open channel radius of each row (cm)

    @property
    def offset(self) -> int:
        """Index of the first cell node."""
        return self.system.cell_slice.start


def _log_resistance(lo, hi, wall, kd_inner, kd_outer):
    """∫_lo^hi dr / (r KD(r)) (h/cm²) with KD = kd_inner for r < wall and kd_outer beyond; the radial
    resistance of a ring of height Δz between radii lo and hi is this / (2π Δz)."""
    m = np.clip(wall, lo, hi)
    inner = np.log(m / lo)
    outer = np.log(hi / m)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.divide(inner, kd_inner, out=np.zeros_like(inner), where=inner > 0)
        b = np.divide(outer, kd_outer, out=np.zeros_like(outer), where=outer > 0)
    return a + b


def discretise_cell(model: ChannelCellModel, mesh: AxisymmetricMesh, row_region: np.ndarray,
                    open_fraction: float, release_rate: float = 0.0) -> DiscreteCell:
    """Finite-volume `System` of the unit cell with the channel open to ``open_fraction`` (vectorised):
    nodes [vehicle?] + cells (row by row) + [receptor?], banded operator of half-bandwidth n_r, outflows
    "supplied", "permeated", "cleared", "evaporated" as in the 1D model. The initial state is the
    vehicle's u = C_v/K_v in a finite vehicle node and, in a channel filled at t = 0, in the channel fluid.
    ``release_rate`` (ug/cm²/h per unit skin area) enters the channel fluid as the inflow "released"."""
    nz, nr = mesh.shape
    rf, dz = mesh.r_faces, mesh.dz
    area = mesh.cross_section
    K_t = np.array([r.partition for r in model.regions])[row_region]
    D_t = np.array([r.diffusivity for r in model.regions])[row_region]
    k_t = np.array([r.clearance for r in model.regions])[row_region]
    ch = model.channel
    if ch is not None:
        a = ch.radius_at(mesh.z_centres, open_fraction)
        K_c, k_c = ch.partition, ch.clearance
        D_c = ch.diffusivity(a)
    else:
        a = np.zeros(nz)
        K_c, k_c, D_c = 1.0, 0.0, np.zeros(nz)
    kd_c, kd_t = K_c * D_c, K_t * D_t
    r_in, r_out = rf[:-1][None, :], rf[1:][None, :]
    wall = a[:, None]
    theta = (np.clip(wall, r_in, r_out) ** 2 - r_in**2) / (r_out**2 - r_in**2)
    volume = np.outer(dz, mesh.ring_areas) / area                                   # cm
    capacity = volume * (theta * K_c + (1.0 - theta) * K_t[:, None])
    loss = volume * (theta * K_c * k_c + (1.0 - theta) * (K_t * k_t)[:, None])
    kd_mix = theta * kd_c[:, None] + (1.0 - theta) * kd_t[:, None]
    g_half_z = (mesh.ring_areas[None, :] / area) * kd_mix / (0.5 * dz[:, None])      # cm/h
    with np.errstate(divide="ignore"):
        res_z = 1.0 / g_half_z
        g_z = 1.0 / (res_z[:-1] + res_z[1:])                                          # (nz−1, nr)
        # radial: node at mid-radius; outward half of cell i and inward half of cell i+1
        rc = mesh.r_centres[None, :]
        outward = _log_resistance(np.broadcast_to(rc, (nz, nr)), np.broadcast_to(r_out, (nz, nr)),
                                  wall, kd_c[:, None], kd_t[:, None])
        inward = _log_resistance(np.broadcast_to(r_in[:, 1:], (nz, nr - 1)), np.broadcast_to(rc[:, 1:], (nz, nr - 1)),
                                 wall, kd_c[:, None], kd_t[:, None])
        # g = 2π Δz / (∫_out,i + ∫_in,i+1), per unit skin area ÷ πR²
        g_r = 2.0 * np.pi * dz[:, None] / (outward[:, :-1] + inward) / area
    g_top, g_bottom = g_half_z[0], g_half_z[-1]

    veh, rec = model.vehicle, model.receptor
    offset = 0 if veh.infinite else 1
    n_cells = nz * nr
    n = offset + n_cells + (1 if rec.kind == "finite" else 0)
    w = nr
    bands = np.zeros((w + 1, n))
    cells = slice(offset, offset + n_cells)
    diag = np.zeros(n)
    diag[cells] = loss.ravel()
    # radial couplings A[p, p+1]
    if nr > 1:
        gr_full = np.zeros((nz, nr))
        gr_full[:, :-1] = g_r
        flat = gr_full.ravel()                                   # coupling of p with p+1 (0 at row ends)
        bands[w - 1, offset + 1: offset + n_cells] -= flat[:-1]
        diag[cells] += flat
        diag[offset + 1: offset + n_cells] += flat[:-1]
    # axial couplings A[p, p+nr]
    flat_z = g_z.ravel()
    bands[0, offset + nr: offset + n_cells] -= flat_z
    diag[offset: offset + n_cells - nr] += flat_z
    diag[offset + nr: offset + n_cells] += flat_z
    source = np.zeros(n)
    capacity_full = np.zeros(n)
    capacity_full[cells] = capacity.ravel()
    part = veh.partition
    u_donor = veh.concentration / part
    top_idx = offset + np.arange(nr)
    bottom_idx = offset + (nz - 1) * nr + np.arange(nr)
    vehicle_node = receptor_node = None
    loss_v = 0.0
    if veh.infinite:
        diag[top_idx] += g_top
        source[top_idx] = g_top * u_donor
    else:
        vehicle_node = 0
        loss_v = veh.evaporation_rate * part * veh.thickness
        capacity_full[0] = part * veh.thickness
        diag[0] += g_top.sum() + loss_v
        diag[top_idx] += g_top
        bands[w - top_idx, top_idx] -= g_top            # A[0, p], p − 0 = top_idx ≤ n_r
    if rec.kind == "sink":
        diag[bottom_idx] += g_bottom
    elif rec.kind == "finite":
        receptor_node = n - 1
        capacity_full[-1] = rec.partition * rec.thickness
        diag[-1] += g_bottom.sum()
        diag[bottom_idx] += g_bottom
        bands[w - (receptor_node - bottom_idx), receptor_node] -= g_bottom
    elif rec.kind != "blood":
        raise InputError("receptor.kind", rec.kind, "sink | finite | blood", choices=("sink", "finite", "blood"))
    bands[w] = diag

    names, weights, const = [], [], []

    def add_rate(name, vec, c0=0.0):
        names.append(name)
        weights.append(vec)
        const.append(c0)

    if veh.infinite:
        wv = np.zeros(n)
        wv[top_idx] = -g_top
        add_rate("supplied", wv, float(g_top.sum() * u_donor))
    if rec.kind == "sink":
        wv = np.zeros(n)
        wv[bottom_idx] = g_bottom
        add_rate("permeated", wv)
    wv = np.zeros(n)
    wv[cells] = loss.ravel()
    add_rate("cleared", wv)
    if vehicle_node is not None:
        wv = np.zeros(n)
        wv[vehicle_node] = loss_v
        add_rate("evaporated", wv)
    if model.release is not None:
        share = _release_share(volume * theta, mesh, ch, model.release.kind)
        source[cells] += release_rate * share.ravel()
        add_rate("released", np.zeros(n), float(release_rate))
    initial = np.zeros(n)
    if vehicle_node is not None:
        initial[0] = u_donor
    if ch is not None and ch.initially_filled:
        amount = volume * theta * ch.partition * u_donor
        initial[cells] = (amount / capacity_full[cells].reshape(nz, nr)).ravel()
    partition = np.ones(n)
    partition[cells] = (theta * K_c + (1.0 - theta) * K_t[:, None]).ravel()
    if vehicle_node is not None:
        partition[0] = part
    if receptor_node is not None:
        partition[-1] = rec.partition
    system = System(capacity=capacity_full, operator=BandedOperator(bands), source=source, initial=initial,
                    rate_names=tuple(names), rate_weights=np.array(weights), rate_constant=np.array(const),
                    vehicle_node=vehicle_node, receptor_node=receptor_node, cell_slice=cells,
                    partition=partition, mesh=mesh)
    return DiscreteCell(system=system, channel_fraction=theta,
                        cell_partition=np.broadcast_to(K_t[:, None], (nz, nr)).copy(), cell_volume=volume,
                        open_radius=a)


def _release_share(channel_volume: np.ndarray, mesh: AxisymmetricMesh, channel: Channel | None,
                   kind: str) -> np.ndarray:
    """Share (–, sums to 1) of a patch's release entering each cell: by channel-fluid volume; hollow needles
    deliver at their tip, the deepest tenth of the channel."""
    if channel is None or not channel_volume.sum() > 0:
        raise InputError("microneedle.mode", kind, "a channel to release into (the needles must pierce)")
    weights = channel_volume.copy()
    if kind == "hollow":
        weights[mesh.z_centres < 0.9 * channel.depth, :] = 0.0
        if not weights.sum() > 0:
            weights = channel_volume.copy()
    return weights / weights.sum()


@single_threaded_blas
def solve_channel_cell(model: ChannelCellModel, times: Sequence[float], *, progress=None,
                       growth: float = 0.05, first_step: float | None = None, max_step: float | None = None,
                       restart_step: float | None = None, linear_solver: str = "banded") -> ChannelResult:
    """Integrate the unit cell to the output ``times`` (h, increasing, times[0] = 0).

    Parameters
    ----------
    progress : optional callable(fraction) called after each output time
    growth : substep ≈ growth × (time since the last coefficient change), rounded down to Δ/2^m
    first_step : smallest substep (h); default duration × 1e-5
    max_step : largest substep (h); default duration / 100
    restart_step : first substep after a closure epoch change (h); default duration × 1e-3 (the
        jump in coefficients is local and TR-BDF2 is L-stable; see docs of the validation)
    linear_solver : "banded" (LAPACK banded Cholesky, default) or "splu" (SuperLU)
    """
    from dermsim.transport.epochs import check_times, solve_epochs
    from dermsim.transport.timestep import TRBDF2Epochs

    if linear_solver not in ("banded", "splu"):
        raise InputError("linear_solver", linear_solver, "banded | splu", choices=("banded", "splu"))
    times = check_times(times)
    duration = float(times[-1])
    integrator = TRBDF2Epochs(first_step or duration * 1e-5, restart_step or duration * 1e-3, growth,
                              max_step or duration / 100.0)
    mesh, row_region = model.mesh()
    nz, nr = mesh.shape
    schedule, rates = model.schedule(duration, snap_to=times)
    layer_names, bounds = model.layer_bounds()
    layer_of_row = np.minimum(np.searchsorted(bounds[:, 1], mesh.z_centres), len(layer_names) - 1)
    onehot = (layer_of_row[:, None] == np.arange(len(layer_names))[None, :]).astype(float)   # (nz, n_layers)
    K_c = model.channel.partition if model.channel else 1.0

    n_t = times.size
    u_out = np.empty((n_t, nz, nr))
    layer_amounts = np.empty((n_t, len(layer_names)))
    channel_amount = np.empty(n_t)
    vehicle_amount = np.full(n_t, np.nan)
    receptor_amount = np.full(n_t, np.nan)
    epochs: list[DiscreteCell] = []

    def build(e):
        cell = discretise_cell(model, mesh, row_region, schedule.fractions[e], float(rates[e]))
        epochs.append(cell)
        if linear_solver == "splu":
            return cell.system.with_operator(cell.system.operator.to_sparse())
        return cell.system

    def record(idx, system, u, q, e):
        cell = epochs[e]
        cells = u[:, system.cell_slice].reshape(-1, nz, nr)
        u_out[idx] = cells
        theta = cell.channel_fraction
        tissue = (cell.cell_volume * (1 - theta) * cell.cell_partition * cells).sum(axis=2)
        layer_amounts[idx] = tissue @ onehot
        channel_amount[idx] = (cell.cell_volume * theta * K_c * cells).sum(axis=(1, 2))
        if system.vehicle_node is not None:
            vehicle_amount[idx] = u[:, 0] * system.capacity[0]
        if system.receptor_node is not None:
            receptor_amount[idx] = u[:, -1] * system.capacity[-1]

    run = solve_epochs(times, schedule.starts, build, integrator, record=record, progress=progress)
    return ChannelResult(
        times=times, mesh=mesh, u=u_out, layer_names=layer_names, layer_bounds=bounds,
        layer_amounts=layer_amounts, channel_amount=channel_amount, cumulative=run.cumulative,
        vehicle_amount=None if model.vehicle.infinite else vehicle_amount,
        receptor_amount=receptor_amount if model.receptor.kind == "finite" else None,
        open_fraction=np.array(schedule.fractions)[run.epoch_of_time],
        mass_balance_error=run.mass_balance_error,
        model=model, schedule=schedule, epoch_of_time=run.epoch_of_time,
        epoch_radius=[c.open_radius for c in epochs],
        epoch_channel_fraction=[c.channel_fraction for c in epochs], cell_partition=epochs[0].cell_partition,
        stats={"steps": integrator.steps, "factorisations": integrator.factorisations, "unknowns": run.unknowns,
               "mesh_shape": (nz, nr), "epochs": run.epochs})


@single_threaded_blas
def steady_state(model: ChannelCellModel, open_fraction: float = 1.0):
    """Steady state of the unit cell with the channel open to ``open_fraction`` (infinite dose).

    Returns (outflows, u): ``outflows`` maps each rate name ("supplied", "permeated", "cleared") to its
    steady value (ug/cm²/h per unit skin area) and ``u`` is the (n_z, n_r) steady u = c/K. Needs a
    loss (sink or clearance) and an infinite dose; solved directly (no time stepping).
    """
    check_steady(model.vehicle)
    mesh, row_region = model.mesh()
    system = discretise_cell(model, mesh, row_region, open_fraction).system
    u = system.steady()
    return system.rates(u), u[system.cell_slice].reshape(mesh.shape)
