"""Transport properties of a solute in skin: ionisation, kp QSPRs and per-layer K and D.

Kernel units throughout: length cm, time h, so D in cm^2/h, kp in cm/h, clearance in 1/h.
Every function is vectorised over rows (numpy arrays in, arrays out); no Python loop over rows.

Models (``MODELS``; ``get_model(name)``)
-----------------------------------------
``"potts-guy"``
    Potts & Guy 1992: ``log kp[cm/s] = -6.3 + 0.71 log Kow - 0.0061 MW``. In cm/h the constant is
    ``-6.3 + log10(3600) = -2.7437`` (`POTTS_GUY_CONSTANT_EXACT`, the default). The rounded forms
    -2.74 (`POTTS_GUY_CONSTANT_ROUNDED`, used by Dancik 2013 / OSP and by the Potts-Guy column of the
    cosmetic-actives test table) and -2.7 (`POTTS_GUY_CONSTANT_SHORT`) are available.
``"mitragotri-2002"``
    Lipid pathway of Mitragotri 2002: ``kp[cm/s] = 5.6e-6 Kow^0.7 exp(-0.46 r^2)``, r in angstrom
    from ``4/3 pi r^3 = 0.91 MW``.
``"kasting-chen"`` (alias ``"mechanistic"``, the default)
    A homogenised stratum corneum (SC) over viable epidermis (VE) and dermis:

    * SC/water partition (Nitsche, Wang & Kasting 2006; Wang 2007)::

          K_sc = (1 - phi_cor) K_lip + phi_cor K_cor,   K_lip = 0.43 Kow^0.81,
          K_cor = (5.4 Kow^0.27 w_pro + nu) / (w_pro rho_w/rho_pro + nu)

      with ``nu`` = g water per g dry SC (the hydration state) and ``phi_cor`` from the masses
      and densities in ``parameters/stratum_corneum.toml``.
    * Transcellular (lipid + corneocyte) permeability of the Wang, Kasting & Nitsche 2007
      brick-and-mortar model in the homogenised form of Dancik et al. 2013::

          P_tc = P_hat(sigma, R) D_lip K_lip / h_sc
          sigma = D_lip K_lip / (D_cor,free K_cor,free),  R = k_trans l_x^2 / (delta D_lip)
          D_lip = 8.98e-3 MW^-2.43 + 2.34e-9 cm^2/s,  log10 k_trans = -0.570 - 0.840 MW^(1/3) (cm/s)
          D_cor,free = D_aq (1 - phi_f') f(lambda),  K_cor,free = 1 - phi_f',
          phi_f' = phi_f (1 + lambda)^2,  lambda = a_s / a_f

      ``P_hat = a + 1/(b sigma + c/R)`` for R > 100, else a fitted bivariate quartic in
      (log10 sigma, log10 R); D_lip and k_trans are divided by 3 for partially hydrated SC.
    * A parallel aqueous (polar) pore pathway for very hydrophilic solutes (Mitragotri 2003
      aqueous-pore concept; Renkin 1954 hindrance; pore radius 20 A from Peck et al. 1994)::

          P_pol = (eps/tau) D_aq H(a_s/r_pore) / h_ref,   H(l) = (1-l)^2 (1 - 2.104 l + 2.09 l^3 - 0.95 l^5)

      ``eps/tau`` is the one constant fitted to permeability data (Cheruvu 2022).
    * Ionisation rule: the unionised fraction f_u uses the transcellular route with its log Kow, the
      ionised fraction crosses the lipids as ion pairs with log Kow − Δ (Hadgraft & Valenta 2000;
      Δ = 3.5, Avdeef 2003, thin), and every species uses the polar route:
      ``kp_sc = f_u P_tc(log Kow) + (1 − f_u) P_tc(log Kow − Δ) + P_pol``. Ions partition into SC water and,
      as ion pairs, into the lipids: ``K_sc = f_u K_sc,neutral + (1 − f_u) (phi_water + phi_lip K_lip(log Kow − Δ))``.
    * Homogenised SC diffusivity: ``D_sc = kp_sc h_sc / K_sc``, so ``K_sc D_sc / h_sc`` is exactly
      the SC permeability the 1D solver sees.
    * VE and dermis (Kretsos et al. 2008, as in Chen et al. 2016)::

          D_free = 10^(-4.15 - 0.655 log10 MW) cm^2/s,   binding = 0.65 + 0.325/f_ub + 0.025 f_non K_lip
          D = D_free / binding,   K/w = 0.6 binding

      f_ub (fraction unbound to albumin) from Yamazaki & Kanaoka 2004 (logD at pH 7.4).
    * Dermal capillary clearance (Dancik 2013): ``k_de = [1/(1/(P_cap S) + 1/Q)] / binding``,
      ``P_cap = 100 kp_PG`` (Fedorowicz 2011).
    * Membrane kp (what `log_kp` returns): ``1/kp = h_sc/(K_sc D_sc) + h_ve/(K_ve D_ve)``.

Macromolecules (``kind`` protein / peptide / polysaccharide / polymer, or MW above
``mw_cutoff`` = 1000 Da) get ``permeable=False``, D_sc = 0 and ``log_kp = -inf``: no QSPR is
extrapolated. Their VE/dermis D is the Stokes-Einstein D of the hydrodynamic radius of their class
(protein, peptide, polysaccharide = hyaluronan) times the Ogston tissue hindrance, from
`dermsim.chemistry.macromolecule`.

References
----------
Potts RO, Guy RH (1992) Pharm Res 9:663. Mitragotri S (2002) J Pharm Sci 91:744; (2003) J Control
Release 86:69. Nitsche JM, Wang TF, Kasting GB (2006) J Pharm Sci 95:649. Wang TF, Kasting GB, Nitsche
JM (2007) J Pharm Sci 96:3024. Dancik Y, Miller MA, Jaworska J, Kasting GB (2013) Adv Drug Deliv Rev
65:221. Kretsos K, Miller MA, Zamora-Estrada G, Kasting GB (2008) Int J Pharm 346:64. Chen L, Han L,
Saib O, Lian G (2016) Pharm Res 33:1602. Yamazaki K, Kanaoka M (2004) J Pharm Sci 93:1480. Peck KD,
Ghanem AH, Higuchi WI (1994) Pharm Res 11:1306. Renkin EM (1954) J Gen Physiol 38:225. Lian G, Chen L,
Han L (2008) J Pharm Sci 97:584. Bos JD, Meinardi MM (2000) Exp Dermatol 9:165. Erickson HP (2009)
Biol Proced Online 11:32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dermsim import parameters as _parameters
from dermsim.anatomy import HYDRATION_STATES
from dermsim.chemistry.compound import ACID_BASE_KINDS
from dermsim.errors import InputError
from dermsim.chemistry.macromolecule import CITATIONS as MACROMOLECULE_CITATIONS
from dermsim.chemistry.macromolecule import molecule_class_for_kind, renkin_hindrance, tissue_diffusivity

__all__ = [
    "MODELS", "ALIASES", "HYDRATION_STATES", "ACID_BASE_KINDS", "MACROMOLECULE_KINDS",
    "POTTS_GUY_CONSTANT_EXACT", "POTTS_GUY_CONSTANT_ROUNDED", "POTTS_GUY_CONSTANT_SHORT",
    "TransportProperties", "fraction_unionised", "potts_guy_log_kp", "mitragotri_log_kp",
    "sc_swelling_factor", "get_model", "log_kp", "transport_properties", "parameters",
]

SECONDS_PER_HOUR = 3600.0
LOG10_SECONDS_PER_HOUR = math.log10(SECONDS_PER_HOUR)  # 3.5563

#: Potts-Guy constant in cm/h: the published -6.3 (cm/s) converted exactly.
POTTS_GUY_CONSTANT_EXACT = -6.3 + LOG10_SECONDS_PER_HOUR  # -2.7437
#: The rounded cm/h constant of Dancik 2013 / OSP MoBi and of the reference table of actives.
POTTS_GUY_CONSTANT_ROUNDED = -2.74
#: The short constant often quoted (e.g. dermsim's data README).
POTTS_GUY_CONSTANT_SHORT = -2.7

MACROMOLECULE_KINDS = ("protein", "peptide", "polysaccharide", "polymer", "nucleic acid", "macromolecule")
MEMBRANES = ("epidermis", "stratum-corneum")

_CITE_PG = "Potts RO, Guy RH (1992) Pharm Res 9:663"
_CITE_MIT = "Mitragotri S (2002) J Pharm Sci 91:744"
_CITES_MECH = (
    "Nitsche JM, Wang TF, Kasting GB (2006) J Pharm Sci 95:649",
    "Wang TF, Kasting GB, Nitsche JM (2007) J Pharm Sci 96:3024",
    "Dancik Y, Miller MA, Jaworska J, Kasting GB (2013) Adv Drug Deliv Rev 65:221",
    "Mitragotri S (2003) J Control Release 86:69",
    "Peck KD, Ghanem AH, Higuchi WI (1994) Pharm Res 11:1306",
    "Renkin EM (1954) J Gen Physiol 38:225",
)
_CITES_VIABLE = (
    "Kretsos K, Miller MA, Zamora-Estrada G, Kasting GB (2008) Int J Pharm 346:64",
    "Chen L, Han L, Saib O, Lian G (2016) Pharm Res 33:1602",
    "Yamazaki K, Kanaoka M (2004) J Pharm Sci 93:1480",
    "Fedorowicz A et al. (2011), via Dancik 2013 (P_cap = 100 kp_PG)",
)
_CITE_MACRO = ("Bos JD, Meinardi MM (2000) Exp Dermatol 9:165",) + MACROMOLECULE_CITATIONS


# --------------------------------------------------------------------------------------------
# parameters


def parameters() -> _parameters.ParameterTable:
    """The packaged ``stratum_corneum.toml`` through `dermsim.parameters.load` (kernel units, cached)."""
    return _parameters.load("stratum_corneum")


def _v(section: str, name: str) -> Any:
    """Value of ``stratum_corneum.toml`` ``[section] name`` in the kernel unit (cm, h, ug, g/mol …)."""
    return parameters()[section][name].value


def _in(section: str, name: str, unit: str) -> float:
    """Value of ``[section] name`` in ``unit``: for correlations evaluated in the units they were published in
    (the result is then converted to kernel units with `_to_kernel`)."""
    return parameters()[section][name].to(unit)


def _to_kernel(unit: str, kernel: str) -> float:
    """Exact factor from a published unit to the kernel unit (e.g. cm^2/s -> cm^2/h = 3600)."""
    from dermsim.units import conversion_factor

    return conversion_factor(unit, kernel)


def _check_hydration(hydration: str) -> str:
    if hydration not in HYDRATION_STATES:
        raise InputError("hydration", hydration, "one of " + ", ".join(HYDRATION_STATES), choices=HYDRATION_STATES)
    return hydration


def sc_swelling_factor(hydration: str) -> float:
    """SC thickness in state ``hydration`` relative to the ``"normal"`` state (dimensionless).

    From the Wang 2007 / Dancik 2013 thicknesses: dry 9.96 um, normal 13 um, hydrated 43 um,
    i.e. 0.766, 1 and 3.31. The number of cell layers is unchanged; the anatomy module multiplies a
    site's normal SC thickness by this factor.
    """
    _check_hydration(hydration)
    return float(_in("hydration", f"thickness_{hydration}", "um") / _in("hydration", "thickness_normal", "um"))


def _sc_reference_thickness_cm(hydration: str) -> float:
    return float(_v("hydration", f"thickness_{hydration}"))


# --------------------------------------------------------------------------------------------
# ionisation


def _as_kind_array(acid_base: Any, shape: tuple[int, ...]) -> np.ndarray:
    kinds = np.asarray(acid_base, dtype=object)
    kinds = np.broadcast_to(kinds, shape) if kinds.ndim else np.full(shape, kinds.item(), dtype=object)
    lowered = np.array([("neutral" if k is None else str(k).strip().lower()) for k in np.unique(kinds.astype(str))])
    bad = [k for k in lowered if k not in ACID_BASE_KINDS and k != "none"]
    if bad:
        raise InputError("acid_base", bad[0], "one of " + ", ".join(ACID_BASE_KINDS), choices=ACID_BASE_KINDS)
    out = np.char.lower(np.char.strip(kinds.astype(str)))
    return np.where(out == "none", "neutral", out)


def _as_pka(pka: Any, shape: tuple[int, ...]) -> np.ndarray:
    if pka is None:
        return np.full(shape, np.nan)
    arr = np.asarray(pka, dtype=object)
    arr = np.where(np.equal(arr, None), np.nan, arr).astype(float)
    return np.broadcast_to(arr, shape).astype(float)


def fraction_unionised(ph: Any, acid_base: Any = "neutral", pka_acid: Any = None, pka_base: Any = None) -> np.ndarray:
    """Fraction of solute unionised at ``ph`` (Henderson-Hasselbalch), vectorised.

    Parameters
    ----------
    ph : float or array
        pH of the medium (dimensionless).
    acid_base : str or array of str
        ``"neutral"`` (-> 1), ``"acid"`` 1/(1+10^(pH-pKa_a)), ``"base"`` 1/(1+10^(pKa_b-pH)),
        ``"ampholyte"``/``"zwitterion"`` 1/(1+10^(pH-pKa_a)+10^(pKa_b-pH)), ``"polyanion"``
        (acid term to the 10th power: ~0 above the pKa), ``"polycation"`` likewise.
    pka_acid, pka_base : float, array or None
        pKa of the strongest acidic / basic group. A NaN (unknown) pKa contributes no ionisation,
        so the row is treated as neutral in that group.

    Returns
    -------
    numpy.ndarray
        Fraction unionised in [0, 1] (dimensionless), broadcast over the inputs.
    """
    ph_arr = np.asarray(ph, dtype=float)
    shape = np.broadcast_shapes(ph_arr.shape, np.shape(acid_base) if not isinstance(acid_base, str) else (),
                                np.shape(pka_acid) if pka_acid is not None else (),
                                np.shape(pka_base) if pka_base is not None else ())
    kinds = _as_kind_array(acid_base, shape)
    ph_b = np.broadcast_to(ph_arr, shape)
    pa = _as_pka(pka_acid, shape)
    pb = _as_pka(pka_base, shape)
    needs_acid = np.isin(kinds, ("acid", "ampholyte", "zwitterion", "polyanion"))
    needs_base = np.isin(kinds, ("base", "ampholyte", "zwitterion", "polycation"))
    if pka_acid is None and np.any(needs_acid):
        raise InputError("pka_acid", None, "a pKa for acidic, ampholytic or polyanionic compounds")
    if pka_base is None and np.any(needs_base):
        raise InputError("pka_base", None, "a pKa for basic, ampholytic or polycationic compounds")
    with np.errstate(over="ignore"):
        acid_term = np.where(needs_acid & np.isfinite(pa), 10.0 ** (ph_b - np.nan_to_num(pa)), 0.0)
        base_term = np.where(needs_base & np.isfinite(pb), 10.0 ** (np.nan_to_num(pb) - ph_b), 0.0)
    n = float(_v("ionisation", "polyanion_groups"))
    single = 1.0 / (1.0 + acid_term + base_term)
    poly_a = (1.0 / (1.0 + acid_term)) ** n
    poly_b = (1.0 / (1.0 + base_term)) ** n
    out = np.where(kinds == "polyanion", poly_a, np.where(kinds == "polycation", poly_b, single))
    return np.asarray(out, dtype=float)


# --------------------------------------------------------------------------------------------
# empirical kp QSPRs


def potts_guy_log_kp(mw: Any, log_kow: Any, constant: float | None = None) -> np.ndarray:
    """Potts & Guy 1992: ``log10 kp [cm/h] = constant + 0.71 log Kow - 0.0061 MW``.

    Parameters
    ----------
    mw : array_like
        Molecular weight (g/mol).
    log_kow : array_like
        log10 octanol/water partition coefficient (dimensionless).
    constant : float, optional
        Intercept in log10(cm/h). Default: the published -6.3 log10(cm/s) of ``stratum_corneum.toml``
        converted exactly (-2.7437 = `POTTS_GUY_CONSTANT_EXACT`). `POTTS_GUY_CONSTANT_ROUNDED` (-2.74)
        reproduces tables that round it.

    Returns
    -------
    numpy.ndarray
        log10 kp (cm/h).
    """
    if constant is None:
        constant = _v("potts_guy", "log_constant_cm_s")                   # log10(cm/h) after loading
    return (constant + _v("potts_guy", "log_kow_slope") * np.asarray(log_kow, dtype=float)
            - _v("potts_guy", "mw_slope") * np.asarray(mw, dtype=float))


def mitragotri_log_kp(mw: Any, log_kow: Any) -> np.ndarray:
    """Mitragotri 2002 lipid pathway, log10 kp (cm/h).

    ``kp [cm/s] = 5.6e-6 Kow^0.7 exp(-0.46 r^2)`` with r (angstrom) from ``4/3 pi r^3 = 0.91 MW``,
    i.e. ``log kp[cm/s] = 0.7 log Kow - 0.0722 MW^(2/3) - 5.252``; converted to cm/h.

    Parameters
    ----------
    mw : array_like
        Molecular weight (g/mol).
    log_kow : array_like
        log10 Kow (dimensionless).
    """
    mw = np.asarray(mw, dtype=float)
    r2 = (3.0 * _in("mitragotri", "volume_per_dalton", "angstrom^3*mol/g") * mw / (4.0 * np.pi)) ** (2.0 / 3.0)
    log_kp_cm_s = (math.log10(_in("mitragotri", "prefactor", "cm/s")) + _v("mitragotri", "log_kow_exponent")
                   * np.asarray(log_kow, dtype=float) - _in("mitragotri", "size_coefficient", "1/angstrom^2") * r2
                   / math.log(10.0))
    return log_kp_cm_s + math.log10(_to_kernel("cm/s", "cm/h"))


# --------------------------------------------------------------------------------------------
# mechanistic pieces (vectorised; internal, kernel units cm and h)


def _molar_volume(mw: np.ndarray) -> np.ndarray:
    """Schroeder molar volume at the boiling point estimated from MW (cm^3/mol)."""
    return _v("solute_size", "molar_volume_coefficient") * mw ** _v("solute_size", "molar_volume_exponent")


def _solute_radius_and_daq(molar_volume: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solute radius a_s (angstrom, as published) and free aqueous diffusivity D_aq (cm^2/h), Dancik 2013
    (V_A in cm^3/mol)."""
    small = molar_volume < _in("solute_size", "size_switch_molar_volume", "cm^3/mol")
    a_s = np.where(small, _in("solute_size", "radius_small_coefficient", "angstrom") * molar_volume ** 0.6,
                   _in("solute_size", "radius_large_coefficient", "angstrom") * molar_volume ** (1.0 / 3.0))
    d_aq = np.where(small, _in("solute_size", "aqueous_diffusivity_small", "cm^2/s") * molar_volume ** -0.6,
                    _in("solute_size", "aqueous_diffusivity_large", "cm^2/s") * molar_volume ** (-1.0 / 3.0))
    return a_s, d_aq * _to_kernel("cm^2/s", "cm^2/h")


