"""Exact clone simulation (dermsim.epidermis.clones) against the exact committed-progenitor results.

Statistical thresholds: every comparison of a simulated mean or proportion with its exact value requires
|z| = |simulated − exact| / SE < 3 (two-sided, ≈ 0.3 % per comparison; seeds are fixed, so each test is
deterministic). Distribution tests state their own thresholds. Each statistical test also shows it can fail: the
same statistic computed against a wrong law exceeds the threshold.
"""

import json

import numpy as np
import pytest
from scipy import stats

from dermsim.epidermis import clone_kernels as ck
from dermsim.epidermis import clone_statistics as cs
from dermsim.epidermis import clones as cl
from dermsim.epidermis.kinetics import fate_rates, load_preset
from dermsim.errors import InputError

Z_MAX = 3.0
CLAYTON = load_preset("clayton2007-mouse-tail")


def _max_abs_z(rows):
    return max(abs(row["z"]) for row in rows)


@pytest.fixture(scope="module")
def clayton_20k():
    return cl.simulate_clones(CLAYTON, 20_000, times=[0, 1, 4, 13, 26], seed=2026)


def test_exact_laws_fast(clayton_20k):
    """Survival 1/(1+rλt), mean progenitors of survivors 1+rλt, E[A] = 1, E[B], E[C] (2·10⁴ clones)."""
    rows = cs.compare_with_exact(clayton_20k, CLAYTON)
    assert len(rows) == 5 * 4
    assert _max_abs_z(rows) < Z_MAX, [r for r in rows if abs(r["z"]) >= Z_MAX]
    # the same comparison against a wrong r fails clearly
    wrong = cs.compare_with_exact(clayton_20k, CLAYTON.replace(symmetric_fraction=0.1))
    assert _max_abs_z(wrong) > 3 * Z_MAX


@pytest.mark.slow
def test_exact_laws_1e5_clones_52_weeks():
    """The brief's validation size: 10⁵ clones to 52 weeks, several times."""
    ds = cl.simulate_clones(CLAYTON, 100_000, times=[2, 8, 26, 52], seed=12)
    rows = cs.compare_with_exact(ds, CLAYTON)
    assert _max_abs_z(rows) < Z_MAX, [r for r in rows if abs(r["z"]) >= Z_MAX]
    # reference: basal survival exceeds progenitor survival at 52 weeks (0.207 vs 0.179)
    assert ds.basal_survival.values[-1] == pytest.approx(0.207, abs=0.004)
    assert ds.progenitor_survival.values[-1] == pytest.approx(0.179, abs=0.004)
    rho = CLAYTON.progenitor_fraction
    z = (ds.proliferating_fraction.values[-1] - rho) / ds.proliferating_fraction_se.values[-1]
    assert abs(z) < Z_MAX


def _geometric_chi2(ds, i, mean):
    """Chi-square of the progenitor count of surviving clones against the geometric law with ``mean``;
    categories with expected count < 5 pooled into the last one. Returns (statistic, p value)."""
    n = ds.progenitor_surviving_clones.values[i]
    observed = ds.progenitor_size_distribution.values[i] * n
    k = np.arange(observed.size)
    q = 1 - 1 / mean
    expected = np.where(k >= 1, (1 / mean) * q ** np.clip(k - 1, 0, None), 0.0)
    last = int(np.flatnonzero(expected * n >= 5)[-1])
    obs = np.append(observed[1:last], observed[last:].sum())
    exp = np.append(expected[1:last], 1 - expected[1:last].sum()) * n
    chi2 = float(((obs - exp) ** 2 / exp).sum())
    return chi2, float(stats.chi2.sf(chi2, obs.size - 1))


def test_progenitor_count_of_survivors_is_geometric(clayton_20k):
    """Given survival, A is geometric with mean 1+a and variance a(1+a) (a = rλt). Threshold: chi-square
    p > 0.001; the variance within 3 SE (SE from the sample fourth moment)."""
    t = clayton_20k.time.values
    for i in (2, 3, 4):
        a = CLAYTON.symmetric_fraction * CLAYTON.division_rate * t[i]
        chi2, p = _geometric_chi2(clayton_20k, i, 1 + a)
        assert p > 1e-3, (t[i], chi2, p)
        _, p_wrong = _geometric_chi2(clayton_20k, i, 1.15 * (1 + a))   # a 15 % wrong mean is rejected
        assert p_wrong < 1e-3
        pk = clayton_20k.progenitor_size_distribution.values[i]
        n = clayton_20k.progenitor_surviving_clones.values[i]
        k = np.arange(pk.size)
        m = (pk * k).sum()
        var = (pk * (k - m) ** 2).sum()
        se = np.sqrt(((pk * (k - m) ** 4).sum() - var ** 2) / n)
        assert abs(var - a * (1 + a)) < Z_MAX * se


