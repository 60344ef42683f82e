"""Fate-rate presets, validation and the human calibration (dermsim.epidermis.kinetics)."""

import math

import pytest

from dermsim.epidermis import kinetics as kin
from dermsim.errors import InputError
from dermsim.parameters import Parameter, load

#: the unit each calibration input is used in below
CALIBRATION_UNITS = {"basal_cycle_time": "h", "growth_fraction": "", "stem_fraction_of_germinative": "",
                     "germinative_cell_density": "1/mm^2", "cell_production": "1/mm^2/day",
                     "nucleated_cell_density": "1/mm^2", "corneocyte_density": "1/mm^2", "total_turnover_min": "day",
                     "total_turnover_max": "day", "stratum_corneum_transit": "day"}


def _calibration() -> dict[str, float]:
    table = load(kin.PARAMETER_FILE)["human_calibration"]
    return {k: table[k].to(unit) for k, unit in CALIBRATION_UNITS.items()}

# (preset, λ, r, Γ, ρ), λ and Γ per week, as published: Clayton et al. 2007 Nature 446:185 (mouse tail; ρ = Γ/(λ+Γ));
# Piedrafita et al. 2020 Nat Commun 11:1429: its maximum-likelihood fits (tail interscale, ear, back, paw with the
# Lim 2013 data) and the original Doupé 2012 oesophagus values it lists
REFERENCE_TABLE = [
    ("clayton2007-mouse-tail", 1.1, 0.08, 0.31, 0.22),
    ("piedrafita2020-mouse-tail-interscale", 1.2, 0.09, 2.23, 0.65),
    ("piedrafita2020-mouse-ear", 1.5, 0.035, 1.76, 0.54),
    ("piedrafita2020-mouse-back", 1.2, 0.04, 1.88, 0.61),
    ("piedrafita2020-mouse-paw", 2.0, 0.14, 2.26, 0.53),
    ("doupe2012-mouse-oesophagus", 1.9, 0.10, 3.53, 0.65),
]


@pytest.mark.parametrize("name, lam, r, gamma, rho", REFERENCE_TABLE)
def test_committed_progenitor_presets_match_the_reference_table(name, lam, r, gamma, rho):
    rates = kin.load_preset(name)
    assert rates.model == "committed-progenitor"
    assert rates.division_rate == pytest.approx(lam)
    assert rates.symmetric_fraction == pytest.approx(r)
    assert rates.stratification_rate == pytest.approx(gamma, abs=0.005)
    assert rates.progenitor_fraction == pytest.approx(rho, abs=0.005)        # ρ = Γ/(λ+Γ)
    assert rates.progenitor_fraction == pytest.approx(gamma / (lam + gamma), abs=0.002)


def test_every_preset_number_has_value_unit_and_source():
    table = load(kin.PARAMETER_FILE)
    assert set(kin.list_presets()) >= {"clayton2007-mouse-tail", "mascre2012-stem-progenitor",
                                       "human-interfollicular"}
    for section in ("presets", "human_calibration", "shedding"):
        entries = table[section].values() if section != "presets" else [
            v for preset in table[section].values() for v in preset.values()]
        for entry in entries:
            if isinstance(entry, Parameter):
                assert entry.unit is not None, entry
                assert len(entry.source) > 20
    for name in kin.list_presets():
        rates = kin.load_preset(name)
        for key in ("division_rate", "symmetric_fraction", "stratification_rate", "shedding_rate"):
            assert rates.sources[key]


def test_mascre_stem_progenitor_preset():
    rates = kin.load_preset("mascre2012-stem-progenitor")
    assert rates.model == "stem-progenitor"
    assert (rates.stem_division_rate, rates.stem_symmetric_fraction) == (0.096, 0.1)
    assert (rates.division_rate, rates.symmetric_fraction, rates.stratification_rate) == (1.21, 0.1, 4.8)
    # ω = 2λrΔ; labelled-stem fraction ω/(ω+λS) as in the Piedrafita 2020 code (≈ 0.15)
    omega = 2 * 1.21 * 0.1 * 0.07
    assert rates.stem_fraction == pytest.approx(omega / (omega + 0.096))
    assert rates.stem_fraction == pytest.approx(0.15, abs=0.001)


