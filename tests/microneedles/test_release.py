"""Release of a patch load into its channels (issue #12 item 3): profiles, solvers, scenarios, bad input."""

import math

import numpy as np
import pytest

from dermsim import simulate
from dermsim.errors import InputError
from dermsim.microneedles.release import Release
from dermsim.scenario import scenario_from_dict


def test_first_order_profile_and_epoch_means_are_exact():
    r = Release("dissolving", load=10.0, time_constant=0.5)
    t = np.array([0.0, 0.5, 1.0, 5.0])
    assert r.released(t) == pytest.approx(10.0 * (1 - np.exp(-t / 0.5)), rel=1e-14)
    edges = np.concatenate([[0.0], r.breaks(24.0), [24.0]])
    # piecewise-constant mean rates hand over exactly R at every boundary
    assert np.cumsum(r.mean_rates(edges) * np.diff(edges)) == pytest.approx(r.released(edges[1:]), rel=1e-12)
    assert r.released(24.0) == pytest.approx(10.0 * (1 - math.exp(-48.0)), rel=1e-12)


def test_hollow_infusion_is_zero_order_and_complete():
    r = Release("hollow", load=6.0, time_constant=2.0)
    assert r.released(np.array([0.0, 1.0, 2.0, 3.0])) == pytest.approx([0.0, 3.0, 6.0, 6.0])


def test_a_load_above_the_dissolved_capacity_is_released_more_slowly():
    """Hydrogel reservoir: zero order at S V / tau while undissolved drug remains, then first order; the
    curve is continuous and everything is released in the end."""
    low = Release("hydrogel", load=1.0, time_constant=2.0, lag=0.25, capacity=2.0)
    high = Release("hydrogel", load=20.0, time_constant=2.0, lag=0.25, capacity=2.0)
    t = np.linspace(0.0, 200.0, 4001)
    assert low.released(0.2) == 0.0 and high.released(0.2) == 0.0
    frac_low, frac_high = low.released(t) / low.load, high.released(t) / high.load
    assert np.all(frac_high <= frac_low + 1e-12)
    assert frac_high[np.searchsorted(t, 6.25)] < 0.7 * frac_low[np.searchsorted(t, 6.25)]
    ts = high.saturated_time + high.lag
    assert high.released(ts) == pytest.approx(high.load - high.capacity, rel=1e-12)
    assert np.all(np.diff(high.released(t)) >= -1e-12) and high.released(200.0) == pytest.approx(20.0, rel=1e-12)


@pytest.mark.parametrize("field,value", [("load", -1.0), ("time_constant", math.inf), ("time_constant", 0.0), ("capacity", 0.0)])
def test_bad_release_numbers_are_refused(field, value):
    kwargs = {"kind": "coated", "load": 1.0, "time_constant": 0.1} | {field: value}
    with pytest.raises(InputError):
        Release(**kwargs)


def _patch(mode="dissolving", duration="24 h", site="pig-ear", **mn):
    table = {"device": "gantrez-600um-donnelly2011", "passes": 1, "treated_area": "1 cm^2", "mode": mode,
             "load_per_needle": "1 ug"} | mn
    return scenario_from_dict({"title": "patch", "compound": {"name": "caffeine"}, "skin": {"site": site},
                               "formulation": {"concentration": "1 %", "dose": "infinite"},
                               "microneedle": table, "simulation": {"duration": duration, "resolution": 0.5}})


def test_dissolving_patch_balances_and_delivers_its_release():
    r = simulate(_patch(matrix="pvp"))
    assert r.summary["mass_balance_relative_error"] < 1e-8
    assert any("released into the channels" in n for n in r.summary["notes"])
    # the 2D cell and the fast model agree on what crossed the SC within the documented band
    v = r.values
    assert v("delivered_past_stratum_corneum_parallel_pathway")[-1] == pytest.approx(
        v("delivered_past_stratum_corneum")[-1], rel=0.4)


