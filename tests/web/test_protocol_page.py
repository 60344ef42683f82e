"""The "Treatment protocol" page under AppTest: it opens on an example protocol as written, its numbers (and the
risk of each session, the basal-layer peak of each application) are those `dermsim protocol run` writes for the
scenario it shows, to 1e-12; a bad input gets that command's one line beside its field and nothing runs; its
download bundle is what the command writes, byte for byte."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from test_pages import bad_input_line, errors, numbers, page_test, shown_toml
from webtest_support import check_numbers, cli_summary, close, first_difference

COMMAND = ("protocol", "run")
EXAMPLES = Path(__file__).parents[2] / "examples" / "protocols"


def frame(at, first: str):
    """The page's st.dataframe whose first column is ``first``."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first)


def assert_page_equals_cli(at, tmp_path) -> tuple[dict, Path]:
    """The page's summary.json, numbers, session risks and application peaks are those of `dermsim protocol run` of
    the scenario the page shows (to 1e-12); returns the command's summary and output folder."""
    from dermsim import load_result
    from dermsim.protocols.report import APPLICATION_COLUMNS

    assert not at.exception, at.exception
    assert not errors(at), errors(at)
    expected, out = cli_summary(shown_toml(at), tmp_path, command=COMMAND)
    page_summary = json.loads(at.json[-1].value)
    assert first_difference(page_summary, expected) is None, first_difference(page_summary, expected)
    check_numbers(numbers(at), expected)
    assert expected["answer"] in at.text[0].value
    if expected["sessions"]:
        risks = frame(at, "session")
        assert len(risks) == len(expected["sessions"])
        for (_, row), session in zip(risks.iterrows(), expected["sessions"]):
            assert row["session"] == str(session["session"])
            for column, text in row.items():
                if isinstance(session[column], float):
                    assert close(float(text), session[column]), (column, text, session[column])
    if expected["applications"]:
        shown = frame(at, APPLICATION_COLUMNS[0])
        assert list(shown.columns) == list(APPLICATION_COLUMNS)
        saved = load_result(out / "result.nc")
        assert len(shown) == saved.values("application").size == len((out / "applications.csv").read_text()
                                                                     .splitlines()) - 1
        for column, name in (("time_day", "application_time"), ("basal_cmax_ug_per_cm3", None),
                             ("basal_auc_ug_h_per_cm3", None), ("systemic_ug_per_cm2", None)):
            values = saved.values(name or f"application_{column}")
            assert all(close(float("nan") if t == "—" else float(t), float(x)) for t, x in zip(shown[column], values))
    return expected, out


def test_protocol_page_opens_on_the_example_as_written():
    from dermsim.scenario import load_scenario
    from dermsim.web import protocol_page, shared

    at = page_test("protocol")
    assert not at.exception and not errors(at)
    assert at.header[0].value == "Treatment protocol"
    written = load_scenario(EXAMPLES / f"{protocol_page.DEFAULT_EXAMPLE}.toml").to_toml()
    assert shown_toml(at) == written.strip()
    # the scenario the server's warm-up runs into the cache
    assert shared.build(protocol_page.scenario_data(protocol_page.DEFAULTS)).to_toml() == written
    assert "364 days on the face; 6 microneedle session(s)" in at.text[0].value
    assert set(protocol_page.examples()) == {p.stem for p in EXAMPLES.glob("*.toml")}
    assert len(protocol_page.examples()) == 4


def test_protocol_page_equals_cli_after_a_change(tmp_path):
    at = page_test("protocol")
    at.number_input(key="passes").set_value(4).run()
    at.text_input(key="session_repeat").set_value("every 6 weeks x 4").run()
    at.text_input(key="app0_repeat").set_value("daily").run()
    toml = shown_toml(at)
    assert "passes = 4" in toml and 'repeat = "every 6 weeks x 4"' in toml and 'repeat = "daily"' in toml
    expected, _ = assert_page_equals_cli(at, tmp_path)
    assert len(expected["sessions"]) == 4 and expected["applications"][0]["applications"] == 364


