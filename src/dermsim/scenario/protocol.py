"""The protocol scenario: a skin followed over weeks or months through a schedule of events.

    kind = "protocol"
    title = "Acne scars: six 1.5 mm roller sessions a month apart, hyaluronic acid serum after each"
    [skin]
    site = "face"
    age = 35
    [protocol]
    duration = "12 months"
    [[protocol.sessions]]                 # microneedle sessions: a [microneedle] table plus a schedule
    device = "roller-192-1.5mm"
    passes = 8
    treated_area = "100 cm^2"
    repeat = "every 4 weeks x 6"
    [[protocol.applications]]             # products: a compound and a [formulation] table plus a schedule
    name = "serum"
    compound = { name = "niacinamide" }
    formulation = { concentration = "5 %", dose = "2 mg/cm^2", vehicle = "water" }
    repeat = "twice daily"

A schedule is written once with a repetition rule: ``repeat`` ("once", "daily", "twice daily", "3 times daily",
"weekly", "every 4 weeks x 6") or the fields ``start``, ``every``, ``count``, ``until``, ``times`` (clock times
"08:00") and ``days`` (weekdays "mon", …; day 0 of the protocol is ``protocol.start_weekday``).
The epidermis is simulated on the spatial lattice (``tissue = "lattice"``, the default; ``lattice_size`` sites per
side, 64 by default: fast enough to be the default path, 0.7 s for a year with six sessions; ``tissue = "none"``
leaves it out; `dermsim.epidermis`), wounded by every session whose channels reach the basal layer, and exposed to
``[[protocol.sun]]`` (UV doses through a sunscreen), ``[[protocol.dry_air]]`` periods and a ``[protocol.sleep]``
shift of the daily rhythm, which need the lattice.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dermsim.scenario.edit import ScenarioMethods
from dermsim.scenario.permeation import CompoundSpec, FormulationSpec, MicroneedleTreatmentSpec
from dermsim.scenario.quantities import ArealMass, Hours, Time, TimeOrZero
from dermsim.scenario.spec import Spec

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Most events of one schedule (twice daily for ten years is 7,300).
MAX_EVENTS = 20_000


class Schedule(Spec):
    """When an event happens (times in h inside; see the module docstring)."""

    repeat: str | None = None
    start: TimeOrZero = 0.0
    every: Time | None = None
    count: int | None = Field(None, ge=1, le=MAX_EVENTS)
    until: Time | None = None
    times: list[str] | None = Field(None, min_length=1, max_length=24)
    days: list[Literal[WEEKDAYS]] | None = Field(None, min_length=1, max_length=7)


class SessionSpec(MicroneedleTreatmentSpec, Schedule):
    """A microneedle session repeated on a schedule (the fields of ``[microneedle]`` and of `Schedule`)."""


class ApplicationSpec(Schedule):
    """A product applied on a schedule: its compound and formulation as in a permeation scenario."""

    name: str | None = None
    compound: CompoundSpec
    formulation: FormulationSpec


class SunSpec(Schedule):
    """Sun exposures on a schedule: ``dose`` minimal erythema doses (MED) reaching unprotected skin each time,
    through a sunscreen of ``spf`` applied at ``sunscreen_amount`` (the SPF is labelled for 2 mg/cm²)."""

    dose: float = Field(gt=0, le=20)
    spf: float = Field(1.0, ge=1, le=100)
    sunscreen_amount: ArealMass = 2e-3                 # g/cm² (2 mg/cm², as labelled)


class DryAirSpec(Schedule):
    """Periods of dry air (low humidity) of ``duration`` each, on a schedule."""

    duration: Time


class SleepSpec(Spec):
    """A shifted sleep schedule: the skin's daily rhythm delayed by ``shift`` (h; e.g. "3 h" for sleeping 02:00-10:00
    instead of 23:00-07:00) from ``start`` on."""

    shift: Hours
    start: TimeOrZero = 0.0


class ProtocolSkinSpec(Spec):
    site: str = "face"
    age: float = Field(45.0, ge=18, le=100)
    hydration: Literal["dry", "normal", "hydrated"] | None = None


class ProtocolSpec(Spec):
    duration: Time
    start_weekday: Literal[WEEKDAYS] = "mon"
    tissue: Literal["none", "lattice"] = "lattice"   # the epidermis on the spatial lattice, or not simulated
    lattice_size: int = Field(64, ge=16, le=512)     # basal sites per side (64: 0.39 mm; ~0.15 s for 26 weeks)
    tissue_seed: int = Field(1, ge=0, le=2**31 - 1)
    sessions: list[SessionSpec] = Field([], max_length=50)
    applications: list[ApplicationSpec] = Field([], max_length=20)
    sun: list[SunSpec] = Field([], max_length=10)
    dry_air: list[DryAirSpec] = Field([], max_length=10)
    sleep: SleepSpec | None = None


class ProtocolScenario(ScenarioMethods, Spec):
    """A treatment protocol over weeks or months (see the module docstring)."""

    kind: Literal["protocol"] = "protocol"
    title: str = ""
    skin: ProtocolSkinSpec = ProtocolSkinSpec()
    protocol: ProtocolSpec
