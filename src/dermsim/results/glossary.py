"""The glossary of summary keys: every key of every result kind with its unit and meaning, generated from the
summary schemas (`dermsim.results.summary.SUMMARIES`) and the meanings below.

The schema gives the keys, their types and whether they may be null; `MEANINGS` gives what each one means (what
null means too, for every key that may be null). Units follow from the key name (``_ug_per_cm2``, ``_h``,
``_day``, …) or open the meaning in brackets (``[fraction of the dose]``). Keys inside the free-form sections of
the tissue and clones summaries (``dict`` in the schema) are listed under their section, ``*`` standing for a
name (a layer, a parameter). ``python -m dermsim.results.glossary`` rewrites ``docs/glossary.md``; a test fails
when a key has no meaning or the committed page is stale.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

#: Key-name endings and the unit they state (longest first).
UNIT_SUFFIXES = (("_ug_h_per_cm3", "ug·h/cm³"), ("_ug_per_cm2_per_h", "ug/(cm²·h)"), ("_ug_per_cm2", "ug/cm²"),
                 ("_ug_per_cm3", "ug/cm³"), ("_g_per_cm3", "g/cm³"), ("_cm_per_h", "cm/h"), ("_per_mm2", "1/mm²"),
                 ("_per_week", "1/week"), ("_mm2", "mm²"), ("_cm2", "cm²"), ("_um", "µm"), ("_Pa", "Pa"),
                 ("_days", "d"), ("_day", "d"), ("_week", "week"), ("_h", "h"))

_SAME_AT_EVERY_KIND = {
    "kind": "result kind: permeation, microneedle (permeation with a treatment), tissue, clones, population, sweep, "
            "sensitivity, protocol or claims",
    "title": "the scenario's title (empty when it has none)",
    "dermsim_version": "dermsim version that produced the result",
    "answer": "the short answer printed by the command, in words with units",
    "notes": "assumptions and defaults the run made, in words",
}

_BASAL = {
    "cmax_ug_per_cm3": "highest mean concentration in the basal layer (deepest 10 µm of the viable epidermis)",
    "tmax_h": "time of cmax after application",
    "auc_ug_h_per_cm3": "area under the basal-layer concentration over the run (trapezoid)",
    "concentration_end_ug_per_cm3": "mean basal-layer concentration at the end of the run",
    "threshold_ug_per_cm3": "the basal threshold asked for (simulation.basal_threshold); null: none asked",
    "time_to_threshold_h": "first time the basal layer reaches the threshold; null: not reached, or no threshold",
    "threshold_reached": "whether the threshold was reached within the run; null: no threshold asked",
}
_OUTCOME = {
    "cumulative_permeated_ug_per_cm2": "amount per area that reached the receptor (in vitro) or blood (in vivo) "
                                       "by the end",
    "delivered_past_stratum_corneum_ug_per_cm2": "amount per area below the stratum corneum at the end (viable "
                                                 "skin, channels, receptor or blood)",
    "amount_in_layer_end_ug_per_cm2": "amount per area in each skin layer at the end (by layer name)",
    "basal_layer": "basal-layer exposure (the keys of basal_layer above); null: the skin has no basal layer "
                   "(explicit layers, a membrane without viable epidermis)",
}

_PERMEATION = {
    **_SAME_AT_EVERY_KIND,
    "compound": "compound name (null: given by properties only, without a name)",
    "site": "body site or in-vitro membrane (`dermsim sites list`)",
    "hydration": "stratum corneum hydration state: dry, normal or hydrated",
    "in_vivo": "true: living skin cleared by blood; false: an in-vitro membrane over a receptor",
    "receptor": "what takes up what crosses the skin: sink, finite (a well-mixed receptor volume) or blood",
    "dose": "infinite (the vehicle concentration stays constant) or finite (an amount per area that is depleted)",
    "duration_h": "length of the run",
    "vehicle_concentration_ug_per_cm3": "concentration of the compound dissolved in the vehicle at application",
    "applied_amount_ug_per_cm2": "amount of the compound applied per area (finite dose, or the needles' load); "
                                 "null: an infinite dose",
    "qspr_model": "model of the stratum corneum transport properties (kasting-chen, potts-guy, mitragotri-2002) or "
                  "'explicit layers'",
    "kp_cm_per_h": "permeability coefficient of this skin from the vehicle named in kp_vehicle, as an infinite dose "
                   "at steady state (for a finite dose a property for comparison, not of the run); 0: impermeable; "
                   "null: not defined",
    "log10_kp_cm_per_h": "[log10 cm/h] log10 of kp_cm_per_h; null: kp is 0 or not defined",
    "kp_vehicle": "the vehicle kp refers to (kp changes with the vehicle through the vehicle/skin partition)",
    "lag_time_h": "lag time of this skin as an infinite-dose membrane (intercept of the steady cumulative line); for "
                  "a finite dose a property for comparison, not a time of the run; null: not defined (impermeable)",
    "steady_flux_ug_per_cm2_per_h": "steady-state flux of an infinite dose, kp × vehicle concentration; null: a "
                                    "finite dose (no steady state)",
    "cumulative_permeated_ug_per_cm2": _OUTCOME["cumulative_permeated_ug_per_cm2"],
    "amount_in_layer_end_ug_per_cm2": _OUTCOME["amount_in_layer_end_ug_per_cm2"],
    "basal_layer": _OUTCOME["basal_layer"],
    **{f"basal_layer.{k}": v for k, v in _BASAL.items()},
    "fraction_of_dose": "where the applied amount is at the end; null: an infinite dose",
    "fraction_of_dose.permeated": "[fraction of the dose] into the receptor or blood",
    "fraction_of_dose.in_skin": "[fraction of the dose] in the skin layers (and needle channels)",
    "fraction_of_dose.in_vehicle": "[fraction of the dose] left on the surface (dissolved or deposited)",
    "fraction_of_dose.evaporated": "[fraction of the dose] evaporated",
    "fraction_of_dose.washed": "[fraction of the dose] washed off",
    "guideline_categories": "fate of a finite dose in the OECD TG 428 / SCCS categories; null: an infinite dose",
    "guideline_categories.dislodgeable": "[fraction of the dose] on the surface at the end (wiped or washed off in "
                                         "the test), including what was washed off",
    "guideline_categories.tape_strips_1_2": "[fraction of the dose] in the two outermost tape strips of the stratum "
                                            "corneum (counted as not absorbed)",
    "guideline_categories.rest_of_stratum_corneum": "[fraction of the dose] in the deeper stratum corneum",
    "guideline_categories.epidermis": "[fraction of the dose] in the viable epidermis",
    "guideline_categories.dermis": "[fraction of the dose] in the dermis",
    "guideline_categories.other_layers": "[fraction of the dose] in other layers (hypodermis, explicit layers)",
    "guideline_categories.receptor": "[fraction of the dose] in the receptor fluid or blood",
    "guideline_categories.evaporated": "[fraction of the dose] evaporated",
    "guideline_categories.potentially_absorbable": "[fraction of the dose] receptor + dermis + epidermis + deeper "
                                                   "stratum corneum (SCCS convention)",
    "guideline_categories.mass_balance": "[fraction of the dose] sum of all categories (1 when the balance closes)",
    "vehicle": "the vehicle as modelled; null: no vehicle physics (explicit layers, vehicle_physics = false, no "
               "known solubility)",
    "vehicle.description": "vehicle composition in words",
    "vehicle.density_g_per_cm3": "density of the vehicle",
    "vehicle.solubility_ug_per_cm3": "solubility of the compound in the vehicle at application",
    "vehicle.water_solubility_ug_per_cm3": "solubility of the compound in water at the vehicle pH",
    "vehicle.saturation_at_application": "[fraction] concentration / solubility at application (> 1: a suspension)",
    "vehicle.dried_by_h": "time at which the liquid film was gone; null: never within the run (infinite dose, "
                          "occluded, or still liquid at the end)",
    "vehicle.dissolved_end_ug_per_cm2": "amount per area still dissolved on the surface at the end; null: no "
                                        "drying film (infinite dose)",
    "vehicle.deposit_end_ug_per_cm2": "amount per area left as a solid or separate phase on the surface at the "
                                      "end; null: no drying film (infinite dose)",
    "vehicle.solute_vapour_pressure_Pa": "vapour pressure of the compound at skin temperature; null: unknown (no "
                                         "evaporation of the compound)",
    "vehicle.occluded": "whether the site is covered (no evaporation)",
    "limits": "what limits the answer, in words (solubility, drying, deposit, evaporation, wash-off, sink)",
    "mass_balance_relative_error": "[fraction of the dose or supplied amount] closure error of the mass balance",
    "solver": "solver used (exact-eigen, tr-bdf2, with drying film, 2D channel cell, ...)",
    "microneedle": "the microneedle treatment and the comparison without needles; null: no [microneedle] table",
    "microneedle.mode": "how the needles are used: pretreatment, coated, dissolving, hydrogel, hollow",
    "microneedle.delay_h": "time between the treatment and applying the formulation",
    "microneedle.plan": "the treatment plan, the keys of `dermsim microneedle plan --json` (units in the key names)",
    "microneedle.plan.*": "a key of the treatment plan (`dermsim microneedle plan --json`; units in the key names)",
    "microneedle.open_fraction_at_end": "[fraction] of the channels' initial openness left at the end of the run",
    "microneedle.delivered_past_stratum_corneum_ug_per_cm2": "with needles: amount per area below the stratum "
                                                             "corneum at the end",
    "microneedle.without_needles": "the same formulation on intact skin (the keys below)",
    **{f"microneedle.without_needles.{k}": v for k, v in _OUTCOME.items()},
    **{f"microneedle.without_needles.basal_layer.{k}": v for k, v in _BASAL.items()},
    "microneedle.enhancement_ratio": "with / without needles at the end of the run",
    "microneedle.enhancement_ratio.past_stratum_corneum": "[ratio] of the amounts below the stratum corneum; null: "
                                                          "none without needles",
    "microneedle.enhancement_ratio.permeated": "[ratio] of the amounts permeated; null: none without needles",
    "microneedle.enhancement_ratio.basal_auc": "[ratio] of the basal-layer AUCs; null: none without needles or no "
                                               "basal layer",
    "microneedle.enhancement_ratio.parallel_pathway": "[ratio] estimated by the parallel-pathway model; null: not "
                                                      "computed",
    "microneedle.release": "what a patch carrying the compound released; null: pretreatment (nothing carried)",
    "microneedle.release.kind": "release kind: coated, dissolving, hydrogel, hollow",
    "microneedle.release.load_ug_per_cm2": "amount carried by the needles per area of skin",
    "microneedle.release.time_constant_h": "first-order release time constant (0: released at once)",
    "microneedle.release.lag_h": "time before release starts (hydrogel swelling)",
    "microneedle.release.dissolved_capacity_ug_per_cm2": "most the channel fluid can hold dissolved; null: no limit",
    "microneedle.release.released_by_end_ug_per_cm2": "amount released by the end",
    "microneedle.release.released_by_end_fraction": "[fraction of the load] released by the end; null: no load",
    "microneedle.where_it_is_at_end_ug_per_cm2": "with needles: amount per area in each compartment at the end",
    "microneedle.where_it_is_at_end_fraction": "[fraction of the applied amount] in each compartment at the end",
}

_PARAMETER = "[its unit key] the value with its unit and source"
_STATE = {
    "cells_per_mm2.*": "[1/mm²] cells per area of skin in each layer (basal, spinous, granular, stratum_corneum)",
    "cells_per_basal_site.*": "[cells per basal site] cells in each layer per lattice site",
    "layer_thickness_um.*": "thickness of each layer",
    "viable_epidermis_thickness_um": "basal + spinous + granular thickness",
    "epidermal_thickness_um": "viable epidermis + stratum corneum thickness",
    "stratum_corneum_cell_layers": "[cell layers] corneocyte layers of the stratum corneum",
}
_RECOVERY_QUANTITIES = ("coverage: fraction of the region's basal sites covered by epithelium (a basal loss under "
                        "an intact suprabasal cover leaves it at 1); basal_density: basal cells per site; "
                        "stem_fraction: stem cells per site; viable_suprabasal and stratum_corneum: cells per site in "
                        "those layers; basal_deficit: share of the removed basal cells replaced anywhere in the "
                        "lattice. All relative to the whole lattice just before the event")

_TISSUE = {
    **_SAME_AT_EVERY_KIND,
    "lattice": "the basal lattice",
    "lattice.shape": "[sites] rows and columns of basal sites",
    "lattice.cell_spacing_um": "distance between neighbouring basal sites",
    "lattice.area_mm2": "skin area of the lattice",
    "lattice.duration_day": "length of the run",
    "lattice.time_step_day": "time step of the lattice",
    "lattice.seed": "random seed (null: none given, a fresh one each run)",
    "initial_state": "the tissue at the start (keys as final_state)",
    "final_state": "the tissue at the end",
    **{f"{state}.{k}": v for state in ("initial_state", "final_state") for k, v in _STATE.items()},
    "transit": "transit times at steady state",
    "transit.basal_turnover_day": "basal cells / basal production; null: no production",
    "transit.spinous_day": "time in the spinous layer",
    "transit.granular_day": "time in the granular layer",
    "transit.stratum_corneum_day": "time in the stratum corneum",
    "transit.suprabasal_day": "spinous + granular + stratum corneum",
    "transit.expected_mean_basal_to_shed_day": "basal turnover + suprabasal transit; null: no production",
    "transit.note": "how the transit times are defined",
    "pulse_chase": "a labelled cohort followed through the layers; null: no label_pulse in the scenario",
    "pulse_chase.label_time_day": "day the cohort was labelled",
    "pulse_chase.cohort_cells": "[cells] cells labelled",
    "pulse_chase.removed_by_perturbations_fraction": "[fraction of the cohort] removed by perturbations",
    "pulse_chase.left_basal_layer_day.*": "day by which 5 %, 50 %, 95 % of the cohort had left the basal layer "
                                          "(null: not within the run)",
    "pulse_chase.entered_stratum_corneum_day.*": "day by which 5 %, 50 %, 95 % had entered the stratum corneum "
                                                 "(null: not within the run)",
    "pulse_chase.shed_day.*": "day by which 5 %, 50 %, 95 % had been shed (null: not within the run)",
    "pulse_chase.stratum_corneum_transit_day": "median time from entering the stratum corneum to being shed",
    "pulse_chase.mean_basal_to_shed_day": "mean time from labelling to shedding",
    "pulse_chase.median_basal_to_shed_day": "median time from labelling to shedding",
    "recovery": "one entry per perturbed region (basal loss, microneedle wound, UV, tape strip, ...)",
    "recovery[].kind": "perturbation kind",
    "recovery[].label": "the region in words",
    "recovery[].time_day": "day of the event",
    "recovery[].sites": "[sites] basal sites in the region",
    "recovery[].outcome.*": "each quantity in words: 'recovered after X d', 'not recovered by the end (Y % of "
                            "baseline)', 'not affected' (never below its recovery threshold) or 'not applicable' "
                            "(none before the event). Quantities: " + _RECOVERY_QUANTITIES,
    "recovery[].recovery_time_day": "days after the event at which each quantity was back at its recovery "
                                    "threshold (tissue_parameters.recovery_threshold; coverage 0.999); null for the "
                                    "whole table: nothing tracked",
    "recovery[].recovery_time_day.*": "days after the event until recovered; 0: never fell below the threshold (not "
                                      "affected); null: not recovered by the end, or not applicable (see outcome)",
    "recovery[].end_fraction_of_baseline.*": "[fraction of baseline] the quantity in the region at the end, relative "
                                             "to before the event; null: not applicable (none before)",
    "recovery[].minimum.*": "lowest value of the quantity after the event: value [fraction of baseline] and "
                            "day_after [d]",
    "recovery[].baseline_per_site.*": "[per site] lattice-wide value just before the event: cells (basal), stem, "
                                      "viable_suprabasal, stratum_corneum",
    "circadian": "the daily rhythm of basal divisions; null: no circadian perturbation",
    "circadian.m_phase_peak_parameter_h": "[h of the day] M-phase peak asked for",
    "circadian.s_phase_peak_parameter_h": "[h of the day] S-phase peak asked for",
    "circadian.amplitude_parameter": "[fraction] relative amplitude asked for",
    "circadian.m_phase_peak_simulated_h": "[h of the day] M-phase peak fitted to the simulated divisions",
    "circadian.s_phase_peak_simulated_h": "[h of the day] S-phase peak fitted to the simulated divisions",
    "circadian.amplitude_simulated": "[fraction] relative amplitude fitted to the simulated divisions",
    "circadian.divisions_counted": "[divisions] divisions in the fit",
    "circadian.shift_h": "shift of the rhythm (e.g. a shifted sleep schedule); null: none",
    "circadian.shift_time_day": "day of the shift; null: none",
    "circadian.note": "how the phases are measured",
    "invariants": "checks of the lattice bookkeeping",
    "invariants.basal_cells_start": "[cells] basal cells at the start",
    "invariants.basal_cells_end": "[cells] basal cells at the end",
    "invariants.stratifications_without_neighbour": "[events] stratifications that found no suprabasal column "
                                                    "(should be 0)",
    "invariants.column_overflow_cells": "[cells] cells lost to full columns (should be 0)",
    "preset": "the fate-rate preset: name, model, description, and each rate",
    "preset.*": _PARAMETER + " (`dermsim epidermis presets --json`)",
    "tissue_parameters": "every lattice parameter",
    "tissue_parameters.*": _PARAMETER + "; shape: rows and columns of sites",
    "perturbations": "the perturbations as run",
    "perturbations[].kind": "perturbation kind",
    "perturbations[].values.*": "[kernel units: d, µm, ...] each value of the perturbation as run",
    "perturbations[].sources.*": "where each value came from (scenario input or a parameter source)",
}

_CLONES = {
    **_SAME_AT_EVERY_KIND,
    "fate_rates": "the fate rates used: name, model, description, and each rate",
    "fate_rates.*": _PARAMETER,
    "settings": "how the clones were simulated",
    "settings.clones": "[clones] number of labelled clones",
    "settings.seed": "random seed (null: none given)",
    "settings.initial": "founding cell: progenitor or stem",
    "settings.times_week": "output times",
    "definitions": "what each clone statistic counts",
    "definitions.*": "a definition in words",
    "key_figures": "clone statistics at the last output time",
    "key_figures.time_week": "the last output time",
    "key_figures.*": "a statistic: value, se (its standard error), and where known the exact value (exact), its "
                     "long-time limit or steady state. Survivals are [fractions of the clones], sizes [cells]",
    "key_figures.steady_state.*": "steady-state properties of the fate model (units in the key names)",
    "exact_comparison": "simulated statistics against the exact laws of the model",
    "exact_comparison[].quantity": "the statistic",
    "exact_comparison[].law": "the exact law",
    "exact_comparison[].time_week": "output time",
    "exact_comparison[].exact": "value of the exact law",
    "exact_comparison[].simulated": "simulated value",
    "exact_comparison[].se": "standard error of the simulated value",
    "exact_comparison[].z": "[standard errors] (simulated − exact) / se",
    "citations": "publications of the model and the rates",
}

_FIGURE = ("a figure of every skin, named with its unit: systemic_ug_per_cm2 (into the receptor or blood by the end), "
           "absorbed_percent (finite doses), basal_cmax/tmax/auc/end, in_skin_end_ug_per_cm2, flux_end_ug_per_cm2_per_h "
           "(over the last output interval)")
_STUDY = {
    **_SAME_AT_EVERY_KIND,
    "engine": "where the batches ran: serial (this process) or dask (a local or remote Dask cluster)",
    "resolution": "mesh resolution of every skin (1 = dermsim's default mesh)",
    "seed": "random seed of the design (null: a grid has none)",
    "resolution_check": "the reference skin (the scenario's own values) on the scenario's mesh and on the batch's",
    "resolution_check.scenario_resolution": "the scenario's mesh resolution",
    "resolution_check.resolution": "the batch's mesh resolution",
    "resolution_check.grading": "widest-to-narrowest cell ratio within a layer of the batch's mesh",
    "resolution_check.nodes": "[cells] of the batch's mesh",
    "resolution_check.worst_relative_difference": "largest relative difference of a figure between the two meshes "
                                                  "(the time of the basal peak left out: it jumps on a plateau)",
    "resolution_check.tolerance": "the tolerance the batch's mesh was chosen for (null: a resolution was given)",
    "resolution_check.figures.*": "a figure of the reference skin on both meshes (scenario_mesh, batch_mesh) and "
                                  "their relative difference",
}
_POPULATION = {
    **_STUDY,
    "compound": "compound name (null: an unnamed solute)",
    "site": "body site or membrane of the scenario",
    "dose": "infinite or finite",
    "receptor": "sink, finite (well-mixed receptor) or blood (in vivo)",
    "subjects": "[subjects] number of virtual subjects",
    "duration_h": "simulated time after application",
    "variability": "the spreads the subjects were drawn from",
    "variability.cv.*": "coefficient of variation of a lognormal factor of mean 1 on the site's preset value",
    "variability.thickness_correlation": "correlation of the stratum corneum and viable epidermis thickness factors",
    "variability.sigma_ln.*": "σ of the log of each sampled factor (the SC diffusivity's is what the kp spread leaves "
                              "after the SC thickness spread)",
    "variability.sources.*": "where each spread comes from (a publication, or 'scenario override')",
    "variability.hydration.*": "[fraction of the subjects] with each stratum corneum hydration (the scenario's "
                               "population.hydration, else all at the scenario's)",
    "figures": "percentiles over the subjects of every figure",
    "figures.*": _FIGURE + "; p5, p50, p95 (percentiles) and mean over the subjects",
    "systemic_dose_ug": "[ug] percentiles of the systemic amount times the exposed area; null: no population.area",
    "systemic_dose_ug.*": "[ug] p5, p50, p95 or mean",
    "area_cm2": "exposed skin area (null: not given, so no systemic dose in ug)",
}
_SWEEP = {
    **_STUDY,
    "design": "grid (every combination of the lists) or lhs (Latin hypercube over the ranges)",
    "points": "[points] number of design points",
    "varied": "the fields varied, as given",
    "varied[].path": "the field (a scenario path, or a model layer's field such as stratum_corneum.thickness)",
    "varied[].values": "the values of a grid (null: a Latin hypercube range)",
    "varied[].low": "low end of the range, with its unit (null: a list was given)",
    "varied[].high": "high end of the range, with its unit (null: a list was given)",
    "varied[].log": "spaced or sampled evenly in log",
    "range": "min and max of every figure over the points",
    "range.*": _FIGURE + "; its min and max over the points",
    "table": "the points with their fields and figures (the first 200; result.nc and table.csv hold all)",
    "table[].*": "a varied field (as given) or a figure of the point",
    "table_complete": "whether the table lists every point",
}
_SENSITIVITY = {
    **_STUDY,
    "seed": "random seed of the Sobol or Morris sample",
    "method": "sobol (Saltelli sampling, first and total indices) or morris (elementary effects)",
    "samples": "Sobol base sample N or Morris trajectories r",
    "second_order": "whether Sobol second-order indices were computed (null: Morris)",
    "runs": "[runs] model runs of the design",
    "parameters": "the parameters and how each was drawn",
    "parameters[].path": "the field",
    "parameters[].distribution": "uniform, loguniform (over low..high) or lognormal factor (mean 1, σ(ln) = sigma_ln)",
    "parameters[].low": "low end of the range in unit (null: a lognormal factor)",
    "parameters[].high": "high end of the range in unit (null: a lognormal factor)",
    "parameters[].sigma_ln": "σ of the log of a lognormal factor (null: a range)",
    "parameters[].unit": "unit of low and high",
    "indices": "indices of every figure by parameter (null: the figure did not change over the design)",
    "indices.*": "per parameter: Sobol first, first_conf, total, total_conf (95 % bootstrap half-widths) or Morris "
                 "mu_star, mu_star_conf, sigma (in the figure's unit); null: the figure did not change",
}

_PROTOCOL = {
    **_SAME_AT_EVERY_KIND,
    "site": "body site of the protocol's skin",
    "age_years": "age of the skin",
    "duration_days": "length of the protocol",
    "sessions": "every microneedle session of the course, in order",
    "sessions[].session": "session number (1 = first)",
    "sessions[].time_day": "when it happens",
    "sessions[].table": "which [[protocol.sessions]] table it comes from (0 = first)",
    "sessions[].device": "the device",
    "sessions[].deepest_layer_reached": "layer the channels end in",
    "sessions[].effective_depth_um": "channel depth",
    "sessions[].channels_per_cm2": "distinct channels per cm² of treated skin",
    "sessions[].total_channels": "[channels] distinct channels over the treated area",
    "sessions[].dermal_volume_fraction": "fraction of the dermis volume within the wound-signal radius of the channels (drives the collagen model)",
    "sessions[].expected_bleeding_points": "[points] expected bleeding points over the treated area",
    "sessions[].pain_percent_of_26g_needle": "pain relative to one 26-G needle insertion",
    "sessions[].infection_risk_index": "relative infection index (1 = 100 non-decontaminated punctures open 1 h); not "
                                       "an incidence",
    "sessions[].wound_surface_area_cm2": "summed channel surface area",
    "sessions[].barrier_recovery_time_h": "time for the barrier to recover after the session",
    "sessions[].home_use_flags": "warnings for home use, each with its source",
    "applications": "every product over the course",
    "applications[].product": "product name",
    "applications[].applications": "[applications] times it is applied",
    "applications[].after_needling": "[applications] of them while channels of a session were open",
    "applications[].basal_cmax_intact_ug_per_cm3": "highest basal-layer peak of an application on intact skin; "
                                                   "null: never applied on intact skin (or no basal layer)",
    "applications[].basal_cmax_after_needling_ug_per_cm3": "highest basal-layer peak of an application with open "
                                                           "channels; null: never applied right after needling",
    "applications[].basal_cmax_ratio_after_needling": "[–] the two peaks' ratio; null: one of them is missing",
    "applications[].course_basal_auc_ug_h_per_cm3": "basal-layer AUC summed over the applications (each followed until "
                                                    "the next); null: no basal layer",
    "applications[].course_systemic_ug_per_cm2": "amount reaching the blood summed over the applications; null: none",
    "applications[].course_applied_ug_per_cm2": "amount applied over the course; null: an infinite dose",
    "collagen": "dermal collagen over the course (dermsim.dermis.collagen)",
    "collagen.total_change_end_percent": "total collagen at the end relative to the subject's baseline",
    "collagen.peak_change_percent": "largest change of total collagen",
    "collagen.peak_day": "[day] when it is largest",
    "collagen.labile_end": "[fraction of baseline total collagen] labile (type III-rich) pool at the end",
    "collagen.mature_end": "[fraction of baseline total collagen] mature (type I-rich) pool at the end",
    "collagen.model": "the model and what in it is fitted",
    "risk": "risk over the course",
    "risk.course": "sums over the sessions",
    "risk.course.sessions": "[sessions] number of sessions",
    "risk.course.expected_bleeding_points": "[points] summed over the sessions",
    "risk.course.wound_surface_area_cm2": "summed over the sessions",
    "risk.course.infection_risk_index_max": "largest relative infection index of a session",
    "risk.course.infection_risk_index_sum": "summed relative infection index",
    "risk.course.reaches_dermis": "whether a session's channels reach the dermis",
    "risk.course.home_use_flags": "every home-use warning of the course, once",
    "risk.published_rates": "published adverse-event counts of comparable clinical courses (empty: none applies)",
    "risk.published_rates[].id": "entry of parameters/adverse_events.toml",
    "risk.published_rates[].event": "the adverse event",
    "risk.published_rates[].events": "[patients] with the event",
    "risk.published_rates[].patients": "[patients] in the series",
    "risk.published_rates[].rate": "[fraction] events / patients",
    "risk.published_rates[].rate_95ci": "[fraction] Jeffreys 95 % interval",
    "risk.published_rates[].course": "the course the series had",
    "risk.published_rates[].source": "publication",
    "risk.published_rates_apply": "to which courses the published rates apply",
    "risk.no_data": "questions with no published numbers",
    "epidermis": "the epidermal lattice over the course (null: protocol.tissue = 'none')",
    "epidermis.model": "the tissue model",
    "epidermis.sessions_without_basal_wound": "sessions whose channels end above the basal layer (no wound)",
    "epidermis.*": "start, end and lowest value (and its day) of the epidermal thickness (um), the basal density "
                   "(cells/mm²) and the stratum corneum cell layers (the barrier proxy)",
    "sun": "each [[protocol.sun]] table as run",
    "sun[].dose_med": "[MED] minimal erythema doses reaching unprotected skin per exposure",
    "sun[].spf": "labelled sun protection factor (1: none)",
    "sun[].sunscreen_amount_mg_per_cm2": "sunscreen applied (the SPF is labelled for 2 mg/cm²)",
    "sun[].effective_dose_med": "[MED] dose reaching the skin per exposure: dose / SPF^(amount / 2 mg/cm²) (Faurschou "
                                "& Wulf 2007)",
    "sun[].exposures": "[exposures] over the protocol",
    "actives": "what each product does once it reaches the skin (parameters/active_effects.toml)",
    "actives[].product": "product name",
    "actives[].compound": "its compound",
    "actives[].effect": "modelled, or no data (no cited concentration-response: only the delivery is simulated)",
    "actives[].evidence": "why, with the source",
    "not_coupled": "parts of a protocol not yet simulated (said, not ignored)",
}

_CLAIMS = {
    **_SAME_AT_EVERY_KIND,
    "claims": "each claim tested",
    "claims[].claim": "the claim, as people make it",
    "claims[].experiment": "what was run on dermsim's models",
    "claims[].model.*": "the experiment's numbers (units in the key names; recovery times in days, null: not "
                        "recovered by the end or not applicable)",
    "claims[].evidence": "what the cited literature says",
    "claims[].verdict": "supported, partly supported, not supported or no data",
    "claims[].rule": "how the verdict follows from the numbers",
    "verdicts": "how many claims got each verdict",
    "verdicts.*": "[claims] with each verdict",
}

#: Result kind -> key path -> meaning (``[unit] meaning`` where the key name states no unit).
MEANINGS: dict[str, dict[str, str]] = {"permeation": _PERMEATION, "tissue": _TISSUE, "clones": _CLONES,
                                       "population": _POPULATION, "sweep": _SWEEP, "sensitivity": _SENSITIVITY,
                                       "protocol": _PROTOCOL, "claims": _CLAIMS}


def unit_of(key: str, meaning: str) -> str:
    """The unit of a key: from a leading ``[unit]`` of its meaning, else from the key name's ending."""
    if meaning.startswith("["):
        return meaning[1:meaning.index("]")]
    last = key.split(".")[-1]
    return next((unit for suffix, unit in UNIT_SUFFIXES if last.endswith(suffix)), "")


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _nullable(annotation) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def schema_keys(model: type[BaseModel], prefix: str = "") -> list[tuple[str, bool]]:
    """(key path, may be null) of every key a schema declares, sections included, in schema order."""
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append((path, _nullable(field.annotation)))
        for sub in _models(field.annotation):
            out += schema_keys(sub, path + ".")
    return out


