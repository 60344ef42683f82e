"""Fast parallel-pathway model of microneedle-treated skin, for sweeps (milliseconds per 24 h run).

Two 1D pathways in depth z share the skin area (internal units cm, h, ug; amounts per unit skin area):

* the *intact* path — the layered skin of the 1D model (`dermsim.permeation.layered`) — over the area
  fraction 1 − φ(z, t);
* the *channel* path — aqueous channel fluid (K = 1, D_ch = D₀ H(r_s/a), Renkin) down to the channel
  depth d — over the open area fraction φ(z, t) = n π a(z)² f(t), with n channels per cm², a(z) the
  channel radius (cylinder a₀, cone a₀(1 − z/d)) and f(t) the open fraction (closure).

In each path, per unit skin area, C_p du_p/dt = ∂/∂z (A_p K D ∂u_p/∂z) − A_p K k u_p (+ exchange),
u = c/K continuous at the layer interfaces. Two couplings (``coupling``):

``"independent"`` (the classic parallel-pathway model, e.g. Mitragotri 2003 J Control Release 86:69: J = (1 − φ)
    J_intact + φ J_pore): below the channel tip the channel path continues through the tissue under it
    with the same area φ; the paths never exchange. Cheap and transparent, but it confines the flux
    leaving a channel to a column of the channel's own cross-section, so it underestimates delivery
    unless φ is large or the tissue under the tip is thin.
``"lateral"`` (default): the channel exchanges with the surrounding tissue through its wall at every
    depth, and below the tip the two paths merge into the full-area tissue. The wall conductance per
    unit depth and skin area is that of pseudo-steady radial diffusion in the equal-area unit cell
    (radius R = 1/√(πn)) around a channel of open radius a::

        g_wall = n / [ S(a, R) / (2π K_t D_t) + 1 / (8π K_ch D_ch) ],
        S = R⁴ ln(R/a)/(R² − a²)² − R²/(2(R² − a²)) − 1/4       (→ ln(R/a) − 3/4 for R ≫ a)

    (mean tissue value vs the wall for a uniformly absorbing annulus, plus the channel's own mean-to-wall
    resistance). This is the 2D unit cell (`dermsim.microneedles.channel_cell`) with the radial direction
    lumped into two compartments per depth.

Both are finite volumes on the 2D model's depth mesh, with the nodes of a depth row numbered together,
so each epoch is a `dermsim.transport.system.System` with a banded operator (half-bandwidth 2). A
time-invariant run is solved exactly (`dermsim.transport.exact`: eigen-decomposition of the banded system,
dense eigenvectors of a few hundred nodes); with closure, f(t) is piecewise constant over epochs
(`ClosureSchedule`, as in the 2D model; `dermsim.transport.epochs`) with each depth row's amount kept at
an epoch change (channel content moves into the tissue that closes it) and the exact solution inside
each epoch. φ(t) = 0 gives exactly the 1D layered model on the same mesh.

Validity against the 2D unit cell (steady flux, `validation/microneedle_transport.py`): see `VALIDITY`.
The lumped wall exchange treats the tissue at each depth as laterally mixed; that holds when the cell
radius is small against the channel depth and the distance to the sink. Outside, `calibrate_exchange`
scales the exchange (wall and tip) so that the steady flux matches one steady 2D solve of the same cell
(about 20 ms), and the fast model then carries the transient, the closure and the dose.

References: Crank 1975 ch. 5 (radial diffusion); the parallel-pathway form of Mitragotri 2003 / Brogden,
Milewski & Stinchcomb (microneedle pore pathway of their naltrexone series, e.g. Mol Pharm 2013); Davidson, Al-Qallaf &
Das 2008 Chem Eng Res Des 86:1196 (effective permeability of microneedle-treated skin); pseudo-steady
radial shape factor as in well-test analysis (Peaceman 1978 SPE J 18:183 for the ln(R/a) − 3/4 form).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from dermsim.errors import InputError
from dermsim.microneedles.channel import Channel, ClosureSchedule, check_steady, closure_schedule
from dermsim.microneedles.channel_cell import ChannelCellModel, depth_axis
from dermsim.microneedles.channel_result import PermeatedAmount
from dermsim.microneedles.release import Release, with_release
from dermsim.permeation.layered import Receptor, Region, Vehicle
from dermsim.transport.blas import single_threaded_blas
from dermsim.transport.system import BandedOperator, System

COUPLINGS = ("lateral", "independent")

#: Where the uncalibrated models agree with the 2D unit cell (steady flux, EGF-like protein, SC impermeable,
#: 35 um channels, sink or dermal clearance; validation/microneedle_transport.py, docs/validation.md).
VALIDITY = (
    "lateral coupling: within 10 % of the 2D steady flux for dense arrays — cylinders at >= 300 /cm2 "
    "(R <= 330 um) and depths >= 150 um, or 1000 /cm2 at any depth; cones at 1000 /cm2 and depths >= 150 um. "
    "Fails for sparse arrays (<= 100 /cm2, R >= 560 um): deep channels 13-39 % low, shallow (50 um) cylinders "
    "up to 34 % high and shallow cones up to 53 % low. independent coupling: 90-100 % low everywhere checked. "
    "calibrate_exchange() restores agreement (steady flux by construction; 24 h delivery with closure within "
    "10 % for every library device at 1-20 passes in vivo and in vitro, docs/validation.md); `calibrated()` "
    "does it automatically with a cache, and dermsim's microneedle runs use it."
)


@dataclass(frozen=True)
class ParallelPathwayModel:
    """Parallel-pathway model (module docstring).

    Parameters
    ----------
    regions, vehicle, receptor : as in the 1D model (`dermsim.permeation.layered`)
    channel : the channel (`dermsim.microneedles.channel.Channel`)
    channel_density : channels per cm² (n)
    open_fraction : constant f, a vectorised callable f(t_h) or a `ClosureSchedule`
    coupling : "lateral" (default) or "independent"
    closure_epochs : epochs a callable is split into (default 12: against 128 epochs the basal-layer
        amount is within ~4 % and 24 h delivery within 0.1 % for t½ = 1–20 h; the cost is ~3 ms per epoch)
    layers : reporting bands (name, bottom depth cm); default the regions
    resolution : multiplies the cells of each region
    grading : widest/narrowest cell per depth segment
    exchange_factor : scale of the channel–tissue couplings (1: the lateral-exchange model as derived)
    exchange_table : ((open fraction, factor), ...) from `calibrated`: the factor at an open fraction is
        interpolated in log f between them (clamped at the ends), since a contracted channel exchanges
        differently from a fresh one; empty: ``exchange_factor`` at every open fraction
    """

    regions: tuple[Region, ...]
    vehicle: Vehicle
    receptor: Receptor
    channel: Channel
    channel_density: float
    open_fraction: float | Callable | ClosureSchedule = 1.0
    coupling: str = "lateral"
    closure_epochs: int = 12
    layers: tuple[tuple[str, float], ...] | None = None
    resolution: float = 1.0
    grading: float = 3.0
    exchange_factor: float = 1.0
    release: Release | None = None
    exchange_table: tuple[tuple[float, float], ...] = ()

    def exchange_at(self, open_fraction: float) -> float:
        """The exchange factor at a (constant) open fraction (see ``exchange_table``)."""
        if not self.exchange_table or not open_fraction > 0:
            return self.exchange_factor
        fs, gs = zip(*sorted(self.exchange_table))
        return float(np.exp(np.interp(np.log(open_fraction), np.log(fs), np.log(gs))))

    def __post_init__(self):
        if self.coupling not in COUPLINGS:
            raise InputError("coupling", self.coupling, " | ".join(COUPLINGS), choices=COUPLINGS)
        if not self.channel_density > 0:
            raise InputError("channel_density", self.channel_density, "a density > 0 per cm²")

    @property
    def cell_radius(self) -> float:
        return 1.0 / np.sqrt(np.pi * self.channel_density)

    def layer_bounds(self):
        return ChannelCellModel(self.regions, self.vehicle, self.receptor, self.cell_radius,
                                layers=self.layers).layer_bounds()

    def depth_mesh(self) -> tuple[np.ndarray, np.ndarray]:
        extra = list(self.layer_bounds()[1][:, 1]) + [self.channel.depth]
        return depth_axis(self.regions, extra, self.resolution, self.grading)

    def schedule(self, duration: float, snap_to=None) -> tuple[ClosureSchedule, np.ndarray]:
        """(epochs of closure and release, mean release rate per epoch in ug/cm²/h)."""
        closure = closure_schedule(self.open_fraction, duration, self.closure_epochs, snap_to)
        return with_release(closure, self.release, duration)


@dataclass
class DiscretePathways:
    """Both pathways' `System` (banded, half-bandwidth 2) for one epoch, with the node bookkeeping."""

    system: System
    row: np.ndarray              # depth row of each node (−1 for vehicle / receptor)
    is_channel: np.ndarray       # node holds channel fluid
    on_path_a: np.ndarray        # node belongs to the channel path (A); else the intact path (B)


