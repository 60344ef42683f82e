"""The ``[population]`` table of a permeation scenario: a virtual population of that scenario's skin.

    [population]
    subjects = 10000          # number of virtual subjects
    seed = 1                  # the same seed gives the same subjects, in process or on a cluster
    resolution = 0.5          # mesh resolution of each subject (default: the coarsest mesh whose reference subject
                              # is within mesh_tolerance = 0.02 of the scenario's own mesh)
    area = "100 cm^2"         # exposed area, for the systemic dose in ug (optional)
    [population.variability]  # overrides of the cited spreads (dermsim.studies.variability)
    stratum_corneum_thickness_cv = 0.3
"""

from __future__ import annotations

from pydantic import Field

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
