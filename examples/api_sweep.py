"""A concentration sweep from Python: how does the basal-layer exposure of niacinamide on the face scale with
the concentration of the serum?

Each step is a new scenario made by `replace` (validated like a scenario file) and run by the one `simulate`;
the swept scenarios can be written back as TOML with `to_toml`. Run: ``python examples/api_sweep.py [out_dir]``.
"""

import sys
from pathlib import Path

from dermsim import load_scenario, simulate

HERE = Path(__file__).parent

# %% the base scenario and the sweep
base = load_scenario(HERE / "niacinamide_serum_face.toml")
rows = []
for concentration in ("1 %", "2 %", "5 %", "10 %"):
    scenario = base.replace({"formulation.concentration": concentration, "simulation.duration": "8 h"})
    summary = simulate(scenario).summary
    rows.append((concentration, summary["basal_layer"]["cmax_ug_per_cm3"],
                 summary["cumulative_permeated_ug_per_cm2"]))

# %% the table (and, with an output folder, each swept scenario as a TOML file)
print(f"{'concentration':>13}  {'basal Cmax (ug/cm^3)':>20}  {'absorbed by 8 h (ug/cm^2)':>25}")
for concentration, cmax, permeated in rows:
    print(f"{concentration:>13}  {cmax:20.4g}  {permeated:25.4g}")

if __name__ == "__main__" and len(sys.argv) > 1:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for concentration, *_ in rows:
        name = f"niacinamide_{concentration.replace(' %', 'pct')}.toml"
        (out / name).write_text(base.replace({"formulation.concentration": concentration}).to_toml(), "utf-8")