def _wall_shape_factor(a: np.ndarray, R) -> np.ndarray:
    """S(a, R) of the module docstring (mean of a uniformly absorbing annulus minus its wall value)."""
    a = np.minimum(a, R * (1 - 1e-12))
    R2, a2 = R * R, a * a
    return R2 * R2 * np.log(R / a) / (R2 - a2) ** 2 - R2 / (2.0 * (R2 - a2)) - 0.25


def discretise_pathways(model: ParallelPathwayModel, z_faces: np.ndarray, row_region: np.ndarray,
                        open_fraction: float, release_rate: float = 0.0) -> DiscretePathways:
    """Banded finite-volume `System` of both pathways for a constant open fraction (vectorised); the
    initial state is u = C_v/K_v in a finite vehicle node and in the channel fluid of a filled channel.
    ``release_rate`` (ug/cm²/h) enters the channel fluid as the inflow "released" (hollow needles: its
    deepest tenth), as in `dermsim.microneedles.channel_cell`."""
    dz = np.diff(z_faces)
    zc = 0.5 * (z_faces[1:] + z_faces[:-1])
    ch, n = model.channel, model.channel_density
    K_t = np.array([r.partition for r in model.regions])[row_region]
    D_t = np.array([r.diffusivity for r in model.regions])[row_region]
    k_t = np.array([r.clearance for r in model.regions])[row_region]
    radius = ch.radius_at(zc, open_fraction)
    in_channel = (zc < ch.depth) & (radius > 0)
    phi = np.minimum(n * np.pi * radius**2, 1.0)
    lateral = model.coupling == "lateral"
    exchange = model.exchange_at(open_fraction)
    if lateral:
        area_a = np.where(in_channel, phi, 0.0)
    else:                         # the channel path continues under the tip with its surface area
        area_a = np.where(zc < ch.depth, phi, np.minimum(n * np.pi * ch.surface_radius**2 * open_fraction, 1.0))
    area_b = 1.0 - area_a
    K_a = np.where(in_channel, ch.partition, K_t)
    D_a = np.where(in_channel, ch.diffusivity(radius), D_t)
    k_a = np.where(in_channel, ch.clearance, k_t)
    has_a = area_a > 1e-15
    has_b = area_b > 1e-15
    # node numbering: [vehicle] then per row [A?, B?], then [receptor]
    veh, rec = model.vehicle, model.receptor
    offset = 0 if veh.infinite else 1
    count = has_a.astype(int) + has_b.astype(int)
    first = offset + np.concatenate([[0], np.cumsum(count)[:-1]])
    idx_a = np.where(has_a, first, -1)
    idx_b = np.where(has_b, first + has_a, -1)
    n_nodes = offset + int(count.sum()) + (1 if rec.kind == "finite" else 0)
    cap = np.zeros(n_nodes)
    loss = np.zeros(n_nodes)
    part = np.ones(n_nodes)
    row = np.full(n_nodes, -1)
    is_ch = np.zeros(n_nodes, dtype=bool)
    on_a = np.zeros(n_nodes, dtype=bool)
    for idx, area, K, k, chan in ((idx_a, area_a, K_a, k_a, in_channel), (idx_b, area_b, K_t, k_t, None)):
        m = idx >= 0
        cap[idx[m]] = (area * K * dz)[m]
        loss[idx[m]] = (area * K * k * dz)[m]
        part[idx[m]] = K[m]
        row[idx[m]] = np.flatnonzero(m)
        if chan is not None:
            is_ch[idx[m]] = chan[m]
            on_a[idx[m]] = True
    half_a = np.where(has_a, area_a * K_a * D_a / (0.5 * dz), 0.0)     # centre-to-face conductance
    half_b = np.where(has_b, area_b * K_t * D_t / (0.5 * dz), 0.0)
    edges_p, edges_q, edges_g = [], [], []

    def series(g1, g2):
        with np.errstate(divide="ignore"):
            return 1.0 / (1.0 / g1 + 1.0 / g2)

    def connect(p, q, g):
        m = (p >= 0) & (q >= 0) & (g > 0)
        edges_p.append(p[m])
        edges_q.append(q[m])
        edges_g.append(g[m])

    connect(idx_b[:-1], idx_b[1:], series(half_b[:-1], half_b[1:]))
    if lateral:
        connect(idx_a[:-1], idx_a[1:], series(half_a[:-1], half_a[1:]))
        # channel tip: the channel's bottom face (area φ) into the tissue below, through that area
        tip = has_a[:-1] & ~has_a[1:]
        below = np.where(tip, area_a[:-1] * K_t[1:] * D_t[1:] / (0.5 * dz[1:]), 0.0)
        connect(np.where(tip, idx_a[:-1], -1), idx_b[1:], exchange * series(half_a[:-1], below))
        # wall exchange
        R = model.cell_radius
        slant = np.sqrt(1.0 + (ch.surface_radius / ch.depth) ** 2) if ch.shape == "cone" else 1.0
        with np.errstate(divide="ignore"):
            resist = (_wall_shape_factor(np.maximum(radius, 1e-300), R) / (2 * np.pi * K_t * D_t)
                      + 1.0 / (8 * np.pi * K_a * D_a))
            g_wall = np.where(has_a & has_b & (radius > 0), exchange * slant * n * dz / resist, 0.0)
        connect(idx_a, idx_b, g_wall)
    else:
        connect(idx_a[:-1], idx_a[1:], series(half_a[:-1], half_a[1:]))
    source = np.zeros(n_nodes)
    u_donor = veh.concentration / veh.partition
    top = [(idx_a[0], half_a[0]), (idx_b[0], half_b[0])]
    bottom = [(idx_a[-1], half_a[-1]), (idx_b[-1], half_b[-1])]
    vehicle_node = receptor_node = None
    rate = {}
    diag_extra = np.zeros(n_nodes)
    if veh.infinite:
        w = np.zeros(n_nodes)
        c0 = 0.0
        for p, g in top:
            if p >= 0:
                diag_extra[p] += g
                source[p] += g * u_donor
                w[p] -= g
                c0 += g * u_donor
        rate["supplied"] = (w, c0)
    else:
        vehicle_node = 0
        cap[0] = veh.partition * veh.thickness
        loss[0] = veh.evaporation_rate * veh.partition * veh.thickness
        part[0] = veh.partition
        for p, g in top:
            if p >= 0:
                connect(np.array([0]), np.array([p]), np.array([g]))
    if rec.kind == "sink":
        w = np.zeros(n_nodes)
        for p, g in bottom:
            if p >= 0:
                diag_extra[p] += g
                w[p] += g
        rate["permeated"] = (w, 0.0)
    elif rec.kind == "finite":
        receptor_node = n_nodes - 1
        cap[-1] = rec.partition * rec.thickness
        part[-1] = rec.partition
        for p, g in bottom:
            if p >= 0:
                connect(np.array([p]), np.array([receptor_node]), np.array([g]))
    w = loss.copy()
    if vehicle_node is not None:
        w[0] = 0.0
    rate["cleared"] = (w, 0.0)
    if vehicle_node is not None:
        w = np.zeros(n_nodes)
        w[0] = loss[0]
        rate["evaporated"] = (w, 0.0)
    if model.release is not None:
        weights = np.where(is_ch, cap, 0.0)
        if model.release.kind == "hollow":
            deep = is_ch & (zc[np.maximum(row, 0)] >= 0.9 * ch.depth)
            weights = np.where(deep, cap, 0.0) if np.any(deep) else weights
        if not weights.sum() > 0:
            raise InputError("microneedle.mode", model.release.kind, "a channel to release into (the needles must pierce)")
        source += release_rate * weights / weights.sum()
        rate["released"] = (np.zeros(n_nodes), float(release_rate))
    p, q, g = (np.concatenate(x) for x in (edges_p, edges_q, edges_g))
    lo, hi = np.minimum(p, q), np.maximum(p, q)
    if np.any(hi - lo > 2):
        raise AssertionError("pathway system is not banded with half-bandwidth 2")
    bands = np.zeros((3, n_nodes))
    bands[2] = loss + diag_extra + np.bincount(p, g, n_nodes) + np.bincount(q, g, n_nodes)
    for k in (1, 2):                      # each (lo, hi) pair occurs once
        m = hi - lo == k
        bands[2 - k, hi[m]] -= g[m]
    names = tuple(rate)
    initial = np.zeros(n_nodes)
    if vehicle_node is not None:
        initial[0] = u_donor
    if ch.initially_filled:
        initial[is_ch] = u_donor
    system = System(capacity=cap, operator=BandedOperator(bands), source=source, initial=initial, rate_names=names,
                    rate_weights=np.array([rate[k][0] for k in names]),
                    rate_constant=np.array([rate[k][1] for k in names]), vehicle_node=vehicle_node,
                    receptor_node=receptor_node, partition=part)
    return DiscretePathways(system=system, row=row, is_channel=is_ch, on_path_a=on_a)


