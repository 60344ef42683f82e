"""Risk over a course of microneedle sessions: the sums of the session risks and published adverse-event rates.

Per course: expected bleeding points and wound surface area summed over the sessions, the largest and the summed
relative infection index, every home-use flag once. Published rates (`parameters/adverse_events.toml`) are given
as events/patients with a Jeffreys 95 % interval (the Beta(x + ½, n − x + ½) quantiles; Brown, Cai & DasGupta 2001
Stat Sci 16:101) for courses whose needles reach the dermis, as the clinical series did; they are not scaled to
another protocol (no dose–response is published). For questions the literature does not answer the report says
"no data".
"""

from __future__ import annotations

from typing import Any

#: Layers a channel may end in (`dermsim.microneedles.insertion`) that are the dermis or below it.
DERMAL_LAYERS = ("papillary dermis", "reticular dermis", "dermis", "hypodermis")
#: Questions with no published numbers (said in every report).
NO_DATA = ["adverse-event rates of home use compared with clinic use: no data (no study with comparable incidence)",
           "effect of reusing needles on infection incidence: no data (the infection index is relative, not an "
           "incidence)",
           "adverse-event rates of courses that stay in the epidermis (e.g. 0.2-0.25 mm home rollers): no data"]


def jeffreys_interval(events: int, patients: int, level: float = 0.95) -> tuple[float, float]:
    """Equal-tailed Jeffreys interval of a binomial proportion (0 below when events = 0, 1 above when all)."""
    from scipy.stats import beta

    a = (1 - level) / 2
    low = 0.0 if events == 0 else float(beta.ppf(a, events + 0.5, patients - events + 0.5))
    high = 1.0 if events == patients else float(beta.ppf(1 - a, events + 0.5, patients - events + 0.5))
    return low, high


def published_rates() -> list[dict[str, Any]]:
    """Every packaged count with its rate, interval and source."""
    from dermsim import parameters

    out = []
    for key, entry in parameters.load("adverse_events").items():
        x, n = int(entry["events"].value), int(entry["patients"].value)
        low, high = jeffreys_interval(x, n)
        out.append({"id": key, "event": entry["description"], "events": x, "patients": n, "rate": x / n,
                    "rate_95ci": [low, high], "course": entry["course"], "source": entry["events"].source})
    return out


def course_risk(sessions: list[dict], plans: list) -> dict[str, Any]:
    """The course totals of per-session rows (`dermsim.protocols.run`) and the rates that apply."""
    dermal = any(p.insertion.pierces and p.insertion.layer_reached in DERMAL_LAYERS for p in plans)
    flags = []
    for s in sessions:
        flags += [f for f in s["home_use_flags"] if f not in flags]
    course = {"sessions": len(sessions),
              "expected_bleeding_points": float(sum(s["expected_bleeding_points"] for s in sessions)),
              "wound_surface_area_cm2": float(sum(s["wound_surface_area_cm2"] for s in sessions)),
              "infection_risk_index_max": float(max((s["infection_risk_index"] for s in sessions), default=0.0)),
              "infection_risk_index_sum": float(sum(s["infection_risk_index"] for s in sessions)),
              "reaches_dermis": dermal, "home_use_flags": flags}
    rates = published_rates() if dermal else []
    return {"course": course, "published_rates": rates,
            "published_rates_apply": ("courses whose needles reach the dermis, as in these clinical series; not "
                                      "scaled to this protocol" if dermal else
                                      "none: the published series reached the dermis and these sessions do not"),
            "no_data": list(NO_DATA)}
