"""`dermsim compounds …`, `dermsim sites …` and `dermsim vehicles …`: the packaged compound library, body sites
and vehicle components. Lists print names whole and take ``--json``."""

from __future__ import annotations

import typer

from dermsim.cli.common import user_errors
from dermsim.cli.listing import JSON_OPTION, Column, number, print_list

compounds_app = typer.Typer(no_args_is_help=True, help="The packaged compound library.")
sites_app = typer.Typer(no_args_is_help=True, help="Body sites and in-vitro membranes.")
vehicles_app = typer.Typer(no_args_is_help=True, help="Vehicle components (formulation.vehicle).")


@compounds_app.command("list")
def compounds_list(as_json: bool = JSON_OPTION):
    """List the library compounds."""
    from dermsim.chemistry.compound import list_compounds

    records = [{"name": c.name, "molecular_weight_g_per_mol": c.molecular_weight, "log_kow": c.log_kow,
                "log_kow_estimated": "log_kow" in c.estimated, "acid_base": c.acid_base, "pka_acid": c.pka_acid,
                "pka_base": c.pka_base, "category": c.category} for c in list_compounds()]
    for r in records:
        r["pka"] = ", ".join(f"{p:g}" for p in (r["pka_acid"], r["pka_base"]) if p is not None)
        r["log_kow_shown"] = "—" if r["log_kow"] is None else f"{r['log_kow']:.2f}{'*' * r['log_kow_estimated']}"
    columns = [Column("name", "name"), Column("molecular_weight_g_per_mol", "MW (g/mol)", number(".2f")),
               Column("log_kow_shown", "log Kow"), Column("acid_base", "acid/base"), Column("pka", "pKa"),
               Column("category", "category", wraps=True)]
    shown = [{k: v for k, v in r.items() if k not in ("pka", "log_kow_shown")} for r in records]
    print_list(shown if as_json else records, columns, as_json, note="* estimate")


@compounds_app.command("show")
def compounds_show(name: str):
    """Show one compound with the source of every value."""
    with user_errors():
        import json

        from dermsim.chemistry.compound import get_compound

        typer.echo(json.dumps(get_compound(name).to_dict(), indent=2, ensure_ascii=False, default=str))


@sites_app.command("list")
def sites_list(as_json: bool = JSON_OPTION):
    """List body sites and in-vitro membranes with their layer thicknesses."""
    from dermsim.anatomy import UM, list_sites, skin_for_site

    records = []
    for name, description in list_sites().items():
        thickness = {lay.role: lay.thickness / UM for lay in skin_for_site(name).layers}
        records.append({"name": name, "stratum_corneum_um": thickness.get("stratum_corneum"),
                        "viable_epidermis_um": thickness.get("viable_epidermis"),
                        "dermis_um": thickness.get("dermis"), "description": description})
    columns = [Column("name", "site"), Column("stratum_corneum_um", "SC (µm)", number(".0f", "")),
               Column("viable_epidermis_um", "VE (µm)", number(".0f", "")),
               Column("dermis_um", "dermis (µm)", number(".0f")), Column("description", "description", wraps=True)]
    print_list(records, columns, as_json)


@vehicles_app.command("list")
def vehicles_list(as_json: bool = JSON_OPTION):
    """List the vehicle components with their properties at 32 °C and how fast 10 uL/cm^2 of each dries."""
    from dermsim.formulation.vehicles import component, evaporation_rate, list_components

    records = []
    for key in list_components():
        c = component(key)
        rate = evaporation_rate(c)                                           # cm/h
        records.append({"name": key, "density_g_per_cm3": c.density, "vapour_pressure_Pa": c.vapour_pressure,
                        "dries_10_uL_per_cm2_open_air_h": 1e-2 / rate if rate > 1e-6 else None,
                        "display_name": c.display_name})

    def dries(hours):
        if hours is None or hours >= 1e4:
            return "never"
        return f"{hours * 60:.3g} min" if hours < 1 else f"{hours:.3g} h"

    columns = [Column("name", "name"), Column("density_g_per_cm3", "density (g/mL)", number(".4g")),
               Column("vapour_pressure_Pa", "vapour pressure (Pa)", number(".3g")),
               Column("dries_10_uL_per_cm2_open_air_h", "10 uL/cm^2 dries in (open air)", dries),
               Column("display_name", "display name", wraps=True)]
    print_list(records, columns, as_json, note="In a diffusion cell the still air of the donor chamber slows "
                                                "drying (formulation.donor_chamber_depth).")
