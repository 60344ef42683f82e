"""The batched exact solver gives the numbers of `solve_exact` one system at a time.

Units: cm, h, ug. Agreement is measured relative to the largest magnitude of each curve (a curve that starts
at exactly 0 and grows by 20 orders of magnitude has no pointwise relative error near its start).
"""

import numpy as np
import pytest

from dermsim.errors import InputError
from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle, discretise
from dermsim.transport.balance import mass_balance_error
from dermsim.transport.batched import solve_batch, solve_layered_batch, stack_systems
from dermsim.transport.exact import solve_exact

TIMES = np.linspace(0.0, 24.0, 241)
CELLS = (10, 8, 8)


def skin(rng, infinite: bool, receptor: str, cells=CELLS) -> LayeredDiffusion:
    """A three-layer skin with lognormally scattered thicknesses, K, D, clearance, dose and receptor."""
    def f(cv=0.4):
        return float(np.exp(rng.normal(0.0, cv)))

    clearance = 0.5 * f() if receptor == "blood" else 0.0
    regions = (Region("stratum_corneum", 15e-4 * f(), 1.0 * f(), 3.6e-7 * f(1.0), cells=cells[0]),
               Region("viable_epidermis", 100e-4 * f(), 0.6 * f(), 3.6e-3 * f(), cells=cells[1]),
               Region("dermis", 0.1 * f(), 0.6 * f(), 3.6e-3 * f(), clearance=clearance, cells=cells[2]))
    vehicle = Vehicle(infinite, 1000.0 * f(), 20e-4 * f(), f(), 0.0 if infinite else 0.3 * f())
    return LayeredDiffusion(regions, vehicle, Receptor(receptor, 0.5 * f(), f()))


def worst_disagreement(models, result) -> dict[str, float]:
    """Largest relative difference, per quantity, between the batch and `solve_exact` one by one."""
    def rel(a, b):
        scale = np.max(np.abs(b))
        return float(np.max(np.abs(a - b)) / scale) if scale > 0 else float(np.max(np.abs(a)))

    worst = {"stored": 0.0, "cumulative": 0.0, "mass balance": 0.0}
    for b, model in enumerate(models):
        system = discretise(model)
        one = solve_exact(system, TIMES)
        worst["stored"] = max(worst["stored"], rel(result.stored[b], one.u @ system.capacity))
        for j, name in enumerate(system.rate_names):
            worst["cumulative"] = max(worst["cumulative"], rel(result.flow(name)[b], one.cumulative[j]))
        worst["mass balance"] = max(worst["mass balance"],
                                    abs(result.mass_balance_error[b] - mass_balance_error(system, one)))
    return worst


@pytest.mark.parametrize("receptor", ["sink", "finite", "blood"])
@pytest.mark.parametrize("infinite", [True, False])
def test_batch_equals_one_by_one(infinite, receptor):
    rng = np.random.default_rng(14)
    models = [skin(rng, infinite, receptor) for _ in range(12)]
    result = solve_layered_batch(models, TIMES)
    worst = worst_disagreement(models, result)
    assert worst["stored"] < 1e-12 and worst["cumulative"] < 1e-12, worst
    assert worst["mass balance"] < 1e-12 and np.all(result.mass_balance_error < 1e-10)
    assert result.stored.shape == (12, TIMES.size) and result.u is None


def test_states_and_a_batch_of_one_equal_the_single_solve():
    model = skin(np.random.default_rng(3), False, "sink")
    system = discretise(model)
    one = solve_exact(system, TIMES)
    result = solve_layered_batch([model], TIMES, states=True)
    scale = np.max(np.abs(one.u))
    assert np.max(np.abs(result.u[0] - one.u)) <= 1e-12 * scale
    assert np.max(np.abs(result.cumulative[0] - one.cumulative)) <= 1e-12 * np.max(np.abs(one.cumulative))
    assert result.rate_names == system.rate_names
    assert result.initial_amount[0] == pytest.approx(system.capacity @ system.initial, rel=1e-15)


def test_chunks_do_not_change_the_answer(monkeypatch):
    import dermsim.transport.batched as batched

    rng = np.random.default_rng(5)
    batch = stack_systems([discretise(skin(rng, True, "sink")) for _ in range(7)])
    whole = solve_batch(batch, TIMES)
    monkeypatch.setattr(batched, "CHUNK_FLOATS", 1)                 # one system per chunk
    assert np.array_equal(solve_batch(batch, TIMES).cumulative, whole.cumulative)


def test_mismatched_mesh_shapes_are_refused():
    rng = np.random.default_rng(0)
    same = skin(rng, True, "sink")
    for other in (skin(rng, True, "sink", cells=(10, 8, 9)), skin(rng, False, "sink"), skin(rng, True, "finite")):
        with pytest.raises(InputError, match=r"^models\[1\]: mesh shape .*; allowed: the mesh shape of models\[0\]") as e:
            solve_layered_batch([same, other], TIMES)
        assert "\n" not in str(e.value)
    with pytest.raises(InputError, match="at least one"):
        solve_layered_batch([], TIMES)
    with pytest.raises(InputError, match=r"systems\[1\]"):
        stack_systems([discretise(same), discretise(skin(rng, True, "sink", cells=(3, 3, 3)))])


def test_batch_equals_simulate_on_peer_case_b():
    from pathlib import Path

    from dermsim import load_scenario, simulate
    from dermsim.permeation.setup import build, output_times

    scenario = load_scenario(Path(__file__).parents[2] / "examples" / "peer_case_b_three_layer.toml")
    permeated = simulate(scenario).dataset["cumulative_permeated"].values       # ug/cm²
    result = solve_layered_batch([build(scenario).model] * 3, output_times(scenario.simulation))
    assert np.max(np.abs(result.flow("permeated") - permeated)) <= 1e-12 * permeated.max()


@pytest.mark.parametrize("times", [TIMES, np.array([0.0, 1e-3, 0.05, 0.5, 2.0, 7.5, 24.0]), np.array([0.0, 48.0])])
def test_closed_systems_and_uneven_times(times):
    """A finite dose without evaporation above a finite receptor, no clearance: a zero eigenvalue (slow modes
    go through φ₁, φ₂ entry by entry); uneven output times take the direct exponentials."""
    rng = np.random.default_rng(9)
    models = []
    for _ in range(6):
        m = skin(rng, False, "finite")
        models.append(LayeredDiffusion(m.regions, Vehicle(False, m.vehicle.concentration, m.vehicle.thickness,
                                                          m.vehicle.partition, 0.0), m.receptor))
    result = solve_layered_batch(models, times, states=True)
    for b, model in enumerate(models):
        system = discretise(model)
        one = solve_exact(system, times)
        stored = one.u @ system.capacity
        assert np.max(np.abs(result.stored[b] - stored)) <= 1e-12 * stored.max()
        assert np.max(np.abs(result.cumulative[b] - one.cumulative)) <= 1e-12 * stored.max()
        assert np.max(np.abs(result.u[b] - one.u)) <= 1e-12 * np.abs(one.u).max()
    assert np.all(result.mass_balance_error < 1e-10)