def _ks_to_geometric(ds, i):
    """KS distance between the basal sizes of surviving clones and the geometric (discrete exponential) law of
    the same mean, and the α = 1 % critical value 1.63/√n (conservative: the mean is estimated)."""
    p = ds.basal_size_distribution.values[i]
    n = ds.basal_surviving_clones.values[i]
    k = np.arange(p.size)
    mean = (p * k).sum()
    law = 1 - (1 - 1 / mean) ** k
    return float(np.max(np.abs(np.cumsum(p)[1:] - law[1:]))), 1.63 / np.sqrt(n)


@pytest.mark.parametrize("n_clones", [20_000, pytest.param(100_000, marks=pytest.mark.slow)])
def test_scaled_basal_size_becomes_exponential(n_clones):
    """At long times (rλt ≈ 9) basal size / mean of surviving clones follows the exponential law; at 13 weeks
    (rλt ≈ 1.1) it does not yet, and the same test rejects it."""
    rates = CLAYTON.replace(shedding_rate=0.0)      # suprabasal cells do not enter basal sizes
    ds = cl.simulate_clones(rates, n_clones, times=[13, 104], seed=13)
    d_early, crit_early = _ks_to_geometric(ds, 0)
    d_late, crit_late = _ks_to_geometric(ds, 1)
    assert d_late < crit_late, (d_late, crit_late)
    assert d_early > crit_early, (d_early, crit_early)


def test_steady_state_progenitor_fraction(clayton_20k):
    """Pooled over clones, A/(A+B) → ρ = Γ/(λ+Γ) (relaxation e^{−Γt}); threshold 3 SE (delta method)."""
    rates = load_preset("piedrafita2020-mouse-back")
    ds = cl.simulate_clones(rates, 20_000, times=[12], seed=14)
    for data, r in ((ds, rates), (clayton_20k.isel(time=[-1]), CLAYTON)):
        z = (data.proliferating_fraction.values[-1] - r.progenitor_fraction) / data.proliferating_fraction_se.values[-1]
        assert abs(z) < Z_MAX, (r.name, z)
    # not yet relaxed at 1 week for the Clayton preset (Γt = 0.31): the test detects it
    early = clayton_20k.sel(time=1)
    z = (early.proliferating_fraction.values - CLAYTON.progenitor_fraction) / early.proliferating_fraction_se.values
    assert abs(z) > 10 * Z_MAX


def test_human_preset_suprabasal_to_basal_ratio():
    """Human preset: labelled suprabasal:basal cells at long times (e^{−μt} ≈ 4·10⁻¹¹) equal the calibrated
    ratio s = Γ(1−ρ)/μ = 1.397 (Bergstresser 1978 + Hoath & Leahy 2003 over Weinstein 1985). Threshold 3 SE,
    SE of the ratio from the two SEs without their (positive) covariance, i.e. conservative."""
    rates = load_preset("human-interfollicular")
    ds = cl.simulate_clones(rates, 20_000, times=[104], seed=15)
    c, c_se = ds.mean_suprabasal_cells.values[0], ds.mean_suprabasal_cells_se.values[0]
    basal = ds.mean_progenitors.values[0] + ds.mean_post_mitotic_basal_cells.values[0]
    basal_se = np.hypot(ds.mean_progenitors_se.values[0], ds.mean_post_mitotic_basal_cells_se.values[0])
    ratio = c / basal
    se = ratio * np.hypot(c_se / c, basal_se / basal)
    assert abs(ratio - rates.suprabasal_to_basal_ratio) < Z_MAX * se
    assert rates.suprabasal_to_basal_ratio == pytest.approx(1.397, abs=0.001)


