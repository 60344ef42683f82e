"""Perturbations of the spatial epidermis: basal-cell loss, microneedle micro-wounds, daily rhythm, barrier stress
(tape stripping, dry air) and UV.

Each perturbation is an experiment with documented parameters (defaults and sources in
``parameters/epidermis_tissue.toml``; `defaults` lists them). Two kinds of action, both used by
`dermsim.epidermis.lattice_run.run_lattice`:

* spatial events (``time``, ``target(lattice, t)``, ``apply(lattice, t, target)``) remove cells or cornified
  layers at one time; a target's ``sites`` become a region whose recovery is followed;
* proliferation responses ``factor(t)`` multiply every division (and so stratification) rate of the lattice.
  The total factor is the product over all responses (`proliferation_factor`).

Response shapes, t measured from the insult (day)::

    tape strip, UV     f(t) = 1 + (F − 1) (t/tp)^k exp(k (1 − t/tp))                (peak F at tp)
    dry air            f(t) = 1 + (F − 1)(1 − exp(−3t/ton)) during exposure, then decays as exp(−3t/toff)
    daily rhythm       f(t) = 1 + A cos(2π (clock(t) − tM) / 24 h)                   (M-phase peak at clock tM)

References
----------
Brown WR 1991 J Invest Dermatol 97:273 (human epidermal S/M rhythm). Denda M et al. 1998 (dry air, mouse).
Proksch E et al. 1991 (tape stripping, mouse). Stumpp OF et al. 2009; Laubach HJ et al. 2006 (fractional laser
zones). Schmitt L et al. 2018 (microneedled 3D skin). Safferling K et al. 2013 J Cell Biol (edge speed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dermsim.epidermis.lattice import TissueLattice
from dermsim.epidermis.lattice_kernel import PROGENITOR, STEM
from dermsim.epidermis.lattice_parameters import tissue_data
from dermsim.errors import InputError

KINDS = ("basal-loss", "microneedle", "circadian", "tape-strip", "dehydration", "uv", "active")

#: Packaged defaults per perturbation kind: field → (TOML section, key, kernel unit).
_DEFAULTS = {
    "circadian": {"amplitude": ("circadian", "amplitude", ""), "m_phase_peak": ("circadian", "m_phase_peak", "h"),
                  "s_phase_peak": ("circadian", "s_phase_peak", "h")},
    "tape-strip": {"peak_factor": ("tape_strip", "peak_factor", ""), "peak_time": ("tape_strip", "peak_time", "day"),
                   "shape": ("tape_strip", "shape", ""),
                   "stratum_corneum_removed": ("tape_strip", "stratum_corneum_removed", "")},
    "dehydration": {"factor": ("dehydration", "factor", ""), "onset_time": ("dehydration", "onset_time", "day"),
                    "duration": ("dehydration", "duration", "day"),
                    "recovery_time": ("dehydration", "recovery_time", "day")},
    "uv": {"death_fraction_per_med": ("uv", "death_fraction_per_med", ""),
           "apoptosis_delay": ("uv", "apoptosis_delay", "day"),
           "peak_time": ("uv", "proliferation_peak_time", "day"),
           "proliferation_increase_per_med": ("uv", "proliferation_increase_per_med", ""),
           "shape": ("uv", "shape", "")},
    "microneedle": {"edge_speed": ("repair", "edge_speed", "um/day"),
                    "migration_lag": ("repair", "migration_lag", "day")},
    "basal-loss": {},
    "active": {},       # a topical active's division multiplier: every value comes from its concentration-response
}


def defaults(kind: str) -> dict[str, tuple[float, str]]:
    """Packaged default parameters of a perturbation ``kind``: name → (value in kernel units, source)."""
    if kind not in _DEFAULTS:
        raise InputError("perturbation kind", kind, " | ".join(KINDS), KINDS)
    return {name: tissue_data(sec, key, unit) for name, (sec, key, unit) in _DEFAULTS[kind].items()}


def resolve(kind: str, given: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Merge user values (None = not given) with the packaged defaults; returns (values, sources)."""
    values, sources = {}, {}
    for name, (value, source) in defaults(kind).items():
        values[name], sources[name] = value, source
    for name, value in given.items():
        if value is not None:
            values[name], sources[name] = value, "scenario input"
    return values, sources


