"""The forward model of a fit: the cumulative amount in the receptor of a layered model as a function of the
fitted parameters, for many parameter sets in one batched exact solve.

Parameters are named for what they set in `dermsim.permeation.layered.LayeredDiffusion`:

* ``<layer>.diffusivity`` D (cm²/s shown, cm²/h inside) and ``<layer>.partition`` K (layer/vehicle, –) of
  one layer of the stack (``viable_epidermis`` also sets the basal layer cut from it by
  `dermsim.permeation.setup`);
* ``lag`` (h) and ``kp`` (cm/h), the lumped pair of a single-layer membrane of thickness h, with
  D = h²/(6 lag) and K = kp h K_v / D (Crank 1975, eq. 4.24a: the lag time and the steady flux kp C_v);
* ``dose`` (ug/cm²), the amount applied of a finite dose (the vehicle film keeps its volume).

The fit works in x = ln θ; `PermeationForward.predict` maps a (B, p) array of x to the (B, n_t) cumulative
amounts (ug/cm²) with `dermsim.transport.batched.solve_batch`. Bounds are the physical ranges the scenario
schema declares for each quantity (`dermsim.scenario.quantities`, `PARTITION_RANGE`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dermsim.errors import InputError
from dermsim.permeation.layered import LayeredDiffusion, discretise
from dermsim.transport.batched import solve_batch, stack_systems

#: Regions a named layer also sets (the basal layer is cut from the viable epidermis with its K and D).
PART_OF = {"basal_layer": "viable_epidermis"}
#: Schema ranges in kernel units: D 1e-20–1 cm²/s (`quantities.Diffusivity`), partition 1e-10–1e10
#: (`scenario.permeation.PARTITION_RANGE`), times 1 ms–10 years (`quantities.Time`), doses
#: 1e-21–1 g/cm² (`scenario.permeation.DOSE_RANGES`).
D_RANGE = (1e-20 * 3600.0, 1.0 * 3600.0)
K_RANGE = (1e-10, 1e10)
LAG_RANGE = (1e-3 / 3600.0, 10 * 365.25 * 24.0)
DOSE_RANGE = (1e-21 * 1e6, 1.0 * 1e6)


@dataclass(frozen=True)
class FitParameter:
    """One fitted quantity: ``name``, the ``unit`` it is reported in and ``scale`` = reported / kernel value,
    bounds and first guess in kernel units (cm, h, ug)."""

    name: str
    unit: str
    scale: float
    lower: float
    upper: float
    start: float

    def shown(self, kernel_value):
        """Kernel value(s) in the reported unit."""
        return np.asarray(kernel_value) * self.scale


def _layer_of(region_name: str) -> str:
    return PART_OF.get(region_name, region_name)


class PermeationForward:
    """Cumulative amount permeated (ug/cm²) of ``model`` with the parameters ``names`` set from x = ln θ.

    ``model``: a `LayeredDiffusion` with a sink or finite receptor; the values it holds are the first guesses
    and the values of everything not fitted.
    """

    def __init__(self, model: LayeredDiffusion, names: list[str]):
        if model.receptor.kind not in ("sink", "finite"):
            raise InputError("receptor.type", model.receptor.kind, "'sink' or 'finite' (an in-vitro receptor to fit "
                             "cumulative amounts to)")
        if len(set(names)) != len(names):
            raise InputError("--fit", ",".join(names), "each parameter once")
        self.model = model
        self.names = list(names)
        self.parameters = [self._parameter(n) for n in names]

    # -- parameters -------------------------------------------------------------------------------------------
    def _layers(self) -> list[str]:
        return list(dict.fromkeys(_layer_of(r.name) for r in self.model.regions))

    def _single(self, name: str):
        if len(self.model.regions) != 1:
            raise InputError("--fit", name, "layer parameters (e.g. stratum_corneum.diffusivity) for a stack of "
                             f"{len(self.model.regions)} regions; lag and kp describe a single-layer membrane")
        return self.model.regions[0]

    def _parameter(self, name: str) -> FitParameter:
        allowed = [f"{layer}.{prop}" for layer in self._layers() for prop in ("diffusivity", "partition")]
        allowed += ["lag", "kp", "dose"]
        if name in ("lag", "kp"):
            region = self._single(name)
            lag = region.thickness ** 2 / (6.0 * region.diffusivity)
            if name == "lag":
                return FitParameter("lag", "h", 1.0, *LAG_RANGE, lag)
            kp = region.partition * region.diffusivity / (region.thickness * self.model.vehicle.partition)
            low = K_RANGE[0] * D_RANGE[0] / region.thickness
            high = K_RANGE[1] * D_RANGE[1] / region.thickness
            return FitParameter("kp", "cm/h", 1.0, low, high, kp)
        if name == "dose":
            veh = self.model.vehicle
            if veh.infinite:
                raise InputError("--dose", "infinite dose", "a finite-dose scenario (formulation.dose as an amount "
                                 "or volume per area)")
            return FitParameter("dose", "ug/cm^2", 1.0, *DOSE_RANGE, veh.concentration * veh.thickness)
        layer, _, prop = name.partition(".")
        if name not in allowed:
            raise InputError("--fit", name, ", ".join(allowed), allowed)
        region = next(r for r in self.model.regions if _layer_of(r.name) == layer)
        if prop == "diffusivity":
            return FitParameter(name, "cm^2/s", 1.0 / 3600.0, *D_RANGE, region.diffusivity)
        return FitParameter(name, "", 1.0, *K_RANGE, region.partition)

    @property
    def lower(self) -> np.ndarray:
        return np.log([p.lower for p in self.parameters])

    @property
    def upper(self) -> np.ndarray:
        return np.log([p.upper for p in self.parameters])

    @property
    def start(self) -> np.ndarray:
        return np.log([p.start for p in self.parameters])

    # -- models -----------------------------------------------------------------------------------------------
    def model_at(self, theta) -> LayeredDiffusion:
        """The layered model with the parameters set to ``theta`` (kernel units, one value per name)."""
        values = dict(zip(self.names, (float(v) for v in theta)))
        regions = list(self.model.regions)
        if "lag" in values or "kp" in values:
            r = regions[0]
            lag = values.get("lag", r.thickness ** 2 / (6.0 * r.diffusivity))
            kp = values.get("kp", r.partition * r.diffusivity / (r.thickness * self.model.vehicle.partition))
            diffusivity = r.thickness ** 2 / (6.0 * lag)
            regions[0] = replace(r, diffusivity=diffusivity,
                                 partition=kp * r.thickness * self.model.vehicle.partition / diffusivity)
        for name, value in values.items():
            layer, _, prop = name.partition(".")
            if prop:
                regions = [replace(r, **{prop: value}) if _layer_of(r.name) == layer else r for r in regions]
        vehicle = self.model.vehicle
        if "dose" in values:
            vehicle = replace(vehicle, concentration=values["dose"] / vehicle.thickness)
        return replace(self.model, regions=tuple(regions), vehicle=vehicle)

    def predict(self, x, times) -> np.ndarray:
        """Cumulative amount in the receptor (B, n_t), ug/cm², at ``times`` (h) for x = ln θ of shape (B, p)."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        systems = [discretise(self.model_at(np.exp(row))) for row in x]
        batch = stack_systems(systems)
        if self.model.receptor.kind == "sink":
            return solve_batch(batch, times).flow("permeated")
        node = systems[0].receptor_node
        solved = solve_batch(batch, times, states=True)
        return solved.u[:, :, node] * batch.capacity[:, node][:, None]