def test_poisson_production_checks_event_timing():
    """r = 0, Γ = 0, μ = 0: the progenitor only makes B by A → AB at rate λ, so B(t) ~ Poisson(λt) exactly.
    Thresholds: mean within 3 SE; dispersion index var/mean within 3 SE (√(2/n)) of 1."""
    rates = fate_rates("committed-progenitor", division_rate=1.7, symmetric_fraction=0.0, stratification_rate=0.0)
    run = cl.run_clones(rates, 20_000, [0.0, 0.5, 2.0, 5.0], seed=16)
    a, b, c = run.counts[ck.PROG], run.counts[ck.BASAL_B], run.counts[ck.SUPRA]
    assert np.all(a == 1) and np.all(c == 0) and np.all(b[:, 0] == 0)
    for j, t in enumerate(run.times[1:], start=1):
        lam_t = 1.7 * t
        mean, var = b[:, j].mean(), b[:, j].var(ddof=1)
        assert abs(mean - lam_t) < Z_MAX * np.sqrt(lam_t / b.shape[0])
        assert abs(var / mean - 1) < Z_MAX * np.sqrt(2 / b.shape[0])
    slow = cl.run_clones(rates, 20_000, [2.0], seed=16)     # a 10 % slower clock is detected
    assert abs(slow.counts[ck.BASAL_B][:, 0].mean() - 1.1 * 1.7 * 2.0) > 5 * Z_MAX * np.sqrt(3.4 / 20_000)


def test_exact_suprabasal_formula_limits():
    """E[C] written without overflow agrees with direct quadrature of λ∫(1−e^{−Γs})e^{−μ(t−s)}ds, including
    μ = Γ, μ = 0 and μ ≫ Γ."""
    from scipy.integrate import quad

    t = np.array([0.0, 0.5, 3.0, 40.0])
    for mu, gam in ((0.31, 0.31), (0.0, 0.31), (5.0, 0.2), (0.2, 5.0), (1.0, 0.0)):
        rates = fate_rates("committed-progenitor", division_rate=1.1, symmetric_fraction=0.1,
                           stratification_rate=gam, shedding_rate=mu)
        got = cs.exact_committed_progenitor(rates, t)["mean_suprabasal_cells"]
        want = [quad(lambda s: 1.1 * (1 - np.exp(-gam * s)) * np.exp(-mu * (x - s)), 0, x)[0] for x in t]
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-12)


def test_no_shedding_and_mu_equal_gamma_in_simulation():
    rates = fate_rates("committed-progenitor", division_rate=1.1, symmetric_fraction=0.08,
                       stratification_rate=0.5, shedding_rate=0.5)
    for r in (rates, rates.replace(shedding_rate=0.0)):
        ds = cl.simulate_clones(r, 10_000, times=[3, 10], seed=17)
        assert _max_abs_z(cs.compare_with_exact(ds, r)) < Z_MAX


def test_stem_progenitor_model_exact_means():
    """From one stem cell: E[S] = 1 (critical SS/AA branching), E[A] = (λS/ω)(1 − e^{−ωt}), ω = 2λrΔ.
    From one progenitor with λS = 0: E[A] = e^{−ωt}. Thresholds: 3 SE."""
    rates = load_preset("mascre2012-stem-progenitor")
    ds = cl.simulate_clones(rates, 20_000, times=[2, 8, 20], initial="stem", seed=181)
    omega = 2 * rates.division_rate * rates.symmetric_fraction * rates.progenitor_fate_imbalance
    t = ds.time.values
    z_s = (ds.mean_stem_cells.values - 1) / ds.mean_stem_cells_se.values
    want_a = rates.stem_division_rate / omega * -np.expm1(-omega * t)
    z_a = (ds.mean_progenitors.values - want_a) / ds.mean_progenitors_se.values
    assert np.all(np.abs(z_s) < Z_MAX) and np.all(np.abs(z_a) < Z_MAX), (z_s, z_a)
    lone = rates.replace(stem_division_rate=0.0, progenitor_fate_imbalance=0.3)
    ds = cl.simulate_clones(lone, 20_000, times=[5, 20], initial="progenitor", seed=19)
    omega = 2 * lone.division_rate * lone.symmetric_fraction * 0.3
    z = (ds.mean_progenitors.values - np.exp(-omega * ds.time.values)) / ds.mean_progenitors_se.values
    assert np.all(np.abs(z) < Z_MAX), z
    assert np.all(ds.mean_stem_cells.values == 0)


def test_stem_progenitor_without_stem_divisions_is_committed_progenitor():
    sp = fate_rates("stem-progenitor", division_rate=1.1, symmetric_fraction=0.08, stratification_rate=0.31,
                    stem_division_rate=0.0, stem_symmetric_fraction=0.0)
    ds = cl.simulate_clones(sp, 20_000, times=[4, 26], initial="progenitor", seed=20)
    cp = CLAYTON.replace(shedding_rate=0.0)
    exact = cs.exact_committed_progenitor(cp, ds.time.values)
    for name in ("progenitor_survival", "mean_progenitors_surviving", "mean_post_mitotic_basal_cells"):
        z = (ds[name].values - exact[name]) / ds[f"{name}_se"].values
        assert np.all(np.abs(z) < Z_MAX), (name, z)


