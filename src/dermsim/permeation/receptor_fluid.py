"""Receptor fluids of a Franz cell (OECD TG 428) and how much of a compound they hold relative to water.

Ethanol, albumin or a non-ionic surfactant keep lipophilic compounds soluble in the receptor. The layered model
sees the receptor through its receptor/water capacity ratio K_r (dimensionless), here the solubilising power of
the fluid relative to water for a compound of log10 octanol/water partition coefficient log Kow and un-ionised
fraction f_u at the receptor pH (only the un-ionised form is solubilised; ions count as in water):

* ethanol-water, ethanol volume fraction φ (log-linear cosolvency, Yalkowsky & Roseman 1981)::

      K_eth = (1 − f_u) + f_u 10^(σ φ),   σ = s log Kow + t   (neat ethanol: solubility.solubilisation_power)

* albumin at C_alb (g/cm³), linear binding of the un-ionised form::

      K_alb = 1 + f_u k_alb C_alb,   log10(k_alb C_plasma) = 0.733 log Kow − 0.780   (k_alb in cm³/g)

  (plasma-protein/plasma-water partition of Zoghbi et al. 2012 J Pharm Sci 101:1028, C_plasma = 0.043 g/cm³;
  thin: human plasma for BSA, a factor 2 above testosterone's albumin binding). Linear only while the compound
  stays far below albumin's molar concentration (0.6 mM at 4 %); anion binding (site I) is not represented.
* non-ionic surfactant micelles at C_s (g/cm³, above the CMC, which is neglected)::

      K_mic = 1 + f_u κ C_s,   log10 κ [cm³/g] = a log Kow + b + offset(surfactant)

  (form of Alvarez-Núñez & Yalkowsky 2000 Int J Pharm 200:217 for polysorbate 80; thin: slope a = 0.6 assumed,
  b = 0.87 calibrated on progesterone, offset 0 for oleth-20 and polysorbate 80; ``receptor_fluids.toml``).
* a fluid combining them: K_r = K_eth K_alb K_mic. The factors are taken as independent, an approximation
  and for two or more large factors an upper bound: ethanol weakens albumin binding and micellisation, and
  albumin and micelles compete for the compound.

The receptor solubility is S_r = K_r S_w (ug/cm³), S_w from :func:`dermsim.formulation.solubility.aqueous_solubility`
(the intrinsic solubility: for an ionised compound S_r is then a lower bound). Sink conditions hold while the
receptor concentration stays below 10 % of S_r (OECD Guidance Document 28 for the conduct of skin absorption
studies, 2004, with Test Guideline 428; :func:`sink_check`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from dermsim import parameters
from dermsim.chemistry.compound import Compound
from dermsim.errors import InputError
from dermsim.formulation.solubility import aqueous_solubility, solubilisation_power
from dermsim.units import to_internal

__all__ = ["ReceptorFluid", "receptor_fluid", "list_presets", "receptor_partition", "receptor_solubility",
           "sink_check", "albumin_binding", "micellar_capacity"]

_KEYS = {k: k for k in ("name", "description", "ethanol", "albumin", "surfactant", "surfactant_concentration")} \
    | {"ethanol_fraction": "ethanol", "bsa": "albumin"}            # accepted mapping keys -> field


def _table():
    return parameters.load("receptor_fluids")


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _index(section: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, entry in _table()[section].items():
        for label in (key, entry.get("display_name", key), *entry.get("aliases", ())):
            index[_normalise(label)] = key
    return index


def list_presets() -> list[str]:
    """Keys of the packaged receptor-fluid presets, in file order."""
    return list(_table()["presets"].keys())


def _check(field: str, value, low: float, high: float, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not low <= value <= high:
        raise InputError(field, value, allowed)
    return float(value)


def _surfactant_key(name: str) -> str:
    index = _index("surfactants")
    key = index.get(_normalise(name)) if isinstance(name, str) else None
    if key is None:
        raise InputError("fluid.surfactant", name, ", ".join(_table()["surfactants"].keys()), choices=sorted(index))
    return key


@dataclass(frozen=True)
class ReceptorFluid:
    """Composition of a receptor fluid: name (preset key or "custom"), ethanol volume fraction (0-1), albumin
    concentration (g/cm³; 4 % w/v = 0.04), surfactant key of receptor_fluids.toml or None, its concentration
    (g/cm³) and a description."""

    name: str
    ethanol_fraction: float = 0.0
    albumin: float = 0.0
    surfactant: str | None = None
    surfactant_concentration: float = 0.0
    description: str = ""

    def __post_init__(self) -> None:
        for field, high, unit in (("ethanol_fraction", 1.0, ""), ("albumin", 0.5, " g/cm^3"),
                                  ("surfactant_concentration", 0.5, " g/cm^3")):
            value = _check(f"fluid.{field}", getattr(self, field), 0.0, high, f"a number in [0, {high:g}]{unit}")
            object.__setattr__(self, field, value)
        if self.surfactant is not None:
            object.__setattr__(self, "surfactant", _surfactant_key(self.surfactant))
        elif self.surfactant_concentration > 0:
            raise InputError("fluid.surfactant", None, ", ".join(_table()["surfactants"].keys()),
                             problem="a surfactant concentration needs a surfactant name")


def _fraction(value, field: str, unit: str) -> float:
    """'50 %' / '4 % w/v' -> 0.5 / 0.04; a bare number as it is; other strings as a quantity in ``unit``."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*%\s*(?:[vw]\s*/\s*v)?\s*", value)
        if match:
            return float(match.group(1)) / 100.0
        if not unit:
            raise InputError(field, value, "a volume fraction such as 0.5 or '50 %'")
    return to_internal(value, field, unit) if unit else value


