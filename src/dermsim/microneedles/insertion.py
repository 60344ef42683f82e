"""Microneedle insertion: channel depth and surface diameter, insertion force, layer reached.

Skin deflects before and while a needle pierces it, so the channel left behind is shorter than the needle
(Kalluri 2011: 770 µm roller needles → 152.5 µm channels in rat; Donnelly 2011: 600 µm → ~460 µm in human
forearm; hydrogel MNs by gentle hand pressure ~300 µm; Lam 2008: < 50 % of nominal insertion below 1 mm).
dermsim uses the phenomenological law of `Insertion`, with one depth fraction per way of applying the
needles; the constants, and which data set them, are in ``parameters/microneedle.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dermsim import parameters
from dermsim.errors import InputError

_RULES = "microneedle"  # parameters/microneedle.toml, read through dermsim.parameters

if TYPE_CHECKING:
    from dermsim.anatomy import Skin
    from dermsim.microneedles.devices import Device

#: Named ways of applying needles; a force per needle (N) is the other option.
APPLICATIONS = ("hand-press", "roller", "pen", "impact-applicator")
FORCE = "force"
NOT_PIERCED = "none (not pierced)"
UM = 1e-4  # cm per µm


@dataclass(frozen=True)
class Insertion:
    """Channels left by one needle of a device applied in a given way.

    Law (lengths in cm)::

        d_eff = φ_a · L                                   channel depth (0 if the needle does not pierce)
        w(x)  = 2 r_tip + (D_base − 2 r_tip) · x / L      needle width at distance x from its tip (cone)
        D_s   = κ_a · w(d_eff)                            channel surface diameter
        D(z)  = D_s · (1 − z / d_eff)                     channel diameter at depth z (conical channel)
        F_ins = p_ins · π r_tip²                          force to pierce, N per needle (Davis 2004)

    φ_a: depth fraction of application a — roller 0.198 (fit to Kalluri 2011), hand-press 0.767 (fit to
    Donnelly 2011), pen 0.5 (thin: Lam 2008's < 50 % bound for steel needles), impact-applicator 0.8
    (thin, no depth data). κ_a: surface widening, roller
    2.07 (fit to Kalluri's 70.7 µm surface diameter), 1 for perpendicular insertion (thin). p_ins: insertion
    pressure 1.47e4 N/cm² (thin, from Davis 2004's 0.1–3 N range). With a force per needle F the needle
    pierces when F ≥ F_ins and then uses the hand-press φ (no force–depth data in the evidence); without a
    force the named application is assumed to pierce (the calibration data were pierced skin).
    For pens the cone is taken over the depth setting (the protruding needle), so their surface diameter
    does not change with the setting (thin: pen needles are shafts with a short taper).
    Left for validation: hydrogel ~300 µm by gentle hand pressure (Donnelly 2014), Olatunji 2013's
    0.021–0.030 N per polymer needle. Not modelled: needle spacing (matters only below
    ~150 µm base spacing, Olatunji 2013), insertion speed, skin age (insertion depth similar > 65 y,
    PMC5830461).

    Parameters
    ----------
    nominal_length : cm, needle length or pen depth setting L
    effective_depth : cm, channel depth d_eff
    surface_diameter : cm, channel diameter at the skin surface D_s
    depth_fraction : φ_a (–)
    widening : κ_a (–)
    application : named application or "force"
    applied_force : N per needle, or None for a named application
    insertion_force : N per needle needed to pierce
    pierces : whether the needle pierces
    layer_reached : layer the channel ends in (when a skin was given)
    reaches_capillary_loops : channel reaches the capillary-loop depth (None when no skin or depth unknown)
    capillary_loop_depth : cm below the surface, or None
    skin_thickness : cm, or None
    sources : (parameter, source) pairs
    """

    nominal_length: float
    effective_depth: float
    surface_diameter: float
    depth_fraction: float
    widening: float
    application: str
    applied_force: float | None
    insertion_force: float
    pierces: bool
    layer_reached: str | None = None
    reaches_capillary_loops: bool | None = None
    capillary_loop_depth: float | None = None
    skin_thickness: float | None = None
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def surface_area(self) -> float:
        """cm², open area of one channel at the surface, π D_s²/4."""
        return math.pi * self.surface_diameter ** 2 / 4

    @property
    def wall_area(self) -> float:
        """cm², lateral (wound) area of one conical channel, π r √(r² + d²)."""
        r = self.surface_diameter / 2
        return math.pi * r * math.hypot(r, self.effective_depth)

    def diameter_at(self, depth):
        """Channel diameter (cm) at ``depth`` cm below the surface (vectorised; 0 below the tip)."""
        import numpy as np

        z = np.asarray(depth, dtype=float)
        if self.effective_depth <= 0:
            return np.zeros_like(z)
        return self.surface_diameter * np.clip(1.0 - z / self.effective_depth, 0.0, 1.0)


def insertion_force(tip_radius: float) -> float:
    """Force (N) one needle of tip radius ``tip_radius`` (cm) needs to pierce skin: p_ins · π r_tip²."""
    return parameters.entry(_RULES, "insertion/force/insertion_pressure").to("N/cm^2") * math.pi * tip_radius ** 2


def needle_width(distance_from_tip: float, nominal_length: float, base_diameter: float, tip_radius: float) -> float:
    """Width (cm) of a conical needle at ``distance_from_tip`` cm from its tip (clipped to the base)."""
    x = min(max(distance_from_tip, 0.0), nominal_length)
    return 2 * tip_radius + (base_diameter - 2 * tip_radius) * x / nominal_length


def parse_application(application: Any) -> tuple[str, float | None]:
    """``(name, force)``: a named application with force None, or ``("force", N per needle)``.

    Parameters
    ----------
    application : one of APPLICATIONS or a force per needle, N (a number; strings such as "0.05 N" are
        parsed by the scenario's ``[microneedle]`` table)
    """
    if isinstance(application, str) and application.strip().lower() in APPLICATIONS:
        return application.strip().lower(), None
    allowed = f"one of {', '.join(APPLICATIONS)} or a force per needle in N"
    if isinstance(application, str):
        raise InputError("application", application, allowed, choices=APPLICATIONS)
    if (application is None or isinstance(application, bool) or not isinstance(application, int | float)
            or not 0 < application < float("inf")):
        raise InputError("application", application, allowed)
    return FORCE, float(application)


def _application_constants(application: str) -> tuple[float, float, tuple[tuple[str, str], ...]]:
    fraction_key = "hand-press" if application == FORCE else application
    widening_key = "roller" if application == "roller" else "perpendicular"
    paths = (f"insertion/depth_fraction/{fraction_key}", f"insertion/surface_widening/{widening_key}",
             "insertion/force/insertion_pressure")
    return (parameters.entry(_RULES, paths[0]).to(""), parameters.entry(_RULES, paths[1]).to(""),
            parameters.cited(_RULES, *paths))


def insert_needle(nominal_length: float, base_diameter: float, tip_radius: float,
                  application: Any = "hand-press") -> Insertion:
    """Channel left by one needle of the given geometry (no skin: layer fields stay None).

    Parameters
    ----------
    nominal_length : cm, needle length L (> 0)
    base_diameter : cm
    tip_radius : cm
    application : named application (APPLICATIONS) or a force per needle (N, number or "0.05 N")
    """
    if not nominal_length > 0:
        raise InputError("needle_length", nominal_length, "a length > 0")
    name, force = parse_application(application)
    fraction, widening, sources = _application_constants(name)
    required = insertion_force(tip_radius)
    pierces = True if force is None else force >= required
    depth = fraction * nominal_length if pierces else 0.0
    diameter = widening * needle_width(depth, nominal_length, base_diameter, tip_radius) if pierces else 0.0
    return Insertion(nominal_length=nominal_length, effective_depth=depth, surface_diameter=diameter,
                     depth_fraction=fraction, widening=widening, application=name, applied_force=force,
                     insertion_force=required, pierces=pierces, sources=sources)


def layer_at_depth(skin: Skin, depth: float) -> str:
    """Name of the layer in which a channel of ``depth`` cm ends.

    One of "stratum corneum", "viable epidermis", "basal layer" (deepest ``basal_layer_thickness`` of the
    viable epidermis), "papillary dermis" (upper ``papillary_dermis_thickness`` of the dermis; "dermis"
    when unknown), "reticular dermis", "hypodermis", a membrane layer's own name, or NOT_PIERCED for
    depth 0. A channel ending exactly on a boundary is in the upper layer.

    Raises
    ------
    InputError
        ``depth`` longer than the skin.
    """
    if depth <= 0:
        return NOT_PIERCED
    top = 0.0
    for layer in skin.layers:
        bottom = top + layer.thickness
        if depth <= bottom * (1 + 1e-12):
            if layer.role == "stratum_corneum":
                return "stratum corneum"
            if layer.role == "viable_epidermis":
                return "viable epidermis" if depth <= bottom - skin.basal_layer_thickness else "basal layer"
            if layer.role == "dermis":
                papillary = skin.papillary_dermis_thickness
                if papillary is None:
                    return "dermis"
                return "papillary dermis" if depth <= top + papillary else "reticular dermis"
            if layer.role == "hypodermis":
                return "hypodermis"
            return layer.name
        top = bottom
    raise InputError("depth", f"{depth / UM:.0f} um effective channel depth",
                     f"a channel shorter than the skin ({skin.thickness / UM:.0f} um at {skin.site}; "
                     "use a shorter needle or depth setting, or a skin with hypodermis)")


def classify(insertion: Insertion, skin: Skin) -> Insertion:
    """`insertion` with the layer reached, capillary-loop contact and skin thickness filled in."""
    layer = layer_at_depth(skin, insertion.effective_depth)
    loops = None if skin.in_vitro else skin.capillary_loop_depth
    if skin.in_vitro:  # excised skin has no blood flow
        reaches = False
    else:
        reaches = None if loops is None else bool(insertion.pierces and insertion.effective_depth >= loops)
    return replace(insertion, layer_reached=layer, reaches_capillary_loops=reaches, capillary_loop_depth=loops,
                   skin_thickness=skin.thickness)


def insert(device: Device, skin: Skin | None = None, *, application: Any = None,
           depth_setting: float | None = None) -> Insertion:
    """Channels that ``device`` leaves in ``skin``.

    Parameters
    ----------
    device : a `Device`
    skin : a `dermsim.anatomy.Skin` (optional; gives the layer reached and capillary-loop contact)
    application : named application or a force per needle (N); default: the device's usual one
        (roller → "roller", pen → "pen", stamp/array → "hand-press")
    depth_setting : cm, pen needle length (required for pens, refused for fixed-length devices)

    Raises
    ------
    InputError
        Bad application, depth setting, or a channel longer than the skin.
    """
    length = device.nominal_length(depth_setting)
    result = insert_needle(length, device.base_diameter, device.tip_radius,
                           device.default_application if application is None else application)
    return result if skin is None else classify(result, skin)