def test_a_release_time_of_zero_hands_over_the_whole_load_at_once():
    r = simulate(_patch(release_time="0 h"))
    rel = r.summary["microneedle"]["release"]
    assert rel["time_constant_h"] == pytest.approx(1 / 3600)
    assert rel["released_by_end_fraction"] == pytest.approx(1.0, abs=1e-12)
    assert r.summary["applied_amount_ug_per_cm2"] == pytest.approx(rel["load_ug_per_cm2"], rel=1e-12)
    assert r.summary["mass_balance_relative_error"] < 1e-8
    with pytest.raises(InputError):
        Release("coated", load=1.0, time_constant=0.0)


def test_dissolving_without_a_matrix_says_what_it_assumed():
    r = simulate(_patch(duration="2 h"))
    assert any("PVP assumed" in n for n in r.summary["notes"])


@pytest.mark.parametrize("extra,field", [({"matrix": "marble"}, "microneedle.matrix"),
                                         ({"mode": "hollow"}, "microneedle.release_time"),
                                         ({"load": "100 ug"}, "microneedle.load_per_needle")])
def test_bad_patch_tables_name_the_field(extra, field):
    with pytest.raises(InputError) as err:
        simulate(_patch(duration="1 h", **extra))
    assert err.value.field == field


def test_hydrogel_patch_delivers_a_smaller_fraction_of_a_larger_load():
    """Above what the swollen reservoir's fluid dissolves, % delivered falls with the load (Belfast patches)."""
    def fraction(load):
        r = simulate(_patch(mode="hydrogel", device="hydrogel-forming-donnelly2014", load_per_needle=None,
                            load=f"{load} ug"))
        assert r.summary["mass_balance_relative_error"] < 1e-8
        assert r.summary["applied_amount_ug_per_cm2"] == pytest.approx(load, rel=1e-3)
        return r.values("cumulative_permeated")[-1] / load

    small, large = fraction(100.0), fraction(100000.0)
    assert large < 0.5 * small


def test_a_free_acid_reservoir_dissolves_as_its_ionised_form_at_interstitial_ph():
    """No measured solubility: the GSE estimate of the neutral form over the fraction unionised (S0 (1 + 10^(pH-pKa)))."""
    from dermsim.chemistry.compound import get_compound
    from dermsim.formulation.solubility import aqueous_solubility
    from dermsim.microneedles.release import reservoir_solubility

    ibuprofen = get_compound("ibuprofen")
    assert ibuprofen.aqueous_solubility is None
    s, how = reservoir_solubility(ibuprofen, 7.4)
    assert s == pytest.approx(aqueous_solubility(ibuprofen) * (1 + 10 ** (7.4 - ibuprofen.pka_acid)), rel=1e-12)
    assert "fraction unionised" in how
    caffeine = get_compound("caffeine")                     # measured value: taken as it stands
    assert reservoir_solubility(caffeine, 7.4) == (caffeine.aqueous_solubility, "measured aqueous solubility")


def test_a_protein_leaves_a_swollen_hydrogel_more_slowly_than_a_small_drug():
    """τ_r scales with 1/D0 (diffusion-controlled release): a 44 kDa protein ~10x the small-drug time."""
    from types import SimpleNamespace

    from dermsim.chemistry.compound import make_compound
    from dermsim.microneedles.release import hydrogel_constants, release_for

    spec = SimpleNamespace(mode="hydrogel", load=1000.0, load_per_needle=None, treated_area=1.0, release_time=None,
                           matrix=None)
    small = release_for(spec, 100.0, make_compound("small", 200.0, 1.0))[0]
    protein = release_for(spec, 100.0, make_compound("protein", 44300.0, None, kind="protein"))[0]
    assert small.time_constant == pytest.approx(hydrogel_constants()[1], rel=0.02)
    assert 5.0 < protein.time_constant / small.time_constant < 20.0
