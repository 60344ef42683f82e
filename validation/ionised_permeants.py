"""Passive flux of an ionised base against published pH series (dermsim issue #12 item 1).

``section(fig_dir)`` returns the markdown of "## Ionised permeants: lidocaine at pH where it is ionised".
Standalone: ``python validation/ionised_permeants.py``.

Data: ``validation/data/ionised_permeants/measurements.csv`` (Kushla & Zatz 1991 via EDETOX; Emeriewen et al.
2020 abstract). Each donor is a scenario: lidocaine, the stated vehicle and pH, an infinite dose, a sink, 24 h;
kp = late steady flux / the dissolved donor concentration dermsim uses (below solubility). Two variants: the
packaged model (neutral species + ion pairs through the lipids + aqueous pores) and the same without the
ion-pair route (Δ → ∞), to show what the ion-pair route adds. No constant is fitted here.
"""

from __future__ import annotations

import contextlib
import csv
import sys
from pathlib import Path

import numpy as np

import dermsim
from dermsim.scenario import scenario_from_dict

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "ionised_permeants" / "measurements.csv"
HOURS = 24.0


@contextlib.contextmanager
def without_ion_pairs():
    """Run with the ion-pair route switched off (Δ = 99 log units)."""
    from dermsim.chemistry import qspr

    original = qspr._v

    def patched(section, name):
        return 99.0 if (section, name) == ("ionisation", "ion_pair_log_kow_shift") else original(section, name)

    qspr._v = patched
    try:
        yield
    finally:
        qspr._v = original


def _scenario(ph: float, vehicle: str | None, site: str, thickness_um: float | None, concentration: str) -> dict:
    skin = {"site": site} | ({"thickness": f"{thickness_um:g} um"} if thickness_um else {})
    formulation = {"concentration": concentration, "dose": "infinite", "ph": ph, "occluded": True}
    if vehicle:
        formulation["vehicle"] = vehicle
    return {"title": f"lidocaine pH {ph:g}", "compound": {"name": "lidocaine"}, "skin": skin,
            "formulation": formulation, "receptor": {"type": "sink"},
            "simulation": {"duration": f"{HOURS:g} h"}}


def kp(data: dict) -> tuple[float, float]:
    """(kp cm/h = late flux / dissolved donor concentration, steady flux ug/cm²/h)."""
    from dermsim.permeation.setup import build

    scenario = scenario_from_dict(data)
    result = dermsim.simulate(scenario)
    t = result.values("time")
    late = t >= 0.75 * t[-1]
    flux = float(np.polyfit(t[late], result.values("cumulative_permeated")[late], 1)[0])
    return flux / build(scenario).vehicle_concentration, flux


def rows() -> list[dict]:
    return list(csv.DictReader(open(DATA, encoding="utf-8")))


def section(fig_dir: Path | None = None) -> list[str]:
    data = {r["id"]: r for r in rows()}
    L = ["## Ionised permeants: lidocaine at pH where it is ionised", "",
         "Passive route of an ionised base (issue #12 item 1). dermsim: the neutral species through the SC lipids, "
         "the ionised species as ion pairs through the lipids (log Kow − Δ, Δ = 3.5; Hadgraft & Valenta 2000) and "
         "through the aqueous pore pathway. Data: `validation/data/ionised_permeants/` (Kushla & Zatz 1991 Int J "
         "Pharm 71:167 via EDETOX; Emeriewen et al. 2020 abstract). Script: `validation/ionised_permeants.py`; "
         "nothing fitted.", "",
         "| donor | measured kp (cm/h) | dermsim kp | dermsim kp, no ion pairs | f unionised |",
         "|---|---|---|---|---|"]
    kz = {}
    for key in ("kushla1991_ph10", "kushla1991_ph4"):
        r = data[key]
        ph = float(r["ph"])
        sc = _scenario(ph, "propylene glycol/water 40/60", "dermatomed", float(r["skin_thickness_um"]),
                       f"{float(r['donor_concentration_mg_per_mL'])} mg/mL")
        measured = float(r["flux_ug_per_cm2_per_h"]) / (float(r["donor_concentration_mg_per_mL"]) * 1e3)
        with_pairs, _ = kp(sc)
        with without_ion_pairs():
            no_pairs, _ = kp(sc)
        f_u = 1.0 / (1.0 + 10 ** (7.9 - ph))
        kz[key] = (measured, with_pairs, no_pairs)
        L.append(f"| pH {ph:g}, 40 % propylene glycol, dermatomed 150 um (Kushla & Zatz 1991) | {measured:.3g} | "
                 f"{with_pairs:.3g} | {no_pairs:.3g} | {f_u:.2g} |")
    m10, m4 = kz["kushla1991_ph10"], kz["kushla1991_ph4"]
    L += ["", "| ratio | measured | dermsim | dermsim, no ion pairs | neutral species only (f_u ratio) |",
          "|---|---|---|---|---|",
          f"| kp pH 10 / pH 4 (Kushla & Zatz 1991) | {m10[0] / m4[0]:.3g} | {m10[1] / m4[1]:.3g} | "
          f"{m10[2] / m4[2]:.3g} | {(1 / (1 + 10 ** (7.9 - 10))) / (1 / (1 + 10 ** (7.9 - 4))):.3g} |"]
    # Emeriewen: equal donor concentration at both pH (1 % in water, below solubility at both)
    ratios = []
    for variant in ("packaged", "no ion pairs"):
        ctx = without_ion_pairs() if variant == "no ion pairs" else contextlib.nullcontext()
        with ctx:
            f70 = kp(_scenario(7.0, None, "dermatomed", None, "1 %"))[1]
            f55 = kp(_scenario(5.5, None, "dermatomed", None, "1 %"))[1]
        ratios.append(f70 / f55)
    eyelid = float(data["emeriewen2020_eyelid_ph70"]["flux_ug_per_cm2_per_h"]) / float(
        data["emeriewen2020_eyelid_ph55"]["flux_ug_per_cm2_per_h"])
    abdomen = float(data["emeriewen2020_abdomen_ph70"]["flux_ug_per_cm2_per_h"]) / float(
        data["emeriewen2020_abdomen_ph55"]["flux_ug_per_cm2_per_h"])
    L.append(f"| flux pH 7.0 / pH 5.5, equal aqueous donor (Emeriewen 2020: eyelid {eyelid:.3g}, abdomen "
             f"{abdomen:.3g}, derived) | {eyelid:.3g}–{abdomen:.3g} | {ratios[0]:.3g} | {ratios[1]:.3g} | "
             f"{(1 / (1 + 10 ** (7.9 - 7.0))) / (1 / (1 + 10 ** (7.9 - 5.5))):.3g} |")
    L += ["", "If only the neutral species permeated, the ratios would follow the unionised fractions (last column); the "
          "measured ratios are far smaller, so the ionised species carries a real share of the flux, as dermsim's "
          "polar and ion-pair routes give. The Kushla & Zatz donors contain 40 % propylene glycol (dermsim's "
          "mixture vehicle); their pH 4 concentration was derived by the EDETOX compilers.", ""]
    return L


if __name__ == "__main__":
    print("\n".join(section()))