def receptor_fluid(spec) -> ReceptorFluid:
    """A receptor fluid from a preset name (case-insensitive, aliases allowed: ``"pbs"``, ``"saline"``,
    ``"pbs-bsa-4"``, ``"ethanol-water-50"``, ``"volpo-6"`` ...) or a mapping such as
    ``{"ethanol": "50 %", "bsa": "4 %", "surfactant": "oleth-20", "surfactant_concentration": "6 %"}``
    (ethanol: volume fraction; albumin/bsa and surfactant_concentration: '4 %' = 4 % w/v or a concentration
    such as '40 mg/mL'; a bare number is a fraction, i.e. g/cm³). A `ReceptorFluid` is returned as it is.

    Raises InputError naming the field, the value and the allowed names or keys.
    """
    if isinstance(spec, ReceptorFluid):
        return spec
    if isinstance(spec, str):
        index = _index("presets")
        key = index.get(_normalise(spec))
        if key is None:
            raise InputError("fluid", spec, "a preset (" + ", ".join(list_presets()) + ") or a mapping of "
                             "ethanol, albumin, surfactant, surfactant_concentration", choices=sorted(index))
        p = _table()["presets"][key]
        return ReceptorFluid(key, p["ethanol_fraction"].to(""), p["albumin"].to("g/cm^3"), p.get("surfactant"),
                             p["surfactant_concentration"].to("g/cm^3"), p["description"])
    if not isinstance(spec, Mapping):
        raise InputError("fluid", spec, "a preset name or a mapping of its composition")
    unknown = [k for k in spec if k not in _KEYS]
    if unknown:
        raise InputError("fluid", unknown[0], "keys " + ", ".join(_KEYS), choices=list(_KEYS),
                         problem=f"unknown key {unknown[0]!r}")
    values = {_KEYS[k]: v for k, v in spec.items()}
    ethanol = _fraction(values.get("ethanol", 0.0), "fluid.ethanol", "")
    albumin = _fraction(values.get("albumin", 0.0), "fluid.albumin", "g/cm^3")
    surf_c = _fraction(values.get("surfactant_concentration", 0.0), "fluid.surfactant_concentration", "g/cm^3")
    surfactant = values.get("surfactant")
    parts = [f"{100 * ethanol:g} % v/v ethanol" * bool(ethanol), f"{100 * albumin:g} % w/v albumin" * bool(albumin),
             f"{100 * surf_c:g} % w/v {surfactant}" * bool(surfactant)]
    description = values.get("description") or "custom: " + (", ".join(p for p in parts if p) or "aqueous buffer")
    return ReceptorFluid(str(values.get("name", "custom")), ethanol, albumin, surfactant, surf_c, description)


def albumin_binding(log_kow: float) -> float:
    """k_alb, cm³/g: albumin-bound over free concentration per g/cm³ of albumin for the un-ionised compound."""
    a = _table()["albumin"]
    return 10.0 ** (a["slope"].to("") * log_kow + a["intercept"].to("")) / a["plasma_albumin"].to("g/cm^3")


def micellar_capacity(surfactant: str, log_kow: float) -> float:
    """κ, cm³/g: micelle-solubilised over free concentration per g/cm³ of surfactant (un-ionised compound)."""
    s, key = _table()["surfactant"], _surfactant_key(surfactant)
    offset = _table()["surfactants"][key]["log_kappa_offset"].to("")
    return 10.0 ** (s["slope"].to("") * log_kow + s["intercept"].to("log10(cm^3/g)") + offset)


