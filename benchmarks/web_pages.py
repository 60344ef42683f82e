"""How fast the web pages answer (#15 item 4): `dermsim serve` in headless Chromium, and the pages' own script
time under Streamlit's AppTest.

Browser: the time from pressing Enter in an input to the new numbers on the page (websocket round trip, the page
script, `dermsim.simulate` when the scenario is new, and drawing), for changes that are NOT cached (each change is
a scenario not run before) and for changes back to one that is. AppTest: the page script's own time for the
same kinds of change (no browser). Prints medians and maxima; needs Debian's chromium (`make test` installs it).

    .venv/bin/python benchmarks/web_pages.py            # ~1-2 min
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: (page path, input key, values typed one after another: new scenarios, then the first again (cached)).
CHANGES = [("/", "concentration", ["1 %", "2 %", "3 %", "4 %", "6 %", "7 %", "1 %"]),
           ("/", "duration", ["12 h", "36 h", "48 h", "12 h"]),
           ("/microneedle", "passes", ["2", "3", "5", "2"]),
           ("/renewal", "tissue_seed", ["1", "2", "3", "1"]),
           ("/many-skins", "subjects", ["1000", "1500", "3000", "1000"]),
           ("/protocol", "passes", ["5", "6", "8", "5"])]


def serve() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "dermsim.cli", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("dermsim serve did not start")


def browser_times(url: str) -> list[tuple[str, str, float, float, bool]]:
    """(page, input, seconds to open the page, seconds to the new numbers, cached) per change."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium", headless=True,
                                                       args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1400})
        page = context.new_page()
        for path, key, values in CHANGES:
            start = time.monotonic()
            page.goto(url + path)
            page.locator(".st-key-numbers table").wait_for(timeout=120_000)
            opened = time.monotonic() - start
            seen = set()
            for value in values:
                before = page.locator(".st-key-numbers").inner_text()
                field = page.locator(f".st-key-{key} input")
                field.fill(value)
                start = time.monotonic()
                field.press("Enter")
                while page.locator(".st-key-numbers").count() == 0 or \
                        page.locator(".st-key-numbers").inner_text() == before:
                    page.wait_for_timeout(10)
                rows.append((path, key, opened, time.monotonic() - start, value in seen))
                seen.add(value)
        context.close()
    return rows


def apptest_times() -> list[tuple[str, str, float, bool]]:
    """(page, input, seconds of the page script after the change, cached) per change, without a browser."""
    from streamlit.testing.v1 import AppTest

    from dermsim.web import PAGES

    modules = {"/": PAGES["permeation"][0], "/microneedle": PAGES["microneedle"][0], "/renewal": PAGES["renewal"][0],
               "/many-skins": PAGES["many-skins"][0], "/protocol": PAGES["protocol"][0]}
    rows = []
    for path, key, values in CHANGES:
        at = AppTest.from_string(f"import importlib\nimportlib.import_module({modules[path]!r}).render()",
                                 default_timeout=300).run()
        seen = set()
        for value in values:
            widget = at.number_input(key=key) if key == "passes" else at.text_input(key=key)
            widget.set_value(int(value) if key == "passes" else value)
            start = time.monotonic()
            at.run()
            rows.append((path, key, time.monotonic() - start, value in seen))
            seen.add(value)
    return rows


def summarise(label: str, times: list[float]) -> str:
    return f"{label:48s} n={len(times):2d}  median {statistics.median(times):6.3f} s  max {max(times):6.3f} s"


def main() -> None:
    proc, url = serve()
    try:
        rows = browser_times(url)
    finally:
        proc.terminate()
        proc.wait()
    print("browser (Debian chromium, headless): Enter -> new numbers on the page")
    for path, key, *_ in CHANGES:
        mine = [r for r in rows if r[0] == path and r[1] == key]
        print(f"  {path:13s} opened in {mine[0][2]:.2f} s")
        print("  " + summarise(f"{path} {key}: new scenario", [r[3] for r in mine if not r[4]]))
        print("  " + summarise(f"{path} {key}: cached", [r[3] for r in mine if r[4]]))
    rows = apptest_times()
    print("AppTest (page script only, no browser)")
    for path, key, _ in CHANGES:
        mine = [r for r in rows if r[0] == path and r[1] == key]
        print("  " + summarise(f"{path} {key}: new scenario", [r[2] for r in mine if not r[3]]))
        print("  " + summarise(f"{path} {key}: cached", [r[2] for r in mine if r[3]]))


if __name__ == "__main__":
    main()
