"""Server mode: a real ``qifa serve --workers 2`` on loopback, over a real PostgreSQL (a throw-away database on
QIFA_TEST_POSTGRES_URL, which .ci/run starts) and a real Chroma server (``chroma run``, started here), with the
Telegram Bot API emulator. Which worker answered a request is read from the JSON log (``pid``, found by the
response's ``X-Request-ID``); a keep-alive connection stays on its worker, so a test can hold one connection per
worker. Skipped without PostgreSQL or without the ``chroma`` command; the refusals need neither."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import free_port
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bot"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from emulator import BotApiEmulator
from postgres_support import ADMIN_URL, fresh_database
from server_proc import REPO, qifa_env

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
needs_servers = pytest.mark.skipif(not ADMIN_URL or not CHROMA,
                                   reason="needs QIFA_TEST_POSTGRES_URL (.ci/run starts PostgreSQL) and `chroma`")
PASSWORD = "workers-pass-1"
USER_CHAT = 424242
ADVISERS = -100777
STEP_S = 30.0


def qifa(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


# ---- refusals (no server needed: they come before anything is opened) -------------------------------------------
def test_several_workers_without_a_chroma_server_are_refused(tmp_path: Path) -> None:
    done = qifa(["serve", "--workers", "2"], qifa_env(tmp_path / "var"))
    assert done.returncode == 2
    assert "QIFA_CHROMA_URL" in done.stderr and "Chroma 服务器" in done.stderr and "not safe" in done.stderr
    assert not (tmp_path / "var").exists()  # refused before the data dir was touched


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    done = qifa(["serve", "--workers", "3"], qifa_env(tmp_path / "var", QIFA_CHROMA_URL="http://127.0.0.1:9"))
    assert done.returncode == 2
    assert "QIFA_DATABASE_URL" in done.stderr and "PostgreSQL" in done.stderr and "SQLite" in done.stderr


def test_a_number_of_workers_out_of_range_is_refused(tmp_path: Path) -> None:
    done = qifa(["serve", "--workers", "0"], qifa_env(tmp_path / "var"))
    assert done.returncode == 2 and "--workers" in done.stderr and "之间" in done.stderr


# ---- the real thing ----------------------------------------------------------------------------------------------
class Workers:
    """The running ``qifa serve --workers 2`` and its JSON log."""

    def __init__(self, url: str, log: Path, env: dict[str, str]) -> None:
        self.url, self.log, self.env = url, log, env

    def records(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out

    def pid_of(self, request_id: str, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in self.records():
                if r.get("request_id") == request_id and r.get("logger") == "qifa.access":
                    return int(r["pid"])
            time.sleep(0.05)
        raise AssertionError(f"no access log line for request {request_id}")

    def client_per_worker(self, workers: int = 2, tries: int = 60) -> dict[int, httpx.Client]:
        """One keep-alive connection held on each worker (new connections until each worker has one)."""
        found: dict[int, httpx.Client] = {}
        for _ in range(tries):
            client = httpx.Client(base_url=self.url, timeout=STEP_S, limits=httpx.Limits(max_connections=1))
            pid = self.pid_of(client.get("/healthz").headers["X-Request-ID"])
            if pid in found:
                client.close()
            else:
                found[pid] = client
            if len(found) == workers:
                return found
        raise AssertionError(f"connections reached {len(found)} worker(s) only")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with fresh_database("qifa_workers") as url:
        yield url


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert CHROMA is not None
    folder = tmp_path_factory.mktemp("chroma")
    port = free_port()
    with (folder / "chroma.log").open("wb") as out:
        proc = subprocess.Popen([CHROMA, "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (folder / "chroma.log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the Chroma server did not start"
            try:
                if httpx.get(url + "/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def emulator() -> Iterator[BotApiEmulator]:
    emu = BotApiEmulator().start()
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory, database_url: str, chroma_url: str,
            emulator: BotApiEmulator) -> Iterator[Workers]:
    root = tmp_path_factory.mktemp("workers")
    env = qifa_env(root / "var", QIFA_DATABASE_URL=database_url, QIFA_CHROMA_URL=chroma_url,
                   QIFA_LOG_FORMAT="json", QIFA_MAX_STREAMS_PER_IP="50",
                   QIFA_SECRET_KEY="workers-test-secret-key-0123456789abcdef0123456789",
                   QIFA_TELEGRAM_TOKEN=emulator.token, QIFA_TELEGRAM_API_BASE=emulator.base,
                   QIFA_TELEGRAM_ADVISERS_CHAT=str(ADVISERS))
    port = free_port()
    log = root / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--workers", "2", "--port", str(port)],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Workers(f"http://127.0.0.1:{port}", log, env)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, f"qifa serve exited: {log.read_text(errors='replace')[-3000:]}"
            assert time.monotonic() < deadline, "qifa serve --workers 2 did not start"
            started = [r for r in server.records() if "Application startup complete" in str(r.get("message"))]
            if len(started) == 2:
                break
            time.sleep(0.3)
        added = qifa(["users", "add", "wang", "--role", "adviser", "--password-stdin"], env, stdin=PASSWORD)
        assert added.returncode == 0, added.stderr
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]


def token(client: httpx.Client) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": "wang", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@needs_servers
def test_start_up_work_ran_once_and_one_worker_leads(workers: Workers) -> None:
    records = workers.records()
    pids = {r["pid"] for r in records if "Application startup complete" in str(r.get("message"))}
    assert len(pids) == 2
    leaders = [r for r in records if r.get("logger") == "qifa.leader"]
    deadline = time.monotonic() + 15
    while not leaders and time.monotonic() < deadline:
        time.sleep(0.2)
        leaders = [r for r in workers.records() if r.get("logger") == "qifa.leader"]
    assert len(leaders) == 1 and leaders[0]["pid"] in pids  # one worker polls Telegram and purges
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from db.engine import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(workers.env["QIFA_DATABASE_URL"])
    with engine.connect() as conn:  # migrated to the head once, before the workers started
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
            ScriptDirectory.from_config(cfg).get_current_head()
    engine.dispose()


@needs_servers
def test_one_conversation_goes_through_both_workers(workers: Workers) -> None:
    clients = workers.client_per_worker()
    try:
        (pid_a, a), (pid_b, b) = clients.items()
        first = a.post("/api/v1/chat", json={"message": "你好"})
        assert first.status_code == 200 and first.json()["route"] == "menu"
        assert workers.pid_of(first.headers["X-Request-ID"]) == pid_a
        sid = first.json()["session_id"]
        second = b.post("/api/v1/chat", json={"message": "合同违约怎么办？", "session_id": sid})
        assert second.status_code == 200 and second.json()["session_id"] == sid
        assert workers.pid_of(second.headers["X-Request-ID"]) == pid_b
        roles = [m["role"] for m in a.get(f"/api/v1/sessions/{sid}/messages").json()]
        assert roles == ["user", "bot", "user", "bot"]  # what worker B stored, worker A reads
    finally:
        for c in clients.values():
            c.close()


@needs_servers
def test_an_adviser_reply_stored_by_one_worker_reaches_a_stream_held_by_the_other(workers: Workers) -> None:
    clients = workers.client_per_worker()
    try:
        (_pid_a, a), (_pid_b, b) = clients.items()
        opened = a.post("/api/v1/chat", json={"message": "转人工"}).json()
        assert opened["route"] == "handoff"
        sid, case = opened["session_id"], opened["handoff"]["id"]
        last = a.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["id"]
        got: list[dict[str, Any]] = []

        def listen() -> None:  # the stream on worker B's connection
            with b.stream("GET", f"/api/v1/sessions/{sid}/events", params={"after": last}) as r:
                assert r.status_code == 200
                for line in r.iter_lines():
                    if line.startswith("data:"):
                        got.append(json.loads(line[5:]))
                        return

        t = threading.Thread(target=listen, daemon=True)
        t.start()
        time.sleep(0.5)  # the stream is open on worker B
        r = a.post(f"/api/v1/handoffs/{case}/reply", json={"text": "您好，我是王律师。"}, headers=token(a))
        assert r.status_code == 201, r.text
        t.join(timeout=STEP_S)
        assert got and got[0]["role"] == "adviser" and got[0]["text"] == "您好，我是王律师。"
    finally:
        for c in clients.values():
            c.close()


@needs_servers
def test_each_telegram_post_happens_once_with_two_workers(workers: Workers, emulator: BotApiEmulator) -> None:
    emulator.send_text(USER_CHAT, "转人工")
    with httpx.Client(base_url=workers.url, timeout=STEP_S) as c:
        auth = token(c)
        deadline = time.monotonic() + STEP_S
        cases: list[dict[str, Any]] = []
        while not cases and time.monotonic() < deadline:
            time.sleep(0.2)
            cases = [k for k in c.get("/api/v1/handoffs", headers=auth).json() if k["channel"] == "telegram"]
        [case] = cases

        def posts() -> list[str]:
            return [m["text"] for m in emulator.sent(ADVISERS) if f"#{case['id']}" in m["text"]]

        deadline = time.monotonic() + STEP_S
        while not posts() and time.monotonic() < deadline:
            time.sleep(0.1)
        r = c.post(f"/api/v1/handoffs/{case['id']}/reply", json={"text": "请把合同发给我看看。"}, headers=auth)
        assert r.status_code == 201, r.text

    def replies() -> list[dict[str, Any]]:
        return [m for m in emulator.sent(USER_CHAT) if "请把合同发给我看看" in m["text"]]

    deadline = time.monotonic() + STEP_S
    while not replies() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3.0)  # both workers' delivery loops ran several rounds since
    assert len(replies()) == 1  # the adviser's reply reached the user once
    assert len(posts()) == 1  # the case was posted to the advisers' group once
    numbers = [m["text"].split("#", 1)[1].split()[0] for m in emulator.sent(ADVISERS) if "#" in m["text"]]
    assert len(numbers) == len(set(numbers))  # every case (the web ones too) posted once
    assert emulator.calls_of("getUpdates")  # the leading worker polls
