"""Peer benchmarks for issue #6 (speed): dermsim, FiPy and skindiff on cases A and B.

The two fixed problems of benchmarks/README.md, cases A and B (internal units cm, h, ug):

* case A, one membrane: L = 15 µm, D = 1e-10 cm²/s, K = 1, infinite dose C0 = 1 mg/mL, perfect sink, 12 h
  (lag time L²/6D = 62.5 min). Accuracy: max relative error of the cumulative amount Q(t) against Crank's
  exact series (`crank_infinite_dose_amount`) over the output times from two lag times on.
  Target: max rel err ≤ 1e-4 in ≤ 3 ms.
* case B, three-layer skin, 24 h: SC 15 µm (D 1e-10 cm²/s, K 1), viable epidermis 100 µm (D 1e-6, K 0.6),
  dermis 1000 µm (D 1e-6, K 0.6); infinite dose 1 mg/mL, sink. Accuracy: relative error of the late flux
  (over the last output interval) against the steady laminate flux C0 kp, 1/kp = Σ l_i/(K_i D_i)
  (`laminate_permeability`; 0.2371 µg/cm²/h). Target: ≤ 1e-4 in ≤ 5 ms. Also reported: the max relative
  error of Q(t) from two lag times on against a reference, dermsim's exact solver at 480 cells per layer
  (resolution 16), evaluated at each tool's own output times (lag time of that reference system).

Every tool's Q(t) goes through the same two error functions (`Accuracy`).

dermsim: the scenario is built in memory with `scenario_from_dict` (explicit layers, the content of
examples/peer_case_a_membrane.toml and examples/peer_case_b_three_layer.toml; checked equal) and run with
`simulate` (median of ≥ 20 warm calls); the core, `build` + `discretise` + `solve_exact` (or
`solve_tr_bdf2` for the TR-BDF2 path), is timed apart. Resolution is given as n cells per layer
(``simulation.resolution = n/30``, `dermsim.permeation.setup.CELLS["membrane"]` = 30 at resolution 1); the smallest n
meeting the target accuracy is found by bisection with the exact solver. Output times: dermsim's default
241 (every 3 min for A, 6 min for B), plus one row with 1-min outputs as skindiff logs them.

FiPy 4.0.3: implicit Euler on a mesh uniform within each layer (n cells per layer), unknown u = c/K,
``TransientTerm(coeff=K) == DiffusionTerm(coeff=(K D).harmonicFaceValue)``, u = C0 fixed at the top face and
u = 0 at the bottom face, ``LinearLUSolver(tolerance=1e-12)`` (FiPy's default tolerance leaves errors of
2e-3…2e-2 on case A: benchmarks/README.md). Q is accumulated consistently with implicit Euler from the sink-face flux
2 K D u_N / Δx_N at the new time level; errors are taken at every step time. Time = median of 3 in-process
solves (1 when a solve takes over 5 s), set-up included, ``import fipy`` not.

skindiff 0.10.0 (R): when ``Rscript`` and the package are installed, benchmarks/skindiff_case_a.R and
skindiff_case_b.R run the same cases through ``skin_simulate`` (and time its C++ core alone) at skindiff's
integer resolutions; errors are computed here. Otherwise only the figures recorded in benchmarks/README.md
are printed, marked as recorded. Installation: benchmarks/README.md.

Whole-process timings (subprocess, median of 5 after one warm-up): ``python -c "import dermsim"``,
``dermsim --help``, ``dermsim run <case A TOML in a temp dir> --out <dir>`` with and without ``--no-plots``.

Run: ``python benchmarks/peer_cases.py`` (about 3 minutes on an idle machine, under 5 when loaded: FiPy runs
that would exceed a 60 s budget are skipped; ``--quick``: fewer repeats and runs, about 1 minute).
Times are wall-clock medians on a shared machine: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from solver_vs_fipy import machine  # noqa: E402
from timing import median_time  # noqa: E402

UM = 1e-4  # cm
C0 = 1000.0  # ug/cm³ (1 mg/mL)
TOL = 1e-4  # accuracy target of both cases
RECORDED_FLUX_B = 0.2371  # ug/cm²/h, case B of benchmarks/README.md
MAX_CELLS = 480  # cells per layer at dermsim's largest resolution (16)
RECORDED = "recorded (benchmarks/README.md, Nov 2026)"


@dataclass(frozen=True)
class Case:
    """One benchmark problem and the runs made on it."""

    key: str                      # "a" or "b"
    title: str
    layers: tuple                 # (name, thickness µm, D cm²/s, K layer/vehicle), top to bottom
    duration: float               # h
    example: str                  # file name in examples/
    target_ms: float
    criterion: str                # "q": max rel err of Q(t); "late": late-flux rel err
    sweep: tuple                  # dermsim cells per layer timed
    fipy_runs: tuple              # FiPy (cells per layer, implicit Euler steps)
    skindiff_resolutions: tuple   # skindiff integer resolutions (cells per µm in the slowest layer)
    recorded_skindiff: tuple      # rows recorded in benchmarks/README.md: (resolution, cells, dt, max rel err, R ms, core ms)

    @property
    def thickness(self) -> np.ndarray:  # cm
        return np.array([layer[1] for layer in self.layers]) * UM

    @property
    def diffusivity(self) -> np.ndarray:  # cm²/h
        return np.array([layer[2] for layer in self.layers]) * 3600.0

    @property
    def partition(self) -> np.ndarray:
        return np.array([layer[3] for layer in self.layers], dtype=float)


CASE_A = Case(
    key="a", title="Case A: one membrane, 15 um, D 1e-10 cm^2/s, K 1, infinite dose, sink, 12 h",
    layers=(("membrane", 15, 1e-10, 1.0),), duration=12.0, example="peer_case_a_membrane.toml",
    target_ms=3.0, criterion="q", sweep=(8, 15, 30, 60, 120, 240),
    fipy_runs=((12, 60), (25, 200), (50, 500), (50, 2000)), skindiff_resolutions=(1, 2, 4, 8, 16),
    recorded_skindiff=((1, "15", "1 min", 1.45e-3, 8.3, 0.11), (2, "30", "1 min", 3.70e-4, 5.8, 0.16),
                       (4, "60", "1 min", 9.86e-5, 6.0, 0.29), (8, "120", "20 s", 2.35e-5, 8.3, 1.56),
                       (16, "240", "6 s", 5.73e-6, 16.9, 9.2)))
CASE_B = Case(
    key="b", title="Case B: three-layer skin (SC 15 um, VE 100 um, dermis 1000 um), infinite dose, sink, 24 h",
    layers=(("stratum_corneum", 15, 1e-10, 1.0), ("viable_epidermis", 100, 1e-6, 0.6),
            ("dermis", 1000, 1e-6, 0.6)), duration=24.0, example="peer_case_b_three_layer.toml",
    target_ms=5.0, criterion="late", sweep=(8, 15, 30, 60, 120),
    fipy_runs=((4, 96), (8, 288), (16, 1440)), skindiff_resolutions=(1, 2, 4),
    recorded_skindiff=((1, "28 (total)", "0.5 min", None, 8.9, 0.58), (4, "106 (total)", "-", None, 30.5, 19.5)))
METRICS = {"q": "max rel err Q", "late": "late-flux err"}


def scenario_dict(case: Case, cells: int = 30, solver: str = "auto", output_interval: str | None = None) -> dict:
    """The case as a scenario dictionary at ``cells`` per layer (resolution = cells/30)."""
    from dermsim.permeation.setup import CELLS

    layers = [{"name": name, "thickness": f"{h:g} um", "diffusivity": f"{d:g} cm^2/s", "partition": k}
              for name, h, d, k in case.layers]
    simulation = {"duration": f"{case.duration:g} h", "resolution": cells / CELLS["membrane"], "solver": solver}
    if output_interval:
        simulation["output_interval"] = output_interval
    return {"skin": {"layers": layers}, "formulation": {"concentration": "1 mg/mL", "dose": "infinite"},
            "receptor": {"type": "sink"}, "simulation": simulation}


def scenario(case: Case, cells: int = 30, solver: str = "auto", output_interval: str | None = None):
    from dermsim.scenario import scenario_from_dict

    return scenario_from_dict(scenario_dict(case, cells, solver, output_interval))


def check_example(case: Case) -> None:
    """The example TOML is the benchmark's scenario (title aside, resolution 1)."""
    from dermsim.scenario import load_scenario

    example = load_scenario(HERE.parent / "examples" / case.example)
    if example.model_copy(update={"title": ""}) != scenario(case):
        raise SystemExit(f"examples/{case.example} differs from case {case.key.upper()} of this script")


