"""Cell-fate kinetics of the basal layer: rates, presets and their steady-state implications.

Two stochastic models of interfollicular epidermis are supported. Rates are per week throughout.

``committed-progenitor`` (Clayton et al. 2007; Klein et al. 2007)::

    A --λ·r-------> A + A        progenitor (A) divisions at rate λ, symmetric fraction r
    A --λ·(1−2r)--> A + B
    A --λ·r-------> B + B
    B --Γ---------> C            post-mitotic basal cell B stratifies
    C --μ---------> ∅            suprabasal cell C is shed

``stem-progenitor`` (Mascré et al. 2012, in the notation of the Piedrafita et al. 2020 code)::

    S --λS·rS--------> S + S     slow stem cells S
    S --λS·(1−2rS)---> S + A
    S --λS·rS--------> A + A
    A --λ·r·(1−Δ)----> A + A     progenitors with fate imbalance Δ (progenitors alone decline)
    A --λ·(1−2r)-----> A + B
    A --λ·r·(1+Δ)----> B + B
    B --Γ------------> C,   C --μ--> ∅

Steady state (population averages): with ω = 2λrΔ, S/A = ω/λS and B/A = λ(1+2rΔ)/Γ, so the proliferating
fraction of basal cells is ρ = (S+A)/(S+A+B); for the committed-progenitor model ρ = Γ/(λ+Γ). Each division adds
one cell, so basal production per basal cell is Γ(1−ρ) (= λρ for committed progenitors), the basal turnover time
is 1/(Γ(1−ρ)), the mean suprabasal residence is 1/μ (exponential shedding) and the steady suprabasal:basal cell
ratio is Γ(1−ρ)/μ.

Presets (``parameters/epidermis_kinetics.toml``, every number with its source): ``clayton2007-mouse-tail``, the
Piedrafita et al. 2020 maximum-likelihood fits (mouse tail interscale, ear, back, paw; fitted with gamma-distributed
cycle times, simulated here with exponential ones), ``doupe2012-mouse-oesophagus``, ``mascre2012-stem-progenitor``
and ``human-interfollicular``, a committed-progenitor calibration to human cell-kinetic data (λ from the 311 h
germinative cycle, ρ = 0.6 growth fraction, μ from cell counts) whose r is unmeasured in human skin: its value is a
placeholder (the mouse tail 0.08) to be overridden. The mouse shedding rates μ are thin (one suprabasal:basal ratio
measured in mouse back skin, applied to every site); they only affect suprabasal and total counts.

References
----------
Clayton E et al. 2007 Nature 446:185. Klein AM, Doupé DP, Jones PH, Simons BD 2007 Phys Rev E 76:021910.
Mascré G et al. 2012 Nature 489:257. Piedrafita G et al. 2020 Nat Commun 11:1429 (and its SI code).
Weinstein GD et al. 1985 J Invest Dermatol; Heenen M, Galand P 1997 Dermatology 194:313 (human calibration).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dermsim.errors import InputError

MODELS = ("committed-progenitor", "stem-progenitor")
PARAMETER_FILE = "epidermis_kinetics"
RATE_UNIT = "1/week"

#: Fields that are rates (per week) and fields that are dimensionless fractions.
RATE_FIELDS = ("division_rate", "stratification_rate", "shedding_rate", "stem_division_rate")
FRACTION_FIELDS = ("symmetric_fraction", "stem_symmetric_fraction", "progenitor_fate_imbalance")
STEM_FIELDS = ("stem_division_rate", "stem_symmetric_fraction", "progenitor_fate_imbalance")
NUMBER_FIELDS = ("division_rate", "symmetric_fraction", "stratification_rate", "shedding_rate") + STEM_FIELDS
REQUIRED = {
    "committed-progenitor": ("division_rate", "symmetric_fraction", "stratification_rate"),
    "stem-progenitor": ("division_rate", "symmetric_fraction", "stratification_rate", "stem_division_rate",
                        "stem_symmetric_fraction"),
}


#: Largest fate rate, 1/week: 1 /h. The fastest mammalian cell cycles (early embryos, activated lymphocytes) take
#: 4-8 h and epidermal ones days to weeks; a faster rate is a unit mistake (and would never finish).
MAX_RATE = 168.0


def _check_number(name: str, value: float, given: Any = None) -> None:
    """Raise `InputError` (showing ``given``, the user's spelling, if any) unless ``value`` is allowed."""
    shown = value if given is None else given
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(name, shown, "a finite number")
    if name in RATE_FIELDS and not 0 <= value <= MAX_RATE:
        raise InputError(name, shown, f"a rate from 0 to {MAX_RATE:g} {RATE_UNIT} (1 /h)")
    if name in ("symmetric_fraction", "stem_symmetric_fraction") and not 0 <= value <= 0.5:
        raise InputError(name, shown, "a fraction in [0, 0.5] (P(AA) = P(BB) = r, P(AB) = 1 − 2r)")
    if name == "progenitor_fate_imbalance" and not -1 <= value <= 1:
        raise InputError(name, shown, "a fate imbalance in [−1, 1]")


@dataclass(frozen=True)
class FateRates:
    """Cell-fate rates of one epidermis (see the module docstring for the reactions).

    Parameters
    ----------
    name : str
        Preset name (e.g. ``"clayton2007-mouse-tail"``) or ``"custom"``.
    model : str
        ``"committed-progenitor"`` or ``"stem-progenitor"``.
    division_rate : float
        λ, progenitor (A) divisions per progenitor, 1/week.
    symmetric_fraction : float
        r, dimensionless in [0, 0.5]: P(AA) = P(BB) = r, P(AB) = 1 − 2r (committed-progenitor); in the
        stem-progenitor model P(AA) = r(1−Δ), P(BB) = r(1+Δ).
    stratification_rate : float
        Γ, rate at which a post-mitotic basal cell B leaves the basal layer, 1/week.
    shedding_rate : float
        μ, rate at which a suprabasal cell C is lost (only affects total clone size), 1/week.
    stem_division_rate : float
        λS, stem-cell divisions per stem cell, 1/week (stem-progenitor only, else 0).
    stem_symmetric_fraction : float
        rS, dimensionless in [0, 0.5]: P(SS) = P(AA) = rS, P(SA) = 1 − 2rS (stem-progenitor only, else 0).
    progenitor_fate_imbalance : float
        Δ, dimensionless in [−1, 1], bias of progenitor divisions towards BB (stem-progenitor only, else 0).
    sources : Mapping[str, str]
        Field name → source string (packaged presets carry the literature source of each number).
    description : str
        One line on what the preset represents.
    """

    name: str
    model: str
    division_rate: float
    symmetric_fraction: float
    stratification_rate: float
    shedding_rate: float
    stem_division_rate: float = 0.0
    stem_symmetric_fraction: float = 0.0
    progenitor_fate_imbalance: float = 0.0
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    description: str = ""

    def __post_init__(self):
        if self.model not in MODELS:
            raise InputError("model", self.model, " | ".join(MODELS), MODELS)
        for name in NUMBER_FIELDS:
            _check_number(name, getattr(self, name))
            object.__setattr__(self, name, float(getattr(self, name)))
        if self.model == "committed-progenitor":
            for name in STEM_FIELDS:
                if getattr(self, name) != 0:
                    raise InputError(name, getattr(self, name), "0 for the committed-progenitor model "
                                     "(stem parameters need model = 'stem-progenitor')")
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    def __getstate__(self) -> dict:   # picklable (sent to the plot worker): the read-only view as a plain dict
        return self.__dict__ | {"sources": dict(self.sources)}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state | {"sources": MappingProxyType(state["sources"])})

    # -- steady-state implications -------------------------------------------------------------------------------
    @property
    def _stem_per_progenitor(self) -> float:
        """Steady S/A ratio ω/λS with ω = 2λrΔ (0 in the committed-progenitor model)."""
        if self.model == "committed-progenitor":
            return 0.0
        omega = 2 * self.division_rate * self.symmetric_fraction * self.progenitor_fate_imbalance
        if self.stem_division_rate == 0:
            return math.inf if omega > 0 else 0.0
        return max(omega, 0.0) / self.stem_division_rate

    @property
    def progenitor_fraction(self) -> float:
        """ρ, steady-state fraction of proliferating cells (A, and S if any) among basal cells.

        Committed-progenitor: ρ = Γ/(λ+Γ). Stem-progenitor: ρ = (1 + S/A)/(1 + S/A + B/A) with S/A = ω/λS,
        B/A = λ(1+2rΔ)/Γ. NaN when undefined (λ = Γ = 0).
        """
        s_per_a = self._stem_per_progenitor
        b_per_a_times_gamma = self.division_rate * (1 + 2 * self.symmetric_fraction * self.progenitor_fate_imbalance)
        if math.isinf(s_per_a):
            return 1.0
        if self.stratification_rate == 0:
            return math.nan if b_per_a_times_gamma == 0 else 0.0
        b_per_a = b_per_a_times_gamma / self.stratification_rate
        return (1 + s_per_a) / (1 + s_per_a + b_per_a)

    @property
    def stem_fraction(self) -> float:
        """Steady-state fraction of stem cells among proliferating basal cells, ω/(ω+λS) (0 for committed
        progenitors). It is also the chance that a uniformly labelled proliferating cell is a stem cell
        (Piedrafita et al. 2020, SI eq. 7)."""
        s_per_a = self._stem_per_progenitor
        return 1.0 if math.isinf(s_per_a) else s_per_a / (1 + s_per_a)

    @property
    def basal_production_rate(self) -> float:
        """Cells leaving the basal layer per basal cell at steady state, Γ(1−ρ) (= λρ for CP), 1/week."""
        rho = self.progenitor_fraction
        return self.stratification_rate * (1 - rho) if self.stratification_rate else 0.0

    @property
    def basal_turnover_time(self) -> float:
        """Basal cells / production = 1/(Γ(1−ρ)), week (inf if nothing leaves)."""
        p = self.basal_production_rate
        return 1 / p if p > 0 else math.inf

    @property
    def post_mitotic_basal_residence(self) -> float:
        """Mean time a post-mitotic basal cell B waits before stratifying, 1/Γ, week."""
        return 1 / self.stratification_rate if self.stratification_rate > 0 else math.inf

    @property
    def suprabasal_residence(self) -> float:
        """Mean time from stratification to shedding, 1/μ, week (inf without shedding)."""
        return 1 / self.shedding_rate if self.shedding_rate > 0 else math.inf

    @property
    def basal_to_shed_transit(self) -> float:
        """Tissue turnover time: basal turnover + suprabasal residence, week."""
        return self.basal_turnover_time + self.suprabasal_residence

    @property
    def suprabasal_to_basal_ratio(self) -> float:
        """Steady suprabasal:basal cell ratio Γ(1−ρ)/μ (inf without shedding)."""
        p = self.basal_production_rate
        if self.shedding_rate > 0:
            return p / self.shedding_rate
        return math.inf if p > 0 else 0.0

    # -- helpers -------------------------------------------------------------------------------------------------
    def replace(self, **overrides: Any) -> FateRates:
        """A copy with some numbers changed (values parsed like `fate_rates`); their source becomes
        "user input"."""
        parsed = _parse_numbers(overrides)
        sources = dict(self.sources)
        for key in parsed:
            sources[key] = "user input"
        model = overrides.get("model", self.model)
        name = self.name if not parsed or self.name.endswith("(modified)") else f"{self.name} (modified)"
        return dataclasses.replace(self, **parsed, model=model, name=name, sources=sources)

    def to_dict(self) -> dict:
        """JSON-able record: every number with its unit and source."""
        out: dict[str, Any] = {"name": self.name, "model": self.model, "description": self.description}
        fields = NUMBER_FIELDS if self.model == "stem-progenitor" else NUMBER_FIELDS[:4]
        for key in fields:
            out[key] = {"value": getattr(self, key), "unit": RATE_UNIT if key in RATE_FIELDS else "",
                        "source": self.sources.get(key, "")}
        return out


