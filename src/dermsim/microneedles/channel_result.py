"""Solution of the 2D microneedle unit cell (`dermsim.microneedles.channel_cell`) at the output times:
amounts by layer and in the channel fluid, outflows, and the concentration field c(t, r, z).

Units cm, h, ug; amounts per unit area of skin (ug/cm²).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dermsim.errors import InputError
from dermsim.transport.mesh import AxisymmetricMesh


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
