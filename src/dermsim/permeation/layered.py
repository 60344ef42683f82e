"""The 1D layered permeation model: vehicle | layers (SC, VE, dermis, …) | receptor or blood.

Equations (internal units cm, h, ug). In each region j of thickness h_j, with partition coefficient
K_j (region/water), diffusivity D_j (cm²/h) and first-order clearance k_j (1/h, capillary uptake in the
dermis), the concentration c(x, t) (ug/cm³) obeys

    ∂c/∂t = ∂/∂x ( D_j ∂c/∂x ) − k_j c,

with continuity of flux and of the water-equivalent concentration u = c/K at each interface, i.e. the
partition jump c_{j+1}/c_j = K_{j+1}/K_j. The top boundary is the vehicle (partition K_v with respect to
water, so u = C_v/K_v there):

* infinite dose — C_v constant;
* finite dose — a well-mixed film of thickness h_v (volume per area, cm) losing compound into the skin
  and, optionally, by first-order evaporation at rate k_e (1/h): h_v dC_v/dt = −J_in − k_e h_v C_v.

The bottom boundary is a perfect sink (c = 0; in vitro), a finite well-mixed receptor of volume per
area h_r (in vitro, partition K_r), or, in vivo, zero flux at the base of the deepest layer with the
clearance k_j carrying compound into the blood.

References: Crank 1975, The Mathematics of Diffusion, ch. 4 and 12; Kasting 2001 J Pharm Sci 90:202
(finite dose from a well-mixed vehicle); Dancik, Miller, Jaworska & Kasting 2013 Adv Drug Deliv Rev
65:221 (dermal clearance).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dermsim.transport.mesh import LayeredMesh, graded_shape, layered_mesh
from dermsim.transport.system import System, TridiagonalOperator


#: Smallest vehicle capacity, as a fraction of the first cell's (a thinner film empties into it at once).
THIN_FILM_FLOOR = 1e-6


@dataclass(frozen=True)
class Region:
    """A homogeneous region of the stack (a layer, or part of one such as the basal layer).

    Parameters
    ----------
    name : region name, e.g. "stratum_corneum"
    thickness : cm
    partition : region/water partition coefficient K (–)
    diffusivity : cm²/h
    clearance : first-order loss to blood, 1/h
    cells : number of finite volumes
    """

    name: str
    thickness: float
    partition: float
    diffusivity: float
    clearance: float = 0.0
    cells: int = 20


@dataclass(frozen=True)
class Vehicle:
    """Donor. ``concentration`` in ug/cm³; ``thickness`` = applied volume per area (cm), finite dose only;
    ``partition`` = vehicle/water; ``evaporation_rate`` in 1/h (finite dose only)."""

    infinite: bool
    concentration: float
    thickness: float = 0.0
    partition: float = 1.0
    evaporation_rate: float = 0.0


@dataclass(frozen=True)
class Receptor:
    """Bottom boundary: ``kind`` is "sink", "finite" (well-mixed, ``thickness`` = volume per area in cm,
    ``partition`` receptor/water) or "blood" (in vivo: zero flux at the base, dermal clearance)."""

    kind: str = "sink"
    thickness: float = 0.0
    partition: float = 1.0


@dataclass(frozen=True)
class LayeredDiffusion:
    """The layered model: regions top to bottom, a vehicle and a receptor (see module docstring)."""

    regions: tuple[Region, ...]
    vehicle: Vehicle
    receptor: Receptor = Receptor()
    grading: float = 3.0  # widest/narrowest cell in each region (mesh stretch; see docs/validation.md §5)

    def mesh(self) -> LayeredMesh:
        return layered_mesh([r.name for r in self.regions], [r.thickness for r in self.regions],
                            [r.cells for r in self.regions], stretch=self.grading)


#: Per-skin values `discretise_batch` may vary, and the model attribute each replaces: region arrays (B, R),
#: vehicle and receptor arrays (B,).
BATCH_FIELDS = {"thickness": "regions", "partition": "regions", "diffusivity": "regions", "clearance": "regions",
                "concentration": "vehicle", "vehicle_thickness": "vehicle", "vehicle_partition": "vehicle",
                "evaporation_rate": "vehicle", "receptor_thickness": "receptor", "receptor_partition": "receptor"}


def _batch_values(model: LayeredDiffusion, size: int, values: dict) -> dict:
    """Every field of `BATCH_FIELDS` as an array of ``size`` skins: ``values`` where given, else the model's."""
    regions, veh, rec = model.regions, model.vehicle, model.receptor
    own = {"thickness": [r.thickness for r in regions], "partition": [r.partition for r in regions],
           "diffusivity": [r.diffusivity for r in regions], "clearance": [r.clearance for r in regions],
           "concentration": veh.concentration, "vehicle_thickness": veh.thickness,
           "vehicle_partition": veh.partition, "evaporation_rate": veh.evaporation_rate,
           "receptor_thickness": rec.thickness, "receptor_partition": rec.partition}
    out = {}
    for name, default in own.items():
        shape = (size, len(regions)) if BATCH_FIELDS[name] == "regions" else (size,)
        value = np.asarray(default if values.get(name) is None else values[name], dtype=float)
        # (reshape is cheaper than broadcast_to for the one-skin case, which every single run takes)
        out[name] = value.reshape(shape) if value.size == size * (shape[1] if len(shape) > 1 else 1) else \
            np.broadcast_to(value, shape)
    return out


