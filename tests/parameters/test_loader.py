"""dermsim.parameters.load: every packaged entry is checked, converted by dimension to the kernel unit, and read
without pint; a malformed entry is rejected with file, path and problem."""

import math
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dermsim import parameters
from dermsim.errors import DermsimError, InputError
from dermsim.parameters import Parameter, ParameterFileError, ParameterTable
from dermsim.units import KERNEL_UNITS, kernel_unit

PACKAGED = Path(parameters.__file__).parent
NAMES = sorted(p.stem for p in PACKAGED.glob("*.toml"))


def test_names_lists_every_packaged_file():
    assert parameters.names() == NAMES
    assert {"body_sites", "compounds", "devices", "microneedle", "stratum_corneum", "macromolecules"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_packaged_entry_has_unit_source_and_kernel_value(name):
    table = parameters.load(name)            # raises on a missing unit/source, a bad unit or a non-finite value
    assert isinstance(table, ParameterTable)
    entries = list(table.parameters())
    assert entries                           # every packaged file holds at least one entry
    kernel_units = {u for system in ("transport",) for u in KERNEL_UNITS[system].values()}
    for path, p in entries:
        assert isinstance(p, Parameter)
        assert p.source.strip(), path
        assert isinstance(p.given[1], str), path
        if isinstance(p.value, float) and p.unit and not p.unit.startswith("log10("):
            assert p.unit == kernel_unit(p.given[1])[0], path
            assert math.isclose(p.to(p.given[1]), p.given[0], rel_tol=0) or p.to(p.given[1]) == p.given[0], path
        if p.unit in kernel_units:
            assert p.to(p.unit) == p.value or math.isclose(p.to(p.unit), p.value, rel_tol=1e-15), path


def test_loading_every_file_does_not_import_pint():
    code = ("import sys\nfrom dermsim import parameters\n"
            "[parameters.load(n) for n in parameters.names()]\n"
            "print('pint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_values_are_in_kernel_units_and_to_gives_any_compatible_unit():
    face = parameters.load("body_sites")["sites"]["face"]
    ve = face["viable_epidermis_thickness"]
    assert ve.given == (46.1, "um") and ve.unit == "cm" and ve.value == 46.1 * 1e-4
    assert ve.to("um") == 46.1 and math.isclose(ve.to("mm"), 0.0461)
    with pytest.raises(InputError):
        ve.to("h")
    layers = face["stratum_corneum_cell_layers"]
    assert layers.value == 9 and isinstance(layers.value, int) and layers.unit == "" and layers.sd == 2
    sc = parameters.load("stratum_corneum")
    rate = sc["dermal_clearance"]["flow_limited_rate"]                 # written 0.132 1/min
    assert rate.unit == "1/h" and rate.value == 0.132 * 60.0
    log_kp = sc["potts_guy"]["log_constant_cm_s"]                       # written -6.3 log10(cm/s)
    assert log_kp.unit == "log10(cm/h)" and log_kp.value == -6.3 + math.log10(3600.0)
    assert log_kp.to("log10(cm/s)") == -6.3
    assert sc["potts_guy"]["mw_slope"].unit == "mol/g"                  # per g/mol: MW enters in g/mol
    kin = parameters.load("epidermis_kinetics")
    some_rate = next(p for _, p in kin.parameters() if p.given[1] == "1/week")
    assert some_rate.unit == "1/h" and math.isclose(some_rate.to("1/week"), some_rate.given[0], rel_tol=1e-15)
    assert math.isclose(some_rate.to("1/day"), some_rate.given[0] / 7, rel_tol=1e-15)
    force = parameters.entry("microneedle", "insertion/force/olatunji_force_per_needle_min")
    assert force.to("N") == force.given[0] and force.to("mN") == pytest.approx(1000 * force.given[0])


def test_tables_are_read_only_and_keep_plain_values():
    face = parameters.load("body_sites")["sites"]["face"]
    assert isinstance(face["description"], str)
    with pytest.raises(TypeError):
        face["description"] = "x"
    with pytest.raises(Exception):
        face["viable_epidermis_thickness"].value = 1.0
    assert parameters.load("body_sites") is parameters.load("body_sites")       # cached


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / f"{name}.toml").write_text(textwrap.dedent(text), "utf-8")
    return tmp_path


@pytest.mark.parametrize("entry, words", [
    ('x = { value = 1.0, source = "Someone 2020" }', "x: has no unit"),
    ('x = { value = 1.0, unit = "um" }', "x: has no source"),
    ('x = { value = 1.0, unit = "um", source = "  " }', "x: has no source"),
    ('x = { value = 1.0, unit = "bananas/h", source = "S 2020" }', "x: unit 'bananas/h' does not parse"),
    ('x = { value = 1.0, unit = "A", source = "S 2020" }', "x: unit 'A' does not parse"),
    ('x = { value = nan, unit = "um", source = "S 2020" }', "not finite"),
    ('x = { value = inf, unit = "", source = "S 2020" }', "not finite"),
    ('x = { value = "steel", unit = "um", source = "S 2020" }', 'must have unit = ""'),
    ('x = { value = true, unit = "h", source = "S 2020" }', 'must have unit = ""'),
    ('x = { value = 1.0, unit = "um", source = "S 2020", estimate = "yes" }', "estimate must be true or false"),
    ('x = { value = 1.0, unit = "um", source = "S 2020", colour = 1 }', "unknown key"),
    ('x = { unit = "um", source = "S 2020" }', "entry without a value"),
])
def test_a_malformed_entry_is_rejected_with_file_path_and_problem(tmp_path, entry, words):
    _write(tmp_path, "bad", f"[section.sub]\n{entry}\n")
    with parameters.directory(tmp_path):
        with pytest.raises(ParameterFileError) as info:
            parameters.load("bad")
    message = str(info.value)
    assert isinstance(info.value, DermsimError)
    assert message.startswith("bad.toml: section.sub.x:") or message.startswith("bad.toml: section.sub:")
    assert words in message and "\n" not in message


def test_missing_file_and_invalid_toml_are_rejected(tmp_path):
    _write(tmp_path, "broken", "x = { value = 1.0, unit = \n")
    with parameters.directory(tmp_path):
        with pytest.raises(ParameterFileError, match="broken.toml: invalid TOML"):
            parameters.load("broken")
        with pytest.raises(ParameterFileError, match="cannot read"):
            parameters.load("body_sites")


def test_flags_come_from_boolean_keys_and_source_prefixes(tmp_path):
    _write(tmp_path, "flags", """
        a = { value = 1.0, unit = "", source = "thin: one abstract" }
        b = { value = 1.0, unit = "", source = "calibration: reproduces Kalluri 2011" }
        c = { value = 1.0, unit = "", source = "Estimated from structure (Crippen)" }
        d = { value = 1.0, unit = "", source = "Fitted to Cheruvu 2022" }
        e = { value = 1.0, unit = "", source = "RDKit Crippen", estimate = true }
        f = { value = 1.0, unit = "", source = "Smith 2001 Table 2; thin: later" }
    """)
    with parameters.directory(tmp_path):
        t = parameters.load("flags")
    assert t["a"].flags == {"thin"} and t["b"].flags == {"calibration"}
    assert t["c"].flags == {"estimate"} and t["d"].flags == {"fitted"}
    assert t["e"].flags == {"estimate"} and t["e"].estimate
    assert t["f"].flags == frozenset()


def test_directory_switches_folder_and_clears_caches(tmp_path):
    packaged = parameters.load("microneedle")
    _write(tmp_path, "microneedle", '[density]\npen_hand_speed = { value = 1.0, unit = "mm/s", source = "test" }\n')
    with parameters.directory(tmp_path):
        assert parameters.entry("microneedle", "density/pen_hand_speed").value == pytest.approx(360.0)
        assert parameters.names() == ["microneedle"]
    assert parameters.load("microneedle") is not packaged                      # re-read after the block
    assert parameters.entry("microneedle", "density/pen_hand_speed").to("cm/s") == 2.0