def _parse_numbers(values: Mapping[str, Any]) -> dict[str, float]:
    """Rates may be numbers (1/week) or quantity strings ("1.1 /week", "0.2 /day"); fractions are numbers."""
    from dermsim.units import to_internal

    out = {}
    for key, given in values.items():
        if key == "model":
            continue
        if key not in NUMBER_FIELDS:
            raise InputError("fate rate", key, ", ".join(NUMBER_FIELDS), NUMBER_FIELDS)
        value = given
        if key in RATE_FIELDS:
            value = to_internal(given, key, RATE_UNIT)
        elif isinstance(given, str):
            try:
                value = float(given)
            except ValueError:
                raise InputError(key, given, "a dimensionless number") from None
        _check_number(key, value, given)
        out[key] = float(value)
    return out


def _presets():
    """The ``[presets]`` table of ``parameters/epidermis_kinetics.toml`` (a `dermsim.parameters.ParameterTable`)."""
    from dermsim.parameters import load

    return load(PARAMETER_FILE)["presets"]


def list_presets() -> list[str]:
    """Names of the packaged fate-rate presets."""
    return list(_presets())


def load_preset(name: str) -> FateRates:
    """The packaged preset ``name`` (see `list_presets`); an unknown name raises `InputError` with close matches."""
    from dermsim.parameters import Parameter

    presets = _presets()
    if name not in presets:
        raise InputError("preset", name, ", ".join(presets), list(presets))
    table = presets[name]
    entries = {k: v for k, v in table.items() if isinstance(v, Parameter)}
    numbers = {k: p.to(RATE_UNIT if k in RATE_FIELDS else "") for k, p in entries.items()}
    return FateRates(name=name, model=table["model"], description=table.get("description", ""),
                     sources={k: p.source for k, p in entries.items()}, **numbers)


