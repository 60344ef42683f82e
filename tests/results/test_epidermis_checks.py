"""Tissue and clones results check themselves before anything is written (issue #18 item 1): each check can fail,
and a failing run exits 3 with one line."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from dermsim.errors import ResultCheckError
from dermsim.results.checks import check_clones, check_tissue
from dermsim.scenario import scenario_from_dict
from dermsim.simulation import simulate


@pytest.fixture(scope="module")
def tissue():
    return simulate(scenario_from_dict({"kind": "tissue", "tissue": {"lattice_size": 32, "duration": "4 d",
                                                                     "seed": 1, "clone_snapshots": 1}}))


@pytest.fixture(scope="module")
def clones():
    return simulate(scenario_from_dict({"kind": "clones", "clones": {"preset": "clayton2007-mouse-tail",
                                                                     "clones": 300, "duration": "8 week",
                                                                     "seed": 1}}))


def _broken(result, variable=None, change=None, summary=None):
    """A copy of ``result`` with one dataset variable changed (``change(values)`` in place) or a summary edit."""
    from dermsim.results import Result

    ds = result.dataset.copy(deep=True)
    if variable is not None:
        values = ds[variable].values
        change(values)
        ds[variable].values = values
    new = copy.deepcopy(result.summary)
    if summary is not None:
        summary(new)
    return Result(result.kind, new, dataset=ds)


def test_sound_results_pass(tissue, clones):
    check_tissue(tissue)
    check_clones(clones)


def _set(index, value):
    def change(values):
        values[index] = value
    return change


@pytest.mark.parametrize("variable, change, fragment", [
    ("cells_per_area", _set((0, 1), np.inf), "cells_per_area is not a finite number"),
    ("basal_density", _set(0, -1.0), "basal_density = -1 (negative)"),
    ("coverage", _set(-1, 1.5), "coverage = 1.5 (a fraction above 1)"),
    ("stem_fraction", _set(0, -0.1), "stem_fraction = -0.1"),
    ("cells_per_basal_site", _set((0, 0), 1.2), "1.2 basal cells per basal site"),
])
def test_each_tissue_check_can_fail(tissue, variable, change, fragment):
    with pytest.raises(ResultCheckError, match="result check failed: ") as info:
        check_tissue(_broken(tissue, variable, change))
    assert fragment in str(info.value)


@pytest.mark.parametrize("edit, fragment", [
    (lambda s: s["invariants"].update(basal_cells_end=1e9), "invariants.basal_cells_end"),
    (lambda s: s["invariants"].update(column_overflow_cells=3), "3 live cells were pushed out"),
    (lambda s: s["invariants"].update(stratifications_without_neighbour=-1), "negative"),
])
def test_each_tissue_invariant_can_fail(tissue, edit, fragment):
    with pytest.raises(ResultCheckError) as info:
        check_tissue(_broken(tissue, summary=edit))
    assert fragment in str(info.value)


@pytest.mark.parametrize("variable, change, fragment", [
    ("basal_survival", _set(-1, 1.01), "basal_survival = 1.01 (a fraction above 1)"),
    ("mean_suprabasal_cells", _set(-1, -2.0), "mean_suprabasal_cells = -2 (negative)"),
    ("total_size_distribution", _set((1, 1), np.inf), "not a finite number"),
    ("basal_surviving_clones", _set(-1, 1e6), "of 300 clones"),
    ("progenitor_surviving_clones", _set(-1, 299.0), "increases over time"),
])
def test_each_clones_check_can_fail(clones, variable, change, fragment):
    with pytest.raises(ResultCheckError) as info:
        check_clones(_broken(clones, variable, change))
    assert fragment in str(info.value)


def test_more_progenitor_clones_than_basal_clones_fails(clones):
    with pytest.raises(ResultCheckError, match="progenitors are basal"):
        check_clones(_broken(clones, "progenitor_surviving_clones", lambda v: v.__setitem__(slice(None), 300.0)))


def test_a_failing_check_exits_3_with_one_line_and_writes_nothing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dermsim.cli import app
    from dermsim.results import checks

    def fail(result):
        checks._fail("coverage = 1.5 (a fraction above 1)")

    monkeypatch.setitem(checks.CHECKS, "tissue", fail)
    scenario = tmp_path / "t.toml"
    scenario.write_text('[tissue]\nlattice_size = 16\nduration = "1 d"\n')
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["epidermis", "run", str(scenario), "--out", str(out), "--no-plots"])
    assert res.exit_code == 3, res.output
    assert res.output.strip().splitlines() == ["error: result check failed: coverage = 1.5 (a fraction above 1); "
                                               + checks.EPIDERMIS_REMEDY]
    assert not out.exists()
