"""Perturbations of the spatial tissue: response shapes, footprints, recovery, stem loss, rhythm, barrier stress."""

import math

import numpy as np
import pytest

from dermsim.epidermis.kinetics import load_preset
from dermsim.epidermis.lattice import TissueLattice
from dermsim.epidermis.lattice_kernel import PROGENITOR, STEM
from dermsim.epidermis.lattice_parameters import tissue_parameters
from dermsim.epidermis.lattice_run import run_lattice
from dermsim.epidermis.perturb import (CircadianRhythm, MicroneedleSession, PlateauResponse, build_protocol, defaults,
                                       disc_sites, peaked_response)
from dermsim.errors import InputError

HUMAN = load_preset("human-interfollicular")
MASCRE = load_preset("mascre2012-stem-progenitor")


def test_tape_strip_response_matches_the_human_data():
    """Peak at 40–48 h, ×3.5–4 at day 3, back near baseline (≤ ×1.15) by day 10 (sources in epidermis_tissue.toml [tape_strip])."""
    d = {k: v for k, (v, _) in defaults("tape-strip").items()}
    t = np.linspace(0, 12, 2881)
    f = peaked_response(t, d["peak_factor"], d["peak_time"], d["shape"])
    assert 40 / 24 <= t[np.argmax(f)] <= 48 / 24
    day3 = peaked_response(np.array([3.0]), d["peak_factor"], d["peak_time"], d["shape"])[0]
    assert 3.5 <= day3 <= 4.0
    assert peaked_response(np.array([10.0]), d["peak_factor"], d["peak_time"], d["shape"])[0] <= 1.15
    assert peaked_response(np.array([-1.0, 0.0]), 4, 2, 1.2).tolist() == [1.0, 1.0]


def test_dry_air_doubles_within_12_hours_and_holds():
    d = {k: v for k, (v, _) in defaults("dehydration").items()}
    r = PlateauResponse(1.0, d["duration"], d["factor"], d["onset_time"], d["recovery_time"])
    f = r.factor(np.array([0.5, 1.0, 1.5, 1 + d["duration"], 1 + d["duration"] + d["recovery_time"], 30]))
    assert f[0] == 1 and f[1] == 1
    assert f[2] >= 1 + 0.95 * (d["factor"] - 1) - 1e-12  # ×2 within 12 h (Denda 1998)
    assert f[3] == pytest.approx(d["factor"], rel=1e-6)
    assert f[4] <= 1 + 0.05 * (d["factor"] - 1) + 1e-12
    assert f[5] == pytest.approx(1.0)


def test_circadian_factor_peaks_at_the_m_phase_clock_time_and_shifts():
    r = CircadianRhythm(0.2, 23.5, 15.5, start_clock=6.0, shift=8.0, shift_time=10.0)
    t = np.arange(0, 2, 1 / 1440)
    peak_clock = (6.0 + 24 * t[np.argmax(r.factor(t))]) % 24
    assert peak_clock == pytest.approx(23.5, abs=0.02)
    t2 = 10 + np.arange(0, 1, 1 / 1440)
    assert (6.0 + 24 * t2[np.argmax(r.factor(t2))]) % 24 == pytest.approx(7.5, abs=0.02)
    assert r.s_to_m_lag == 8.0
    assert np.mean(r.factor(np.arange(0, 5, 1 / 1440))) == pytest.approx(1.0, abs=1e-6)


