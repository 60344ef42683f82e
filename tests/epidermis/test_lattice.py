"""Spatial basal lattice and suprabasal columns: kernels, invariants, neutral drift, transit times."""

import copy
import math

import numpy as np
import pytest

from dermsim.epidermis import lattice_kernel as lt
from dermsim.epidermis.kinetics import load_preset
from dermsim.epidermis.lattice import TissueLattice
from dermsim.epidermis.lattice_kernel import (BARE, DEAD, PROGENITOR, STEM, VACANT, bernoulli_sites, neighbours,
                                              pick_weighted)
from dermsim.epidermis.lattice_parameters import tissue_parameters
from dermsim.epidermis.lattice_run import run_lattice

HUMAN = load_preset("human-interfollicular")
BACK = load_preset("piedrafita2020-mouse-back")
MASCRE = load_preset("mascre2012-stem-progenitor")


def test_bernoulli_sites_are_unique_sorted_and_binomial(rng):
    n, p = 200_000, 0.003
    counts = [bernoulli_sites(rng, n, p).size for _ in range(200)]
    sites = bernoulli_sites(rng, n, p)
    assert np.all(np.diff(sites) > 0) and sites.min() >= 0 and sites.max() < n
    # mean of 200 binomial counts: standard error sqrt(n p (1-p) / 200) = 1.73; allow 4 standard errors
    assert abs(np.mean(counts) - n * p) < 4 * math.sqrt(n * p * (1 - p) / 200)


def test_pick_weighted_follows_the_weights(rng):
    w = np.tile([0.0, 1.0, 3.0, 0.5], (40_000, 1))
    idx, ok = pick_weighted(w, rng.random(len(w)))
    assert ok.all()
    freq = np.bincount(idx, minlength=4) / len(w)
    expected = w[0] / w[0].sum()
    # each frequency within 4 binomial standard errors
    assert np.all(np.abs(freq - expected) <= 4 * np.sqrt(expected * (1 - expected) / len(w)) + 1e-12)
    _, ok = pick_weighted(np.zeros((3, 4)), rng.random(3))
    assert not ok.any()


def test_neighbours_wrap_around():
    nb = neighbours(np.array([0, 5 * 7 - 1]), (5, 7))
    assert sorted(nb[0]) == sorted([4 * 7, 7, 6, 1])
    assert sorted(nb[1]) == sorted([3 * 7 + 6, 6, 4 * 7 + 5, 4 * 7])


def test_human_parameters_follow_the_preset_and_data():
    p = tissue_parameters(HUMAN, (32, 32), 1 / 24)
    assert p.stratification_rate == pytest.approx(HUMAN.basal_production_rate / 7)
    assert p.cell_spacing == pytest.approx(1 / math.sqrt(27_000e-6), rel=1e-9)
    assert p.spinous_transit + p.granular_transit == pytest.approx(16.01)
    assert p.stratum_corneum_transit == pytest.approx(14.27)
    assert p.progenitor_repair_divisions == lt.UNLIMITED and p.stem_fraction == 0
    stem = tissue_parameters(MASCRE, (32, 32), 1 / 24)
    assert stem.stem_fraction == pytest.approx(MASCRE.stem_fraction * MASCRE.progenitor_fraction)
    assert stem.stratification_rate * (1 - stem.stem_fraction) == pytest.approx(MASCRE.basal_production_rate / 7)
    assert stem.stem_division_weight == pytest.approx(0.096 / 1.21)
    # mouse presets: suprabasal residence 1/mu split like human skin
    back = tissue_parameters(BACK, (32, 32), 1 / 24)
    total = back.spinous_transit + back.granular_transit + back.stratum_corneum_transit
    assert total == pytest.approx(7 / BACK.shedding_rate)


