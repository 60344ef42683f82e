"""simulate(): physics the user relies on, through the public path (scenario -> Result)."""

import math

import numpy as np
import pytest

from dermsim import simulate
from dermsim.errors import InputError
from dermsim.results import basal_exposure
from dermsim.scenario import scenario_from_dict
from dermsim.transport import analytic as an


def run(**tables):
    data = {"compound": {"name": "caffeine"}, "skin": {"site": "forearm"},
            "formulation": {"concentration": "1 %", "dose": "2 mg/cm^2"}, "simulation": {"duration": "24 h"}}
    for key, value in tables.items():
        data[key] = {**data.get(key, {}), **value}
    return simulate(scenario_from_dict(data))


def test_explicit_two_layer_membrane_matches_laminate_kp_and_lag():
    layers = [{"name": "a", "thickness": "15 um", "diffusivity": "1e-10 cm^2/s", "partition": 10.0},
              {"name": "b", "thickness": "100 um", "diffusivity": "1e-8 cm^2/s", "partition": 0.6}]
    r = run(skin={"layers": layers}, compound={}, formulation={"dose": "infinite", "concentration": "1 mg/mL"})
    l1, D1, K1, l2, D2, K2 = 15e-4, 3.6e-7, 10.0, 100e-4, 3.6e-5, 0.6
    assert r.summary["kp_cm_per_h"] == pytest.approx(an.laminate_permeability([l1, l2], [D1, D2], [K1, K2]), rel=1e-9)
    assert r.summary["lag_time_h"] == pytest.approx(an.two_layer_lag_time(l1, D1, K1, l2, D2, K2), rel=5e-3)


def test_mass_balance_reported_and_closed_for_every_example_kind():
    for receptor in ({"type": "blood"}, {"type": "sink"}, {"type": "finite", "volume": "5 mL", "area": "1 cm^2"}):
        site = "forearm" if receptor["type"] == "blood" else "dermatomed"
        r = run(skin={"site": site}, receptor=receptor, formulation={"evaporation_rate": "0.2 /h",
                                                                             "vehicle_physics": False})
        assert r.summary["mass_balance_relative_error"] < 1e-8
        dried = run(skin={"site": site}, receptor=receptor, formulation={"vehicle": "ethanol"})
        assert dried.summary["mass_balance_relative_error"] < 1e-8
        assert dried.summary["guideline_categories"]["mass_balance"] == pytest.approx(1.0, abs=1e-8)


def test_dataset_layout_and_units():
    ds = run().dataset
    assert ds["concentration"].dims == ("time", "depth")
    assert list(ds["layer"].values) == ["stratum_corneum", "viable_epidermis", "basal_layer", "dermis"]
    units = {v: ds[v].attrs["units"] for v in ("time", "depth", "concentration", "amount_in_layer",
                                                "cumulative_permeated", "basal_layer_concentration")}
    assert units == {"time": "h", "depth": "um", "concentration": "ug/cm^3", "amount_in_layer": "ug/cm^2",
                     "cumulative_permeated": "ug/cm^2", "basal_layer_concentration": "ug/cm^3"}
    missing = [n for n in list(ds.data_vars) + list(ds.coords) if "units" not in ds[n].attrs]
    assert not missing
    # the basal layer is the deepest 10 um of the viable epidermis
    top, bottom = ds["layer_top"].sel(layer="basal_layer").item(), ds["layer_bottom"].sel(layer="basal_layer").item()
    assert bottom - top == pytest.approx(10.0)
    assert bottom == pytest.approx(ds["layer_top"].sel(layer="dermis").item())


def test_occlusion_raises_absorption():
    open_ = run(compound={"name": "hydrocortisone"})
    occluded = run(compound={"name": "hydrocortisone"}, formulation={"occluded": True})
    assert occluded.summary["hydration"] == "hydrated"
    assert occluded.summary["kp_cm_per_h"] > 1.5 * open_.summary["kp_cm_per_h"]
    assert occluded.summary["cumulative_permeated_ug_per_cm2"] > open_.summary["cumulative_permeated_ug_per_cm2"]


def test_ionisation_salicylic_acid_ph():
    low = run(compound={"name": "salicylic-acid"}, formulation={"ph": 3.5})
    high = run(compound={"name": "salicylic-acid"}, formulation={"ph": 5.5})
    # un-ionised fraction 1/(1+10^(pH-pKa)), pKa 2.97: 0.228 at 3.5 vs 0.0030 at 5.5
    assert low.summary["kp_cm_per_h"] > 5 * high.summary["kp_cm_per_h"]


