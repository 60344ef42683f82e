"""The ``[population]`` table of a permeation scenario: a virtual population of that scenario's skin.

    [population]
    subjects = 10000          # number of virtual subjects
    seed = 1                  # the same seed gives the same subjects, in process or on a cluster
    resolution = 0.5          # mesh resolution of each subject (default: the coarsest mesh whose reference subject
                              # is within mesh_tolerance = 0.02 of the scenario's own mesh)
    area = "100 cm^2"         # exposed area, for the systemic dose in ug (optional)
    hydration = { normal = 0.7, dry = 0.3 }   # subjects by stratum corneum hydration (default: the scenario's)
    [population.variability]  # overrides of the cited spreads (dermsim.studies.variability)
    stratum_corneum_thickness_cv = 0.3

No source gives the share of people with dry or hydrated skin for a given question, so the mix is the user's
(``hydration``); by default every subject has the scenario's hydration.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from dermsim.scenario.quantities import Area
from dermsim.scenario.spec import Spec

#: Most subjects of one run: 10⁷ (≈ 25 min on 2 cores; memory grows by ~0.1 kB per subject).
MAX_SUBJECTS = 10_000_000


class PopulationSpec(Spec):
    """A virtual population (see the module docstring)."""

    subjects: int = Field(1000, ge=1, le=MAX_SUBJECTS)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    resolution: float | None = Field(None, ge=0.25, le=16)
    mesh_tolerance: float = Field(0.02, gt=0, le=0.5)
    area: Area | None = None
    variability: dict[str, float] = {}
    hydration: dict[Literal["dry", "normal", "hydrated"], float] | None = None

    @field_validator("hydration")
    @classmethod
    def _fractions(cls, value):
        if value is not None:
            if any(not 0 <= f <= 1 for f in value.values()) or abs(sum(value.values()) - 1) > 1e-9:
                raise ValueError("fractions of the subjects in [0, 1] that add up to 1, e.g. {normal = 0.8, dry = 0.2}")
        return value
