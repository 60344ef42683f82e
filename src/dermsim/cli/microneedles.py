"""`dermsim devices …` and `dermsim microneedle …` commands.

The options of `microneedle plan` are the fields of a scenario's ``[microneedle]`` table and go through the
same validation (`dermsim.microneedles.plan.plan_from_table`), so every bad input prints the same one line
as in a scenario file and exits 2. Model modules are imported inside the commands to keep `--help` fast.
"""

from __future__ import annotations

from typing import Optional

import typer

from dermsim.cli.common import user_errors
from dermsim.cli.listing import JSON_OPTION, Column, number, print_list

def _console():
    """A rich console; 140 columns when not a terminal (pipes, files) so tables are not squeezed."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=140)


devices_app = typer.Typer(no_args_is_help=True, help="The packaged microneedle device library.")
microneedle_app = typer.Typer(no_args_is_help=True, help="Microneedle treatments: depth, channels, risk.")


@devices_app.command("list")
def devices_list(as_json: bool = JSON_OPTION):
    """List the library devices with their main geometry."""
    from dermsim.microneedles.density import density_per_pass
    from dermsim.microneedles.devices import list_devices

    records = [{"name": d.name, "kind": d.kind, "needles": d.needle_count, "needle_type": d.needle_type,
                "length_mm": None if d.needle_length is None else d.needle_length * 10,
                "length_range_mm": None if d.needle_length_range is None else [x * 10 for x in d.needle_length_range],
                "base_diameter_um": d.base_diameter * 1e4, "tip_radius_um": d.tip_radius * 1e4,
                "channels_per_pass_per_cm2": density_per_pass(d), "sterile": d.sterile, "single_use": d.single_use}
               for d in list_devices()]

    def length(record):
        low_high = record["length_range_mm"]
        return f"{record['length_mm']:g}" if low_high is None else f"{low_high[0]:g}–{low_high[1]:g}"

    shown = [r | {"length": length(r)} for r in records]
    yes = {True: "yes", False: "no"}.get
    columns = [Column("name", "name"), Column("kind", "kind"), Column("needles", "needles"),
               Column("needle_type", "type"), Column("length", "length (mm)"),
               Column("base_diameter_um", "base (µm)", number("g")), Column("tip_radius_um", "tip (µm)", number("g")),
               Column("channels_per_pass_per_cm2", "per pass (/cm²)", number(".4g")),
               Column("sterile", "sterile", yes), Column("single_use", "single use", yes)]
    print_list(records if as_json else shown, columns, as_json,
               note="per pass: rollers N/(π·D·W); pens N·f/(v·w) at the default hand speed; stamps/arrays N/area. "
                    "`dermsim devices show NAME` gives every value with its source.")


@devices_app.command("show")
def devices_show(name: str = typer.Argument(..., help="device name (see `dermsim devices list`)"),
                 as_json: bool = typer.Option(False, "--json", help="print JSON")):
    """Show one device: every field with its unit and source."""
    with user_errors():
        from dermsim.microneedles.devices import get_device

        record = get_device(name).to_dict()
    if as_json:
        import json

        typer.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("field", "value", "unit", "source", title=record["name"]["value"])
    for field, entry in record.items():
        value = entry["value"]
        text = "–".join(f"{v:g}" for v in value) if isinstance(value, list) else str(value)
        table.add_row(field, text, entry.get("unit", ""), entry.get("source", ""))
    _console().print(table)


def _plan_table(summary: dict):
    from rich.table import Table

    def um(key):
        return "—" if summary[key] is None else f"{summary[key]:.0f} µm"

    rows = [
        ("device", f"{summary['device']} ({summary['device_kind']}; applied: {summary['application']})"),
        ("site", summary["site"]),
        ("passes × area", f"{summary['passes']} × {summary['treated_area_cm2']:g} cm²"),
        ("nominal length", um("nominal_length_um")),
        ("effective depth", um("effective_depth_um")),
        ("surface diameter", um("channel_surface_diameter_um")),
        ("insertion force", f"{summary['insertion_force_per_needle_N']:.3g} N per needle"
                            + ("" if summary["pierces"] else " — needles do not pierce")),
        ("deepest layer reached", str(summary["deepest_layer_reached"])),
        ("capillary loops", f"{um('capillary_loop_depth_um')}: "
                            + {True: "reached", False: "not reached", None: "unknown"}[summary["reaches_capillary_loops"]]),
        ("punctures", f"{summary['punctures_per_cm2']:.4g} /cm² ({summary['punctures_per_cm2_per_pass']:.4g} per pass)"),
        ("distinct channels", f"{summary['channels_per_cm2']:.4g} /cm², {summary['total_channels']:,.0f} in total"),
        ("open area", f"{100 * summary['open_area_fraction']:.3g} %"),
        ("barrier half-life", f"{summary['closure_half_life_h']:.3g} h (recovered ~{summary['barrier_recovery_time_h']:.3g} h)"),
        ("physical closure half-life", f"{summary['physical_closure_half_life_h']:.3g} h "
                                       f"(closed ~{summary['physical_closure_time_h']:.3g} h)"),
        ("bleeding", f"expected, ~{summary['expected_bleeding_points']:.3g} points" if summary["bleeding_expected"]
         else "not expected"),
        ("pain", f"~{summary['pain_percent_of_26g_needle']:.3g} % of a 26-G needle"
                 + (" (extrapolated)" if summary["pain_extrapolated"] else "")),
        ("infection index", f"{summary['infection_risk_index']:.3g} (relative; 1 = 100 undecontaminated punctures "
                            "open 1 h; not an incidence)"),
        ("wound area", f"{summary['wound_wall_area_cm2']:.3g} cm² channel walls, "
                       f"{summary['wound_surface_area_cm2']:.3g} cm² at the surface"),
    ]
    table = Table("quantity", "value", title="microneedle treatment plan (no transport)")
    for key, value in rows:
        table.add_row(key, value)
    return table


#: scenario field -> the `dermsim microneedle plan` option that sets it (messages name the option).
PLAN_FLAGS = {"microneedle.device": "--device", "site": "--site", "skin.site": "--site",
              "microneedle.passes": "--passes", "microneedle.treated_area": "--area",
              "microneedle.application": "--application", "microneedle.depth": "--depth",
              "microneedle.depth_setting": "--depth", "age": "--age", "microneedle.sterilisation": "--sterilisation",
              "microneedle.reuse_count": "--reuse", "microneedle.speed": "--pen-speed",
              "microneedle.stroke_frequency": "--frequency"}


@microneedle_app.command("plan")
def plan(device: str = typer.Option(..., "--device", help="library device (see `dermsim devices list`)"),
         site: str = typer.Option(..., "--site", help="body site, e.g. face, forearm"),
         passes: str = typer.Option("1", "--passes", help="passes over the area (stamps/arrays: applications per spot)"),
         area: str = typer.Option(..., "--area", help="treated area, e.g. '300 cm^2'"),
         application: Optional[str] = typer.Option(None, "--application",
                                                   help="hand-press | roller | pen | impact-applicator | force per needle ('0.05 N')"),
         depth: Optional[str] = typer.Option(None, "--depth", help="pen depth setting, e.g. '1.5 mm'"),
         occluded: bool = typer.Option(False, "--occluded/--open", help="site covered after treatment"),
         age: Optional[str] = typer.Option(None, "--age", help="age in years"),
         anti_inflammatory: bool = typer.Option(False, "--anti-inflammatory", help="topical COX inhibitor afterwards"),
         sterilisation: str = typer.Option("autoclave", "--sterilisation", help="autoclave | alcohol-wipe | none"),
         reuse: str = typer.Option("0", "--reuse", help="earlier uses of the needles"),
         pen_speed: Optional[str] = typer.Option(None, "--pen-speed", help="pen hand speed, e.g. '2 cm/s'"),
         frequency: Optional[str] = typer.Option(None, "--frequency", help="pen stroke frequency, e.g. '120 Hz'"),
         anaesthetic: Optional[str] = typer.Option(None, "--anaesthetic", help="topical anaesthetic (recorded only)"),
         as_json: bool = typer.Option(False, "--json", help="print the summary as JSON")):
    """Depth, layer reached, channel count, resealing and risks of one treatment (no transport)."""
    with user_errors(PLAN_FLAGS):
        from dermsim.microneedles.plan import plan_from_table

        table = {"device": device, "passes": passes, "treated_area": area, "application": application,
                 "depth_setting": depth, "anti_inflammatory": anti_inflammatory, "sterilisation": sterilisation,
                 "reuse_count": reuse, "speed": pen_speed, "stroke_frequency": frequency, "anaesthetic": anaesthetic}
        result = plan_from_table({k: v for k, v in table.items() if v is not None}, site, age=age,
                                 occluded=occluded)
    summary = result.summary()
    if as_json:
        import json

        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    console = _console()
    console.print(_plan_table(summary))
    for flag in summary["home_use_flags"]:
        console.print(f"[bold yellow]![/bold yellow] {flag}", highlight=False)
    if summary["anaesthetic_note"]:
        console.print(f"[dim]{summary['anaesthetic']}: {summary['anaesthetic_note']}[/dim]")
