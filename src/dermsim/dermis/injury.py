"""The dermal injury of one microneedle session: the fraction of the dermis its channels wound.

A channel of `dermsim.microneedles.insertion.Insertion` is a cone: diameter D(z) = D_s (1 − z / d) at depth z
below the surface, D_s its surface diameter, d its effective depth. The part of it below the epidermis
(z_e = stratum corneum + viable epidermis; length ℓ = d − z_e, radius R_e = D_s (1 − z_e / d) / 2 at the
dermal–epidermal junction) is the dermal hole::

    V_hole = π R_e² ℓ / 3                                                           (cm³, 0 when d ≤ z_e)

A wound acts beyond its hole: platelets and the inflammatory cells of the bleeding channel release growth factors
that reach the fibroblasts around it. The injured zone of a channel is the dermis within the wound-signal radius
r of the hole (the cone dilated by r below the junction: its lateral shell and a hemisphere under the tip, cut at
the bottom of the dermis)::

    V_zone = π ℓ (R_e² / 3 + R_e r + r²) + (2/3) π r³ · min(1, (h − ℓ) / r)           (cm³)
    J      = 1 − exp(−n_d · V_zone / h)                                              (–)

n_d the distinct channels per cm² of the session (`dermsim.microneedles.density`), h the dermis thickness (cm).
Channels lie at random, so zones overlap as a Poisson process and J saturates at 1: a dense pen session cannot
wound more than the whole dermis, and a sparse roller session wounds much more than its holes alone. With r = 0,
J = 1 − exp(−punctured fraction). J is the injury `dermsim.dermis.collagen` takes as the size of a session.
r is thin (``[injury] wound_signal_radius`` of ``parameters/dermis_collagen.toml``, where its evidence is stated).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dermsim.errors import InputError

if TYPE_CHECKING:
    from dermsim.microneedles.plan import TreatmentPlan

__all__ = ["DermalInjury", "InjuryEvent", "dermal_injury", "session_injury", "channel_dermal_volume",
           "channel_zone_volume", "wound_signal_radius"]

UM = 1e-4  # cm per µm


@dataclass(frozen=True)
class DermalInjury:
    """What one session does to the dermis.

    Parameters
    ----------
    volume_fraction : injured fraction of the dermal volume, J (–): within the wound-signal radius of a channel
    punctured_volume_per_area : dermal volume of the channels (the holes) per skin area, cm³/cm²
    channels_per_cm2 : distinct channels per cm²
    channel_depth : effective channel depth, cm
    dermal_depth : channel length below the epidermis, cm (0 when the channel ends in the epidermis)
    surface_diameter : channel diameter at the surface, cm
    epidermis_thickness : stratum corneum + viable epidermis, cm
    dermis_thickness : cm
    layer_reached : the layer the channels end in
    signal_radius : wound-signal radius r, cm
    """

    volume_fraction: float
    punctured_volume_per_area: float
    channels_per_cm2: float
    channel_depth: float
    dermal_depth: float
    surface_diameter: float
    epidermis_thickness: float
    dermis_thickness: float
    layer_reached: str | None = None
    signal_radius: float = 0.0

    def summary(self) -> dict[str, Any]:
        """JSON-able record (lengths in µm)."""
        return {"dermal_volume_fraction": self.volume_fraction,
                "punctured_dermal_volume_cm3_per_cm2": self.punctured_volume_per_area,
                "wound_signal_radius_um": self.signal_radius / UM,
                "channels_per_cm2": self.channels_per_cm2, "channel_depth_um": self.channel_depth / UM,
                "dermal_channel_length_um": self.dermal_depth / UM,
                "channel_surface_diameter_um": self.surface_diameter / UM,
                "epidermis_thickness_um": self.epidermis_thickness / UM,
                "dermis_thickness_um": self.dermis_thickness / UM, "layer_reached": self.layer_reached}


@dataclass(frozen=True)
class InjuryEvent:
    """A session at ``time`` (days from the start of the simulation) puncturing ``volume_fraction`` of the
    dermis (–); ``label`` names it in results."""

    time: float
    volume_fraction: float
    label: str = ""


def _check_lengths(**lengths: float) -> None:
    for name, value in lengths.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise InputError(name, value, "a finite length ≥ 0 in cm")


def channel_dermal_volume(surface_diameter: float, depth: float, epidermis_thickness: float) -> float:
    """cm³ of one conical channel below the epidermis: π D_s² d / 12 · (1 − z_e / d)³ (0 if d ≤ z_e).

    Parameters
    ----------
    surface_diameter : cm, D_s
    depth : cm, d
    epidermis_thickness : cm, z_e
    """
    return channel_zone_volume(surface_diameter, depth, epidermis_thickness, 0.0, math.inf)


def channel_zone_volume(surface_diameter: float, depth: float, epidermis_thickness: float, radius: float,
                        dermis_thickness: float) -> float:
    """cm³ of dermis within ``radius`` of one conical channel (module docstring; 0 if d ≤ z_e).

    Parameters
    ----------
    surface_diameter : cm, D_s
    depth : cm, d
    epidermis_thickness : cm, z_e
    radius : wound-signal radius r, cm (0: the hole itself)
    dermis_thickness : cm, h (caps the hemisphere under the tip)
    """
    _check_lengths(surface_diameter=surface_diameter, depth=depth, epidermis_thickness=epidermis_thickness,
                   radius=radius)
    if depth <= epidermis_thickness:
        return 0.0
    length = depth - epidermis_thickness
    r_e = 0.5 * surface_diameter * (1.0 - epidermis_thickness / depth)
    zone = math.pi * length * (r_e * r_e / 3.0 + r_e * radius + radius * radius)
    if radius > 0:
        zone += 2.0 / 3.0 * math.pi * radius ** 3 * min(1.0, max(0.0, dermis_thickness - length) / radius)
    return zone


def wound_signal_radius() -> float:
    """The packaged wound-signal radius r, cm (``[injury]`` of ``parameters/dermis_collagen.toml``)."""
    from dermsim import parameters

    return parameters.load("dermis_collagen")["injury"]["wound_signal_radius"].to("cm")


def _thickness(skin, roles: Sequence[str]) -> float:
    return sum(layer.thickness for layer in skin.layers if layer.role in roles)


def dermal_injury(plan: TreatmentPlan, signal_radius: float | None = None) -> DermalInjury:
    """The dermal injury of a planned session (`dermsim.microneedles.plan.plan_treatment`).

    ``signal_radius`` (cm) replaces the packaged wound-signal radius (sensitivity studies).

    Raises
    ------
    InputError
        A skin without a dermis layer (membranes such as heat-separated epidermis).
    """
    skin, ins = plan.skin, plan.insertion
    dermis = _thickness(skin, ("dermis",))
    if dermis <= 0:
        raise InputError("skin", skin.site, "a skin with a dermis (in vivo body sites)",
                         problem=f"{skin.site!r} has no dermis layer to injure")
    epidermis = _thickness(skin, ("stratum_corneum", "viable_epidermis"))
    depth = ins.effective_depth if ins.pierces else 0.0
    radius = wound_signal_radius() if signal_radius is None else signal_radius
    per_area = plan.channel_density * channel_dermal_volume(ins.surface_diameter, depth, epidermis)
    zone = plan.channel_density * channel_zone_volume(ins.surface_diameter, depth, epidermis, radius, dermis)
    return DermalInjury(volume_fraction=-math.expm1(-zone / dermis), punctured_volume_per_area=per_area,
                        channels_per_cm2=plan.channel_density, channel_depth=depth,
                        dermal_depth=max(0.0, depth - epidermis), surface_diameter=ins.surface_diameter,
                        epidermis_thickness=epidermis, dermis_thickness=dermis, layer_reached=ins.layer_reached,
                        signal_radius=radius)


def session_injury(device: Any, site: str = "face", *, passes: int, depth_setting_mm: float | None = None,
                   age_years: float | None = None, application: str | float | None = None,
                   signal_radius_um: float | None = None) -> DermalInjury:
    """The dermal injury of one session of a library device (a shortcut through `plan_treatment`).

    Parameters
    ----------
    device : a `dermsim.microneedles.devices.Device` or a library device name (``dermsim microneedle devices``)
    site : in vivo body site
    passes : passes over the treated area (pens and rollers), applications per spot (stamps)
    depth_setting_mm : mm, pens only
    age_years : years (resealing only; the channel geometry does not depend on age)
    application : named application or force per needle, N; default the device's usual one
    signal_radius_um : µm, replaces the packaged wound-signal radius
    """
    from dermsim.microneedles.plan import plan_treatment

    plan = plan_treatment(device, site, passes=passes, treated_area_cm2=1.0, application=application,
                          depth_setting_cm=None if depth_setting_mm is None else depth_setting_mm / 10.0,
                          age_years=age_years)
    return dermal_injury(plan, None if signal_radius_um is None else signal_radius_um * UM)
