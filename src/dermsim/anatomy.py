"""Skin anatomy: ordered layers by body site, in-vitro membranes, hydration.

A `Skin` is an ordered stack of `Layer`s, top (surface) to bottom: stratum corneum, viable epidermis
(whose deepest cell layer, of thickness ``basal_layer_thickness``, is the basal layer), dermis and,
optionally, hypodermis. Thicknesses are in cm internally. Presets come from the packaged
``parameters/body_sites.toml``; every number there has its source.

Hydration ("dry", "normal", "hydrated" = fully hydrated / occluded) scales the stratum-corneum thickness by
the swelling factor of the Kasting hydration treatment (`dermsim.chemistry.qspr.sc_swelling_factor`) and
changes its transport properties through the QSPR layer.

Age is recorded but does not yet change the layers (age effects on thickness are not yet parameterised
with sources; see docs/status.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dermsim import parameters
from dermsim.errors import InputError

#: Hydration states of the stratum corneum (the one definition; `dermsim.chemistry.qspr` imports it).
HYDRATION_STATES = ("dry", "normal", "hydrated")
ROLES = ("stratum_corneum", "viable_epidermis", "dermis", "hypodermis", "membrane")
UM = 1e-4  # cm per µm


@dataclass(frozen=True)
class Layer:
    """One skin layer.

    Parameters
    ----------
    name : display name
    role : one of ROLES; sets how transport properties are obtained
    thickness : cm
    diffusivity : cm²/h, explicit (else from the QSPR model)
    partition : layer/vehicle partition, explicit (else from the QSPR model)
    clearance : 1/h, explicit first-order loss (else from the QSPR model, dermis in vivo only)
    source : where the thickness comes from
    """

    name: str
    role: str
    thickness: float
    diffusivity: float | None = None
    partition: float | None = None
    clearance: float | None = None
    source: str = ""

    @property
    def explicit(self) -> bool:
        return self.diffusivity is not None and self.partition is not None


@dataclass(frozen=True)
class Skin:
    """An ordered stack of layers with its site, hydration and the depth of the basal layer.

    Parameters
    ----------
    layers : top to bottom
    site : body-site or membrane preset name ("custom" for explicit layers)
    hydration : "dry" | "normal" | "hydrated"
    basal_layer_thickness : cm, the deepest cell layer of the viable epidermis
    capillary_loop_depth : cm below the surface, or None if unknown
    papillary_dermis_thickness : cm, the upper (papillary) part of the dermis, or None if unknown
    surface_ph : skin-surface pH (–)
    in_vitro : True for excised membranes (no blood flow)
    species : "human", or the animal of an excised animal membrane ("pig", "rat", …)
    age : years, or None
    sources : field -> source text
    """

    layers: tuple[Layer, ...]
    site: str = "custom"
    hydration: str = "normal"
    basal_layer_thickness: float = 10 * UM
    capillary_loop_depth: float | None = None
    papillary_dermis_thickness: float | None = None
    surface_ph: float | None = None
    in_vitro: bool = False
    species: str = "human"
    age: float | None = None
    sources: tuple[tuple[str, str], ...] = ()

    def layer(self, role: str) -> Layer | None:
        return next((lay for lay in self.layers if lay.role == role), None)

    @property
    def thickness(self) -> float:
        return sum(lay.thickness for lay in self.layers)

    def with_(self, **overrides) -> "Skin":
        """Copy with overrides, e.g. ``skin.with_(stratum_corneum_thickness="12 um")``.

        ``<role>_thickness`` sets the thickness of that layer and ``basal_layer_thickness`` that of the
        basal layer (a quantity string, or a number in cm); other keys replace attributes.
        """
        from dermsim.units import to_positive

        layers = list(self.layers)
        if "basal_layer_thickness" in overrides:
            overrides["basal_layer_thickness"] = to_positive(overrides["basal_layer_thickness"],
                                                             "basal_layer_thickness", "cm")
        for key in [k for k in overrides if k.endswith("_thickness") and k[:-10] in ROLES]:
            role = key[:-10]
            value = to_positive(overrides.pop(key), key, "cm")
            idx = next((i for i, lay in enumerate(layers) if lay.role == role), None)
            if idx is None:
                raise InputError(key, value, f"a layer present in this skin ({[lay.role for lay in layers]})")
            layers[idx] = replace(layers[idx], thickness=value, source="user override")
        return replace(self, layers=tuple(layers), **overrides)

    def describe(self) -> str:
        parts = [f"{lay.name} {lay.thickness / UM:.0f} um" for lay in self.layers]
        return f"{self.site} ({self.hydration}): " + " | ".join(parts)


def _value(entry, field: str) -> tuple[float, str]:
    """(value in cm for lengths, as given for dimensionless numbers; source) of a body_sites entry."""
    item = entry[field]
    return float(item.value), item.source


def _site_tables() -> tuple[dict, dict]:
    data = parameters.load("body_sites")
    return data.get("sites", {}), data.get("membranes", {})


def _species_tag(table) -> str:
    species = table.get("species", "human")
    return "" if species == "human" else f", {species}"


def list_sites() -> dict[str, str]:
    """Body sites and in-vitro membranes with their descriptions."""
    sites, membranes = _site_tables()
    out = {name: t.get("description", "") for name, t in sites.items()}
    out.update({name: f"in vitro{_species_tag(t)}: " + t.get("description", "") for name, t in membranes.items()})
    return out


def _check_hydration(hydration: str) -> None:
    if hydration not in HYDRATION_STATES:
        raise InputError("skin.hydration", hydration, f"one of {', '.join(HYDRATION_STATES)}",
                         choices=HYDRATION_STATES)


def _swelling(hydration: str) -> float:
    from dermsim.chemistry.qspr import sc_swelling_factor

    return sc_swelling_factor(hydration)


def skin_for_site(site: str, *, hydration: str = "normal", age: float | None = None,
                  include_hypodermis: bool = False, thickness=None) -> Skin:
    """Skin preset for a body site (in vivo) or an in-vitro membrane.

    Parameters
    ----------
    site : name from `list_sites` (e.g. "face", "forearm", "heat-separated-epidermis", "dermatomed", "pig-ear")
    hydration : "dry" | "normal" | "hydrated"
    age : years (recorded)
    include_hypodermis : add the subcutaneous fat layer below the dermis (in vivo sites)
    thickness : total thickness of a membrane with a ``default_total_thickness`` (dermatomed, full-thickness,
        the animal membranes), a quantity string such as "400 um" or a number in cm (default from the file)
    """
    _check_hydration(hydration)
    if thickness is not None:
        from dermsim.units import to_positive

        thickness = to_positive(thickness, "skin.thickness", "cm")
    sites, membranes = _site_tables()
    data = parameters.load("body_sites")
    basal, basal_src = _value(data["basal_layer"], "thickness")
    if site in sites:
        table, in_vitro = sites[site], False
    elif site in membranes:
        table, in_vitro = membranes[site], True
    else:
        word = str(site).strip().lower()
        described = [name for name, t in {**sites, **membranes}.items()
                     if len(word) >= 3 and word in str(t.get("description", "")).lower()]
        where = f"; {site!r} is part of {', '.join(repr(n) for n in described)}" if described else ""
        raise InputError("skin.site", site, "a body site or membrane (see `dermsim sites list`)" + where,
                         choices=list(sites) + list(membranes))
    swell = _swelling(hydration)
    sc_src = table["stratum_corneum_thickness"].source
    sc_swollen = table["stratum_corneum_thickness"].to("um") * swell * UM       # cm; swelling applied in um
    ve, ve_src = _value(table, "viable_epidermis_thickness")
    layers = [Layer("stratum corneum", "stratum_corneum", sc_swollen,
                    source=f"{sc_src}; × {swell:.3g} swelling ({hydration})"),
              Layer("viable epidermis", "viable_epidermis", ve, source=ve_src)]
    if "dermis_thickness" in table:
        de, de_src = _value(table, "dermis_thickness")
        layers.append(Layer("dermis", "dermis", de, source=de_src))
    if site == "dermatomed" or "default_total_thickness" in table:
        total, total_src = _value(table, "default_total_thickness")
        total = total if thickness is None else thickness
        dermis = total - sc_swollen - ve
        if dermis <= 0:
            raise InputError("skin.thickness", f"{total / UM:g} um",
                             f"more than stratum corneum + viable epidermis ({(sc_swollen + ve) / UM:.0f} um)")
        layers = [lay for lay in layers if lay.role != "dermis"]
        layers.append(Layer("dermis", "dermis", dermis,
                            source=f"dermatomed total {total / UM:g} um ({total_src if thickness is None else 'user'}) minus SC and VE"))
    elif thickness is not None:
        adjustable = ", ".join(n for n, t in membranes.items() if "default_total_thickness" in t)
        raise InputError("skin.thickness", f"{thickness / UM:g} um", f"only for membranes of adjustable thickness ({adjustable})")
    if include_hypodermis and "hypodermis_thickness" in table:
        hy, hy_src = _value(table, "hypodermis_thickness")
        layers.append(Layer("hypodermis", "hypodermis", hy, source=hy_src))
    loops = _value(table, "capillary_loop_depth")[0] if "capillary_loop_depth" in table else None
    papillary = _value(table, "papillary_dermis_thickness")[0] if "papillary_dermis_thickness" in table else None
    ph = _value(table, "surface_ph")[0] if "surface_ph" in table else None
    srcs = tuple((f"{site}.{k}", v) for k, v in parameters.sources(table).items())
    return Skin(layers=tuple(layers), site=site, hydration=hydration, basal_layer_thickness=basal,
                capillary_loop_depth=loops, papillary_dermis_thickness=papillary, surface_ph=ph, in_vitro=in_vitro,
                species=table.get("species", "human"), age=age,
                sources=srcs + (("basal_layer.thickness", basal_src),))
