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
    "protocol": "dermsim.protocols.run:simulate_protocol",
}


def simulate(scenario, progress: Callable[[float], None] | None = None, *, max_memory: float | str | None = None,
             max_time: float | str | None = None):
    """Run ``scenario`` (any kind) and return its `Result`; writes nothing, draws nothing.

    Before anything is allocated, the run's memory and time are estimated from its sizes (`dermsim.budget`): a
    run that would not fit in the available memory (or ``max_memory``, bytes or "2 GB"), or would take longer
    than ``max_time`` (s or "10 min"), raises `InputError`. The result checks itself before it is returned
    (`dermsim.results.checks`: `ResultCheckError`).

    Parameters
    ----------
    scenario : a model from `dermsim.load_scenario` / `dermsim.scenario.scenario_from_dict`
    progress : optional callable(fraction in [0, 1]) for progress bars
    """
    from dermsim.budget import check_budget
    from dermsim.results.checks import check_result

    check_budget(scenario, max_memory=max_memory, max_time=max_time)
    module, name = RUNNERS[scenario.kind].split(":")
    result = getattr(importlib.import_module(module), name)(scenario, progress)
    check_result(result)
    return result
