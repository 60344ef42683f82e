"""Every page under Streamlit's own harness (AppTest): it answers, its numbers are the CLI's summary.json to 1e-12
for the scenario it shows, a bad input gets the CLI's one line beside its field and the page keeps working, and
its download bundle is what `dermsim run` writes for the bundle's scenario, byte for byte."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from dermsim.web import APP, PAGES
from webtest_support import check_numbers, cli, cli_summary, first_difference

TIMEOUT = 180


def page_test(name: str) -> AppTest:
    """An AppTest of one page's ``render()`` (the app's navigation runs the same function)."""
    module = PAGES[name][0]
    at = AppTest.from_string(f"import importlib\nimportlib.import_module({module!r}).render()",
                             default_timeout=TIMEOUT)
    return at.run()


def numbers(at: AppTest) -> dict[str, str]:
    """The page's numbers table: summary key -> text shown."""
    frame = at.table[-1].value
    return dict(zip(frame["summary.json key"], frame["value"]))


def shown_toml(at: AppTest) -> str:
    return at.code[-1].value


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def assert_page_equals_cli(at: AppTest, tmp_path) -> dict:
    assert not at.exception, at.exception
    assert not errors(at), errors(at)
    expected, _ = cli_summary(shown_toml(at), tmp_path)
    page_summary = json.loads(at.json[-1].value)
    assert first_difference(page_summary, expected) is None, first_difference(page_summary, expected)
    check_numbers(numbers(at), expected)
    assert expected["answer"] in at.text[0].value
    return expected


def test_app_opens_on_the_permeation_page():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.header[0].value == "Permeation"
    assert "niacinamide on face" in at.text[0].value


def test_permeation_page_equals_cli_after_a_change(tmp_path):
    at = page_test("permeation")
    assert "niacinamide on face" in at.text[0].value
    at.selectbox(key="compound").set_value("caffeine").run()
    at.text_input(key="duration").set_value("48 h").run()
    assert 'name = "caffeine"' in shown_toml(at) and "48.0 h" in shown_toml(at)
    assert_page_equals_cli(at, tmp_path)


def test_permeation_page_takes_a_smiles(tmp_path):
    at = page_test("permeation")
    at.radio(key="compound_source").set_value("SMILES").run()
    at.text_input(key="smiles").set_value("CC(=O)Nc1ccc(O)cc1").run()          # paracetamol
    assert 'smiles = "CC(=O)Nc1ccc(O)cc1"' in shown_toml(at)
    assert_page_equals_cli(at, tmp_path)


def bad_input_line(tmp_path, data: dict, command: tuple[str, ...] = ("run",)) -> str:
    """The one line `dermsim run` (or ``command``) prints for the scenario ``data`` (written as TOML as it stands)."""
    from dermsim.scenario.edit import _table

    lines: list[str] = []
    _table(data, [], lines)
    path = tmp_path / "bad.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = cli(*command, path, "--out", tmp_path / "bad-out", "--no-plots")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr.strip()


@pytest.mark.parametrize("key, value, field", [("concentration", "5 %%", "formulation.concentration"),
                                               ("smiles", "C1CC(xx", "smiles"),
                                               ("duration", "-3 h", "simulation.duration")])
def test_permeation_bad_input_gets_the_cli_line_beside_its_field(tmp_path, key, value, field):
    from dermsim.web import permeation_page

    at = page_test("permeation")
    if key == "smiles":
        at.radio(key="compound_source").set_value("SMILES").run()
    at.text_input(key=key).set_value(value).run()
    assert not at.exception
    values = dict(permeation_page.DEFAULTS) | {key: value}
    if key == "smiles":
        values["compound_source"] = "SMILES"
    line = bad_input_line(tmp_path, permeation_page.scenario_data(values))
    assert errors(at) == [line] and line.startswith(f"error: {field}: got ")
    # beside its field: the error is the element right after the input in the inputs column
    column = at.columns[0]
    kinds = [(getattr(node, "key", None), node.type) for node in column]
    index = next(i for i, (k, _) in enumerate(kinds) if k == key)
    assert kinds[index + 1][1] == "error", kinds
    # and the page keeps working
    at.text_input(key=key).set_value(permeation_page.DEFAULTS[key]).run()
    assert not errors(at) and "on face" in at.text[0].value


def test_microneedle_page_equals_cli_after_a_change(tmp_path):
    at = page_test("microneedle")
    assert "roller-192-0.25mm (4 pass(es))" in at.text[0].value
    at.number_input(key="passes").set_value(2).run()
    assert "passes = 2" in shown_toml(at)
    summary = assert_page_equals_cli(at, tmp_path)
    plan = at.table[0].value
    assert plan.loc["passes × area", "value"] == "2 × 300 cm²"
    risks = at.table[1].value
    assert {"bleeding", "pain", "infection index"} <= set(risks.index)
    assert summary["microneedle"]["plan"]["passes"] == 2


def test_microneedle_bad_area_gets_the_cli_line(tmp_path):
    from dermsim.web import microneedle_page

    at = page_test("microneedle")
    at.text_input(key="area").set_value("300").run()
    line = bad_input_line(tmp_path, microneedle_page.scenario_data(microneedle_page.DEFAULTS | {"area": "300"}))
    assert errors(at) == [line] and line.startswith("error: microneedle.treated_area: ")
    at.text_input(key="area").set_value("100 cm^2").run()
    assert not errors(at) and "over 100 cm^2" in at.text[0].value


def test_renewal_page_tissue_equals_cli(tmp_path):
    at = page_test("renewal")
    at.select_slider(key="lattice").set_value(64).run()
    assert "lattice_size = [64, 64]" in shown_toml(at)
    assert_page_equals_cli(at, tmp_path)


def test_renewal_page_clones_equals_cli_and_bad_input(tmp_path):
    at = page_test("renewal")
    at.radio(key="renewal_model").set_value("clones").run()
    at.text_input(key="clones").set_value("5000").run()
    assert "clones = 5000" in shown_toml(at)
    assert_page_equals_cli(at, tmp_path)
    at.text_input(key="clones").set_value("-5").run()
    assert len(errors(at)) == 1 and errors(at)[0].startswith("error: clones.clones: ")
    at.text_input(key="clones").set_value("3000").run()
    assert not errors(at) and "3000 clones" in at.text[0].value


def test_bundle_is_what_dermsim_run_writes(tmp_path):
    """The download bundle: scenario.toml + the output set; `dermsim run scenario.toml` rewrites it byte for byte."""
    from dermsim.web import permeation_page, shared

    scenario = shared.build(permeation_page.scenario_data(permeation_page.DEFAULTS))
    data = shared.bundle(scenario, shared.run(scenario))
    assert data == shared.bundle(scenario, shared.run(scenario))               # the same zip for the same run
    files = {info.filename: zipfile.ZipFile(io.BytesIO(data)).read(info) for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert {"scenario.toml", "result.nc", "summary.json", "report.md", "depth_profiles.png"} <= set(files)
    _, out = cli_summary(files["scenario.toml"].decode(), tmp_path, plots=True)
    written = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert written == {k: v for k, v in files.items() if k != "scenario.toml"}
