"""Solute solubility: the general solubility equation against measured values, the octanol analogue, the
log-linear cosolvency model, and the errors for missing data."""

import math

import numpy as np
import pytest

from dermsim.chemistry.compound import get_compound, list_compounds, make_compound
from dermsim.errors import InputError
from dermsim.formulation import solubility as sol
from dermsim.formulation.solubility import (aqueous_solubility, aqueous_solubility_info, gse_log_solubility,
                                            mixture_solubility, mixture_solubility_function, solubility_in)


def _log_molar(compound, value):
    return math.log10(value / (compound.molecular_weight * 1e3))


def test_gse_formula_and_liquid_solutes():
    # testosterone: T_m 428 K, log Kow 3.32 -> 0.5 - 0.01 (428 - 298.15) - 3.32
    assert math.isclose(gse_log_solubility(3.32, 428.0, 298.15), 0.5 - 0.01 * (428.0 - 298.15) - 3.32, rel_tol=1e-12)
    # a liquid solute (T_m below T) has no melting term
    assert gse_log_solubility(3.0, 258.0, 298.15) == 0.5 - 3.0
    assert sol.octanol_log_solubility(258.0, 298.15) == 0.5
    # the melting term shrinks as the film warms
    assert gse_log_solubility(1.0, 450.0, 305.15) > gse_log_solubility(1.0, 450.0, 298.15)


def test_gse_against_measured_aqueous_solubilities_of_library_compounds():
    """GSE (25 C) against the measured solubilities in the compound library (Cheruvu et al. 2022 records).

    The GSE is stated for organic nonelectrolytes (Jain & Yalkowsky 2001); its published accuracy is ~0.5-0.8
    log units. The assertion is on the library's neutral compounds; the RMSE over every compound with a
    measured value (acids and bases included, pH not applied) is reported too."""
    rows = []
    for c in list_compounds():
        if c.aqueous_solubility is None or c.melting_point is None:
            continue
        measured = _log_molar(c, c.aqueous_solubility)
        estimated = gse_log_solubility(c.log_kow, c.melting_point, 298.15)
        rows.append((c.name, c.acid_base, estimated - measured))
    neutral = np.array([e for _, kind, e in rows if kind == "neutral"])
    every = np.array([e for _, _, e in rows])
    rmse_neutral = float(np.sqrt(np.mean(neutral ** 2)))
    rmse_all = float(np.sqrt(np.mean(every ** 2)))
    print(f"\nGSE vs measured log S_w: nonelectrolytes n={neutral.size} RMSE {rmse_neutral:.2f} "
          f"(mean {neutral.mean():+.2f}); all n={every.size} RMSE {rmse_all:.2f}")
    assert neutral.size >= 10
    assert rmse_neutral < 1.0
    assert abs(neutral.mean()) < 0.5                       # no gross bias


def test_aqueous_solubility_prefers_the_measured_value_and_flags_estimates():
    caffeine = get_compound("caffeine")
    info = aqueous_solubility_info(caffeine)
    assert info.value == caffeine.aqueous_solubility and not info.estimate and "Cheruvu" in info.source
    assert math.isclose(info.log10_molar, -3.84 + 3.0, abs_tol=1e-9)      # log10 mol/cm^3 -> mol/L
    estimate = aqueous_solubility_info(caffeine, 298.15, use_measured=False)
    assert estimate.estimate and estimate.source.startswith("estimate: general solubility equation")
    assert math.isclose(estimate.log10_molar, gse_log_solubility(-0.07, 511.0, 298.15))
    # a compound with a melting point and no measured value: the GSE, flagged
    niacinamide = get_compound("niacinamide")
    assert niacinamide.aqueous_solubility is None
    info = aqueous_solubility_info(niacinamide)
    assert info.estimate and info.temperature == 305.15
    assert aqueous_solubility(niacinamide) == info.value == float(info)
    # ug/cm^3 = 10^logS [mol/L] x M [g/mol] x 1e3
    assert math.isclose(info.value, 10 ** info.log10_molar * 122.12 * 1e3, rel_tol=1e-12)


def test_missing_melting_point_raises_naming_the_value():
    user = make_compound("my-active", molecular_weight=250.0, log_kow=2.0)
    with pytest.raises(InputError) as err:
        aqueous_solubility(user)
    assert err.value.field == "my-active.melting_point"
    assert "melting point" in str(err.value)
    with pytest.raises(InputError) as err:
        solubility_in("ethanol", make_compound("another-active", molecular_weight=300.0, log_kow=1.0))
    assert err.value.field == "another-active.melting_point"


def test_a_compound_without_melting_point_takes_the_property_library_value():
    """Panthenol has no melting point in the compound library; chemicals (CAS Common Chemistry / CRC) has one."""
    info = aqueous_solubility_info(get_compound("panthenol"))
    assert info.estimate and "chemicals" in info.source
    # with a melting point it works; a measured value needs none
    assert aqueous_solubility(make_compound("my-active", 250.0, 2.0, melting_point=400.0)) > 0
    assert aqueous_solubility(make_compound("my-active", 250.0, 2.0, aqueous_solubility=12.0)) == 12.0


