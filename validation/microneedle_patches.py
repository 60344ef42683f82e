"""Patches that carry the drug (dissolving, hydrogel-forming) against published % of the load delivered
(dermsim issue #12 item 3).

``section(fig_dir)`` returns the markdown of "## Microneedles: drug-carrying patches vs published delivery".
Standalone: ``python validation/microneedle_patches.py``.

Data: the ``percent_of_load`` rows of ``validation/data/microneedle_delivery/patch_release.csv`` (abstracts:
one time point per patch, no full time course was readable). Each row is a scenario with a ``[microneedle]``
patch (`dermsim.microneedles.release`): the library device of the patch type (Donnelly-group arrays, 1 cm²,
100 needles: their sizes are not in the abstracts), excised neonatal porcine skin → the ``pig-ear`` membrane, a
sink receptor, the stated time. dermsim's "% delivered" is the amount in the receptor (Franz-cell delivery)
over the load; the amount that crossed the stratum corneum (receptor + viable skin + channels) is shown beside
it. Compounds not in the library are given by the data set's properties. Nothing is fitted here.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

import dermsim
from dermsim.scenario import scenario_from_dict
from microneedle_ratios import compound_table

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "microneedle_delivery"
DEVICES = {"hydrogel_reservoir": ("hydrogel-forming-donnelly2014", "hydrogel"),
           "dissolving": ("gantrez-600um-donnelly2011", "dissolving")}
DEFAULT_LOAD_UG = 1000.0   # when the abstract gives no load: % of the load does not depend on it without a cap


def rows() -> tuple[list[dict], list[str]]:
    props = {r["compound"]: r for r in csv.DictReader(open(DATA / "compounds.csv", encoding="utf-8"))}
    out, skipped = [], []
    for r in csv.DictReader(open(DATA / "patch_release.csv", encoding="utf-8")):
        if r["unit"] != "percent_of_load":
            continue
        if r["patch_type"] not in DEVICES:
            skipped.append(f"{r['course_id']} (patch type {r['patch_type']})")
            continue
        if "into skin" in r["where_read"] or "5 min" in r["where_read"]:
            skipped.append(f"{r['course_id']} (deposition into skin within minutes, not delivery to a receptor)")
            continue
        device, mode = DEVICES[r["patch_type"]]
        load = float(r["load_per_patch_ug"]) if r["load_per_patch_ug"] else None
        assumptions = [f"{device} (1 cm², 100 needles)"]
        if load is None:
            assumptions.append(f"load not stated: {DEFAULT_LOAD_UG:g} ug")
        mn = {"device": device, "passes": 1, "treated_area": "1 cm^2", "mode": mode,
              "load": f"{load or DEFAULT_LOAD_UG} ug"}
        hours = float(r["time_h"])
        scenario = {"title": r["course_id"], "compound": compound_table(r["compound"], props),
                    "skin": {"site": "pig-ear"}, "formulation": {"concentration": "1 %", "dose": "infinite"},
                    "receptor": {"type": "sink"}, "microneedle": mn,
                    "simulation": {"duration": f"{hours:g} h", "resolution": 0.5}}
        out.append({"id": r["course_id"], "compound": r["compound"], "type": r["patch_type"], "hours": hours,
                    "measured": float(r["value"]), "scenario": scenario, "assumptions": assumptions})
    return out, skipped


def predict(row: dict) -> tuple[float, float, float]:
    """(% of the load in the receptor, % past the SC, % released) at the row's time."""
    result = dermsim.simulate(scenario_from_dict(row["scenario"]))
    load = result.summary["microneedle"]["release"]["load_ug_per_cm2"]
    receptor = result.values("cumulative_permeated")[-1]
    past = result.values("delivered_past_stratum_corneum")[-1]
    released = result.summary["microneedle"]["release"]["released_by_end_ug_per_cm2"]
    return 100 * receptor / load, 100 * past / load, 100 * released / load


def section(fig_dir: Path | None = None) -> list[str]:
    rows_, skipped = rows()
    L = ["## Microneedles: drug-carrying patches vs published delivery", "",
         "Published % of the load delivered by dissolving and hydrogel-forming patches (the `percent_of_load` rows of "
         "`validation/data/microneedle_delivery/patch_release.csv`; one time point each, from abstracts) against "
         "dermsim's release model (`dermsim.microneedles.release`: dissolving matrix minutes, hydrogel reservoir "
         "swelling lag + first order with a solubility cap). Excised neonatal porcine skin → `pig-ear`, sink. "
         "Script: `validation/microneedle_patches.py`; nothing fitted.", "",
         "| patch | compound | time (h) | published % delivered | dermsim % in receptor | dermsim % past the SC | dermsim % released | assumptions |",
         "|---|---|---|---|---|---|---|---|"]
    errors = []
    for r in rows_:
        rec, past, rel = predict(r)
        errors.append(rec - r["measured"])
        L.append(f"| {r['id']} ({r['type']}) | {r['compound']} | {r['hours']:g} | {r['measured']:.1f} | {rec:.1f} | "
                 f"{past:.1f} | {rel:.1f} | {'; '.join(r['assumptions'])} |")
    rmse = math.sqrt(float(np.mean(np.square(errors)))) if errors else math.nan
    L += ["", f"RMSE of % delivered (receptor): **{rmse:.1f} percentage points** over {len(errors)} patches "
          "(goal of the issue: ≤ 15 on time courses; only end points could be read).",
          "", "Not compared: " + "; ".join(skipped) + "." if skipped else "", ""]
    return L


if __name__ == "__main__":
    print("\n".join(section()))
