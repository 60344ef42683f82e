"""`dermsim epidermis …` commands: `clones` (a clones scenario from flags) and `run` (a tissue or clones
scenario file). Both go through the one `load_scenario`/`simulate`/`Result.save` path of `dermsim run`."""

from __future__ import annotations

from pathlib import Path

import typer

from dermsim.cli.common import MAX_MEMORY_OPTION, MAX_TIME_OPTION, OVERWRITE_OPTION, default_out, fail, simulate_and_save, user_errors
from dermsim.cli.listing import JSON_OPTION, Column, number, print_list

app = typer.Typer(no_args_is_help=True, help="Epidermal renewal: clones and the spatial tissue.")


def _time(text: str) -> str:
    """An output time: a bare number is in weeks (as the option says), else a quantity such as '3 day'."""
    try:
        return f"{float(text)!r} week"
    except ValueError:
        return text.strip()


#: CLI option of each clones-scenario field (errors name the option the user typed).
_CLONE_OPTIONS = {"division_rate": "--lambda", "symmetric_fraction": "--r", "stratification_rate": "--gamma",
                  "shedding_rate": "--mu", "stem_division_rate": "--stem-lambda",
                  "stem_symmetric_fraction": "--stem-r", "progenitor_fate_imbalance": "--delta",
                  "preset": "--preset", "model": "--model", "initial": "--initial", "clones": "--clones",
                  "times": "--times", "duration": "--duration", "output_every": "--output-every", "seed": "--seed"}


def _option_error(exc) -> str:
    """The one-line message with the scenario field (``clones.rates.division_rate``) named as its option."""
    field = exc.field.removeprefix("clones.").removeprefix("rates.").split("[")[0]
    option = _CLONE_OPTIONS.get(field)
    return str(exc).replace(exc.field, option, 1) if option else str(exc)


@app.command()
def presets(as_json: bool = JSON_OPTION):
    """List the fate-rate presets ([tissue] preset, [clones] preset, --preset) with their rates and sources."""
    from dermsim.epidermis.kinetics import list_presets, load_preset

    records = [load_preset(name).to_dict() for name in list_presets()]
    value = lambda entry: None if entry is None else entry["value"]  # noqa: E731
    columns = [Column("name", "name"), Column("model", "model"),
               Column("division_rate", "λ (/week)", lambda e: number(".3g")(value(e))),
               Column("symmetric_fraction", "r", lambda e: number(".3g")(value(e))),
               Column("stratification_rate", "Γ (/week)", lambda e: number(".3g")(value(e))),
               Column("description", "description", wraps=True)]
    print_list(records, columns, as_json, note="`--json` gives every rate with its unit and source.")


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
           out: Path | None = typer.Option(None, "--out", help="output directory (default: "
                                           "dermsim-out/clones-<preset or model>)"),
           max_memory: str | None = MAX_MEMORY_OPTION, max_time: str | None = MAX_TIME_OPTION,
           overwrite: bool = OVERWRITE_OPTION):
    """Simulate labelled basal clones (exact stochastic cell-fate model): result.nc, summary.json, report.md, plots."""
    with user_errors():
        from dermsim.errors import InputError
        from dermsim.scenario import scenario_from_dict

        rates = {"division_rate": division_rate, "symmetric_fraction": symmetric_fraction,
                 "stratification_rate": stratification_rate, "shedding_rate": shedding_rate,
                 "stem_division_rate": stem_division_rate, "stem_symmetric_fraction": stem_symmetric_fraction,
                 "progenitor_fate_imbalance": progenitor_fate_imbalance}
        table = {"preset": preset, "model": model, "initial": initial, "clones": n_clones, "seed": seed,
                 "per_clone": per_clone, "output_every": output_every,
                 "rates": {k: v for k, v in rates.items() if v is not None}}
        if times is not None:
            table["times"] = [_time(x) for x in times.split(",")]
        else:
            table["duration"] = duration
        try:
            scenario = scenario_from_dict({"kind": "clones", "clones": {k: v for k, v in table.items() if v is not None}})
        except InputError as exc:
            fail(_option_error(exc))
        out = out if out is not None else default_out("clones", preset or model)
        simulate_and_save(scenario, out, plots, max_memory, max_time, overwrite)


@app.command("run")
def run_scenario(scenario: Path = typer.Argument(..., help="epidermis scenario TOML: a [tissue] table with "
                                                 "[[perturbation]] entries, or a [clones] table"),
                 out: Path | None = typer.Option(None, "--out", help="output directory (default: "
                                           "dermsim-out/epidermis-<file name>)"),
                 plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots"),
                 max_memory: str | None = MAX_MEMORY_OPTION, max_time: str | None = MAX_TIME_OPTION,
           overwrite: bool = OVERWRITE_OPTION):
    """Run a tissue or clones scenario file (as `dermsim run` does): result.nc, summary.json, report.md, plots."""
    with user_errors():
        from dermsim.errors import InputError
        from dermsim.scenario import load_scenario

        spec = load_scenario(scenario, default_kind="tissue")
        if spec.kind not in ("tissue", "clones"):
            raise InputError("kind", spec.kind, "an epidermis scenario (tissue or clones); run permeation "
                             "scenarios with `dermsim run`")
        out = out if out is not None else default_out("epidermis", scenario.stem)
        simulate_and_save(spec, out, plots, max_memory, max_time, overwrite)