@dataclass
class PathwayResult(PermeatedAmount):
    """Parallel-pathway solution at the output times; amounts per unit skin area (ug/cm²)."""

    times: np.ndarray
    layer_names: tuple[str, ...]
    layer_amounts: np.ndarray        # (n_t, n_layers) tissue of both paths
    channel_amount: np.ndarray       # (n_t,) open channel fluid
    cumulative: dict[str, np.ndarray]
    vehicle_amount: np.ndarray | None
    receptor_amount: np.ndarray | None
    open_fraction: np.ndarray
    mass_balance_error: float
    model: ParallelPathwayModel



@single_threaded_blas
def solve_parallel(model: ParallelPathwayModel, times: Sequence[float]) -> PathwayResult:
    """Exact solution at ``times`` (h, increasing, times[0] = 0), epoch by epoch."""
    from dermsim.transport.epochs import check_times, solve_epochs
    from dermsim.transport.exact import exact_epoch

    times = check_times(times)
    duration = float(times[-1])
    z_faces, row_region = model.depth_mesh()
    nz = row_region.size
    schedule, rates = model.schedule(duration, snap_to=times)
    names, bounds = model.layer_bounds()
    zc = 0.5 * (z_faces[1:] + z_faces[:-1])
    layer_of_row = np.minimum(np.searchsorted(bounds[:, 1], zc), len(names) - 1)
    n_t = times.size
    layer_amounts = np.zeros((n_t, len(names)))
    channel_amount = np.zeros(n_t)
    vehicle_amount = np.full(n_t, np.nan)
    receptor_amount = np.full(n_t, np.nan)
    epochs: list[DiscretePathways] = []

    def build(e):
        epochs.append(discretise_pathways(model, z_faces, row_region, schedule.fractions[e], float(rates[e])))
        return epochs[-1].system

    def remap(old, u, new, e):
        return _remap(epochs[e - 1], u, epochs[e], nz)

    projections: dict[int, np.ndarray] = {}

    def record(idx, system, u, q, e):
        nodes = epochs[e]
        amount = u * system.capacity                       # (n_sel, n_nodes)
        project = projections.get(e)
        if project is None:                                # tissue node → its reporting layer
            tissue = (nodes.row >= 0) & ~nodes.is_channel
            project = projections[e] = np.zeros((system.size, len(names)))
            project[np.flatnonzero(tissue), layer_of_row[nodes.row[tissue]]] = 1.0
        layer_amounts[idx] = amount @ project
        channel_amount[idx] = amount[:, nodes.is_channel].sum(axis=1)
        if system.vehicle_node is not None:
            vehicle_amount[idx] = amount[:, 0]
        if system.receptor_node is not None:
            receptor_amount[idx] = amount[:, -1]

    run = solve_epochs(times, schedule.starts, build, exact_epoch, remap=remap, record=record)
    return PathwayResult(times=times, layer_names=names, layer_amounts=layer_amounts, channel_amount=channel_amount,
                         cumulative=run.cumulative,
                         vehicle_amount=None if model.vehicle.infinite else vehicle_amount,
                         receptor_amount=receptor_amount if model.receptor.kind == "finite" else None,
                         open_fraction=np.array(schedule.fractions)[run.epoch_of_time],
                         mass_balance_error=run.mass_balance_error, model=model)