class Accuracy:
    """Errors of a Q(t) curve: max rel err from two lag times on against the reference, late-flux error."""

    def __init__(self, case: Case):
        from dermsim.transport.analytic import crank_infinite_dose_amount, crank_lag_time, laminate_permeability

        self.flux_ss = C0 * float(laminate_permeability(case.thickness, case.diffusivity, case.partition))
        if len(case.layers) == 1:
            h, d, k = case.thickness[0], case.diffusivity[0], case.partition[0]
            self.lag = crank_lag_time(h, d)
            self.reference = lambda t: crank_infinite_dose_amount(t, h, d, k, C0)
            self.reference_name = "Crank's exact series (4.24a)"
        else:
            from dermsim.permeation.setup import build
            from dermsim.transport.exact import solve_exact
            from dermsim.permeation.layered import discretise, steady_state_metrics

            system = discretise(build(scenario(case, MAX_CELLS)).model)
            row = system.rate_index("permeated")
            self.lag = steady_state_metrics(system, "permeated")[1]
            self.reference = lambda t: solve_exact(system, np.asarray(t, dtype=float)).cumulative[row]
            self.reference_name = f"dermsim exact, {MAX_CELLS} cells/layer"

    def errors(self, t: np.ndarray, q: np.ndarray) -> dict[str, float]:
        late = (q[-1] - q[-2]) / (t[-1] - t[-2])
        m = t >= 2.0 * self.lag * (1.0 - 1e-12)
        ref = self.reference(t[m])
        return {"q": float(np.max(np.abs(q[m] - ref) / ref)), "late": abs(late / self.flux_ss - 1.0)}


