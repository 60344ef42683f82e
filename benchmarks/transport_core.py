"""Timing of the transport core on the runs users and the validation make (medians, milliseconds).

Cases (internal units cm, h, ug):

* ``simulate niacinamide`` — `dermsim.simulate` of examples/niacinamide_serum_face.toml (build, 1D layered
  model, exact solver, Result labelling);
* ``simulate peer case A`` — the same for examples/peer_case_a_membrane.toml (one membrane, sink);
* ``2D channel cell 24 h`` — the in-vivo run behind the r–z map of validation/microneedle_transport.py
  (EGF, conical channel 300 um × 35 um, 100 /cm², closure t½ = 20 h, 16 epochs, 241 outputs, TR-BDF2);
* ``parallel pathway 24 h`` — the parallel-pathway model of the same skin and channel (12 closure epochs,
  t½ = 6 h, exact per epoch, 241 outputs);
* ``steady_state_metrics`` — kp and lag time of the niacinamide model (exact, tridiagonal solves).

Run: ``python benchmarks/transport_core.py [--repeats N]`` (default 15 for the 2D cell, 5× more for the fast
cases). The cases are interleaved round by round so that a load change on the shared machine hits them all.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "validation"))


def cases():
    import microneedle_transport as mt

    from dermsim import load_scenario
    from dermsim.microneedles.channel import cell_radius_for_density
    from dermsim.microneedles.channel_cell import ChannelCellModel, solve_channel_cell
    from dermsim.microneedles.pathways import ParallelPathwayModel, solve_parallel
    from dermsim.permeation.layered import Receptor, Vehicle, discretise, steady_state_metrics
    from dermsim.permeation.setup import build
    from dermsim.simulation import simulate

    niacinamide = load_scenario(ROOT / "examples" / "niacinamide_serum_face.toml")
    peer_a = load_scenario(ROOT / "examples" / "peer_case_a_membrane.toml")
    regions = mt.skin(clearance=0.5)
    total = sum(r.thickness for r in regions)
    um = mt.UM
    layers = (("stratum_corneum", 15 * um), ("viable_epidermis", 105 * um), ("basal_layer", 115 * um),
              ("papillary_dermis", 465 * um), ("dermis", total))
    cell = ChannelCellModel(regions, Vehicle(True, mt.C0), Receptor("blood"), cell_radius_for_density(100),
                            mt.channel(300), open_fraction=mt.half_life(20.0), layers=layers)
    fast = ParallelPathwayModel(regions, Vehicle(True, mt.C0), Receptor("blood"), mt.channel(300), 100.0,
                                open_fraction=mt.half_life(6.0), layers=layers)
    system = discretise(build(niacinamide).model)
    return {
        "simulate niacinamide": (lambda: simulate(niacinamide), 5),
        "simulate peer case A": (lambda: simulate(peer_a), 5),
        "2D channel cell 24 h": (lambda: solve_channel_cell(cell, mt.T24), 1),
        "parallel pathway 24 h": (lambda: solve_parallel(fast, mt.T24), 5),
        "steady_state_metrics": (lambda: steady_state_metrics(system, "cleared"), 5),
    }


def main(argv=None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="samples of the slowest case (≥ 15)")
    args = parser.parse_args(argv)
    table = cases()
    samples: dict[str, list[float]] = {name: [] for name in table}
    for fn, _ in table.values():   # warm-up (imports, caches)
        fn()
    for _ in range(args.repeats):
        for name, (fn, per_round) in table.items():
            for _ in range(per_round):
                t0 = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - t0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    print(f"transport core, median of the samples (load average {load:.2f}, {os.cpu_count()} CPUs)")
    print(f"{'case':<26} {'median (ms)':>12} {'samples':>8}")
    medians = {}
    for name, values in samples.items():
        medians[name] = float(np.median(values)) * 1e3
        print(f"{name:<26} {medians[name]:>12.4g} {len(values):>8}")
    return medians


if __name__ == "__main__":
    main()
