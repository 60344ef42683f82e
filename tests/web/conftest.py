"""Fixtures of the browser tests: `dermsim serve` on a free 127.0.0.1 port, and Debian's Chromium driven by
Playwright (its own browser download cannot run here: `executable_path` is the system's chromium).

A missing chromium FAILS these tests (the Makefile's install step installs it); they are never skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = "/usr/bin/chromium"
#: Flags for this machine's closed network (no background connections, no QUIC, no updates) and root's sandbox.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`dermsim serve --port <free>` as a user starts it; its URL. Stopped (by its pid) at the end."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "dermsim.cli", "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path_factory.mktemp("cwd"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dermsim serve exited with {proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dermsim serve did not answer in {SERVER_START_TIMEOUT} s: {log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Chromium (Debian's package) with a new empty profile; one per test session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's chromium package "
                    "(`make test` installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1800}, accept_downloads=True)
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser, server):
    tab = browser.new_page()
    tab.server = server
    try:
        yield tab
    finally:
        tab.close()

