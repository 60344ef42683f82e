"""Size and mobility of macromolecules: hydrodynamic radius by molecule class, free and hindered diffusivity.

Kernel units: radii in cm, diffusivities in cm²/h, molecular weight M in g/mol. Every function is
vectorised over numpy arrays. Constants live in ``parameters/macromolecules.toml`` (value, unit, source).

Hydrodynamic (Stokes) radius R_h by class (`MOLECULE_CLASSES`)
---------------------------------------------------------------
``"globular_protein"`` (Erickson 2009)::

    R_min = (3 M v̄ / (4π N_A))^(1/3),   R_h = s R_min,   v̄ = 0.73 cm³/g, s = 1.25

``"peptide"`` — short unstructured chains, the denatured-state fit of Wilkins et al. 1999::

    R_h = 2.21 N^0.57 Å,   N = M / 110 g/mol

``"hyaluronic_acid"`` — a semi-stiff random coil. Worm-like chain (Benoit–Doty) with contour length
L = b M/M_d (b = 1.0 nm per disaccharide of M_d = 401.3 g/mol) and persistence length q = 7.5 nm
(Mendichi et al. 2003)::

    R_g² = L q/3 − q² + 2 q³/L − 2 q⁴/L² (1 − e^{−L/q})                         (M ≤ M_x = 40 kDa)
    R_g  = R_g(M_x) (M/M_x)^0.6                                                   (M > M_x)

where 0.6 is the exponent measured over 40 kDa – 5.5 MDa by SEC-MALS (Mendichi 2003; excluded volume
swells long chains beyond the worm-like chain). R_h = R_g / ρ with ρ = 1.5 (non-draining coil).
The crossover gives R_g ≈ 98 nm at 1 MDa, matching the ~100 nm usually quoted.

``"dextran"`` — Stokes–Einstein radius of Venturoli & Rippe 2005: a_e = 0.488 M^0.437 Å.

Diffusivity
-----------
Free (Stokes–Einstein) in water at 37 °C: D₀ = k_B T / (6π η R_h).

Hindered diffusion in a cylindrical pore of radius r_p (Renkin 1954), λ = R_h / r_p::

    H(λ) = (1 − λ)² (1 − 2.104 λ + 2.09 λ³ − 0.95 λ⁵),   H(0) = 1, H(1) = 0, H = 0 for λ ≥ 1

It contains the steric partition (1 − λ)² and the hydrodynamic drag, so K·D of a pore is D₀ H.

Hindered diffusion in tissue (Ogston, Preston & Wells 1973 obstruction by a random fibre network;
the form used for extracellular matrix by Pluen et al. 2001)::

    D_tissue / D₀ = exp(−√φ_f (1 + R_h / r_f))

with fibre radius r_f and fibre volume fraction φ_f. The dermal φ_f is not measured here: it is set so
that albumin keeps ~40 % of its free mobility (inside an assumed D_tissue ≈ 0.1–0.5 D_free band)
and exposed as a parameter.

References
----------
Erickson HP (2009) Biol Proced Online 11:32. Wilkins DK et al. (1999) Biochemistry 38:16424.
Mendichi R, Šoltés L, Giacometti Schieroni A (2003) Biomacromolecules 4:1805. Venturoli D, Rippe B
(2005) Am J Physiol Renal Physiol 288:F605. Renkin EM (1954) J Gen Physiol 38:225. Ogston AG, Preston
BN, Wells JD (1973) Proc R Soc Lond A 333:297. Pluen A et al. (2001) PNAS 98:4628. Benoit H, Doty P
(1953) J Phys Chem 57:958. Burchard W (1999) Adv Polym Sci 143:113.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dermsim.errors import InputError

__all__ = ["MOLECULE_CLASSES", "CITATIONS", "molecule_class_for_kind", "hydrodynamic_radius",
           "free_diffusivity", "renkin_hindrance", "tissue_hindrance", "tissue_diffusivity", "parameter"]

MOLECULE_CLASSES = ("globular_protein", "peptide", "hyaluronic_acid", "dextran")
CITATIONS = (
    "Erickson HP (2009) Biol Proced Online 11:32",
    "Wilkins DK et al. (1999) Biochemistry 38:16424",
    "Mendichi R, Soltes L, Giacometti Schieroni A (2003) Biomacromolecules 4:1805",
    "Venturoli D, Rippe B (2005) Am J Physiol Renal Physiol 288:F605",
    "Renkin EM (1954) J Gen Physiol 38:225",
    "Ogston AG, Preston BN, Wells JD (1973) Proc R Soc Lond A 333:297",
)

BOLTZMANN = 1.380649e-23       # J/K
AVOGADRO = 6.02214076e23       # 1/mol
NM = 1e-7                      # cm
SECONDS_PER_HOUR = 3600.0

#: compound ``kind`` (compound library / qspr) -> molecule class
_KIND_TO_CLASS = {"protein": "globular_protein", "peptide": "peptide", "polysaccharide": "hyaluronic_acid",
                  "dextran": "dextran"}


def parameter(section: str, name: str, unit: str | None = None) -> float:
    """Value of ``[section] name`` of ``parameters/macromolecules.toml`` in ``unit`` (dimension checked).

    Without ``unit``: in the unit written in the file (for reports and checks against quoted numbers; the model
    functions here always name the unit their formula needs).
    """
    from dermsim import parameters

    entry = parameters.load("macromolecules")[section][name]
    return float(entry.to(entry.given[1] if unit is None else unit))


def molecule_class_for_kind(kind: Any) -> str:
    """Molecule class used for a compound ``kind``: protein → globular_protein, peptide → peptide,
    polysaccharide → hyaluronic_acid (the library's polysaccharides are hyaluronan grades); anything else
    (polymer, small molecule above the macromolecule cut-off, …) → globular_protein, a compact-sphere
    estimate that is a lower bound on the size of a flexible chain."""
    key = "" if kind is None else str(getattr(kind, "value", kind)).strip().lower()
    return _KIND_TO_CLASS.get(key, "globular_protein")


def _check_class(molecule_class: str) -> str:
    if molecule_class not in MOLECULE_CLASSES:
        raise InputError("molecule_class", molecule_class, "one of " + ", ".join(MOLECULE_CLASSES),
                         choices=MOLECULE_CLASSES)
    return molecule_class


def _wormlike_rg_nm(contour_nm: np.ndarray, persistence_nm: float) -> np.ndarray:
    """Benoit–Doty radius of gyration of a worm-like chain without excluded volume (nm)."""
    L, q = contour_nm, persistence_nm
    x = L / q
    # for short chains (x → 0) the closed form cancels badly; use the rod limit series R_g² = L²/12 (1 − x/5 + …)
    series = L * L / 12.0 * (1.0 - x / 5.0 + x * x / 30.0 - x**3 / 210.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        closed = L * q / 3.0 - q * q + 2.0 * q**3 / L - 2.0 * q**4 / (L * L) * (-np.expm1(-x))
    return np.sqrt(np.where(x < 0.05, series, closed))


def _hyaluronan_radius_nm(mw: np.ndarray) -> np.ndarray:
    sec = "hyaluronic_acid"
    b, q = parameter(sec, "contour_length_per_disaccharide", "nm"), parameter(sec, "persistence_length", "nm")
    m_d, m_x = parameter(sec, "disaccharide_mass", "g/mol"), parameter(sec, "crossover_mass", "g/mol")
    nu = parameter(sec, "rg_exponent", "")
    rg_small = _wormlike_rg_nm(b * np.minimum(mw, m_x) / m_d, q)
    rg_x = _wormlike_rg_nm(np.array(b * m_x / m_d), q)
    rg = np.where(mw <= m_x, rg_small, rg_x * (np.maximum(mw, m_x) / m_x) ** nu)
    return rg / parameter(sec, "rg_over_rh", "")


def hydrodynamic_radius(mw: Any, molecule_class: str = "globular_protein") -> np.ndarray:
    """Hydrodynamic (Stokes) radius R_h (cm) of a molecule of mass ``mw`` (g/mol) in water.

    Parameters
    ----------
    mw : array_like
        Molecular weight (g/mol), > 0.
    molecule_class : str
        ``"globular_protein"`` (Erickson 2009), ``"peptide"`` (Wilkins 1999 coil), ``"hyaluronic_acid"``
        (worm-like chain + measured 0.6 exponent) or ``"dextran"`` (Venturoli & Rippe 2005).

    Returns
    -------
    numpy.ndarray
        R_h in cm (1 nm = 1e-7 cm). Equations in the module docstring.
    """
    _check_class(molecule_class)
    m = np.asarray(mw, dtype=float)
    if np.any(~(m > 0)):
        raise InputError("molecular_weight", mw, "molecular weights > 0 g/mol")
    if molecule_class == "globular_protein":
        v_bar = parameter("globular_protein", "partial_specific_volume", "cm^3/g")
        r_min = (3.0 * m * v_bar / (4.0 * math.pi * AVOGADRO)) ** (1.0 / 3.0)        # cm
        return r_min * parameter("globular_protein", "stokes_over_minimal_radius", "")
    if molecule_class == "peptide":
        n = m / parameter("peptide", "residue_mass", "g/mol")
        return (parameter("peptide", "coil_coefficient", "angstrom") * n ** parameter("peptide", "coil_exponent", "")
                * 0.1 * NM)                                                          # angstrom -> nm -> cm
    if molecule_class == "hyaluronic_acid":
        return _hyaluronan_radius_nm(m) * NM
    return parameter("dextran", "stokes_coefficient", "nm") * m ** parameter("dextran", "stokes_exponent", "") * NM


def free_diffusivity(radius: Any, temperature: float | None = None, viscosity: float | None = None) -> np.ndarray:
    """Stokes–Einstein diffusivity D₀ = k_B T / (6π η R_h) (cm²/h).

    Parameters
    ----------
    radius : array_like
        Hydrodynamic radius R_h (cm).
    temperature : float, optional
        K; default 310.15 K (37 °C).
    viscosity : float, optional
        Solvent viscosity (Pa·s); default water at 37 °C (6.92e-4 Pa·s). A viscous formulation in a
        channel lowers D₀ in proportion (Milewski & Stinchcomb 2010 J Control Release 146:37, recalled).
    """
    t = parameter("solvent", "temperature", "K") if temperature is None else float(temperature)
    eta = parameter("solvent", "water_viscosity", "Pa*s") if viscosity is None else float(viscosity)
    r_m = np.asarray(radius, dtype=float) * 1e-2
    return BOLTZMANN * t / (6.0 * math.pi * eta * r_m) * 1e4 * SECONDS_PER_HOUR


def renkin_hindrance(solute_radius: Any, pore_radius: Any) -> np.ndarray:
    """Renkin (1954) factor H(λ), λ = solute_radius / pore_radius (same unit; both > 0 or pore 0).

    H = (1 − λ)² (1 − 2.104 λ + 2.09 λ³ − 0.95 λ⁵) for λ < 1 and 0 for λ ≥ 1 (a closed or too-narrow
    pore), so H(0) = 1 and H → 0 as λ → 1. Dimensionless; the effective pore diffusivity is D₀ H.
    """
    a = np.asarray(solute_radius, dtype=float)
    r = np.asarray(pore_radius, dtype=float)
    lam = np.divide(a, r, out=np.ones(np.broadcast(a, r).shape), where=r > 0)
    lam = np.clip(lam, 0.0, 1.0)
    return (1.0 - lam) ** 2 * (1.0 - 2.104 * lam + 2.09 * lam**3 - 0.95 * lam**5)


def tissue_hindrance(radius: Any, fibre_volume_fraction: float | None = None,
                     fibre_radius: float | None = None) -> np.ndarray:
    """D_tissue / D₀ = exp(−√φ_f (1 + R_h/r_f)) (Ogston, Preston & Wells 1973), dimensionless.

    Parameters
    ----------
    radius : array_like
        Hydrodynamic radius (cm).
    fibre_volume_fraction : float, optional
        φ_f (–); default the dermal value in ``macromolecules.toml`` (thin data: see its source).
    fibre_radius : float, optional
        r_f (cm); default 0.5 nm (glycosaminoglycan chain).
    """
    phi = parameter("tissue", "fibre_volume_fraction", "") if fibre_volume_fraction is None else float(fibre_volume_fraction)
    r_f = parameter("tissue", "fibre_radius", "cm") if fibre_radius is None else float(fibre_radius)
    return np.exp(-math.sqrt(phi) * (1.0 + np.asarray(radius, dtype=float) / r_f))


def tissue_diffusivity(mw: Any, molecule_class: str = "globular_protein") -> np.ndarray:
    """Diffusivity (cm²/h) in the aqueous space of viable tissue: D₀(R_h) × Ogston hindrance."""
    r = hydrodynamic_radius(mw, molecule_class)
    return free_diffusivity(r) * tissue_hindrance(r)