def test_evaporation_removes_compound_and_lowers_absorption():
    base = run(compound={"name": "nicotine"}, formulation={"vehicle_physics": False})
    volatile = run(compound={"name": "nicotine"}, formulation={"evaporation_rate": "1 /h", "vehicle_physics": False})
    assert volatile.summary["fraction_of_dose"]["evaporated"] > 0.1
    assert volatile.summary["cumulative_permeated_ug_per_cm2"] < base.summary["cumulative_permeated_ug_per_cm2"]
    occluded = run(compound={"name": "nicotine"}, formulation={"evaporation_rate": "1 /h", "occluded": True,
                                                               "vehicle_physics": False})
    assert occluded.summary["fraction_of_dose"]["evaporated"] == 0.0


def test_macromolecules_do_not_cross_intact_skin_and_say_why():
    for name in ("hyaluronic-acid-1mda", "egf-human"):
        r = run(compound={"name": name})
        assert r.summary["kp_cm_per_h"] == 0.0
        assert r.summary["cumulative_permeated_ug_per_cm2"] == 0.0
        assert r.summary["basal_layer"]["cmax_ug_per_cm3"] == 0.0
        assert any("impermeable" in n for n in r.summary["notes"])


def test_in_vivo_clearance_keeps_dermis_below_in_vitro():
    vivo = run(skin={"site": "abdomen"}, formulation={"dose": "infinite"})
    assert vivo.summary["in_vivo"] and vivo.summary["receptor"] == "blood"
    vitro = run(skin={"site": "abdomen"}, receptor={"type": "finite", "volume": "5 mL", "area": "1 cm^2"},
                formulation={"dose": "infinite"})
    dermis = lambda r: r.dataset["amount_in_layer"].sel(layer="dermis").values[-1]  # noqa: E731
    assert dermis(vivo) < dermis(vitro)


def test_user_compound_from_smiles_and_by_hand():
    smiles = run(compound={"name": "caffeine-smiles", "smiles": "Cn1cnc2c1c(=O)n(C)c(=O)n2C"})
    by_hand = run(compound={"name": "x", "molecular_weight": "194.19 g/mol", "log_kow": -0.07,
                            "acid_base": "base", "pka_base": 0.6})
    library = run()
    assert by_hand.summary["kp_cm_per_h"] == pytest.approx(library.summary["kp_cm_per_h"], rel=1e-12)
    assert smiles.summary["kp_cm_per_h"] > 0
    assert smiles.provenance["compound"]["estimated"] == ["log_kow"] or "log_kow" in smiles.provenance["compound"]["estimated"]


def test_unknown_compound_and_site_are_input_errors():
    with pytest.raises(InputError, match="did you mean"):
        run(compound={"name": "cafeine"})
    with pytest.raises(InputError, match="skin.site"):
        run(skin={"site": "elbow"})


def test_solvers_agree_on_skin():
    exact = run(simulation={"solver": "exact"}, formulation={"vehicle_physics": False})
    stepped = run(simulation={"solver": "tr-bdf2"}, formulation={"vehicle_physics": False})
    a, b = exact.dataset["cumulative_permeated"].values, stepped.dataset["cumulative_permeated"].values
    assert np.max(np.abs(a - b)) / np.max(a) < 1e-3
    assert stepped.summary["solver"] == "tr-bdf2" and exact.summary["solver"] == "exact-eigen"


def test_basal_exposure_metrics():
    t = np.linspace(0, 10, 11)
    c = np.minimum(t, 4.0)  # rises 1 per h to 4, then flat
    out = basal_exposure(t, c, threshold=2.5)
    assert out["cmax_ug_per_cm3"] == 4.0 and out["tmax_h"] == 4.0
    assert out["auc_ug_h_per_cm3"] == pytest.approx(8 + 6 * 4)
    assert out["time_to_threshold_h"] == pytest.approx(2.5)
    never = basal_exposure(t, c, threshold=5.0)
    assert never["threshold_reached"] is False and never["time_to_threshold_h"] is None


def test_result_roundtrip_netcdf(tmp_path):
    from dermsim import load_result

    r = run()
    r.save(tmp_path, plots=False)
    back = load_result(tmp_path / "result.nc")
    assert np.allclose(back.dataset["concentration"].values, r.dataset["concentration"].values)
    assert back.provenance["dermsim_version"] == r.provenance["dermsim_version"]
    assert back.summary["kp_cm_per_h"] == pytest.approx(r.summary["kp_cm_per_h"])
    assert math.isfinite(back.dataset.attrs["mass_balance_relative_error"])
