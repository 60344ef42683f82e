"""The summary schema: one typed summary per result kind, one meaning and one type per key.

Every `Result` carries a summary validated against the schema of its kind (`SUMMARIES`); summary.json is
that summary. Keys shared by the kinds (`kind`, `title`, `dermsim_version`, `answer`, `notes`) mean the
same everywhere. A permeation run with a microneedle treatment has the same keys as one without — the
top-level values describe the run as specified (with needles) and the comparison without needles, the
enhancement ratios and the treatment plan sit in the ``microneedle`` section, which is null otherwise.

Units are in the key names (``_ug_per_cm2``, ``_h``, ``_um``); fractions are 0–1.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator


class Section(BaseModel):
    """A summary table: unknown keys are refused, so a key cannot appear without being declared here."""

    model_config = ConfigDict(extra="forbid")


class BasalExposure(Section):
    """Exposure of the basal layer (mean concentration over the deepest 10 µm of the viable epidermis)."""

    cmax_ug_per_cm3: float
    tmax_h: float
    auc_ug_h_per_cm3: float
    concentration_end_ug_per_cm3: float
    threshold_ug_per_cm3: float | None
    time_to_threshold_h: float | None
    threshold_reached: bool | None


class FractionOfDose(Section):
    """Where the applied amount (finite dose) is at the end, as fractions of it."""

    permeated: float
    in_skin: float
    in_vehicle: float
    evaporated: float
    washed: float = 0.0


class GuidelineCategories(Section):
    """The fate of a finite dose in the categories of OECD TG 428 / SCCS, as fractions of the applied dose
    (`dermsim.permeation.exposure`)."""

    dislodgeable: float
    tape_strips_1_2: float
    rest_of_stratum_corneum: float
    epidermis: float
    dermis: float
    other_layers: float
    receptor: float
    evaporated: float
    potentially_absorbable: float
    mass_balance: float


class VehicleSection(Section):
    """The vehicle as modelled (composition, solubility of the solute, drying, deposit)."""

    description: str
    density_g_per_cm3: float
    solubility_ug_per_cm3: float
    water_solubility_ug_per_cm3: float
    saturation_at_application: float
    dried_by_h: float | None
    dissolved_end_ug_per_cm2: float | None
    deposit_end_ug_per_cm2: float | None
    solute_vapour_pressure_Pa: float | None
    occluded: bool


class Outcome(Section):
    """Delivery of one variant of a run (here: the same formulation on intact skin, without needles)."""

    cumulative_permeated_ug_per_cm2: float
    delivered_past_stratum_corneum_ug_per_cm2: float
    amount_in_layer_end_ug_per_cm2: dict[str, float]
    basal_layer: BasalExposure | None


class EnhancementRatios(Section):
    """With / without needles at the end of the run (None where the without-needle value is 0)."""

    past_stratum_corneum: float | None
    permeated: float | None
    basal_auc: float | None
    parallel_pathway: float | None


class ReleaseSection(Section):
    """What a patch carrying the compound (coated, dissolving, hydrogel, hollow) released into its channels."""

    kind: str
    load_ug_per_cm2: float
    time_constant_h: float
    lag_h: float
    dissolved_capacity_ug_per_cm2: float | None
    released_by_end_ug_per_cm2: float
    released_by_end_fraction: float | None


class MicroneedleSection(Section):
    """The treatment, the comparison without needles and where the compound ends up."""

    mode: Literal["pretreatment", "coated", "dissolving", "hydrogel", "hollow"]
    delay_h: float
    plan: dict[str, Any]
    open_fraction_at_end: float
    delivered_past_stratum_corneum_ug_per_cm2: float
    without_needles: Outcome
    enhancement_ratio: EnhancementRatios
    release: ReleaseSection | None
    where_it_is_at_end_ug_per_cm2: dict[str, float]
    where_it_is_at_end_fraction: dict[str, float]


class Summary(Section):
    """Keys every summary has."""

    kind: str
    title: str
    dermsim_version: str
    answer: str
    notes: list[str]


class PermeationSummary(Summary):
    """Permeation of one compound from one formulation, with or without a microneedle treatment."""

    kind: Literal["permeation", "microneedle"]
    compound: str | None
    site: str
    hydration: str
    in_vivo: bool
    receptor: Literal["sink", "finite", "blood"]
    dose: Literal["infinite", "finite"]
    duration_h: float
    vehicle_concentration_ug_per_cm3: float
    applied_amount_ug_per_cm2: float | None
    qspr_model: str
    kp_cm_per_h: float | None
    log10_kp_cm_per_h: float | None
    kp_vehicle: str
    lag_time_h: float | None
    steady_flux_ug_per_cm2_per_h: float | None
    cumulative_permeated_ug_per_cm2: float
    amount_in_layer_end_ug_per_cm2: dict[str, float]
    basal_layer: BasalExposure | None
    fraction_of_dose: FractionOfDose | None
    guideline_categories: GuidelineCategories | None
    vehicle: VehicleSection | None
    limits: list[str]
    mass_balance_relative_error: float
    solver: str
    microneedle: MicroneedleSection | None

    @model_validator(mode="after")
    def _section_matches_kind(self):
        if (self.kind == "microneedle") != (self.microneedle is not None):
            raise ValueError("the microneedle section is present exactly when kind is 'microneedle'")
        return self


class TissueSummary(Summary):
    """Spatial epidermis run: lattice, states, transit times, recovery of each perturbed region."""

    kind: Literal["tissue"]
    lattice: dict[str, Any]
    initial_state: dict[str, Any]
    final_state: dict[str, Any]
    transit: dict[str, Any]
    pulse_chase: dict[str, Any] | None
    recovery: list[dict[str, Any]]
    circadian: dict[str, Any] | None
    invariants: dict[str, Any]
    preset: dict[str, Any]
    tissue_parameters: dict[str, Any]
    perturbations: list[dict[str, Any]]


class ClonesSummary(Summary):
    """Labelled basal clones: fate rates, settings, key figures at the last time, exact-law comparison."""

    kind: Literal["clones"]
    fate_rates: dict[str, Any]
    settings: dict[str, Any]
    definitions: dict[str, Any]
    key_figures: dict[str, Any]
    exact_comparison: list[dict[str, Any]]
    citations: list[str]


class Percentiles(Section):
    """5th, 50th and 95th percentiles and the mean of one figure over the subjects (its unit in its key)."""

    p5: float
    p50: float
    p95: float
    mean: float


class PopulationSummary(Summary):
    """A virtual population of one permeation scenario: percentiles of every figure over the subjects."""

    kind: Literal["population"]
    compound: str | None
    site: str
    dose: Literal["infinite", "finite"]
    receptor: Literal["sink", "finite", "blood"]
    duration_h: float
    subjects: int
    seed: int
    engine: Literal["serial", "dask"]
    variability: dict[str, Any]
    figures: dict[str, Percentiles]
    systemic_dose_ug: Percentiles | None
    area_cm2: float | None
    resolution_check: dict[str, Any]


class SweepSummary(Summary):
    """A sweep: the design and the figures of its points."""

    kind: Literal["sweep"]
    design: Literal["grid", "lhs"]
    seed: int | None
    points: int
    engine: Literal["serial", "dask"]
    resolution: float
    varied: list[dict[str, Any]]
    range: dict[str, dict[str, float]]
    resolution_check: dict[str, Any]
    table: list[dict[str, Any]]
    table_complete: bool


class SensitivitySummary(Summary):
    """A global sensitivity study: the parameters, the design and the indices of each figure."""

    kind: Literal["sensitivity"]
    method: Literal["sobol", "morris"]
    samples: int
    second_order: bool | None
    runs: int
    seed: int
    engine: Literal["serial", "dask"]
    resolution: float
    resolution_check: dict[str, Any]
    parameters: list[dict[str, Any]]
    indices: dict[str, dict[str, dict[str, float]] | None]


class ProtocolSummary(Summary):
    """A treatment protocol over weeks: sessions, products, dermal collagen, risk over the course."""

    kind: Literal["protocol"]
    site: str
    age_years: float
    duration_days: float
    sessions: list[dict[str, Any]]
    applications: list[dict[str, Any]]
    collagen: dict[str, Any]
    risk: dict[str, Any]
    epidermis: dict[str, Any] | None
    sun: list[dict[str, Any]]
    actives: list[dict[str, Any]]
    not_coupled: list[str]


class ClaimsSummary(Summary):
    """Claims about skin care, each with its experiment, the model's numbers, the evidence and a verdict."""

    kind: Literal["claims"]
    claims: list[dict[str, Any]]
    verdicts: dict[str, int]


#: Result kind -> its summary schema.
SUMMARIES: dict[str, type[Summary]] = {"permeation": PermeationSummary, "microneedle": PermeationSummary,
                                       "tissue": TissueSummary, "clones": ClonesSummary,
                                       "population": PopulationSummary, "sweep": SweepSummary,
                                       "sensitivity": SensitivitySummary, "protocol": ProtocolSummary,
                                       "claims": ClaimsSummary}


def validated(kind: str, summary: dict) -> dict:
    """``summary`` checked against the schema of ``kind`` and returned as JSON-able data in schema order.

    Raises ValueError (a programming error, not bad user input) when a key is missing, unknown or of the
    wrong type.
    """
    from dermsim.results.files import json_safe

    schema = SUMMARIES[kind]
    return schema.model_validate(json_safe(summary)).model_dump(mode="json")