@dataclass
class Run:
    """One timed configuration of one tool; times in seconds, errors by METRICS key."""

    tool: str
    setting: str
    cells: int | str
    errors: dict[str, float]
    seconds: float
    core_seconds: float | None = None
    provenance: str = ""
    extra: dict = field(default_factory=dict)


def curve(result) -> tuple[np.ndarray, np.ndarray]:
    ds = result.dataset
    return ds["time"].values, ds["cumulative_permeated"].values


def smallest_cells(case: Case, acc: Accuracy, key: str) -> int | None:
    """Smallest cells per layer whose exact-solver error ``key`` (a METRICS key) meets TOL (bisection)."""
    from dermsim.simulation import simulate

    def ok(n: int) -> bool:
        return acc.errors(*curve(simulate(scenario(case, n))))[key] <= TOL

    lo, hi = 8, MAX_CELLS
    if ok(lo):
        return lo
    if not ok(hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def dermsim_run(case: Case, acc: Accuracy, cells: int, solver: str, repeats: int,
                output_interval: str | None = None) -> Run:
    """Time `simulate` and the core (build + discretise + solve) for one resolution and solver."""
    from dermsim.permeation.setup import build, output_times
    from dermsim.simulation import simulate
    from dermsim.transport.exact import solve_exact
    from dermsim.permeation.layered import discretise
    from dermsim.transport.timestep import solve_tr_bdf2

    sc = scenario(case, cells, solver, output_interval)
    result = simulate(sc)
    t, q = curve(result)
    times = output_times(sc.simulation)
    solve = solve_tr_bdf2 if solver == "tr-bdf2" else solve_exact
    seconds = median_time(lambda: simulate(sc), repeats)
    core = median_time(lambda: solve(discretise(build(sc).model), times), repeats)
    path = "TR-BDF2" if solver == "tr-bdf2" else "exact (auto)"
    label = f"{path}, {t.size} outputs" if output_interval else path
    return Run("dermsim", label, cells * len(case.layers), acc.errors(t, q), seconds, core,
               result.summary["solver"], {"per_layer": cells, "resolution": sc.simulation.resolution})


def fipy_curve(case: Case, cells: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Q(t) at every step of FiPy's implicit Euler solution (see module docstring)."""
    import fipy as fp

    widths = np.repeat(case.thickness / cells, cells)
    K = np.repeat(case.partition, cells)
    D = np.repeat(case.diffusivity, cells)
    mesh = fp.Grid1D(dx=widths)
    u = fp.CellVariable(mesh=mesh, value=0.0)
    u.constrain(C0, mesh.facesLeft)  # u = C0 / K_vehicle, K_vehicle = 1
    u.constrain(0.0, mesh.facesRight)  # perfect sink
    conductivity = fp.CellVariable(mesh=mesh, value=K * D)
    eq = (fp.TransientTerm(coeff=fp.CellVariable(mesh=mesh, value=K))
          == fp.DiffusionTerm(coeff=conductivity.harmonicFaceValue))
    solver = fp.LinearLUSolver(tolerance=1e-12)
    g_sink = 2.0 * K[-1] * D[-1] / widths[-1]
    dt = case.duration / steps
    q = np.zeros(steps + 1)
    for i in range(steps):
        eq.solve(var=u, dt=dt, solver=solver)
        q[i + 1] = q[i] + dt * g_sink * float(u.value[-1])
    return np.linspace(0.0, case.duration, steps + 1), q


def fipy_runs(case: Case, acc: Accuracy, runs, budget_s: float) -> list[Run]:
    """Time FiPy on ``runs``; a run is skipped when its estimated cost (from the previous run's cost per step)
    would take the total over ``budget_s`` seconds."""
    out, spent, per_step = [], 0.0, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cells, steps in runs:
            one = steps * per_step
            estimate = one if one > 5.0 else 3 * one
            if spent + estimate > budget_s:
                print(f"(FiPy {cells} cells/layer x {steps} steps skipped: ~{estimate:.0f} s more would exceed "
                      f"the {budget_s:.0f} s budget)")
                continue
            samples = []
            while len(samples) < (1 if samples and samples[0] > 5.0 else 3):
                t0 = time.perf_counter()
                t, q = fipy_curve(case, cells, steps)
                samples.append(time.perf_counter() - t0)
            spent += sum(samples)
            per_step = float(np.median(samples)) / steps
            out.append(Run("FiPy", f"implicit Euler, {steps} steps", cells * len(case.layers), acc.errors(t, q),
                           float(np.median(samples)), provenance="LinearLUSolver(tolerance=1e-12)",
                           extra={"per_layer": cells, "samples": len(samples)}))
    return out


def skindiff_rscript() -> str | None:
    """Path of Rscript if R and the skindiff package are installed, else None."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    probe = subprocess.run([rscript, "-e", "suppressPackageStartupMessages(library(skindiff))"],
                           capture_output=True, text=True)
    return rscript if probe.returncode == 0 else None


def skindiff_runs(case: Case, acc: Accuracy, rscript: str, resolutions, repeats: int) -> list[Run]:
    """Run benchmarks/skindiff_case_<key>.R and score its curves with `acc`."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([rscript, str(HERE / f"skindiff_case_{case.key}.R"), "--out", tmp,
                               "--repeats", str(repeats), "--resolutions", ",".join(map(str, resolutions))],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"(skindiff case {case.key.upper()} failed: {proc.stderr.strip().splitlines()[-1:]})")
            return []
        with open(Path(tmp) / f"skindiff_case_{case.key}_timing.csv", newline="") as fh:
            timing = list(csv.DictReader(fh))
        with open(Path(tmp) / f"skindiff_case_{case.key}_curves.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
    out = []
    for tr in timing:
        res = tr["resolution"]
        t = np.array([float(r["time_h"]) for r in rows if r["resolution"] == res])
        q = np.array([float(r["Q_ug_per_cm2"]) for r in rows if r["resolution"] == res])
        out.append(Run("skindiff", f"resolution {res}, CN, 1-min log", f"{tr['skin_cells']} ({tr['n_cells']} total)",
                       acc.errors(t, q), float(tr["r_call_ms"]) / 1e3, float(tr["core_ms"]) / 1e3,
                       "skin_simulate / C++ core"))
    return out


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")


def ms(seconds: float | None) -> str:
    return "-" if seconds is None or not math.isfinite(seconds) else f"{seconds * 1e3:.2f}"


def metric_keys(case: Case) -> list[str]:
    return [case.criterion] + [k for k in METRICS if k != case.criterion]


def print_runs(case: Case, runs: list[Run]) -> None:
    keys = metric_keys(case)
    header = ["tool", "path / setting", "cells/layer", "cells"] + [METRICS[k] for k in keys] + [
        "median ms", "core ms", "solver that ran"]
    rows = [[r.tool, r.setting, str(r.extra.get("per_layer", "-")), str(r.cells)]
            + [f"{r.errors[k]:.2e}" for k in keys] + [ms(r.seconds), ms(r.core_seconds), r.provenance]
            for r in runs]
    print_table(header, rows)


def compare_fipy(case: Case, dermsim: list[Run], fipy: list[Run]) -> None:
    """FiPy against the cheapest dermsim exact run of at least the same accuracy, per metric."""
    exact = [r for r in dermsim if r.setting == "exact (auto)"]
    for key in dict.fromkeys([case.criterion, "q"]):
        name = METRICS[key]
        meeting = [r for r in fipy if r.errors[key] <= TOL]
        if meeting:
            f = min(meeting, key=lambda r: r.seconds)
            how = f"at matched error (<= {TOL:g}; FiPy's cheapest run meeting it)"
        else:
            f = min(fipy, key=lambda r: r.errors[key])
            how = f"at FiPy's best error (no FiPy run reached {TOL:g})"
        peers = [r for r in exact if r.errors[key] <= f.errors[key]]
        if not peers:
            print(f"  {name}: FiPy {f.errors[key]:.2e} is below every timed dermsim run; no match")
            continue
        d = min(peers, key=lambda r: r.seconds)
        print(f"  {name} {how}: FiPy {f.extra['per_layer']} cells/layer, {f.setting}: {f.errors[key]:.2e} in "
              f"{ms(f.seconds)} ms; dermsim {d.extra['per_layer']} cells/layer: {d.errors[key]:.2e} in "
              f"{ms(d.seconds)} ms -> dermsim/FiPy time = {d.seconds / f.seconds:.2e} "
              f"(dermsim {f.seconds / d.seconds:.0f}x faster)")


def print_skindiff(case: Case, measured: list[Run] | None) -> None:
    if measured:
        print("skindiff measured in this run (R call = skin_simulate; core = its C++ entry point alone; "
              "errors computed here from its 1-min Q log):")
        keys = metric_keys(case)
        print_table(["resolution", "skin cells (total)"] + [METRICS[k] for k in keys] + ["R call ms", "C++ core ms"],
                    [[r.setting.split(",")[0].split()[-1], str(r.cells)] + [f"{r.errors[k]:.2e}" for k in keys]
                     + [ms(r.seconds), ms(r.core_seconds)] for r in measured])
    print(f"skindiff 0.10.0, {RECORDED}:")
    print_table(["resolution", "cells", "dt", "max rel err Q", "R call ms", "C++ core ms"],
                [[str(res), cells, dt, "-" if err is None else f"{err:.2e}", f"{r_ms:g}", f"{c_ms:g}"]
                 for res, cells, dt, err, r_ms, c_ms in case.recorded_skindiff])


def run_case(case: Case, args, rscript: str | None) -> dict:
    print("=" * 100)
    print(case.title)
    check_example(case)
    acc = Accuracy(case)
    recorded = ""
    if case.key == "b":
        diff = abs(acc.flux_ss / RECORDED_FLUX_B - 1)
        recorded = f" (benchmarks/README.md case B: {RECORDED_FLUX_B}; rel diff {diff:.1e} <= 1e-4: {diff <= 1e-4})"
        if diff > 1e-4:
            raise SystemExit("laminate flux differs from the 0.2371 of case B (benchmarks/README.md) by more than 1e-4")
    print(f"steady laminate flux C0 kp = {acc.flux_ss:.6f} ug/cm^2/h{recorded}")
    print(f"lag time {acc.lag * 60:.2f} min; Q errors from t >= {2 * acc.lag:.3f} h against {acc.reference_name}")
    best = smallest_cells(case, acc, case.criterion)
    best_q = best if case.criterion == "q" else smallest_cells(case, acc, "q")
    sweep = sorted(set(args.sweep(case)) | {n for n in (best, best_q) if n})
    runs = []
    for cells in sweep:
        runs.append(dermsim_run(case, acc, cells, "auto", args.repeats))
    for cells in sweep:
        runs.append(dermsim_run(case, acc, cells, "tr-bdf2", args.repeats))
    if best:
        runs.append(dermsim_run(case, acc, best, "auto", args.repeats, output_interval="1 min"))
    print(f"\ndermsim (median of {args.repeats} warm calls; core = build + discretise + solve):")
    print_runs(case, runs)
    met = None
    if best:
        r = next(r for r in runs if r.setting == "exact (auto)" and r.extra["per_layer"] == best)
        met = r.seconds <= case.target_ms / 1e3
        print(f"\nsmallest resolution with {METRICS[case.criterion]} <= {TOL:g}: {best} cells/layer "
              f"(resolution {r.extra['resolution']:.4g}, {r.cells} cells): {METRICS[case.criterion]} "
              f"{r.errors[case.criterion]:.2e}, simulate() {ms(r.seconds)} ms, core {ms(r.core_seconds)} ms; "
              f"target <= {case.target_ms:g} ms: {'met' if met else 'NOT met'}")
    else:
        print(f"\nno resolution up to {MAX_CELLS} cells/layer reaches {METRICS[case.criterion]} <= {TOL:g}")
    if best_q != best and best_q:
        r = next(r for r in runs if r.setting == "exact (auto)" and r.extra["per_layer"] == best_q)
        print(f"for information (not the target metric): smallest resolution with {METRICS['q']} <= {TOL:g}: "
              f"{best_q} cells/layer ({r.cells} cells): {r.errors['q']:.2e}, simulate() {ms(r.seconds)} ms, "
              f"core {ms(r.core_seconds)} ms")

    fipy = fipy_runs(case, acc, args.fipy_runs(case), args.fipy_budget)
    print("\nFiPy (median of 3 in-process solves, 1 if a solve takes > 5 s; mesh uniform in each layer):")
    print_runs(case, fipy)
    compare_fipy(case, runs, fipy)

    print()
    measured = None
    if rscript:
        measured = skindiff_runs(case, acc, rscript, args.skindiff_resolutions(case), args.repeats)
    else:
        print("skindiff not measured: Rscript or the skindiff package is not installed (benchmarks/README.md).")
    print_skindiff(case, measured)
    print()
    return {"best": best, "met": met}


def process_medians(repeats: int, rscript: str | None) -> None:
    """Whole-process wall times (subprocess, median of ``repeats`` after one warm-up)."""
    python = sys.executable
    cli = Path(python).with_name("dermsim")
    dermsim = [str(cli)] if cli.exists() else [python, "-m", "dermsim.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        toml = Path(tmp) / CASE_A.example
        shutil.copyfile(HERE.parent / "examples" / CASE_A.example, toml)
        counter = iter(range(10**6))

        def out_dir() -> str:
            return str(Path(tmp) / f"out{next(counter)}")

        commands = [
            ('python -c "import dermsim"', lambda: [python, "-c", "import dermsim"], 0.3),
            ("dermsim --help", lambda: dermsim + ["--help"], None),
            ("dermsim run <case A> --out <dir>", lambda: dermsim + ["run", str(toml), "--out", out_dir()], 1.5),
            ("dermsim run <case A> --out <dir> --no-plots",
             lambda: dermsim + ["run", str(toml), "--out", out_dir(), "--no-plots"], 1.0),
            ('python -c "import fipy" (for comparison)', lambda: [python, "-c", "import fipy"], None),
        ]
        if rscript:
            commands += [
                ("Rscript: load skindiff (for comparison)",
                 lambda: [rscript, "-e", "suppressPackageStartupMessages(library(skindiff))"], None),
                ("Rscript skindiff_case_a.R, res 1 (for comparison)",
                 lambda: [rscript, str(HERE / "skindiff_case_a.R"), "--repeats", "0", "--resolutions", "1"], None)]
        rows = []
        for label, make, target in commands:
            samples = []
            for i in range(repeats + 1):
                cmd = make()
                t0 = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True)
                elapsed = time.perf_counter() - t0
                if proc.returncode != 0:
                    raise SystemExit(f"{label} failed: {proc.stderr.strip()}")
                if i:
                    samples.append(elapsed)
            median = float(np.median(samples))
            verdict = "-" if target is None else f"<= {target:g} s: {'met' if median <= target else 'NOT met'}"
            rows.append([label, f"{median:.3f}", verdict])
    print(f"Whole process (subprocess wall time, median of {repeats} after one warm-up):")
    print_table(["command", "median s", "target"], rows)
    if not rscript:
        print(f"skindiff whole process, {RECORDED}: Rscript load package + run case A 0.58 s "
              "(package load alone 0.44 s)")


class Settings:
    """Full or quick run."""

    def __init__(self, quick: bool):
        self.quick = quick
        self.repeats = 5 if quick else 20
        self.process_repeats = 3 if quick else 5
        self.fipy_budget = 15.0 if quick else 60.0

    def sweep(self, case: Case):
        return case.sweep[:3] if self.quick else case.sweep

    def fipy_runs(self, case: Case):
        return case.fipy_runs[:2] if self.quick else case.fipy_runs

    def skindiff_resolutions(self, case: Case):
        return case.skindiff_resolutions[:2] if self.quick else case.skindiff_resolutions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, resolutions and FiPy runs")
    settings = Settings(parser.parse_args(argv).quick)
    wall0 = time.perf_counter()
    print(__doc__.split("\n")[0] + (" [--quick]" if settings.quick else ""))
    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')} (threaded BLAS slows the exact solver when the "
          "other core is busy)")
    rscript = skindiff_rscript()
    outcome = {case.key: run_case(case, settings, rscript) for case in (CASE_A, CASE_B)}
    process_medians(settings.process_repeats, rscript)
    print()
    for key, o in outcome.items():
        print(f"case {key.upper()}: smallest resolution meeting {TOL:g}: "
              f"{o['best'] or 'none'} cells/layer; speed target {'met' if o['met'] else 'NOT met'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total wall time {time.perf_counter() - wall0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