def peaked_response(t: np.ndarray, peak_factor: float, peak_time: float, shape: float) -> np.ndarray:
    """1 + (F − 1) x^k exp(k (1 − x)), x = t/tp, for t ≥ 0 (1 before)."""
    t = np.asarray(t, float)
    x = np.maximum(t, 0.0) / peak_time
    bump = np.zeros_like(x)
    on = x > 0
    bump[on] = np.exp(shape * (np.log(x[on]) + 1 - x[on]))
    return 1 + (peak_factor - 1) * bump


def disc_offsets(radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(dy, dx) lattice offsets within ``radius`` sites of a site centre."""
    r = int(math.floor(radius))
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    inside = dy ** 2 + dx ** 2 <= radius ** 2 + 1e-9
    return dy[inside].ravel(), dx[inside].ravel()


def disc_sites(shape: tuple[int, int], centres: np.ndarray, radius: float) -> np.ndarray:
    """Flat indices of all sites within ``radius`` sites of the (y, x) ``centres`` (periodic), unique."""
    ny, nx = shape
    dy, dx = disc_offsets(radius)
    y = (np.rint(centres[:, :1]).astype(np.int64) + dy[None, :]) % ny
    x = (np.rint(centres[:, 1:]).astype(np.int64) + dx[None, :]) % nx
    return np.unique(y * nx + x)


# ------------------------------------------------------------------------------------------------------------------
# Spatial events

@dataclass(frozen=True)
class BasalLoss:
    """Loss of basal cells under an intact suprabasal cover (e.g. targeted ablation); repaired by division only.

    Parameters
    ----------
    time : float
        day.
    pattern : str
        ``"patch"`` (a disc centred on the lattice's middle row) or ``"random"`` (anywhere).
    fraction : float
        Fraction of the targeted cells removed (in the patch, or of the whole lattice).
    radius : float
        µm, patch radius (patch only).
    stem_cells : bool
        True: stem cells are lost like progenitors; False: progenitors only (stem cells spared).
    """

    time: float
    pattern: str = "patch"
    fraction: float = 1.0
    radius: float = 100.0
    stem_cells: bool = True
    kind: str = "basal-loss"

    def target(self, lat: TissueLattice, t: float) -> dict:
        ny, nx = lat.shape
        if self.pattern == "patch":
            r = self.radius / lat.params.cell_spacing
            region = disc_sites(lat.shape, np.array([[ny // 2, nx // 2]], float), r)
        else:
            region = np.arange(lat.params.n_sites)
        kind = lat.kind[region]
        eligible = region[(kind == PROGENITOR) | ((kind == STEM) & self.stem_cells)]
        kill = eligible[lat.rng.random(eligible.size) < self.fraction] if self.fraction < 1 else eligible
        who = "stem cells and progenitors" if self.stem_cells else "progenitors only"
        where = f"patch r = {self.radius:g} um" if self.pattern == "patch" else "random"
        return {"sites": region, "kill": kill, "label": f"basal loss {self.fraction:g}, {where}, {who}"}

    def apply(self, lat: TissueLattice, t: float, target: dict) -> dict:
        removed = lat.remove_cells(target["kill"], bare=False, t_now=t)
        return {"cells_removed": removed}


@dataclass(frozen=True)
class MicroneedleSession:
    """One microneedle application: open channels through the whole epidermis on a square grid.

    Parameters
    ----------
    time : float
        day.
    density : float
        Channels per cm².
    diameter : float
        µm, channel diameter at the basal layer.
    session : int
        0 for the first session (its grid has a row of channels on the cross-section row), 1, 2, … after.
    edge_speed, migration_lag : float
        µm/day, day: re-epithelialisation front (overrides the lattice parameters for this wound).
    """

    time: float
    density: float
    diameter: float
    session: int = 0
    edge_speed: float | None = None
    migration_lag: float | None = None
    kind: str = "microneedle"

    def centres(self, lat: TissueLattice) -> np.ndarray:
        """(n, 2) channel centres (y, x) in sites: a square grid of pitch 1/sqrt(density), random offset."""
        ny, nx = lat.shape
        pitch = 1e4 / math.sqrt(self.density) / lat.params.cell_spacing  # sites
        oy = ny // 2 if self.session == 0 else lat.rng.random() * ny
        ox = lat.rng.random() * nx
        ys = (oy + pitch * np.arange(-math.floor(oy / pitch), math.ceil((ny - oy) / pitch))) % ny
        xs = (ox + pitch * np.arange(-math.floor(ox / pitch), math.ceil((nx - ox) / pitch))) % nx
        ys = np.unique(np.floor(ys).astype(np.int64))
        xs = np.unique(np.floor(xs).astype(np.int64))
        return np.array([(y, x) for y in ys for x in xs], float).reshape(-1, 2)

    def target(self, lat: TissueLattice, t: float) -> dict:
        centres = self.centres(lat)
        radius = self.diameter / 2 / lat.params.cell_spacing
        sites = disc_sites(lat.shape, centres, radius)
        return {"sites": sites, "channels": len(centres), "radius_sites": radius,
                "label": f"microneedle session {self.session + 1}: {len(centres)} channels of {self.diameter:g} um"}

    def apply(self, lat: TissueLattice, t: float, target: dict) -> dict:
        params = lat.params
        if self.edge_speed is not None or self.migration_lag is not None:
            from dataclasses import replace

            lat.params = replace(params, edge_speed=self.edge_speed or params.edge_speed,
                                 migration_lag=params.migration_lag if self.migration_lag is None
                                 else self.migration_lag)
        removed = lat.remove_cells(target["sites"], bare=True, t_now=t,
                                   margin=int(math.ceil(target["radius_sites"])) + 2)
        lat.params = params
        return {"cells_removed": removed}


@dataclass(frozen=True)
class UVDeath:
    """Basal cells killed by UV (sunburn cells), removed ``apoptosis_delay`` after the exposure.

    Parameters
    ----------
    time : float
        day, time of cell removal (exposure + delay).
    fraction : float
        Fraction of basal cells removed (dose × death fraction per MED, at most 1).
    stem_cells : bool
        Whether stem cells die like progenitors.
    """

    time: float
    fraction: float
    stem_cells: bool = True
    kind: str = "uv"

    def target(self, lat: TissueLattice, t: float) -> dict:
        return BasalLoss(self.time, "random", self.fraction, stem_cells=self.stem_cells).target(lat, t) | {
            "label": f"UV: {self.fraction:.3g} of basal cells die"}

    def apply(self, lat: TissueLattice, t: float, target: dict) -> dict:
        return {"cells_removed": lat.remove_cells(target["kill"], bare=False, t_now=t)}


@dataclass(frozen=True)
class StratumCorneumStrip:
    """Removal of the outer stratum corneum by tape stripping (no region: the whole sample is stripped)."""

    time: float
    fraction: float
    kind: str = "tape-strip"

    def target(self, lat: TissueLattice, t: float) -> None:
        return None

    def apply(self, lat: TissueLattice, t: float, target: None) -> dict:
        return {"cells_removed": lat.strip_stratum_corneum(self.fraction)}


# ------------------------------------------------------------------------------------------------------------------
# Proliferation responses

@dataclass(frozen=True)
class PeakedResponse:
    """Proliferation response peaking ``peak_time`` after ``time`` (tape strip, UV)."""

    time: float
    peak_factor: float
    peak_time: float
    shape: float

    def factor(self, t: np.ndarray) -> np.ndarray:
        return peaked_response(np.asarray(t) - self.time, self.peak_factor, self.peak_time, self.shape)


@dataclass(frozen=True)
class PlateauResponse:
    """Proliferation rising to ``peak_factor`` during an exposure of ``duration`` (dry air), then decaying."""

    time: float
    duration: float
    peak_factor: float
    onset_time: float
    recovery_time: float

    def factor(self, t: np.ndarray) -> np.ndarray:
        """First-order rise and fall with time constants onset_time/3 and recovery_time/3 (95 % reached at
        onset_time after the start and back within 5 % at recovery_time after the end)."""
        s = np.asarray(t, float) - self.time
        rise = -np.expm1(-3 * np.clip(s, 0, self.duration) / self.onset_time)
        after = np.exp(-3 * np.maximum(s - self.duration, 0) / self.recovery_time)
        return 1 + (self.peak_factor - 1) * rise * after


@dataclass(frozen=True)
class CircadianRhythm:
    """Daily rhythm of basal divisions, with an optional phase shift ('sleep shift') from ``shift_time`` on.

    Parameters
    ----------
    amplitude : float
        Relative amplitude A (dimensionless, < 1).
    m_phase_peak, s_phase_peak : float
        h, clock times of the M- and S-phase peaks (the divisions of the model are M phases; the S phase of a
        division is placed ``(m_phase_peak − s_phase_peak) mod 24`` h before it).
    start_clock : float
        h, clock time at t = 0.
    shift : float
        h, phase delay of the rhythm from ``shift_time`` on (0: none).
    shift_time : float
        day.
    """

    amplitude: float
    m_phase_peak: float
    s_phase_peak: float
    start_clock: float = 0.0
    shift: float = 0.0
    shift_time: float = 0.0

    @property
    def s_to_m_lag(self) -> float:
        """h from the S-phase peak to the M-phase peak."""
        return (self.m_phase_peak - self.s_phase_peak) % 24

    def factor(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, float)
        peak = self.m_phase_peak + np.where(t >= self.shift_time, self.shift, 0.0)
        clock = self.start_clock + 24 * t
        return 1 + self.amplitude * np.cos(2 * np.pi * (clock - peak) / 24)


@dataclass
class Protocol:
    """All perturbations of a run: spatial events, proliferation responses and their records for the summary."""

    events: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    records: list = field(default_factory=list)
    circadian: CircadianRhythm | None = None

    def proliferation_factor(self, t: np.ndarray) -> np.ndarray:
        """Product of all proliferation responses at times ``t`` (day)."""
        out = np.ones(np.shape(t))
        for r in self.responses:
            out = out * r.factor(t)
        return out


def build_protocol(perturbations: list[dict[str, Any]], start_clock: float = 0.0) -> Protocol:
    """Events and responses from perturbation dictionaries (already parsed to kernel units: day, µm, h for
    clock times, channels per cm²; None = packaged default).

    Each dictionary has ``kind`` (one of `KINDS`) and that kind's fields; see
    `dermsim.epidermis.tissue_spec` for the scenario table of each kind.
    """
    proto = Protocol()
    for spec in perturbations:
        spec = dict(spec)
        kind = spec.pop("kind")
        if kind == "basal-loss":
            values, sources = resolve(kind, spec)
            proto.events.append(BasalLoss(values["time"], values["pattern"], values["fraction"],
                                          values.get("radius") or 100.0, values["stem_cells"]))
        elif kind == "microneedle":
            sessions, interval = spec.pop("sessions", 1) or 1, spec.pop("interval", None)
            values, sources = resolve(kind, spec)
            for k in range(sessions):
                proto.events.append(MicroneedleSession(values["time"] + k * (interval or 0.0), values["density"],
                                                       values["diameter"], k, values["edge_speed"],
                                                       values["migration_lag"]))
            values.update(sessions=sessions, interval=interval)
        elif kind == "circadian":
            values, sources = resolve(kind, spec)
            if proto.circadian is not None:
                raise InputError("perturbation", "circadian", "at most one circadian entry")
            proto.circadian = CircadianRhythm(values["amplitude"], values["m_phase_peak"] % 24,
                                              values["s_phase_peak"] % 24, start_clock, values.get("shift") or 0.0,
                                              values.get("shift_time") or 0.0)
            proto.responses.append(proto.circadian)
        elif kind == "tape-strip":
            values, sources = resolve(kind, spec)
            proto.events.append(StratumCorneumStrip(values["time"], values["stratum_corneum_removed"]))
            proto.responses.append(PeakedResponse(values["time"], values["peak_factor"], values["peak_time"],
                                                  values["shape"]))
        elif kind in ("dehydration", "active"):
            values, sources = resolve(kind, spec)
            proto.responses.append(PlateauResponse(values["time"], values["duration"], values["factor"],
                                                   values["onset_time"], values["recovery_time"]))
        elif kind == "uv":
            values, sources = resolve(kind, spec)
            fraction = min(1.0, values["dose"] * values["death_fraction_per_med"])
            proto.events.append(UVDeath(values["time"] + values["apoptosis_delay"], fraction,
                                        values.get("stem_cells", True)))
            proto.responses.append(PeakedResponse(values["time"],
                                                  1 + values["proliferation_increase_per_med"] * values["dose"],
                                                  values["peak_time"], values["shape"]))
        else:
            raise InputError("perturbation kind", kind, " | ".join(KINDS), KINDS)
        proto.records.append({"kind": kind, "values": values, "sources": sources})
    return proto
