"""dermsim: a validated, open virtual skin.

Public API (heavy libraries are imported only when used)::

    from dermsim import load_scenario, simulate
    result = simulate(load_scenario("scenario.toml"))
    result.dataset          # xarray.Dataset with units and provenance
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Skin", "Compound", "Formulation", "Scenario", "load_scenario", "simulate", "load_result",
           "DermsimError", "InputError", "__version__"]

from dermsim.errors import DermsimError, InputError

_LAZY = {
    "Skin": ("dermsim.anatomy", "Skin"),
    "Compound": ("dermsim.chemistry.compound", "Compound"),
    "Formulation": ("dermsim.formulation", "Formulation"),
    "Scenario": ("dermsim.scenario", "Scenario"),
    "load_scenario": ("dermsim.scenario", "load_scenario"),
    "simulate": ("dermsim.simulation", "simulate"),
    "load_result": ("dermsim.results", "load_result"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'dermsim' has no attribute {name!r}")
