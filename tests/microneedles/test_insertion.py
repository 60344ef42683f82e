"""Insertion law, insertion force, layer classification on face and forearm presets."""

import math

import numpy as np
import pytest

from dermsim.anatomy import UM, skin_for_site
from dermsim.errors import InputError
from dermsim.microneedles.devices import get_device
from dermsim.microneedles.insertion import (NOT_PIERCED, insert, insert_needle, insertion_force, layer_at_depth,
                                            parse_application)


def test_kalluri_calibration_depth_and_surface_diameter():
    # calibration data: 770 um DermaRoller -> 152.5 um deep, 70.7 um wide (Kalluri 2011)
    ins = insert(get_device("dermaroller-kalluri-770um"))
    assert ins.application == "roller"
    assert ins.effective_depth / UM == pytest.approx(152.5, rel=1e-3)
    assert ins.surface_diameter / UM == pytest.approx(70.7, rel=1e-3)


def test_donnelly_calibration_and_fraction_ordering():
    gantrez = get_device("gantrez-600um-donnelly2011")
    assert insert(gantrez).effective_depth / UM == pytest.approx(460, rel=1e-3)
    depths = {app: insert_needle(0.06, 0.03, 1e-3, app).effective_depth
              for app in ("roller", "pen", "hand-press", "impact-applicator")}
    assert depths["roller"] < depths["pen"] < depths["hand-press"] < depths["impact-applicator"] < 0.06


def test_depth_grows_with_length_and_diameter_with_base():
    lengths = np.linspace(0.02, 0.25, 12)
    ins = [insert_needle(float(L), 0.03, 4e-4, "pen") for L in lengths]
    depth = np.array([i.effective_depth for i in ins])
    assert np.all(np.diff(depth) > 0) and np.all(depth < lengths)
    # a cone of fixed base inserted to the fraction phi of its length is phi-wide at the surface, whatever L
    diam = np.array([i.surface_diameter for i in ins])
    assert diam == pytest.approx(2 * 4e-4 + (0.03 - 8e-4) * 0.5)
    bases = [insert_needle(0.1, b, 4e-4, "hand-press").surface_diameter for b in (0.01, 0.02, 0.04)]
    assert np.all(np.diff(bases) > 0)


def test_insertion_force_scales_with_tip_area_and_decides_piercing():
    f1, f2 = insertion_force(5e-4), insertion_force(10e-4)
    assert f2 / f1 == pytest.approx(4.0)
    # Davis 2004 range 0.1-3 N at tip radii of tens of um
    assert 0.05 < insertion_force(30e-4) < 0.5 and 1 < insertion_force(80e-4) < 5
    need = insertion_force(10e-4)
    below = insert_needle(0.06, 0.03, 10e-4, 0.9 * need)
    above = insert_needle(0.06, 0.03, 10e-4, 1.1 * need)
    assert not below.pierces and below.effective_depth == 0 and below.surface_diameter == 0
    assert above.pierces and above.application == "force" and above.applied_force == pytest.approx(1.1 * need)
    assert above.effective_depth == pytest.approx(insert_needle(0.06, 0.03, 10e-4, "hand-press").effective_depth)


@pytest.mark.parametrize("bad", ["hand press", "5 g", "-0.1 N", True, None, "rollr"])
def test_bad_application_is_an_input_error(bad):
    with pytest.raises(InputError, match="application"):
        parse_application(bad)


def test_application_suggests_close_names():
    with pytest.raises(InputError, match="did you mean 'roller'"):
        parse_application("rollr")


def _boundaries(skin):
    sc, ve, de = (skin.layer(r).thickness for r in ("stratum_corneum", "viable_epidermis", "dermis"))
    return sc, sc + ve - skin.basal_layer_thickness, sc + ve, sc + ve + skin.papillary_dermis_thickness, sc + ve + de


@pytest.mark.parametrize("site", ["face", "forearm"])
def test_layer_classification_on_presets(site):
    skin = skin_for_site(site, include_hypodermis=True)
    sc, basal_top, dej, papillary, dermis_end = _boundaries(skin)
    cases = {0.5 * sc: "stratum corneum", sc: "stratum corneum", 0.5 * (sc + basal_top): "viable epidermis",
             0.5 * (basal_top + dej): "basal layer", dej: "basal layer", dej + 1e-5: "papillary dermis",
             0.5 * (papillary + dermis_end): "reticular dermis", dermis_end + 1e-3: "hypodermis", 0.0: NOT_PIERCED}
    for depth, name in cases.items():
        assert layer_at_depth(skin, depth) == name, (site, depth / UM)
    with pytest.raises(InputError, match="shorter than the skin"):
        layer_at_depth(skin, skin.thickness * 1.01)


def test_devices_on_face_and_forearm():
    face, forearm = (skin_for_site(s, include_hypodermis=True) for s in ("face", "forearm"))
    home = insert(get_device("roller-192-0.2mm"), face)
    assert home.layer_reached == "viable epidermis" and home.reaches_capillary_loops is False
    deep = insert(get_device("roller-192-1.5mm"), face)
    assert deep.layer_reached == "papillary dermis" and deep.reaches_capillary_loops is True
    assert deep.capillary_loop_depth == pytest.approx(face.capillary_loop_depth)
    mid = insert(get_device("roller-192-1.0mm"), forearm)
    assert mid.reaches_capillary_loops is False  # 198 um < 229 um loop depth on the forearm
    pen = insert(get_device("dermapen-11"), face, depth_setting=0.25)
    assert pen.layer_reached == "hypodermis"  # 1.25 mm channel below a 1.07 mm face epidermis + dermis


def test_depth_longer_than_the_skin_is_an_input_error():
    with pytest.raises(InputError, match="shorter than the skin"):
        insert(get_device("gantrez-600um-donnelly2011"), skin_for_site("dermatomed"))
    with pytest.raises(InputError, match="shorter than the skin"):
        insert(get_device("dermapen-11"), skin_for_site("face"), depth_setting=0.25)  # no hypodermis


def test_in_vitro_membrane_never_bleeds_and_cone_geometry():
    ins = insert(get_device("hollow-silicon-100"), skin_for_site("full-thickness"))
    assert ins.reaches_capillary_loops is False and ins.capillary_loop_depth is None
    d = ins.effective_depth
    assert ins.diameter_at([0, d / 2, d, 2 * d]) == pytest.approx([ins.surface_diameter, ins.surface_diameter / 2, 0, 0])
    r = ins.surface_diameter / 2
    assert ins.wall_area == pytest.approx(math.pi * r * math.sqrt(r * r + d * d))
