"""One boundary for every input (issue #18 items 2 and 6, #11 item 2): every case of the issues' "Why" gives one
line and exit 2 (or runs), in the CLI and in the Python API alike; the budget refuses runs that would not fit."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from dermsim.budget import check_budget, estimate, parse_memory
from dermsim.cli import app
from dermsim.errors import InputError
from dermsim.scenario import load_scenario, scenario_from_dict

MEMBRANE = {"skin": {"layers": [{"name": "m", "thickness": "15 um", "diffusivity": "1e-9 cm^2/s", "partition": 1}]},
            "formulation": {"concentration": "1 mg/mL"}, "receptor": {"type": "sink"}}


def _with(table: str, **fields) -> dict:
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in MEMBRANE.items()}
    data.setdefault(table, {})
    data[table] = {**data[table], **fields}
    return data


def _layer(**fields) -> dict:
    return {**MEMBRANE, "skin": {"layers": [{**MEMBRANE["skin"]["layers"][0], **fields}]}}


def cli(*args, tmp_path=None):
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    return result.exit_code, result.output, result.exception


def one_line_exit_2(args, tmp_path, fragment: str = ""):
    out = tmp_path / "out"
    code, output, exc = cli(*args, "--out", out, "--no-plots")
    assert code == 2, (output, exc)
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert fragment in lines[0], lines[0]
    assert not out.exists()
    return lines[0]


# ---------------------------------------------------------------------------------------------- field ranges

@pytest.mark.parametrize("data, field, fragment", [
    (_layer(thickness="inf cm"), "skin.layers[0].thickness", "finite"),
    (_layer(thickness="1e308 cm"), "skin.layers[0].thickness", "from 1 nm to 1 m"),
    (_layer(thickness="1e-308 cm"), "skin.layers[0].thickness", "from 1 nm to 1 m"),
    (_layer(diffusivity="1e308 cm^2/s"), "skin.layers[0].diffusivity", "1 cm^2/s"),
    (_layer(diffusivity="1e-308 cm^2/s"), "skin.layers[0].diffusivity", "1e-20 cm^2/s"),
    (_layer(partition=1e308), "skin.layers[0].partition", "from 1e-10 to 1e+10"),
    (_layer(partition=1e-308), "skin.layers[0].partition", "from 1e-10 to 1e+10"),
    (_with("formulation", dose="1e308 mg/cm^2"), "formulation.dose", "finite"),
    (_with("formulation", dose="1e30 mg/cm^2"), "formulation.dose", "1 g/cm^2"),
    (_with("formulation", dose="1e-308 mg/cm^2"), "formulation.dose", "1e-21 g/cm^2"),
    (_with("formulation", concentration="inf mg/mL"), "formulation.concentration", "finite"),
    (_with("formulation", concentration="1e308 mg/mL"), "formulation.concentration", "finite"),
    (_with("formulation", concentration="1e30 mg/mL"), "formulation.concentration", "25 g/mL"),
    (_with("formulation", density="1e308 g/mL"), "formulation.density", "25 g/cm^3"),
    (_with("formulation", evaporation_rate="1e308 /h"), "formulation.evaporation_rate", "1e4 /h"),
    (_with("formulation", solute_vapour_pressure="1e308 Pa"), "formulation.solute_vapour_pressure", "1e6 Pa"),
    (_with("formulation", ph=15), "formulation.ph", "14"),
    (_with("compound", name=None, molecular_weight="1e308 g/mol", log_kow=1), "compound.molecular_weight", "1e7"),
    (_with("compound", name=None, molecular_weight="100 g/mol", log_kow=16), "compound.log_kow", "15"),
    (_with("simulation", duration="inf h"), "simulation.duration", "finite"),
    (_with("simulation", duration="11 year"), "simulation.duration", "10 year"),
    (_with("simulation", duration="1e-308 h"), "simulation.duration", "1e-3 s"),
    (_with("receptor", type="finite", volume="1e-300 mL", area="1 cm^2"), "receptor.volume", "1e-6 mL"),
    ({**MEMBRANE, "skin": {"layers": []}}, "skin.layers", "at least 1"),
    ({**MEMBRANE, "skin": {"layers": MEMBRANE["skin"]["layers"] * 1001}}, "skin.layers", "at most 1000"),
    ({"kind": "tissue", "perturbation": [{"kind": "basal-loss", "time": "1 d", "radius": "10 m"}]},
     "perturbation[0].radius", "10 cm"),
    ({"kind": "tissue", "tissue": {"output_interval": "inf d"}}, "tissue.output_interval", "finite"),
    ({"kind": "clones", "clones": {"clones": 10 ** 30}}, "clones.clones", "to 1e+07"),
    ({"kind": "clones", "clones": {"preset": "clayton2007-mouse-tail", "rates": {"division_rate": "1e9 /week"}}},
     "clones.rates.division_rate", "168"),
])
def test_every_field_has_a_physical_range(data, field, fragment):
    with pytest.raises(InputError) as info:
        scenario_from_dict(data)
    message = str(info.value)
    assert message.startswith(field + ":"), message
    assert fragment in message, message
    assert "\n" not in message


def test_a_bare_number_in_a_dimensioned_field_names_the_unit():
    for data, field, unit in ((_with("formulation", concentration=5), "formulation.concentration", "'5 mg/mL'"),
                              (_with("formulation", dose=2), "formulation.dose", "'2 mg/cm^2'"),
                              (_with("simulation", duration=24), "simulation.duration", "'24 h'"),
                              (_layer(thickness=15), "skin.layers[0].thickness", "'15 cm'")):
        with pytest.raises(InputError, match="bare number") as info:
            scenario_from_dict(data)
        assert str(info.value).startswith(field) and unit in str(info.value)
    assert scenario_from_dict(_with("formulation", evaporation_rate=0)).formulation.evaporation_rate == 0.0


@pytest.mark.parametrize("text", ["5 percent", "5 % w/w", "5 %", "5 %w/w", "5 PERCENT"])
def test_percent_in_words_is_w_w(text):
    c = scenario_from_dict(_with("formulation", concentration=text)).formulation.concentration
    assert (c.value, c.basis) == (0.05, "w/w")


# ------------------------------------------------------------------------------------------- did you mean

@pytest.mark.parametrize("data, expected", [
    ({"formulaton": {"concentration": "1 mg/mL"}}, "formulaton: unknown key; allowed: keys kind"),
    ({"formulaton": {"concentration": "1 mg/mL"}}, "did you mean 'formulation'"),
    (_with("formulation", pH=5), "formulation.pH: unknown key"),
    (_with("formulation", pH=5), "did you mean 'ph'?"),
    (_with("formulation", concentraton="1 %"), "did you mean 'concentration'"),
    ({**MEMBRANE, "Simulation": {"duration": "1 h"}}, "did you mean 'simulation'?"),
    ({**MEMBRANE, "duration": "1 h"}, "did you mean 'simulation.duration'?"),
    ({"kind": "tissue", "tissue": {"preset": "human"}}, "did you mean 'human-interfollicular'?"),
    ({"kind": "clones", "clones": {"preset": "Clayton2007-Mouse-Tail"}}, "did you mean 'clayton2007-mouse-tail'?"),
])
def test_unknown_keys_and_tables_get_did_you_mean_over_the_whole_schema(data, expected):
    with pytest.raises(InputError) as info:
        scenario_from_dict(data)
    assert expected in str(info.value)


@pytest.mark.parametrize("args, expected", [
    (["permeate", "--compound", "cafeine", "--concentration", "1 %"], "did you mean 'caffeine'"),
    (["permeate", "--compound", "caffeine", "--site", "Forarm", "--concentration", "1 %"], "did you mean 'forearm'"),
    (["epidermis", "clones", "--preset", "clayton"], "did you mean 'clayton2007-mouse-tail'"),
])
def test_names_get_suggestions_in_the_cli(args, expected, tmp_path):
    one_line_exit_2(args, tmp_path, expected)


def test_devices_get_suggestions():
    from dermsim.microneedles.plan import plan_from_table

    with pytest.raises(InputError, match="did you mean 'roller-540-0.5mm'"):
        plan_from_table({"device": "roller-540-05mm", "treated_area": "1 cm^2"}, "face")


def test_the_api_and_the_cli_say_the_same(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[formulaton]\nconcentration = "1 mg/mL"\n')
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert one_line_exit_2(["run", path], tmp_path) == f"error: {info.value}"


# ------------------------------------------------------------------------- the cases of issue #18, in the CLI

def _file(tmp_path, text: str | bytes, name: str = "s.toml"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


def test_an_epidermis_scenario_without_lattice_size_runs_even_an_empty_file(tmp_path):
    path = _file(tmp_path, "")
    scenario = load_scenario(path, default_kind="tissue")
    assert scenario.kind == "tissue" and scenario.tissue.lattice_size == (256, 256)
    short = _file(tmp_path, '[tissue]\nduration = "2 d"\nlattice_size = 32\n', "short.toml")
    code, output, exc = cli("epidermis", "run", short, "--out", tmp_path / "o", "--no-plots")
    assert code == 0, (output, exc)


@pytest.mark.parametrize("text, fragment", [
    ('[formulation]\nconcentration = "1 mg/mL"\n[simulation]\nduration = "inf h"\n', "simulation.duration"),
    ('[formulation]\nconcentration = "inf mg/mL"\n', "formulation.concentration"),
    ('[formulation]\nconcentration = "1 mg/mL"\n[skin]\nlayers = []\n', "skin.layers"),
    ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("a = " + "[" * 20 + "]" * 20 + "\n[formulation]\nconcentration = '1 %'\n", "nested too deeply"),
    (b"\xef\xbb\xbf[formulation]\nconcentration = \"1 mg/mL\"\n", "byte-order mark"),
    ('[tissue]\nlattice_size = 64\n[[perturbation]]\nkind = "basal-loss"\ntime = "1 d"\nradius = "10 m"\n',
     "perturbation[0].radius"),
])
def test_file_cases_give_one_line(text, fragment, tmp_path):
    one_line_exit_2(["run", _file(tmp_path, text)], tmp_path, fragment)


def test_output_interval_of_a_microsecond_is_refused_before_allocating(tmp_path):
    path = _file(tmp_path, '[formulation]\nconcentration = "1 mg/mL"\n[simulation]\noutput_interval = "1e-6 h"\n')
    line = one_line_exit_2(["run", path], tmp_path, "memory: this run needs")
    assert "output times" in line and "simulation.output_interval" in line


def test_max_memory_sets_the_limit_lower(tmp_path):
    path = _file(tmp_path, '[tissue]\nlattice_size = 256\nduration = "10 d"\n')
    line = one_line_exit_2(["epidermis", "run", path, "--max-memory", "100 MB"], tmp_path, "(--max-memory)")
    assert "tissue.lattice_size" in line
    one_line_exit_2(["run", path, "--max-memory", "lots"], tmp_path, "--max-memory")
    one_line_exit_2(["epidermis", "clones", "--preset", "clayton2007-mouse-tail", "--clones", "1000", "--max-time",
                     "1 us"], tmp_path, "(--max-time)")


def test_a_thousand_layers_run_banded(tmp_path):
    layers = "".join(f'[[skin.layers]]\nname = "m{i}"\nthickness = "10 um"\ndiffusivity = "1e-9 cm^2/s"\n'
                     f'partition = 1\n' for i in range(1000))
    path = _file(tmp_path, '[formulation]\nconcentration = "1 mg/mL"\n' + layers)
    scenario = load_scenario(path)
    assert estimate(scenario).memory < 2e9                       # no dense 30000² eigenproblem
    exact = scenario.replace({"simulation.solver": "exact"})
    with pytest.raises(InputError, match="simulation.solver: got 'exact'.*dense eigenvectors"):
        check_budget(exact)


@pytest.mark.parametrize("args, fragment", [
    (["microneedle", "plan", "--device", "roller-540-0.5mm", "--site", "face", "--area", "10 cm^2",
      "--passes", "9" * 400], "(400 characters); allowed: a number from 0 (excluded) to 1000"),
    (["epidermis", "clones", "--clones", "1" * 30], "--clones"),
    (["epidermis", "clones", "--preset", "clayton2007-mouse-tail", "--lambda", "1e9 /week"], "--lambda"),
])
def test_option_cases_give_one_line(args, fragment, tmp_path):
    if args[0] == "microneedle":
        code, output, exc = cli(*args)
        assert code == 2 and len(output.strip().splitlines()) == 1 and fragment in output, (output, exc)
    else:
        one_line_exit_2(args, tmp_path, fragment)


def test_memory_sizes_parse():
    assert parse_memory("2 GB") == 2e9 and parse_memory("1.5GiB") == 1.5 * 2 ** 30 and parse_memory(None) is None
    for bad in ("2 parsecs", "-1 GB", "inf GB", "0 MB"):
        with pytest.raises(InputError):
            parse_memory(bad)
    assert math.isfinite(estimate(scenario_from_dict(MEMBRANE)).seconds)