def _remap(old: DiscretePathways, u: np.ndarray, new: DiscretePathways, nz: int) -> np.ndarray:
    """Keep each depth row's amount across an epoch change; the channel path's share follows its area
    (a closing channel hands its content to the tissue that closes it, a reopening one takes a share)."""
    amount = old.system.capacity * u

    def per_row(nodes, values, path_a):
        m = (nodes.row >= 0) & (nodes.on_path_a == path_a)
        return np.bincount(nodes.row[m], weights=values[m], minlength=nz)

    a_old, b_old = per_row(old, amount, True), per_row(old, amount, False)
    cap_a_old = per_row(old, old.system.capacity, True)
    cap_a_new, cap_b_new = per_row(new, new.system.capacity, True), per_row(new, new.system.capacity, False)
    # path-A capacity ∝ its area (same material and Δz): the kept share is the area ratio
    keep = np.minimum(np.divide(cap_a_new, cap_a_old, out=np.zeros(nz), where=cap_a_old > 0), 1.0)
    a_new = a_old * keep
    b_new = b_old + a_old * (1.0 - keep)
    grow = cap_a_new > cap_a_old * (1 + 1e-12)
    share = np.divide(cap_a_new - cap_a_old, cap_a_new + cap_b_new, out=np.zeros(nz), where=grow)
    a_new, b_new = a_new + b_new * share, b_new * (1.0 - share)
    # a path absent in a row hands its amount to the other
    a_new, b_new = (np.where(cap_a_new > 0, a_new, 0.0), np.where(cap_a_new > 0, b_new, a_new + b_new))
    a_new, b_new = (np.where(cap_b_new > 0, a_new, a_new + b_new), np.where(cap_b_new > 0, b_new, 0.0))
    out = np.zeros(new.system.size)
    ia = (new.row >= 0) & new.on_path_a
    ib = (new.row >= 0) & ~new.on_path_a
    out[ia] = a_new[new.row[ia]]
    out[ib] = b_new[new.row[ib]]
    if old.system.vehicle_node is not None:
        out[0] = amount[0]
    if old.system.receptor_node is not None:
        out[-1] = amount[-1]
    return out / new.system.capacity


