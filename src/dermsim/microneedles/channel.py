"""Microneedle channels: the geometry of one channel and its closure over time (both channel models).

Units cm, h, ug. Channels at density n (1/cm²) tile the skin; each owns a cylinder of equal area, radius
R = 1/√(π n) (`cell_radius_for_density`). A channel of depth d and surface radius a₀ is a cylinder,
a(z) = a₀, or a cone (solid needles), a(z) = a₀ (1 − z/d), for 0 ≤ z < d (z = depth below the surface).
It holds aqueous fluid with partition K_ch to water (1) and the hindered diffusivity of the solute
(radius r_s) in a pore, D_ch(z) = D₀ · H(r_s / a(z)) (Renkin 1954 J Gen Physiol 38:225;
`dermsim.chemistry.macromolecule`).

Closure: the open cross-section relative to the fresh channel, f(t) ∈ [0, 1], scales the open radius,
a(z, t) = a(z) √f(t). The models take f piecewise constant over epochs (`ClosureSchedule`): the mean of
f over each epoch, epochs placed where f varies by equal amounts. Closure kinetics:
`dermsim.microneedles.resealing`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dermsim.errors import InputError

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

    def refined(self, breaks) -> "ClosureSchedule":
        """The same open fractions on epochs split at the extra ``breaks`` (h; e.g. a patch's release)."""
        starts = np.unique(np.concatenate([self.starts, np.asarray(breaks, dtype=float)]))
        starts = starts[starts >= 0.0]
        index = np.searchsorted(np.asarray(self.starts), starts, side="right") - 1
        return ClosureSchedule(tuple(float(x) for x in starts), tuple(self.fractions[i] for i in index))

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


def check_steady(vehicle) -> None:
    """`InputError` unless the vehicle (`dermsim.permeation.layered.Vehicle`) is an infinite dose."""
    if not vehicle.infinite:
        raise InputError("vehicle.infinite", False, "an infinite dose for a steady state")