def receptor_partition(fluid, compound: Compound, fraction_unionised: float = 1.0) -> tuple[float, str]:
    """Receptor/water capacity ratio K_r of the compound in the fluid (dimensionless, ≥ 1) and its source text.

    Parameters
    ----------
    fluid : `ReceptorFluid` or anything :func:`receptor_fluid` accepts
    compound : the permeant (its ``log_kow`` is needed when the fluid has a solubiliser)
    fraction_unionised : f_u at the receptor pH, 0-1 (only the un-ionised form is solubilised)

    Returns
    -------
    (K_r, source) : K_eth K_alb K_mic (module docstring); exactly 1 for a buffer, for φ = 0 and for f_u = 0
    """
    fluid = receptor_fluid(fluid)
    f = _check("fraction_unionised", fraction_unionised, 0.0, 1.0, "a number in [0, 1]")
    if not (fluid.ethanol_fraction or fluid.albumin or fluid.surfactant_concentration):
        return 1.0, f"{fluid.name}: no solubiliser, K_r = 1 (water)"
    if not isinstance(compound, Compound):
        raise InputError("compound", compound, "a dermsim Compound (get_compound, make_compound)")
    if (log_kow := compound.log_kow) is None:
        raise InputError(f"{compound.name}.log_kow", None, "a log Kow (small molecules only)",
                         problem=f"{compound.name!r} has no log Kow, needed for a receptor fluid with a solubiliser")
    terms = []
    if fluid.ethanol_fraction:
        sigma = solubilisation_power("ethanol", log_kow)
        terms.append(((1.0 - f) + f * 10.0 ** (sigma * fluid.ethanol_fraction),
                      f"ethanol {100 * fluid.ethanol_fraction:g} % v/v",
                      f"log-linear cosolvency, sigma = {sigma:.3g}, Millard, Alvarez-Nunez & Yalkowsky 2002; thin"))
    if fluid.albumin:
        k_alb = albumin_binding(log_kow)
        terms.append((1.0 + f * k_alb * fluid.albumin, f"albumin {100 * fluid.albumin:g} % w/v", f"k_alb = {k_alb:.3g} "
                      "cm^3/g from the plasma-protein partition of Zoghbi et al. 2012 J Pharm Sci 101:1028; thin"))
    if fluid.surfactant_concentration:
        kappa = micellar_capacity(fluid.surfactant, log_kow)
        terms.append((1.0 + f * kappa * fluid.surfactant_concentration,
                      f"{fluid.surfactant} {100 * fluid.surfactant_concentration:g} % w/v", f"kappa = {kappa:.3g} "
                      "cm^3/g, log-linear in log Kow after Alvarez-Nunez & Yalkowsky 2000; thin, calibration"))
    k = math.prod(t[0] for t in terms)
    joint = "; factors multiplied (approximation, an upper bound)" if len(terms) > 1 else ""
    return k, (f"{fluid.name}: K_r = {k:.4g} at f_u = {f:g}: "
               + "; ".join(f"{name}: x{factor:.4g} ({why})" for factor, name, why in terms) + joint)


def receptor_solubility(fluid, compound: Compound, fraction_unionised: float = 1.0) -> float:
    """Solubility of the compound in the receptor fluid, ug/cm³: K_r × S_w, S_w from
    :func:`dermsim.formulation.solubility.aqueous_solubility` (measured, else the general solubility equation;
    its InputError for a compound without melting point propagates)."""
    k_r, _ = receptor_partition(fluid, compound, fraction_unionised)
    return k_r * aqueous_solubility(compound)


def sink_check(max_receptor_concentration: float, receptor_solubility: float,
               threshold: float | None = None) -> str | None:
    """None while the receptor stays below ``threshold`` × its solubility, else a one-sentence warning.

    Parameters
    ----------
    max_receptor_concentration : peak receptor concentration, ug/cm³
    receptor_solubility : solubility of the compound in the receptor fluid, ug/cm³
    threshold : fraction of the solubility allowed (default 0.1, the OECD TG 428 / Guidance Document 28
        sink criterion, ``[sink] threshold`` of receptor_fluids.toml)
    """
    if threshold is None:
        threshold = _table()["sink"]["threshold"].to("")
    _check("max_receptor_concentration", max_receptor_concentration, 0.0, math.inf, "a finite number ≥ 0 (ug/cm^3)")
    _check("receptor_solubility", receptor_solubility, 1e-300, math.inf, "a finite number > 0 (ug/cm^3)")
    _check("threshold", threshold, 1e-300, 1.0, "a fraction in (0, 1]")
    if max_receptor_concentration < threshold * receptor_solubility:
        return None
    share = 100.0 * max_receptor_concentration / receptor_solubility
    return (f"sink conditions failed: the receptor peak {max_receptor_concentration:.3g} ug/cm^3 is {share:.3g} % "
            f"of the compound's solubility in the receptor fluid ({receptor_solubility:.3g} ug/cm^3), above the "
            f"{100 * threshold:g} % limit of OECD TG 428 / Guidance Document 28.")
