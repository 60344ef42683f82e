"""docs/glossary.md: every summary key with its unit and meaning, generated from the schemas (#11 item 4)."""

from pathlib import Path

import pytest

from dermsim import load_scenario, simulate
from dermsim.results.glossary import GLOSSARY, markdown, meaning_of, missing, summary_paths

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


@pytest.mark.parametrize("kind", ["permeation", "microneedle", "tissue", "clones", "population", "sweep",
                                  "sensitivity", "protocol", "claims"])
def test_every_schema_key_has_a_meaning_and_null_is_explained(kind):
    assert missing(kind) == []


def test_the_committed_glossary_is_up_to_date():
    assert GLOSSARY.read_text("utf-8") == markdown(), \
        "docs/glossary.md is stale: run `python -m dermsim.results.glossary` and commit it"


def test_a_key_without_meaning_is_found(monkeypatch):
    from dermsim.results import glossary

    monkeypatch.setitem(glossary.MEANINGS, "clones", {k: v for k, v in glossary.MEANINGS["clones"].items()
                                                      if k != "citations"})
    assert "citations" in missing("clones")
    monkeypatch.setitem(glossary.MEANINGS, "permeation", dict(glossary.MEANINGS["permeation"],
                                                              compound="compound name"))
    assert any(m.startswith("compound (may be null") for m in missing("permeation"))


def _small(name: str, changes: dict):
    return load_scenario(EXAMPLES / name).replace(changes)


SMALL_TISSUE = {"tissue.lattice_size": 48, "tissue.clone_snapshots": 0}
RUNS = {
    "membrane": lambda: load_scenario(EXAMPLES / "synthetic_membrane.toml"),
    "finite dose": lambda: load_scenario(EXAMPLES / "niacinamide_serum_face.toml"),
    "needles": lambda: _small("niacinamide_with_needles_face.toml", {"simulation.duration": "2 h"}),
    "basal loss": lambda: _small("epidermis/epidermis_basal_loss_stem_cells.toml",
                                 SMALL_TISSUE | {"tissue.duration": "12 d", "perturbation.0.radius": "40 um"}),
    "pulse chase": lambda: _small("epidermis/epidermis_homeostasis_pulse_chase.toml",
                                  SMALL_TISSUE | {"tissue.duration": "20 d"}),
    "circadian": lambda: _small("epidermis/epidermis_circadian_sleep_shift.toml",
                                SMALL_TISSUE | {"tissue.duration": "30 d"}),
    "clones": lambda: _small("epidermis/clones_mouse_tail.toml", {"clones.clones": 2000}),
}


@pytest.mark.slow
@pytest.mark.parametrize("run", RUNS, ids=str)
def test_every_key_a_run_writes_has_a_meaning(run):
    summary = simulate(RUNS[run]()).summary
    unexplained = sorted(p for p in summary_paths(summary) if meaning_of(summary["kind"], p) is None)
    assert unexplained == []
