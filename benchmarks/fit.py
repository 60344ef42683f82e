"""`dermsim fit` speed (issue #14 item 5; goals of the wave-2 evidence notes §2.5: fit + 2 profiles ≤ 2 s,
posterior ≤ 60 s).

Data: one synthetic Franz experiment from Crank's membrane solution (15 um, D = 2.5e-11 cm²/s, K = 10,
1 mg/mL, sink; 12 samples to 24 h, 3 % noise; the set-up of validation/fit_coverage.py), fitted for
membrane.diffusivity and membrane.partition with the layered model (30 cells).

Timed (wall clock, median of repeats, in one process after a warm-up):

* ``fit``              — `dermsim.fitting.fit` without profiles (4 starts);
* ``fit + 2 profiles`` — the same with both profile-likelihood intervals;
* ``posterior``        — the same plus emcee, 2000 steps × 16 walkers (one run);
* ``forward, one by one`` — `solve_exact` on each of 32 parameter sets in a loop, per set;
* ``forward, batched``    — the 32 sets in one `solve_batch` call (what a Jacobian, a profile step and an
  emcee step use), per set; both include building the systems (`discretise`).

skindiff (the R package whose fit this is compared with in the evidence notes) is not timed: R is not
installed on this machine. Run: ``.venv/bin/python benchmarks/fit.py`` (~1–2 min).
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "validation"))
from timing import median_time  # noqa: E402

GOALS = {"fit + 2 profiles": 2.0, "posterior": 60.0}


def main() -> None:
    import fit_coverage as setup

    from dermsim.fitting import fit
    from dermsim.fitting.forward import PermeationForward
    from dermsim.fitting.run import model_for
    from dermsim.permeation.layered import discretise
    from dermsim.transport.batched import solve_batch, stack_systems
    from dermsim.transport.exact import solve_exact

    rng = np.random.default_rng(1)
    t, q, cell = setup.experiment(rng)
    data = setup.table(t, q, cell)

    def run(**kw):
        return fit(data, scenario=setup.SCENARIO, parameters=setup.NAMES, **kw)

    rows = [("fit", median_time(lambda: run(profiles=False), 5)),
            ("fit + 2 profiles", median_time(lambda: run(), 5))]
    start = time.perf_counter()
    result = run(posterior=True, posterior_steps=2000)
    rows.append(("posterior", time.perf_counter() - start))

    model, _ = model_for(setup.SCENARIO, None, data)
    forward = PermeationForward(model, setup.NAMES)
    x = result.x + rng.normal(0, 0.1, (32, 2))
    times = np.unique(t)

    def one_by_one():
        for row in x:
            solve_exact(discretise(forward.model_at(np.exp(row))), times)

    def batched():
        solve_batch(stack_systems([discretise(forward.model_at(np.exp(row))) for row in x]), times)

    per_one = median_time(one_by_one, 5) / 32
    per_batch = median_time(batched, 5) / 32

    print(f"dermsim fit benchmark — {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("skindiff: not timed (R is not installed on this machine)")
    print(f"{'what':<22} {'median':>10}  goal")
    for name, seconds in rows:
        goal = f"≤ {GOALS[name]:g} s" if name in GOALS else ""
        print(f"{name:<22} {seconds:>9.3f}s  {goal}")
    print(f"{'forward, one by one':<22} {per_one * 1e3:>8.3f}ms  per parameter set (discretise + solve_exact)")
    print(f"{'forward, batched (32)':<22} {per_batch * 1e3:>8.3f}ms  per parameter set (discretise + solve_batch)")
    print(f"posterior: acceptance {result.posterior.acceptance:.2f}, autocorrelation {result.posterior.autocorrelation:.0f} "
          f"steps, {result.posterior.samples.shape[0]} samples kept")


if __name__ == "__main__":
    main()