def test_protocol_page_starts_from_another_example_and_adds_sessions(tmp_path):
    from dermsim.scenario import load_scenario

    at = page_test("protocol")
    at.number_input(key="passes").set_value(3).run()
    at.selectbox(key="example").set_value("retinol_niacinamide_routine").run()
    assert not at.exception and not errors(at), (at.exception, errors(at))
    # every input now holds the new example's values (not what was typed for the last one)
    assert shown_toml(at) == load_scenario(EXAMPLES / "retinol_niacinamide_routine.toml").to_toml().strip()
    assert not at.checkbox(key="sessions").value and at.checkbox(key="sun").value
    at.number_input(key="spf").set_value(50.0)
    at.text_input(key="sunscreen_amount").set_value("2 mg/cm^2")
    at.selectbox(key="app1_compound").set_value("caffeine")
    at.checkbox(key="sessions").check().run()
    toml = shown_toml(at)
    assert "spf = 50.0" in toml and 'name = "caffeine"' in toml and 'device = "roller-192-0.5mm"' in toml
    expected, _ = assert_page_equals_cli(at, tmp_path)
    assert expected["sun"][0]["spf"] == 50.0 and len(expected["sessions"]) == 3
    # a product left out, the sun without the lattice: the CLI's line beside the sun, and nothing shown
    at.checkbox(key="app0").uncheck().run()
    assert 'name = "retinol"' not in shown_toml(at) and not errors(at)
    at.checkbox(key="tissue").uncheck().run()
    assert len(errors(at)) == 1 and errors(at)[0].startswith("error: protocol.sun: got 'given'; allowed: ")
    assert not at.table and not at.dataframe


@pytest.mark.parametrize("key, value, field, runs", [
    ("duration", "-3 h", "protocol.duration", False),
    ("app0_concentration", "5 %%", "protocol.applications[0].formulation.concentration", False),
    ("session_start", "60 weeks", "protocol.sessions[0].start", True),       # checked when the schedule is expanded
])
def test_protocol_bad_input_gets_the_cli_line_beside_its_field(tmp_path, monkeypatch, key, value, field, runs):
    from dermsim.web import protocol_page, shared

    at = page_test("protocol")
    before = at.text_input(key=key).value
    started = []
    run = shared.run
    monkeypatch.setattr(shared, "run", lambda *args, **kw: started.append(args) or run(*args, **kw))
    at.text_input(key=key).set_value(value).run()
    assert not at.exception
    line = bad_input_line(tmp_path, protocol_page.scenario_data(protocol_page.DEFAULTS | {key: value}), COMMAND)
    assert errors(at) == [line] and line.startswith(f"error: {field}: got ")
    # beside its field: the error is the element right after the input in the inputs column
    nodes = [(getattr(node, "key", None), node.type) for node in at.columns[0]]
    index = next(i for i, (k, _) in enumerate(nodes) if k == key)
    assert nodes[index + 1][1] == "error", nodes
    # nothing run (a schedule is checked by the run, before it computes anything) and nothing shown
    assert len(started) == int(runs) and not at.table and not at.dataframe
    # and the page keeps working
    at.text_input(key=key).set_value(before).run()
    assert not errors(at) and "364 days on the face" in at.text[0].value


def test_bundle_is_what_dermsim_protocol_run_writes(tmp_path):
    """The download bundle: scenario.toml + the output set; `dermsim protocol run scenario.toml` rewrites it byte for
    byte (tables and plots included)."""
    from dermsim.web import protocol_page, shared

    scenario = shared.build(protocol_page.scenario_data({"example": "home_roller_0.25mm_weekly_serum"}))
    data = shared.bundle(scenario, shared.run(scenario))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert {"scenario.toml", "result.nc", "summary.json", "report.md", "sessions.csv", "applications.csv",
            "protocol_course.png", "protocol_epidermis.png", "protocol_session_risk.png"} <= set(files)
    _, out = cli_summary(files.pop("scenario.toml").decode(), tmp_path, plots=True, command=COMMAND)
    assert files == {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
