"""Writing a packaged parameter in another unit (same physical value) leaves the physics unchanged; changing the
value changes it. Runs the examples on a temporary copy of the parameter folder (`parameters.directory`)."""

import math
import shutil
from pathlib import Path

import pytest

from dermsim import parameters

ROOT = Path(__file__).parents[2]
PACKAGED = Path(parameters.__file__).parent

#: (file, text as packaged, the same value in another unit). Each rewritten value converts to exactly the same
#: kernel number as the packaged one, so results must agree to round-off of the solver (rel 1e-12).
SAME_VALUE_OTHER_UNIT = [
    ("body_sites", 'viable_epidermis_thickness = { value = 46.1, unit = "um"',
     'viable_epidermis_thickness = { value = 0.0461, unit = "mm"'),                    # face
    ("body_sites", 'stratum_corneum_thickness = { value = 16.8, unit = "um"',
     'stratum_corneum_thickness = { value = 0.0168, unit = "mm"'),                      # face
    ("stratum_corneum", 'lateral_diffusivity_floor = { value = 2.34e-9, unit = "cm^2/s"',
     'lateral_diffusivity_floor = { value = 2.34e-13, unit = "m^2/s"'),
    ("stratum_corneum", 'aqueous_diffusivity_small = { value = 1.92e-4, unit = "cm^2/s"',
     'aqueous_diffusivity_small = { value = 1.92e-8, unit = "m^2/s"'),
    ("stratum_corneum", 'flow_limited_rate = { value = 0.132, unit = "1/min"',
     'flow_limited_rate = { value = 7.92, unit = "1/h"'),
    ("stratum_corneum", 'keratin_fibre_radius = { value = 3.5, unit = "nm"',
     'keratin_fibre_radius = { value = 35.0, unit = "angstrom"'),
    ("microneedle", 'capillary_density = { value = 14.0, unit = "1/mm^2"',
     'capillary_density = { value = 1400.0, unit = "1/cm^2"'),
    ("microneedle", 'pen_hand_speed = { value = 2.0, unit = "cm/s"',
     'pen_hand_speed = { value = 20.0, unit = "mm/s"'),
    ("macromolecules", 'persistence_length = { value = 7.5, unit = "nm"',
     'persistence_length = { value = 75.0, unit = "angstrom"'),
    ("macromolecules", 'fibre_radius = { value = 0.5, unit = "nm"',
     'fibre_radius = { value = 5.0, unit = "angstrom"'),
    ("macromolecules", 'partial_specific_volume = { value = 0.73, unit = "cm^3/g"',
     'partial_specific_volume = { value = 0.00073, unit = "m^3/kg"'),
]


