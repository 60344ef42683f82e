"""Retinoids on the epidermis (dermsim.protocols.actives) against published human studies.

``section(fig_dir)`` returns the markdown of "## Retinoids: epidermal thickening vs human studies" and writes
``retinoid_thickening.png``. Standalone: ``python validation/retinoids.py [fig_dir]`` (about 15 s).

Data: ``validation/data/retinoids/studies.csv`` (numbers and directions read in the abstracts; see its README).
Each row is run as a protocol (`dermsim.protocols`): the product applied once a day through the permeation model,
its basal-layer concentration turned into a multiplier of the basal division rate by the Emax relation of
``parameters/active_effects.toml``, the epidermis on the lattice. The model output is the viable epidermis
thickness (histology measures the nucleated epidermis) relative to the start, averaged over the last quarter of
the course before the measurement (at most 28 days), on a `LATTICE` x `LATTICE` lattice.

One row is the calibration (Griffiths 1995, 0.1 %: it sets the relation's maximum); the other arm of that trial is
compared within the vehicle arm's drift (11 percentage points); the other rows are compared by direction: a reported
increase agrees when the model's change is at least `DETECTABLE` (10 %, the convention of validation/collagen.py),
a null when it is below it; the shape and order rows as stated in the table.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "retinoids" / "studies.csv"
FIGURE = "retinoid_thickening.png"
DETECTABLE = 0.10       # smallest change counted as a reported increase (validation/collagen.py's convention)
TOLERANCE = 0.11        # quantitative rows: the vehicle arm of Griffiths 1995 drifted by 11 percentage points
WINDOW = (0.25, 28.0)   # model thickness: mean over the last quarter of the course up to the measurement, ≤ 28 d
LATTICE = 128           # basal sites per side (0.77 mm): the thickness of a 64 x 64 lattice wanders by ±3 %
DOSE = "2 mg/cm^2"      # the amount applied is not in the abstracts: the cosmetic test amount (ISO 24444 uses it too)
CREAM = {"oil_fraction": 0.2}   # an emulsion, as the example retinol cream; the abstracts do not give the vehicle
AGE = 60.0              # photoaged adults; ages are not in most abstracts


def rows() -> list[dict]:
    return list(csv.DictReader(open(DATA, encoding="utf-8")))


def _key(r: dict) -> tuple[str, float, str]:
    """(compound, concentration %, simulated site) of a row: rows with the same key share one run."""
    return r["compound"], float(r["concentration_percent"]), r["simulated_site"]


def course(compound: str, percent: float, site: str, days: float, age: float = AGE, lattice_size: int = LATTICE):
    """(days, viable epidermis thickness µm, protocol summary) of one product applied daily at 22:00."""
    from dermsim import simulate
    from dermsim.scenario import scenario_from_dict

    scenario = scenario_from_dict({"kind": "protocol", "title": f"{compound} {percent:g} %",
                                   "skin": {"site": site, "age": age},
                                   "protocol": {"duration": f"{days!r} d", "tissue": "lattice",
                                                "lattice_size": lattice_size,
                                                "applications": [{"name": compound, "compound": {"name": compound},
                                                                  "formulation": {"concentration": f"{percent!r} %",
                                                                                  "dose": DOSE, **CREAM},
                                                                  "times": ["22:00"], "every": "1 d"}]}})
    result = simulate(scenario)
    return result.values("tissue_time"), result.values("viable_epidermis_thickness"), result.summary


def change(t: np.ndarray, thickness: np.ndarray, day: float) -> float:
    """Relative change of the thickness from the start: its mean over the `WINDOW` before ``day``."""
    window = (t > day - min(WINDOW[0] * day, WINDOW[1])) & (t <= day + 1e-9)
    return float(np.mean(thickness[window]) / thickness[0] - 1.0)


def evaluate() -> tuple[dict, dict, dict]:
    """Model change per row, verdict per row, and the courses (key → (t, thickness))."""
    data = rows()
    needed: dict = {}
    for r in data:
        day = 360.0 if r["role"] == "shape check" else float(r["measurement_day"])
        needed[_key(r)] = max(needed.get(_key(r), 0.0), day)
    courses = {key: course(*key, days)[:2] for key, days in needed.items()}
    predicted = {r["id"]: change(*courses[_key(r)], float(r["measurement_day"])) for r in data}
    verdicts = {}
    for r in data:
        p = predicted[r["id"]]
        if r["role"] == "calibration":
            verdicts[r["id"]] = "calibration"
        elif r["role"] == "quantitative check":
            verdicts[r["id"]] = "agrees" if abs(100 * p - float(r["value"])) <= 100 * TOLERANCE else "disagrees"
        elif r["role"] == "null check":
            verdicts[r["id"]] = "agrees" if abs(p) < DETECTABLE else "disagrees"
        elif r["role"] == "direction check":
            lower = [q for q in data if q["study"] == r["study"] and q["role"] == "direction check"
                     and float(q["concentration_percent"]) < float(r["concentration_percent"])]
            ok = p >= DETECTABLE and all(p > predicted[q["id"]] for q in lower)
            verdicts[r["id"]] = "agrees" if ok else ("too small" if p > 0 else "disagrees")
        elif r["role"] == "shape check":
            year = change(*courses[_key(r)], 360.0)
            verdicts[r["id"]] = "agrees" if p >= DETECTABLE and p >= 0.5 * year else "disagrees"
        elif r["role"] == "order check":
            same = sorted((q for q in data if q["study"] == r["study"]),
                          key=lambda q: float(q["concentration_percent"]))
            values = [predicted[q["id"]] for q in same]
            verdicts[r["id"]] = "agrees" if all(a < b for a, b in zip(values, values[1:])) else "disagrees"
    return predicted, verdicts, courses


def figure(courses: dict, data: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for (compound, percent, site), (t, th) in sorted(courses.items()):
        ax = axes[0] if compound == "tretinoin" else axes[1]
        ax.plot(t, 100 * (th / th[0] - 1), label=f"{compound} {percent:g} % ({site})")
    for r in data:
        if r["value"]:
            axes[0].plot(float(r["measurement_day"]), float(r["value"]), "s" if r["role"] == "calibration" else "^",
                         color="C3", label=f"{r['study']} {r['year']} {r['concentration_percent']} % (measured)")
    for ax, title in zip(axes, ("tretinoin, once daily", "retinol, once daily")):
        ax.axhline(100 * DETECTABLE, color="0.5", ls=":", label=f"{100 * DETECTABLE:g} % (counted as a change)")
        ax.set(xlabel="day", ylabel="viable epidermis, % change from the start", title=title)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def section(fig_dir: Path) -> list[str]:
    from dermsim.protocols.actives import division_responses

    response = division_responses()["tretinoin"]
    data = rows()
    predicted, verdicts, courses = evaluate()
    figure(courses, data, Path(fig_dir) / FIGURE)
    table = []
    for r in data:
        measured = (f"{float(r['value']):+.3g} {r['value_unit']} ({r['spread']})" if r["value"] else r["direction"])
        table.append(f"| {r['id']} | {r['study']} {r['year']} {r['journal']} ({r['doi_or_pmid']}) | {r['compound']} "
                     f"{r['concentration_percent']} %, {r['site']}, {r['schedule']}, day {r['measurement_day']} | "
                     f"{measured} | {100 * predicted[r['id']]:+.1f} % | {r['role']} | **{verdicts[r['id']]}** |")
    checks: dict = {}      # the rows of one study and role form one check (the three Mellody rows: one order)
    for r in data:
        if verdicts[r["id"]] != "calibration":
            checks.setdefault((r["study"], r["role"]), []).append(verdicts[r["id"]] == "agrees")
    L = ["## Retinoids: epidermal thickening vs human studies", "",
         "A retinoid in the basal layer multiplies the basal division rate of the epidermal lattice by "
         f"1 + E_max C / (EC50 + C) (`dermsim.protocols.actives`; E_max = {response.max_increase:g}, "
         f"EC50 = {1e3 * response.ec50:g} nM, C in retinoic-acid equivalents: "
         + ", ".join(f"{k} x {v:g}" for k, v in response.potency.items())
         + "). Each study is run as a protocol: the product once a day at 22:00, "
         f"{DOSE} of an emulsion ({CREAM}), age {AGE:g} y (the abstracts give neither amount, vehicle nor age), "
         "the basal-layer concentration of each application from the permeation model, the epidermis on the "
         f"{LATTICE} x {LATTICE} lattice. Model output: viable epidermis thickness relative to the start, mean over "
         f"the last quarter of the course before the measurement (at most {WINDOW[1]:g} days). Rules: the "
         "calibration row sets E_max; the quantitative row agrees within "
         f"{100 * TOLERANCE:g} percentage points (the vehicle arm of the same trial drifted by 11 points; the abstract "
         f"gives no SD); a reported increase agrees when the model's change is at least {100 * DETECTABLE:g} % and "
         "exceeds the lower doses of the same study, a null when it is below it; the shape row when the change at "
         "1 month is at least half that at 12 months; the order row when the model's changes rise with the "
         "concentration.", "",
         f"Agreement: **{sum(map(all, checks.values()))} of {len(checks)}** checks "
         f"({sum(v == 'agrees' for v in verdicts.values())} of {sum(v != 'calibration' for v in verdicts.values())} "
         "compared rows).", "",
         "| row | study | product, site, schedule, time | measured | model | role | verdict |",
         "|---|---|---|---|---|---|---|", *table, "",
         "Not modelled: occlusion (Mellody 2022 is an occluded patch test), the vehicle's own effect (Griffiths 1995: "
         "−11 % in the vehicle arm), irritation, the return of the epidermis toward baseline reported between 6 and "
         "12 months of 0.05 % tretinoin emollient cream in some trials, carry-over between applications (each starts "
         "on clean skin). EC50 comes from cultured keratinocytes and is applied to the total basal-layer concentration "
         "(thin); retinol's potency and E_max are calibrations (parameters/active_effects.toml).", "",
         f"![retinoid thickening](validation/{FIGURE})", ""]
    return L


if __name__ == "__main__":   # the figure goes to the folder given, else to a new temporary one
    import tempfile

    print("\n".join(section(Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="retinoids_")))))
