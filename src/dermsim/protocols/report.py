"""The report (Markdown) and tables (CSV) of a protocol Result."""

from __future__ import annotations

import json
from pathlib import Path

from dermsim.permeation.report import fmt

SESSION_COLUMNS = ("session", "time_day", "device", "deepest_layer_reached", "effective_depth_um", "channels_per_cm2",
                   "dermal_volume_fraction", "expected_bleeding_points", "pain_percent_of_26g_needle",
                   "infection_risk_index", "wound_surface_area_cm2", "barrier_recovery_time_h")
APPLICATION_COLUMNS = ("time_day", "product", "context", "followed_h", "basal_cmax_ug_per_cm3",
                       "basal_auc_ug_h_per_cm3", "systemic_ug_per_cm2", "absorbed_fraction", "applied_ug_per_cm2")


def write_tables(result, out_dir) -> list[Path]:
    """sessions.csv (one row per session) and applications.csv (one row per application)."""
    from dermsim.studies.report import _write_csv

    out, s = Path(out_dir), result.summary
    written = []
    if s["sessions"]:
        written += _write_csv(out / "sessions.csv", list(SESSION_COLUMNS),
                              [[r[c] for c in SESSION_COLUMNS] for r in s["sessions"]])
    rows = result.extras.get("applications")
    if rows:
        written += _write_csv(out / "applications.csv", list(APPLICATION_COLUMNS),
                              [[r[c] for c in APPLICATION_COLUMNS] for r in rows])
    return written


def markdown(result, plots: bool = True) -> str:
    s = result.summary
    lines = [f"# {s.get('title') or 'dermsim protocol'}", "", "```", s["answer"], "```", ""]
    if s["sessions"]:
        c, r = s["collagen"], s["risk"]
        lines += ["## Sessions", "", "| # | day | device | deepest layer | depth (µm) | dermal volume punctured | "
                  "bleeding points | pain (% of 26 G) | infection index |", "|---|---|---|---|---|---|---|---|---|"]
        for x in s["sessions"]:
            lines.append(f"| {x['session']} | {x['time_day']:.3g} | {x['device']} | {x['deepest_layer_reached']} | "
                         f"{fmt(x['effective_depth_um'])} | {fmt(x['dermal_volume_fraction'])} | "
                         f"{fmt(x['expected_bleeding_points'])} | {fmt(x['pain_percent_of_26g_needle'])} | "
                         f"{fmt(x['infection_risk_index'])} |")
        course = r["course"]
        lines += ["", "## Dermal collagen", "",
                  f"Total collagen {c['total_change_end_percent']:+.3g} % at the end, peak {c['peak_change_percent']:+.3g} % "
                  f"on day {c['peak_day']:.0f} ({c['model']}).", "",
                  "## Risk over the course", "",
                  f"- expected bleeding points: {course['expected_bleeding_points']:.3g}; wound surface "
                  f"{course['wound_surface_area_cm2']:.3g} cm²; infection index max {course['infection_risk_index_max']:.3g},"
                  f" summed {course['infection_risk_index_sum']:.3g} (relative, not an incidence)"]
        lines += [f"- flag: {f}" for f in course["home_use_flags"]]
        if r["published_rates"]:
            lines += ["", f"Published adverse-event rates ({r['published_rates_apply']}):", "",
                      "| event | events / patients | rate (95 % CI) | course | source |", "|---|---|---|---|---|"]
            for p in r["published_rates"]:
                lines.append(f"| {p['event']} | {p['events']} / {p['patients']} | {100 * p['rate']:.2g} % "
                             f"({100 * p['rate_95ci'][0]:.2g}–{100 * p['rate_95ci'][1]:.2g} %) | {p['course']} | "
                             f"{p['source']} |")
        else:
            lines += ["", f"Published adverse-event rates: {r['published_rates_apply']}."]
        lines += ["", "No data:"] + [f"- {x}" for x in r["no_data"]]
    if s["applications"]:
        lines += ["", "## Products", "", "| product | applications | after needling | basal peak, intact (µg/cm³) | "
                  "basal peak, channels open | ratio | course basal AUC (µg·h/cm³) | course systemic (µg/cm²) |",
                  "|---|---|---|---|---|---|---|---|"]
        for p in s["applications"]:
            lines.append(f"| {p['product']} | {p['applications']} | {p['after_needling']} | "
                         f"{fmt(p['basal_cmax_intact_ug_per_cm3'])} | {fmt(p['basal_cmax_after_needling_ug_per_cm3'])} | "
                         f"{fmt(p['basal_cmax_ratio_after_needling'])} | {fmt(p['course_basal_auc_ug_h_per_cm3'])} | "
                         f"{fmt(p['course_systemic_ug_per_cm2'])} |")
    if s["actives"]:
        lines += ["", "## What the products do once there", "", "| product | effect | evidence |", "|---|---|---|"]
        lines += [f"| {a['product']} | {a['effect']} | {a['evidence']} |" for a in s["actives"]]
    if plots:
        lines += ["", "## Plots", "", "![one page](protocol_one_page.png)", "", "![course](protocol_course.png)", "",
                  "![before and after](protocol_before_after.png)"]
        if s["epidermis"]:
            lines += ["", "![epidermis](protocol_epidermis.png)"]
        if s["sessions"]:
            lines += ["", "![risk](protocol_session_risk.png)"]
    lines += ["", "## Not coupled yet", ""] + [f"- {x}" for x in s["not_coupled"]]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"


def no_plots(result, out_dir) -> list[Path]:
    """The claims report has tables, not plots."""
    return []


def claims_markdown(result, plots: bool = True) -> str:
    s = result.summary
    lines = ["# Claims about skin care, tested", "",
             "Each claim: the experiment run on dermsim's models, what they give, what the cited evidence says, and "
             "the verdict by the rule beside it.", "", "| claim | verdict |", "|---|---|"]
    lines += [f"| {c['claim']} | **{c['verdict']}** |" for c in s["claims"]]
    for c in s["claims"]:
        lines += ["", f"## {c['claim']}", "", f"**Verdict: {c['verdict']}** ({c['rule']}).", "",
                  f"- Experiment: {c['experiment']}", f"- Evidence: {c['evidence']}", "- Model:", "", "```",
                  json.dumps(c["model"], indent=2, default=str), "```"]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"