@single_threaded_blas
def steady_flux(model: ParallelPathwayModel, open_fraction: float = 1.0) -> dict[str, float]:
    """Steady outflows (ug/cm²/h per unit skin area) for an infinite dose and a constant open fraction."""
    check_steady(model.vehicle)
    z_faces, row_region = model.depth_mesh()
    system = discretise_pathways(model, z_faces, row_region, open_fraction).system
    return system.rates(system.steady())


def calibrate_exchange(model: ParallelPathwayModel, resolution: float = 0.5,
                       radial_cells: tuple[int, int] = (8, 24), open_fraction: float = 1.0) -> ParallelPathwayModel:
    """Copy of ``model`` whose channel–tissue exchange factor makes its steady flux equal to the 2D unit cell's.

    One steady 2D solve (`dermsim.microneedles.channel_cell.steady_state`, channel open to ``open_fraction``,
    infinite dose) at ``resolution``, then a scalar root find on ``exchange_factor`` (both the wall and the tip
    couplings are scaled). In vivo without clearance (no steady state) the geometry is calibrated with a sink at
    the base. Key a cache on everything that sets the model if calibrating inside a sweep.
    """
    from dataclasses import replace

    from scipy.optimize import brentq

    from dermsim.microneedles.channel_cell import steady_state

    if model.coupling != "lateral":
        raise InputError("coupling", model.coupling, "'lateral' for calibration")
    receptor = model.receptor
    cleared = any(r.clearance > 0 for r in model.regions)
    if receptor.kind == "finite" or (receptor.kind == "blood" and not cleared):
        receptor = Receptor("sink")
    outflow = "cleared" if receptor.kind == "blood" else "permeated"
    vehicle = replace(model.vehicle, infinite=True, concentration=1.0)   # linear: any donor will do
    cell = ChannelCellModel(model.regions, vehicle, receptor, model.cell_radius, model.channel,
                            resolution=resolution, radial_cells=radial_cells)
    target = steady_state(cell, open_fraction)[0][outflow]
    base = replace(model, vehicle=vehicle, receptor=receptor, open_fraction=open_fraction, exchange_table=())

    def mismatch(log_factor):
        flux = steady_flux(replace(base, exchange_factor=math.exp(log_factor)), open_fraction)[outflow]
        return math.log(flux / target)

    lo, hi = math.log(1e-3), math.log(1e3)
    f_lo, f_hi = mismatch(lo), mismatch(hi)
    if f_lo > 0 or f_hi < 0:     # out of reach: take the nearer end
        factor = math.exp(lo if f_lo > 0 else hi)
    else:
        factor = math.exp(brentq(mismatch, lo, hi, xtol=1e-6))
    return replace(model, exchange_factor=factor)


