"""Epidermis recovery in words (#11 item 4): recovered after X d, or not recovered by the end (Y % of baseline)."""

from pathlib import Path

from dermsim import load_scenario, simulate
from dermsim.epidermis.tissue_simulation import recovery_outcomes

EXAMPLES = Path(__file__).parents[2] / "examples" / "epidermis"


def test_each_recovery_time_has_one_reading():
    times = {"coverage": 0.0, "basal_density": None, "stem_fraction": None, "viable_suprabasal": 39.0}
    end = {"coverage": 1.0, "basal_density": 0.631, "stem_fraction": None, "viable_suprabasal": 0.97}
    out = recovery_outcomes(times, end, 0.95)
    assert out == {"coverage": "not affected (never below 99.9 % of baseline)",
                   "basal_density": "not recovered by the end (63.1 % of baseline)",
                   "stem_fraction": "not applicable (none before the event)",
                   "viable_suprabasal": "recovered after 39 d (back to 95 % of baseline)"}


def test_a_basal_loss_run_says_how_far_it_recovered():
    scenario = load_scenario(EXAMPLES / "epidermis_basal_loss_stem_cells.toml").replace(
        {"tissue.lattice_size": 48, "tissue.duration": "12 d", "tissue.clone_snapshots": 0,
         "perturbation.0.radius": "40 um"})
    summary = simulate(scenario).summary
    region = summary["recovery"][0]
    assert set(region["outcome"]) == set(region["recovery_time_day"])
    assert region["outcome"]["basal_density"].startswith(("recovered after", "not recovered by the end ("))
    assert 0 < region["end_fraction_of_baseline"]["basal_density"] < 2
    assert f"basal density: {region['outcome']['basal_density']}" in summary["answer"]
