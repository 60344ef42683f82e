"""Many skins at once (issue #14 items 2-4): virtual populations, Sobol sensitivity and the Dask engine.

The problem: examples/population_caffeine_forearm.toml (caffeine 1 % in water, forearm in vivo, infinite dose,
24 h, 241 outputs), each subject on the population mesh `choose_mesh` takes (the cheapest within 2 % of the
scenario's mesh on the reference subject: resolution 0.35, grading 1.5, 29 cells; its summary's resolution check).

Timed (wall clock, median of repeats unless said):

* ``one by one``  — each subject's model built (`dataclasses.replace` of the regions), discretised and solved by
  `solve_exact`, its figures taken, in a Python loop: what a population costs without batching (per subject);
* ``simulate``    — `dermsim.simulate` of the one scenario (per call): a loop of simulate() calls costs at least this;
* ``population``  — `run_population` in this process (``serial``) and on a local Dask cluster of 2 workers
  (``dask``, cluster start-up included), 10⁴ and 10⁵ subjects (goal: 10⁵ in ≤ 20 s);
* ``sobol``       — `run_sensitivity` with 8 parameters, N = 1024, first and total indices with bootstrap CIs
  (10,240 runs; goal ≤ 30 s), serial and on Dask.

Peers: skindiff (R) is not installed here (no R); PK-Sim's population of 5 individuals took 4.0 s in one published
OSP benchmark (esqlabsR issue #1244, 2026) — quoted, not run. Run: ``.venv/bin/python benchmarks/population.py
[--quick]`` (~2-4 min; ``--quick``: 10⁴ subjects and N = 256, ~40 s).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from timing import median_time  # noqa: E402

EXAMPLE = ROOT / "examples" / "population_caffeine_forearm.toml"
SOBOL_VARY = ["stratum_corneum.thickness=8..30 um", "viable_epidermis.thickness=30..90 um",
              "dermis.thickness=800..2000 um", "stratum_corneum.diffusivity=1e-10..1e-8 cm^2/s:log",
              "stratum_corneum.partition=1..10", "viable_epidermis.diffusivity=1e-7..1e-6 cm^2/s:log",
              "dermis.clearance=0.05..0.5 1/h:log", "basal_layer.thickness=5..15 um"]


def one_by_one_ms(scenario, n: int) -> float:
    """ms per subject: model per subject, `discretise` + `solve_exact`, figures."""
    from dermsim.permeation.layered import discretise
    from dermsim.results.metrics import basal_exposure
    from dermsim.studies.skin_batch import choose_mesh
    from dermsim.studies.variability import draw_factors, subject_values, variability
    from dermsim.transport.exact import solve_exact

    tpl, _ = choose_mesh(scenario.model_copy(update={"population": None}))
    values = subject_values(tpl, draw_factors(n, 1, variability()))
    names = tpl.region_names

    def run():
        for b in range(n):
            regions = []
            for r in tpl.model.regions:
                change = {f: values[f"{r.name}.{f}"][b] for f in ("thickness", "diffusivity", "clearance")
                          if f"{r.name}.{f}" in values}
                regions.append(dataclasses.replace(r, **change))
            system = discretise(dataclasses.replace(tpl.model, regions=tuple(regions)))
            traj = solve_exact(system, tpl.times)
            basal = system.mesh.region == names.index("basal_layer")
            cells = traj.u[:, system.cell_slice][:, basal] * system.capacity[system.cell_slice][basal]
            basal_exposure(tpl.times, cells.sum(axis=1), None)

    return 1e3 * median_time(run, repeats=3) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    import dermsim
    from dermsim.simulation import simulate
    from dermsim.studies.population import run_population
    from dermsim.studies.sensitivity import run_sensitivity

    scenario = dermsim.load_scenario(EXAMPLE)
    single = scenario.model_copy(update={"population": None})
    print(f"dermsim {dermsim.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores; "
          f"{EXAMPLE.name}, 24 h, 241 outputs, the population's mesh (choose_mesh)")
    print(f"\n{'what':<44}{'median':>12}{'per subject':>16}")
    per = one_by_one_ms(scenario, 200)
    print(f"{'one by one (discretise + solve_exact), 200':<44}{per * 200 / 1e3:>11.3f}s{per:>13.3f} ms")
    t = median_time(lambda: simulate(single), repeats=5)
    print(f"{'simulate() of the scenario, 1 call':<44}{t:>11.4f}s{1e3 * t:>13.3f} ms")
    sizes = (10_000,) if quick else (10_000, 100_000)
    for n in sizes:
        for engine in ("serial", "dask"):
            t0 = time.perf_counter()
            r = run_population(scenario, subjects=n, engine=engine, workers=2 if engine == "dask" else None)
            dt = time.perf_counter() - t0
            goal = "  (goal ≤ 20 s)" if n == 100_000 else ""
            print(f"{f'population {n:,} subjects, {engine}':<44}{dt:>11.2f}s{1e3 * dt / n:>13.3f} ms{goal}")
            assert r.summary["subjects"] == n
    samples = 256 if quick else 1024
    for engine in ("serial", "dask"):
        t0 = time.perf_counter()
        r = run_sensitivity(scenario, SOBOL_VARY, samples=samples, engine=engine,
                            workers=2 if engine == "dask" else None)
        dt = time.perf_counter() - t0
        runs = r.summary["runs"]
        label = f"Sobol, 8 parameters, N = {samples} ({runs:,} runs), {engine}"
        print(f"{label:<44}{dt:>11.2f}s{1e3 * dt / runs:>13.3f} ms  (goal ≤ 30 s)")
    print("\nskindiff (R) is not installed on this machine: no peer run. PK-Sim population of 5 individuals: 4.0 s "
          "(esqlabsR #1244, quoted).")


if __name__ == "__main__":
    main()
