"""Microneedle treatment inside `dermsim run` scenarios: outputs, consistency, bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from dermsim import simulate
from dermsim.scenario import scenario_from_dict


def _scenario(compound="niacinamide", site="face", duration="2 h", **mn):
    data = {"title": "t", "compound": {"name": compound}, "skin": {"site": site},
            "formulation": {"concentration": "1 %", "dose": "infinite"},
            "microneedle": {"device": "roller-192-0.5mm", "passes": 4, "treated_area": "300 cm^2"} | mn,
            "simulation": {"duration": duration, "resolution": 0.5}}
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def niacinamide():
    return simulate(_scenario(occluded=True))


def test_summary_has_the_fields_the_issue_names(niacinamide):
    s = niacinamide.summary
    mn, plan = s["microneedle"], s["microneedle"]["plan"]
    for key in ("effective_depth_um", "channels_per_cm2", "total_channels", "deepest_layer_reached"):
        assert plan[key] is not None, key
    assert mn["enhancement_ratio"]["past_stratum_corneum"] is not None
    assert mn["open_fraction_at_end"] is not None
    for key in ("bleeding_expected", "pain_percent_of_26g_needle", "infection_risk_index", "home_use_flags"):
        assert key in plan
    assert plan["total_channels"] == pytest.approx(plan["channels_per_cm2"] * 300, rel=1e-12)
    assert s["mass_balance_relative_error"] < 1e-8


def test_needles_deliver_more_below_the_sc_than_intact_skin(niacinamide):
    v = niacinamide.values
    with_, without = v("delivered_past_stratum_corneum"), v("delivered_past_stratum_corneum_without_needles")
    assert np.all(with_[1:] >= without[1:] - 1e-12 * with_.max())
    assert niacinamide.summary["microneedle"]["enhancement_ratio"]["past_stratum_corneum"] > 1.0
    # the fast model agrees with the 2D unit cell on delivery to within its documented band (sparse arrays: ~40 %)
    fast = v("delivered_past_stratum_corneum_parallel_pathway")[-1]
    assert fast == pytest.approx(with_[-1], rel=0.4)


def test_the_2d_field_is_saved_with_units(niacinamide, tmp_path):
    niacinamide.save(tmp_path, plots=False)
    with xr.open_dataset(tmp_path / "result.nc") as ds:
        assert ds["concentration"].dims == ("time", "r", "z")
        assert ds["concentration"].attrs["units"] == "ug/cm^3"
        assert ds["r"].attrs["units"] == "um" and ds["z"].attrs["units"] == "um"
    assert json.loads((tmp_path / "summary.json").read_text())["kind"] == "microneedle"


def test_channels_close_without_occlusion_and_contract_in_vitro():
    from dermsim.microneedles import excised_skin

    open_air = simulate(_scenario(duration="6 h"))
    assert open_air.summary["microneedle"]["open_fraction_at_end"] < 0.01
    f_inf, t_c = excised_skin.constants()
    excised = simulate(_scenario(site="heat-separated-epidermis", duration="12 h", device="roller-192-0.2mm"))
    end = excised.summary["microneedle"]["open_fraction_at_end"]
    # the last epoch's mean of f = f_inf + (1 - f_inf) exp(-t / t_c): f_inf to round-off after 12 h >> t_c
    assert f_inf <= end <= f_inf + (1 - f_inf) * np.exp(-6.0 / t_c) + 1e-12
    assert end == pytest.approx(f_inf, rel=1e-9, abs=0.0)
    # needles left in the excised skin hold the channels open until they are removed
    worn = simulate(_scenario(site="heat-separated-epidermis", duration="1 h", device="roller-192-0.2mm",
                              wear_time="2 h"))
    assert worn.summary["microneedle"]["open_fraction_at_end"] == 1.0


def test_macromolecule_has_no_passive_route_and_a_finite_delivery_with_needles():
    r = simulate(_scenario(compound="egf-human", occluded=True))
    mn = r.summary["microneedle"]
    assert mn["without_needles"]["delivered_past_stratum_corneum_ug_per_cm2"] == 0.0
    assert mn["delivered_past_stratum_corneum_ug_per_cm2"] > 0.0
    assert mn["enhancement_ratio"]["past_stratum_corneum"] is None


@pytest.mark.parametrize("table,field", [
    ({"device": "no-such-roller"}, "microneedle.device"),
    ({"device": "roller-192-0.5mm", "passes": 0}, "microneedle.passes"),
    ({"device": "roller-192-0.5mm", "treated_area": "-3 cm^2"}, "microneedle.treated_area"),
    ({"device": "dermapen-11", "depth_setting": "2.5 mm"}, "depth"),
    ({"device": "gantrez-600um-donnelly2011", "mode": "dissolving", "load_per_needle": "1 ug", "matrix": "glass"},
     "microneedle.matrix"),
    ({"device": "hollow-silicon-100", "mode": "hollow", "load": "10 ug"}, "microneedle.release_time"),
    ({"device": "coated-titanium-macroflux", "mode": "coated"}, "microneedle.load_per_needle"),
    ({"device": "coated-titanium-macroflux", "mode": "coated", "load": "1 ug", "wear_time": "-1 h"},
     "microneedle.wear_time"),
])
def test_bad_microneedle_input_exits_2_and_writes_nothing(tmp_path, table, field):
    toml = tmp_path / "s.toml"
    site = "heat-separated-epidermis" if "depth_setting" in table else "face"
    lines = ['[compound]', 'name = "caffeine"', '[skin]', f'site = "{site}"', '[formulation]',
             'concentration = "1 %"', '[microneedle]'] + [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    toml.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(toml), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and field in proc.stderr
    assert not out.exists()


def test_a_patch_runs_from_the_cli_and_says_what_it_released(tmp_path):
    toml = tmp_path / "patch.toml"
    toml.write_text('[compound]\nname = "caffeine"\n[skin]\nsite = "pig-ear"\n[formulation]\nconcentration = "1 %"\n'
                    '[microneedle]\ndevice = "hydrogel-forming-donnelly2014"\nmode = "hydrogel"\nload = "500 ug"\n'
                    '[simulation]\nduration = "6 h"\nresolution = 0.5\n')
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(toml), "--out", str(out), "--no-plots"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "hydrogel patch" in proc.stdout and "% released" in proc.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["microneedle"]["release"]["load_ug_per_cm2"] == pytest.approx(500.0)
    assert summary["applied_amount_ug_per_cm2"] == pytest.approx(500.0)