def test_solubility_in_each_component():
    t = get_compound("testosterone")
    s_w = aqueous_solubility(t)
    assert solubility_in("water", t) == s_w
    for oil in ("octanol", "isopropyl-myristate", "mineral-oil"):
        assert math.isclose(solubility_in(oil, t), s_w * 10 ** t.log_kow, rel_tol=1e-12)
    for cosolvent in ("ethanol", "isopropanol", "propylene-glycol", "glycerol", "acetone"):
        sigma = sol.solubilisation_power(cosolvent, t.log_kow)
        assert math.isclose(solubility_in(cosolvent, t), s_w * 10 ** sigma, rel_tol=1e-12)
        assert sol.solubility_in_info(cosolvent, t).estimate
    # sigma = s log Kow + t; ethanol solubilises a lipophilic steroid by orders of magnitude
    assert 2.0 < sol.solubilisation_power("ethanol", t.log_kow) < 5.0
    # testosterone in octanol from S_w Kow: 10^(-7.08 + 3 + 3.32) mol/L = 0.17 mol/L ~ 50 mg/mL (Cheruvu's LogSoc
    # -3.60 log10 mol/cm^3 = 72 mg/mL is itself LogSaq + log Kow with their log Kow 3.48, so not independent)
    assert 5e3 < solubility_in("octanol", t) < 1e5
    with pytest.raises(InputError) as err:
        solubility_in("ethanal", t)
    assert err.value.field == "vehicle component"


def test_methanol_is_a_cosolvent_with_the_ethanol_constants_as_proxy_and_benzene_an_oil():
    """Methanol: log-linear cosolvency with ethanol's constants, named as a proxy in the source (its own were not
    read); benzene: does not mix with water, so an oil with octanol as the surrogate, S = S_w Kow."""
    t = get_compound("testosterone")
    s_w = aqueous_solubility(t)
    assert "methanol" in sol.COSOLVENTS and "benzene" in sol.OILS
    sigma = sol.solubilisation_power("methanol", t.log_kow)
    assert sigma == sol.solubilisation_power("ethanol", t.log_kow)
    info = sol.solubility_in_info("methanol", t)
    assert info.estimate and "ethanol constants stand for methanol" in info.source
    assert math.isclose(info.value, s_w * 10 ** sigma, rel_tol=1e-12)
    assert "proxy" not in sol.solubility_in_info("ethanol", t).source
    benzene = sol.solubility_in_info("benzene", t)
    assert benzene.estimate and "surrogate of benzene" in benzene.source
    assert math.isclose(benzene.value, s_w * 10 ** t.log_kow, rel_tol=1e-12)
    # methanol and water form one phase: log S is linear in the methanol fraction
    mid = mixture_solubility(t, {"water": 0.5, "methanol": 0.5})
    assert math.isclose(math.log10(mid), 0.5 * (math.log10(s_w) + math.log10(info.value)), rel_tol=1e-12)


def test_log_linear_mixture_endpoints_and_monotonicity():
    for name in ("testosterone", "caffeine", "hydrocortisone"):
        c = get_compound(name)
        s_w, s_e = solubility_in("water", c), solubility_in("ethanol", c)
        assert math.isclose(mixture_solubility(c, {"water": 1.0, "ethanol": 0.0}), s_w, rel_tol=1e-12)
        assert math.isclose(mixture_solubility(c, {"water": 0.0, "ethanol": 1.0}), s_e, rel_tol=1e-12)
        phis = np.linspace(0.0, 1.0, 21)
        values = [mixture_solubility(c, {"water": 1 - p, "ethanol": p}) for p in phis]
        steps = np.diff(values)
        assert np.all(steps > 0) if s_e > s_w else np.all(steps < 0)
        # log-linear: log S_mix = log S_w + sigma phi
        mid = mixture_solubility(c, {"water": 0.5, "ethanol": 0.5})
        assert math.isclose(math.log10(mid), 0.5 * (math.log10(s_w) + math.log10(s_e)), rel_tol=1e-12)
    # three components, and the callable form the drying film takes
    c = get_compound("testosterone")
    names = ["water", "ethanol", "propylene-glycol"]
    f = mixture_solubility_function(c, names)
    phi = np.array([0.5, 0.3, 0.2])
    assert math.isclose(f(phi), mixture_solubility(c, dict(zip(names, phi))), rel_tol=1e-12)
    assert math.isclose(f(2 * phi), f(phi), rel_tol=1e-12)                  # normalised
    with pytest.raises(InputError):
        f(np.zeros(3))


def test_mixture_input_errors():
    c = get_compound("caffeine")
    with pytest.raises(InputError) as err:
        mixture_solubility(c, {"water": 0.5, "ethanol": 0.4})
    assert err.value.field == "volume_fractions" and "sum to 0.9" in str(err.value)
    with pytest.raises(InputError):
        mixture_solubility(c, {"water": 1.2, "ethanol": -0.2})
    with pytest.raises(InputError):
        mixture_solubility(c, {"water": 0.5, "h2o": 0.5})                 # the same component twice
    with pytest.raises(InputError) as err:
        mixture_solubility(c, {"water": 0.5, "ethnol": 0.5})
    assert err.value.field == "vehicle component"
