"""`dermsim population`, `dermsim sweep` and `dermsim sensitivity`: many skins of one scenario file, in process or
on a Dask cluster (`dermsim.studies`)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from dermsim.cli.common import OVERWRITE_OPTION, default_out, simulate_and_save, user_errors

ENGINE_OPTION = typer.Option("auto", "--engine", help="auto (a local Dask cluster when the work has more than one "
                             "batch, else this process) | serial | dask")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", help="address of a running Dask scheduler, e.g. "
                                "tcp://10.0.0.5:8786 (default: a local cluster on 127.0.0.1)")
WORKERS_OPTION = typer.Option(None, "--workers", help="worker processes of the local cluster (default: the cores)")
RESOLUTION_OPTION = typer.Option(None, "--resolution", help="mesh resolution of each skin (default: the scenario's "
                                 "[population] resolution 0.5, or its [simulation] resolution)")
PLOTS_OPTION = typer.Option(True, "--plots/--no-plots", help="write PNG plots")


def _study(kind: str, scenario: Path, out: Path | None, plots: bool, overwrite: bool, run, **options) -> None:
    """Load ``scenario``, run ``run(scenario, progress=..., **options)`` and save its output set (staged) into ``out``
    (default ``dermsim-out/<kind>-<file name>``)."""
    with user_errors():
        from dermsim.scenario import load_scenario

        sc = load_scenario(scenario)
        out = out if out is not None else default_out(kind, scenario.stem)
        simulate_and_save(sc, out, plots, overwrite=overwrite, kind=kind,
                          study=lambda progress: run(sc, progress=progress, **options))


def population(scenario: Path = typer.Argument(..., help="permeation scenario TOML (its [population] table optional)"),
               subjects: Optional[int] = typer.Option(None, "--subjects", help="number of virtual subjects "
                                                      "(default: the scenario's, else 1000)"),
               seed: Optional[int] = typer.Option(None, "--seed", help="random seed (default: the scenario's, else 0)"),
               resolution: Optional[float] = RESOLUTION_OPTION, engine: str = ENGINE_OPTION,
               scheduler: Optional[str] = SCHEDULER_OPTION, workers: Optional[int] = WORKERS_OPTION,
               out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: "
                                                  "dermsim-out/population-<file name>)"),
               plots: bool = PLOTS_OPTION, overwrite: bool = OVERWRITE_OPTION):
    """A virtual population: percentiles (5/50/95) of basal-layer exposure, absorbed % and systemic dose."""
    from dermsim.studies.population import run_population

    _study("population", scenario, out, plots, overwrite, run_population, subjects=subjects, seed=seed,
           resolution=resolution, engine=engine, scheduler=scheduler, workers=workers)


def sweep(scenario: Path = typer.Argument(..., help="permeation scenario TOML"),
          vary: List[str] = typer.Option([], "--vary", help="PATH=LO..HI:N[:log] | PATH=LO..HI | PATH=A,B,C; "
                                         "repeat for more fields, e.g. --vary formulation.concentration=1%..10%:10"),
          design: str = typer.Option("grid", "--design", help="grid (every combination) | lhs (Latin hypercube)"),
          samples: Optional[int] = typer.Option(None, "--samples", help="points of a Latin hypercube (default 100)"),
          seed: int = typer.Option(0, "--seed", help="seed of a Latin hypercube"),
          resolution: Optional[float] = RESOLUTION_OPTION, engine: str = ENGINE_OPTION,
          scheduler: Optional[str] = SCHEDULER_OPTION, workers: Optional[int] = WORKERS_OPTION,
          out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: "
                                             "dermsim-out/sweep-<file name>)"),
          plots: bool = PLOTS_OPTION, overwrite: bool = OVERWRITE_OPTION):
    """A sweep: the scenario's figures over a grid or Latin hypercube of the fields it varies."""
    from dermsim.studies.sweep import run_sweep

    _study("sweep", scenario, out, plots, overwrite, run_sweep, vary=vary, design=design, samples=samples, seed=seed,
           resolution=resolution, engine=engine, scheduler=scheduler, workers=workers)


def sensitivity(scenario: Path = typer.Argument(..., help="permeation scenario TOML"),
                vary: List[str] = typer.Option([], "--vary", help="PATH=LO..HI[:log]; repeat (default: the "
                                               "population's cited variability)"),
                method: str = typer.Option("sobol", "--method", help="sobol | morris"),
                samples: Optional[int] = typer.Option(None, "--samples", help="Sobol base sample N, a power of 2 "
                                                      "(default 1024), or Morris trajectories (default 50)"),
                second_order: bool = typer.Option(False, "--second-order", help="also Sobol second-order indices"),
                seed: int = typer.Option(0, "--seed"), resolution: Optional[float] = RESOLUTION_OPTION,
                engine: str = ENGINE_OPTION, scheduler: Optional[str] = SCHEDULER_OPTION,
                workers: Optional[int] = WORKERS_OPTION,
                out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: "
                                                   "dermsim-out/sensitivity-<file name>)"),
                plots: bool = PLOTS_OPTION, overwrite: bool = OVERWRITE_OPTION):
    """Global sensitivity (SALib): Sobol first/total indices with bootstrap CIs, or Morris screening."""
    from dermsim.studies.sensitivity import run_sensitivity

    n = samples if samples is not None else (1024 if method == "sobol" else 50)
    _study("sensitivity", scenario, out, plots, overwrite, run_sensitivity, vary=vary, method=method, samples=n,
           second_order=second_order, seed=seed, resolution=resolution, engine=engine, scheduler=scheduler,
           workers=workers)
