"""`dermsim epidermis …` commands (registered by :mod:`dermsim.cli`)."""

from __future__ import annotations

from pathlib import Path

import typer

from dermsim.cli.common import fail, progress_bar, staged_output, user_errors

app = typer.Typer(no_args_is_help=True, help="Epidermal renewal: clones and the spatial tissue.")


def _weeks(text: str) -> float:
    """An output time: a bare number is in weeks, else a quantity such as '3 day'."""
    from dermsim.units import to_internal

    try:
        return float(text)
    except ValueError:
        return to_internal(text.strip(), "--times", "week")


#: CLI option of each fate-rate field (errors name the option the user typed).
_CLONE_OPTIONS = {"division_rate": "--lambda", "symmetric_fraction": "--r", "stratification_rate": "--gamma",
                  "shedding_rate": "--mu", "stem_division_rate": "--stem-lambda",
                  "stem_symmetric_fraction": "--stem-r", "progenitor_fate_imbalance": "--delta",
                  "preset": "--preset", "model": "--model", "initial": "--initial", "clones": "--clones",
                  "times": "--times", "duration": "--duration", "output_every": "--output-every"}


@app.command()
def clones(preset: str | None = typer.Option(None, "--preset", help="fate-rate preset, e.g. clayton2007-mouse-tail "
                                             "(values given below replace the preset's)"),
           model: str | None = typer.Option(None, "--model", help="committed-progenitor | stem-progenitor"),
           division_rate: str | None = typer.Option(None, "--lambda", help="progenitor division rate, e.g. '1.1 /week'"),
           symmetric_fraction: str | None = typer.Option(None, "--r", help="symmetric division fraction r in [0, 0.5]"),
           stratification_rate: str | None = typer.Option(None, "--gamma", help="stratification rate, e.g. '0.31 /week'"),
           shedding_rate: str | None = typer.Option(None, "--mu", help="suprabasal shedding rate (default 0 "
                                                    "without a preset)"),
           stem_division_rate: str | None = typer.Option(None, "--stem-lambda", help="stem division rate (stem-progenitor)"),
           stem_symmetric_fraction: str | None = typer.Option(None, "--stem-r", help="stem symmetric fraction"),
           progenitor_fate_imbalance: str | None = typer.Option(None, "--delta", help="progenitor fate imbalance Δ"),
           initial: str = typer.Option("auto", "--initial", help="founding cell: auto | progenitor | stem"),
           n_clones: str = typer.Option("100000", "--clones", help="number of labelled clones"),
           duration: str = typer.Option("52 week", "--duration", help="last output time"),
           times: str | None = typer.Option(None, "--times", help="output times, comma-separated, e.g. '0,1,4,13' "
                                            "(weeks) or '3 day, 2 week'"),
           output_every: str | None = typer.Option(None, "--output-every", help="output interval, e.g. '1 week'"),
           seed: str | None = typer.Option(None, "--seed", help="random seed (integer)"),
           per_clone: bool = typer.Option(False, "--per-clone/--no-per-clone", help="store every clone's counts"),
           plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots"),
           out: Path = typer.Option(Path("dermsim-out"), "--out", help="output directory")):
    """Simulate labelled basal clones (exact stochastic cell-fate model): clones.nc, summary.json, plots."""
    with user_errors():
        from dermsim.epidermis import clones as cl
        from dermsim.epidermis.clone_dataset import save
        from dermsim.epidermis.clone_statistics import key_figures
        from dermsim.epidermis.kinetics import resolve_rates
        from dermsim.errors import InputError
        from dermsim.units import to_positive

        try:
            rates = resolve_rates(preset, model, division_rate=division_rate, symmetric_fraction=symmetric_fraction,
                                  stratification_rate=stratification_rate, shedding_rate=shedding_rate,
                                  stem_division_rate=stem_division_rate,
                                  stem_symmetric_fraction=stem_symmetric_fraction,
                                  progenitor_fate_imbalance=progenitor_fate_imbalance)
            count = int(n_clones) if n_clones.strip().lstrip("+-").isdigit() else n_clones
            t_out = None if times is None else [_weeks(x) for x in times.split(",")]
            end = None if times is not None else to_positive(duration, "--duration", "week")
            every = None if output_every is None else to_positive(output_every, "--output-every", "week")
            cl.check_run(rates, count, duration=end, times=t_out, output_every=every, initial=initial,
                         per_clone=per_clone)
            if seed is not None and not seed.strip().isdigit():
                raise InputError("--seed", seed, "a whole number ≥ 0")
        except InputError as exc:
            option = _CLONE_OPTIONS.get(exc.field)
            fail(str(exc).replace(exc.field, option, 1) if option else str(exc))
        with progress_bar("clones") as bar:
            task = bar.add_task("clones", total=1.0)
            ds = cl.simulate_clones(rates, count, duration=end, times=t_out, output_every=every,
                                    seed=None if seed is None else int(seed), initial=initial, per_clone=per_clone,
                                    progress=lambda f: bar.update(task, completed=f))
        with staged_output(out) as tmp:
            written = save(ds, rates, tmp, plots=plots)
        figures = key_figures(ds, rates)
        surv = figures["basal_survival"]
        typer.echo(f"{rates.name}: {count} clones to {figures['time_week']:g} week; basal survival "
                   f"{surv['value']:.4f} ± {surv['se']:.4f}; mean basal cells per surviving clone "
                   f"{figures['mean_basal_cells_surviving']['value']:.2f}; wrote {out}/"
                   f"{', '.join(p.name for p in written)}")


@app.command("run")
def run_tissue(scenario: Path = typer.Argument(..., help="tissue scenario TOML: tissue table, perturbation entries"),
               out: Path = typer.Option(Path("dermsim-out"), "--out", help="output directory"),
               plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots")):
    """Run a spatial-tissue scenario: writes tissue.nc, summary.json and plots into --out."""
    with user_errors():
        from dermsim.epidermis.tissue_simulation import simulate_tissue
        from dermsim.epidermis.tissue_spec import load_tissue_scenario

        spec = load_tissue_scenario(scenario)
        with progress_bar("epidermis") as bar:
            task = bar.add_task("tissue", total=1.0)
            result = simulate_tissue(spec, progress=lambda f: bar.update(task, completed=f))
        with staged_output(out) as tmp:
            written = result.save(tmp, plots=plots)
        s = result.summary
        end = s["final_state"]
        typer.echo(f"{s['preset']['name']}: {s['lattice']['shape'][0]}x{s['lattice']['shape'][1]} basal sites for "
                   f"{s['lattice']['duration_day']:g} d; epidermis {end['epidermal_thickness_um']:.1f} um, "
                   f"{len(s['recovery'])} perturbed region(s); wrote {out}/{', '.join(p.name for p in written)}")
