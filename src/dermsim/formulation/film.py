"""The applied film of a finite dose: a liquid mixture that dries, a solute that may saturate, precipitate
into a deposit and dissolve back, and evaporate.

State per unit skin area (kernel units cm, h, ug): component volumes V_i (cm), dissolved solute m and
deposit s (ug/cm²). With film thickness h = Σ V_i, volume fractions φ_i = V_i/h, mole fractions x_i
(from V_i ρ_i / M_i) and the solute's solubility S(φ) in the mixture (ug/cm³):

* solvent loss (ideal liquid, Raoult; zero far-field vapour)  dV_i/dt = −(e_i + p_i) x_i:
  evaporation e_i = k_g,i P_i^sat M_i / (R T ρ_i) (cm/h), k_g,i the gas-side mass-transfer coefficient, and
  uptake into the skin p_i = the solvent's own permeability through the stratum corneum (cm/h; its flux at
  activity x_i is p_i x_i ρ_i; for a liquid that does not mix with water, the permeability from water times
  S_w,i/ρ_i), which goes on under occlusion;
* thermodynamic activity of the dissolved solute  a = (m/h) / S;  the skin sees the solute's
  water-equivalent concentration u = a S_w (so the film/water partition is K_v = S/S_w and the film's
  capacity in the layered model is K_v h);
* solute evaporation  J_e = k_e a  (ug/cm²/h; k_e = k_g,s P_s^sat M_s/(R T), a = 1 for the deposit);
* saturation: m ≤ S h; an excess precipitates at once into the deposit; the deposit dissolves back
  towards saturation with a first-order rate constant k_d:  dm/dt = k_d (S h − m) while s > 0 (a liquid
  solute's excess is a separate liquid phase that keeps the film saturated at once);
* a residual liquid layer h_res (skin-surface water and lipids) stays when the volatile components are
  gone, so a dry deposit still reaches the stratum corneum through it (at most S_res h_res dissolved);
* occlusion stops all evaporation; wash-off removes a fraction η of film and deposit at once.

References: Kasting & Miller 2006 J Pharm Sci 95:268 and Gajjar & Kasting 2014 J Pharm Sci 103:3049
(evaporation from skin, activity-driven uptake, finite-dose mass balance); Yalkowsky & Roseman 1981
(log-linear cosolvency for S(φ)). The residual layer thickness and the dissolution rate constant are
thin: they are parameters of `DryingFilm`, to be set by a documented global calibration.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class FilmState:
    """Film at one time: component volumes (cm), dissolved and deposited solute (ug/cm²), and the solute
    lost so far to evaporation and wash-off (ug/cm²)."""

    volumes: np.ndarray
    dissolved: float
    deposit: float
    evaporated: float = 0.0
    washed: float = 0.0

    @property
    def thickness(self) -> float:
        return float(self.volumes.sum())


@dataclass(frozen=True)
class DryingFilm:
    """A finite-dose film (see the module docstring for the equations).

    Parameters
    ----------
    names : vehicle components
    volumes : initial volume of each component per unit area, cm
    molar_volumes : M_i/ρ_i of each component, cm³/mol
    evaporation_rates : e_i = k_g,i P_i^sat M_i/(R T ρ_i) of each component, cm/h (0 for non-volatile)
    solubility : S(φ) of the solute in the liquid with volume fractions φ, ug/cm³
    water_solubility : S_w, ug/cm³ (reference of the water-equivalent concentration)
    solute_evaporation : k_e = k_g,s P_s^sat M_s/(R T), ug/cm²/h at activity 1
    dissolution_rate : k_d, 1/h (thin)
    residual_thickness : h_res, cm (thin)
    residual_solubility : S of the solute in the residual layer, ug/cm³ (default S_w)
    occluded : no evaporation of solvents or solute
    uptake_rates : p_i, permeability of the stratum corneum to each component, cm/h (None: no uptake)
    liquid_deposit : the solute is a liquid at the film temperature (T_m ≤ T): its excess is a separate liquid
        phase that wets the surface and keeps the liquid saturated at once (no finite dissolution rate)
    """

    names: tuple[str, ...]
    volumes: np.ndarray
    molar_volumes: np.ndarray
    evaporation_rates: np.ndarray
    solubility: Callable[[np.ndarray], float]
    water_solubility: float
    solute_evaporation: float = 0.0
    dissolution_rate: float = 10.0
    residual_thickness: float = 1e-5
    residual_solubility: float | None = None
    occluded: bool = False
    liquid_deposit: bool = False
    uptake_rates: np.ndarray | None = None
    _memo: dict = field(default_factory=dict, compare=False, repr=False)   # last liquid() by volumes identity

    def __post_init__(self):
        if not self.residual_thickness > 0:
            raise ValueError("residual_thickness must be > 0 (cm): the film node needs a capacity when dry")

    def start(self, applied: float) -> FilmState:
        """The film just applied with ``applied`` ug/cm² of solute: dissolved up to saturation, the rest solid."""
        state = FilmState(np.array(self.volumes, dtype=float), float(applied), 0.0)
        return self._saturate(state)

    # -- properties of a state ---------------------------------------------------------------------------
    def liquid(self, state: FilmState) -> tuple[float, float]:
        """Liquid thickness (cm) including the residual layer, and the solute's solubility in it (ug/cm³)."""
        volumes = state.volumes
        hit = self._memo.get("liquid")
        if hit is not None and hit[0] is volumes:
            return hit[1]
        h = float(volumes.sum())
        res = self.residual_solubility if self.residual_solubility is not None else self.water_solubility
        if h <= 0.0:
            out = self.residual_thickness, res
        else:
            s = float(self.solubility(volumes / h))
            total = h + self.residual_thickness
            out = total, (s * h + res * self.residual_thickness) / total
        self._memo["liquid"] = (volumes, out)
        return out

    def capacity(self, state: FilmState) -> float:
        """Capacity of the film node in the layered model, K_v h = S h / S_w (cm): dissolved = capacity · u."""
        h, s = self.liquid(state)
        return s * h / self.water_solubility

    def loss_rate(self, state: FilmState) -> float:
        """First-order rate of loss of the dissolved solute to air, k_e a / m = k_e / (S h), 1/h."""
        if self.occluded or self.solute_evaporation == 0.0:
            return 0.0
        h, s = self.liquid(state)
        return self.solute_evaporation / (s * h)

    def activity(self, state: FilmState) -> float:
        h, s = self.liquid(state)
        return state.dissolved / (s * h)

    # -- evolution ---------------------------------------------------------------------------------------
    def drying_rates(self, volumes: np.ndarray) -> np.ndarray:
        """dV_i/dt (cm/h) of the components (ideal mixture)."""
        if not volumes.any():
            return np.zeros_like(volumes)
        rates = np.zeros_like(volumes) if self.occluded else np.asarray(self.evaporation_rates, dtype=float)
        if self.uptake_rates is not None:
            rates = rates + self.uptake_rates
        moles = volumes / self.molar_volumes
        return -rates * moles / moles.sum()

    def advance(self, state: FilmState, dt: float) -> FilmState:
        """Dry the film over ``dt`` (h), then precipitate or dissolve the solute and evaporate the deposit.

        Solvent loss by the midpoint rule, each component clipped at zero (a component that runs out does so
        inside the step, which then ends a little early for it).
        """
        v = state.volumes
        if v.any() and (not self.occluded or self.uptake_rates is not None):
            start = self.drying_rates(v)
            half = np.maximum(v + 0.5 * dt * start, 0.0)
            middle = self.drying_rates(half)
            # a component that runs out inside the half step keeps its starting rate (it is gone by the end)
            v = np.maximum(v + dt * np.where((half == 0.0) & (v > 0.0), start, middle), 0.0)
            v[v <= 1e-12 * self.volumes] = 0.0              # round-off left by a component that ran out
        state = replace(state, volumes=v)
        state = self._saturate(state)
        if state.deposit > 0.0:
            h, s = self.liquid(state)
            room = s * h - state.dissolved
            if room > 0.0:
                fraction = 1.0 if self.liquid_deposit else -np.expm1(-self.dissolution_rate * dt)
                moved = min(state.deposit, room * fraction)
                state = replace(state, dissolved=state.dissolved + moved, deposit=state.deposit - moved)
            if not self.occluded and self.solute_evaporation > 0.0:
                lost = min(state.deposit, self.solute_evaporation * dt)
                state = replace(state, deposit=state.deposit - lost, evaporated=state.evaporated + lost)
        return state

    def _saturate(self, state: FilmState) -> FilmState:
        h, s = self.liquid(state)
        excess = state.dissolved - s * h
        if excess > 0.0:
            return replace(state, dissolved=s * h, deposit=state.deposit + excess)
        return state

    def wash(self, state: FilmState, efficiency: float) -> FilmState:
        """Remove ``efficiency`` (0–1) of the film: its liquid, dissolved solute and deposit."""
        keep = 1.0 - efficiency
        removed = efficiency * (state.dissolved + state.deposit)
        return FilmState(state.volumes * keep, state.dissolved * keep, state.deposit * keep, state.evaporated,
                         state.washed + removed)


@dataclass(frozen=True)
class WellMixedFilm:
    """The linear finite dose as a film: a liquid that neither dries nor saturates (capacity K_v h, cm) and
    loses the solute at a first-order rate (1/h); used when a film without vehicle physics is washed off."""

    film_capacity: float
    evaporation_rate: float = 0.0
    occluded: bool = False

    def start(self, applied: float) -> FilmState:
        return FilmState(np.zeros(1), float(applied), 0.0)

    def capacity(self, state: FilmState) -> float:
        return self.film_capacity

    def loss_rate(self, state: FilmState) -> float:
        return 0.0 if self.occluded else self.evaporation_rate

    def drying_rates(self, volumes: np.ndarray) -> np.ndarray:
        return np.zeros_like(volumes)

    def advance(self, state: FilmState, dt: float) -> FilmState:
        return state

    def wash(self, state: FilmState, efficiency: float) -> FilmState:
        removed = efficiency * state.dissolved
        return replace(state, dissolved=state.dissolved - removed, washed=state.washed + removed)