def test_mouse_shedding_rates_follow_the_stated_homeostasis_rule():
    ratio = load(kin.PARAMETER_FILE)["shedding"]["mouse_suprabasal_to_basal_ratio"].to("")
    for name in kin.list_presets():
        if name.startswith("human"):
            continue
        rates = kin.load_preset(name)
        assert rates.suprabasal_to_basal_ratio == pytest.approx(ratio, rel=2e-3), name


def test_human_preset_reproduces_its_calibration_arithmetic():
    cal = _calibration()
    rates = kin.load_preset("human-interfollicular")
    week_h = 168.0
    assert rates.division_rate == pytest.approx(week_h / cal["basal_cycle_time"], rel=1e-3)
    assert rates.progenitor_fraction == pytest.approx(cal["growth_fraction"], rel=1e-3)
    # Heenen & Galand: stem 10 % + TA 50 % = the 60 % growth fraction lumped into A
    assert cal["stem_fraction_of_germinative"] + 0.50 == pytest.approx(cal["growth_fraction"])
    production = rates.basal_production_rate / 7 * cal["germinative_cell_density"]   # cells/mm²/day
    assert production == pytest.approx(cal["cell_production"], rel=0.01)
    suprabasal = cal["nucleated_cell_density"] - cal["germinative_cell_density"] + cal["corneocyte_density"]
    assert rates.suprabasal_to_basal_ratio == pytest.approx(suprabasal / cal["germinative_cell_density"], rel=1e-3)


def test_human_preset_times_fall_in_the_published_ranges():
    cal = _calibration()
    target = load(kin.PARAMETER_FILE)["human_calibration"]["stratum_corneum_transit"]
    rates = kin.load_preset("human-interfollicular")
    days = 7.0
    transit = rates.basal_to_shed_transit * days
    assert cal["total_turnover_min"] <= transit <= cal["total_turnover_max"]   # 28–56 d
    assert 36 - 6 <= transit <= 60                                   # reference target 3: inside 36–60 d
    production_per_day = rates.basal_production_rate / days * cal["germinative_cell_density"]
    sc_transit = cal["corneocyte_density"] / production_per_day
    assert abs(sc_transit - target.to("day")) <= target.sd_to("day")          # 14 ± 3 d
    viable_suprabasal = (cal["nucleated_cell_density"] - cal["germinative_cell_density"]) \
        / production_per_day
    assert 12 <= viable_suprabasal <= 17                               # viable layers ~2 weeks (Rothberg 12–15 d)
    assert rates.suprabasal_residence * days == pytest.approx(sc_transit + viable_suprabasal, rel=1e-3)
    assert 7 <= rates.post_mitotic_basal_residence * days <= rates.basal_turnover_time * days <= 28
    assert "unmeasured" in rates.sources["symmetric_fraction"]        # r is a stated placeholder


def test_unknown_preset_and_model_suggest_close_names():
    with pytest.raises(InputError, match="did you mean 'clayton2007-mouse-tail'"):
        kin.load_preset("clayton2007-mouse-tial")
    with pytest.raises(InputError, match="model"):
        kin.fate_rates("committed-progenitr", division_rate=1, symmetric_fraction=0.1, stratification_rate=1)


@pytest.mark.parametrize("values, field", [
    (dict(symmetric_fraction=0.51), "symmetric_fraction"),
    (dict(symmetric_fraction=-0.01), "symmetric_fraction"),
    (dict(division_rate=-1.0), "division_rate"),
    (dict(stratification_rate="-0.3 /week"), "stratification_rate"),
    (dict(shedding_rate="1 m"), "shedding_rate"),
    (dict(division_rate="1.1"), "division_rate"),              # units missing
    (dict(division_rate=float("nan")), "division_rate"),
    (dict(symmetric_fraction="a lot"), "symmetric_fraction"),
    (dict(stem_division_rate=0.1), "stem_division_rate"),      # stem parameter in the committed-progenitor model
    (dict(speed=3.0), "fate rate"),
])
def test_fate_rates_rejects_bad_values(values, field):
    base = dict(division_rate=1.1, symmetric_fraction=0.08, stratification_rate=0.31)
    with pytest.raises(InputError) as err:
        kin.fate_rates("committed-progenitor", **(base | values))
    assert str(err.value).startswith(field)
    assert "\n" not in str(err.value)


