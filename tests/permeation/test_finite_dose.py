"""The layered skin below a drying film (`solve_finite_dose`): exact limits, drying, saturation, mass balance."""

import numpy as np
import pytest

from dermsim.formulation.film import DryingFilm
from dermsim.permeation.finite_dose import solve_finite_dose
from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle, discretise
from dermsim.transport.exact import solve_exact

UM = 1e-4
SC = Region("stratum_corneum", 15 * UM, 10.0, 1e-9 * 3600, cells=30)
VE = Region("viable_epidermis", 100 * UM, 1.0, 1e-6 * 3600, cells=12)
H0, C0 = 10e-4, 1000.0              # 10 uL/cm² of 1 mg/mL
TIMES = np.linspace(0, 24, 49)


def skin(receptor="sink", partition=1.0):
    model = LayeredDiffusion((SC, VE), Vehicle(False, C0, H0, partition, 0.0), Receptor(receptor))
    return discretise(model)


def film(volume=H0, rate=0.0, solubility=1e12, partition=1.0, **kw):
    return DryingFilm(names=("solvent",), volumes=np.array([volume]), molar_volumes=np.array([18.0]),
                      evaporation_rates=np.array([rate]), solubility=lambda phi: solubility,
                      water_solubility=solubility / partition, residual_thickness=kw.pop("residual", 1e-9), **kw)


@pytest.mark.parametrize("partition", [1.0, 0.2])
def test_a_film_that_does_not_change_is_the_linear_finite_dose(partition):
    """No drying, no saturation: the same problem as the exact linear finite dose (Kasting 2001 vehicle)."""
    system = skin(partition=partition)
    exact = solve_exact(system, TIMES)
    run = solve_finite_dose(skin(partition=partition), film(partition=partition), C0 * H0, TIMES)
    ref = exact.cumulative[system.rate_index("permeated")]
    late = TIMES >= 2
    assert np.max(np.abs(run.cumulative["permeated"][late] / ref[late] - 1)) < 2e-3
    vehicle = exact.u[:, 0] * system.capacity[0]
    assert np.max(np.abs(run.dissolved - vehicle)) < 2e-3 * C0 * H0
    assert run.mass_balance_error < 1e-10


def test_constant_rate_drying_of_one_solvent():
    """A pure solvent dries at the constant rate e (x = 1): h(t) = h0 − e t, gone at h0/e."""
    rate = H0 / 0.5                       # dries in 30 min
    run = solve_finite_dose(skin(), film(rate=rate), C0 * H0, np.linspace(0, 1, 11))
    expected = np.maximum(H0 - rate * run.times, 0.0)
    assert np.max(np.abs(run.thickness - expected)) < 1e-9 * H0 / 1e-4
    assert run.thickness[-1] == 0.0
    assert run.mass_balance_error < 1e-10


def test_a_drying_film_saturates_and_the_excess_precipitates():
    """Through a near-impermeable skin the dissolved amount follows S·h(t) once saturated; the rest is deposit."""
    tight = Region("stratum_corneum", 15 * UM, 1.0, 1e-16, cells=10)
    model = LayeredDiffusion((tight,), Vehicle(False, C0, H0, 1.0, 0.0), Receptor("sink"))
    solubility, rate = 5 * C0, H0 / 2.0                      # saturation at h = h0/5, reached at 1.6 h
    run = solve_finite_dose(discretise(model), film(rate=rate, solubility=solubility, dissolution_rate=1e3),
                            C0 * H0, np.linspace(0, 1.9, 20))
    h = run.thickness
    saturated = h < C0 * H0 / solubility
    assert saturated.any() and not saturated.all()
    held = solubility * (h + 1e-9)                            # film + the 1e-9 cm residual layer (S_res = S_w)
    np.testing.assert_allclose(run.dissolved[saturated], held[saturated], rtol=1e-6)
    np.testing.assert_allclose(run.deposit + run.dissolved, C0 * H0, rtol=1e-6)   # the tight SC takes ~1e-8
    assert run.mass_balance_error < 1e-10


def test_evaporation_of_the_solute_and_occlusion():
    """A volatile solute is lost to air from an open film and not from an occluded one."""
    volatile = dict(solubility=2 * C0, solute_evaporation=5.0)     # activity 0.5 at the start
    open_ = solve_finite_dose(skin(), film(**volatile), C0 * H0, TIMES)
    shut = solve_finite_dose(skin(), film(occluded=True, **volatile), C0 * H0, TIMES)
    assert open_.evaporated[-1] > 0.05 * C0 * H0 and shut.evaporated[-1] == 0.0
    assert open_.cumulative["permeated"][-1] < shut.cumulative["permeated"][-1]
    assert max(open_.mass_balance_error, shut.mass_balance_error) < 1e-10


def test_a_dry_deposit_still_feeds_the_skin_through_the_residual_layer():
    rate = H0 / 0.25
    kept = solve_finite_dose(skin(), film(rate=rate, solubility=500.0, residual=1e-5), C0 * H0, TIMES)
    none = solve_finite_dose(skin(), film(rate=rate, solubility=500.0, residual=1e-9), C0 * H0, TIMES)
    assert kept.deposit[-1] < none.deposit[-1]
    assert kept.cumulative["permeated"][-1] > none.cumulative["permeated"][-1]
    assert kept.mass_balance_error < 1e-10 and none.mass_balance_error < 1e-10


def test_wash_off_removes_the_surface_and_the_run_continues():
    run = solve_finite_dose(skin(), film(), C0 * H0, TIMES, wash_time=6.0, wash_efficiency=0.9)
    i = int(np.searchsorted(TIMES, 6.0))
    assert run.washed[i - 1] == 0.0 and run.washed[i] > 0
    assert run.dissolved[i] == pytest.approx(run.washed[i] / 9, rel=1e-9)
    assert run.mass_balance_error < 1e-10
    assert run.cumulative["permeated"][-1] > run.cumulative["permeated"][i]


def test_a_component_that_runs_out_within_one_step_is_gone_at_its_end():
    """Mixture film, one long step: the faster solvent runs out inside it and must not come back."""
    mix = DryingFilm(names=("ethanol", "water"), volumes=np.array([60e-4, 30e-4]), molar_volumes=np.array([58.7, 18.1]),
                     evaporation_rates=np.array([10.0, 0.05]), solubility=lambda phi: 1e12, water_solubility=1e12)
    state = mix.advance(mix.start(1.0), 0.05)
    assert state.volumes[0] == 0.0 and 0.0 < state.volumes[1] < 30e-4