_CALIBRATED: dict[tuple, tuple[tuple[float, float], ...]] = {}
#: Open fractions the exchange is calibrated at: a fresh channel and contracted or closing ones (excised skin
#: keeps ~0.3 % open; resealing passes through every fraction), interpolated in log f between them.
CALIBRATION_FRACTIONS = (1.0, 0.1, 0.01, 0.001)


def calibrated(model: ParallelPathwayModel) -> ParallelPathwayModel:
    """``model`` with the exchange factors of `calibrate_exchange` at `CALIBRATION_FRACTIONS`, cached per geometry
    and material (regions, channel, density, receptor, vehicle partition, mesh settings; not the dose or the
    closure), so a sweep or a protocol pays four steady 2D solves (~10–20 ms each) per distinct skin and device.
    One factor at the fresh channel alone left contracted channels (f = 0.003) up to 24 % low."""
    from dataclasses import replace

    key = (model.regions, model.channel, model.channel_density, model.receptor, model.vehicle.partition,
           model.resolution, model.grading, model.coupling)
    if key not in _CALIBRATED:
        _CALIBRATED[key] = tuple((f, calibrate_exchange(model, open_fraction=f).exchange_factor)
                                 for f in CALIBRATION_FRACTIONS)
    table = _CALIBRATED[key]
    return replace(model, exchange_factor=table[0][1], exchange_table=table)
