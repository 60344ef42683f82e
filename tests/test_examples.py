"""Every example scenario runs end to end through `dermsim run` (plots included) within a timeout, and every
summary it writes holds to the one summary schema of its kind."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dermsim.results.summary import SUMMARIES

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
EPIDERMIS_EXAMPLES = sorted((ROOT / "examples" / "epidermis").glob("*.toml"))
#: PNG files each result kind writes (the tissue plots depend on what the scenario holds)
PLOTS = {"permeation": 3, "microneedle": 3, "clones": 3}   # + dose_fate.png for a finite dose with a drying film


def _run(scenario: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "run", str(scenario), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = (out / "summary.json").read_text()
    summary = json.loads(text)
    SUMMARIES[summary["kind"]].model_validate_json(text)        # unknown, missing or mistyped keys fail here
    assert (out / "result.nc").exists() and (out / "report.md").exists()
    if summary["kind"] in PLOTS:
        fate = summary["kind"] == "permeation" and summary["vehicle"] is not None and summary["dose"] == "finite"
        assert len(list(out.glob("*.png"))) == PLOTS[summary["kind"]] + fate
        assert (out / "dose_fate.png").exists() == fate
    else:
        assert len(list(out.glob("*.png"))) >= 1
    return summary


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_its_summary_holds_to_the_schema(scenario, tmp_path):
    summary = _run(scenario, tmp_path)
    assert summary["kind"] in ("permeation", "microneedle", "population")
    if summary["kind"] == "population":      # every subject is checked (mass balance ≤ 1e-8) before it is kept
        assert summary["subjects"] > 1
    else:
        assert summary["mass_balance_relative_error"] < 1e-8


@pytest.mark.slow
@pytest.mark.parametrize("scenario", EPIDERMIS_EXAMPLES, ids=lambda p: p.stem)
def test_epidermis_example_runs_through_the_same_command(scenario, tmp_path):
    summary = _run(scenario, tmp_path)
    assert summary["kind"] in ("tissue", "clones")


def _types(value, path=""):
    """{key path: JSON type name} of a summary (nulls left out: an optional value may be absent)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(_types(v, f"{path}.{k}" if path else k))
        return out
    if value is None:
        return {}
    return {path: "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__}


def test_a_key_has_one_type_with_and_without_needles(tmp_path):
    """The summary of a permeation run and of the same run with needles share every top-level key, each
    with one type (the with/without-needle values live in the microneedle section)."""
    plain = _run(ROOT / "examples" / "niacinamide_serum_face.toml", tmp_path / "plain")
    needles = _run(ROOT / "examples" / "niacinamide_with_needles_face.toml", tmp_path / "needles")
    assert set(plain) == set(needles)
    a, b = _types({k: v for k, v in plain.items() if k != "microneedle"}), \
        _types({k: v for k, v in needles.items() if k != "microneedle"})
    shared = set(a) & set(b)
    assert {k for k in shared if a[k] != b[k]} == set()
    assert plain["microneedle"] is None and isinstance(needles["microneedle"], dict)


def test_a_summary_with_an_undeclared_key_is_refused():
    from dermsim.results import Result, DatasetContent

    with pytest.raises(ValueError):
        Result("clones", {"title": "", "dermsim_version": "0", "answer": "", "notes": [], "fate_rates": {},
                          "settings": {}, "definitions": {}, "key_figures": {}, "exact_comparison": [],
                          "citations": [], "surprise": 1}, content=DatasetContent({}, {}, {}))


def test_there_are_the_examples_the_issues_ask_for():
    names = {p.stem for p in EXAMPLES}
    assert {"caffeine_franz_dermatomed", "retinol_cream_face", "salicylic_acid_ph35", "salicylic_acid_ph55",
            "hydrocortisone_occluded", "hydrocortisone_open", "niacinamide_serum_face"} <= names
    assert {"clones_mouse_tail"} <= {p.stem for p in EPIDERMIS_EXAMPLES}