def _pattern(key: str) -> re.Pattern:
    text = re.escape(key)
    text = text[:-2] + ".+" if key.endswith(".*") else text
    return re.compile("^" + text.replace(r"\*", "[^.]+") + "$")


def _name_maps(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Schema keys that map names to numbers (``dict[str, float]``: amounts by layer, ...)."""
    out = set()
    for name, field in model.model_fields.items():
        if typing.get_origin(field.annotation) is dict and typing.get_args(field.annotation)[1] is float:
            out.add(prefix + name)
        for sub in _models(field.annotation):
            out |= _name_maps(sub, f"{prefix}{name}.")
    return out


def meaning_of(kind: str, path: str) -> str | None:
    """The meaning of a key path (list entries written ``[]``) of a summary of ``kind``, or None. A name inside a
    ``dict[str, float]`` key (a layer of amount_in_layer_end_ug_per_cm2) has the meaning of that key."""
    from dermsim.results.summary import SUMMARIES

    meanings = MEANINGS["permeation" if kind == "microneedle" else kind]
    parent = path.rpartition(".")[0]
    if path not in meanings and parent in _name_maps(SUMMARIES[kind]):
        path = parent
    if path in meanings:
        return meanings[path]
    return next((m for key, m in meanings.items() if "*" in key and _pattern(key).match(path)), None)


def missing(kind: str) -> list[str]:
    """Schema keys of ``kind`` without a meaning, and nullable ones whose meaning does not say what null means."""
    from dermsim.results.summary import SUMMARIES

    out = []
    for path, nullable in schema_keys(SUMMARIES[kind]):
        meaning = meaning_of(kind, path)
        if meaning is None:
            out.append(path)
        elif nullable and "null" not in meaning:
            out.append(f"{path} (may be null; say what null means)")
    return out


def summary_paths(value: Any, prefix: str = "") -> set[str]:
    """Every leaf key path of a summary (list entries as ``[]``; lists of numbers or strings are one value)."""
    if isinstance(value, dict):
        out = set() if value else {prefix}
        for k, v in value.items():
            out |= summary_paths(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return set().union(*(summary_paths(v, prefix + "[]") for v in value))
    return {prefix}


def markdown() -> str:
    """docs/glossary.md: every summary key of every kind with its type, unit and meaning."""
    from dermsim.results.summary import SUMMARIES

    lines = ["# Glossary of summary keys", "",
             "Generated by `python -m dermsim.results.glossary` from the summary schemas "
             "(`dermsim.results.summary`) and `dermsim.results.glossary.MEANINGS`; do not edit by hand. "
             "Every summary.json holds to the schema of its kind; units are in the key names or given here; "
             "fractions are 0–1. A permeation run with needles (kind `microneedle`) has the permeation keys plus "
             "the `microneedle` section. `*` stands for a name (a layer, a parameter), `[]` for each entry of a list.",
             ""]
    for kind in ("permeation", "tissue", "clones", "population", "sweep", "sensitivity", "protocol", "claims"):
        lines += [f"## {kind}" + (" and microneedle" if kind == "permeation" else ""), "",
                  "| key | unit | may be null | meaning |", "|---|---|---|---|"]
        declared = schema_keys(SUMMARIES[kind])
        listed = set()
        for path, nullable in declared:
            lines.append(_row(kind, path, nullable))
            listed.add(path)
            for key in MEANINGS[kind]:                     # free-form keys right after their section
                if key.startswith((path + ".", path + "[]")) and key not in listed and not any(
                        key == p for p, _ in declared):
                    lines.append(_row(kind, key, None))
                    listed.add(key)
        lines.append("")
    return "\n".join(lines)


def _row(kind: str, path: str, nullable: bool | None) -> str:
    meaning = meaning_of(kind, path) or ""
    unit = unit_of(path, meaning)
    text = meaning[meaning.index("]") + 1:].strip() if meaning.startswith("[") else meaning
    null = "" if nullable is None else ("yes" if nullable else "no")
    return f"| `{path}` | {unit} | {null} | {text.replace('|', '/')} |"


GLOSSARY = Path(__file__).parents[3] / "docs" / "glossary.md"

if __name__ == "__main__":
    GLOSSARY.write_text(markdown(), "utf-8")
    print(f"wrote {GLOSSARY}")
