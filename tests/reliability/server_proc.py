"""A real ``qifa serve`` in a subprocess on a free loopback port, and ``qifa`` CLI runs, for crash tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from live_server import free_port

REPO = Path(__file__).resolve().parents[2]


def qifa_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_") or k == "QIFA_TEST_POSTGRES_URL"}
    env.update({"QIFA_DATA_DIR": str(data_dir), "QIFA_SHIPPED_KNOWLEDGE": "false", "QIFA_SHIPPED_PACKS": "none",
                "PYTHONPATH": str(REPO),
                # many requests from one test client: rate limits off (tests/security tests them)
                "QIFA_RATE_LIMIT_PER_IP": "0", "QIFA_RATE_LIMIT_PER_SESSION": "0"})
    env.update(extra)
    return env


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL


@contextmanager
def serve(data_dir: Path, start_timeout: float = 120, **extra: str) -> Iterator[Server]:
    """Starts ``python -m cli.main serve``; waits for /healthz; stops it (SIGTERM, else SIGKILL) on exit."""
    port = free_port()
    log = data_dir.parent / f"serve-{port}.log"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], cwd=REPO,
                                env=qifa_env(data_dir, **extra), stdout=out, stderr=subprocess.STDOUT)
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            assert proc.poll() is None, f"qifa serve exited: {log.read_text(errors='replace')[-3000:]}"
            assert time.monotonic() < deadline, "qifa serve did not start"
            try:
                if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_qifa(data_dir: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=qifa_env(data_dir, **extra),
                          capture_output=True, text=True, timeout=timeout)
