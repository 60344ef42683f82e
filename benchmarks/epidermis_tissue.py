"""Speed of the spatial epidermis (dermsim.epidermis.lattice_run.run_lattice): basal cells × days per second.

Cases (human-interfollicular preset, time step 1 h, daily output, no snapshots; seeds 1, 2, 3):

(a) 10^6 basal cells (1000 × 1000) for one year, homeostasis — the target of issue #5 is < 60 s on 2 cores;
(b) the same with twelve monthly microneedle sessions (200 channels/cm², 200 µm) and 10 % stem cells;
(c) 256 × 256 for one year with the numba turnover kernel and with the numpy reference kernel.

Each case: median wall time over the repeats (the numba kernel is compiled once, and cached on disk, before timing).
Run: ``python benchmarks/epidermis_tissue.py`` (about 3 minutes; ``--quick`` for one repeat of each).
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_time  # noqa: E402

from dermsim.epidermis.kinetics import load_preset  # noqa: E402
from dermsim.epidermis.lattice_kernel import _numba_turnover  # noqa: E402
from dermsim.epidermis.lattice_parameters import tissue_parameters  # noqa: E402
from dermsim.epidermis.lattice_run import run_lattice  # noqa: E402
from dermsim.epidermis.perturb import build_protocol  # noqa: E402

YEAR = 365.0


def case(shape, *, kernel="auto", sessions=False, seeds=iter(range(1, 1000))):
    rates = load_preset("human-interfollicular")
    params = tissue_parameters(rates, shape, 1 / 24, stem_fraction=0.1 if sessions else None)
    proto = build_protocol([{"kind": "microneedle", "time": 10.0, "density": 200.0, "diameter": 200.0,
                             "sessions": 12, "interval": 30.0}]) if sessions else None

    def run():
        run_lattice(params, YEAR, 1.0, seed=next(seeds), kernel=kernel, events=proto.events if proto else (),
                    modulation=proto.proliferation_factor if proto else None)

    return params, run


def main() -> int:
    quick = "--quick" in sys.argv
    repeats = 1 if quick else 3
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"numba {'yes' if _numba_turnover() is not None else 'no'}, {platform.machine()}; "
          f"median of {repeats} run(s), warm-up 0 (numba compiled beforehand)")
    run_lattice(tissue_parameters(load_preset("human-interfollicular"), (16, 16), 1 / 24), 2.0, 1.0,
                seed=0)  # compile / load the kernel
    rows = []
    for label, shape, kw in (("(a) 1000 x 1000, homeostasis", (1000, 1000), {}),
                             ("(b) 1000 x 1000, 12 microneedle sessions", (1000, 1000), {"sessions": True}),
                             ("(c) 256 x 256, numba kernel", (256, 256), {"kernel": "auto"}),
                             ("(c) 256 x 256, numpy reference kernel", (256, 256), {"kernel": "numpy"})):
        params, run = case(shape, **kw)
        t0 = time.perf_counter()
        seconds = median_time(run, repeats, warmup=0)
        cells_days = params.n_sites * YEAR / seconds
        rows.append((label, seconds, cells_days))
        print(f"{label:45s} one year: median {seconds:7.2f} s   {cells_days:10.3e} cell-days/s   "
              f"(case wall {time.perf_counter() - t0:.0f} s)")
    target = rows[0][1]
    print(f"target 10^6 cells x 1 year < 60 s: {'met' if target < 60 else 'NOT met'} ({target:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
