"""The claims report: every claim has its experiment, the model's numbers, cited evidence and a verdict that
follows from those numbers by its rule (checked here again from the numbers, independently of the code that set
it)."""

import json
import subprocess
import sys

import pytest

from dermsim.protocols.claims import check_claims

VERDICTS = {"supported", "partly supported", "not supported", "no data"}


@pytest.fixture(scope="module")
def claims():
    return {c["claim"]: c for c in check_claims().summary["claims"]}


def test_every_claim_has_experiment_evidence_rule_and_verdict(claims):
    assert len(claims) == 7
    for c in claims.values():
        assert c["experiment"] and c["rule"] and c["verdict"] in VERDICTS
        assert any(ch.isdigit() for ch in c["evidence"])          # a year or a number of a cited source


def test_verdicts_follow_from_the_numbers(claims):
    m = claims["Ordinary cosmetics do not reach the basal layer."]["model"]
    reached = [r["basal_cmax_ug_per_cm3"] > 1e-6 for r in m.values()]
    assert any(reached) and not all(reached)                     # small molecules do, 50 kDa hyaluronic acid does not
    assert claims["Ordinary cosmetics do not reach the basal layer."]["verdict"] == "partly supported"

    m = claims["A damaged basal layer is hard to repair."]["model"]
    assert m["basal_loss_viable_layers_recovery_day"] > 2 * m["tape_strip_stratum_corneum_recovery_day"]

    m = claims["UV protection protects the basal layer."]["model"]
    assert m["spf30_lowest_basal_density"] > m["bare_lowest_basal_density"]
    assert claims["UV protection protects the basal layer."]["verdict"] == "supported"

    m = claims["Microneedling makes about 200,000 channels."]["model"]
    counts = [r["total_channels"] for r in m.values()]
    assert min(counts) < 2e5 < max(counts)
    roller15 = m["roller-192-0.5mm, 15 passes over 300 cm²"]["total_channels"] / 300
    assert 150 < roller15 < 350                                  # Fernandes 2008: ~250 holes/cm² after 15 passes

    m = claims["Sleep between 10 pm and 4 am repairs the skin."]
    assert m["verdict"] == "not supported" and not m["model"]["s_phase_peak_in_22_to_4"]

    m = claims["Microneedling induces collagen."]["model"]
    assert m["pen 1.5 mm, 3 sessions a month apart"]["total_change_end_percent"] > 10
    assert abs(m["one 1.5 mm roller session"]["total_change_end_percent"]) < 10


@pytest.mark.slow
def test_cli_writes_the_claims_report(tmp_path):
    out = tmp_path / "claims"
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "protocol", "claims", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "claims" and sum(summary["verdicts"].values()) == 7
    assert "## Sleep between 10 pm and 4 am repairs the skin." in (out / "report.md").read_text()
