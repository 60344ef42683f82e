"""dermsim: a validated, open virtual skin.

Public API (heavy libraries are imported only when used)::

    from dermsim import load_scenario, simulate
    result = simulate(load_scenario("scenario.toml"))   # any kind: permeation, tissue, clones
    result.summary          # key figures (one schema per kind, dermsim.results.summary)
    result.dataset          # xarray.Dataset with units and provenance
    result.save("out")      # result.nc, summary.json, report.md, plots

Studies change a scenario with ``scenario.replace({"formulation.concentration": "2 %"})`` (a new scenario,
validated like a file) and write it back with ``scenario.to_toml()`` (units kept); see `dermsim.scenario.edit`.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["load_scenario", "scenario_from_dict", "simulate", "Result", "load_result", "Scenario",
           "PermeationScenario", "TissueScenario", "ClonesScenario", "Skin", "Compound", "Formulation",
           "DermsimError", "InputError", "__version__"]

from dermsim.errors import DermsimError, InputError

_LAZY = {
    "Skin": ("dermsim.anatomy", "Skin"),
    "Compound": ("dermsim.chemistry.compound", "Compound"),
    "Formulation": ("dermsim.formulation", "Formulation"),
    "Scenario": ("dermsim.scenario", "Scenario"),
    "PermeationScenario": ("dermsim.scenario", "PermeationScenario"),
    "TissueScenario": ("dermsim.scenario", "TissueScenario"),
    "ClonesScenario": ("dermsim.scenario", "ClonesScenario"),
    "load_scenario": ("dermsim.scenario", "load_scenario"),
    "scenario_from_dict": ("dermsim.scenario", "scenario_from_dict"),
    "simulate": ("dermsim.simulation", "simulate"),
    "Result": ("dermsim.results", "Result"),
    "load_result": ("dermsim.results", "load_result"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'dermsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API only (what ``from dermsim import *`` gives), not the module's plumbing."""
    return sorted(__all__)