def _sc_volume_fractions(hydration: str) -> dict[str, float]:
    """Volume fractions of the SC (lipid, protein, water; corneocyte = protein + water) and phi_f."""
    nu = float(_v("hydration", f"water_per_dry_mass_{hydration}"))
    v_lip = _v("composition", "lipid_dry_mass_fraction") / _in("composition", "lipid_density", "g/cm^3")
    v_pro = _v("composition", "protein_dry_mass_fraction") / _in("composition", "protein_density", "g/cm^3")
    v_w = nu / _in("composition", "water_density", "g/cm^3")               # cm^3 per g of dry SC
    total = v_lip + v_pro + v_w
    return {"lipid": v_lip / total, "protein": v_pro / total, "water": v_w / total,
            "corneocyte": (v_pro + v_w) / total, "fibre_in_corneocyte": v_pro / (v_pro + v_w), "nu": nu}


def _k_lip(log_kow: np.ndarray) -> np.ndarray:
    return _v("partition", "lipid_coefficient") * 10.0 ** (_v("partition", "lipid_exponent") * log_kow)


def _sc_partition_neutral(log_kow: np.ndarray, hydration: str) -> np.ndarray:
    """K_sc/w of the unionised species (Nitsche 2006 / Wang 2007 two-phase sum)."""
    f = _sc_volume_fractions(hydration)
    w_pro = _v("composition", "protein_dry_mass_fraction")
    pc_pro = _v("partition", "protein_coefficient") * 10.0 ** (_v("partition", "protein_exponent") * log_kow)
    k_cor = (pc_pro * w_pro + f["nu"]) / (w_pro * _in("composition", "water_density", "g/cm^3")
                                         / _in("composition", "protein_density", "g/cm^3") + f["nu"])
    return (1.0 - f["corneocyte"]) * _k_lip(log_kow) + f["corneocyte"] * k_cor


