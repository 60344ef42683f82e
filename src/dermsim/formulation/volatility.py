"""Volatility of the solute: its vapour pressure over a saturated film and its evaporation rate constant.

The evaporation flux of a solute at thermodynamic activity a (relative to its saturated solution) is

    J_e = k_e a,   k_e = k_g P_s M / (R T)          (ug/cm²/h)

with k_g the gas-side mass-transfer coefficient of its vapour (`vehicles.mass_transfer_coefficient`, cm/h),
M the molar mass and P_s the vapour pressure over the saturated solution, i.e. of the pure solute in its
stable state at T. For a liquid solute (T_m ≤ T) P_s is the liquid vapour pressure; for a solid it is the
sublimation pressure, estimated from the (sub-cooled) liquid vapour pressure times the ideal solubility of
the solid, log10 (P_solid / P_liquid) = −0.01 (T_m − T) (the melting term of the general solubility
equation, entropy of melting 56.5 J/mol/K; Yalkowsky & Valvani 1980 J Pharm Sci 69:912; the same term the
GSE uses, so solubility and volatility agree).

The liquid vapour pressure comes from the ``chemicals`` library (Perry's 8th ed. DIPPR 101, the VDI
Heat Atlas PPDS equation or the Dykyj & Hall Antoine constants; the same look-up as the vehicle
components), found by the compound's InChI (from its SMILES through RDKit), CAS or name. A compound the
library does not know, or knows only through Antoine constants extrapolated below their range, has no vapour
pressure: it is treated as non-volatile and the answer says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dermsim.errors import InputError
from dermsim.formulation.vehicles import (GAS_CONSTANT, _vapour_pressure, evaporation_flux,
                                          fuller_gas_diffusivity, mass_transfer_coefficient,
                                          skin_surface_temperature)


@dataclass(frozen=True)
class SoluteVolatility:
    """Vapour pressure over the saturated solution (Pa), its evaporation rate constant k_e at activity 1
    (ug/cm²/h) and the source; ``known`` is False when no vapour pressure could be found (k_e = 0)."""

    vapour_pressure: float
    rate_at_saturation: float
    known: bool
    source: str


@lru_cache(maxsize=256)
def _identify(smiles: str | None, name: str):
    """chemicals' metadata for the compound (by InChI from the SMILES, else by name), or None."""
    from chemicals.identifiers import search_chemical

    keys = []
    if smiles:
        try:
            from rdkit import Chem, RDLogger

            RDLogger.DisableLog("rdApp.*")
            mol = Chem.MolFromSmiles(smiles)
            if mol is not None:
                keys.append(Chem.MolToInchi(mol))
        except Exception:                                                   # RDKit absent or a bad structure
            pass
    keys += [name, name.replace("-", " ")]
    for key in keys:
        try:
            return search_chemical(key)
        except Exception:
            continue
    return None


def _aromatic_rings(smiles: str | None) -> int:
    if not smiles:
        return 0
    from rdkit import Chem
    from rdkit.Chem import rdMolDescriptors

    mol = Chem.MolFromSmiles(smiles)
    return 0 if mol is None else int(rdMolDescriptors.CalcNumAromaticRings(mol))


def solute_volatility(compound, *, temperature_K: float | None = None, vapour_pressure_Pa: float | None = None,
                      air_velocity_cm_s: float | None = None, length_cm: float | None = None,
                      still_air_depth_cm: float = 0.0) -> SoluteVolatility:
    """Evaporation of the solute from a film at activity 1 (see the module docstring).

    Parameters
    ----------
    compound : `dermsim.chemistry.compound.Compound`
    temperature_K : film temperature, K (default 305.15 K)
    vapour_pressure_Pa : the vapour pressure over the saturated solution given by hand, Pa (overrides the library)
    air_velocity_cm_s, length_cm : air speed over the dose (cm/s) and dose length along it (cm)
    still_air_depth_cm : depth of still air above the dose (an open donor chamber), cm
    """
    temperature = skin_surface_temperature() if temperature_K is None else temperature_K
    meta = _identify(compound.smiles, compound.name)
    if vapour_pressure_Pa is not None:
        if not vapour_pressure_Pa >= 0:
            raise InputError("formulation.solute_vapour_pressure", vapour_pressure_Pa, "a pressure >= 0 Pa")
        p, source = vapour_pressure_Pa, "given in the scenario"
    else:
        found = _vapour_pressure(meta.CASs, temperature) if meta is not None else None
        if found is not None and found[2] and "Landolt" in found[1]:
            # Antoine constants far below their fitted range are off by orders of magnitude (glycolic acid:
            # 844 Pa at 32 C): not used
            return SoluteVolatility(0.0, 0.0, False, f"the only vapour pressure of {compound.name} is an Antoine "
                                    "fit extrapolated below its range (unreliable): treated as non-volatile (give "
                                    "formulation.solute_vapour_pressure)")
        if found is None:
            return SoluteVolatility(0.0, 0.0, False, f"no vapour pressure known for {compound.name}: treated as "
                                                     "non-volatile (give formulation.solute_vapour_pressure)")
        p, source, _ = found
        tm = compound.melting_point
        if tm is not None and tm > temperature:
            p *= 10.0 ** (-0.01 * (tm - temperature))
            source += (f"; sub-cooled liquid value times the ideal solubility of the solid, 10^(-0.01 (T_m - T)) "
                       f"with T_m = {tm:.1f} K (Yalkowsky & Valvani 1980)")
    formula = meta.formula if meta is not None else None
    try:
        d_gas = fuller_gas_diffusivity(formula, compound.molecular_weight, temperature,
                                       aromatic_rings=_aromatic_rings(compound.smiles))
    except (InputError, TypeError, ValueError, KeyError):
        return SoluteVolatility(float(p), 0.0, False, source + f"; no Fuller diffusion volumes for the formula "
                                f"{formula!r}: evaporation not computed (treated as non-volatile)")
    k_g = mass_transfer_coefficient(d_gas, air_velocity_cm_s, length_cm, temperature, still_air_depth_cm)
    rate = evaporation_flux(p, compound.molecular_weight, k_g, temperature)
    return SoluteVolatility(float(p), float(rate), True, source)


#: Melting-point data sets of ``chemicals.phase_change`` used (measured values; the Joback group-contribution
#: estimate is left out).
MELTING_POINT_METHODS = ("CRC_ORG", "OPEN_NTBKM", "COMMON_CHEMISTRY", "WEBBOOK", "WIKIDATA")


def library_melting_point(compound) -> tuple[float, str] | None:
    """Melting point (K) of the compound from the ``chemicals`` library (CRC Handbook organic table, Open
    Notebook, CAS Common Chemistry, NIST WebBook or Wikidata, in that order), with its source; None when
    none of these knows it."""
    from chemicals.phase_change import Tm, Tm_methods

    meta = _identify(compound.smiles, compound.name)
    if meta is None:
        return None
    available = Tm_methods(meta.CASs)
    for method in MELTING_POINT_METHODS:
        if method in available:
            value = Tm(meta.CASs, method=method)
            if value:
                return float(value), (f"chemicals (C. Bell, Chemical Engineering Design Library) melting point of "
                                      f"CAS {meta.CASs}, data set {method}")
    return None


__all__ = ["SoluteVolatility", "solute_volatility", "library_melting_point", "MELTING_POINT_METHODS", "GAS_CONSTANT"]
