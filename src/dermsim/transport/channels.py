"""2D axisymmetric microneedle unit cell: one aqueous channel in layered skin.

Geometry (internal units cm, h, ug). Channels at density n (1/cm²) tile the skin; each owns a cylinder
of equal area, radius R = 1/√(π n) (`cell_radius_for_density`), with the channel on its axis. Depth z is
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
cells cut by the wall (cone, closure) hold a mixture. Time: TR-BDF2 with a banded Cholesky
factorisation of C + θhA per step size (`dermsim.transport.timestep`). All extensive outputs are per
unit area of skin (divided by πR²).

References: Crank 1975, The Mathematics of Diffusion, ch. 5 (cylinders) and 12; Renkin EM (1954) J Gen
Physiol 38:225; Davidson, Al-Qallaf & Das (2008) Chem Eng Res Des 86:1196 and Al-Qallaf & Das (2008)
Chem Eng Sci 63:2523 (unit-cell models of microneedle-treated skin); Kasting 2001 J Pharm Sci 90:202
(finite dose); microneedle closure kinetics: see `dermsim.microneedles.resealing`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from dermsim.errors import InputError
from dermsim.transport.blas import single_threaded_blas
from dermsim.transport.layered import Receptor, Region, Vehicle
from dermsim.transport.mesh import AxisymmetricMesh, graded_axis

CHANNEL_SHAPES = ("cone", "cylinder")
CLOSURE_FLOOR = 0.01  # open fraction below which closure epochs follow absolute, not relative, change


def cell_radius_for_density(channels_per_cm2: float) -> float:
    """Radius (cm) of the equal-area unit cell of one channel: R = 1/√(π n), n in channels per cm²."""
    n = float(channels_per_cm2)
    if not n > 0:
        raise InputError("channel_density", channels_per_cm2, "a channel density > 0 per cm²")
    return 1.0 / math.sqrt(math.pi * n)


@dataclass(frozen=True)
class Channel:
    """One channel (see module docstring).

    Parameters
    ----------
    depth : cm
    surface_radius : open radius at the skin surface when fresh (cm)
    free_diffusivity : D₀ of the solute in the channel fluid (cm²/h)
    solute_radius : hydrodynamic radius of the solute (cm), for the Renkin factor; 0 for none
    shape : "cone" (solid needles) or "cylinder"
    partition : channel fluid / water (–), 1 for an aqueous fluid
    clearance : first-order loss in the channel fluid (1/h)
    initially_filled : True if the channel starts filled with fluid in equilibrium with the vehicle
        (u = C_v/K_v: e.g. a needle coated or wetted with the formulation); False: tissue fluid, c = 0.
        The content of a filled channel comes in addition to the applied dose.
    """

    depth: float
    surface_radius: float
    free_diffusivity: float
    solute_radius: float = 0.0
    shape: str = "cone"
    partition: float = 1.0
    clearance: float = 0.0
    initially_filled: bool = False

    def __post_init__(self):
        if self.shape not in CHANNEL_SHAPES:
            raise InputError("channel.shape", self.shape, " | ".join(CHANNEL_SHAPES), choices=CHANNEL_SHAPES)
        for name in ("depth", "surface_radius", "free_diffusivity", "partition"):
            if not getattr(self, name) > 0:
                raise InputError(f"channel.{name}", getattr(self, name), "a value > 0")
        if self.solute_radius < 0 or self.clearance < 0:
            raise InputError("channel.solute_radius", self.solute_radius, "a radius ≥ 0 and clearance ≥ 0")

    def radius_at(self, z: np.ndarray, open_fraction: float = 1.0) -> np.ndarray:
        """Open radius a(z) √f (cm) at depths z (cm); 0 below the tip."""
        z = np.asarray(z, dtype=float)
        shape = (1.0 - z / self.depth) if self.shape == "cone" else np.ones_like(z)
        return np.where(z < self.depth, self.surface_radius * shape * math.sqrt(open_fraction), 0.0)

    def diffusivity(self, radius: np.ndarray) -> np.ndarray:
        """Channel-fluid diffusivity D₀ H(r_s/a) (cm²/h); 0 where a = 0."""
        from dermsim.chemistry.macromolecule import renkin_hindrance

        radius = np.asarray(radius, dtype=float)
        h = renkin_hindrance(self.solute_radius, radius) if self.solute_radius > 0 else np.ones_like(radius)
        return np.where(radius > 0, self.free_diffusivity * h, 0.0)


@dataclass(frozen=True)
class ClosureSchedule:
    """Piecewise-constant open fraction: ``fractions[k]`` on [``starts[k]``, ``starts[k+1]``) (h)."""

    starts: tuple[float, ...]
    fractions: tuple[float, ...]

    def __post_init__(self):
        if len(self.starts) != len(self.fractions) or not self.starts or self.starts[0] != 0.0:
            raise InputError("open_fraction", self.starts, "epoch starts beginning at 0 h, one fraction each")
        if np.any(np.diff(self.starts) <= 0):
            raise InputError("open_fraction", self.starts, "strictly increasing epoch start times")
        f = np.asarray(self.fractions, dtype=float)
        if np.any(~((f >= 0) & (f <= 1))):
            raise InputError("open_fraction", self.fractions, "open fractions between 0 and 1")

    @classmethod
    def constant(cls, fraction: float) -> "ClosureSchedule":
        return cls((0.0,), (float(fraction),))

    @classmethod
    def from_function(cls, open_fraction: Callable, duration: float, epochs: int = 8,
                      snap_to: np.ndarray | None = None) -> "ClosureSchedule":
        """Epochs over [0, duration] on which ``open_fraction(t)`` (vectorised, t in h) varies equally.

        Equal steps of log(f + 0.01): relative changes of f count while f is well above 1 % open, absolute
        ones below (so an exponential closure gets epochs of about equal length). Each epoch carries the
        mean of f over it (the open area integrated over time is kept); boundaries are moved to the nearest
        of ``snap_to`` (e.g. the output times) when given. ``epochs`` is the number of epochs if f varies.
        """
        t = np.linspace(0.0, duration, 4097)
        f = np.asarray(open_fraction(t), dtype=float)
        if f.shape != t.shape:
            f = np.array([float(open_fraction(x)) for x in t])
        if np.any(~((f >= -1e-12) & (f <= 1 + 1e-12))):
            raise InputError("open_fraction", "a function", "values between 0 and 1 at every time")
        f = np.clip(f, 0.0, 1.0)
        g = np.log(f + CLOSURE_FLOOR)
        variation = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(g)))])
        if variation[-1] < 1e-12 or epochs <= 1:
            return cls.constant(float(np.mean(f)) if epochs <= 1 else float(f[0]))
        targets = variation[-1] * np.arange(1, epochs) / epochs
        bounds = np.array([t[np.searchsorted(variation, v)] for v in targets])
        if snap_to is not None:
            snap = np.asarray(snap_to, dtype=float)
            bounds = snap[np.abs(snap[None, :] - bounds[:, None]).argmin(axis=1)]
        bounds = np.unique(bounds[(bounds > 0) & (bounds < duration)])
        edges = np.concatenate([[0.0], bounds, [duration]])
        integral = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(t))])
        at = np.interp(edges, t, integral)
        means = np.clip(np.diff(at) / np.diff(edges), 0.0, 1.0)
        return cls(tuple(float(x) for x in edges[:-1]), tuple(float(x) for x in means))


def closure_schedule(open_fraction, duration: float, epochs: int, snap_to=None) -> ClosureSchedule:
    """A `ClosureSchedule` from a constant, a callable f(t_h) (split into ``epochs``) or a schedule."""
    if isinstance(open_fraction, ClosureSchedule):
        return open_fraction
    if callable(open_fraction):
        return ClosureSchedule.from_function(open_fraction, duration, epochs, snap_to)
    return ClosureSchedule.constant(float(open_fraction))


def check_times(times) -> np.ndarray:
    """Output times as a float array: increasing, starting at 0 h (else `InputError`)."""
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size < 2 or times[0] != 0.0 or np.any(np.diff(times) <= 0):
        raise InputError("times", "array", "increasing output times starting at 0 h")
    return times


def check_steady(vehicle: Vehicle) -> None:
    if not vehicle.infinite:
        raise InputError("vehicle.infinite", False, "an infinite dose for a steady state")


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

    def schedule(self, duration: float, snap_to: np.ndarray | None = None) -> ClosureSchedule:
        return closure_schedule(self.open_fraction, duration, self.closure_epochs, snap_to)

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
class BandedSystem:
    """Semi-discrete C du/dt = −A u + b with A symmetric banded in LAPACK upper band storage
    (``bands[w − k, j]`` = A[j − k, j]); outflows Q = ∫ (rate_weights · u + rate_constant) dt."""

    capacity: np.ndarray
    bands: np.ndarray
    source: np.ndarray
    rate_names: tuple[str, ...]
    rate_weights: np.ndarray
    rate_constant: np.ndarray

    @property
    def size(self) -> int:
        return self.capacity.size

    def rate_index(self, name: str) -> int:
        return self.rate_names.index(name)


@dataclass
class CellSystem(BandedSystem):
    """The unit cell's `BandedSystem` for one closure epoch, with its cell bookkeeping."""

    channel_fraction: np.ndarray        # (n_z, n_r) θ, volume fraction of open channel in each cell
    cell_partition: np.ndarray          # (n_z, n_r) tissue K of each cell's row
    cell_volume: np.ndarray             # (n_z, n_r) per unit skin area (cm)
    open_radius: np.ndarray             # (n_z,) open channel radius of each row (cm)
    vehicle_node: int | None
    receptor_node: int | None
    offset: int                         # index of the first cell


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
                    open_fraction: float) -> CellSystem:
    """Finite-volume system of the unit cell with the channel open to ``open_fraction`` (vectorised)."""
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
    return CellSystem(capacity=capacity_full, bands=bands, source=source, rate_names=tuple(names),
                      rate_weights=np.array(weights), rate_constant=np.array(const), channel_fraction=theta,
                      cell_partition=np.broadcast_to(K_t[:, None], (nz, nr)).copy(), cell_volume=volume,
                      open_radius=a, vehicle_node=vehicle_node, receptor_node=receptor_node, offset=offset)


