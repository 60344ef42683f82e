"""``simulate(scenario) -> Result`` for every kind of scenario.

Every front end (CLI, Python API, later the web page and batch studies) builds a `dermsim.scenario`
model and calls `simulate`; the runner of each kind lives with its model and returns the one
`dermsim.results.Result` type.
"""

from __future__ import annotations

import importlib
from typing import Callable

#: Scenario kind -> "module:function" of its runner ``(scenario, progress) -> Result``.
RUNNERS = {
    "permeation": "dermsim.permeation.run:simulate_permeation",
    "tissue": "dermsim.epidermis.tissue_simulation:simulate_tissue",
    "clones": "dermsim.epidermis.clone_scenario:simulate_clones_scenario",
}


def simulate(scenario, progress: Callable[[float], None] | None = None):
    """Run ``scenario`` (any kind) and return its `Result`; writes nothing, draws nothing.

    Parameters
    ----------
    scenario : a model from `dermsim.load_scenario` / `dermsim.scenario.scenario_from_dict`
    progress : optional callable(fraction in [0, 1]) for progress bars
    """
    module, name = RUNNERS[scenario.kind].split(":")
    return getattr(importlib.import_module(module), name)(scenario, progress)
