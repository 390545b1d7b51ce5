"""One session's messages are handled one at a time, even when requests arrive together over real HTTP."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from live_server import live_server

from api.app import create_app
from assistant.serial import SessionLocks
from composition import Runtime


def _together(n: int, send: object) -> list[httpx.Response]:
    """Runs ``send(i)`` in ``n`` threads released at the same instant; returns the responses in order of i."""
    barrier = threading.Barrier(n)
    out: list[httpx.Response | None] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        out[i] = send(i)  # type: ignore[operator]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r is not None for r in out)
    return [r for r in out if r is not None]


@pytest.fixture
def base_url(runtime: Runtime) -> object:
    with live_server(create_app(runtime=runtime)) as url:
        yield url


def test_two_complaints_at_once_both_count(base_url: str, runtime: Runtime) -> None:
    """The second "不满意" must see the first one's count, so the pair hands the session to an adviser."""
    for _ in range(3):
        with httpx.Client(base_url=base_url, timeout=30) as c:
            sid = c.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
            replies = _together(2, lambda i, c=c, sid=sid: c.post(
                "/api/v1/chat", json={"message": "不满意", "session_id": sid}))
        assert [r.status_code for r in replies] == [200, 200]
        routes = sorted(r.json()["route"] for r in replies)
        assert routes == ["fallback", "handoff"], routes  # without the lock both read 0: two fallbacks
        assert runtime.handoffs.active(sid) is not None


def test_many_messages_at_once_are_stored_in_pairs(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as c:
        sid = c.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
        texts = [f"服务清单 {i}" for i in range(12)]
        replies = _together(12, lambda i: c.post("/api/v1/chat", json={"message": texts[i], "session_id": sid}))
        assert all(r.status_code == 200 for r in replies)
        stored = c.get(f"/api/v1/sessions/{sid}/messages").json()
    assert [m["role"] for m in stored] == ["user", "bot"] * 13  # strictly alternating: never interleaved
    position = {m["id"]: i for i, m in enumerate(stored)}
    for text, reply in zip(texts, replies, strict=True):
        i = position[reply.json()["message_id"]]
        assert stored[i - 1]["role"] == "user" and stored[i - 1]["text"] == text  # each reply right after its own


def test_the_lock_serialises_one_key_and_not_others() -> None:
    locks = SessionLocks()
    inside: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}
    both = threading.Event()
    guard = threading.Lock()

    def work(key: str) -> None:
        with locks.hold(key):
            with guard:
                inside[key] += 1
                most[key] = max(most[key], inside[key])
                if inside["a"] and inside["b"]:
                    both.set()
            time.sleep(0.02)
            with guard:
                inside[key] -= 1

    threads = [threading.Thread(target=work, args=("ab"[i % 2],)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == {"a": 1, "b": 1}
    assert both.is_set()  # two sessions do run at the same time
    assert len(locks) == 0  # nothing kept once nobody waits


def test_the_store_lock_on_postgresql_spans_processes(tmp_path: Path) -> None:
    """Two Database objects (as two processes would have) on one PostgreSQL: the second waits."""
    import os

    url = os.environ.get("QIFA_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("QIFA_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    from db import Database

    one, two = Database(url), Database(url)
    order: list[str] = []
    try:
        def second() -> None:
            with two.exclusive("qifa-session:x"):
                order.append("two")

        with one.exclusive("qifa-session:x"):
            t = threading.Thread(target=second)
            t.start()
            time.sleep(0.5)
            order.append("one done")
        t.join(timeout=10)
        assert order == ["one done", "two"]
    finally:
        one.dispose()
        two.dispose()


def test_at_most_the_configured_number_of_messages_are_handled_at_once(tmp_path: Path, embeddings) -> None:
    """QIFA_MAX_CONCURRENT_MESSAGES: the rest wait their turn (here 2 of 6 sessions at a time)."""
    from composition import build_runtime
    from config import Settings

    rt = build_runtime(Settings(data_dir=tmp_path / "var", max_concurrent_messages=2), shipped=False,
                       embeddings=embeddings)
    inside, most = [0], [0]
    guard = threading.Lock()
    real = rt.assistant._dispatch

    def counting(*args: object, **kw: object) -> object:
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        try:
            return real(*args, **kw)  # type: ignore[arg-type]
        finally:
            with guard:
                inside[0] -= 1

    rt.assistant._dispatch = counting  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=rt.assistant.handle, args=(None, "服务清单")) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert most[0] == 2
    finally:
        rt.close()