@lru_cache(maxsize=64)
def _cell_shape(cells: tuple[int, ...], grading: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell of a mesh shape: the region index, the unnormalised width and its region's total (as
    `dermsim.transport.mesh.layered_mesh` grades them)."""
    shapes = [graded_shape(n, grading) for n in cells]
    region = np.repeat(np.arange(len(cells)), cells)
    total = np.concatenate([np.full(s.size, s.sum()) for s in shapes])
    return region, np.concatenate(shapes), total


def _assemble(model: LayeredDiffusion, size: int, values: dict) -> dict:
    """The arrays of the finite-volume system of ``size`` skins sharing ``model``'s mesh shape (cells per region,
    grading, dose kind, receptor kind); their thicknesses, K, D, clearances and vehicle and receptor values
    from ``values`` (`BATCH_FIELDS`; the model's where not given). Every array has the skins on axis 0."""
    v = _batch_values(model, size, values)
    region, shape, total = _cell_shape(tuple(r.cells for r in model.regions), model.grading)
    # as layered_mesh: widths thickness·shape/Σshape, faces their running sum, cell widths the faces' differences
    faces = np.concatenate([np.zeros((size, 1)), np.cumsum(v["thickness"][:, region] * shape / total, axis=1)],
                           axis=1)
    w = np.diff(faces, axis=1)
    K, D, k = v["partition"][:, region], v["diffusivity"][:, region], v["clearance"][:, region]
    with np.errstate(divide="ignore"):  # D = 0 (an impermeable layer) gives zero conductance
        half_resistance = w / (2.0 * K * D)  # (cm/h)^-1, from a cell centre to a face
        g_cells = 1.0 / (half_resistance[:, :-1] + half_resistance[:, 1:])
        g_top = 1.0 / half_resistance[:, 0]
        g_bottom = 1.0 / half_resistance[:, -1]

    veh, rec = model.vehicle, model.receptor
    column = np.zeros((size, 1))
    cap, part, loss, cond = [K * w], [K], [k * K * w], [g_cells]
    n_cells = w.shape[1]
    offset = 0
    vehicle_capacity = v["vehicle_partition"] * v["vehicle_thickness"]
    if not veh.infinite:
        # a film far thinner than the first cell empties into it at once; its capacity is floored so that the
        # eigenproblem stays conditioned (the amount is kept exactly through the initial value below)
        vehicle_capacity = np.maximum(vehicle_capacity, THIN_FILM_FLOOR * (K[:, 0] * w[:, 0]))
        cap.insert(0, vehicle_capacity[:, None])
        part.insert(0, v["vehicle_partition"][:, None])
        loss.insert(0, (v["evaporation_rate"] * vehicle_capacity)[:, None])
        cond.insert(0, g_top[:, None])
        offset = 1
    if rec.kind == "finite":
        cap.append((v["receptor_partition"] * v["receptor_thickness"])[:, None])
        part.append(v["receptor_partition"][:, None])
        loss.append(column)
        cond.append(g_bottom[:, None])
    capacity, partition = np.concatenate(cap, axis=1), np.concatenate(part, axis=1)
    loss, g = np.concatenate(loss, axis=1), np.concatenate(cond, axis=1)
    n = capacity.shape[1]

    diag = loss.copy()
    diag[:, :-1] += g
    diag[:, 1:] += g
    source = np.zeros((size, n))
    u_donor = v["concentration"] / v["vehicle_partition"]
    if veh.infinite:
        diag[:, 0] += g_top
        source[:, 0] = g_top * u_donor
    if rec.kind == "sink":
        diag[:, offset + n_cells - 1] += g_bottom

    initial = np.zeros((size, n))
    if not veh.infinite:
        initial[:, 0] = v["concentration"] * v["vehicle_thickness"] / vehicle_capacity   # = u_donor unless floored

    cells = slice(offset, offset + n_cells)
    names, weights, const = [], [], []

    def add_rate(name, column_values, where, c0=0.0):
        wv = np.zeros((size, n))
        wv[:, where] = column_values
        names.append(name)
        weights.append(wv)
        const.append(c0 if np.ndim(c0) else np.full(size, float(c0)))

    if veh.infinite:  # supplied = ∫ g_top (u_donor − u_top) dt
        add_rate("supplied", -g_top, 0, g_top * u_donor)
    if rec.kind == "sink":
        add_rate("permeated", g_bottom, offset + n_cells - 1)
    add_rate("cleared", k * K * w, cells)
    if not veh.infinite:
        add_rate("evaporated", loss[:, 0], 0)
    return {"capacity": capacity, "diagonal": diag, "off_diagonal": -g, "source": source, "initial": initial,
            "rate_names": tuple(names), "rate_weights": np.stack(weights, axis=1),
            "rate_constant": np.stack(const, axis=1), "partition": partition, "faces": faces, "region": region,
            "cell_slice": cells, "vehicle_node": None if veh.infinite else 0,
            "receptor_node": n - 1 if rec.kind == "finite" else None}


def discretise(model: LayeredDiffusion) -> System:
    """Finite-volume `System` of `LayeredDiffusion` on nodes [vehicle?] + cells + [receptor?]: a symmetric
    tridiagonal operator (interface rule in `dermsim.transport.mesh`), outflows "supplied" (infinite
    dose), "permeated" (sink), "cleared", "evaporated" (finite dose)."""
    a = _assemble(model, 1, {})
    mesh = LayeredMesh(faces=a["faces"][0], region=a["region"], region_names=tuple(r.name for r in model.regions))
    return System(capacity=a["capacity"][0], operator=TridiagonalOperator(a["diagonal"][0], a["off_diagonal"][0]),
                  source=a["source"][0], initial=a["initial"][0], rate_names=a["rate_names"],
                  rate_weights=a["rate_weights"][0], rate_constant=a["rate_constant"][0],
                  vehicle_node=a["vehicle_node"], receptor_node=a["receptor_node"], cell_slice=a["cell_slice"],
                  partition=a["partition"][0], mesh=mesh)


def discretise_batch(model: LayeredDiffusion, size: int, **values):
    """``size`` skins of ``model``'s mesh shape as one `dermsim.transport.batched.SystemBatch`, assembled in one
    vectorised pass (no model objects per skin): keyword arrays of `BATCH_FIELDS` replace the model's values,
    region fields (size, n_regions) in the model's units (cm, cm²/h, 1/h, –), vehicle and receptor fields
    (size,) (ug/cm³, cm, –, 1/h). Skin b is exactly `discretise` of the model with those values. Also returns
    the node partition coefficients (size, n) and the cell faces (size, n_cells + 1), cm."""
    from dermsim.transport.batched import SystemBatch

    unknown = sorted(set(values) - set(BATCH_FIELDS))
    if unknown:
        raise ValueError(f"unknown batch fields {unknown}; allowed: {sorted(BATCH_FIELDS)}")
    a = _assemble(model, size, values)
    batch = SystemBatch(capacity=a["capacity"], diagonal=a["diagonal"], off_diagonal=a["off_diagonal"],
                        source=a["source"], initial=a["initial"], rate_weights=a["rate_weights"],
                        rate_constant=a["rate_constant"], rate_names=a["rate_names"])
    return batch, a["partition"], a["faces"]


def steady_state_metrics(system: System, outflow: str) -> tuple[float, float]:
    """Steady outflow J_ss (ug/cm²/h) and lag time (h) of the discrete system, exactly.

    With u_ss = A⁻¹ b and the outflow functional f, Q(t) → J_ss (t − t_lag) with J_ss = f·u_ss + f₀ and
    t_lag = f·A⁻¹ C (u_ss − u₀) / J_ss (from ∫₀^∞ (u − u_ss) dt = −A⁻¹ C (u_ss − u₀)). Requires a
    non-singular A (a sink or clearance below, infinite dose above).
    """
    j = system.rate_index(outflow)
    f, f0 = system.rate_weights[j], system.rate_constant[j]
    u_ss = system.steady()
    flux = float(f @ u_ss + f0)
    if not flux > 0:
        return flux, float("nan")
    excess = system.operator.solve(system.capacity * (u_ss - system.initial))
    return flux, float(f @ excess) / flux
