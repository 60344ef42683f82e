"""Batched exact solver (issue #14 item 1): amortised time per 24 h skin at the size of peer case B.

Case B of benchmarks/README.md (examples/peer_case_b_three_layer.toml: SC 15 um, viable epidermis 100 um,
dermis 1000 um, infinite dose 1 mg/mL, sink, 24 h, 241 outputs) at two resolutions: 8 cells per layer
(24 nodes, the smallest meeting case B's 1e-4 late-flux target in benchmarks/peer_cases.py; skindiff's
resolution 1 has 28) and 30 (90 nodes, the example's default). Each skin of a batch is case B with its
thicknesses, diffusivities and partition coefficients scattered lognormally (CV ~30 %, seeded).

Timed (wall clock, median of repeats, in one process after a warm-up, BLAS on one thread as in the solvers):

* ``batched``    — `solve_batch` on a prepared `SystemBatch` of 1, 100, 1000, 10000 skins, per skin;
* ``build``      — `discretise` of each model + `stack_systems`, per skin (the set-up `solve_layered_batch` adds);
* ``one by one`` — `solve_exact` on each prepared system in a Python loop, per skin;
* ``simulate``   — `dermsim.simulate` on the case B scenario, per call (set-up, solve, Result).

Both eigen-decompositions of `solve_batch` (stacked `numpy.linalg.eigh`, looped `eigh_tridiagonal`) are timed
at 1000 skins, which sets `dermsim.transport.batched.STACK_MAX_NODES`. The agreement with `solve_exact` (max
difference relative to each curve's largest value) is printed too. Run:
``.venv/bin/python benchmarks/batched_exact.py [--quick]`` (1–1.5 min; ``--quick``: up to 1000 skins, ~20 s).
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
sys.path.insert(0, str(HERE))
from peer_cases import CASE_B, scenario  # noqa: E402
from timing import median_time  # noqa: E402

GOAL_MS = 0.1  # issue #14: amortised ms per 24 h skin


def population(cells: int, n: int, seed: int = 14):
    """``n`` case-B models at ``cells`` per layer, K, D and thickness scattered lognormally (σ = 0.3)."""
    from dermsim.permeation.setup import build

    base = build(scenario(CASE_B, cells)).model
    rng = np.random.default_rng(seed)
    factors = np.exp(rng.normal(0.0, 0.3, size=(n, len(base.regions), 3)))
    return [dataclasses.replace(base, regions=tuple(
        dataclasses.replace(r, thickness=r.thickness * f[0], diffusivity=r.diffusivity * f[1],
                            partition=r.partition * f[2]) for r, f in zip(base.regions, fs))) for fs in factors]


def agreement(batch_result, systems, times) -> float:
    """Max difference of stored amounts and outflows, batch against `solve_exact`, relative to each curve's max."""
    from dermsim.transport.exact import solve_exact

    worst = 0.0
    for b, system in enumerate(systems):
        one = solve_exact(system, times)
        curves = [(batch_result.stored[b], one.u @ system.capacity)] + list(zip(batch_result.cumulative[b],
                                                                                one.cumulative))
        worst = max([worst] + [float(np.max(np.abs(x - y)) / np.max(np.abs(y))) for x, y in curves if np.any(y)])
    return worst


def run_size(cells: int, sizes, quick: bool) -> list[list[str]]:
    """Rows of the table for one resolution."""
    from dermsim.permeation.layered import discretise
    from dermsim.permeation.setup import output_times
    from dermsim.simulation import simulate
    from dermsim.transport.batched import STACK_MAX_NODES, solve_batch, stack_systems
    from dermsim.transport.exact import solve_exact

    times = output_times(scenario(CASE_B, cells).simulation)
    models = population(cells, max(sizes))
    systems = [discretise(m) for m in models]
    nodes = systems[0].size
    label = f"{cells} cells/layer ({nodes} nodes), {times.size} outputs"
    print(f"\n{label}; stacked eigh up to {STACK_MAX_NODES} nodes, looped eigh_tridiagonal above")
    one_n = min(200, max(sizes))
    one = median_time(lambda: [solve_exact(s, times) for s in systems[:one_n]], 3 if quick else 5) / one_n
    sc = scenario(CASE_B, cells)
    sim = median_time(lambda: simulate(sc), 5 if quick else 20)
    build_n = min(1000, max(sizes))
    build = median_time(lambda: stack_systems([discretise(m) for m in models[:build_n]]), 3) / build_n
    print(f"agreement with solve_exact over {one_n} skins: {agreement(solve_batch(stack_systems(systems[:one_n]), times), systems[:one_n], times):.1e}")
    rows = []
    for size in sizes:
        batch = stack_systems(systems[:size])
        repeats = 21 if size <= 100 else (7 if size <= 1000 else 3)
        per = median_time(lambda: solve_batch(batch, times), 3 if quick else repeats) / size
        rows.append([label, str(size), f"{per * 1e3:.4f}", f"{(per + build) * 1e3:.4f}", f"{one * 1e3:.4f}",
                     f"{one / per:.1f}x", f"{sim * 1e3:.3f}", f"{sim / per:.0f}x",
                     "met" if per * 1e3 <= GOAL_MS else "NOT met"])
    batch = stack_systems(systems[:build_n])
    for method in ("stack", "loop"):
        per = median_time(lambda: solve_batch(batch, times, eigen=method), 3) / build_n
        print(f"  eigen={method!r}: {per * 1e3:.4f} ms per skin at {build_n} skins")
    print(f"  build (discretise + stack): {build * 1e3:.4f} ms per skin")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="up to 1000 skins, fewer repeats")
    quick = parser.parse_args(argv).quick
    import scipy

    import dermsim

    print(__doc__.split("\n")[0])
    print(f"machine: {platform.platform()} | os.cpu_count()={os.cpu_count()} | python {platform.python_version()} | "
          f"numpy {np.__version__} | scipy {scipy.__version__} | dermsim {dermsim.__version__}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    wall = time.perf_counter()
    sizes = (1, 100, 1000) if quick else (1, 100, 1000, 10000)
    rows = run_size(8, sizes, quick) + run_size(30, sizes, quick)
    head = ["case B", "batch", "batched ms/skin", "+ build ms/skin", "solve_exact ms/skin", "speed-up",
            "simulate ms", "vs simulate", f"<= {GOAL_MS} ms"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print()
    for r in [head, ["-" * w for w in widths]] + rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total wall time {time.perf_counter() - wall:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
