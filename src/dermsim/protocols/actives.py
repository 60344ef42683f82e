"""What each product of a protocol does once it reaches the skin: a cited concentration–response where one exists,
"no data" otherwise (`parameters/active_effects.toml`). Delivery (how much reaches the basal layer) is always
simulated; an effect on the tissue is only ever taken from this table, never invented.

A class of actives with a relation (today the retinoids) multiplies the basal division rate of the epidermal
lattice by an Emax function of the retinoic-acid-equivalent concentration in the basal layer::

    m(C) = 1 + E_max C / (EC50 + C),        C = Σ_products potency_compound · c_product        (µmol/L)

``c`` is the molar concentration of a product's compound in the basal layer averaged over the time each of its
applications is followed (basal AUC / hours followed / molecular weight), held over that time. `DivisionResponse`
holds one class, `division_segments` turns the application rows of a protocol into periods of constant ``m``.

References
----------
Kurlandsky SB et al. 1994 J Biol Chem 269:32821 (EC50). Griffiths CEM et al. 1995 Arch Dermatol 131:1037 (E_max).
Duell EA, Kang S, Voorhees JJ 1997 J Invest Dermatol 109:301 (retinol's potency).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

#: Molar concentration per mass concentration: c [µmol/L] = c [µg/cm³] · UMOL_PER_L / MW [g/mol].
UMOL_PER_L = 1e3
#: Times of the periods are rounded to 1e-6 day (0.09 s), so an application followed until the next one meets it.
DAY_DIGITS = 6


@dataclass(frozen=True)
class DivisionResponse:
    """An Emax relation from a basal-layer concentration to a multiplier of the basal division rate.

    Parameters
    ----------
    name : str
        Table key of the class (``"retinoids"``).
    ec50 : float
        µmol/L, reference-equivalent concentration of half the maximal increase.
    max_increase : float
        E_max, the largest relative increase of the division rate (dimensionless).
    onset_time, recovery_time : float
        day, the division rate reaches 95 % of a new level after ``onset_time`` and falls back within 5 % of
        baseline ``recovery_time`` after exposure ends (first order).
    potency : mapping
        compound → reference-equivalent potency of its molar concentration.
    relation : str
        The relation in words, with its numbers and sources (for the report).
    """

    name: str
    ec50: float
    max_increase: float
    onset_time: float
    recovery_time: float
    potency: Mapping[str, float]
    relation: str

    def multiplier(self, concentration) -> np.ndarray:
        """m(C) = 1 + E_max C / (EC50 + C) for reference-equivalent concentrations C ≥ 0 (µmol/L)."""
        c = np.maximum(np.asarray(concentration, float), 0.0)
        return 1.0 + self.max_increase * c / (self.ec50 + c)


def division_responses() -> dict[str, DivisionResponse]:
    """compound → its `DivisionResponse`, for every class of the table that has a relation (an ``ec50``)."""
    from dermsim import parameters

    table = parameters.load("active_effects")
    out = {}
    for key, entry in table.items():
        if not hasattr(entry, "get") or entry.get("ec50") is None:
            continue
        potency = {name: entry["potency"][name].value for name in entry["compounds"]}
        ec50, emax = entry["ec50"], entry["max_division_increase"]
        equivalents = " + ".join(f"{name} x {p:g}" for name, p in potency.items())
        cites = "; ".join(f"{what}: {_cite(entry[k] if k != 'potency' else entry['potency'][n])}" for what, k, n in
                          [("EC50", "ec50", None), ("maximum", "max_division_increase", None)]
                          + [(f"{n} potency", "potency", n) for n in potency])
        relation = (f"basal division rate x (1 + {emax.value:g} C / ({1e3 * ec50.to('umol/L'):g} nM + C)), C = "
                    f"{equivalents} (mean molar basal-layer concentrations over each application; "
                    f"parameters/active_effects.toml [{key}]); {cites}")
        response = DivisionResponse(key, ec50.to("umol/L"), emax.value, entry["onset_time"].to("day"),
                                    entry["recovery_time"].to("day"), potency, relation)
        out.update({name: response for name in potency})
    return out


def _cite(p) -> str:
    """A parameter's flags and the first citation of its source ("thin: A, B & C 1994 J 269:1 (…)" → "A, B & C
    1994 J 269:1 [thin]")."""
    text = p.source
    for flag in p.flags:
        text = text.removeprefix(f"{flag}:").strip()
    return text.split(" (")[0].split(": ")[0] + (f" [{', '.join(sorted(p.flags))}]" if p.flags else "")


def compound_name(spec) -> str:
    """The library name of an application's compound (aliases resolved), or its name as given."""
    from dermsim.chemistry.compound import get_compound
    from dermsim.errors import InputError

    try:
        return get_compound(spec.name).name if spec.name else "solute"
    except InputError:
        return spec.name


