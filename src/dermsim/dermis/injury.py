"""The dermal injury of one microneedle session: the fraction of the dermis its channels puncture.

A channel of `dermsim.microneedles.insertion.Insertion` is a cone: diameter D(z) = D_s (1 − z / d) at depth z
below the surface, D_s its surface diameter, d its effective depth. The part of it below the epidermis
(z_e = stratum corneum + viable epidermis) is dermal wound::

    V_channel = ∫_{z_e}^{d} π D(z)² / 4 dz = π D_s² d / 12 · (1 − z_e / d)³        (cm³, 0 when d ≤ z_e)
    J         = n_d · V_channel / h_dermis                                          (–)

n_d the distinct channels per cm² of the session (`dermsim.microneedles.density`), h_dermis the dermis
thickness of the skin (cm). J is the punctured dermal volume fraction: the injury `dermsim.dermis.collagen`
takes as the size of a session. It counts only the hole; a margin of damaged tissue around it is not
modelled (no measurement of one for microneedle channels was found), so J is a lower bound of the injured
volume and the collagen model's fitted injury gain absorbs the ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dermsim.errors import InputError

if TYPE_CHECKING:
    from dermsim.microneedles.plan import TreatmentPlan

__all__ = ["DermalInjury", "InjuryEvent", "dermal_injury", "session_injury", "channel_dermal_volume"]

UM = 1e-4  # cm per µm


@dataclass(frozen=True)
class DermalInjury:
    """What one session does to the dermis.

    Parameters
    ----------
    volume_fraction : punctured fraction of the dermal volume, J (–)
    punctured_volume_per_area : dermal volume of the channels per skin area, cm³/cm²
    channels_per_cm2 : distinct channels per cm²
    channel_depth : effective channel depth, cm
    dermal_depth : channel length below the epidermis, cm (0 when the channel ends in the epidermis)
    surface_diameter : channel diameter at the surface, cm
    epidermis_thickness : stratum corneum + viable epidermis, cm
    dermis_thickness : cm
    layer_reached : the layer the channels end in
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

    def summary(self) -> dict[str, Any]:
        """JSON-able record (lengths in µm)."""
        return {"dermal_volume_fraction": self.volume_fraction,
                "punctured_dermal_volume_cm3_per_cm2": self.punctured_volume_per_area,
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


def channel_dermal_volume(surface_diameter: float, depth: float, epidermis_thickness: float) -> float:
    """cm³ of one conical channel below the epidermis: π D_s² d / 12 · (1 − z_e / d)³ (0 if d ≤ z_e).

    Parameters
    ----------
    surface_diameter : cm, D_s
    depth : cm, d
    epidermis_thickness : cm, z_e
    """
    for name, value in (("surface_diameter", surface_diameter), ("depth", depth),
                        ("epidermis_thickness", epidermis_thickness)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise InputError(name, value, "a finite length ≥ 0 in cm")
    if depth <= epidermis_thickness:
        return 0.0
    return math.pi * surface_diameter ** 2 * depth / 12.0 * (1.0 - epidermis_thickness / depth) ** 3


def _thickness(skin, roles: Sequence[str]) -> float:
    return sum(layer.thickness for layer in skin.layers if layer.role in roles)


def dermal_injury(plan: TreatmentPlan) -> DermalInjury:
    """The dermal injury of a planned session (`dermsim.microneedles.plan.plan_treatment`).

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
    per_channel = channel_dermal_volume(ins.surface_diameter, depth, epidermis)
    per_area = plan.channel_density * per_channel
    return DermalInjury(volume_fraction=per_area / dermis, punctured_volume_per_area=per_area,
                        channels_per_cm2=plan.channel_density, channel_depth=depth,
                        dermal_depth=max(0.0, depth - epidermis), surface_diameter=ins.surface_diameter,
                        epidermis_thickness=epidermis, dermis_thickness=dermis, layer_reached=ins.layer_reached)


def session_injury(device: Any, site: str = "face", *, passes: int, depth_setting_mm: float | None = None,
                   age_years: float | None = None, application: str | float | None = None) -> DermalInjury:
    """The dermal injury of one session of a library device (a shortcut through `plan_treatment`).

    Parameters
    ----------
    device : a `dermsim.microneedles.devices.Device` or a library device name (``dermsim microneedle devices``)
    site : in vivo body site
    passes : passes over the treated area (pens and rollers), applications per spot (stamps)
    depth_setting_mm : mm, pens only
    age_years : years (resealing only; the channel geometry does not depend on age)
    application : named application or force per needle, N; default the device's usual one
    """
    from dermsim.microneedles.plan import plan_treatment

    plan = plan_treatment(device, site, passes=passes, treated_area_cm2=1.0, application=application,
                          depth_setting_cm=None if depth_setting_mm is None else depth_setting_mm / 10.0,
                          age_years=age_years)
    return dermal_injury(plan)
