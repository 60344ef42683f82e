"""The clones scenario: labelled basal clones under a cell-fate model (`dermsim epidermis clones` as a file).

Scenario file::

    kind = "clones"                      # optional when a [clones] table is present
    title = "mouse tail clones"
    [clones]
    preset = "clayton2007-mouse-tail"    # fate-rate preset (dermsim.epidermis.kinetics)
    clones = 100000
    duration = "52 week"                 # or times = ["1 week", "4 week", …], optionally output_every
    seed = 1
    [clones.rates]                       # optional: values replacing the preset's
    division_rate = "1.1 /week"
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from dermsim.scenario.quantities import Week, WeekOrZero
from dermsim.scenario.edit import ScenarioMethods
from dermsim.scenario.spec import Spec

#: Fate-rate fields a clones scenario may set (names of `dermsim.epidermis.kinetics.FateRates`).
RATE_FIELDS = ("division_rate", "symmetric_fraction", "stratification_rate", "shedding_rate", "stem_division_rate",
               "stem_symmetric_fraction", "progenitor_fate_imbalance")


class RatesSpec(Spec):
    """Fate rates replacing the preset's (rates with units, e.g. "1.1 /week"; fractions as numbers)."""

    division_rate: str | float | None = None
    symmetric_fraction: str | float | None = None
    stratification_rate: str | float | None = None
    shedding_rate: str | float | None = None
    stem_division_rate: str | float | None = None
    stem_symmetric_fraction: str | float | None = None
    progenitor_fate_imbalance: str | float | None = None


class ClonesSpec(Spec):
    """The ``[clones]`` table."""

    preset: str | None = None
    model: Literal["committed-progenitor", "stem-progenitor"] | None = None
    rates: RatesSpec = RatesSpec()
    initial: Literal["auto", "progenitor", "stem"] = "auto"
    clones: int = Field(100_000, gt=0, le=10_000_000)
    duration: Week | None = None
    times: list[WeekOrZero] | None = None
    output_every: Week | None = None
    seed: int | None = Field(None, ge=0)
    per_clone: bool = False

    @model_validator(mode="after")
    def _one_time_axis(self):
        if self.times is not None and (self.duration is not None or self.output_every is not None):
            raise ValueError("either times, or duration (with output_every), not both")
        return self

    @property
    def end(self) -> float | None:
        """Last output time (week) when no explicit times are given (default 52 weeks)."""
        return None if self.times is not None else (52.0 if self.duration is None else self.duration)


class ClonesScenario(ScenarioMethods, Spec):
    """Labelled basal clones: one cell-fate model, many independent clones."""

    kind: Literal["clones"] = "clones"
    title: str = ""
    clones: ClonesSpec = ClonesSpec()
