"""Release of the compound carried by a patch into its channels: coated, dissolving, hydrogel-forming, hollow.

Units: h, ug per cm² of skin. A `Release` is the cumulative amount handed to the channel fluid, R(t), known
before any transport is solved (release is taken to be limited by the patch, not by the skin):

* ``coated`` — the coating dissolves off the needle surface, first order: R = M (1 − e^(−t/τ)).
  Coatings leave the needles within ~20 s in skin (Gill & Prausnitz 2007 J Control Release 117:227):
  τ = 20 s / 3 (95 % gone by 20 s).
* ``dissolving`` — the needle matrix dissolves in interstitial fluid, first order with τ of the matrix
  material (`parameters/microneedle.toml` [release.dissolution_time]; thin, see the sources there).
* ``hydrogel`` — hydrogel-forming needles (Donnelly et al. 2012 Adv Funct Mater 22:4879) swell with
  interstitial fluid, which then dissolves the drug in the backing reservoir; the drug reaches the
  channels after the swelling lag t_s and leaves the reservoir first order with τ_r while it is dissolved.
  Release through the swollen gel is diffusion-controlled (time ∝ L²/D; Siepmann & Siepmann 2012 J Control
  Release 161:351), so τ_r = τ_ref D₀(M_ref) / D₀(M): the packaged τ_ref holds for a small drug of M_ref,
  and a protein, diffusing ~10× more slowly in water, leaves ~10× more slowly.
  The imbibed fluid holds at most S V (aqueous solubility S, fluid volume V per cm² of skin), so a load
  above S V leaves at the zero-order rate S V / τ_r until what remains dissolves: the fraction delivered
  falls as the load rises, as the Belfast patch time courses show. S is the compound's measured aqueous
  solubility, else the general solubility equation's estimate of the neutral form raised by ionisation at
  the pH of interstitial fluid, S = S₀ / f_u (Henderson–Hasselbalch: S₀ (1 + 10^(pH − pKa)) for an acid),
  so the salt of a weak acid or base holds far more than its neutral form.
* ``hollow`` — infusion through hollow needles at a constant rate M / τ for τ (zero order).

τ must be > 0; a release time of 0 in a scenario is taken as 1 s (`MIN_TIME_CONSTANT`, effectively at once).
`Release.mean_rates` gives the release rate averaged over epochs, so piecewise-constant sources in the epoch
solvers hand over exactly R(t) at every epoch boundary: the load enters the skin exactly, whatever the mesh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dermsim.errors import InputError

RELEASE_KINDS = ("coated", "dissolving", "hydrogel", "hollow")
MIN_TIME_CONSTANT = 1.0 / 3600.0  #: h; a stated release time of 0 means "at once", taken as 1 s


@dataclass(frozen=True)
class Release:
    """Cumulative release R(t) of a patch load into the channels (module docstring).

    Parameters
    ----------
    kind : one of RELEASE_KINDS
    load : M, ug per cm² of skin
    time_constant : τ (h, > 0): first-order time (coated, dissolving, hydrogel) or infusion time (hollow)
    lag : t_s (h), no release before it (hydrogel swelling)
    capacity : S V (ug/cm²), the most the release fluid holds dissolved (hydrogel); inf = no limit
    """

    kind: str
    load: float
    time_constant: float
    lag: float = 0.0
    capacity: float = math.inf

    def __post_init__(self):
        if self.kind not in RELEASE_KINDS:
            raise InputError("microneedle.mode", self.kind, " | ".join(RELEASE_KINDS), choices=RELEASE_KINDS)
        for name in ("load", "time_constant", "lag", "capacity"):
            value = getattr(self, name)
            if not (value >= 0) or (name != "capacity" and not math.isfinite(value)):
                raise InputError(f"release.{name}", value, "a finite value ≥ 0")
        if not self.capacity > 0:
            raise InputError("release.capacity", self.capacity, "a dissolved capacity > 0")
        if not self.time_constant > 0:
            raise InputError("release.time_constant", self.time_constant, "a release time > 0 h")

    @property
    def saturated_time(self) -> float:
        """Time (h, after the lag) during which a load above the capacity is released at the capped rate."""
        if self.kind != "hydrogel" or self.load <= self.capacity:
            return 0.0
        return self.time_constant * (self.load / self.capacity - 1.0)

    def released(self, t) -> np.ndarray:
        """R(t), ug/cm² of skin, vectorised over t (h)."""
        t = np.maximum(np.asarray(t, dtype=float) - self.lag, 0.0)
        M, tau = self.load, self.time_constant
        if self.kind == "hollow":
            return M * np.minimum(t / tau, 1.0)
        ts = self.saturated_time
        if ts == 0.0:
            return M * -np.expm1(-t / tau)
        capped = self.capacity / tau * np.minimum(t, ts)          # zero order while undissolved drug remains
        tail = self.capacity * -np.expm1(-np.maximum(t - ts, 0.0) / tau)
        return capped + tail

    def mean_rates(self, edges: np.ndarray) -> np.ndarray:
        """Release rate averaged over each interval [edges[k], edges[k+1]] (ug/cm²/h)."""
        edges = np.asarray(edges, dtype=float)
        return np.diff(self.released(edges)) / np.diff(edges)

    def breaks(self, duration: float, per_decade: int = 4) -> np.ndarray:
        """Epoch starts (h) in (0, duration) that resolve the release: log-spaced over its active time."""
        tau = self.time_constant
        active = tau + self.saturated_time
        start = self.lag + min(tau, active) * 1e-2
        stop = self.lag + (active if self.kind == "hollow" else active + 5.0 * tau)
        points = np.geomspace(start, max(stop, start * 1.0001), int(per_decade * math.log10(max(stop / start, 10.0))) + 1)
        extra = [self.lag, self.lag + self.saturated_time, self.lag + tau if self.kind == "hollow" else 0.0]
        out = np.unique(np.concatenate([points, extra]))
        return out[(out > 0) & (out < duration)]


def dissolution_times() -> dict[str, float]:
    """Time (h) for each dissolving-needle matrix to dissolve in skin (`parameters/microneedle.toml`)."""
    from dermsim import parameters

    table = parameters.load("microneedle")["release"]["dissolution_time"]
    return {name: float(p.to("h")) for name, p in table.items()}


def release_for(spec, channels_per_cm2: float, compound) -> tuple[Release, list[str]]:
    """The `Release` of a ``[microneedle]`` table (`MicroneedleTreatmentSpec`) whose mode carries a load,
    and notes saying which defaults were taken. ``channels_per_cm2`` converts a load per needle."""
    from dermsim import parameters

    mode = spec.mode
    if (spec.load is None) == (spec.load_per_needle is None):
        raise InputError("microneedle.load_per_needle", spec.load_per_needle,
                         f"either load_per_needle (e.g. '1 ug') or load (the whole patch, e.g. '500 ug') for mode {mode!r}")
    load = spec.load / spec.treated_area if spec.load is not None else spec.load_per_needle * channels_per_cm2
    table = parameters.load("microneedle")["release"]
    notes, lag, capacity = [], 0.0, math.inf
    given = spec.release_time
    if mode == "coated":
        tau = float(table["coating_time_constant"].to("h")) if given is None else given / 3.0
    elif mode == "dissolving":
        times = dissolution_times()
        if given is not None:
            tau = given / 3.0
        else:
            matrix = (spec.matrix or "pvp").strip().lower()
            if matrix not in times:
                raise InputError("microneedle.matrix", spec.matrix, " | ".join(times), choices=tuple(times))
            if spec.matrix is None:
                notes.append("dissolving needle matrix not given: PVP assumed (dissolves in ~5 min)")
            tau = times[matrix] / 3.0
    elif mode == "hydrogel":
        lag, tau_packaged, volume, ph = hydrogel_constants()
        tau = tau_packaged * _gel_slowdown(compound, table) if given is None else given / 3.0
        solubility, how = reservoir_solubility(compound, ph)
        if solubility is not None:
            capacity = solubility * volume
            if load > capacity:
                notes.append(f"hydrogel reservoir: {load:.3g} ug/cm^2 exceeds what its fluid dissolves "
                             f"({capacity:.3g} ug/cm^2 at {solubility:.3g} ug/mL, {how}): released at a capped rate")
        else:
            notes.append(f"hydrogel reservoir: {how}, so no dissolution limit on the release")
    else:  # hollow
        if given is None:
            raise InputError("microneedle.release_time", given, "the infusion time for hollow needles (e.g. '10 min')")
        tau = given
    return Release(mode, load, max(tau, MIN_TIME_CONSTANT), lag, capacity), notes


def _gel_slowdown(compound, table) -> float:
    """D₀ of the reference small drug over D₀ of the compound (free aqueous diffusivities, the size relations of
    the channel fluid): how much longer the compound takes to leave a swollen hydrogel."""
    from types import SimpleNamespace

    from dermsim.chemistry.qspr import aqueous_size
    from dermsim.microneedles.delivery import solute_size

    reference = aqueous_size(SimpleNamespace(molecular_weight=float(table["hydrogel_reference_molecular_weight"]
                                                                     .to("g/mol")), molar_volume=None))[1]
    return reference / solute_size(compound, None)[1]


def hydrogel_constants() -> tuple[float, float, float, float]:
    """(swelling lag h, release time constant h, imbibed fluid volume mL/cm², interstitial-fluid pH) of a
    hydrogel-forming reservoir (`parameters/microneedle.toml` [release])."""
    from dermsim import parameters

    table = parameters.load("microneedle")["release"]
    return (float(table["hydrogel_swelling_lag"].to("h")), float(table["hydrogel_release_time_constant"].to("h")),
            float(table["hydrogel_fluid_volume"].to("mL/cm^2")), float(table["interstitial_fluid_ph"].to("")))


def reservoir_solubility(compound, ph: float) -> tuple[float | None, str]:
    """(solubility in the fluid of a hydrogel reservoir, ug/mL, or None; how it was obtained).

    The compound's measured aqueous solubility as it stands (its form is the source's); otherwise the general
    solubility equation's estimate of the neutral form divided by the fraction unionised at ``ph``.
    """
    from dermsim.chemistry.qspr import fraction_unionised
    from dermsim.formulation.solubility import aqueous_solubility_info

    if getattr(compound, "aqueous_solubility", None):
        return float(compound.aqueous_solubility), "measured aqueous solubility"
    try:
        info = aqueous_solubility_info(compound)
    except InputError as err:
        return None, f"aqueous solubility unknown ({err.field} missing)"
    f_u = float(fraction_unionised(ph, compound.acid_base or "neutral", compound.pka_acid, compound.pka_base))
    how = "general solubility equation (estimate)"
    if f_u < 1.0:
        how += f" / fraction unionised {f_u:.3g} at pH {ph:g}"
    return info.value / f_u, how


def with_release(schedule, release: Release | None, duration: float):
    """(schedule split at the release's breaks, mean release rate per epoch in ug/cm²/h) for the epoch
    solvers; zeros and the schedule unchanged without a timed release."""
    if release is None:
        return schedule, np.zeros(len(schedule.starts))
    refined = schedule.refined(release.breaks(duration))
    return refined, release.mean_rates(np.append(refined.starts, duration))