def _busy_lattice(seed: int, params) -> TissueLattice:
    """A lattice with stem cells, free sites, regions, label tokens and full columns (every kernel branch)."""
    rng = np.random.default_rng(seed)
    lat = TissueLattice(params, rng, 400)
    n = params.n_sites
    lat.now = 37
    lat.token[rng.random(n) < 0.3] = True
    free = np.flatnonzero(rng.random(n) < 0.15)
    lat.remove_cells(free[: free.size // 2], bare=False, t_now=0.0)
    lat.new_region(np.arange(n // 3))
    full = rng.choice(n, 40, replace=False)
    lat.births[full] = 2 * (lat.now - 1) + (rng.random((40, lat.capacity)) < 0.5)  # alive: overflow path
    lat.budget[rng.random(n) < 0.2] = 0
    return lat


@pytest.mark.parametrize("preset", [MASCRE, HUMAN], ids=["stem-progenitor", "committed-progenitor"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_numba_turnover_kernel_agrees_with_numpy_reference(preset, seed):
    assert lt._numba_turnover() is not None, "numba is a dependency: its kernel must compile"
    params = tissue_parameters(preset, (24, 30), 0.5, stem_fraction=0.2 if preset is HUMAN else None)
    a = _busy_lattice(seed, params)
    b = copy.deepcopy(a)
    rng = np.random.default_rng(seed + 100)
    sites = np.flatnonzero((a.kind == PROGENITOR) & (rng.random(params.n_sites) < 0.3))
    draws = rng.random((3, sites.size))
    n_ok, lost = a.turnover_numpy(sites, draws)
    n_ok2, overflow, removed, lost2 = lt._numba_turnover()(
        sites, draws[0], draws[1], draws[2], b.kind, b.budget, b.clone, b.token, b.births, b.head, b.hist,
        b.label_hist, b.region, b.region_hist, b._mark, b.now, b.offset, b.n_tot, b.shape[0], b.shape[1],
        params.stem_division_weight, params.stem_symmetric_fraction, params.progenitor_repair_divisions)
    assert n_ok == n_ok2 and np.array_equal(lost, lost2)
    assert a.overflow - b.overflow == overflow > 0
    assert a.labelled_removed - b.labelled_removed == removed
    for name in ("kind", "budget", "clone", "token", "births", "head", "hist", "label_hist", "region_hist"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not b._mark.any()


def test_homeostasis_conserves_basal_cells_exactly_and_layers_are_stationary():
    """Invariant: every stratifying cell is replaced in the same step, so the basal cell count never changes.
    Layer counts: the mean over the run must match the steady state p·n_layer per site within 5 % (one output
    has a relative standard deviation of 1/sqrt(N p n) ≤ 2.2 % here)."""
    p = tissue_parameters(HUMAN, (64, 64), 0.25)
    run = run_lattice(p, 60, 2, seed=11)
    assert np.all(run.layer_cells[:, 0] == p.n_sites) and run.unfilled == 0 and run.overflow == 0
    prob = -math.expm1(-p.stratification_rate * p.time_step)
    expected = prob * np.array(p.transit_steps) * p.n_sites
    mean = run.layer_cells[:, 1:].mean(axis=0)
    assert np.all(np.abs(mean / expected - 1) < 0.05), mean / expected


def test_random_sparse_clones_keep_their_mean_size(rng):
    """Martingale of neutral drift: labelled cells of a random 10 % of the initial clones, divided by their number,
    equal 1 in expectation (p_t × mean surviving size = 1). z-score from the clone-size spread, threshold 3."""
    p = tissue_parameters(BACK, (128, 128), 0.25)
    tau = 16
    run = run_lattice(p, tau / p.stratification_rate, 10, seed=3, snapshot_times=[tau / p.stratification_rate])
    sizes = np.bincount(run.clone_maps[-1].ravel(), minlength=p.n_sites)
    chosen = sizes[rng.choice(p.n_sites, p.n_sites // 10, replace=False)]
    ratio = chosen.mean()
    se = chosen.std(ddof=1) / math.sqrt(chosen.size)
    assert abs(ratio - 1) < 3 * se
    surviving = np.count_nonzero(chosen) / chosen.size
    assert surviving * chosen[chosen > 0].mean() == pytest.approx(ratio)


@pytest.mark.slow
def test_clone_survival_follows_two_dimensional_voter_scaling():
    """2D voter model: p_τ ≈ (ln τ + c)/(π τ) (Bramson & Griffeath 1980), so p_τ·τ rises by 1/π per unit ln τ.
    Slope fitted over τ = 8…64 on 192² sites; threshold ±0.08 (≈3 standard errors). A well-mixed (non-spatial)
    neutral tissue would give slope 0, a 1D one a slope above 1."""
    p = tissue_parameters(BACK, (192, 192), 0.25)
    taus = np.array([8, 16, 32, 64])
    run = run_lattice(p, taus[-1] / p.stratification_rate, 10, seed=5,
                      snapshot_times=list(taus / p.stratification_rate))
    pt = np.array([np.count_nonzero(np.bincount(m.ravel())) for m in run.clone_maps]) / p.n_sites
    slope = np.polyfit(np.log(taus), pt * taus, 1)[0]
    assert abs(slope - 1 / math.pi) < 0.08, slope


def test_pulse_chase_transit_matches_the_human_calibration():
    """Labelled cohort: SC transit 14 ± 3 d (trunk) and basal-to-shed mean within 36–60 d (Baker & Kligman 1967; Maeda 2017; Iizuka 1994)."""
    from dermsim.epidermis.tissue_simulation import label_front

    p = tissue_parameters(HUMAN, (48, 48), 0.25)
    run = run_lattice(p, 170, 1, seed=2, label_time=0.0)
    front = label_front(run)
    assert abs(front["stratum_corneum_transit_day"] - 14) <= 3
    assert 36 <= front["mean_basal_to_shed_day"] <= 60
    # exponential basal exit at Γb: half of the cohort has left the basal layer at ln 2/Γb (±15 %)
    assert front["left_basal_layer_day"]["50%"] == pytest.approx(math.log(2) / p.stratification_rate, rel=0.15)


def test_same_seed_same_tissue_other_seed_differs():
    p = tissue_parameters(MASCRE, (32, 32), 0.25)
    a, b, c = (run_lattice(p, 10, 1, seed=s, snapshot_times=[10]) for s in (4, 4, 5))
    assert np.array_equal(a.clone_maps, b.clone_maps) and np.array_equal(a.layer_cells, b.layer_cells)
    assert not np.array_equal(a.clone_maps, c.clone_maps)


def test_strip_removes_the_outer_stratum_corneum(rng):
    p = tissue_parameters(HUMAN, (48, 48), 0.25)
    lat = TissueLattice(p, rng, 10)
    before = lat.layer_cells()
    removed = lat.strip_stratum_corneum(0.5)
    after = lat.layer_cells()
    assert np.array_equal(before[:3], after[:3])
    assert after[3] == before[3] - removed
    assert 0.45 < removed / before[3] < 0.56  # whole cohorts of one step go together
    live = (lat.births != DEAD) & (lat.now - (lat.births >> 1) < lat.n_tot)
    assert live.sum() == after[1:].sum()


def test_open_wound_is_covered_at_lag_plus_distance_over_speed(rng):
    """Closure of a disc of radius R: last bare site covered at t_lag + (R − a/2)/v (a: spacing)."""
    from dermsim.epidermis.perturb import disc_sites

    p = tissue_parameters(HUMAN, (80, 80), 1 / 24)
    lat = TissueLattice(p, rng, 200)
    radius = 60 / p.cell_spacing
    sites = disc_sites(p.shape, np.array([[40.0, 40.0]]), radius)
    lat.remove_cells(sites, bare=True, t_now=0.0, margin=int(radius) + 2)
    assert np.all(lat.kind[sites] == BARE) and np.all(lat.births[sites] == DEAD)
    expected = p.migration_lag + (np.sqrt(sites.size / np.pi) - 0.5) * p.cell_spacing / p.edge_speed
    assert lat.cover_time[sites].max() == pytest.approx(expected, abs=1.5 * p.cell_spacing / p.edge_speed)
    t_close = None
    for i in range(200):
        lat.step()
        if not np.any(lat.kind[sites] == BARE):
            t_close = lat.now * p.time_step
            break
    assert t_close == pytest.approx(expected, abs=2 * p.time_step + 1.5 * p.cell_spacing / p.edge_speed)
    assert lat.basal_cells == np.count_nonzero(lat.kind >= PROGENITOR)
    assert set(np.unique(lat.kind[sites])) <= {PROGENITOR, STEM, VACANT}
