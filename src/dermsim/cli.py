"""Command line: `dermsim run | permeate | predict-kp | compounds | sites | devices | microneedle | epidermis | info`.

Bad input prints one line (field, value, what is allowed) and exits with code 2; outputs are assembled
in a temporary directory and moved into ``--out`` only when complete.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from dermsim.clitools import progress_bar, staged_output, user_errors
from dermsim.epidermis.cli import app as epidermis_app
from dermsim.microneedles.cli import devices_app, microneedle_app
from dermsim.plotworker import PlotWorker

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="dermsim: a validated virtual skin — permeation, anatomy, compounds.")
compounds_app = typer.Typer(no_args_is_help=True, help="The packaged compound library.")
sites_app = typer.Typer(no_args_is_help=True, help="Body sites and in-vitro membranes.")
app.add_typer(compounds_app, name="compounds")
app.add_typer(sites_app, name="sites")
app.add_typer(devices_app, name="devices")
app.add_typer(microneedle_app, name="microneedle")
app.add_typer(epidermis_app, name="epidermis")


def _simulate_and_save(scenario, out: Path, plots: bool, worker: PlotWorker | None = None) -> None:
    from rich.console import Console

    from dermsim.simulation import simulate

    with progress_bar() as bar:
        task = bar.add_task("sim", total=1.0)
        result = simulate(scenario, progress=lambda f: bar.update(task, completed=f))
    with staged_output(out) as tmp:
        result.save(tmp, plots=plots, draw=worker)
    console = Console(soft_wrap=True)
    console.print(result.summary["answer"], highlight=False)
    console.print(f"[dim]mass balance relative error {result.summary['mass_balance_relative_error']:.1e}; "
                  f"wrote {out}/result.nc, summary.json{', report.md, *.png' if plots else ''}[/dim]")


@app.command()
def run(scenario: Path = typer.Argument(..., help="scenario TOML file"),
        out: Path = typer.Option(Path("dermsim-out"), "--out", help="output directory"),
        plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots")):
    """Run a scenario file: writes result.nc, summary.json and plots into --out."""
    with user_errors(), PlotWorker(enabled=plots) as worker:
        from dermsim.scenario import load_scenario

        _simulate_and_save(load_scenario(scenario), out, plots, worker)


@app.command()
def permeate(compound: str = typer.Option(..., help="library compound name"),
             site: str = typer.Option("forearm", help="body site or in-vitro membrane"),
             concentration: str = typer.Option(..., help="e.g. '5 %', '10 mg/mL'"),
             dose: str = typer.Option("infinite", help="'infinite' or applied formulation, e.g. '2 mg/cm^2'"),
             duration: str = typer.Option("24 h"),
             hydration: Optional[str] = typer.Option(None, help="dry | normal | hydrated (default: normal in vivo, hydrated in vitro)"),
             occluded: bool = typer.Option(False, "--occluded/--open"),
             receptor: Optional[str] = typer.Option(None, help="sink | finite | blood (default: blood in vivo, sink in vitro)"),
             ph: Optional[float] = typer.Option(None, help="vehicle pH"),
             model: str = typer.Option("kasting-chen", help="QSPR model"),
             threshold: Optional[str] = typer.Option(None, help="basal-layer concentration threshold, e.g. '1 ug/mL'"),
             out: Path = typer.Option(Path("dermsim-out"), "--out"),
             plots: bool = typer.Option(True, "--plots/--no-plots")):
    """Permeation of a library compound without a scenario file."""
    with user_errors():
        from dermsim.scenario import scenario_from_dict

        data = {"title": f"{compound} on {site}",
                "compound": {"name": compound},
                "skin": {"site": site} | ({"hydration": hydration} if hydration else {}),
                "formulation": {"concentration": concentration, "dose": dose, "occluded": occluded},
                "transport": {"model": model},
                "simulation": {"duration": duration}}
        if ph is not None:
            data["formulation"]["ph"] = ph
        if receptor is not None:
            data["receptor"] = {"type": receptor}
        if threshold is not None:
            data["simulation"]["basal_threshold"] = threshold
        _simulate_and_save(scenario_from_dict(data), out, plots)


@app.command("predict-kp")
def predict_kp(input: Path = typer.Argument(..., help="CSV with columns name,mw,log_kow[,pka,acid_base]"),
               out: Path = typer.Option(..., "--out", help="output CSV"),
               model: str = typer.Option("kasting-chen", help="QSPR model"),
               ph: float = typer.Option(7.0, help="vehicle pH used for ionisation"),
               hydration: str = typer.Option("normal")):
    """Predict log10 kp (cm/h) for every row of a CSV (vectorised)."""
    with user_errors():
        from dermsim.predict import predict_kp_csv

        n = predict_kp_csv(input, out, model=model, ph=ph, hydration=hydration)
        typer.echo(f"wrote {n} rows to {out}")


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


@app.command()
def info():
    """Versions of dermsim and its dependencies (for bug reports)."""
    from importlib.metadata import PackageNotFoundError, version

    import platform

    typer.echo(f"python {platform.python_version()} on {platform.platform()}")
    for pkg in ("dermsim", "numpy", "scipy", "xarray", "netCDF4", "pint", "pydantic", "typer", "rich",
                "matplotlib", "rdkit"):
        try:
            typer.echo(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            typer.echo(f"{pkg} not installed")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
