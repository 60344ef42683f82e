"""Speed of the exact clone simulation (dermsim.epidermis.clones; kernels in clone_kernels): 10^5 committed-progenitor
clones × 52 weeks.

Target (brief E1): < 10 s for 10^5 clones × 52 weeks. Timed, median of 5 runs after one warm-up, each with a fixed
seed (so every run does the same work):

(a) `clone_kernels.simulate_counts` alone (the stochastic kernel), Clayton 2007 preset (μ = 0.31/week), 53 weekly
    outputs, and (a') the event-by-event reference kernel `clone_kernels.simulate_counts_direct` on the same case;
(b) `clones.simulate_clones` (kernel + statistics + Dataset), same case;
(c) the brief's CLI example rates (λ = 1.1, r = 0.08, Γ = 0.31, no shedding) through `simulate_clones`;
(d) the human-interfollicular and the Mascré 2012 stem-progenitor presets through `simulate_clones`.

Clone-weeks per second = 10^5 × 52 / median time. Run: ``python benchmarks/epidermis_clones.py`` (≈ 2 min).
Timings on a small virtual machine vary by ±30 % from run to run.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_time  # noqa: E402

from dermsim.epidermis import clone_kernels as ck  # noqa: E402
from dermsim.epidermis import clones as cl  # noqa: E402
from dermsim.epidermis.kinetics import fate_rates, load_preset  # noqa: E402

N_CLONES = 100_000
WEEKS = 52.0
REPEATS = 5


def main() -> int:
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs; "
          f"{N_CLONES:,} clones × {WEEKS:g} weeks, weekly outputs, median of {REPEATS}")
    times = cl.output_times(WEEKS)
    clayton = load_preset("clayton2007-mouse-tail")
    for label, kernel in (("(a) kernel simulate_counts", ck.simulate_counts),
                          ("(a') reference kernel simulate_counts_direct", ck.simulate_counts_direct)):
        t = median_time(lambda: kernel(clayton, N_CLONES, times, np.random.default_rng(1)), REPEATS)
        print(f"{label}, clayton2007-mouse-tail: {t:.2f} s ({N_CLONES * WEEKS / t / 1e6:.2f} M clone-weeks/s)")
    cases = [("(b) simulate_clones, clayton2007-mouse-tail", clayton),
             ("(c) simulate_clones, CLI example (no shedding)",
              fate_rates("committed-progenitor", division_rate="1.1 /week", symmetric_fraction=0.08,
                         stratification_rate="0.31 /week")),
             ("(d) simulate_clones, human-interfollicular", load_preset("human-interfollicular")),
             ("(d) simulate_clones, mascre2012-stem-progenitor", load_preset("mascre2012-stem-progenitor"))]
    worst = 0.0
    for label, rates in cases:
        t = median_time(lambda: cl.simulate_clones(rates, N_CLONES, duration=WEEKS, seed=1), REPEATS)
        worst = max(worst, t)
        print(f"{label}: {t:.2f} s")
    print(f"target < 10 s: {'met' if worst < 10 else 'NOT met'} (slowest case {worst:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
