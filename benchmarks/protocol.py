"""A 12-month protocol with 6 sessions and twice-daily applications (issue #13 speed goal: ≤ 1 s), with the time
of each domain: schedules, session plans, product permeation runs, dermal collagen, and the Result.

The problem: examples/protocols/acne_scars_roller_1.5mm.toml (52 weeks, a 1.5 mm roller every 4 weeks × 6, a
niacinamide serum twice daily and right after each session: 734 applications, 3 distinct permeation runs; the
epidermis on the default 64 × 64 lattice).
Median of 5 runs after a warm-up (which loads the chemistry databases once). No peer tool simulates a course of
microneedling sessions. The lattice-path goal (within 5× of a tissue run of the same length) is timed on the
single-session example.
Run: ``.venv/bin/python benchmarks/protocol.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "protocols" / "acne_scars_roller_1.5mm.toml"


def main() -> None:
    import dermsim
    from dermsim.protocols import run as engine

    scenario = dermsim.load_scenario(EXAMPLE)
    dermsim.simulate(scenario)                                   # warm-up
    parts: dict[str, list[float]] = {k: [] for k in ("schedules", "session plans", "product runs", "collagen",
                                                     "epidermis (lattice)", "whole simulate()")}
    for _ in range(5):
        pr = scenario.protocol
        t0 = time.perf_counter()
        sessions = engine._events(pr.sessions, pr.duration, pr.start_weekday, "sessions")
        applications = engine._events(pr.applications, pr.duration, pr.start_weekday, "applications")
        t1 = time.perf_counter()
        _, plans = engine._plans(scenario)
        t2 = time.perf_counter()
        engine._run_applications(scenario, plans, sessions, applications, pr.duration, None)
        t3 = time.perf_counter()
        engine._collagen(scenario, plans, sessions, pr.duration)
        t4 = time.perf_counter()
        engine._tissue(scenario, plans, sessions, pr.duration)
        t5 = time.perf_counter()
        dermsim.simulate(scenario)
        t6 = time.perf_counter()
        for key, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            parts[key].append(dt)
    print(f"{EXAMPLE.name}: {len(sessions)} sessions, {len(applications)} applications, 364 days")
    for key, values in parts.items():
        goal = "   (goal ≤ 1 s)" if key.startswith("whole") else ""
        print(f"  {key:<20}{1e3 * float(np.median(values)):>9.1f} ms{goal}")
    lattice_vs_tissue()


def lattice_vs_tissue() -> None:
    """The protocol with the epidermis on the lattice against a tissue run of the same length and lattice (the
    single-session control example; goal: within 5×)."""
    import dermsim
    from dermsim.epidermis.tissue_spec import tissue_scenario_from_dict

    protocol = dermsim.load_scenario(ROOT / "examples" / "protocols" / "single_session_control.toml")
    days = protocol.protocol.duration / 24.0
    tissue = tissue_scenario_from_dict({"tissue": {"preset": "human-interfollicular", "lattice_size": 64,
                                                   "duration": f"{days!r} d", "output_interval": "1 d",
                                                   "time_step": "1 h", "seed": 1, "clone_snapshots": 0}})
    times = {}
    for name, sc in (("protocol with the lattice", protocol), ("tissue run alone", tissue)):
        samples = []
        for _ in range(3):
            t0 = time.perf_counter()
            dermsim.simulate(sc)
            samples.append(time.perf_counter() - t0)
        times[name] = float(np.median(samples))
    a, b = times["protocol with the lattice"], times["tissue run alone"]
    print(f"{protocol.title} ({days:g} days, 64 x 64 lattice): protocol {a:.2f} s, tissue run alone {b:.2f} s, "
          f"ratio {a / b:.2f} (goal ≤ 5)")


if __name__ == "__main__":
    sys.exit(main())
