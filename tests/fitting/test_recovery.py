"""Noise-free synthetic data made by the forward model itself: the fit returns the parameters that made them."""

import numpy as np
import pytest

from dermsim.fitting import fit, from_arrays
from dermsim.fitting.forward import PermeationForward
from dermsim.fitting.run import model_for

TIMES = np.array([0.5, 1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24.0])
MEMBRANE = {"skin": {"layers": [{"name": "membrane", "thickness": "15 um", "diffusivity": "1e-10 cm^2/s",
                                 "partition": 1.0}]},
            "formulation": {"dose": "infinite", "concentration": "1 mg/mL"}, "receptor": {"type": "sink"}}
STACK = {"skin": {"layers": [{"name": "stratum_corneum", "thickness": "15 um", "diffusivity": "1e-10 cm^2/s",
                              "partition": 1.0},
                             {"name": "viable_epidermis", "thickness": "100 um", "diffusivity": "1e-6 cm^2/s",
                              "partition": 1.0}]},
         "formulation": {"dose": "infinite", "concentration": "1 mg/mL"}, "receptor": {"type": "sink"}}


def synthetic(scenario, names, theta, concentration=None):
    model, _ = model_for(scenario, concentration, from_arrays(TIMES, TIMES))
    forward = PermeationForward(model, names)
    return from_arrays(TIMES, forward.predict(np.log(theta)[None, :], TIMES)[0])


@pytest.mark.parametrize("scenario, names, theta", [
    (MEMBRANE, ["membrane.diffusivity", "membrane.partition"], [2.5e-11 * 3600, 7.0]),
    (STACK, ["stratum_corneum.diffusivity", "stratum_corneum.partition"], [4e-11 * 3600, 3.0]),
])
def test_noise_free_data_give_back_d_and_k(scenario, names, theta):
    data = synthetic(scenario, names, np.array(theta))
    result = fit(data, scenario=scenario, parameters=names, profiles=False)
    got = np.array([result.estimates[n] for n in names]) / np.array([p.scale for p in result.parameters])
    assert got == pytest.approx(theta, rel=1e-6)
    assert result.rss < 1e-16


def test_noise_free_data_give_back_lag_and_kp_of_the_default_membrane():
    data = synthetic(None, ["lag", "kp"], np.array([3.0, 4e-4]), concentration="1 mg/mL")
    result = fit(data, concentration="1 mg/mL", profiles=False)
    assert result.estimates["lag"] == pytest.approx(3.0, rel=1e-6)
    assert result.estimates["kp"] == pytest.approx(4e-4, rel=1e-6)


def test_default_membrane_thickness_drops_out(monkeypatch):
    """lag and kp fix Q(t) of a membrane whatever its thickness (Crank 4.24a), so the default one is arbitrary."""
    import dermsim.fitting.run as run

    rng = np.random.default_rng(3)
    data = synthetic(None, ["lag", "kp"], np.array([3.0, 4e-4]), concentration="1 mg/mL")
    noisy = from_arrays(TIMES, np.maximum.accumulate(data.amount * (1 + 0.02 * rng.standard_normal(TIMES.size))))
    first = fit(noisy, concentration="1 mg/mL", profiles=False).estimates
    monkeypatch.setattr(run, "DEFAULT_THICKNESS", 7e-3)
    second = fit(noisy, concentration="1 mg/mL", profiles=False).estimates
    assert second["lag"] == pytest.approx(first["lag"], rel=1e-5)
    assert second["kp"] == pytest.approx(first["kp"], rel=1e-5)


def test_finite_dose_with_the_dose_fitted():
    scenario = {"skin": MEMBRANE["skin"], "formulation": {"dose": "10 uL/cm^2", "concentration": "1 mg/mL"},
                "receptor": {"type": "sink"}}
    names = ["membrane.diffusivity", "membrane.partition", "dose"]
    theta = np.array([2.5e-11 * 3600, 7.0, 6.0])
    data = synthetic(scenario, names, theta)
    result = fit(data, scenario=scenario, parameters=names[:2], dose=True, profiles=False)
    assert result.estimates["dose"] == pytest.approx(6.0, rel=1e-5)
    assert result.names == names
