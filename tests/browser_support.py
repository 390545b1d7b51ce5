"""``chromium()``: Debian's Chromium driven by Playwright, headless, offline (no browser is downloaded).

A missing Chromium fails the test in CI (``make test`` installs it) and skips it on a developer's machine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it (make browser)")
        pytest.skip("Debian's chromium is not installed (run `make browser`)")


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched browser, closed on the way out."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
