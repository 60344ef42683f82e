"""A treatment protocol simulated as one story: sessions, products, dermis and risk over weeks or months.

`simulate_protocol(scenario)`:

1. expands every schedule to event times (`dermsim.protocols.schedule`);
2. plans each microneedle session (`dermsim.microneedles.plan`: channels, depth, resealing, risk);
3. runs each product application through the same permeation model as `dermsim run`: on intact skin, or, when it
   falls while the channels of the last session are still open (before the barrier has recovered), with that
   session's channels and the time since it as the ``delay`` — so a serum applied right after needling and the same
   serum a day later differ. Each application is followed until the next one of the same product (at most
   `MAX_RUN_H`); the amount left from earlier applications is not carried over (each application starts on clean
   skin), which the notes say. Identical applications are run once;
4. drives the dermal collagen model (`dermsim.dermis`) with the dermal volume each session punctures;
5. adds up the risk over the course (bleeding points, wound area, infection index, home-use flags) and gives the
   published adverse-event rates of comparable courses with 95 % intervals, or "no data"
   (`dermsim.protocols.adverse_events`).

With ``tissue = "lattice"`` (the default) the epidermal lattice takes the sessions' basal wounds, sun through
sunscreen, dry air, a sleep shift and, for products with a cited concentration–response (the retinoids,
`dermsim.protocols.actives`), a multiplier of its basal division rate from each application's basal-layer
concentration; every other product is "no data" for an effect.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dermsim.errors import InputError

DAY = 24.0
#: Longest run of one application (h): a product applied once is followed for a week.
MAX_RUN_H = 7 * DAY
#: Schedule fields of a session table (the rest is its ``[microneedle]`` table).
SCHEDULE_FIELDS = ("repeat", "start", "every", "count", "until", "times", "days")
NOT_COUPLED = ["effects of actives on the tissue other than a sunscreen's and the retinoids' division response (see "
               "actives: 'no data' where no concentration-response is known)"]


@dataclass(frozen=True)
class Event:
    time: float       # h from the start
    index: int        # which session or application table


def _events(tables, duration: float, start_weekday: str, name: str) -> list[Event]:
    from dermsim.protocols.schedule import event_times

    out = []
    for i, table in enumerate(tables):
        out += [Event(float(t), i) for t in event_times(table, duration, start_weekday, f"protocol.{name}[{i}]")]
    return sorted(out, key=lambda e: (e.time, e.index))


def _plans(scenario):
    """One `TreatmentPlan` per session table (the skin of the scenario, in vivo)."""
    from dermsim.anatomy import skin_for_site
    from dermsim.microneedles.plan import plan_from_spec

    sk = scenario.skin
    skin = skin_for_site(sk.site, hydration=sk.hydration or "normal", age=sk.age, include_hypodermis=True)
    if skin.in_vitro:
        raise InputError("skin.site", sk.site, "a body site in vivo (a protocol follows a living skin)")
    plans = []
    for i, spec in enumerate(scenario.protocol.sessions):
        if spec.mode != "pretreatment":
            raise InputError(f"protocol.sessions[{i}].mode", spec.mode, "'pretreatment' (drug-carrying patches in "
                             "a protocol are not supported yet)")
        try:
            plans.append(plan_from_spec(spec, skin, occluded=False))
        except InputError as exc:
            raise InputError(exc.field.replace("microneedle", f"protocol.sessions[{i}]", 1), exc.value,
                             exc.allowed) from None
    return skin, plans


def _application_scenario(scenario, app, session, delay: float | None, hours: float):
    """The permeation scenario of one application (with the channels of ``session`` opened ``delay`` h before)."""
    from dermsim.scenario import scenario_from_dict
    from dermsim.scenario.edit import scenario_data

    sk = scenario.skin
    data = {"title": app.name or app.compound.name or "product",
            "compound": scenario_data(app.compound), "skin": {"site": sk.site, "age": sk.age},
            "formulation": scenario_data(app.formulation), "simulation": {"duration": f"{hours!r} h"}}
    if sk.hydration is not None:
        data["skin"]["hydration"] = sk.hydration
    if session is not None:
        table = {k: v for k, v in scenario_data(session).items() if k not in SCHEDULE_FIELDS}
        table["delay"] = f"{delay!r} h"
        data["microneedle"] = table
    return scenario_from_dict(data)


def _run_applications(scenario, plans, sessions: list[Event], applications: list[Event], duration: float,
                      progress) -> list[dict]:
    """Figures of every application event (runs shared between identical applications)."""
    from dermsim.simulation import simulate

    session_times = np.array([e.time for e in sessions])
    cache: dict = {}
    rows = []
    by_product: dict[int, list[float]] = {}
    for e in applications:
        by_product.setdefault(e.index, []).append(e.time)
    for n, e in enumerate(applications):
        app = scenario.protocol.applications[e.index]
        times = by_product[e.index]
        k = bisect.bisect_right(times, e.time)
        hours = min((times[k] if k < len(times) else duration) - e.time, MAX_RUN_H)
        hours = max(hours, 1.0)
        before = np.flatnonzero(session_times <= e.time)
        session, delay, context = None, None, "intact skin"
        if before.size:
            last = sessions[int(before[-1])]
            plan = plans[last.index]
            since = e.time - last.time
            if plan.insertion.pierces and since < plan.resealing.barrier_recovery_time:
                session, delay = scenario.protocol.sessions[last.index], since
                context = f"{since:.3g} h after session {int(before[-1]) + 1}"
        key = (e.index, round(hours, 6), None if session is None else (sessions[int(before[-1])].index,
                                                                       round(delay, 6)))
        if key not in cache:
            summary = simulate(_application_scenario(scenario, app, session, delay, hours)).summary
            basal = summary["basal_layer"] or {}
            fraction = summary["fraction_of_dose"]
            cache[key] = {"basal_cmax_ug_per_cm3": basal.get("cmax_ug_per_cm3"),
                          "basal_auc_ug_h_per_cm3": basal.get("auc_ug_h_per_cm3"),
                          "systemic_ug_per_cm2": summary["cumulative_permeated_ug_per_cm2"],
                          "absorbed_fraction": fraction["permeated"] if fraction else None,
                          "applied_ug_per_cm2": summary["applied_amount_ug_per_cm2"]}
        rows.append({"time_day": e.time / DAY, "product": app.name or app.compound.name or f"product {e.index + 1}",
                     "product_index": e.index, "context": context, "after_needling": session is not None,
                     "followed_h": hours, **cache[key]})
        if progress:
            progress(0.1 + 0.8 * (n + 1) / len(applications))
    return rows


def _collagen(scenario, plans, sessions: list[Event], duration: float):
    from dermsim.dermis import dermal_injury, simulate_collagen

    events = []
    for e in sessions:
        injury = dermal_injury(plans[e.index])
        events.append((e.time / DAY, injury.volume_fraction))
    return simulate_collagen(events, duration / DAY, age=scenario.skin.age), events


def effective_uv_dose(sun) -> float:
    """MED reaching the skin through the sunscreen: dose / SPF^(amount / 2 mg/cm²) — the effective SPF grows
    exponentially with the amount applied (Faurschou & Wulf 2007 Br J Dermatol 156:716: 1 mg/cm² gives the square
    root of the labelled SPF, 0.5 mg/cm² its fourth root, 4 mg/cm² nearly its square)."""
    return sun.dose / sun.spf ** (sun.sunscreen_amount / 2e-3)


def _tissue(scenario, plans, sessions: list[Event], duration: float, segments: list[dict] = ()):
    """The epidermal lattice over the protocol, wounded by every session whose channels reach the basal layer
    (None without ``tissue = "lattice"``), and the sessions that do not (no basal wound). ``segments``: periods
    of an active's division multiplier (`actives.division_segments`), each carried by the lattice's plateau-shaped
    proliferation response (`epidermis.perturb.PlateauResponse`, perturbation kind "active": a first-order rise
    to the factor over the period and a first-order fall after it)."""
    pr = scenario.protocol
    if pr.tissue == "none":
        for name in ("sun", "dry_air", "sleep"):
            if getattr(pr, name):
                raise InputError(f"protocol.{name}", "given", "protocol.tissue = 'lattice' (it acts on the epidermis, "
                                 "which is simulated only on the lattice)")
        return None, []
    from dermsim import simulate
    from dermsim.protocols.schedule import event_times
    from dermsim.epidermis.tissue_spec import tissue_scenario_from_dict
    from dermsim.scenario.edit import scenario_data

    wounds, missed = [], []
    for k, e in enumerate(sessions):
        plan, spec = plans[e.index], pr.sessions[e.index]
        if not plan.insertion.pierces or plan.insertion.layer_reached in ("stratum corneum", "viable epidermis"):
            missed.append(k + 1)
            continue
        table = scenario_data(spec)
        wound = {"kind": "microneedle", "time": f"{e.time / DAY!r} d", "device": table["device"],
                 "passes": spec.passes, "site": scenario.skin.site}
        if spec.depth_setting is not None:
            wound["depth_setting"] = table["depth_setting"]
        wounds.append(wound)
    for i, sun in enumerate(pr.sun):
        for t in event_times(sun, duration, pr.start_weekday, f"protocol.sun[{i}]"):
            wounds.append({"kind": "uv", "time": f"{float(t) / DAY!r} d", "dose": effective_uv_dose(sun)})
    for i, dry in enumerate(pr.dry_air):
        for t in event_times(dry, duration, pr.start_weekday, f"protocol.dry_air[{i}]"):
            wounds.append({"kind": "dehydration", "time": f"{float(t) / DAY!r} d",
                           "duration": f"{dry.duration / DAY!r} d"})
    for seg in segments:
        wounds.append({"kind": "active", "name": seg["response"].name,
                       "time": f"{seg['start_day']!r} d",
                       "duration": f"{seg['end_day'] - seg['start_day']!r} d", "factor": seg["multiplier"],
                       "onset_time": f"{seg['response'].onset_time!r} d",
                       "recovery_time": f"{seg['response'].recovery_time!r} d"})
    if pr.sleep is not None:
        wounds.append({"kind": "circadian", "shift": f"{pr.sleep.shift!r} h",
                       "shift_time": f"{pr.sleep.start / DAY!r} d"})
    days = duration / DAY
    tissue = {"preset": "human-interfollicular", "lattice_size": pr.lattice_size, "duration": f"{days!r} d",
              "output_interval": "1 d" if days >= 2 else f"{days / 2!r} d", "time_step": "1 h",
              "seed": pr.tissue_seed, "clone_snapshots": 0}
    return simulate(tissue_scenario_from_dict({"tissue": tissue, "perturbation": wounds})), missed


def simulate_protocol(scenario, progress: Callable[[float], None] | None = None):
    """Run a `ProtocolScenario` (see the module docstring); returns a Result of kind "protocol"."""
    from dermsim.protocols.actives import division_segments
    from dermsim.protocols.adverse_events import course_risk

    pr = scenario.protocol
    duration = pr.duration
    if not (pr.sessions or pr.applications or pr.sun or pr.dry_air or pr.sleep):
        raise InputError("protocol", "no events", "at least one [[protocol.sessions]], [[protocol.applications]], "
                         "[[protocol.sun]] or [[protocol.dry_air]] table, or [protocol.sleep]")
    sessions = _events(pr.sessions, duration, pr.start_weekday, "sessions")
    applications = _events(pr.applications, duration, pr.start_weekday, "applications")
    skin, plans = _plans(scenario)
    if progress:
        progress(0.05)
    rows = _run_applications(scenario, plans, sessions, applications, duration, progress)
    collagen, injuries = _collagen(scenario, plans, sessions, duration)
    tissue, missed = _tissue(scenario, plans, sessions, duration, division_segments(scenario, rows))
    session_rows = []
    for k, e in enumerate(sessions):
        s = plans[e.index].summary()
        session_rows.append({
            "session": k + 1, "time_day": e.time / DAY, "table": e.index, "device": s["device"],
            "deepest_layer_reached": s["deepest_layer_reached"], "effective_depth_um": s["effective_depth_um"],
            "channels_per_cm2": s["channels_per_cm2"], "total_channels": s["total_channels"],
            "dermal_volume_fraction": injuries[k][1], "expected_bleeding_points": s["expected_bleeding_points"],
            "pain_percent_of_26g_needle": s["pain_percent_of_26g_needle"],
            "infection_risk_index": s["infection_risk_index"], "wound_surface_area_cm2": s["wound_surface_area_cm2"],
            "barrier_recovery_time_h": s["barrier_recovery_time_h"], "home_use_flags": s["home_use_flags"]})
    risk = course_risk(session_rows, [plans[e.index] for e in sessions])
    result = _result(scenario, skin, sessions, session_rows, rows, collagen, risk, tissue, missed)
    if progress:
        progress(1.0)
    return result


def _products(rows: list[dict]) -> list[dict]:
    """Per product: applications, those after needling, course totals of the basal layer and the systemic amount."""
    out = []
    for index in sorted({r["product_index"] for r in rows}):
        mine = [r for r in rows if r["product_index"] == index]
        after = [r for r in mine if r["after_needling"]]
        intact = [r for r in mine if not r["after_needling"]]

        def total(key, subset):
            values = [r[key] for r in subset if r[key] is not None]
            return float(np.sum(values)) if values else None

        def peak(key, subset):
            values = [r[key] for r in subset if r[key] is not None]
            return float(np.max(values)) if values else None

        cmax_after, cmax_intact = peak("basal_cmax_ug_per_cm3", after), peak("basal_cmax_ug_per_cm3", intact)
        out.append({"product": mine[0]["product"], "applications": len(mine), "after_needling": len(after),
                    "basal_cmax_intact_ug_per_cm3": cmax_intact, "basal_cmax_after_needling_ug_per_cm3": cmax_after,
                    "basal_cmax_ratio_after_needling": (cmax_after / cmax_intact if cmax_after is not None and
                                                        cmax_intact else None),
                    "course_basal_auc_ug_h_per_cm3": total("basal_auc_ug_h_per_cm3", mine),
                    "course_systemic_ug_per_cm2": total("systemic_ug_per_cm2", mine),
                    "course_applied_ug_per_cm2": total("applied_ug_per_cm2", mine)})
    return out


def _tissue_section(tissue, missed) -> dict | None:
    """Epidermal thickness, basal density and the stratum corneum (the barrier proxy) of the lattice run."""
    if tissue is None:
        return None
    t = tissue.values("time")
    out = {"model": "spatial lattice (dermsim.epidermis), human-interfollicular preset",
           "sessions_without_basal_wound": missed}
    for key, name in (("epidermal_thickness", "epidermal_thickness_um"), ("basal_density", "basal_density_per_mm2"),
                      ("stratum_corneum_cell_layers", "stratum_corneum_cell_layers")):
        x = tissue.values(key)
        i = int(np.argmin(x))
        out[name] = {"start": float(x[0]), "end": float(x[-1]), "lowest": float(x[i]), "lowest_day": float(t[i])}
    return out


def _result(scenario, skin, sessions, session_rows, rows, collagen, risk, tissue=None, missed=()):
    from dermsim import __version__
    from dermsim.protocols.actives import effects
    from dermsim.protocols.schedule import event_times
    from dermsim.results import DatasetContent, Result
    from dermsim.results.checks import check_figures

    t = collagen["time"].values
    total, labile, mature = (collagen[k].values for k in ("total", "labile", "mature"))
    check_figures({"collagen_total": total, "collagen_labile": labile, "collagen_mature": mature,
                   **{k: [r[k] for r in rows if r[k] is not None] for k in
                      ("basal_cmax_ug_per_cm3", "basal_auc_ug_h_per_cm3", "systemic_ug_per_cm2")}}, "protocol")
    peak = int(np.argmax(total))
    products = _products(rows)
    summary = {
        "title": scenario.title, "dermsim_version": __version__, "site": skin.site, "age_years": scenario.skin.age,
        "duration_days": scenario.protocol.duration / DAY, "sessions": session_rows,
        "applications": products,
        "collagen": {"total_change_end_percent": 100 * (total[-1] - 1), "peak_change_percent": 100 * (total[peak] - 1),
                     "peak_day": float(t[peak]), "labile_end": float(labile[-1]), "mature_end": float(mature[-1]),
                     "model": "dermsim.dermis.collagen (two fitted constants: the injury gain, to Kenkel 2021, and the wound-signal radius)"},
        "risk": risk,
        "epidermis": _tissue_section(tissue, list(missed)),
        "actives": effects(scenario, rows, tissue is not None),
        "sun": [{"dose_med": x.dose, "spf": x.spf, "sunscreen_amount_mg_per_cm2": 1e3 * x.sunscreen_amount,
                 "effective_dose_med": effective_uv_dose(x),
                 "exposures": int(event_times(x, scenario.protocol.duration, scenario.protocol.start_weekday,
                                              f"protocol.sun[{i}]").size)} for i, x in enumerate(scenario.protocol.sun)],
        "not_coupled": list(NOT_COUPLED) + ([] if tissue is not None else [
            "epidermal tissue (basal density, thickness, barrier): protocol.tissue = 'none' was set"]),
        "notes": ["each application is followed until the next one of the same product (at most 7 days) and starts "
                  "on clean skin: what earlier applications left in the skin is not carried over",
                  "an application falls 'after needling' while the last session's barrier has not recovered; then "
                  "the permeation model opens that session's channels with the time since it as the delay"],
    }
    summary["answer"] = answer(summary)
    coords = {"time": ("time", t, {"units": "day", "long_name": "time since the start of the protocol"})}
    data = {"collagen_total": ("time", total, {"units": "1", "long_name": "dermal collagen relative to baseline"}),
            "collagen_labile": ("time", labile, {"units": "1", "long_name": "new, labile (type III-rich) collagen"}),
            "collagen_mature": ("time", mature, {"units": "1", "long_name": "mature (type I-rich) collagen"})}
    if session_rows:
        coords["session"] = ("session", np.arange(1, len(session_rows) + 1), {"units": ""})
        data["session_time"] = ("session", np.array([r["time_day"] for r in session_rows]), {"units": "day"})
        data["session_bleeding_points"] = ("session", np.array([r["expected_bleeding_points"] for r in session_rows]),
                                           {"units": "", "long_name": "expected bleeding points"})
        data["session_infection_index"] = ("session", np.array([r["infection_risk_index"] for r in session_rows]),
                                           {"units": "", "long_name": "relative infection index (not an incidence)"})
    if rows:
        coords["application"] = ("application", np.arange(1, len(rows) + 1), {"units": ""})
        data["application_time"] = ("application", np.array([r["time_day"] for r in rows]), {"units": "day"})
        data["application_product"] = ("application", np.array([r["product"] for r in rows]), {"units": ""})
        data["application_after_needling"] = ("application", np.array([int(r["after_needling"]) for r in rows]),
                                              {"units": "", "long_name": "1: applied while channels were open"})
        for key, unit in (("basal_cmax_ug_per_cm3", "ug/cm^3"), ("basal_auc_ug_h_per_cm3", "ug*h/cm^3"),
                          ("systemic_ug_per_cm2", "ug/cm^2")):
            data[f"application_{key}"] = ("application", np.array([np.nan if r[key] is None else r[key]
                                                                   for r in rows]), {"units": unit})
    if tissue is not None:
        coords["tissue_time"] = ("tissue_time", tissue.values("time"), {"units": "day"})
        data["epidermal_thickness"] = ("tissue_time", tissue.values("epidermal_thickness"), {"units": "um"})
        data["viable_epidermis_thickness"] = ("tissue_time", tissue.values("viable_epidermis_thickness"), {"units": "um"})
        data["basal_density"] = ("tissue_time", tissue.values("basal_density"), {"units": "1/mm^2"})
        data["stratum_corneum_cell_layers"] = ("tissue_time", tissue.values("stratum_corneum_cell_layers"),
                                               {"units": "", "long_name": "stratum corneum cell layers (barrier proxy)"})
    prov = {"dermsim_version": __version__, "scenario": scenario.model_dump(mode="json"), "internal_units": "cm, h, ug",
            "collagen_provenance": json.loads(collagen.attrs.get("provenance", "{}"))}
    attrs = {"title": scenario.title, "dermsim_version": __version__, "provenance": json.dumps(prov, default=str),
             "Conventions": "CF-1.10 (units attributes); provenance as JSON"}
    return Result("protocol", summary, content=DatasetContent(data, coords, attrs), extras={"applications": rows})


def answer(s: dict) -> str:
    parts = [f"{s['duration_days']:g} days on the {s['site']}"]
    if s["sessions"]:
        c = s["collagen"]
        parts.append(f"{len(s['sessions'])} microneedle session(s): dermal collagen {c['total_change_end_percent']:+.3g} % "
                     f"at the end (peak {c['peak_change_percent']:+.3g} % on day {c['peak_day']:.0f}); "
                     f"{s['risk']['course']['expected_bleeding_points']:.3g} bleeding points over the course")
    for p in s["applications"]:
        text = f"{p['product']}: {p['applications']} applications"
        if p["basal_cmax_intact_ug_per_cm3"] is not None:
            text += f", basal-layer peak {p['basal_cmax_intact_ug_per_cm3']:.3g} ug/cm^3 on intact skin"
        if p["after_needling"]:
            ratio = p["basal_cmax_ratio_after_needling"]
            text += (f", {p['after_needling']} right after needling (peak "
                     f"{p['basal_cmax_after_needling_ug_per_cm3']:.3g} ug/cm^3"
                     + (f", {ratio:.3g}x" if ratio is not None else "") + ")")
        parts.append(text)
    for sun in s.get("sun", []):
        parts.append(f"sun: {sun['exposures']} exposures of {sun['dose_med']:g} MED through SPF {sun['spf']:g} at "
                     f"{sun['sunscreen_amount_mg_per_cm2']:g} mg/cm^2 ({sun['effective_dose_med']:.2g} MED reach the skin)")
    if s.get("epidermis"):
        e = s["epidermis"]
        parts.append(f"epidermis {e['epidermal_thickness_um']['start']:.0f} -> {e['epidermal_thickness_um']['end']:.0f} um, "
                     f"basal density lowest {100 * e['basal_density_per_mm2']['lowest'] / e['basal_density_per_mm2']['start']:.0f} % "
                     f"of the start (day {e['basal_density_per_mm2']['lowest_day']:.0f})")
    return "; ".join(parts) + "."
