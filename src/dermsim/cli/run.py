"""`dermsim run` (any scenario file) and `dermsim permeate` (permeation without a file)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from dermsim.cli.common import MAX_MEMORY_OPTION, MAX_TIME_OPTION, OVERWRITE_OPTION, default_out, simulate_and_save, user_errors


def run(scenario: Path = typer.Argument(..., help="scenario TOML file (permeation, tissue or clones)"),
        out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: dermsim-out/run-<file name>)"),
        plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots"),
        max_memory: Optional[str] = MAX_MEMORY_OPTION, max_time: Optional[str] = MAX_TIME_OPTION,
        overwrite: bool = OVERWRITE_OPTION):
    """Run a scenario file: writes result.nc, summary.json, report.md and plots into --out."""
    with user_errors():
        from dermsim.scenario import load_scenario

        out = out if out is not None else default_out("run", scenario.stem)
        simulate_and_save(load_scenario(scenario), out, plots, max_memory, max_time, overwrite)


def permeate(compound: str = typer.Option(..., help="library compound name"),
             site: str = typer.Option("forearm", help="body site or in-vitro membrane"),
             concentration: str = typer.Option(..., help="e.g. '5 %', '10 mg/mL'"),
             dose: str = typer.Option("infinite", help="'infinite' or applied formulation, e.g. '2 mg/cm^2', '10 uL/cm^2'"),
             vehicle: Optional[str] = typer.Option(None, help="vehicle component ('ethanol') or fractions "
                                                   "('ethanol=0.7,water=0.3'); see `dermsim vehicles list`"),
             wash_time: Optional[str] = typer.Option(None, "--wash-time", help="wash the surface at, e.g. '6 h'"),
             duration: str = typer.Option("24 h"),
             hydration: Optional[str] = typer.Option(None, help="dry | normal | hydrated (default: normal in vivo, hydrated in vitro)"),
             occluded: bool = typer.Option(False, "--occluded/--open"),
             receptor: Optional[str] = typer.Option(None, help="sink | finite | blood (default: blood in vivo, sink in vitro)"),
             ph: Optional[float] = typer.Option(None, help="vehicle pH"),
             model: str = typer.Option("kasting-chen", help="QSPR model"),
             threshold: Optional[str] = typer.Option(None, help="basal-layer concentration threshold, e.g. '1 ug/mL'"),
             out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: "
                                                "dermsim-out/permeate-<compound>-<site>)"),
             plots: bool = typer.Option(True, "--plots/--no-plots"),
             max_memory: Optional[str] = MAX_MEMORY_OPTION, max_time: Optional[str] = MAX_TIME_OPTION,
        overwrite: bool = OVERWRITE_OPTION):
    """Permeation of a library compound without a scenario file."""
    with user_errors(PERMEATE_FLAGS):
        from dermsim.scenario import scenario_from_dict

        data = {"title": f"{compound} on {site}",
                "compound": {"name": compound},
                "skin": {"site": site} | ({"hydration": hydration} if hydration else {}),
                "formulation": {"concentration": concentration, "dose": dose, "occluded": occluded},
                "transport": {"model": model},
                "simulation": {"duration": duration}}
        if ph is not None:
            data["formulation"]["ph"] = ph
        if vehicle is not None:
            data["formulation"]["vehicle"] = vehicle_option(vehicle)
        if wash_time is not None:
            data["formulation"]["wash_time"] = wash_time
        if receptor is not None:
            data["receptor"] = {"type": receptor}
        if threshold is not None:
            data["simulation"]["basal_threshold"] = threshold
        out = out if out is not None else default_out("permeate", compound, site)
        simulate_and_save(scenario_from_dict(data), out, plots, max_memory, max_time, overwrite)


#: scenario field -> the `dermsim permeate` option that sets it (messages name the option).
PERMEATE_FLAGS = {"compound.name": "--compound", "compound": "--compound", "skin.site": "--site",
                  "skin.hydration": "--hydration", "formulation.concentration": "--concentration",
                  "formulation.dose": "--dose", "formulation.vehicle": "--vehicle", "formulation.wash_time": "--wash-time",
                  "formulation.ph": "--ph", "transport.model": "--model", "simulation.duration": "--duration",
                  "receptor.type": "--receptor", "simulation.basal_threshold": "--threshold"}


def vehicle_option(text: str) -> str | dict[str, float]:
    """'ethanol' or 'ethanol=0.7,water=0.3' (volume fractions) as the scenario's formulation.vehicle."""
    from dermsim.errors import InputError

    if "=" not in text:
        return text.strip()
    out: dict[str, float] = {}
    for part in text.split(","):
        name, _, fraction = part.partition("=")
        try:
            out[name.strip()] = float(fraction)
        except ValueError:
            raise InputError("--vehicle", text, "a component or fractions such as 'ethanol=0.7,water=0.3'") from None
    return out
