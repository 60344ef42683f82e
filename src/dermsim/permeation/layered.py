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

import numpy as np

from dermsim.transport.mesh import LayeredMesh, layered_mesh
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


def discretise(model: LayeredDiffusion) -> System:
    """Finite-volume `System` of `LayeredDiffusion` on nodes [vehicle?] + cells + [receptor?]: a symmetric
    tridiagonal operator (interface rule in `dermsim.transport.mesh`), outflows "supplied" (infinite
    dose), "permeated" (sink), "cleared", "evaporated" (finite dose)."""
    mesh = model.mesh()
    w = mesh.widths
    K = np.array([r.partition for r in model.regions])[mesh.region]
    D = np.array([r.diffusivity for r in model.regions])[mesh.region]
    k = np.array([r.clearance for r in model.regions])[mesh.region]
    with np.errstate(divide="ignore"):  # D = 0 (an impermeable layer) gives zero conductance
        half_resistance = w / (2.0 * K * D)  # (cm/h)^-1, from a cell centre to a face
        g_cells = 1.0 / (half_resistance[:-1] + half_resistance[1:])
        g_top = 1.0 / half_resistance[0]
        g_bottom = 1.0 / half_resistance[-1]

    veh, rec = model.vehicle, model.receptor
    cap, part, loss, cond = [K * w], [K], [k * K * w], [g_cells]
    n_cells = w.size
    vehicle_node = receptor_node = None
    offset = 0
    vehicle_capacity = veh.partition * veh.thickness
    if not veh.infinite:
        # a film far thinner than the first cell empties into it at once; its capacity is floored so that the
        # eigenproblem stays conditioned (the amount is kept exactly through the initial value below)
        vehicle_capacity = max(vehicle_capacity, THIN_FILM_FLOOR * float(K[0] * w[0]))
        cap.insert(0, [vehicle_capacity])
        part.insert(0, [veh.partition])
        loss.insert(0, [veh.evaporation_rate * vehicle_capacity])
        cond.insert(0, [g_top])
        vehicle_node, offset = 0, 1
    if rec.kind == "finite":
        cap.append([rec.partition * rec.thickness])
        part.append([rec.partition])
        loss.append([0.0])
        cond.append([g_bottom])
    capacity, partition = np.concatenate(cap), np.concatenate(part)
    loss, g = np.concatenate(loss), np.concatenate(cond)
    n = capacity.size
    if rec.kind == "finite":
        receptor_node = n - 1

    diag = loss.copy()
    diag[:-1] += g
    diag[1:] += g
    source = np.zeros(n)
    u_donor = veh.concentration / veh.partition
    if veh.infinite:
        diag[0] += g_top
        source[0] = g_top * u_donor
    if rec.kind == "sink":
        diag[offset + n_cells - 1] += g_bottom

    initial = np.zeros(n)
    if vehicle_node is not None:
        initial[vehicle_node] = veh.concentration * veh.thickness / vehicle_capacity   # = u_donor unless floored

    cells = slice(offset, offset + n_cells)
    names, weights, const = [], [], []

    def add_rate(name, wvec, c0=0.0):
        names.append(name)
        weights.append(wvec)
        const.append(c0)

    if veh.infinite:  # supplied = ∫ g_top (u_donor − u_top) dt
        wv = np.zeros(n)
        wv[0] = -g_top
        add_rate("supplied", wv, g_top * u_donor)
    if rec.kind == "sink":
        wv = np.zeros(n)
        wv[offset + n_cells - 1] = g_bottom
        add_rate("permeated", wv)
    wv = np.zeros(n)
    wv[cells] = k * K * w
    add_rate("cleared", wv)
    if vehicle_node is not None:
        wv = np.zeros(n)
        wv[vehicle_node] = loss[vehicle_node]
        add_rate("evaporated", wv)

    return System(capacity=capacity, operator=TridiagonalOperator(diag, -g), source=source, initial=initial,
                  rate_names=tuple(names), rate_weights=np.array(weights), rate_constant=np.array(const),
                  vehicle_node=vehicle_node, receptor_node=receptor_node, cell_slice=cells,
                  partition=partition, mesh=mesh)


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
