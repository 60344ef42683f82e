"""Solubility of a solute (a library or user `Compound`) in water, in each vehicle component and in their mixtures.

Concentrations are returned in kernel units, ug/cm³ (= mg/L); log values are log10 of mol/L as the
equations are published. Constants and their sources: ``[solubility]`` of ``parameters/vehicles.toml``.

* Water: a measured value when the compound carries one (``Compound.aqueous_solubility``, at the
  temperature its source states), else the general solubility equation (GSE; Jain & Yalkowsky 2001
  J Pharm Sci 90:234), an estimate:

      log10 S_w [mol/L] = 0.5 − 0.01 (T_m − T) − log Kow,   T_m − T := 0 for a liquid solute (T_m ≤ T)

  (T_m and T in K or °C alike; the published form has T = 25 °C.) Typical error 0.4-0.8 log units.
* Octanol, isopropyl myristate, light mineral oil, benzene ("oils"): S_oil = S_w Kow, which with the GSE is
  its octanol analogue log10 S_oct = 0.5 − 0.01 (T_m − T) (Sepassi & Yalkowsky 2006 AAPS PharmSciTech 7:E26);
  with a measured S_w it is the Kow·S_w estimate of Li, Pinsuwan & Yalkowsky 1995 Ind Eng Chem Res 34:915.
  For isopropyl myristate, mineral oil and benzene octanol is only a surrogate: a hydrogen-bonding solute
  dissolves far less in a hydrocarbon than in octanol, so for polar solutes their value is an upper bound.
  Benzene is an oil, not a cosolvent, because it does not mix with water (the log-linear model is for
  water-miscible cosolvents) and, like the other oils, is non-polar.
* Water-miscible cosolvents (ethanol, isopropanol, propylene glycol, glycerol, acetone, methanol): the
  log-linear model at φ = 1, log10 (S_c / S_w) = σ = s log Kow + t with s, t per cosolvent (Millard,
  Alvarez-Núñez & Yalkowsky 2002 Int J Pharm 245:153; the values in vehicles.toml are thin). A cosolvent whose
  own constants could not be sourced names another as its ``proxy`` (methanol: ethanol's), said in the source.
* Mixtures: log10 S_mix = Σ φ_i log10 S_i over volume fractions φ_i (Yalkowsky & Roseman 1981, in
  Yalkowsky (ed.) Techniques of Solubilization of Drugs, Dekker, ch. 3). See :func:`mixture_solubility`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dermsim import parameters
from dermsim.chemistry.compound import Compound
from dermsim.errors import InputError
from dermsim.formulation.vehicles import component as vehicle_component, skin_surface_temperature

__all__ = ["Solubility", "gse_log_solubility", "octanol_log_solubility", "solubilisation_power",
           "aqueous_solubility", "aqueous_solubility_info", "solubility_in", "solubility_in_info",
           "mixture_solubility", "mixture_solubility_function", "COSOLVENTS", "OILS"]

#: Components treated with the log-linear cosolvency model, and those treated as octanol-like oils.
COSOLVENTS = ("ethanol", "isopropanol", "propylene-glycol", "glycerol", "acetone", "methanol")
OILS = ("octanol", "isopropyl-myristate", "mineral-oil", "benzene")


@dataclass(frozen=True)
class Solubility:
    """A solubility with its provenance.

    value : ug/cm³ ; log10_molar : log10 of mol/L ; temperature : K the value is for (None: that of its
    source) ; estimate : True unless measured ; source : how it was obtained
    """

    value: float
    log10_molar: float
    temperature: float | None
    estimate: bool
    source: str

    def __float__(self) -> float:
        return self.value


def _constants():
    return parameters.load("vehicles")["solubility"]


def _melting_term(melting_point_K: float, temperature_K: float) -> float:
    """0.01 (T_m − T), zero for a liquid solute."""
    slope = _constants()["gse"]["melting_slope"].to("1/K")
    return slope * max(0.0, melting_point_K - temperature_K)


def _check_number(field: str, value, low: float = -math.inf, high: float = math.inf) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) \
            or not low <= value <= high:
        raise InputError(field, value, f"a finite number in [{low:g}, {high:g}]")
    return float(value)


def gse_log_solubility(log_kow: float, melting_point_K: float, temperature_K: float = 298.15) -> float:
    """General solubility equation, log10 S_w in mol/L: 0.5 − 0.01 (T_m − T)⁺ − log Kow."""
    log_kow = _check_number("log_kow", log_kow, -10, 15)
    tm = _check_number("melting_point", melting_point_K, 20, 1000)
    t = _check_number("temperature_K", temperature_K, 200, 500)
    return _constants()["gse"]["intercept"].to("") - _melting_term(tm, t) - log_kow


def octanol_log_solubility(melting_point_K: float, temperature_K: float = 298.15) -> float:
    """GSE analogue for octanol, log10 S_oct in mol/L: 0.5 − 0.01 (T_m − T)⁺ (Sepassi & Yalkowsky 2006)."""
    tm = _check_number("melting_point", melting_point_K, 20, 1000)
    t = _check_number("temperature_K", temperature_K, 200, 500)
    return _constants()["octanol"]["intercept"].to("") - _melting_term(tm, t)


def _cosolvent_constants(cosolvent: str) -> tuple[float, float, str]:
    """Slope s, intercept t of σ for a cosolvent, and a note naming the proxy whose constants it takes
    (``proxy`` in vehicles.toml; empty when it has its own)."""
    key = vehicle_component(cosolvent).name
    table = _constants()["cosolvents"]
    if key not in table:
        raise InputError("cosolvent", cosolvent, ", ".join(table.keys()), choices=list(table.keys()))
    entry, note = table[key], ""
    if "proxy" in entry:
        proxy = entry["proxy"].value
        entry, note = table[proxy], f"; the {proxy} constants stand for {key} (thin proxy: {key}'s own were not read)"
    return entry["slope"].to(""), entry["intercept"].to(""), note


def solubilisation_power(cosolvent: str, log_kow: float) -> float:
    """σ = s log Kow + t of a neat cosolvent (log10 of S_cosolvent / S_water), Millard et al. 2002."""
    slope, intercept, _ = _cosolvent_constants(cosolvent)
    log_kow = _check_number("log_kow", log_kow, -10, 15)
    return slope * log_kow + intercept


def _molar_to_mass(log10_molar: float, molecular_weight: float) -> float:
    """mol/L -> ug/cm³: S [mol/L] × M [g/mol] = g/L = 1e3 ug/cm³."""
    return 10.0 ** log10_molar * molecular_weight * 1e3


def _mass_to_log_molar(value: float, molecular_weight: float) -> float:
    return math.log10(value / (molecular_weight * 1e3))


def _require(compound: Compound, field: str) -> float:
    if not isinstance(compound, Compound):
        raise InputError("compound", compound, "a dermsim Compound (get_compound, make_compound)")
    value = getattr(compound, field)
    if value is None:
        what = {"melting_point": "a melting point (K) to estimate a solubility (general solubility equation)",
                "log_kow": "a log Kow (small molecules only)"}[field]
        raise InputError(f"{compound.name}.{field}", None, what,
                         problem=f"{compound.name!r} has no {field.replace('_', ' ')}")
    return value


def aqueous_solubility_info(compound: Compound, temperature_K: float | None = None,
                            use_measured: bool = True) -> Solubility:
    """Solubility in water with its provenance (see :func:`aqueous_solubility`)."""
    if not isinstance(compound, Compound):
        raise InputError("compound", compound, "a dermsim Compound (get_compound, make_compound)")
    if use_measured and compound.aqueous_solubility is not None:
        value = compound.aqueous_solubility
        return Solubility(value, _mass_to_log_molar(value, compound.molecular_weight), None,
                          "aqueous_solubility" in compound.estimated,
                          compound.sources.get("aqueous_solubility", "measured value of the compound"))
    temperature = skin_surface_temperature() if temperature_K is None else temperature_K
    tm_source = ""
    if compound.melting_point is None and compound.log_kow is not None:
        from dermsim.formulation.volatility import library_melting_point

        found = library_melting_point(compound)
        if found is not None:
            tm, tm_source = found[0], f" ({found[1]})"
    if not tm_source:
        tm = _require(compound, "melting_point")
    log_kow = _require(compound, "log_kow")
    log_s = gse_log_solubility(log_kow, tm, temperature)
    source = (f"estimate: general solubility equation (Jain & Yalkowsky 2001 J Pharm Sci 90:234) at {temperature:.2f} K "
              f"from T_m = {tm:.1f} K{tm_source} and log Kow = {log_kow:g}; typical error 0.4-0.8 log units")
    return Solubility(_molar_to_mass(log_s, compound.molecular_weight), log_s, float(temperature), True, source)


def aqueous_solubility(compound: Compound, temperature_K: float | None = None, use_measured: bool = True) -> float:
    """Solubility of the compound in water, ug/cm³.

    The compound's measured value when it has one (and ``use_measured``), at the temperature its source
    states; otherwise the general solubility equation at ``temperature_K`` (default 305.15 K), an estimate
    (see :func:`aqueous_solubility_info` for the flag and the source). For an ionisable compound this is the
    solubility of the neutral form (GSE) or as measured; pH is not applied.

    Raises
    ------
    InputError
        The compound has no measured solubility and no melting point (the message names the missing value),
        or no log Kow (a macromolecule).
    """
    return aqueous_solubility_info(compound, temperature_K, use_measured).value


def solubility_in_info(vehicle: str, compound: Compound, temperature_K: float | None = None,
                       use_measured: bool = True) -> Solubility:
    """Solubility in one neat vehicle component with its provenance (see :func:`solubility_in`)."""
    key = vehicle_component(vehicle).name
    water = aqueous_solubility_info(compound, temperature_K, use_measured)
    if key == "water":
        return water
    log_kow = _require(compound, "log_kow")
    if key in OILS:
        log_s = water.log10_molar + log_kow
        surrogate = "" if key == "octanol" else f"; octanol used as the surrogate of {key} (crude: an upper bound for polar solutes)"
        source = (f"estimate: S_w Kow (Li, Pinsuwan & Yalkowsky 1995 Ind Eng Chem Res 34:915; with the GSE this is "
                  f"the octanol GSE of Sepassi & Yalkowsky 2006) with S_w from [{water.source}]{surrogate}")
    elif key in COSOLVENTS:
        sigma = solubilisation_power(key, log_kow)
        log_s = water.log10_molar + sigma
        source = (f"estimate: log-linear cosolvency, log(S/S_w) = sigma = {sigma:.3g} (Millard, Alvarez-Nunez & Yalkowsky "
                  f"2002 Int J Pharm 245:153; thin constants{_cosolvent_constants(key)[2]}) with S_w from [{water.source}]")
    else:                                                    # a component added to vehicles.toml without a model
        raise InputError("vehicle component", vehicle, "one with a solubility model: water, "
                         + ", ".join(COSOLVENTS + OILS))
    return Solubility(_molar_to_mass(log_s, compound.molecular_weight), log_s, water.temperature, True, source)


def solubility_in(vehicle: str, compound: Compound, temperature_K: float | None = None,
                  use_measured: bool = True) -> float:
    """Solubility of the compound in a neat vehicle component, ug/cm³ (always an estimate except water).

    water: :func:`aqueous_solubility`; octanol, isopropyl myristate, mineral oil, benzene: S_w Kow (the octanol
    GSE analogue); ethanol, isopropanol, propylene glycol, glycerol, acetone, methanol: S_w 10^σ with
    σ = s log Kow + t. See the module docstring for the sources and limits.
    """
    return solubility_in_info(vehicle, compound, temperature_K, use_measured).value


def _fractions(volume_fractions: Mapping[str, float]) -> tuple[list[str], np.ndarray]:
    if not isinstance(volume_fractions, Mapping) or not volume_fractions:
        raise InputError("volume_fractions", volume_fractions, "a mapping component -> volume fraction")
    names = [vehicle_component(n).name for n in volume_fractions]
    if len(set(names)) != len(names):
        raise InputError("volume_fractions", list(volume_fractions), "each component once")
    phi = np.array([_check_number(f"volume_fractions[{n!r}]", f, 0.0, 1.0) for n, f in volume_fractions.items()])
    if not math.isclose(phi.sum(), 1.0, rel_tol=0, abs_tol=1e-6):
        raise InputError("volume_fractions", dict(volume_fractions), "fractions that sum to 1",
                         problem=f"they sum to {phi.sum():.6g}")
    return names, phi


def mixture_solubility(compound: Compound, volume_fractions: Mapping[str, float],
                       temperature_K: float | None = None, use_measured: bool = True) -> float:
    """Solubility in a liquid mixture by the log-linear model, ug/cm³.

        log10 S_mix = Σ_i φ_i log10 S_i        (φ_i volume fractions, S_i the neat-component solubilities)

    (Yalkowsky & Roseman 1981; with water and one cosolvent it is log S_mix = log S_w + σ φ_c.) At φ = 0 and 1 it
    returns the pure-component values exactly and it is monotone in each fraction.

    Limits: the model assumes the solvents mix ideally and the solute does not change the solvent structure.
    Measured curves of log S against φ for drugs in water-cosolvent mixtures are often convex or show a
    maximum below φ = 1 (deviations of several tenths of a log unit, more with glycerol and with polar
    solutes); the error of the endpoint estimates (GSE, σ) adds to it. It has no meaning for immiscible
    mixtures (water with mineral oil or isopropyl myristate form two phases, in which the solute partitions
    instead), nor for an ionised solute whose pKa shifts with the cosolvent. Use it for single-phase
    water/cosolvent films and for oils with oils.

    Parameters
    ----------
    compound : the solute
    volume_fractions : component -> volume fraction, summing to 1 (names as :func:`vehicles.component`)
    temperature_K : K (default the skin-surface temperature)
    """
    names, phi = _fractions(volume_fractions)
    logs = np.array([solubility_in_info(n, compound, temperature_K, use_measured).log10_molar for n in names])
    return _molar_to_mass(float(phi @ logs), compound.molecular_weight)


def mixture_solubility_function(compound: Compound, components: Sequence[str], temperature_K: float | None = None,
                                use_measured: bool = True) -> Callable[[np.ndarray], float]:
    """S(φ) for a fixed list of components, ug/cm³: the log-linear :func:`mixture_solubility` with the
    neat-component values computed once (the form ``formulation.film.DryingFilm.solubility`` takes).

    The returned function takes the array of volume fractions in the order of ``components`` (normalised to
    sum 1; an all-zero array is rejected).
    """
    names = [vehicle_component(n).name for n in components]
    logs = np.array([solubility_in_info(n, compound, temperature_K, use_measured).log10_molar for n in names])
    mw = compound.molecular_weight

    def solubility(fractions: np.ndarray) -> float:
        phi = np.asarray(fractions, dtype=float)
        total = phi.sum()
        if phi.shape != logs.shape or not total > 0:
            raise InputError("volume fractions", fractions, f"{len(names)} fractions ({', '.join(names)}) with a positive sum")
        return _molar_to_mass(float(phi @ logs) / total, mw)

    return solubility
