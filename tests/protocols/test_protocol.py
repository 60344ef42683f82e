"""A protocol couples sessions, products, dermis and risk: the serum right after needling is not the serum a
day later, more sessions make more collagen, one session leaves none, and bad input is one line."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dermsim import load_scenario, simulate
from dermsim.errors import InputError
from dermsim.scenario import scenario_from_dict

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples" / "protocols").glob("*.toml"))
SERUM = {"name": "serum", "compound": {"name": "niacinamide"},
         "formulation": {"concentration": "5 %", "dose": "2 mg/cm^2", "vehicle": "water"}}
ROLLER = {"device": "roller-192-1.5mm", "passes": 8, "treated_area": "100 cm^2"}


def protocol(duration="8 weeks", sessions=(), applications=(), age=40, tissue="none"):
    return scenario_from_dict({"kind": "protocol", "skin": {"site": "face", "age": age},
                               "protocol": {"duration": duration, "sessions": list(sessions), "tissue": tissue,
                                            "applications": list(applications)}})


def test_the_serum_right_after_needling_differs_from_the_serum_a_day_later():
    s = simulate(protocol(sessions=[ROLLER | {"repeat": "once", "start": "8 h"}],
                          applications=[SERUM | {"start": "8.1 h", "repeat": "once"},
                                        SERUM | {"name": "serum a day later", "start": "32 h", "repeat": "once"}]))
    right_after, day_later = s.summary["applications"]
    assert right_after["after_needling"] == 1 and day_later["after_needling"] == 0
    assert right_after["basal_cmax_after_needling_ug_per_cm3"] > 5 * day_later["basal_cmax_intact_ug_per_cm3"]
    # the intact-skin run is the plain permeation scenario, number for number
    alone = simulate(scenario_from_dict({"compound": {"name": "niacinamide"}, "skin": {"site": "face", "age": 40},
                                         "formulation": SERUM["formulation"],
                                         "simulation": {"duration": "168 h"}})).summary   # followed 7 days
    assert day_later["basal_cmax_intact_ug_per_cm3"] == pytest.approx(alone["basal_layer"]["cmax_ug_per_cm3"],
                                                                      rel=1e-12)


def test_more_sessions_more_collagen_and_one_session_leaves_none():
    one = simulate(protocol("26 weeks", [ROLLER | {"repeat": "once"}])).summary["collagen"]
    six = simulate(protocol("26 weeks", [ROLLER | {"repeat": "every 4 weeks x 6"}])).summary["collagen"]
    assert six["peak_change_percent"] > 1.5 * one["peak_change_percent"] > 0
    assert six["total_change_end_percent"] > one["total_change_end_percent"]
    assert abs(one["total_change_end_percent"]) < 10            # a single session: below the 10 % the collagen
    # validation counts as a change (DGUV FF-FR 0260: no lasting change at 6 months)


def test_risk_adds_up_over_the_sessions_and_cites_its_rates():
    s = simulate(protocol("26 weeks", [ROLLER | {"repeat": "every 4 weeks x 3"}])).summary
    per = [x["expected_bleeding_points"] for x in s["sessions"]]
    assert s["risk"]["course"]["expected_bleeding_points"] == pytest.approx(sum(per), rel=1e-12)
    rates = {r["id"]: r for r in s["risk"]["published_rates"]}
    pih = rates["pih_dogra2014"]
    assert (pih["events"], pih["patients"]) == (5, 36)
    assert pih["rate_95ci"][0] < 5 / 36 < pih["rate_95ci"][1]
    assert rates["serious_juhasz2020"]["rate_95ci"][1] < 0.003       # 0 of 1845
    assert all(r["source"] for r in s["risk"]["published_rates"])
    home = simulate(protocol("4 weeks", [{"device": "roller-192-0.25mm", "passes": 6, "treated_area": "300 cm^2",
                                          "repeat": "weekly"}])).summary["risk"]
    assert home["published_rates"] == [] and any("home use" in x for x in home["no_data"])


@pytest.mark.parametrize("data, field", [
    ({"protocol": {"duration": "4 weeks"}}, "protocol"),
    ({"protocol": {"duration": "4 weeks", "sessions": [ROLLER | {"repeat": "every 2 weeks x 3"}]}},
     "protocol.sessions[0].count"),
    ({"protocol": {"duration": "4 weeks", "sessions": [ROLLER | {"device": "roler"}]}}, "protocol.sessions[0].device"),
    ({"protocol": {"duration": "4 weeks", "tissue": "none", "sleep": {"shift": "3 h"}}}, "protocol.sleep"),
    ({"protocol": {"duration": "4 weeks"}, "sleep": {"shift": "3 h"}}, "sleep"),
    ({"protocol": {"duration": "4 weeks", "tissue": "none", "sun": [{"dose": 1.0, "repeat": "weekly"}]}},
     "protocol.sun"),
    ({"protocol": {"duration": "4 weeks", "applications": [SERUM | {"repeat": "daily"}]},
      "skin": {"site": "heat-separated-epidermis"}}, "skin.site"),
])
def test_bad_protocols_are_one_line(data, field):
    with pytest.raises(InputError) as err:
        simulate(scenario_from_dict({"kind": "protocol"} | data))
    assert str(err.value).startswith(field) and "\n" not in str(err.value)


def test_an_example_runs_from_the_cli(tmp_path):
    """(Every example also runs in process, plots checked, in tests/test_figures.py.)"""
    path = ROOT / "examples" / "protocols" / "acne_scars_roller_1.5mm.toml"
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "protocol", "run", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "protocol" and (out / "protocol_course.png").exists()
    assert np.isfinite(summary["collagen"]["total_change_end_percent"])


def test_there_are_the_four_examples_the_issue_asks_for():
    names = {p.stem for p in EXAMPLES}
    assert {"acne_scars_roller_1.5mm", "home_roller_0.25mm_weekly_serum", "retinol_niacinamide_routine",
            "single_session_control"} <= names


def test_cli_bad_protocol_is_exit_2_and_nothing_written(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "protocol"\n[protocol]\nduration = "4 weeks"\n[[protocol.sessions]]\n'
                   'device = "roller-192-1.5mm"\nrepeat = "every 2 weeks x 3"\n')
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "protocol", "run", str(bad), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith("error: protocol.sessions[0].count:")
    assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()


def test_the_epidermis_is_wounded_by_the_sessions_that_reach_the_basal_layer():
    s = simulate(scenario_from_dict({"kind": "protocol", "skin": {"site": "face", "age": 40}, "protocol": {
        "duration": "6 weeks", "tissue": "lattice", "lattice_size": 32,
        "sessions": [ROLLER | {"repeat": "once", "start": "7 d"},
                     {"device": "roller-192-0.25mm", "passes": 6, "treated_area": "100 cm^2", "repeat": "once",
                      "start": "21 d"}]}})).summary
    e = s["epidermis"]
    assert e["sessions_without_basal_wound"] == [2]               # 0.25 mm ends in the viable epidermis
    assert e["basal_density_per_mm2"]["lowest"] < e["basal_density_per_mm2"]["start"]
    assert 7 <= e["basal_density_per_mm2"]["lowest_day"] <= 9       # the wound of the 1.5 mm session (day 7)
    assert not any("epidermal tissue" in x for x in s["not_coupled"])
    plain = simulate(protocol("6 weeks", [ROLLER | {"repeat": "once"}])).summary          # tissue = "none"
    assert plain["epidermis"] is None and any("epidermal tissue" in x for x in plain["not_coupled"])
    default = scenario_from_dict({"kind": "protocol", "protocol": {"duration": "1 week",
                                                                   "sessions": [ROLLER | {"repeat": "once"}]}})
    assert default.protocol.tissue == "lattice" and simulate(default).summary["epidermis"] is not None


def test_sun_through_less_sunscreen_costs_more_basal_cells():
    def lowest(amount):
        s = simulate(scenario_from_dict({"kind": "protocol", "skin": {"site": "face"}, "protocol": {
            "duration": "3 weeks", "tissue": "lattice", "lattice_size": 32,
            "sun": [{"dose": 3.0, "spf": 30, "sunscreen_amount": amount, "repeat": "once", "start": "3 d"}]}})).summary
        return s["epidermis"]["basal_density_per_mm2"]["lowest"], s["sun"][0]["effective_dose_med"]

    (thick, dose_thick), (thin, dose_thin) = lowest("2 mg/cm^2"), lowest("0.5 mg/cm^2")
    assert dose_thick == pytest.approx(3.0 / 30) and dose_thin == pytest.approx(3.0 / 30 ** 0.25)   # Faurschou 2007
    assert thin < thick


def test_a_sleep_shift_delays_the_divisions_of_the_lattice():
    from dermsim.protocols.run import _tissue

    def mean_hour(shift):
        sc = scenario_from_dict({"kind": "protocol", "skin": {"site": "face"}, "protocol": {
            "duration": "20 d", "tissue": "lattice", "lattice_size": 64, "sleep": {"shift": shift}}})
        result, _ = _tissue(sc, [], [], sc.protocol.duration)
        counts = result.values("divisions_by_clock_hour")
        angle = 2 * np.pi * (np.arange(24) + 0.5) / 24
        return 24 * np.arctan2(counts @ np.sin(angle), counts @ np.cos(angle)) / (2 * np.pi) % 24

    delay = (mean_hour("6 h") - mean_hour("0 h")) % 24
    assert 4.5 < delay < 7.5                           # the rhythm's circular mean moves by the shift


def test_an_active_without_a_cited_concentration_response_is_no_data():
    s = simulate(protocol("2 weeks", applications=[SERUM | {"repeat": "daily"},
                                                   {"name": "EGF serum", "compound": {"name": "egf-human"},
                                                    "formulation": {"concentration": "0.001 %", "dose": "2 mg/cm^2"},
                                                    "repeat": "daily"}])).summary
    effects = {a["compound"]: a for a in s["actives"]}
    assert effects["niacinamide"]["effect"] == "no data" and effects["egf-human"]["effect"] == "no data"
    assert "concentration-response" in effects["egf-human"]["evidence"]   # retinoids: tests/protocols/test_actives.py