def test_fate_rates_parses_units_and_defaults():
    rates = kin.fate_rates("committed-progenitor", division_rate="0.2 /day", symmetric_fraction="0.1",
                           stratification_rate=0.5)
    assert rates.division_rate == pytest.approx(1.4)
    assert rates.shedding_rate == 0.0 and "never shed" in rates.sources["shedding_rate"]
    assert rates.suprabasal_residence == math.inf
    with pytest.raises(InputError, match="missing"):
        kin.fate_rates("stem-progenitor", division_rate=1, symmetric_fraction=0.1, stratification_rate=1)
    for r in (0.0, 0.5):   # both ends of [0, 0.5] are allowed
        kin.fate_rates("committed-progenitor", division_rate=1, symmetric_fraction=r, stratification_rate=1)


def test_replace_and_resolve_rates_mark_user_values():
    rates = kin.resolve_rates("clayton2007-mouse-tail", symmetric_fraction=0.1, division_rate=None)
    assert rates.symmetric_fraction == 0.1 and rates.division_rate == 1.1
    assert rates.sources["symmetric_fraction"] == "user input"
    assert "Clayton" in rates.sources["division_rate"]
    assert rates.name.endswith("(modified)")
    assert kin.resolve_rates("clayton2007-mouse-tail") == kin.load_preset("clayton2007-mouse-tail")
    with pytest.raises(InputError, match="model"):
        kin.resolve_rates("clayton2007-mouse-tail", model="stem-progenitor")
    with pytest.raises(InputError, match="symmetric_fraction"):
        kin.load_preset("clayton2007-mouse-tail").replace(symmetric_fraction=0.6)
    custom = kin.resolve_rates(None, division_rate="1 /week", symmetric_fraction=0.1, stratification_rate="1 /week")
    assert custom.model == "committed-progenitor" and custom.progenitor_fraction == pytest.approx(0.5)


def test_steady_state_identities():
    cp = kin.fate_rates("committed-progenitor", division_rate=2.0, symmetric_fraction=0.1, stratification_rate=3.0,
                        shedding_rate=1.5)
    rho = 3.0 / 5.0
    assert cp.progenitor_fraction == pytest.approx(rho)
    assert cp.basal_production_rate == pytest.approx(2.0 * rho)       # λρ = Γ(1−ρ)
    assert cp.basal_turnover_time == pytest.approx(1 / (2.0 * rho))
    assert cp.suprabasal_to_basal_ratio == pytest.approx(2.0 * rho / 1.5)
    assert cp.stem_fraction == 0.0
    # stem-progenitor with balanced progenitors (Δ = 0): stem cells become a vanishing fraction
    sp = kin.fate_rates("stem-progenitor", division_rate=1.0, symmetric_fraction=0.1, stratification_rate=1.0,
                        stem_division_rate=0.1, stem_symmetric_fraction=0.1)
    assert sp.stem_fraction == 0.0 and sp.progenitor_fraction == pytest.approx(0.5)
    d = kin.fate_rates("committed-progenitor", division_rate=0.0, symmetric_fraction=0.1, stratification_rate=0.0)
    assert math.isnan(d.progenitor_fraction)


def test_package_exposes_the_python_api_lazily():
    import dermsim.epidermis as epi

    assert set(epi.__all__) <= set(dir(epi)) | set(epi._LAZY)
    assert epi.load_preset("clayton2007-mouse-tail").division_rate == pytest.approx(1.1)
    with pytest.raises(AttributeError):
        epi.no_such_function
