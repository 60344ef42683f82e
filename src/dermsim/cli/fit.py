"""`dermsim fit`: diffusion parameters fitted to a Franz-cell CSV, written as one staged output set."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from dermsim.cli.common import OVERWRITE_OPTION, check_out, default_out, staged_output, user_errors


def fit(data: Path = typer.Argument(..., help="CSV: time_<unit>, cumulative_<unit> (e.g. time_h, "
                                    "cumulative_ug_per_cm2), optional cell, donor, sd_<unit>"),
        scenario: Optional[Path] = typer.Option(None, "--scenario", help="permeation scenario TOML (the stack, dose "
                                                "and receptor); default: one membrane fitted as lag and kp"),
        parameters: Optional[str] = typer.Option(None, "--fit", help="parameters to fit, comma-separated: "
                                                 "<layer>.diffusivity, <layer>.partition, lag, kp (default: D and "
                                                 "K of the stratum corneum or the only layer; lag,kp without "
                                                 "--scenario)"),
        dose: bool = typer.Option(False, "--dose", help="also fit the applied amount (finite-dose scenarios)"),
        concentration: Optional[str] = typer.Option(None, "--concentration", help="donor concentration without "
                                                    "--scenario, e.g. '1 mg/mL'"),
        time_unit: Optional[str] = typer.Option(None, "--time-unit", help="unit of the time column, e.g. 'min' "
                                                "(default: from its name)"),
        amount_unit: Optional[str] = typer.Option(None, "--amount-unit", help="unit of the amounts, e.g. "
                                                  "'ng/cm^2' (default: from the column name)"),
        posterior: bool = typer.Option(False, "--posterior", help="also sample the posterior (emcee)"),
        steps: int = typer.Option(2000, "--steps", min=100, max=1_000_000, help="posterior steps"),
        starts: int = typer.Option(4, "--starts", min=1, max=100, help="optimiser starts"),
        seed: int = typer.Option(0, "--seed", help="seed of the starts and the sampler"),
        out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: dermsim-out/fit-<data>)"),
        plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots"),
        overwrite: bool = OVERWRITE_OPTION):
    """Fit D and K (or lag and kp) to cumulative permeation data: estimates, SEs, profile CIs, plots."""
    with user_errors():
        from dermsim.fitting import fit as fit_data

        out = out if out is not None else default_out("fit", data.stem)
        check_out(out, "fit", overwrite)                      # before anything is computed
        result = fit_data(data, scenario=scenario, parameters=parameters, dose=dose, concentration=concentration,
                          starts=starts, seed=seed, posterior=posterior, posterior_steps=steps,
                          time_unit=time_unit, amount_unit=amount_unit)
        with staged_output(out, "fit", overwrite) as tmp:
            written = result.save(tmp, plots=plots)
        typer.echo(result.text())
        typer.echo(f"wrote {out}/{', '.join(p.name for p in written)}")