def _sc_partition_ionised(log_kow: np.ndarray, hydration: str) -> np.ndarray:
    """K_sc/w of the ionised species: SC water plus ion pairs in the lipids (log Kow − Δ)."""
    f = _sc_volume_fractions(hydration)
    return f["water"] + f["lipid"] * _k_lip(log_kow - _v("ionisation", "ion_pair_log_kow_shift"))


def _partial_key(hydration: str) -> str:
    return "hydrated" if hydration == "hydrated" else "partial"


def _sc_transcellular_permeability(mw: np.ndarray, log_kow: np.ndarray, hydration: str,
                                   molar_volume: np.ndarray | None = None) -> np.ndarray:
    """Wang 2007 / Dancik 2013 SC permeability of the unionised species at the state's reference thickness (cm/h)."""
    key = _partial_key(hydration)
    divisor = float(_v("hydration", f"lipid_rate_divisor_{hydration}"))
    f = _sc_volume_fractions(hydration)
    vol = _molar_volume(mw) if molar_volume is None else molar_volume
    a_s, d_aq = _solute_radius_and_daq(vol)
    lam = a_s / _in("composition", "keratin_fibre_radius", "angstrom")
    phi_f_prime = f["fibre_in_corneocyte"] * (1.0 + lam) ** 2
    k_cor_free = np.clip(1.0 - phi_f_prime, 1e-12, None)
    c = _v("homogenisation", f"hindrance_{key}")
    f_hydro = np.clip(c[0] + c[1] * lam + c[2] * lam ** 2 + c[3] * lam ** 3, 1e-12, None)
    d_cor_free = d_aq * k_cor_free * f_hydro                                    # cm^2/h
    d_lip = (_in("lipid_transport", "lateral_diffusivity_coefficient", "cm^2/s")
             * mw ** _v("lipid_transport", "lateral_diffusivity_exponent")
             + _in("lipid_transport", "lateral_diffusivity_floor", "cm^2/s")) * _to_kernel("cm^2/s", "cm^2/h") / divisor
    k_trans = 10.0 ** (_in("lipid_transport", "transbilayer_log_intercept", "log10(cm/s)")
                       - _v("lipid_transport", "transbilayer_mw_slope") * mw ** (1.0 / 3.0)) \
        * _to_kernel("cm/s", "cm/h") / divisor
    l_x = _v("hydration", f"horizontal_period_{hydration}")
    delta = _v("composition", "lipid_bilayer_thickness")
    k_lip = _k_lip(log_kow)
    ratio_r = k_trans * l_x ** 2 / (delta * d_lip)
    sigma = d_lip * k_lip / (d_cor_free * k_cor_free)
    a, b, cc = (_v("homogenisation", f"large_r_{n}_{key}") for n in "abc")
    with np.errstate(divide="ignore", over="ignore"):
        p_hat_large = a + 1.0 / (b * sigma + cc / ratio_r)
        # quartic fit: only used for R <= 100 (MW >~ 600); arguments clipped to a sane range
        ls = np.clip(np.log10(sigma), -8.0, 8.0)
        lr = np.clip(np.log10(ratio_r), -1.0, 2.0)
    coef = np.asarray(_v("homogenisation", f"polynomial_{key}"), dtype=float)
    log_p_small = np.zeros_like(ls)
    for i in range(5):
        for j in range(5):
            log_p_small = log_p_small + coef[i, j] * ls ** i * lr ** j
    p_hat = np.where(ratio_r > 100.0, p_hat_large, 10.0 ** log_p_small)
    return p_hat * d_lip * k_lip / _sc_reference_thickness_cm(hydration)