def test_auto_initial_uses_the_steady_state_stem_fraction():
    rates = load_preset("mascre2012-stem-progenitor")
    run = cl.run_clones(rates, 20_000, [0.0], seed=21)
    stem = run.counts[ck.STEM][:, 0].mean()
    assert abs(stem - rates.stem_fraction) < Z_MAX * np.sqrt(rates.stem_fraction * (1 - rates.stem_fraction) / 20_000)
    assert np.all(run.counts[ck.STEM][:, 0] + run.counts[ck.PROG][:, 0] == 1)


def test_same_seed_same_dataset_different_seed_different():
    a = cl.simulate_clones(CLAYTON, 3_000, duration=10, seed=5)
    b = cl.simulate_clones(CLAYTON, 3_000, duration=10, seed=5)
    c = cl.simulate_clones(CLAYTON, 3_000, duration=10, seed=6)
    assert a.identical(b)
    assert not np.array_equal(a.basal_size_distribution.values, c.basal_size_distribution.values)


def test_chunks_and_per_clone_counts_agree_with_the_summary(monkeypatch):
    monkeypatch.setattr(cl, "CHUNK", 1_000)      # 2,500 clones in three chunks
    ds = cl.simulate_clones(CLAYTON, 2_500, times=[0, 5, 20], seed=22, per_clone=True)
    a, b = ds.progenitor_cells.values, ds.post_mitotic_basal_cells.values
    basal = a + b
    total = basal + ds.suprabasal_cells.values
    np.testing.assert_allclose(ds.progenitor_survival.values, (a > 0).mean(axis=0))
    np.testing.assert_allclose(ds.basal_survival.values, (basal > 0).mean(axis=0))
    alive = basal > 0
    np.testing.assert_allclose(ds.mean_total_cells_surviving.values,
                               (total * alive).sum(axis=0) / alive.sum(axis=0))
    np.testing.assert_allclose(ds.mean_post_mitotic_basal_cells.values, b.mean(axis=0))
    np.testing.assert_allclose(ds.mean_post_mitotic_basal_cells_se.values, b.std(axis=0, ddof=1) / np.sqrt(2_500))
    for j in range(3):
        hist = np.bincount(basal[alive[:, j], j], minlength=ds.sizes["size"]) / alive[:, j].sum()
        np.testing.assert_allclose(ds.basal_size_distribution.values[j], hist)
    assert np.all(ds.progenitor_cells.values[:, 0] == 1)
    # summarise(run_clones(...)) is the same computation on one chunk
    monkeypatch.setattr(cl, "CHUNK", 1 << 17)
    run = cl.run_clones(CLAYTON, 500, [0, 5], seed=23)
    assert cl.summarise(run).drop_vars(["progenitor_cells", "post_mitotic_basal_cells", "suprabasal_cells", "clone"]
                                       ).identical(cl.simulate_clones(CLAYTON, 500, times=[0, 5], seed=23))


def test_dataset_conventions_and_save(tmp_path):
    ds = cl.simulate_clones(load_preset("mascre2012-stem-progenitor"), 2_000, duration=4, output_every=0.5, seed=3)
    assert ds.time.attrs["units"] == "week" and ds.sizes["time"] == 9
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs and ds[name].attrs["long_name"], name
    for key in ("basal", "total", "progenitor"):
        sums = ds[f"{key}_size_distribution"].sum("size").values
        np.testing.assert_allclose(sums, 1.0)
    provenance = json.loads(ds.attrs["provenance"])
    assert provenance["fate_rates"]["stem_division_rate"]["source"].startswith("Mascre")
    assert ds.attrs["dermsim_version"]
    from dermsim import scenario_from_dict, simulate

    result = simulate(scenario_from_dict({"clones": {"preset": "mascre2012-stem-progenitor", "clones": 2_000,
                                                     "duration": "4 week", "output_every": "0.5 week", "seed": 3}}))
    written = result.save(tmp_path, plots=False)
    assert {p.name for p in written} == {"result.nc", "summary.json", "report.md"}
    import xarray as xr

    back = xr.load_dataset(tmp_path / "result.nc")
    np.testing.assert_array_equal(back.basal_survival.values, ds.basal_survival.values)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["key_figures"]["steady_state"]["stem_fraction_of_proliferating"] == pytest.approx(0.15, abs=1e-3)
    assert summary["exact_comparison"] == []     # no exact laws for the stem-progenitor model