def molar_means(scenario, rows: list[dict]) -> list[float | None]:
    """Each application row's mean basal-layer concentration (µmol/L) over the time it is followed; None when the
    run gives no basal layer."""
    from dermsim.permeation.setup import resolve_compound

    weights = {i: resolve_compound(app.compound).molecular_weight
               for i, app in enumerate(scenario.protocol.applications)}
    return [None if r["basal_auc_ug_h_per_cm3"] is None else
            r["basal_auc_ug_h_per_cm3"] / r["followed_h"] * UMOL_PER_L / weights[r["product_index"]] for r in rows]


def division_segments(scenario, rows: list[dict]) -> list[dict]:
    """Periods of constant division multiplier from the application rows of a protocol (`run._run_applications`).

    Each application of a compound with a relation contributes potency · c over ``[time, time + followed_h)``;
    contributions of one class add up (one receptor), classes act independently. Returns, in time order, dicts
    with ``response`` (`DivisionResponse`), ``start_day``, ``end_day``, ``concentration_umol_per_L`` (reference
    equivalents) and ``multiplier``; neighbouring periods of equal multiplier are merged, periods without
    exposure left out.
    """
    responses = division_responses()
    names = [compound_name(app.compound) for app in scenario.protocol.applications]
    means = molar_means(scenario, rows)
    out = []
    for response in {id(r): r for r in responses.values()}.values():
        spans = [(round(r["time_day"], DAY_DIGITS), round(r["time_day"] + r["followed_h"] / 24.0, DAY_DIGITS),
                  response.potency[names[r["product_index"]]] * (c or 0.0))
                 for r, c in zip(rows, means) if names[r["product_index"]] in response.potency]
        if not spans:
            continue
        edges = np.unique([t for a, b, _ in spans for t in (a, b)])
        level = np.zeros(edges.size - 1)
        for a, b, c in spans:
            level[(edges[:-1] >= a) & (edges[1:] <= b)] += c
        for start, end, c in zip(edges[:-1], edges[1:], level):
            if c <= 0:
                continue
            m = float(response.multiplier(c))
            if out and out[-1]["response"] is response and out[-1]["end_day"] == start and out[-1]["multiplier"] == m:
                out[-1]["end_day"] = float(end)
            else:
                out.append({"response": response, "start_day": float(start), "end_day": float(end),
                            "concentration_umol_per_L": float(c), "multiplier": m})
    return sorted(out, key=lambda s: s["start_day"])


def effects(scenario, rows: list[dict] | None = None, tissue: bool = False) -> list[dict]:
    """One row per product: its compound, the effect the model applies ("modelled" or "no data") and the
    evidence with its source; for a modelled product also its course-mean basal concentration and the division
    multiplier it gives alone (``rows``: the application rows; ``tissue``: whether the lattice took the effect)."""
    from dermsim import parameters

    table = parameters.load("active_effects")
    by_compound = {}
    for key, entry in table.items():
        for name in entry.get("compounds", []) if hasattr(entry, "get") else []:
            by_compound[str(name)] = (key, entry)
    responses = division_responses()
    means = molar_means(scenario, rows) if rows else []
    out = []
    for index, app in enumerate(scenario.protocol.applications):
        name = compound_name(app.compound)
        key, entry = by_compound.get(name, (None, None))
        if entry is None:
            out.append({"product": app.name or name, "compound": name, "effect": "no data",
                        "evidence": "no entry: no quantitative effect of this compound on the tissue is known to "
                                    "dermsim"})
            continue
        evidence = f"{entry['description']} ({entry['status'].source})"
        if name in responses:
            response = responses[name]
            evidence = f"{response.relation}."
            mine = [c for r, c in zip(rows or [], means) if r["product_index"] == index and c is not None]
            if mine:
                c = float(np.mean(mine))
                equivalent = response.potency[name] * c
                evidence += (f" This product: mean basal-layer concentration {c:.3g} µmol/L over its "
                             f"applications, so C = {1e3 * equivalent:.3g} nM from it alone and a division rate "
                             f"x {float(response.multiplier(equivalent)):.3f} while applied")
            evidence += ("; applied to the epidermal lattice" if tissue else
                         "; not applied: protocol.tissue = 'none' (the effect acts on the epidermal lattice)")
        out.append({"product": app.name or name, "compound": name, "effect": str(entry["status"].value),
                    "evidence": evidence})
    if scenario.protocol.sun:
        sun = table["sunscreen"]
        out.append({"product": "sunscreen (protocol.sun)", "compound": "UV filters", "effect": "modelled",
                    "evidence": f"{sun['description']} ({sun['spf_amount_exponent_reference'].source})"})
    return out
