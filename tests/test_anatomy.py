"""Skin presets, hydration, membranes and overrides with units."""

import pytest

from dermsim.anatomy import UM, list_sites, skin_for_site
from dermsim.chemistry.qspr import sc_swelling_factor
from dermsim.errors import InputError


def test_required_presets_exist_with_ordered_layers():
    sites = list_sites()
    for name in ("face", "forearm", "abdomen", "back", "palm", "scalp", "heat-separated-epidermis", "dermatomed"):
        assert name in sites
    roles = [lay.role for lay in skin_for_site("face", include_hypodermis=True).layers]
    assert roles == ["stratum_corneum", "viable_epidermis", "dermis", "hypodermis"]
    assert [lay.role for lay in skin_for_site("heat-separated-epidermis").layers] == ["stratum_corneum",
                                                                                      "viable_epidermis"]


def test_hydration_scales_stratum_corneum_only():
    normal, wet, dry = (skin_for_site("forearm", hydration=h) for h in ("normal", "hydrated", "dry"))
    assert wet.layer("stratum_corneum").thickness / normal.layer("stratum_corneum").thickness == pytest.approx(
        sc_swelling_factor("hydrated"))
    assert dry.layer("stratum_corneum").thickness < normal.layer("stratum_corneum").thickness
    assert wet.layer("viable_epidermis").thickness == normal.layer("viable_epidermis").thickness


def test_dermatomed_thickness_with_units_and_override():
    skin = skin_for_site("dermatomed", thickness="400 um")
    assert skin.thickness == pytest.approx(400 * UM)
    thinner = skin.with_(stratum_corneum_thickness="12 um")
    assert thinner.layer("stratum_corneum").thickness == pytest.approx(12 * UM)
    assert thinner.layer("stratum_corneum").source == "user override"
    with pytest.raises(InputError, match="stratum_corneum_thickness"):
        skin.with_(stratum_corneum_thickness="-3 um")
    with pytest.raises(InputError, match="skin.thickness"):
        skin_for_site("dermatomed", thickness="50 um")  # thinner than SC + VE
    with pytest.raises(InputError, match="skin.thickness"):
        skin_for_site("dermatomed", thickness="4 mg")


def test_every_layer_has_a_source():
    for name in list_sites():
        for layer in skin_for_site(name).layers:
            assert layer.source and layer.thickness > 0


def test_palm_has_the_thickest_stratum_corneum_and_face_the_thinnest_in_vivo():
    sc = {s: skin_for_site(s).layer("stratum_corneum").thickness for s in ("face", "forearm", "abdomen", "back",
                                                                          "palm", "scalp")}
    assert max(sc, key=sc.get) == "palm"
    assert min(sc, key=sc.get) == "face"
