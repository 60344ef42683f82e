"""Device library and user devices: sources, lookup, validation, units."""

import json
import math
import re
from collections.abc import Mapping

import pytest

from dermsim import parameters
from dermsim.errors import InputError
from dermsim.microneedles.devices import KINDS, NEEDLE_TYPES, device_from_spec, get_device, list_devices

#: A source either names a publication (it contains its year) or starts with one of these flags.
FLAGGED = ("thin:", "calibration:", "derived:", "estimate", "fitted:", "definition:", "no decontamination")
PUBLICATION_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _entries(table, prefix=""):
    for key, val in table.items():
        if isinstance(val, parameters.Parameter):
            yield f"{prefix}{key}", val
        elif isinstance(val, Mapping):
            yield from _entries(val, f"{prefix}{key}.")


@pytest.mark.parametrize("name", ["devices", "microneedle"])
def test_every_packaged_number_has_unit_and_tagged_source(name):
    entries = list(_entries(parameters.load(name)))
    assert len(entries) > 20
    for key, entry in entries:
        assert entry.unit is not None, key
        assert len(entry.source) > 10, key
        source = entry.source
        assert source.startswith(FLAGGED) or PUBLICATION_YEAR.search(source), f"{key}: source names no publication"


def test_library_covers_the_issue_device_classes():
    devices = list_devices()
    kinds = {d.kind for d in devices}
    types = {d.needle_type for d in devices}
    assert kinds == set(KINDS)
    assert types == set(NEEDLE_TYPES)
    rollers_192 = {round(d.needle_length * 10, 3) for d in devices if d.kind == "roller" and d.needle_count == 192}
    assert {0.2, 0.25, 0.5, 1.0, 1.5} <= rollers_192
    assert any(d.needle_count == 540 for d in devices)
    pens = [d for d in devices if d.kind == "pen"]
    assert {d.needle_count for d in pens} == {11, 12}
    for pen in pens:
        assert pen.adjustable
        assert pen.needle_length_range == pytest.approx((0.025, 0.25))
        assert 90 * 3600 <= pen.stroke_frequency <= 150 * 3600


def test_roller_geometry_in_kernel_units():
    roller = get_device("Roller-192-0.5MM")
    assert roller.name == "roller-192-0.5mm"
    assert roller.drum_diameter == pytest.approx(2.0) and roller.drum_width == pytest.approx(2.0)
    assert roller.needle_length == pytest.approx(0.05)
    assert roller.base_diameter == pytest.approx(0.01)
    assert roller.tip_radius == pytest.approx(4e-4)
    assert "Nair" in roller.source("needle_count")


def test_unknown_device_names_the_closest_matches():
    with pytest.raises(InputError) as err:
        get_device("roller-192-0.5")
    message = str(err.value)
    assert "roller-192-0.5mm" in message and "\n" not in message


def test_pen_depth_setting_is_required_and_range_checked():
    pen = get_device("dermapen-11")
    assert pen.nominal_length(0.15) == pytest.approx(0.15)
    with pytest.raises(InputError, match="depth"):
        pen.nominal_length(None)
    with pytest.raises(InputError, match="between 0.25 and 2.5 mm"):
        pen.nominal_length(0.3)
    with pytest.raises(InputError, match="only pens"):
        get_device("roller-192-1.0mm").nominal_length(0.05)


SPEC = {"name": "my patch", "kind": "array", "needle_type": "solid", "needle_count": 100,
        "needle_length": "600 um", "base_diameter": "300 um", "tip_radius": "10 um", "pitch": "500 um"}


def test_user_device_from_spec_with_units_and_pitch():
    dev = device_from_spec(SPEC)
    assert dev.needle_length == pytest.approx(0.06)
    assert dev.array_area == pytest.approx(100 * 0.05 ** 2)
    assert not dev.sterile and not dev.single_use  # unknown status is treated as non-sterile, reusable
    assert dict(dev.sources)["needle_length"] == "user device"


@pytest.mark.parametrize("change, field", [
    ({"needle_lenght": "600 um"}, "needle_lenght"),           # unknown key
    ({"needle_length": 600}, "needle_length"),                 # bare number = 600 cm: too long
    ({"needle_length": "600 g"}, "needle_length"),             # wrong dimension
    ({"needle_length": "-600 um"}, "needle_length"),           # negative
    ({"tip_radius": "200 um"}, "tip_radius"),                  # tip wider than the base
    ({"needle_count": 2.5}, "needle_count"),                   # not whole
    ({"kind": "patch"}, "kind"),                               # unknown kind
    ({"pitch": "100 um"}, "pitch"),                            # needles would overlap
])
def test_user_device_validation_names_the_field(change, field):
    spec = dict(SPEC, **change)
    with pytest.raises(InputError, match=field):
        device_from_spec(spec)


def test_user_device_missing_fields_and_roller_spec():
    spec = {k: v for k, v in SPEC.items() if k != "pitch"}
    with pytest.raises(InputError, match="array_area"):
        device_from_spec(spec)
    roller = device_from_spec({"name": "r", "kind": "roller", "needle_count": 300, "needle_length": "0.75 mm",
                               "base_diameter": "0.12 mm", "tip_radius": "5 um", "drum_diameter": "15 mm",
                               "drum_width": "3 cm", "sterile": True})
    assert roller.drum_diameter == pytest.approx(1.5) and roller.sterile


def test_to_dict_is_json_with_units_and_sources():
    record = get_device("dermapen-11").to_dict()
    text = json.dumps(record)
    assert "Aesthetic Guide" in text
    assert record["needle_length_range"] == {"value": [0.25, 2.5], "unit": "mm",
                                             "source": record["needle_length_range"]["source"]}
    assert math.isclose(record["stroke_frequency"]["value"], 90.0)
    assert record["stroke_frequency"]["unit"] == "Hz"
