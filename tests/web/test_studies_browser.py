"""The "Many skins" page in a real headless Chromium against `dermsim serve`: open it, change the number of
subjects, check the percentiles shown against `dermsim.studies.population.run_population` of the scenario the
page shows (engine "serial", to 1e-12), and save a screenshot (in the test's tmp folder)."""

from __future__ import annotations

import tomllib

import pytest
from playwright.sync_api import expect

from test_browser import ANSWER_TIMEOUT, open_page, toml, type_into, wait_for_change
from webtest_support import close

pytestmark = pytest.mark.browser

COLUMNS = ("p5", "p50", "p95", "mean")


def percentiles(page) -> dict[tuple[str, str], str]:
    """The page's percentile table as shown: (summary key, p5 | p50 | p95 | mean) -> text."""
    table = page.locator(".st-key-percentiles table")
    header = [c.strip() for c in table.locator("thead th").all_inner_texts()]
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = dict(zip(header, [c.strip() for c in row.locator("th, td").all_inner_texts()]))
        for column in COLUMNS:
            rows[(cells["summary.json key"], column)] = cells[column]
    return rows


def test_many_skins_page_in_chromium(page, tmp_path):
    from dermsim.scenario import scenario_from_dict
    from dermsim.studies.population import run_population
    from dermsim.web.shared import dig

    opened = open_page(page, "/many-skins")
    assert "Over 2000 virtual subjects" in page.locator(".st-key-answer").inner_text()
    assert 'engine = "serial"' in page.locator("[data-testid='stCaptionContainer']").first.inner_text()
    before = page.locator(".st-key-percentiles").inner_text()
    type_into(page, "subjects", "800")
    answered = wait_for_change(page, ".st-key-percentiles", before, ANSWER_TIMEOUT)
    # the scenario shown comes after the numbers in the page's script: wait for the end of the run
    expect(page.locator(".st-key-scenario_toml code").first).to_contain_text("subjects = 800",
                                                                             timeout=ANSWER_TIMEOUT * 1000)
    assert "Over 800 virtual subjects" in page.locator(".st-key-answer").inner_text()
    page.screenshot(path=tmp_path / "many-skins.png", full_page=True)
    expected = run_population(scenario_from_dict(tomllib.loads(toml(page))), engine="serial").summary
    shown = percentiles(page)
    assert len(shown) >= 32 and ("systemic_dose_ug", "p95") in shown
    for (key, column), text in shown.items():
        assert close(float(text), dig(expected, f"{key}.{column}")), (key, column, text)
    print(f"many-skins page: opened in {opened:.2f} s, answered a change in {answered:.2f} s")
