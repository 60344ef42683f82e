"""`dermsim fit` on synthetic Franz-cell data with known D and K: standard errors, profile-interval coverage and
the between-donor SD (issue #14 item 5; goals in the wave-2 evidence notes §2.5).

``section(fig_dir)`` returns the markdown of "## Fitting: standard errors, interval coverage, donor variability"
and writes ``fit_coverage.png``. Standalone: ``python validation/fit_coverage.py [fig_dir]``.

Synthetic experiment (stated here once, used throughout):

* a Crank membrane (Crank 1975, eq. 4.24a: `dermsim.transport.analytic.crank_infinite_dose_amount`, 400 terms)
  of thickness 15 um (the synthetic membrane of examples/synthetic_membrane.toml), D = 2.5e-11 cm²/s (lag
  h²/6D = 4.2 h, so that 24 h of sampling reaches ~6 lag times), K = 10, donor 1 mg/mL, sink;
* sampled at 0.5, 1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24 h (a typical OECD TG 428 schedule to 24 h), one cell;
* noise: independent Gaussian with SD 3 % of the 24 h amount on every point (analytical error of a few % of
  the signal), as the fit assumes. Such series can decrease between samples, which `dermsim fit` refuses in
  user data, so these tables are built as `FranzData` directly. A sensitivity row uses the series as a
  laboratory reports them, non-decreasing and ≥ 0 (running maximum): errors then correlated and biased early;
* fitted with the dermsim layered model (30 finite volumes: the mesh error, ≤ 0.2 % of Q after one lag time,
  is part of what is tested), parameters membrane.diffusivity and membrane.partition.

Scores: mean SE / Monte-Carlo SD of ln D̂ and ln K̂ (goal within 20 %); coverage of the 95 % profile intervals
with its Clopper–Pearson interval (goal 93–97 %); the skindiff formula, SE from solve(0.5 H) of its
"auto"-weighted objective (residuals / range of the data, no residual variance), for contrast.
Donors: ln D of each donor drawn with SD ω = 0.4 around the value above, 2 cells per donor, 8 donors a study;
ω̂ by the global two-stage REML of `dermsim.fitting.random_effects`, over many studies (goal: mean within 20 %).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import binomtest

from dermsim.fitting import FranzData, fit
from dermsim.transport.analytic import crank_infinite_dose_amount

FIGURE = "fit_coverage.png"
H, D, K, C0 = 15e-4, 2.5e-11 * 3600.0, 10.0, 1000.0          # cm, cm²/h, –, ug/cm³
TIMES = np.array([0.5, 1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24.0])
NOISE = 0.03                                                   # SD as a fraction of Q(24 h)
REPLICATES, STUDIES, DONORS, OMEGA, MONOTONE_REPLICATES = 200, 20, 8, 0.4, 50
SEED = 20261207
SCENARIO = {"skin": {"layers": [{"name": "membrane", "thickness": "15 um", "diffusivity": "1e-10 cm^2/s",
                                 "partition": 1.0}]},
            "formulation": {"dose": "infinite", "concentration": "1 mg/mL"}, "receptor": {"type": "sink"}}
NAMES = ["membrane.diffusivity", "membrane.partition"]


def experiment(rng, d=D, cells=1, monotone=False):
    """Times, noisy cumulative amounts and cell labels of one synthetic experiment (``monotone``: as reported,
    running maximum of the non-negative values)."""
    q = crank_infinite_dose_amount(TIMES, H, d, K, C0)
    sd = NOISE * crank_infinite_dose_amount(TIMES[-1:], H, D, K, C0)[0]
    rows = [q + rng.normal(0, sd, TIMES.size) for _ in range(cells)]
    if monotone:
        rows = [np.maximum.accumulate(np.maximum(r, 0.0)) for r in rows]
    return np.tile(TIMES, cells), np.concatenate(rows), np.repeat(np.arange(cells), TIMES.size)


def table(t, q, cell, donor=None) -> FranzData:
    """The synthetic rows as fit input, unchecked (they may decrease between samples: see module docstring)."""
    cell = np.asarray(cell).astype(str).astype(object)
    donor = np.full(t.size, "1", dtype=object) if donor is None else np.asarray(donor).astype(str).astype(object)
    return FranzData(np.asarray(t, float), np.asarray(q, float), cell, donor, None, "synthetic")


def replicates(rng, count=REPLICATES, monotone=False) -> dict:
    truth = np.log([D, K])
    est, se, sk_se, covered = [], [], [], []
    for _ in range(count):
        t, q, cell = experiment(rng, monotone=monotone)
        r = fit(table(t, q, cell), scenario=SCENARIO, parameters=NAMES, starts=1)
        x = r.x
        est.append(x)
        se.append(np.sqrt(np.diag(r.cov)))
        # skindiff: residuals weighted by 1/range(observed), SE = sqrt(diag(solve(0.5 H))), H = 2 JᵀJ
        j = _jacobian(r, q)
        sk_se.append(np.sqrt(np.diag(np.linalg.inv(j.T @ j))) * np.ptp(q))
        covered.append([p.lower is not None and p.upper is not None and p.lower <= tr <= p.upper
                        for p, tr in zip(r.profiles, truth)])
    return {"est": np.array(est), "se": np.array(se), "skindiff_se": np.array(sk_se), "covered": np.array(covered)}


def _jacobian(result, observed):
    """The unweighted Jacobian ∂f/∂ln θ at the estimate (recomputed from the fitted model)."""
    from dermsim.fitting.estimate import Objective
    from dermsim.fitting.forward import PermeationForward
    from dermsim.fitting.run import model_for

    model, _ = model_for(SCENARIO, None, result.data)
    forward = PermeationForward(model, NAMES)
    times = np.unique(result.data.time)
    index = np.searchsorted(times, result.data.time)
    obj = Objective(lambda x: forward.predict(x, times)[:, index], observed, np.ones(observed.size),
                    forward.lower, forward.upper)
    return obj.jacobian(result.x)


def donor_studies(rng) -> np.ndarray:
    """ω̂ of ln D over ``STUDIES`` synthetic studies of ``DONORS`` donors (2 cells each)."""
    omegas = []
    for _ in range(STUDIES):
        t, q, cell, donor = [], [], [], []
        for k in range(DONORS):
            tk, qk, ck = experiment(rng, d=D * np.exp(rng.normal(0, OMEGA)), cells=2)
            t.append(tk), q.append(qk), cell.append([f"{k}-{c}" for c in ck]), donor.append(np.full(tk.size, k))
        r = fit(table(np.concatenate(t), np.concatenate(q), np.concatenate(cell), np.concatenate(donor)),
                scenario=SCENARIO, parameters=NAMES, starts=1, profiles=False)
        omegas.append(r.random_effects[NAMES[0]].sd)
    return np.array(omegas)


def figure(rep: dict, omegas: np.ndarray, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    z = (rep["est"][:, 0] - np.log(D)) / rep["se"][:, 0]
    axes[0].hist(z, bins=25, density=True, color="0.7", label="(ln D̂ − ln D) / SE")
    u = np.linspace(-4, 4, 200)
    axes[0].plot(u, np.exp(-u * u / 2) / np.sqrt(2 * np.pi), "k-", label="N(0, 1)")
    axes[0].set(xlabel="standardised error of ln D̂", ylabel="density", title=f"{REPLICATES} synthetic experiments")
    axes[0].legend(fontsize=8)
    axes[1].hist(omegas, bins=12, color="0.7")
    axes[1].axvline(OMEGA, color="tab:red", label=f"true ω = {OMEGA}")
    axes[1].axvline(np.mean(omegas), color="k", ls="--", label=f"mean ω̂ = {np.mean(omegas):.3f}")
    axes[1].set(xlabel="between-donor SD of ln D, ω̂", ylabel="studies", title=f"{STUDIES} studies × {DONORS} donors")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def coverage(hits: np.ndarray) -> str:
    """'k/n = p (95 % CI lo–hi)' with the Clopper–Pearson interval."""
    k, n = int(hits.sum()), hits.size
    ci = binomtest(k, n).proportion_ci(0.95, method="exact")
    return f"{k}/{n} = {k / n:.1%} (95 % CI {ci.low:.1%}–{ci.high:.1%})"


def section(fig_dir: Path) -> list[str]:
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    rep = replicates(rng)
    omegas = donor_studies(rng)
    mono = replicates(rng, MONOTONE_REPLICATES, monotone=True)
    seconds = time.perf_counter() - start
    figure(rep, omegas, Path(fig_dir) / FIGURE)
    mc_sd = rep["est"].std(axis=0, ddof=1)
    se_ratio = rep["se"].mean(axis=0) / mc_sd
    sk_ratio = rep["skindiff_se"].mean(axis=0) / mc_sd
    bias = rep["est"].mean(axis=0) - np.log([D, K])
    L = ["## Fitting: standard errors, interval coverage, donor variability", "",
         f"`dermsim fit` on {REPLICATES} synthetic Franz experiments from Crank's membrane solution (15 um, "
         f"D = 2.5e-11 cm²/s, K = 10, 1 mg/mL, sink; 12 samples to 24 h; Gaussian noise SD {NOISE:.0%} of the 24 h "
         "amount), fitted with the layered model for membrane.diffusivity and membrane.partition. Script: "
         f"`validation/fit_coverage.py` (seed {SEED}; {seconds:.0f} s).", "",
         "| quantity | ln D | ln K | goal |", "|---|---|---|---|",
         f"| Monte-Carlo SD of the estimate | {mc_sd[0]:.4f} | {mc_sd[1]:.4f} | |",
         f"| mean bias of the estimate | {bias[0]:+.4f} | {bias[1]:+.4f} | |",
         f"| mean SE s²(JᵀJ)⁻¹ / Monte-Carlo SD | {se_ratio[0]:.3f} | {se_ratio[1]:.3f} | 0.8–1.2 |",
         f"| skindiff formula solve(0.5 H), auto weights / Monte-Carlo SD | {sk_ratio[0]:.3g} | {sk_ratio[1]:.3g} | "
         "(contrast) |"]
    cover = [coverage(rep["covered"][:, j]) for j in range(2)]
    L.append(f"| 95 % profile-interval coverage | {cover[0]} | {cover[1]} | 93–97 % |")
    mono_sd = mono["est"].std(axis=0, ddof=1)
    mono_ratio = mono["se"].mean(axis=0) / mono_sd
    mono_cover = [coverage(mono["covered"][:, j]) for j in range(2)]
    L += ["", f"Sensitivity: the same experiment reported as a laboratory reports it, non-decreasing and ≥ 0 "
          f"(running maximum; {MONOTONE_REPLICATES} replicates). The errors are then correlated and biased at "
          "early times, which the least-squares model does not describe:", "",
          "| quantity | ln D | ln K |", "|---|---|---|",
          f"| mean bias | {mono['est'].mean(axis=0)[0] - np.log(D):+.4f} | {mono['est'].mean(axis=0)[1] - np.log(K):+.4f} |",
          f"| mean SE / Monte-Carlo SD | {mono_ratio[0]:.3f} | {mono_ratio[1]:.3f} |",
          f"| 95 % profile-interval coverage | {mono_cover[0]} | {mono_cover[1]} |"]
    L += ["", f"Between-donor SD of ln D (true ω = {OMEGA}; {STUDIES} studies × {DONORS} donors × 2 cells, global "
          f"two-stage REML): mean ω̂ = **{np.mean(omegas):.3f}** ({np.mean(omegas) / OMEGA - 1:+.1%}), median "
          f"{np.median(omegas):.3f}, SD over studies {np.std(omegas, ddof=1):.3f} (goal: within 20 %; one study of 8 "
          "donors estimates ω only to about ±25 %, as any SD from 8 values).", "",
          f"![fit coverage](validation/{FIGURE})", ""]
    return L


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    print("\n".join(section(out)))
