"""Fixtures of the adviser console's browser tests: the app on a live server with the adviser wang, and Debian's
Chromium (helpers in tests/console_browser_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import chromium
from console_browser_support import PW
from live_server import live_server

from api.app import create_app
from composition import Runtime


@pytest.fixture
def base_url(runtime: Runtime) -> Iterator[str]:
    """The app on a real server (the page's own scripts poll it), with the adviser wang."""
    runtime.accounts.add("wang", "adviser", PW)
    with live_server(create_app(runtime=runtime)) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b