class PermeatedAmount:
    """Mixin for results with ``model.receptor``, ``cumulative`` and ``receptor_amount``."""

    @property
    def permeated(self) -> np.ndarray:
        """Cumulative amount into the receptor or blood (ug/cm²): cleared (blood), receptor content
        (finite) or sink outflow."""
        kind = self.model.receptor.kind
        if kind == "blood":
            return self.cumulative["cleared"]
        if kind == "finite":
            return self.receptor_amount
        return self.cumulative["permeated"]


@dataclass
class ChannelResult(PermeatedAmount):
    """Solution of the unit cell at the output times; amounts are per unit area of skin (ug/cm²).

    Attributes
    ----------
    times : (n_t,) h
    u : (n_t, n_z, n_r) water-equivalent concentration c/K in each cell (ug/cm³)
    layer_names : reporting layers; ``layer_amounts`` (n_t, n_layers) is the amount in their *tissue*
    channel_amount : (n_t,) amount in the open channel fluid (all depths)
    cumulative : outflows by name ("supplied" in from an infinite dose, "permeated" into a sink,
        "cleared" to the blood, "evaporated"), each (n_t,)
    vehicle_amount, receptor_amount : (n_t,) or None
    open_fraction : (n_t,) open fraction in force at each output time (epoch value)
    mass_balance_error : max |stored + out − supplied − initial| / max(initial, supplied)
    """

    times: np.ndarray
    mesh: AxisymmetricMesh
    u: np.ndarray
    layer_names: tuple[str, ...]
    layer_bounds: np.ndarray
    layer_amounts: np.ndarray
    channel_amount: np.ndarray
    cumulative: dict[str, np.ndarray]
    vehicle_amount: np.ndarray | None
    receptor_amount: np.ndarray | None
    open_fraction: np.ndarray
    mass_balance_error: float
    model: ChannelCellModel
    schedule: ClosureSchedule
    epoch_of_time: np.ndarray
    epoch_radius: list[np.ndarray]       # open radius per z row, per epoch
    epoch_channel_fraction: list[np.ndarray]   # θ per cell, per epoch
    cell_partition: np.ndarray           # tissue K of each cell (n_z, n_r)
    stats: dict = field(default_factory=dict)


    def _time_index(self, time: float) -> int:
        k = int(np.argmin(np.abs(self.times - time)))
        if abs(self.times[k] - time) > 1e-9 * max(1.0, abs(time)):
            raise InputError("time", time, "one of the output times (h)")
        return k

    def partition_at(self, k: int, r: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Local K (tissue or channel fluid) at points (r, z) (cm) at output index k."""
        names = self.model.regions
        bottoms = np.cumsum([reg.thickness for reg in names])
        idx = np.minimum(np.searchsorted(bottoms, z, side="right"), len(names) - 1)
        k_t = np.array([reg.partition for reg in names])[idx]
        ch = self.model.channel
        if ch is None:
            return k_t
        f = self.open_fraction[k]
        return np.where(r < ch.radius_at(z, f), ch.partition, k_t)

    def concentration(self, time: float, r, z) -> np.ndarray:
        """c(time, r, z) in ug/cm³ at points (cm, broadcast): u interpolated bilinearly between cell
        centres (clamped at the outer centres) times the local partition coefficient, so the jumps at
        layer interfaces and the channel wall are exact. ``time`` must be an output time (h)."""
        k = self._time_index(time)
        r, z = np.broadcast_arrays(np.asarray(r, dtype=float), np.asarray(z, dtype=float))
        rc, zc = self.mesh.r_centres, self.mesh.z_centres
        u = self.u[k]
        rr = np.clip(r, rc[0], rc[-1])
        zz = np.clip(z, zc[0], zc[-1])
        i = np.clip(np.searchsorted(rc, rr) - 1, 0, max(rc.size - 2, 0))
        j = np.clip(np.searchsorted(zc, zz) - 1, 0, max(zc.size - 2, 0))
        if rc.size > 1:
            tr = (rr - rc[i]) / (rc[i + 1] - rc[i])
            i1 = i + 1
        else:
            tr, i1 = np.zeros_like(rr), i
        tz = (zz - zc[j]) / (zc[j + 1] - zc[j])
        uu = ((1 - tz) * ((1 - tr) * u[j, i] + tr * u[j, i1]) + tz * ((1 - tr) * u[j + 1, i] + tr * u[j + 1, i1]))
        return uu * self.partition_at(k, r, z)

    def cell_concentration(self, time: float) -> np.ndarray:
        """(n_z, n_r) volume-mean concentration of each cell (ug/cm³) at an output time."""
        k = self._time_index(time)
        e = self.epoch_of_time[k]
        theta = self.epoch_channel_fraction[e]
        ch = self.model.channel
        k_mix = theta * (ch.partition if ch else 1.0) + (1 - theta) * self.cell_partition
        return self.u[k] * k_mix


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
    from dermsim.transport.timestep import (BandedOperator, SparseLUOperator, advance, banded_to_sparse,
                                           dyadic_step_sizes)

    times = check_times(times)
    duration = float(times[-1])
    first_step = first_step or duration * 1e-5
    max_step = max_step or duration / 100.0
    restart_step = restart_step or duration * 1e-3
    mesh, row_region = model.mesh()
    nz, nr = mesh.shape
    schedule = model.schedule(duration, snap_to=times)
    starts = np.array(schedule.starts)
    starts = starts[starts < duration]
    layer_names, bounds = model.layer_bounds()
    z_c = mesh.z_centres
    layer_of_row = np.minimum(np.searchsorted(bounds[:, 1], z_c), len(layer_names) - 1)
    onehot = (layer_of_row[None, :] == np.arange(len(layer_names))[:, None]).astype(float)   # (n_layers, nz)

    n_t = times.size
    u_out = np.empty((n_t, nz, nr))
    layer_amounts = np.empty((n_t, len(layer_names)))
    channel_amount = np.empty(n_t)
    vehicle_amount = np.full(n_t, np.nan)
    receptor_amount = np.full(n_t, np.nan)
    stored = np.empty(n_t)
    epoch_of_time = np.empty(n_t, dtype=int)
    cumulative = None
    thetas, partitions, radii = [], [], []
    u = q = previous_capacity = None
    n_factorisations = n_steps = 0
    initial_total = 0.0

    def record(k, system, uu, qq, epoch):
        cells = uu[system.offset: system.offset + nz * nr].reshape(nz, nr)
        u_out[k] = cells
        theta = system.channel_fraction
        K_c = model.channel.partition if model.channel else 1.0
        tissue = (system.cell_volume * (1 - theta) * system.cell_partition * cells).sum(axis=1)
        layer_amounts[k] = onehot @ tissue
        channel_amount[k] = float((system.cell_volume * theta * K_c * cells).sum())
        if system.vehicle_node is not None:
            vehicle_amount[k] = uu[0] * system.capacity[0]
        if system.receptor_node is not None:
            receptor_amount[k] = uu[-1] * system.capacity[-1]
        stored[k] = float(system.capacity @ uu)
        cumulative[:, k] = qq
        epoch_of_time[k] = epoch

    for e, t_start in enumerate(starts):
        t_end = float(starts[e + 1]) if e + 1 < starts.size else duration
        system = discretise_cell(model, mesh, row_region, schedule.fractions[e])
        thetas.append(system.channel_fraction)
        partitions.append(system.cell_partition)
        radii.append(system.open_radius)
        if linear_solver == "banded":
            operator = BandedOperator(system.bands, system.capacity)
        elif linear_solver == "splu":
            operator = SparseLUOperator(banded_to_sparse(system.bands), system.capacity)
        else:
            raise InputError("linear_solver", linear_solver, "banded | splu", choices=("banded", "splu"))
        if u is None:                                   # initial state
            cumulative = np.zeros((len(system.rate_names), n_t))
            u = np.zeros(system.size)
            veh = model.vehicle
            u_donor = veh.concentration / veh.partition
            if system.vehicle_node is not None:
                u[0] = u_donor
            if model.channel is not None and model.channel.initially_filled:
                amount = system.cell_volume * system.channel_fraction * model.channel.partition * u_donor
                u[system.offset: system.offset + nz * nr] = (amount / system.capacity[system.offset:
                                                             system.offset + nz * nr].reshape(nz, nr)).ravel()
            q = np.zeros(len(system.rate_names))
            initial_total = float(system.capacity @ u)
            record(0, system, u, q, 0)
        else:                                           # keep each cell's amount across the change
            u = u * previous_capacity / system.capacity
        previous_capacity = system.capacity
        # integration points: output times inside (t_start, t_end] plus t_end
        inside = times[(times > t_start + 1e-12) & (times <= t_end + 1e-12)]
        pts = np.unique(np.concatenate([[t_start], inside, [t_end]]))
        steps = dyadic_step_sizes(pts, t_start, first_step if e == 0 else restart_step, growth, max_step)
        n_steps += sum(len(s) for s in steps)
        cache: dict = {}

        def after(k, uu, qq, pts=pts, system=system, e=e):
            t = pts[k + 1]
            hit = np.flatnonzero(np.abs(times - t) <= 1e-9 * max(1.0, t))
            if hit.size:
                record(int(hit[0]), system, uu, qq, e)
                if progress is not None:
                    progress(float(t / duration))

        u, q = advance(operator, system.capacity, system.source, system.rate_weights, system.rate_constant,
                       u, q, steps, cache=cache, after_interval=after)
        n_factorisations += len(cache)
    outflows = dict(zip(system.rate_names, cumulative))
    return ChannelResult(
        times=times, mesh=mesh, u=u_out, layer_names=layer_names, layer_bounds=bounds,
        layer_amounts=layer_amounts, channel_amount=channel_amount, cumulative=outflows,
        vehicle_amount=None if model.vehicle.infinite else vehicle_amount,
        receptor_amount=receptor_amount if model.receptor.kind == "finite" else None,
        open_fraction=np.array(schedule.fractions)[epoch_of_time],
        mass_balance_error=mass_balance_error(stored, outflows, initial_total),
        model=model, schedule=schedule, epoch_of_time=epoch_of_time, epoch_radius=radii,
        epoch_channel_fraction=thetas, cell_partition=partitions[0],
        stats={"steps": n_steps, "factorisations": n_factorisations, "unknowns": int(previous_capacity.size),
               "mesh_shape": (nz, nr), "epochs": len(thetas)})


def mass_balance_error(stored: np.ndarray, outflows: dict[str, np.ndarray], initial: float) -> float:
    """max_t |stored + out − supplied − initial| / max(initial, max supplied): the relative closure error
    of a run (``outflows`` as in `ChannelResult.cumulative`; "supplied" counts as an inflow)."""
    supplied = outflows.get("supplied", np.zeros_like(stored))
    out = sum((v for k, v in outflows.items() if k != "supplied"), np.zeros_like(stored))
    scale = max(initial, float(np.max(np.abs(supplied))), 1e-300)
    return float(np.max(np.abs(stored + out - supplied - initial)) / scale)


@single_threaded_blas
def steady_state(model: ChannelCellModel, open_fraction: float = 1.0):
    """Steady state of the unit cell with the channel open to ``open_fraction`` (infinite dose).

    Returns (outflows, u): ``outflows`` maps each rate name ("supplied", "permeated", "cleared") to its
    steady value (ug/cm²/h per unit skin area) and ``u`` is the (n_z, n_r) steady u = c/K. Needs a
    loss (sink or clearance) and an infinite dose; solved directly (no time stepping).
    """
    check_steady(model.vehicle)
    from dermsim.transport.timestep import solve_steady_banded

    mesh, row_region = model.mesh()
    system = discretise_cell(model, mesh, row_region, open_fraction)
    u = solve_steady_banded(system.bands, system.source)
    rates = system.rate_weights @ u + system.rate_constant
    nz, nr = mesh.shape
    cells = u[system.offset: system.offset + nz * nr].reshape(nz, nr)
    return dict(zip(system.rate_names, (float(x) for x in rates))), cells
