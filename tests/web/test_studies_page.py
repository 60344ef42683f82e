"""The "Many skins" page under AppTest: a population, a sweep and a sensitivity study whose numbers are those of
`dermsim.studies` (the Python API, engine "serial") for the scenario the page shows, to 1e-12; bad input (a bad
``--vary``, 0 subjects) gets the line the CLI prints beside its field, and the page keeps working."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from dermsim.web import PAGES
from webtest_support import cli, close, first_difference

TIMEOUT = 120


@pytest.fixture
def at() -> AppTest:
    module = PAGES["many-skins"][0]
    return AppTest.from_string(f"import importlib\nimportlib.import_module({module!r}).render()",
                               default_timeout=TIMEOUT).run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def shown_scenario(at: AppTest):
    from dermsim.scenario import scenario_from_dict

    return scenario_from_dict(tomllib.loads(at.code[-1].value))


def grids(at: AppTest) -> dict[str, str]:
    """Every number table on the page: summary key (``/column`` appended in a grid) -> text shown."""
    shown = {}
    for table in at.table:
        frame = table.value
        if "summary.json key" in frame.columns:          # shared.numbers_table: a value per row
            shown.update(zip(frame["summary.json key"], frame["value"]))
        else:                                            # shared.numbers_grid: a column per key under the row's
            for key, row in frame.drop(columns=["quantity", "unit"]).iterrows():
                shown.update({f"{key}/{column}": text for column, text in row.items()})
    return shown


def lookup(summary: dict, key: str):
    """The summary's value of a shown key: ``a.b/column`` or ``indices.fig["x.y"]/column`` (None where absent)."""
    from dermsim.web.shared import dig

    path, _, column = key.partition("/")
    parts = [quoted or plain for quoted, plain in re.findall(r'\["([^"]+)"\]|([^.\[\]]+)', path)]
    return dig(summary, tuple(parts + ([column] if column else [])))


def assert_numbers_equal(at: AppTest, expected: dict) -> int:
    """Every number shown equals the API's summary to 1e-12, and so does the summary.json on the page."""
    assert not at.exception, at.exception
    assert not errors(at), errors(at)
    page_summary = json.loads(at.json[-1].value)
    assert first_difference(page_summary, expected) is None, first_difference(page_summary, expected)
    shown = grids(at)
    assert shown
    for key, text in shown.items():
        value = lookup(expected, key)
        assert (value is None and text == "—") or close(float(text), float(value)), (key, text, value)
    assert expected["answer"] in at.text[0].value
    return len(shown)


def test_population_equals_the_api(at):
    from dermsim.studies.population import run_population

    at.text_input(key="subjects").set_value("700")
    at.text_input(key="seed").set_value("3").run()
    toml = at.code[-1].value
    assert "subjects = 700" in toml and "seed = 3" in toml
    expected = run_population(shown_scenario(at), engine="serial").summary
    assert expected["engine"] == "serial" and expected["systemic_dose_ug"] is not None
    shown = assert_numbers_equal(at, expected)
    keys = grids(at)
    assert {"figures.basal_cmax_ug_per_cm3/p5", "figures.basal_cmax_ug_per_cm3/mean", "systemic_dose_ug/p95",
            "resolution_check.figures.systemic_ug_per_cm2/relative_difference"} <= set(keys), sorted(keys)
    assert shown > 40
    assert any("engine: serial" in c.value for c in at.caption)


def test_sweep_and_sensitivity_equal_the_api(at):
    from dermsim.studies.sensitivity import run_sensitivity
    from dermsim.studies.sweep import run_sweep

    at.radio(key="study").set_value("sweep").run()
    at.text_input(key="vary_2").set_value("stratum_corneum.thickness=10..30um:3").run()
    vary = ["formulation.concentration=1%..10%:5", "stratum_corneum.thickness=10..30um:3"]
    expected = run_sweep(shown_scenario(at), vary, engine="serial").summary
    assert expected["points"] == 15
    assert_numbers_equal(at, expected)
    table = at.dataframe[0].value
    assert len(table) == 15 and all(close(float(table[k][i]), float(row[k]))
                                    for i, row in enumerate(expected["table"]) for k in row
                                    if not isinstance(row[k], str))
    at.radio(key="study").set_value("sensitivity").run()
    at.radio(key="parameters").set_value("ranges")
    at.radio(key="method").set_value("morris").run()
    ranges = [r for r in at.text_area(key="ranges").value.splitlines() if r.strip()]
    expected = run_sensitivity(shown_scenario(at), ranges, method="morris", samples=50, engine="serial").summary
    assert_numbers_equal(at, expected)
    assert any('indices.systemic_ug_per_cm2["stratum_corneum.thickness"]' in k for k in grids(at))


def beside(at: AppTest, key: str) -> str:
    """The type of the element right after the input ``key`` in the inputs column."""
    nodes = [(getattr(node, "key", None), node.type) for node in at.columns[0]]
    index = next(i for i, (k, _) in enumerate(nodes) if k == key)
    return nodes[index + 1][1]


def test_bad_input_gets_the_cli_line_beside_its_field(at, tmp_path):
    from dermsim.scenario import scenario_from_dict
    from dermsim.web import studies_page

    scenario = tmp_path / "scenario.toml"
    scenario.write_text(scenario_from_dict(studies_page.scenario_data(studies_page.DEFAULTS)).to_toml())
    # 0 subjects
    at.text_input(key="subjects").set_value("0").run()
    proc = cli("population", scenario, "--subjects", "0", "--engine", "serial", "--out", tmp_path / "p")
    assert proc.returncode == 2 and errors(at) == [proc.stderr.strip()], (errors(at), proc.stderr)
    assert beside(at, "subjects") == "error"
    at.text_input(key="subjects").set_value("500").run()
    assert not errors(at) and "Over 500 virtual subjects" in at.text[0].value
    # a bad --vary
    at.radio(key="study").set_value("sweep").run()
    bad = "formulation.concentration=1%..x:5"
    at.text_input(key="vary_1").set_value(bad).run()
    proc = cli("sweep", scenario, "--vary", bad, "--engine", "serial", "--out", tmp_path / "s")
    assert proc.returncode == 2 and errors(at) == [proc.stderr.strip()], (errors(at), proc.stderr)
    assert errors(at)[0].startswith("error: --vary: got ") and beside(at, "vary_2") == "error"
    at.text_input(key="vary_1").set_value("formulation.concentration=2%,4%").run()
    assert not errors(at) and at.text[0].value.startswith("2 points varying formulation.concentration")


def test_bundle_is_what_the_command_shown_writes(tmp_path):
    """The download bundle of a sweep: scenario.toml + the output set; the command the page shows rewrites the
    output set byte for byte."""
    import io
    import zipfile

    from dermsim.web import shared, studies_page

    spec = "formulation.concentration=1%,2%"
    values = studies_page.DEFAULTS | {"study": "sweep", "vary_1": spec}
    scenario, study = shared.build(studies_page.scenario_data(values)), studies_page.study(values)
    assert study.command == f"dermsim sweep scenario.toml --vary '{spec}' --engine serial"
    with zipfile.ZipFile(io.BytesIO(shared.bundle(scenario, shared.run(scenario, study=study)))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    (tmp_path / "scenario.toml").write_bytes(files.pop("scenario.toml"))
    proc = cli("sweep", "scenario.toml", "--vary", spec, "--engine", "serial", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")}
    assert {"summary.json", "result.nc", "table.csv", "sweep.png"} <= set(files) and written == files
