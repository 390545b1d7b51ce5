"""``live_server(app)``: the app on a real uvicorn server on a free loopback port, in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any, start_timeout: float = 30, **options: Any) -> Iterator[str]:
    """Yields the base URL; stops the server (and checks it stopped) on the way out. ``options`` go to
    ``uvicorn.Config`` (e.g. those of ``api.server.uvicorn_options``)."""
    port = free_port()
    config = {"log_level": "warning", "ws": "none", "timeout_graceful_shutdown": 3, **options}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **config))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not server.started:
            assert thread.is_alive(), "the server stopped during start-up"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    assert not thread.is_alive(), "the server did not stop"