def test_progress_reports_increasing_fractions_to_one():
    seen = []
    cl.simulate_clones(CLAYTON, 2_000, duration=26, seed=1, progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) > 2
    assert all(0 <= x <= 1 for x in seen) and all(np.diff(seen) >= -1e-12)


@pytest.mark.parametrize("kwargs, field", [
    (dict(n_clones=0), "clones"), (dict(n_clones=-5), "clones"), (dict(n_clones=2.5), "clones"),
    (dict(n_clones=True), "clones"), (dict(times=[3, 1]), "times"), (dict(times=[-1, 2]), "times"),
    (dict(times=[]), "times"), (dict(duration=0), "duration"), (dict(duration=4, output_every=0), "output_every"),
    (dict(initial="stem"), "initial"), (dict(initial="founder"), "initial"),
    (dict(n_clones=10**6, duration=52, output_every=0.001), "times"),       # ≈ 240 GB of tallies
])
def test_bad_arguments_raise_input_error(kwargs, field):
    args = dict(n_clones=10, duration=1.0) | kwargs
    n = args.pop("n_clones")
    with pytest.raises(InputError) as err:
        cl.simulate_clones(CLAYTON, n, **args)
    assert str(err.value).startswith(field)


def test_output_times():
    np.testing.assert_allclose(cl.output_times(52), np.arange(53.0))
    np.testing.assert_allclose(cl.output_times(10, output_every=4), [0, 4, 8, 10])
    np.testing.assert_allclose(cl.output_times(times=[0, 2.5]), [0, 2.5])


@pytest.mark.parametrize("name, initial", [("clayton2007-mouse-tail", "progenitor"),
                                           ("mascre2012-stem-progenitor", "auto")])
def test_fast_kernel_agrees_with_the_direct_reference(name, initial):
    """`simulate_counts` (post-mitotic cells by their own lifetimes) and `simulate_counts_direct` (every event)
    sample the same law: two-sample z of every species mean and of both survivals < 3.5 at every time (24
    comparisons), and a two-sample chi-square of the basal size distribution at the last time, p > 0.001."""
    rates = load_preset(name)
    times = np.array([1.0, 6.0, 15.0])
    fast = ck.simulate_counts(rates, 15_000, times, np.random.default_rng(31), initial=initial)
    ref = ck.simulate_counts_direct(rates, 15_000, times, np.random.default_rng(32), initial=initial)

    def summary(c):
        basal = c[ck.STEM] + c[ck.PROG] + c[ck.BASAL_B]
        return [c[i].astype(float) for i in range(4)] + [(c[ck.STEM] + c[ck.PROG] > 0) * 1.0, (basal > 0) * 1.0]

    for a, b in zip(summary(fast), summary(ref)):
        se = np.sqrt(a.var(axis=0, ddof=1) / a.shape[0] + b.var(axis=0, ddof=1) / b.shape[0])
        diff = a.mean(axis=0) - b.mean(axis=0)
        z = np.divide(diff, se, out=np.zeros_like(diff), where=se > 0)
        assert np.all(np.abs(z) < 3.5), z
        assert np.all(diff[se == 0] == 0)
    sizes = [c[ck.STEM][:, -1] + c[ck.PROG][:, -1] + c[ck.BASAL_B][:, -1] for c in (fast, ref)]
    top = 12
    table = np.array([np.bincount(np.minimum(s[s > 0], top), minlength=top + 1)[1:] for s in sizes])
    _, p, _, _ = stats.chi2_contingency(table)
    assert p > 1e-3


def test_output_index_matches_searchsorted(rng):
    for times in (cl.output_times(52), np.array([0.0]), np.array([0.0, 0.0, 1.0, 1.0, 1.0 + 1e-9, 5.0]),
                  np.sort(rng.random(40) * 7), np.array([2.0, 3.0])):
        q = np.concatenate([rng.random(5_000) * times[-1] * 1.2, times, [np.inf, 0.0]])
        np.testing.assert_array_equal(ck._OutputIndex(times)(q), np.searchsorted(times, q))


def test_without_divisions_the_founders_stay():
    rates = fate_rates("committed-progenitor", division_rate=0.0, symmetric_fraction=0.1, stratification_rate=1.0)
    for kernel in (ck.simulate_counts, ck.simulate_counts_direct):
        c = kernel(rates, 50, np.array([0.0, 3.0]), np.random.default_rng(0))
        assert np.all(c[ck.PROG] == 1) and np.all(c[[ck.STEM, ck.BASAL_B, ck.SUPRA]] == 0)
