"""`dermsim compounds …`, `dermsim sites …` and `dermsim vehicles …`: the packaged compound library, body sites
and vehicle components."""

from __future__ import annotations

import typer

from dermsim.cli.common import user_errors

compounds_app = typer.Typer(no_args_is_help=True, help="The packaged compound library.")
sites_app = typer.Typer(no_args_is_help=True, help="Body sites and in-vitro membranes.")
vehicles_app = typer.Typer(no_args_is_help=True, help="Vehicle components (formulation.vehicle).")


@compounds_app.command("list")
def compounds_list():
    """List the library compounds."""
    from rich.console import Console
    from rich.table import Table

    from dermsim.chemistry.compound import list_compounds

    table = Table("name", "MW (g/mol)", "log Kow", "acid/base", "pKa", "category")
    for c in list_compounds():
        pka = ", ".join(f"{p:g}" for p in (c.pka_acid, c.pka_base) if p is not None)
        table.add_row(c.name, f"{c.molecular_weight:.2f}",
                      "—" if c.log_kow is None else f"{c.log_kow:.2f}{'*' if 'log_kow' in c.estimated else ''}",
                      c.acid_base, pka, c.category)
    Console().print(table)
    Console().print("[dim]* estimate[/dim]")


@compounds_app.command("show")
def compounds_show(name: str):
    """Show one compound with the source of every value."""
    with user_errors():
        import json

        from dermsim.chemistry.compound import get_compound

        typer.echo(json.dumps(get_compound(name).to_dict(), indent=2, ensure_ascii=False, default=str))


@sites_app.command("list")
def sites_list():
    """List body sites and in-vitro membranes with their layer thicknesses."""
    from rich.console import Console
    from rich.table import Table

    from dermsim.anatomy import UM, list_sites, skin_for_site

    table = Table("site", "SC (µm)", "VE (µm)", "dermis (µm)", "description")
    for name, desc in list_sites().items():
        skin = skin_for_site(name)
        th = {lay.role: f"{lay.thickness / UM:.0f}" for lay in skin.layers}
        table.add_row(name, th.get("stratum_corneum", ""), th.get("viable_epidermis", ""), th.get("dermis", "—"),
                      desc[:70])
    Console().print(table)


@vehicles_app.command("list")
def vehicles_list():
    """List the vehicle components with their properties at 32 °C and how fast 10 uL/cm^2 of each dries."""
    from rich.console import Console
    from rich.table import Table

    from dermsim.formulation.vehicles import component, evaporation_rate, list_components

    table = Table()
    table.add_column("name", no_wrap=True)
    for header in ("density (g/mL)", "vapour pressure (Pa)", "10 uL/cm^2 dries in (open air)", "display name"):
        table.add_column(header)
    for key in list_components():
        c = component(key)
        rate = evaporation_rate(c)                                           # cm/h
        hours = 1e-2 / rate if rate > 0 else float("inf")
        dries = f"{hours * 60:.3g} min" if hours < 1 else (f"{hours:.3g} h" if hours < 1e4 else "never")
        table.add_row(key, f"{c.density:.4g}", f"{c.vapour_pressure:.3g}", dries, c.display_name)
    Console().print(table)
    Console().print("[dim]In a diffusion cell the still air of the donor chamber slows drying "
                    "(formulation.donor_chamber_depth).[/dim]")
