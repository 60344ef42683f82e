"""Parameters of the spatial epidermis: `TissueParameters` (every number the lattice uses, in day, µm and lattice
sites) and `tissue_parameters`, which derives them from a fate-rate preset (`dermsim.epidermis.kinetics`) and the
packaged tissue data ``parameters/epidermis_tissue.toml``, each number with its source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dermsim.epidermis.lattice_kernel import UNLIMITED
from dermsim.errors import InputError

PARAMETER_FILE = "epidermis_tissue"


@dataclass(frozen=True)
class TissueParameters:
    """Every number the lattice uses, in kernel units: day, µm, lattice sites.

    Parameters
    ----------
    shape : tuple of int
        (ny, nx) lattice sites; periodic in both directions.
    cell_spacing : float
        µm, distance between neighbouring basal sites (one basal cell per site).
    time_step : float
        day, tau-leap step Δt.
    stratification_rate : float
        Γb, 1/day: rate at which a basal progenitor leaves the basal layer (stem cells do not stratify).
    exhausted_stratification_rate : float
        ΓB, 1/day: the same for a progenitor whose repair budget is used up (post-mitotic; ≥ Γb).
    stem_fraction : float
        Initial fraction of sites holding stem cells (dimensionless).
    stem_division_weight : float
        wS, weight of a stem neighbour relative to a progenitor when a vacancy is refilled (dimensionless).
    stem_symmetric_fraction : float
        rS: a homeostatic stem division gives SS with probability rS, PP with rS, SP otherwise.
    repair_division_rate : float
        λR, 1/day: division rate of a progenitor next to free basement membrane.
    stem_repair_division_rate : float
        1/day, the same for a stem cell.
    progenitor_repair_divisions : int
        G, divisions into free space a progenitor lineage may make (`UNLIMITED` = 255: no limit).
    stem_self_renewal_in_repair : float
        Probability that the daughter of a stem cell dividing into free space is a stem cell.
    edge_speed : float
        v, µm/day, speed of the re-epithelialisation front over an open wound.
    migration_lag : float
        day, delay between wounding and the start of migration.
    recruitment_radius : float
        µm, cells covering a wound come from tissue within this distance.
    spinous_transit, granular_transit, stratum_corneum_transit : float
        day, fixed times a stratified cell spends in each suprabasal layer before it is shed.
    basal_layer_thickness : float
        µm, thickness of the basal layer.
    viable_suprabasal_cell_volume : float
        µm³, volume of one spinous or granular cell (thickness = cells per area × volume).
    corneocyte_area, stratum_corneum_layer_thickness : float
        µm², µm: SC cell layers = corneocytes per area × area; SC thickness = layers × layer thickness.
    recovery_threshold : float
        Fraction of the pre-perturbation value that counts as recovered.
    sources : dict
        Parameter name → source string.
    """

    shape: tuple[int, int]
    cell_spacing: float
    time_step: float
    stratification_rate: float
    exhausted_stratification_rate: float
    stem_fraction: float
    stem_division_weight: float
    stem_symmetric_fraction: float
    repair_division_rate: float
    stem_repair_division_rate: float
    progenitor_repair_divisions: int
    stem_self_renewal_in_repair: float
    edge_speed: float
    migration_lag: float
    recruitment_radius: float
    spinous_transit: float
    granular_transit: float
    stratum_corneum_transit: float
    basal_layer_thickness: float
    viable_suprabasal_cell_volume: float
    corneocyte_area: float
    stratum_corneum_layer_thickness: float
    recovery_threshold: float = 0.95
    sources: dict = field(default_factory=dict, compare=False)

    @property
    def n_sites(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def site_area(self) -> float:
        """µm² of basement membrane per basal site."""
        return self.cell_spacing ** 2

    @property
    def transit_steps(self) -> tuple[int, int, int]:
        """Spinous, granular and SC transits in whole time steps (each at least 1)."""
        return tuple(max(1, round(t / self.time_step))
                     for t in (self.spinous_transit, self.granular_transit, self.stratum_corneum_transit))

    @property
    def basal_production_rate(self) -> float:
        """Cells leaving the basal layer per basal cell at steady state, 1/day."""
        return self.stratification_rate * (1 - self.stem_fraction)

    def to_dict(self) -> dict:
        """JSON-able record: each number with its unit and source."""
        units = {"cell_spacing": "um", "time_step": "day", "stratification_rate": "1/day",
                 "repair_division_rate": "1/day", "stem_repair_division_rate": "1/day", "edge_speed": "um/day",
                 "migration_lag": "day", "recruitment_radius": "um", "spinous_transit": "day",
                 "granular_transit": "day", "stratum_corneum_transit": "day", "basal_layer_thickness": "um",
                 "viable_suprabasal_cell_volume": "um^3", "corneocyte_area": "um^2",
                 "stratum_corneum_layer_thickness": "um"}
        out: dict[str, Any] = {"shape": list(self.shape)}
        for f in self.__dataclass_fields__:
            if f in ("shape", "sources"):
                continue
            out[f] = {"value": getattr(self, f), "unit": units.get(f, ""), "source": self.sources.get(f, "")}
        return out


def tissue_data(section: str, key: str, unit: str) -> tuple[float, str]:
    """(value in ``unit``, source) of the entry ``[section] key`` of ``parameters/epidermis_tissue.toml``.

    ``unit`` is the unit the caller works in (``""`` for a dimensionless number); the file may write the entry in
    any unit of the same dimension (`dermsim.parameters.Parameter.to`).
    """
    from dermsim.parameters import load

    entry = load(PARAMETER_FILE)[section][key]
    return float(entry.to(unit)), entry.source


def tissue_parameters(rates, shape: Sequence[int], time_step: float, *, stem_fraction: float | None = None,
                      **overrides: float) -> TissueParameters:
    """Lattice parameters for fate rates ``rates`` (a `kinetics.FateRates`) and the packaged tissue data.

    Parameters
    ----------
    rates : FateRates
        Basal kinetics; rates per week.
    shape : (int, int)
        Lattice sites (ny, nx).
    time_step : float
        day.
    stem_fraction : float, optional
        Fraction of basal cells that are stem cells. Default: stem-progenitor presets, their steady stem
        share of all basal cells (``rates.stem_fraction × rates.progenitor_fraction``); committed-progenitor
        presets, 0.
    **overrides
        Any `TissueParameters` field in kernel units (day, µm), e.g. ``cell_spacing=8.0``.

    Notes
    -----
    Γb = production / (1 − stem fraction), where production = ``rates.basal_production_rate`` (per basal
    cell): basal cells leave at the preset's rate although stem cells never stratify. The stem neighbour weight is
    λS/λ for stem-progenitor presets and 1 otherwise. Suprabasal transits are the human trunk values, scaled for
    other presets by their suprabasal residence 1/μ.
    """
    src: dict[str, str] = {}
    values: dict[str, Any] = {}

    def take(section, key, unit):
        values[key], src[key] = tissue_data(section, key, unit)

    density, dsrc = tissue_data("lattice", "basal_cell_density", "1/um^2")
    values["cell_spacing"], src["cell_spacing"] = 1 / math.sqrt(density), f"[derived] 1/sqrt(density); {dsrc}"
    for key in ("viable_suprabasal_transit", "stratum_corneum_transit", "human_suprabasal_residence"):
        take("suprabasal", key, "day")
    share, share_src = tissue_data("suprabasal", "granular_share_of_viable_transit", "")
    scale, scale_src = 1.0, "human trunk values"
    human_residence = values.pop("human_suprabasal_residence")
    if rates.name != "human-interfollicular" and rates.shedding_rate > 0:
        scale = 7 / rates.shedding_rate / human_residence
        scale_src = (f"[derived] thin: human trunk transit scaled by (1/mu of {rates.name} = "
                     f"{7 / rates.shedding_rate:.1f} d) / {human_residence:g} d, i.e. the human proportions")
    viable = values.pop("viable_suprabasal_transit") * scale
    vsrc = src.pop("viable_suprabasal_transit")
    values["spinous_transit"] = viable * (1 - share)
    values["granular_transit"] = viable * share
    values["stratum_corneum_transit"] *= scale
    src["spinous_transit"] = (f"[derived] viable suprabasal transit x (1 - granular share); {vsrc}; {share_src}; "
                              f"{scale_src}")
    src["granular_transit"] = f"[derived] viable suprabasal transit x granular share; {share_src}; {scale_src}"
    src["stratum_corneum_transit"] += f"; {scale_src}"
    take("thickness", "basal_layer_thickness", "um")
    take("thickness", "viable_suprabasal_cell_volume", "um^3")
    take("thickness", "corneocyte_area", "um^2")
    take("thickness", "stratum_corneum_layer_thickness", "um")
    cycle, csrc = tissue_data("repair", "repair_cycle_time", "day")
    values["repair_division_rate"], src["repair_division_rate"] = 1 / cycle, f"[derived] 1/cycle time; {csrc}"
    factor, fsrc = tissue_data("repair", "stem_repair_rate_factor", "")
    values["stem_repair_division_rate"] = factor / cycle
    src["stem_repair_division_rate"] = f"[derived] factor x repair division rate; {fsrc}"
    take("repair", "stem_self_renewal_in_repair", "")
    take("repair", "edge_speed", "um/day")
    take("repair", "migration_lag", "day")
    take("repair", "recruitment_radius", "um")
    take("repair", "recovery_threshold", "")

    if stem_fraction is None:
        stem_fraction = rates.stem_fraction * rates.progenitor_fraction if rates.model == "stem-progenitor" else 0.0
        src["stem_fraction"] = ("[derived] steady stem share of basal cells of the preset (stem fraction of "
                                "proliferating cells x progenitor fraction)" if stem_fraction else
                                "committed-progenitor preset: no separate stem compartment")
    else:
        src["stem_fraction"] = "scenario input"
    if not 0 <= stem_fraction < 1:
        raise InputError("stem_fraction", stem_fraction, "a fraction in [0, 1)")
    production = rates.basal_production_rate / 7
    values["stratification_rate"] = production / (1 - stem_fraction)
    values["exhausted_stratification_rate"] = max(rates.stratification_rate / 7, values["stratification_rate"])
    src["exhausted_stratification_rate"] = (f"[derived] post-mitotic (B) stratification rate Gamma of preset "
                                            f"{rates.name} (at least the average rate)")
    src["stratification_rate"] = (f"[derived] basal production {production:.4g}/day per basal cell of preset "
                                  f"{rates.name} / (1 - stem fraction); stem cells do not stratify")
    if rates.model == "stem-progenitor" and rates.division_rate > 0:
        values["stem_division_weight"] = rates.stem_division_rate / rates.division_rate
        src["stem_division_weight"] = "[derived] lambdaS / lambda of the preset"
        values["stem_symmetric_fraction"] = rates.stem_symmetric_fraction
        src["stem_symmetric_fraction"] = rates.sources.get("stem_symmetric_fraction", "preset")
    else:
        values["stem_division_weight"] = 1.0
        src["stem_division_weight"] = ("thin: no stem division rate in a committed-progenitor preset; "
                                       "1 = like progenitors")
        values["stem_symmetric_fraction"] = 0.0
        src["stem_symmetric_fraction"] = "committed-progenitor preset: stem divisions asymmetric"
    if stem_fraction > 0:
        g, gsrc = tissue_data("repair", "progenitor_repair_divisions", "")
        values["progenitor_repair_divisions"], src["progenitor_repair_divisions"] = int(g), gsrc
    else:
        values["progenitor_repair_divisions"] = UNLIMITED
        src["progenitor_repair_divisions"] = "no stem cells: progenitors are the self-renewing population (no limit)"
    for key, value in overrides.items():
        if key not in TissueParameters.__dataclass_fields__ or key in ("shape", "sources"):
            raise InputError("tissue parameter", key, ", ".join(values), list(values))
        values[key] = value
        src[key] = "scenario input"
    return TissueParameters(shape=(int(shape[0]), int(shape[1])), time_step=float(time_step),
                            stem_fraction=float(stem_fraction), sources=src, **values)