def fate_rates(model: str, name: str = "custom", **values: Any) -> FateRates:
    """Fate rates from user values, validated.

    Parameters
    ----------
    model : str
        ``"committed-progenitor"`` (needs ``division_rate``, ``symmetric_fraction``, ``stratification_rate``) or
        ``"stem-progenitor"`` (also ``stem_division_rate``, ``stem_symmetric_fraction``; optional
        ``progenitor_fate_imbalance``, default 0).
    name : str
        Label stored with the rates.
    **values
        Field values: rates as numbers in 1/week or quantity strings ("1.1 /week", "0.16 /day"); fractions as
        numbers. ``shedding_rate`` defaults to 0 (suprabasal cells are never shed).

    Raises
    ------
    InputError
        Unknown model or field, missing required field, r outside [0, 0.5], negative rate, bad unit.
    """
    if model not in MODELS:
        raise InputError("model", model, " | ".join(MODELS), MODELS)
    missing = [k for k in REQUIRED[model] if k not in values]
    if missing:
        raise InputError(missing[0], None, f"a value (the {model} model needs {', '.join(REQUIRED[model])})",
                         problem="missing")
    numbers = _parse_numbers(values)
    numbers.setdefault("shedding_rate", 0.0)
    sources = {k: "user input" for k in numbers}
    if "shedding_rate" not in values:
        sources["shedding_rate"] = "not given: 0 (suprabasal cells are never shed)"
    return FateRates(name=name, model=model, sources=sources, **numbers)


def resolve_rates(preset: str | None = None, model: str | None = None, **values: Any) -> FateRates:
    """Rates from a preset (with any given values replacing the preset's) or, without a preset, from user values
    (`fate_rates`; model default ``"committed-progenitor"``). Values that are None are ignored."""
    values = {k: v for k, v in values.items() if v is not None}
    if preset is None:
        return fate_rates(model or "committed-progenitor", **values)
    rates = load_preset(preset)
    if model is not None and model != rates.model:
        raise InputError("model", model, f"{rates.model!r} (the model of preset {preset!r}) or no model")
    return rates.replace(**values) if values else rates
