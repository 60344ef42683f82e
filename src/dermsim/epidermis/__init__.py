"""Epidermal renewal: stochastic cell-fate kinetics of the basal layer, clones, and the spatial tissue above it.

Python API (modules load on first use)::

    from dermsim.epidermis import load_preset, simulate_clones, load_tissue_scenario, simulate_tissue
    clones = simulate_clones(load_preset("clayton2007-mouse-tail"), 100_000, duration=52, seed=1)
    tissue = simulate_tissue(load_tissue_scenario("examples/epidermis/epidermis_basal_loss_stem_cells.toml"))
"""

from __future__ import annotations

from dermsim.lazy import lazy_attributes

__all__ = ["load_preset", "list_presets", "fate_rates", "simulate_clones", "load_tissue_scenario",
           "simulate_tissue"]

_LAZY = {
    "load_preset": "dermsim.epidermis.kinetics",
    "list_presets": "dermsim.epidermis.kinetics",
    "fate_rates": "dermsim.epidermis.kinetics",
    "simulate_clones": "dermsim.epidermis.clones",
    "load_tissue_scenario": "dermsim.epidermis.tissue_spec",
    "simulate_tissue": "dermsim.epidermis.tissue_simulation",
}


__getattr__ = lazy_attributes(__name__, _LAZY)
