"""Running a clones scenario (`dermsim.scenario.clones.ClonesScenario`): the fate rates it names, the checks made
before any work, and the run wrapped into the one Result type (kind "clones"), behind `dermsim.simulate`."""

from __future__ import annotations

from typing import Any, Callable

from dermsim.errors import InputError

Progress = Callable[[float], Any] | None


def clone_rates(scenario):
    """`FateRates` of a clones scenario: the preset with the scenario's rate overrides (InputError naming
    ``clones.rates.<field>`` when a value is wrong)."""
    from dermsim.epidermis.kinetics import resolve_rates

    spec = scenario.clones
    given = {k: v for k, v in spec.rates.model_dump().items() if v is not None}
    try:
        return resolve_rates(spec.preset, spec.model, **given)
    except InputError as exc:
        raise exc.prefixed("clones.rates" if exc.field in given else "clones") from None


def check_clones_scenario(scenario) -> None:
    """Validate what the schema cannot: preset and rates, founding cell, times and memory (before any work)."""
    from dermsim.epidermis.clones import check_run

    spec = scenario.clones
    rates = clone_rates(scenario)
    try:
        check_run(rates, spec.clones, duration=spec.end, times=spec.times, output_every=spec.output_every,
                  initial=spec.initial, per_clone=spec.per_clone)
    except InputError as exc:
        raise exc.prefixed("clones") from None


def simulate_clones_scenario(scenario, progress: Progress = None):
    """Run a clones scenario; returns a Result of kind "clones"."""
    import json

    from dermsim import __version__
    from dermsim.epidermis.clone_statistics import compare_with_exact, few_times, key_figures
    from dermsim.epidermis.clones import simulate_clones
    from dermsim.results import Result

    spec = scenario.clones
    rates = clone_rates(scenario)
    ds = simulate_clones(rates, spec.clones, duration=spec.end, times=spec.times, output_every=spec.output_every,
                         seed=spec.seed, initial=spec.initial, per_clone=spec.per_clone, progress=progress)
    provenance = json.loads(ds.attrs["provenance"])
    figures = key_figures(ds, rates)
    surv = figures["basal_survival"]
    answer = (f"{rates.name}: {spec.clones} clones to {figures['time_week']:g} week; basal survival "
              f"{surv['value']:.4f} ± {surv['se']:.4f}; mean basal cells per surviving clone "
              f"{figures['mean_basal_cells_surviving']['value']:.2f}")
    summary = {"title": scenario.title or f"{rates.name} clones", "dermsim_version": __version__,
               "answer": answer, "notes": [], "fate_rates": rates.to_dict(), "settings": provenance["settings"],
               "definitions": provenance["definitions"], "key_figures": figures,
               "exact_comparison": compare_with_exact(ds, rates, few_times(ds["time"].values)),
               "citations": provenance["citations"]}
    return Result("clones", summary, dataset=ds, extras={"rates": rates})