def _sc_polar_permeability(mw: np.ndarray, hydration: str, molar_volume: np.ndarray | None = None) -> np.ndarray:
    """Aqueous pore pathway through the SC at the state's reference thickness (cm/h).

    Referred to the normal-state thickness: per cell layer it does not change with hydration.
    """
    vol = _molar_volume(mw) if molar_volume is None else molar_volume
    a_s, d_aq = _solute_radius_and_daq(vol)
    # the same tissue has the same pore pathway in every state: refer it to the normal-state
    # thickness (the state's reference SC is that tissue swollen by sc_swelling_factor)
    h_ref = _v("polar_pathway", "reference_thickness")
    pore = _in("polar_pathway", "pore_radius", "angstrom")
    return _v("polar_pathway", "porosity_over_tortuosity") * d_aq * renkin_hindrance(a_s, pore) / h_ref


def _fu_coefficients(kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    acid = np.isin(kinds, ("acid", "polyanion"))
    zwit = np.isin(kinds, ("ampholyte", "zwitterion"))
    a = np.where(acid, _v("viable_tissue", "fu_acid_a"), np.where(zwit, _v("viable_tissue", "fu_zwitterion_a"), _v("viable_tissue", "fu_neutral_a")))
    b = np.where(acid, _v("viable_tissue", "fu_acid_b"), np.where(zwit, _v("viable_tissue", "fu_zwitterion_b"), _v("viable_tissue", "fu_neutral_b")))
    return a, b


def _viable_tissue(mw: np.ndarray, log_kow: np.ndarray, kinds: np.ndarray, f_non_tissue: np.ndarray) -> dict[str, np.ndarray]:
    """Kretsos 2008 VE/dermis K, D (cm^2/h) and binding; f_u (albumin) from Yamazaki & Kanaoka 2004."""
    log_d = log_kow + np.log10(np.clip(f_non_tissue, 1e-300, None))
    a, b = _fu_coefficients(kinds)
    with np.errstate(over="ignore"):
        e = a * np.exp(np.clip(log_d, -700.0, 700.0))
    f_unbound = np.clip(1.0 - (e + b) / (e + 1.0 + b), 1e-12, 1.0)
    binding = (_v("viable_tissue", "binding_constant") + _v("viable_tissue", "binding_albumin") / f_unbound
               + _v("viable_tissue", "binding_lipid") * f_non_tissue * _k_lip(log_kow))
    d_free = 10.0 ** (_in("viable_tissue", "free_diffusivity_log_intercept", "log10(cm^2/s)")
                      - _v("viable_tissue", "free_diffusivity_log_slope") * np.log10(mw)) * _to_kernel("cm^2/s", "cm^2/h")
    return {"D": d_free / binding, "K": _v("viable_tissue", "aqueous_fraction") * binding,
            "binding": binding, "fraction_unbound": f_unbound}


def _dermal_clearance(mw: np.ndarray, log_kow: np.ndarray, binding: np.ndarray) -> np.ndarray:
    """Dancik 2013 dermal clearance k_de = [1/(1/(P_cap S) + 1/Q)]/binding (1/h)."""
    p_cap = _v("dermal_clearance", "capillary_pg_multiplier") * 10.0 ** potts_guy_log_kp(mw, log_kow)
    ps = p_cap * _v("dermal_clearance", "capillary_area_per_volume")                  # 1/h
    q = _v("dermal_clearance", "flow_limited_rate")                                   # 1/h
    return (1.0 / (1.0 / ps + 1.0 / q)) / binding


# --------------------------------------------------------------------------------------------
# models


@dataclass(frozen=True)
class _Model:
    name: str
    citations: tuple[str, ...]
    description: str

    def sc_permeability(self, mw, log_kow, f_non, hydration, molar_volume=None) -> np.ndarray:
        """SC permeability (cm/h) of the ionisable solute at the state's reference SC thickness."""
        raise NotImplementedError

    @property
    def whole_membrane(self) -> bool:
        """True for empirical QSPRs fitted to whole epidermal membranes (no VE term is added)."""
        return False


class _PottsGuy(_Model):
    @property
    def whole_membrane(self) -> bool:
        return True

    def sc_permeability(self, mw, log_kow, f_non, hydration, molar_volume=None):
        # empirical: unionised species only; hydration not represented
        return f_non * 10.0 ** potts_guy_log_kp(mw, log_kow)


class _Mitragotri(_Model):
    @property
    def whole_membrane(self) -> bool:
        return True

    def sc_permeability(self, mw, log_kow, f_non, hydration, molar_volume=None):
        return f_non * 10.0 ** mitragotri_log_kp(mw, log_kow)


class _KastingChen(_Model):
    def sc_permeability(self, mw, log_kow, f_non, hydration, molar_volume=None):
        ion_pair = log_kow - _v("ionisation", "ion_pair_log_kow_shift")
        transcellular = f_non * _sc_transcellular_permeability(mw, log_kow, hydration, molar_volume)
        if np.any(f_non < 1.0):
            transcellular = transcellular + (1.0 - f_non) * _sc_transcellular_permeability(
                mw, ion_pair, hydration, molar_volume)
        return transcellular + _sc_polar_permeability(mw, hydration, molar_volume)


MODELS: dict[str, _Model] = {
    "potts-guy": _PottsGuy("potts-guy", (_CITE_PG,), "Potts & Guy 1992 empirical kp (cm/s constant -6.3 converted exactly)"),
    "mitragotri-2002": _Mitragotri("mitragotri-2002", (_CITE_MIT, "Lian G, Chen L, Han L (2008) J Pharm Sci 97:584"),
                                   "Mitragotri 2002 scaled-particle lipid pathway"),
    "kasting-chen": _KastingChen("kasting-chen", _CITES_MECH + _CITES_VIABLE,
                                 "homogenised Wang/Kasting/Dancik SC + aqueous pore pathway + Kretsos VE/dermis"),
}
ALIASES = {"mechanistic": "kasting-chen", "default": "kasting-chen", "pg": "potts-guy",
           "potts-guy-1992": "potts-guy", "mitragotri": "mitragotri-2002", "kasting": "kasting-chen"}


def get_model(name: str) -> _Model:
    """Return the registered model called ``name`` (or an alias); unknown names raise `InputError`."""
    key = str(name).strip().lower() if isinstance(name, str) else name
    key = ALIASES.get(key, key)
    if key not in MODELS:
        choices = sorted(MODELS) + sorted(ALIASES)
        raise InputError("model", name, "one of " + ", ".join(choices), choices=choices)
    return MODELS[key]


# --------------------------------------------------------------------------------------------
# public functions


def _macromolecule_mask(mw: np.ndarray, kind: Any) -> np.ndarray:
    mask = mw > _v("macromolecule", "mw_cutoff")
    if kind is not None:
        k = np.char.lower(np.asarray(kind, dtype=str))
        mask = mask | np.isin(np.broadcast_to(k, mw.shape), MACROMOLECULE_KINDS)
    return mask


def log_kp(mw: Any, log_kow: Any, *, model: str = "kasting-chen", acid_base: Any = "neutral", pka_acid: Any = None,
           pka_base: Any = None, ph: Any = 7.0, hydration: str = "normal", membrane: str = "epidermis",
           sc_thickness_cm: Any = None, viable_thickness_cm: Any = None, kind: Any = None,
           molar_volume: Any = None) -> np.ndarray:
    """log10 kp (cm/h) of a reference in-vitro membrane, vectorised over rows.

    Parameters
    ----------
    mw : array_like
        Molecular weight (g/mol).
    log_kow : array_like
        log10 Kow of the unionised species (dimensionless).
    model : str
        ``"kasting-chen"`` (default; alias ``"mechanistic"``), ``"potts-guy"`` or ``"mitragotri-2002"``.
    acid_base, pka_acid, pka_base, ph
        Ionisation (see `fraction_unionised`); ``ph`` is the donor/SC pH. Viable tissue uses pH 7.4.
    hydration : str
        SC state ``"dry"``, ``"normal"`` or ``"hydrated"`` (mechanistic model only).
    membrane : str
        ``"epidermis"`` (SC + viable tissue) or ``"stratum-corneum"``. Empirical QSPRs (Potts-Guy,
        Mitragotri) were fitted to whole membranes and return their kp unchanged.
    sc_thickness_cm : array_like, optional
        SC thickness in this hydration state (cm); default the state's reference thickness
        (13 um normal, 43 um hydrated, 9.96 um dry).
    viable_thickness_cm : array_like, optional
        Viable tissue (VE + any dermis) under the SC (cm); default 87 um (100 um epidermis).
    kind : array_like of str, optional
        Compound kind; protein/peptide/polysaccharide/polymer rows are impermeable (-inf).
    molar_volume : array_like, optional
        Schroeder molar volume (cm^3/mol); estimated from MW if omitted.

    Returns
    -------
    numpy.ndarray
        log10 kp (cm/h); ``-inf`` where the SC is impermeable (macromolecules, MW > 1000).
        Mechanistic model: ``1/kp = h_sc/(K_sc D_sc) + h_ve/(K_ve D_ve)``.
    """
    mdl = get_model(model)
    _check_hydration(hydration)
    if membrane not in MEMBRANES:
        raise InputError("membrane", membrane, "one of " + ", ".join(MEMBRANES), choices=MEMBRANES)
    mw_a, lk_a = np.broadcast_arrays(np.asarray(mw, dtype=float), np.asarray(log_kow, dtype=float))
    if np.any(~(mw_a > 0)):
        raise InputError("mw", "non-positive or NaN value", "molecular weights > 0 g/mol")
    shape = mw_a.shape
    kinds = _as_kind_array(acid_base, shape)
    f_non = fraction_unionised(ph, kinds, pka_acid, pka_base) * np.ones(shape)
    macro = _macromolecule_mask(mw_a, kind)
    mw_safe = np.where(macro, 500.0, mw_a)
    vol = None if molar_volume is None else np.broadcast_to(np.asarray(molar_volume, dtype=float), shape)
    p_ref = mdl.sc_permeability(mw_safe, lk_a, f_non, hydration, vol)
    if mdl.whole_membrane:
        kp = p_ref
    else:
        h_ref = _sc_reference_thickness_cm(hydration)
        h_sc = h_ref if sc_thickness_cm is None else np.asarray(sc_thickness_cm, dtype=float)
        resistance = h_sc / (p_ref * h_ref)                   # = h_sc/(K_sc D_sc)
        if membrane == "epidermis":
            f_tissue = fraction_unionised(_v("ionisation", "tissue_ph"), kinds, pka_acid, pka_base) * np.ones(shape)
            vt = _viable_tissue(mw_safe, lk_a, kinds, f_tissue)
            h_ve = (_v("viable_tissue", "default_viable_thickness") if viable_thickness_cm is None
                    else np.asarray(viable_thickness_cm, dtype=float))
            resistance = resistance + h_ve / (vt["K"] * vt["D"])
        kp = 1.0 / resistance
    with np.errstate(divide="ignore"):
        out = np.log10(kp)
    return np.where(macro, -np.inf, out)


@dataclass(frozen=True)
class TransportProperties:
    """Per-layer transport properties of one compound, kernel units (cm, h).

    Partition coefficients are layer/water (concentration ratios at equilibrium with water at the
    donor pH for the SC, pH 7.4 for viable tissue). ``stratum_corneum_diffusivity`` is the
    homogenised D of the SC in the requested hydration state, so that
    ``K_sc D_sc / h_sc`` is the SC permeability for any SC thickness ``h_sc`` in that state.
    """

    model: str
    stratum_corneum_partition: float
    stratum_corneum_diffusivity: float
    viable_epidermis_partition: float
    viable_epidermis_diffusivity: float
    dermis_partition: float
    dermis_diffusivity: float
    dermis_clearance: float
    fraction_unionised: float
    permeable: bool
    reason: str
    citations: tuple[str, ...]


def _attr(compound: Any, name: str, default: Any = None) -> Any:
    return getattr(compound, name, default)


def transport_properties(compound: Any, *, model: str = "kasting-chen", ph: float = 7.0, hydration: str = "normal",
                         reference_sc_thickness_cm: float | None = None) -> TransportProperties:
    """Per-layer K, D and dermal clearance of ``compound`` for the 1D layered solver.

    Parameters
    ----------
    compound : object
        Anything with ``molecular_weight`` (g/mol), ``log_kow`` (float or None), ``acid_base``,
        ``pka_acid``, ``pka_base`` and ``kind``; an optional ``molar_volume`` (cm^3/mol) is used if present.
    model : str
        QSPR model name (see `MODELS`).
    ph : float
        pH at the skin surface / vehicle (dimensionless).
    hydration : str
        ``"dry"``, ``"normal"`` or ``"hydrated"``.
    reference_sc_thickness_cm : float, optional
        For kp-only QSPRs (Potts-Guy, Mitragotri): the SC thickness (cm) the kp refers to, used in
        ``D_sc = kp h_ref / K_sc``. Default 13 um x `sc_swelling_factor` (Wang 2007 partially
        hydrated SC; the Flynn-type data behind these QSPRs are 10-15 um epidermal SC).

    Returns
    -------
    TransportProperties
    """
    mdl = get_model(model)
    _check_hydration(hydration)
    mw = float(_attr(compound, "molecular_weight"))
    if not mw > 0:
        raise InputError("molecular_weight", mw, "a molecular weight > 0 g/mol")
    kind = _attr(compound, "kind")
    kind_s = "" if kind is None else str(getattr(kind, "value", kind)).lower()
    acid_base = _attr(compound, "acid_base") or "neutral"
    acid_base = str(getattr(acid_base, "value", acid_base)).lower()
    pka_a, pka_b = _attr(compound, "pka_acid"), _attr(compound, "pka_base")
    log_kow = _attr(compound, "log_kow")
    cutoff = _v("macromolecule", "mw_cutoff")

    if kind_s in MACROMOLECULE_KINDS or mw > cutoff:
        # proteins carry many ionisable groups and may have no single pKa: not needed here
        has_pka = acid_base == "neutral" or (pka_a is not None or pka_b is not None)
        f_non = float(fraction_unionised(ph, acid_base, pka_a, pka_b)) if has_pka else 0.0
        why = (f"{kind_s or 'molecule'} of {mw:.0f} g/mol: intact stratum corneum treated as impermeable "
               f"(the SC lipid pathway excludes molecules of more than ~500 Da, Bos & Meinardi 2000; dermsim "
               f"extrapolates no QSPR beyond {cutoff:.0f} Da). Delivery needs a pore (e.g. microneedles).")
        size_class = _attr(compound, "molecule_class") or molecule_class_for_kind(kind_s)
        d_tissue = float(tissue_diffusivity(mw, size_class))
        k_tissue = float(_v("macromolecule", "tissue_partition"))
        return TransportProperties(mdl.name, 0.0, 0.0, k_tissue, d_tissue, k_tissue, d_tissue, 0.0, f_non,
                                   False, why + " Dermal clearance (lymphatic) not modelled: 0.",
                                   _CITE_MACRO)
    f_non = float(fraction_unionised(ph, acid_base, pka_a, pka_b))
    if log_kow is None or not np.isfinite(float(log_kow)):
        raise InputError("log_kow", log_kow, "a finite log Kow for a small molecule (needed by every QSPR)")
    log_kow = float(log_kow)
    mv = _attr(compound, "molar_volume")
    mv_arr = None if mv is None else np.array([float(mv)])
    mw_a, lk_a = np.array([mw]), np.array([log_kow])
    kinds = np.array([acid_base], dtype=object)

    k_neutral = _sc_partition_neutral(lk_a, hydration)
    k_sc = float(f_non * k_neutral[0] + (1.0 - f_non) * _sc_partition_ionised(lk_a, hydration)[0])
    if mdl.whole_membrane:
        h_ref = (reference_sc_thickness_cm if reference_sc_thickness_cm is not None
                 else _v("hydration", "thickness_normal") * sc_swelling_factor(hydration))
    else:
        h_ref = _sc_reference_thickness_cm(hydration)
    p_sc = float(mdl.sc_permeability(mw_a, lk_a, np.array([f_non]), hydration, mv_arr)[0])
    d_sc = p_sc * h_ref / k_sc

    f_tissue = fraction_unionised(_v("ionisation", "tissue_ph"), kinds, pka_a, pka_b)
    vt = _viable_tissue(mw_a, lk_a, kinds.astype(str), np.atleast_1d(f_tissue))
    k_de = float(_dermal_clearance(mw_a, lk_a, vt["binding"])[0])
    reason = "" if f_non > 1e-6 else "almost fully ionised: permeates by the aqueous (polar) pathway and as ion pairs"
    return TransportProperties(
        model=mdl.name,
        stratum_corneum_partition=k_sc,
        stratum_corneum_diffusivity=float(d_sc),
        viable_epidermis_partition=float(vt["K"][0]),
        viable_epidermis_diffusivity=float(vt["D"][0]),
        dermis_partition=float(vt["K"][0]),
        dermis_diffusivity=float(vt["D"][0]),
        dermis_clearance=k_de,
        fraction_unionised=f_non,
        permeable=True,
        reason=reason,
        citations=tuple(dict.fromkeys(mdl.citations + (_CITES_MECH[0],) + _CITES_VIABLE)),
    )


def aqueous_size(compound: Any) -> tuple[float, float]:
    """Solute radius (cm) and free diffusivity in water (cm²/h) of a small molecule (Dancik 2013 size
    relations, the same as the aqueous pore pathway); used for aqueous microneedle channels."""
    mw = float(_attr(compound, "molecular_weight"))
    mv = _attr(compound, "molar_volume")
    volume = np.array([float(mv)]) if mv is not None else _molar_volume(np.array([mw]))
    a_s, d_aq = _solute_radius_and_daq(volume)
    return float(a_s[0]) * _to_kernel("angstrom", "cm"), float(d_aq[0])
