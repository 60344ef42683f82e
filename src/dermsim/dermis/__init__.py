"""The dermis: collagen remodelling driven by injury (microneedle sessions).

Python API (modules load on first use)::

    from dermsim.dermis import session_injury, simulate_collagen
    j = session_injury("pen-12", "face", passes=3, depth_setting_mm=1.5).volume_fraction
    ds = simulate_collagen([(day, j) for day in (0, 30, 60, 90)], duration=365, age=55)
    ds["total"]          # dermal collagen relative to the subject's baseline, daily
"""

from __future__ import annotations

from dermsim.lazy import lazy_attributes

__all__ = ["simulate_collagen", "CollagenParameters", "CollagenModel", "synthesis_capacity",
           "baseline_collagen_content", "InjuryEvent", "DermalInjury", "dermal_injury", "session_injury"]

_LAZY = {
    "simulate_collagen": "dermsim.dermis.collagen",
    "CollagenParameters": "dermsim.dermis.collagen",
    "CollagenModel": "dermsim.dermis.collagen",
    "synthesis_capacity": "dermsim.dermis.collagen",
    "baseline_collagen_content": "dermsim.dermis.collagen",
    "InjuryEvent": "dermsim.dermis.injury",
    "DermalInjury": "dermsim.dermis.injury",
    "dermal_injury": "dermsim.dermis.injury",
    "session_injury": "dermsim.dermis.injury",
}


__getattr__ = lazy_attributes(__name__, _LAZY)
