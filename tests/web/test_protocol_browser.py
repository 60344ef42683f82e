"""The "Treatment protocol" page in a real headless Chromium against `dermsim serve`: open it on the 12-month
acne-scar course, change the passes, check the numbers shown against `dermsim.simulate` of the scenario the page shows
(to 1e-12), see the risk of each session and the basal-layer peaks shown, download the bundle and compare it with
what `dermsim protocol run` writes, and save a screenshot (in the test's tmp folder)."""

from __future__ import annotations

import io
import zipfile

import pytest

from test_browser import change_and_check, open_page, toml
from webtest_support import cli_summary

pytestmark = pytest.mark.browser


def test_protocol_page_in_chromium(page, tmp_path):
    opened = open_page(page, "/protocol")
    assert "364 days on the face; 6 microneedle session(s)" in page.locator(".st-key-answer").inner_text()
    answered = change_and_check(page, tmp_path, "protocol", "passes", "4", "passes = 4")
    # the risk of each session and the peak of every application: data grids (drawn on a canvas; their cells are
    # checked under AppTest)
    for key in ("session_risks", "application_peaks"):
        assert page.locator(f".st-key-{key} [data-testid='stDataFrame']").count() == 1, key
    # the bundle is what `dermsim protocol run` writes for the scenario shown
    _, out = cli_summary(toml(page), tmp_path / "cli", plots=True, command=("protocol", "run"))
    with page.expect_download() as download:
        page.locator(".st-key-bundle button").click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert files.pop("scenario.toml").decode().strip() == toml(page).strip()
    assert files == {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    print(f"protocol page: opened in {opened:.2f} s, answered a change in {answered:.2f} s")
