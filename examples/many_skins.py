"""Many skins from Python: a virtual population, a sweep and a sensitivity study of caffeine on the forearm.

The same three studies as `dermsim population | sweep | sensitivity examples/population_caffeine_forearm.toml`,
through the Python API, each returning a Result that `save()` writes like the commands do. Run:
``python examples/many_skins.py [out_dir]`` (~10 s; in this process: ``engine="serial"``).
"""

import sys
from pathlib import Path

from dermsim import load_scenario
from dermsim.studies.population import run_population
from dermsim.studies.sensitivity import run_sensitivity
from dermsim.studies.sweep import run_sweep

HERE = Path(__file__).parent
scenario = load_scenario(HERE / "population_caffeine_forearm.toml")

# %% 2,000 virtual subjects: who gets the most into the basal layer?
population = run_population(scenario, engine="serial")
p = population.summary["figures"]["basal_cmax_ug_per_cm3"]
print(f"basal-layer peak: median {p['p50']:.3g}, 95th percentile {p['p95']:.3g} ug/cm^3 over "
      f"{population.summary['subjects']} subjects")

# %% a grid: concentration x stratum corneum thickness
sweep = run_sweep(scenario, ["formulation.concentration=1%..10%:4", "stratum_corneum.thickness=10..30 um:3"],
                  engine="serial")
for row in sweep.summary["table"]:
    print(f"{row['formulation.concentration']:>6} {row['stratum_corneum.thickness']:>8}: "
          f"basal peak {row['basal_cmax_ug_per_cm3']:.3g} ug/cm^3")

# %% which person-to-person difference drives the spread? (Sobol over the population's variability)
sensitivity = run_sensitivity(scenario, samples=256, engine="serial")
print(sensitivity.summary["answer"])

if __name__ == "__main__" and len(sys.argv) > 1:
    out = Path(sys.argv[1])
    for name, result in (("population", population), ("sweep", sweep), ("sensitivity", sensitivity)):
        result.save(out / name)
    print(f"wrote {out}/population, sweep, sensitivity")
