"""Data checks for ``parameters/body_sites.toml``: every number carries a unit and its own source, and the
layer thicknesses are ordered as anatomy requires."""

import tomllib
from pathlib import Path

import pytest

DATA_FILE = Path(__file__).parents[2] / "src/dermsim/parameters/body_sites.toml"


@pytest.fixture(scope="module")
def data():
    with DATA_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _value_tables(node, path=()):
    """Yield (dotted path, table) for every table that holds a ``value``."""
    if isinstance(node, dict):
        if "value" in node:
            yield ".".join(path), node
        for key, child in node.items():
            yield from _value_tables(child, path + (key,))


def test_file_has_values(data):
    assert len(list(_value_tables(data))) > 50


def test_every_value_has_unit_and_source(data):
    for path, table in _value_tables(data):
        assert isinstance(table.get("unit"), str), f"{path}: no unit"
        source = table.get("source")
        assert isinstance(source, str) and source.strip(), f"{path}: no source"
        assert isinstance(table["value"], (int, float)), f"{path}: value is not a number"


def test_thicknesses_and_depths_positive_in_micrometres(data):
    checked = 0
    for path, table in _value_tables(data):
        leaf = path.rsplit(".", 1)[-1]
        if "thickness" in path or "depth" in leaf:
            assert table["unit"] == "um", f"{path}: unit {table['unit']!r}, expected 'um'"
            assert table["value"] > 0, f"{path}: {table['value']} is not positive"
            checked += 1
    assert checked > 40


def test_required_sites_present(data):
    assert {"face", "forearm", "abdomen", "back", "palm", "scalp"} <= set(data["sites"])


@pytest.mark.parametrize("site", ["face", "forearm", "abdomen", "back", "palm", "scalp"])
def test_layer_order_sc_lt_viable_epidermis_lt_dermis(data, site):
    layers = data["sites"][site]
    sc = layers["stratum_corneum_thickness"]["value"]
    ve = layers["viable_epidermis_thickness"]["value"]
    de = layers["dermis_thickness"]["value"]
    assert sc < ve < de, f"{site}: SC {sc}, VE {ve}, dermis {de}"


@pytest.mark.parametrize("site", ["face", "forearm", "abdomen", "back", "palm", "scalp"])
def test_capillary_loops_below_epidermis_within_papillary_dermis(data, site):
    layers = data["sites"][site]
    epidermis = sum(layers[k]["value"] for k in ("stratum_corneum_thickness", "viable_epidermis_thickness"))
    papillary_floor = epidermis + layers["papillary_dermis_thickness"]["value"]
    assert epidermis < layers["capillary_loop_depth"]["value"] < papillary_floor


def test_palm_stratum_corneum_thicker_than_face(data):
    sites = data["sites"]
    assert sites["palm"]["stratum_corneum_thickness"]["value"] > sites["face"]["stratum_corneum_thickness"]["value"]


def test_face_stratum_corneum_has_nine_layers(data):
    assert data["sites"]["face"]["stratum_corneum_cell_layers"]["value"] == 9


def test_dermatomed_total_is_sum_of_layers(data):
    membrane = data["membranes"]["dermatomed"]
    parts = sum(membrane[k]["value"] for k in ("stratum_corneum_thickness", "viable_epidermis_thickness",
                                               "dermis_thickness"))
    assert parts == pytest.approx(membrane["default_total_thickness"]["value"], abs=1e-9)