def _copy(tmp_path: Path, edits) -> Path:
    folder = tmp_path / "parameters"
    shutil.copytree(PACKAGED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.md"))
    for name, old, new in edits:
        path = folder / f"{name}.toml"
        text = path.read_text("utf-8")
        assert text.count(old) >= 1, (name, old)
        path.write_text(text.replace(old, new, 1), "utf-8")
    return folder


def _physics():
    """kp, cumulative permeated and layer amounts of two examples, and a microneedle plan, as flat numbers."""
    from dermsim.microneedles.plan import plan_treatment
    from dermsim.scenario import load_scenario
    from dermsim.simulation import simulate

    out = {}
    for example in ("niacinamide_serum_face", "egf_serum_pen_face"):
        s = simulate(load_scenario(ROOT / "examples" / f"{example}.toml")).summary
        out[f"{example}.kp"] = s["kp_cm_per_h"]
        out[f"{example}.permeated"] = s["cumulative_permeated_ug_per_cm2"]
        for layer, amount in s["amount_in_layer_end_ug_per_cm2"].items():
            out[f"{example}.{layer}"] = amount
        if s.get("microneedle"):
            for band, amount in s["microneedle"]["where_it_is_at_end_ug_per_cm2"].items():
                out[f"{example}.mn.{band}"] = amount
    plan = plan_treatment("roller-192-0.5mm", "face", passes=4, treated_area_cm2=300.0).summary()
    pen = plan_treatment("pen-12", "forearm", passes=2, treated_area_cm2=50.0,
                         depth_setting_cm=0.1, sterilisation="alcohol-wipe").summary()
    for prefix, summary in (("roller", plan), ("pen", pen)):
        for key, value in summary.items():
            if isinstance(value, float):
                out[f"{prefix}.{key}"] = value
    return out


@pytest.fixture(scope="module")
def packaged():
    parameters.clear_caches()
    return _physics()


def _largest_difference(a: dict, b: dict) -> tuple[float, str]:
    assert a.keys() == b.keys()
    worst = (0.0, "")
    for key in a:
        x, y = a[key], b[key]
        if x == y or (math.isnan(x) and math.isnan(y)):
            continue
        worst = max(worst, (abs(x - y) / max(abs(x), abs(y)), key))
    return worst


def test_the_kernel_values_of_the_rewritten_entries_are_identical(tmp_path):
    folder = _copy(tmp_path, SAME_VALUE_OTHER_UNIT)
    before = {n: dict(parameters.load(n).parameters()) for n in {e[0] for e in SAME_VALUE_OTHER_UNIT}}
    with parameters.directory(folder):
        after = {n: dict(parameters.load(n).parameters()) for n in before}
    changed_units = 0
    for name in before:
        for path, p in before[name].items():
            q = after[name][path]
            assert q.value == p.value and q.unit == p.unit, (name, path)
            changed_units += q.given != p.given
    assert changed_units == len(SAME_VALUE_OTHER_UNIT)


def test_same_value_in_other_units_leaves_the_physics_unchanged(tmp_path, packaged):
    folder = _copy(tmp_path, SAME_VALUE_OTHER_UNIT)
    with parameters.directory(folder):
        rewritten = _physics()
    rel, key = _largest_difference(packaged, rewritten)
    assert rel <= 1e-12, key
    assert len(packaged) > 40


def test_a_unit_edit_that_rounds_differently_changes_results_only_at_round_off(tmp_path, packaged):
    # 13 um -> 0.013 mm and 479 um -> 0.479 mm are the same lengths, but the converted floats differ in the last
    # bit; the adaptive solver turns one ulp of an input into ~1e-11 of an output, never more than round-off.
    folder = _copy(tmp_path, [
        ("stratum_corneum", 'thickness_normal = { value = 13.0, unit = "um"', 'thickness_normal = { value = 0.013, unit = "mm"'),
        ("microneedle", 'barrier_reference_depth = { value = 479.0, unit = "um"',
         'barrier_reference_depth = { value = 0.479, unit = "mm"')])
    with parameters.directory(folder):
        rewritten = _physics()
    rel, key = _largest_difference(packaged, rewritten)
    assert rel <= 1e-9, key


@pytest.mark.parametrize("edit, changed", [
    (("body_sites", 'viable_epidermis_thickness = { value = 46.1, unit = "um"',
      'viable_epidermis_thickness = { value = 46.1, unit = "mm"'), "niacinamide_serum_face.dermis"),
    (("stratum_corneum", 'porosity_over_tortuosity = { value = 8.1e-6', 'porosity_over_tortuosity = { value = 8.1e-5'),
     "niacinamide_serum_face.kp"),
    (("microneedle", 'pen_hand_speed = { value = 2.0, unit = "cm/s"', 'pen_hand_speed = { value = 2.0, unit = "mm/s"'),
     "pen.punctures_per_cm2"),
    (("microneedle", 'barrier_reference_depth = { value = 479.0, unit = "um"',
      'barrier_reference_depth = { value = 479.0, unit = "mm"'), "roller.closure_half_life_h"),
    (("macromolecules", 'fibre_volume_fraction = { value = 0.015', 'fibre_volume_fraction = { value = 0.03'),
     "egf_serum_pen_face.mn.reticular_dermis"),
])
def test_changing_a_value_or_only_its_unit_changes_the_physics(tmp_path, packaged, edit, changed):
    folder = _copy(tmp_path, [edit])
    with parameters.directory(folder):
        edited = _physics()
    assert abs(edited[changed] - packaged[changed]) > 1e-6 * abs(packaged[changed]), changed
