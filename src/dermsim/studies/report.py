"""Reports (Markdown) of population, sweep and sensitivity Results."""

from __future__ import annotations

from dermsim.permeation.report import fmt
from dermsim.studies.skin_batch import FIGURES


def population_markdown(result, plots: bool = True) -> str:
    s = result.summary
    lines = [f"# {s.get('title') or 'dermsim population'}", "", "```", s["answer"], "```", "",
             f"{s['subjects']} subjects, seed {s['seed']}, engine {s['engine']}; {s['compound']} on {s['site']}, "
             f"{s['dose']} dose, {s['receptor']}, {s['duration_h']:g} h.", "",
             "## Percentiles over the subjects", "", "| figure | 5th | median | 95th | mean |", "|---|---|---|---|---|"]
    for key, p in s["figures"].items():
        lines.append(f"| {FIGURES.get(key, key)} (`{key}`) | {fmt(p['p5'])} | {fmt(p['p50'])} | {fmt(p['p95'])} | "
                     f"{fmt(p['mean'])} |")
    if s["systemic_dose_ug"]:
        p = s["systemic_dose_ug"]
        lines.append(f"| systemic dose over {s['area_cm2']:g} cm² (ug) | {fmt(p['p5'])} | {fmt(p['p50'])} | "
                     f"{fmt(p['p95'])} | {fmt(p['mean'])} |")
    v = s["variability"]
    lines += ["", "## Variability (lognormal factors of mean 1 on the site's preset values)", "",
              "| quantity | CV | source |", "|---|---|---|"]
    for key, cv in v["cv"].items():
        lines.append(f"| {key.replace('_cv', '').replace('_', ' ')} | {cv:g} | {v['sources'][key]} |")
    lines.append(f"| SC–viable epidermis thickness correlation | {v['thickness_correlation']:g} | "
                 f"{v['sources']['thickness_correlation']} |")
    lines += ["", "## Resolution check", "", s["notes"][0] + "."]
    if plots:
        lines += ["", "## Plots", "", "![distributions](population_distributions.png)", "",
                  "![bands](population_bands.png)"]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"


def _csv_rows(result, dim: str) -> tuple[list[str], list[list]]:
    """The variables of ``result`` along ``dim`` as CSV columns (name [unit])."""
    content = result._content
    names = [k for k, (dims, _, _) in content.data_vars.items() if dims == (dim,)]
    header = [dim] + [f"{k} [{content.data_vars[k][2]['units']}]" if content.data_vars[k][2]["units"] else k
                      for k in names]
    index = content.coords[dim][1]
    columns = [content.data_vars[k][1] for k in names]
    rows = [[int(i)] + [c[j].item() if hasattr(c[j], "item") else c[j] for c in columns] for j, i in enumerate(index)]
    return header, rows


def _write_csv(path, header, rows) -> list:
    import csv
    import io

    from dermsim.results.files import write_text

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"{x:.10g}" if isinstance(x, float) else x for x in row])
    return [write_text(path, buffer.getvalue())]


def write_table(result, out_dir) -> list:
    """table.csv: one row per subject (population) or point (sweep), every per-row variable with its unit."""
    from pathlib import Path

    dim = "subject" if result.kind == "population" else "point"
    header, rows = _csv_rows(result, dim)
    return _write_csv(Path(out_dir) / "table.csv", header, rows)


def write_indices(result, out_dir) -> list:
    """indices.csv: one row per output figure and parameter with its indices."""
    from pathlib import Path

    s = result.summary
    rows, header = [], None
    for figure, table in s["indices"].items():
        if table is None:
            continue
        for name, values in table.items():
            header = header or ["figure", "parameter"] + list(values)
            rows.append([figure, name] + list(values.values()))
    return _write_csv(Path(out_dir) / "indices.csv", header or ["figure", "parameter"], rows)


def sweep_markdown(result, plots: bool = True) -> str:
    s = result.summary
    keys = list(s["range"])
    paths = [v["path"] for v in s["varied"]]
    lines = [f"# {s.get('title') or 'dermsim sweep'}", "", "```", s["answer"], "```", "",
             f"{s['points']} points ({s['design']}{', seed ' + str(s['seed']) if s['seed'] is not None else ''}), "
             f"engine {s['engine']}, mesh resolution {s['resolution']:g}.", "", "## Points", "",
             "| " + " | ".join(paths + keys) + " |", "|" + "---|" * (len(paths) + len(keys))]
    for row in s["table"]:
        lines.append("| " + " | ".join([str(row[p]) for p in paths] + [fmt(row[k]) for k in keys]) + " |")
    if not s["table_complete"]:
        lines.append(f"\n(first {len(s['table'])} of {s['points']} points; table.csv has them all)")
    if plots:
        lines += ["", "## Plots", "", "![sweep](sweep.png)"]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in s["notes"]]
    return "\n".join(lines) + "\n"


def sensitivity_markdown(result, plots: bool = True) -> str:
    s = result.summary
    sobol = s["method"] == "sobol"
    lines = [f"# {s.get('title') or 'dermsim sensitivity'}", "", "```", s["answer"], "```", "",
             f"{s['method'].capitalize()}: {s['runs']} runs (N = {s['samples']}), seed {s['seed']}, engine "
             f"{s['engine']}, mesh resolution {s['resolution']:g}.", "", "## Parameters", "",
             "| parameter | distribution | range or σ(ln) |", "|---|---|---|"]
    for p in s["parameters"]:
        spread = f"σ = {p['sigma_ln']:.3g}" if p["sigma_ln"] is not None else f"{p['low']:g}–{p['high']:g} {p['unit']}"
        lines.append(f"| {p['path']} | {p['distribution']} | {spread} |")
    for figure, table in s["indices"].items():
        lines += ["", f"## {FIGURES.get(figure, figure)} (`{figure}`)", ""]
        if table is None:
            lines.append("Constant over the design: no index.")
            continue
        if sobol:
            lines += ["| parameter | first order (95 % CI) | total (95 % CI) |", "|---|---|---|"]
            for name, r in sorted(table.items(), key=lambda kv: -kv[1]["total"]):
                lines.append(f"| {name} | {r['first']:.3f} ± {r['first_conf']:.3f} | "
                             f"{r['total']:.3f} ± {r['total_conf']:.3f} |")
        else:
            lines += ["| parameter | μ* (95 % CI) | σ |", "|---|---|---|"]
            for name, r in sorted(table.items(), key=lambda kv: -kv[1]["mu_star"]):
                lines.append(f"| {name} | {r['mu_star']:.3g} ± {r['mu_star_conf']:.3g} | {r['sigma']:.3g} |")
    if plots:
        lines += ["", "## Plots", "", "![indices](sensitivity.png)"]
    return "\n".join(lines) + "\n"
