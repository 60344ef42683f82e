"""Rebuild docs/validation.md and its plots (docs/validation/*.png) from the code and validation/data.

Run: `make validation` (or `.venv/bin/python validation/build_report.py`). Sections:
1. solver verification against exact solutions (both solvers, default resolution);
2. mesh and time-step convergence with observed orders;
3. QSPR regression on Cheruvu 2022 (validation/qspr_cheruvu.py);
4. published time-course sanity: caffeine infinite dose through heat-separated epidermis;
5. default resolution of the in-vivo skin problem against a 16x finer reference;
then the sections of EXTRA_SECTIONS (finite doses against published experiments, microneedles, epidermis).

Nothing under docs/ is written until everything has been computed: every figure (and the QSPR CSV) is
rendered into a temporary folder and the markdown is built in memory (`build_markdown`); only when that has
succeeded does `publish` copy the figures into docs/validation/ and write docs/validation.md, each file
atomically (written under a temporary name in the same folder, then `os.replace`d). A crash anywhere
before that leaves docs/ as it was.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dermsim  # noqa: E402
from dermsim.scenario import scenario_from_dict  # noqa: E402
from dermsim.simulation import simulate  # noqa: E402
from dermsim.transport import analytic as an  # noqa: E402
from dermsim.transport.exact import solve_exact  # noqa: E402
from dermsim.permeation.layered import (LayeredDiffusion, Receptor, Region, Vehicle, discretise,  # noqa: E402
                                        steady_state_metrics)
from dermsim.transport.timestep import solve_tr_bdf2  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FIG_NAME = "validation"  # figures go to docs/<FIG_NAME>/; the markdown links them as FIG_NAME/<file>
REPORT_NAME = "validation.md"
DATA = ROOT / "validation" / "data"
H, D, K, C0 = 15e-4, 1e-10 * 3600, 1.0, 1000.0
CELLS = 30  # the default cells of an explicit membrane layer (simulation.CELLS["membrane"])
SOLVERS = {"exact": solve_exact, "tr-bdf2": solve_tr_bdf2}
#: Modules of validation/ whose `section(fig_dir)` is appended, in this order.
EXTRA_SECTIONS = ("finite_dose", "microneedle_transport", "microneedle_literature", "microneedle_delivery",
                  "microneedle_ratios", "microneedle_patches", "ionised_permeants",
                  "microneedle_fast_model",
                  "epidermis_clones", "epidermis_tissue", "collagen", "retinoids", "fit_coverage", "population")


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) / np.asarray(b) - 1)))


def membrane(cells=CELLS, partition=K, vehicle=None, receptor=Receptor("sink")):
    return LayeredDiffusion((Region("membrane", H, partition, D, cells=cells),),
                            vehicle or Vehicle(True, C0), receptor)


def verification_rows():
    rows = []
    lag = an.crank_lag_time(H, D)
    t = np.linspace(0, 12, 145)
    late = t >= 2 * lag
    exact_q = an.crank_infinite_dose_amount(t, H, D, K, C0)
    system = discretise(membrane())
    for name, solve in SOLVERS.items():
        q = solve(system, t).cumulative[system.rate_index("permeated")]
        rows.append(("Crank infinite dose, Q(t), t ≥ 2 lag", name, rel(q[late], exact_q[late])))
    flux, lag_num = steady_state_metrics(system, "permeated")
    rows.append(("Crank steady flux K D C0/h", "discrete steady state", abs(flux / (K * D * C0 / H) - 1)))
    rows.append(("Crank lag time h²/6D", "discrete steady state", abs(lag_num / lag - 1)))
    q = solve_exact(system, np.linspace(0, 12, 241)).cumulative[system.rate_index("permeated")]
    tt = np.linspace(0, 12, 241)
    slope, icpt = np.polyfit(tt[tt > 8], q[tt > 8], 1)
    rows.append(("Crank lag time h²/6D", "late-line intercept of Q(t)", abs(-icpt / slope / lag - 1)))

    hv = 10e-4
    model = membrane(partition=2.0, vehicle=Vehicle(False, C0, thickness=hv))
    fd = discretise(model)
    t2 = np.linspace(0, 48, 97)
    exact_f = an.kasting_finite_dose_fraction(t2, H, D, 2.0, hv)
    sel = t2 >= 2 * lag
    for name, solve in SOLVERS.items():
        frac = solve(fd, t2).cumulative[fd.rate_index("permeated")] / (C0 * hv)
        rows.append(("Kasting 2001 finite dose M_t/M_∞ (β = 3)", name, rel(frac[sel], exact_f[sel])))

    cases = [(15e-4, 3.6e-7, 1.0, 100e-4, 3.6e-3, 0.6), (15e-4, 3.6e-7, 10.0, 100e-4, 3.6e-5, 0.6),
             (20e-4, 1e-6, 0.1, 50e-4, 1e-6, 5.0)]
    worst_flux = worst_lag = 0.0
    for l1, D1, K1, l2, D2, K2 in cases:
        m = LayeredDiffusion((Region("a", l1, K1, D1, cells=24), Region("b", l2, K2, D2, cells=24)),
                             Vehicle(True, C0))
        f, lg = steady_state_metrics(discretise(m), "permeated")
        worst_flux = max(worst_flux, abs(f / (C0 * an.laminate_permeability([l1, l2], [D1, D2], [K1, K2])) - 1))
        worst_lag = max(worst_lag, abs(lg / an.two_layer_lag_time(l1, D1, K1, l2, D2, K2) - 1))
    rows.append(("Two-layer steady flux 1/kp = Σ l/(K D), 3 laminates", "discrete steady state", worst_flux))
    rows.append(("Two-layer lag time (Frisch/Ash–Barrer), 3 laminates", "discrete steady state", worst_lag))

    thick = 200e-4
    si = discretise(LayeredDiffusion((Region("m", thick, K, D, cells=200),), Vehicle(True, C0), grading=20.0))
    t3 = np.linspace(0, 2.0, 21)
    for name, solve in SOLVERS.items():
        up = solve(si, t3).cumulative[si.rate_index("supplied")]
        rows.append(("Semi-infinite uptake 2 K C0 √(Dt/π), t ≥ 0.4 h", name,
                     rel(up[4:], an.semi_infinite_uptake(t3[4:], D, K, C0))))

    L, Dd, Kd, k = 0.1, 3.6e-3, 0.6, 5.0
    cl = discretise(LayeredDiffusion((Region("dermis", L, Kd, Dd, clearance=k, cells=CELLS),),
                                     Vehicle(True, C0), Receptor("blood"), grading=2.0))
    f, _ = steady_state_metrics(cl, "cleared")
    rows.append(("Dermal clearance steady flux c√(kD) tanh(L√(k/D))", "discrete steady state",
                 abs(f / an.clearance_steady_flux(L, Dd, k, Kd * C0) - 1)))
    u = solve_exact(cl, np.array([0.0, 100.0])).u[-1]
    prof = an.clearance_steady_profile(cl.mesh.centres, L, Dd, k, Kd * C0)
    rows.append(("Dermal clearance cosh profile (max error / c_top)", "exact, t = 100 h",
                 float(np.max(np.abs(u * Kd - prof)) / (Kd * C0))))
    worst = 0.0
    for receptor in (Receptor("sink"), Receptor("finite", thickness=5.0), Receptor("blood")):
        for infinite in (True, False):
            regions = (Region("sc", 15e-4, 3.0, 3.6e-7, cells=40), Region("ve", 100e-4, 0.6, 3.6e-3, cells=12),
                       Region("de", 0.1, 0.6, 3.6e-3, clearance=2.0 if receptor.kind == "blood" else 0.0, cells=24))
            sysm = discretise(LayeredDiffusion(regions, Vehicle(infinite, C0, 20e-4, 1.0, 0.3), receptor))
            for solve in SOLVERS.values():
                tr = solve(sysm, np.linspace(0, 24, 49))
                out = sum(tr.cumulative[i] for i, n in enumerate(sysm.rate_names) if n != "supplied")
                sup = tr.cumulative[sysm.rate_index("supplied")] if infinite else 0.0
                init = sysm.initial @ sysm.capacity
                resid = tr.u @ sysm.capacity + out - sup - init
                worst = max(worst, float(np.max(np.abs(resid)) / max(init, np.max(sup))))
    rows.append(("Mass balance closure, 3 receptors × 2 doses × 2 solvers (issue: 1e-8)", "both", worst))
    return rows


def convergence(fig_dir: Path):
    t = np.array([0.0, 4.0])
    exact = an.crank_infinite_dose_amount(t, H, D, K, C0)[-1]
    cells = [8, 16, 32, 64, 128]
    space = []
    for n in cells:
        sys_n = discretise(membrane(cells=n))
        space.append(abs(solve_exact(sys_n, t).cumulative[sys_n.rate_index("permeated")][-1] / exact - 1))
    system = discretise(membrane(cells=20))
    ref = solve_exact(system, t).cumulative[system.rate_index("permeated")][-1]
    steps = [10, 20, 40, 80, 160]
    time_err = [abs(solve_tr_bdf2(system, t, first_step=4.0 / n, max_step=4.0 / n)
                    .cumulative[system.rate_index("permeated")][-1] / ref - 1) for n in steps]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, x, y, lab in ((axes[0], cells, space, "cells in the membrane"), (axes[1], steps, time_err, "TR-BDF2 steps")):
        ax.loglog(x, y, "o-")
        ax.loglog(x, y[0] * (np.array(x) / x[0]) ** -2.0, "k:", label="order 2")
        ax.set_xlabel(lab)
        ax.set_ylabel("relative error of Q(4 h)")
        ax.legend()
    axes[0].set_title("space (exact in time)")
    axes[1].set_title("time (20 cells, vs exact-in-time)")
    fig.tight_layout()
    fig.savefig(fig_dir / "convergence.png", dpi=110)
    plt.close(fig)
    order = lambda e: np.log2(np.array(e[:-1]) / np.array(e[1:]))  # noqa: E731
    return cells, space, order(space), steps, time_err, order(time_err)


def crank_figure(fig_dir: Path):
    system = discretise(membrane())
    t = np.linspace(0, 12, 145)
    q = solve_exact(system, t).cumulative[system.rate_index("permeated")]
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.plot(t, an.crank_infinite_dose_amount(t, H, D, K, C0), "k-", lw=3, alpha=0.4, label="Crank 4.24a")
    ax.plot(t, q, "C0--", label="dermsim (30 cells)")
    ax.axvline(an.crank_lag_time(H, D), color="grey", ls=":")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("Q (µg/cm²)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(fig_dir / "crank.png", dpi=110)
    plt.close(fig)


def caffeine_check():
    rows = []
    with open(DATA / "cheruvu2022_skin_permeability.csv", newline="", encoding="latin-1") as fh:
        for r in csv.DictReader(fh):
            if r["Compound"].strip().lower() == "caffeine":
                rows.append(float(r["logkpl"]))
    result = simulate(scenario_from_dict({
        "compound": {"name": "caffeine"}, "skin": {"site": "heat-separated-epidermis"},
        "formulation": {"concentration": "1 mg/mL", "dose": "infinite"}, "receptor": {"type": "sink"},
        "simulation": {"duration": "48 h"}}))
    s = result.summary
    return np.array(rows), s


def resolution_check():
    base = {"compound": {"name": "caffeine"}, "skin": {"site": "forearm"},
            "formulation": {"concentration": "1 %", "dose": "infinite"}, "receptor": {"type": "blood"},
            "simulation": {"duration": "24 h"}}
    out = {}
    for res in (0.5, 1, 2, 16):
        data = {**base, "simulation": {**base["simulation"], "resolution": res}}
        out[res] = simulate(scenario_from_dict(data))
    ref = out[16]
    rows = []

    def err(r, var):  # max |difference| over the run, relative to the reference's maximum
        a, b = r.dataset[var].values, ref.dataset[var].values
        return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))

    for res in (0.5, 1, 2):
        r = out[res]
        rows.append((res, err(r, "cumulative_permeated"), err(r, "basal_layer_concentration"),
                     abs(r.summary["kp_cm_per_h"] / ref.summary["kp_cm_per_h"] - 1),
                     abs(r.summary["lag_time_h"] / ref.summary["lag_time_h"] - 1)))
    return rows


def build_markdown(fig_dir: Path, sections=EXTRA_SECTIONS) -> str:
    """Compute every section; figures (and qspr_cheruvu.csv) go into ``fig_dir`` only. Returns the markdown.

    ``fig_dir.name`` must be FIG_NAME: the section modules link their figures as ``<fig_dir.name>/<file>``.
    """
    fig_dir = Path(fig_dir)
    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    import qspr_cheruvu

    ver = verification_rows()
    cells, space, space_order, steps, time_err, time_order = convergence(fig_dir)
    crank_figure(fig_dir)
    qrows = qspr_cheruvu.write_outputs(fig_dir / "qspr_cheruvu.csv", fig_dir / "qspr_parity.png")
    import qspr_compilations

    crows = qspr_compilations.compilation_table()
    caf_obs, caf = caffeine_check()
    res_rows = resolution_check()

    L = ["# dermsim validation report", "",
         f"Generated by `validation/build_report.py` on {date.today().isoformat()} with dermsim {dermsim.__version__}. "
         "Do not edit by hand: run `make validation`.", "",
         "## 1. Solver verification against exact solutions", "",
         "Homogeneous membrane h = 15 µm, D = 1e-10 cm²/s, K = 1, C0 = 1 mg/mL, perfect sink unless stated; "
         f"{CELLS} graded cells per layer (the default for explicit layers); two-layer cases 24 + 24 cells. "
         "Tolerance of the issue: 0.5 %.", "",
         "| case | method | relative error | tolerance | met |", "|---|---|---|---|---|"]
    for case, method, err in ver:
        tol = 1e-8 if case.startswith("Mass balance") else 5e-3
        L.append(f"| {case} | {method} | {err:.2e} | {tol:g} | {'yes' if err < tol else '**no**'} |")
    L += ["", "![Crank](validation/crank.png)", "",
          "## 2. Convergence", "",
          "Relative error of Q(4 h) (Crank) vs cells (exact time integration) and vs TR-BDF2 steps (20 cells, "
          "reference = exact-in-time solution of the same semi-discrete system).", "",
          "| cells | error | observed order | | TR-BDF2 steps | error | observed order |", "|---|---|---|---|---|---|---|"]
    for i in range(len(cells)):
        so = f"{space_order[i - 1]:.2f}" if i else ""
        to = f"{time_order[i - 1]:.2f}" if i else ""
        L.append(f"| {cells[i]} | {space[i]:.2e} | {so} | | {steps[i]} | {time_err[i]:.2e} | {to} |")
    L += ["", "![convergence](validation/convergence.png)", "",
          "## 3. QSPR regression on Cheruvu et al. 2022 (476 records)", "",
          "log10 kp (cm/h); per record, and per compound (median prediction vs median observation). "
          "Details and the parity plot: `validation/qspr_cheruvu.py`, `docs/validation/qspr_cheruvu.csv`.", "",
          "| model | n | RMSE | MAE | bias (pred − obs) | r² | compounds | per-compound median RMSE |",
          "|---|---|---|---|---|---|---|---|"]
    for r in qrows:
        L.append("| " + " | ".join(str(r[k]) if not isinstance(r[k], float) else f"{r[k]:.3f}"
                                    for k in ("model", "n", "rmse", "mae", "bias", "r2", "n_compounds",
                                              "compound_median_rmse")) + " |")
    L += ["", "Other published compilation: Chen, Lian & Han 2010 AIChE J 56:1136 (set of Lian, Chen & Han 2008), "
          "208 in-vitro records (`validation/data/`, provenance in its README); also the subset of compounds "
          "absent from Cheruvu. Potts–Guy was fitted to Flynn 1990, a large part of this set (home ground).", "",
          "| dataset | model | n | RMSE | bias | r² | compounds | per-compound median RMSE |",
          "|---|---|---|---|---|---|---|---|"]
    for r in crows:
        L.append(f"| {r['dataset']} | {r['model']} | {r['n']} | {r['rmse']:.3f} | {r['bias']:+.3f} | {r['r2']:.3f} | "
                 f"{r['n_compounds']} | {r['compound_median_rmse']:.3f} |")
    L += ["", "![parity](validation/qspr_parity.png)", "",
          "## 4. Published time course: caffeine, infinite dose, heat-separated epidermis", "",
          f"dermsim (default model, 11 µm SC + 100 µm VE, sink): log10 kp = {np.log10(caf['kp_cm_per_h']):.2f} "
          f"(kp = {caf['kp_cm_per_h']:.3g} cm/h), lag time = {caf['lag_time_h']:.2f} h.",
          f"Cheruvu 2022 caffeine records (n = {caf_obs.size}): log10 kp median {np.median(caf_obs):.2f}, "
          f"range {caf_obs.min():.2f} … {caf_obs.max():.2f}; "
          f"prediction {'inside' if caf_obs.min() <= np.log10(caf['kp_cm_per_h']) <= caf_obs.max() else '**outside**'} the range. "
          "The Cheruvu file holds no lag times; the lag is reported for comparison with individual IVPT studies.", "",
          "## 5. Default resolution of the in-vivo skin problem", "",
          "Caffeine 1 % infinite dose on the forearm in vivo (SC | VE | basal layer | dermis with capillary clearance), "
          "24 h; max |difference| over the run relative to the maximum of the resolution-16 reference.", "",
          "| resolution | cumulative into blood | basal-layer concentration | kp | lag time |", "|---|---|---|---|---|"]
    for res, a, b, c, d in res_rows:
        L.append(f"| {res} | {a:.2e} | {b:.2e} | {c:.2e} | {d:.2e} |")
    L.append("")
    import importlib

    for module in sections:  # later issues' sections, each `section(fig_dir) -> markdown lines`
        print(f"building section {module} …", file=sys.stderr)
        L += importlib.import_module(module).section(fig_dir) + [""]
    return "\n".join(L)


def _temporary_sibling(path: Path) -> Path:
    """A new empty file next to ``path`` (same folder, so that os.replace onto ``path`` is atomic)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def publish(staged: Path, text: str, docs: Path = DOCS) -> list[Path]:
    """Copy the files of ``staged`` into docs/<staged.name>/ and write docs/REPORT_NAME.

    Two phases: every file is first written under a temporary name in its target folder (on any error these
    are removed and nothing is replaced), then each is moved into place with os.replace (atomic per file).
    Files of the target folder that ``staged`` does not hold are left alone. Returns the published paths.
    """
    staged, docs = Path(staged), Path(docs)
    target = docs / staged.name
    target.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []
    try:
        for src in sorted(p for p in staged.iterdir() if p.is_file()):
            final = target / src.name
            pending.append((_temporary_sibling(final), final))
            shutil.copyfile(src, pending[-1][0])
        report = docs / REPORT_NAME
        pending.append((_temporary_sibling(report), report))
        pending[-1][0].write_text(text, "utf-8")
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in pending:
        os.replace(tmp, final)
    return [final for _, final in pending]


def build_and_publish(build=None, docs: Path | None = None) -> str:
    """Run ``build(fig_dir)`` (default `build_markdown`) with fig_dir a fresh temporary <tmp>/FIG_NAME; publish
    into ``docs`` (default DOCS) only if it returns."""
    build = build_markdown if build is None else build
    docs = DOCS if docs is None else docs
    with tempfile.TemporaryDirectory(prefix="dermsim-validation-") as tmp:
        staged = Path(tmp) / FIG_NAME
        staged.mkdir()
        text = build(staged)
        publish(staged, text, docs)
    return text


def main() -> int:
    print(build_and_publish())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