def test_microneedle_channels_match_density_and_diameter(rng):
    p = tissue_parameters(HUMAN, (200, 200), 1 / 24)
    lat = TissueLattice(p, rng, 10)
    session = MicroneedleSession(0.0, density=900.0, diameter=100.0)
    target = session.target(lat, 0.0)
    area_cm2 = p.n_sites * p.site_area * 1e-8
    # a square grid of pitch 1/sqrt(density) on a periodic lattice: within one row/column of the exact count
    side = math.sqrt(900 * area_cm2)
    assert (side - 1) ** 2 <= target["channels"] <= (side + 1) ** 2
    per_channel = target["sites"].size / target["channels"]
    assert per_channel * p.site_area == pytest.approx(math.pi * 50 ** 2, rel=0.1)
    centre_row = p.shape[0] // 2
    assert np.any(target["sites"] // p.shape[1] == centre_row)  # first session crosses the cross-section row


def test_disc_sites_wrap_around_the_edges():
    sites = disc_sites((20, 20), np.array([[0.0, 0.0]]), 2.0)
    assert sites.size == 13 and {0, 19, 380, 2, 40} <= set(sites.tolist())


def _patch_loss(stem_cells: bool, seed: int = 1, duration: float = 40.0):
    p = tissue_parameters(MASCRE, (96, 96), 0.25)
    proto = build_protocol([{"kind": "basal-loss", "time": 2.0, "pattern": "patch", "fraction": 1.0,
                             "radius": 120.0, "stem_cells": stem_cells}])
    return run_lattice(p, duration, 0.5, seed=seed, events=proto.events, modulation=proto.proliferation_factor)


def test_losing_stem_cells_makes_repair_slow():
    """Stem-progenitor tissue, patch of 120 µm radius: with stem cells spared the basal layer is back to 95 %
    within days; with them lost, progenitors stop after their repair budget and the patch is still short of
    cells at 40 d. The stem compartment itself does not come back without stem cells."""
    spared = _patch_loss(stem_cells=False).regions[0]
    lost = _patch_loss(stem_cells=True).regions[0]
    t_spared = spared["recovery_time"]["basal_density"]
    assert t_spared is not None and t_spared < 8
    t_lost = lost["recovery_time"]["basal_density"]
    assert t_lost is None or t_lost > 4 * t_spared
    assert lost["recovery_time"]["stem_fraction"] is None


def test_recovery_curves_are_monotone_after_the_minimum_and_reproducible():
    """Basal density in the patch after the loss: never falls by more than 0.02 (noise of ~800 sites) below its
    running maximum; the same seed gives the same curve."""
    a, b = _patch_loss(False, seed=7, duration=20.0), _patch_loss(False, seed=7, duration=20.0)
    for key, series in a.region_series.items():
        np.testing.assert_array_equal(series, b.region_series[key])
    y = a.region_series["basal_density"][:, 0]
    y = y[np.argmin(np.nan_to_num(y, nan=np.inf)):]
    assert np.all(np.maximum.accumulate(y) - y <= 0.02)
    assert y[-1] >= 0.95


def test_basal_loss_spares_stem_cells_when_asked(rng):
    from dermsim.epidermis.perturb import BasalLoss

    p = tissue_parameters(MASCRE, (64, 64), 0.25)
    lat = TissueLattice(p, rng, 10)
    stems = np.count_nonzero(lat.kind == STEM)
    event = BasalLoss(0.0, "random", 0.5, stem_cells=False)
    event.apply(lat, 0.0, event.target(lat, 0.0))
    assert np.count_nonzero(lat.kind == STEM) == stems
    assert np.count_nonzero(lat.kind == PROGENITOR) == pytest.approx((p.n_sites - stems) / 2, rel=0.06)


@pytest.mark.slow
def test_simulated_division_rhythm_has_the_parameter_phase():
    """Cosinor fit of simulated divisions over clock hours: M peak at the parameter (23:30) within 0.75 h and the
    fitted amplitude within 0.05 of 0.2 (standard error ≈ sqrt(2/N) ≈ 0.006 for N ≈ 60,000 divisions)."""
    from dermsim.epidermis.tissue_simulation import circadian_phases

    p = tissue_parameters(HUMAN, (128, 128), 1 / 24)
    proto = build_protocol([{"kind": "circadian"}], start_clock=8.0)
    run = run_lattice(p, 80, 1, seed=3, modulation=proto.proliferation_factor, start_clock=8.0)
    ph = circadian_phases(run, proto.circadian)
    dm = (ph["m_phase_peak_simulated_h"] - 23.5 + 12) % 24 - 12
    assert abs(dm) < 0.75
    assert ph["s_phase_peak_simulated_h"] == pytest.approx((ph["m_phase_peak_simulated_h"] - 8) % 24)
    assert abs(ph["amplitude_simulated"] - 0.2) < 0.05


def test_tape_strip_thins_the_stratum_corneum_and_raises_divisions():
    p = tissue_parameters(HUMAN, (64, 64), 0.25)
    proto = build_protocol([{"kind": "tape-strip", "time": 5.0}])
    run = run_lattice(p, 20, 0.25, seed=2, events=proto.events, modulation=proto.proliferation_factor)
    i = np.searchsorted(run.times, 5.0)
    assert run.layer_cells[i, 3] / run.layer_cells[i - 1, 3] == pytest.approx(0.5, abs=0.06)
    rate = run.divisions[1:] / run.layer_cells[1:, 0] / 0.25
    base = rate[: i - 1].mean()
    peak = run.times[1:][np.argmax(rate)] - 5.0  # divisions counted over the preceding output interval
    assert 1.0 <= peak <= 3.0
    # 1 day-window around the peak: ×4 imposed; the counted rate follows within the Poisson noise (±25 %)
    assert rate[np.abs(run.times[1:] - 5.0 - 44 / 24) < 0.5].mean() / base == pytest.approx(4.0, rel=0.25)


def test_uv_kills_the_dose_fraction_after_the_delay():
    p = tissue_parameters(HUMAN, (64, 64), 1 / 24)
    proto = build_protocol([{"kind": "uv", "time": 1.0, "dose": 2.0, "death_fraction_per_med": 0.1}])
    run = run_lattice(p, 3, 1 / 24, seed=4, events=proto.events, modulation=proto.proliferation_factor)
    assert run.regions[0]["time"] == pytest.approx(2.0)
    i = np.searchsorted(run.times, 2.0)
    assert 1 - run.layer_cells[i, 0] / p.n_sites == pytest.approx(0.2, abs=0.02)


def test_unknown_kind_and_second_rhythm_are_rejected():
    with pytest.raises(InputError, match="basal-loss"):
        build_protocol([{"kind": "laser", "time": 1.0}])
    with pytest.raises(InputError, match="circadian"):
        build_protocol([{"kind": "circadian"}, {"kind": "circadian"}])
    with pytest.raises(InputError):
        defaults("laser")


def test_microneedle_wounds_can_come_from_a_device_plan():
    from dermsim.anatomy import skin_for_site
    from dermsim.epidermis.tissue_spec import MicroneedleSessionSpec
    from dermsim.microneedles.plan import plan_treatment

    spec = MicroneedleSessionSpec(kind="microneedle", time="1 d", device="roller-192-1.0mm", passes=4, site="face")
    plan = plan_treatment("roller-192-1.0mm", skin_for_site("face"), passes=4, treated_area_cm2=1.0)
    assert spec.density == pytest.approx(plan.channel_density, rel=1e-12)
    assert 0 < spec.diameter < plan.insertion.surface_diameter * 1e4      # narrower at the basal layer (cone)
    with pytest.raises(ValueError, match="do not reach the basal layer"):
        MicroneedleSessionSpec(kind="microneedle", time="1 d", device="roller-192-0.2mm", site="forearm")
