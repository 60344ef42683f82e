"""Speed of a finite dose with vehicle physics (issue #16 target: ≤ 20 ms in process for 24 h).

The problem: caffeine 4 mg/mL in 50/50 ethanol–water, 10 uL/cm² on dermatomed human skin in an open Franz
cell, washed off at 6 h, 24 h, 241 outputs — the vehicle dries (Raoult evaporation through the donor
chamber, uptake of the solvents into the skin), the solute saturates and deposits, the deposit dissolves,
the rest is washed off. Three timings, median of N in one process after a warm-up:

* ``solver``   — `solve_finite_dose` on the prepared skin system and film (the numerical work);
* ``simulate`` — the whole `dermsim.simulate` (scenario → setup incl. property look-ups → solve → Result);
* ``linear``   — the same dose without vehicle physics through the exact eigen solver (the model before #16).

There is no peer tool with a drying vehicle to run here (the NIOSH/CDC finite-dose calculator is a web page and
a Java program that cannot be fetched); the linear exact solve is the reference cost. Run:
``.venv/bin/python benchmarks/finite_dose_drying.py [N]``.
"""

from __future__ import annotations

import statistics
import sys
import time

SCENARIO = {
    "title": "caffeine in 50/50 ethanol-water, 10 uL/cm^2, washed at 6 h",
    "compound": {"name": "caffeine"},
    "skin": {"site": "dermatomed"},
    "formulation": {"concentration": "4 mg/mL", "dose": "10 uL/cm^2", "vehicle": {"ethanol": 0.5, "water": 0.5},
                    "wash_time": "6 h"},
    "simulation": {"duration": "24 h"},
}


def median_ms(fn, n: int) -> tuple[float, object]:
    out = fn()                                                       # warm-up (imports, caches)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times), out


def main(n: int = 21) -> None:
    from dermsim.permeation.finite_dose import solve_finite_dose
    from dermsim.permeation.layered import discretise
    from dermsim.permeation.setup import build, output_times
    from dermsim.scenario import scenario_from_dict
    from dermsim.simulation import simulate

    scenario = scenario_from_dict(SCENARIO)
    setup = build(scenario)
    system, film = discretise(setup.model), setup.applied.film
    times = output_times(scenario.simulation)
    applied = setup.applied.applied_amount

    solver_ms, run = median_ms(lambda: solve_finite_dose(system, film, applied, times, wash_time=6.0), n)
    simulate_ms, result = median_ms(lambda: simulate(scenario), n)
    linear = scenario_from_dict({**SCENARIO, "formulation": {**SCENARIO["formulation"], "vehicle_physics": False,
                                                             "wash_time": None}})
    linear_ms, _ = median_ms(lambda: simulate(linear), n)
    s = result.summary
    print(f"finite dose with vehicle physics, 24 h, {system.size} nodes, {times.size} outputs, median of {n}")
    print(f"  solver   {solver_ms:7.2f} ms   ({run.steps} TR-BDF2 steps, mass balance {run.mass_balance_error:.1e})")
    print(f"  simulate {simulate_ms:7.2f} ms   (whole dermsim.simulate: setup, property look-ups, solve, Result)")
    print(f"  linear   {linear_ms:7.2f} ms   (no vehicle physics, exact eigen solver; ratio {simulate_ms / linear_ms:.2f})")
    print(f"  answer: liquid gone by {s['vehicle']['dried_by_h']:.3g} h, receptor {100 * s['fraction_of_dose']['permeated']:.3g} %, "
          f"washed {100 * s['fraction_of_dose']['washed']:.3g} %")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
