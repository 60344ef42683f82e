"""Each page in a real headless Chromium against `dermsim serve`: load it, change an input, check the answer
against dermsim's own run of the scenario the page shows, and save a screenshot (in the test's tmp folder)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from webtest_support import check_numbers, cli_summary

pytestmark = pytest.mark.browser

#: How long a page may take to answer after a change in these tests (generous: 2 shared cores; the ≤ 1 s
#: permeation figure is measured by benchmarks/web_pages.py, not asserted here).
ANSWER_TIMEOUT = 60


def numbers(page) -> dict[str, str]:
    """The page's numbers table as shown: summary key -> text."""
    rows = {}
    for row in page.locator(".st-key-numbers table tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows[cells[-1]] = cells[1]
    return rows


def toml(page, containing: str | None = None) -> str:
    """The scenario TOML the page shows; with ``containing``, once it shows that text (the TOML is drawn after the
    numbers, so a test that reads it right after the numbers change must wait for it)."""
    locator = page.locator(".st-key-scenario_toml code").first
    if containing is not None:
        from playwright.sync_api import expect

        expect(locator).to_contain_text(containing, timeout=ANSWER_TIMEOUT * 1000)
    return locator.text_content()


def wait_for_change(page, selector: str, old: str, timeout: float = ANSWER_TIMEOUT) -> float:
    """Seconds until the text of ``selector`` differs from ``old`` (and the app is idle)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        locator = page.locator(selector)
        if locator.count() and locator.first.inner_text() != old:
            break
        page.wait_for_timeout(25)
    else:
        pytest.fail(f"{selector} did not change within {timeout} s")
    elapsed = time.monotonic() - start
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=timeout * 1000)
    return elapsed


def open_page(page, path: str) -> float:
    start = time.monotonic()
    page.goto(page.server + path)
    page.locator(".st-key-numbers table").wait_for(timeout=ANSWER_TIMEOUT * 1000)
    return time.monotonic() - start


def type_into(page, key: str, text: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(text)
    field.press("Enter")


def test_permeation_page_in_chromium(page, tmp_path):
    opened = open_page(page, "/")
    assert "niacinamide on face" in page.locator(".st-key-answer").inner_text()
    before = page.locator(".st-key-numbers").inner_text()
    type_into(page, "concentration", "1 %")
    answered = wait_for_change(page, ".st-key-numbers", before)
    assert 'concentration = "1 %"' in toml(page, containing='concentration = "1 %"')
    page.screenshot(path=tmp_path / "permeation.png", full_page=True)
    # the numbers shown are those of `dermsim run` of the scenario shown, and the bundle is what it writes
    expected, out = cli_summary(toml(page), tmp_path / "cli", plots=True)
    check_numbers(numbers(page), expected)
    with page.expect_download() as download:
        page.locator(".st-key-bundle button").click()
    data = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert files.pop("scenario.toml").decode().strip() == toml(page).strip()
    assert files == {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    # a bad input: the CLI's one line beside the field, and the page keeps working
    type_into(page, "concentration", "5 %%")
    alert = page.locator(".st-key-concentration + div [data-testid='stAlert'], "
                         ".st-key-concentration ~ div [data-testid='stAlert']").first
    alert.wait_for(timeout=ANSWER_TIMEOUT * 1000)
    assert alert.inner_text().strip().startswith("error: formulation.concentration: got '5 %%'; allowed: ")
    type_into(page, "concentration", "2 %")
    page.locator("[data-testid='stAlert']").first.wait_for(state="detached", timeout=ANSWER_TIMEOUT * 1000)
    page.locator(".st-key-numbers table").wait_for()
    assert 'concentration = "2 %"' in toml(page, containing='concentration = "2 %"')
    print(f"permeation page: opened in {opened:.2f} s, answered a change in {answered:.2f} s")


def change_and_check(page, tmp_path, name: str, key: str, text: str, shown: str) -> float:
    """Type ``text`` into the input ``key``, wait for the new numbers, save a screenshot, and check the numbers
    against `dermsim.simulate` of the scenario the page shows once its TOML shows ``shown``; seconds to the new
    numbers."""
    import tomllib

    from dermsim import simulate
    from dermsim.scenario import scenario_from_dict

    before = page.locator(".st-key-numbers").inner_text()
    type_into(page, key, text)
    answered = wait_for_change(page, ".st-key-numbers", before)
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    check_numbers(numbers(page), simulate(scenario_from_dict(tomllib.loads(toml(page, containing=shown)))).summary)
    return answered


def test_microneedle_page_in_chromium(page, tmp_path):
    opened = open_page(page, "/microneedle")
    assert "roller-192-0.25mm (4 pass(es))" in page.locator(".st-key-answer").inner_text()
    answered = change_and_check(page, tmp_path, "microneedle", "passes", "2", "passes = 2")
    assert "2 × 300 cm²" in page.locator(".st-key-plan").inner_text()
    assert "infection index" in page.locator(".st-key-risks").inner_text()
    print(f"microneedle page: opened in {opened:.2f} s, answered a change in {answered:.2f} s")


def test_renewal_page_in_chromium(page, tmp_path):
    opened = open_page(page, "/renewal")
    before = page.locator(".st-key-answer").inner_text()
    assert "human-interfollicular" in before
    page.get_by_text("labelled clones").click()
    wait_for_change(page, ".st-key-answer", before)
    answered = change_and_check(page, tmp_path, "renewal", "clones", "5000", "clones = 5000")
    assert "5000 clones" in page.locator(".st-key-answer").inner_text()
    print(f"renewal page: opened in {opened:.2f} s, answered a change in {answered:.2f} s")
