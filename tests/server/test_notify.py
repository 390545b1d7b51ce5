"""PostgreSQL NOTIFY for new chat messages: the LISTEN thread hears a committed message (and not a rolled-back
one), and an event stream wakes on it instead of waiting for its fallback poll. A throw-away database on
QIFA_TEST_POSTGRES_URL (.ci/run starts PostgreSQL); skipped without it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import live_server
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database

from api.app import create_app
from api.routers import events
from assistant.conversations import Conversations
from composition import build_runtime
from config import Settings
from db import open_database
from db.models_chat import ChatMessage
from db.notify import MessageListener
from knowledge.embeddings import QifaEmbeddings

pytestmark = pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_database("qifa_notify") as url:
        yield url


def wait_for(check: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_the_listener_hears_committed_messages_only(tmp_path: Path, database_url: str) -> None:
    db = open_database(Settings(data_dir=tmp_path / "var", database_url=database_url))
    heard: list[str] = []
    listener = MessageListener(db.url, heard.append).start()
    try:
        assert listener.listening.wait(10)
        convs = Conversations(db)
        kept, dropped = convs.open(None, "web").id, convs.open(None, "web").id
        with pytest.raises(RuntimeError), db.session() as s:
            s.add(ChatMessage(session_id=dropped, role="user", text="不会提交"))
            s.flush()
            raise RuntimeError("roll back")
        convs.add(kept, "adviser", "您好", author="王律师")
        assert wait_for(lambda: kept in heard)
        time.sleep(0.3)
        assert dropped not in heard
    finally:
        listener.stop()
        db.dispose()


def test_a_stream_wakes_on_notify_not_on_its_fallback_poll(tmp_path: Path, database_url: str,
                                                           embeddings: QifaEmbeddings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "FALLBACK_S", 60.0)  # only a notification can wake the stream in time
    settings = Settings(_env_file=None, data_dir=tmp_path / "var", database_url=database_url, shipped_packs="none",
                        shipped_knowledge=False, rate_limit_per_ip=0, rate_limit_per_session=0)
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        with live_server(create_app(runtime=rt)) as url, httpx.Client(base_url=url, timeout=30) as client:
            opened = client.post("/api/v1/chat", json={"message": "转人工"}).json()
            assert opened["route"] == "handoff"
            sid, case = opened["session_id"], opened["handoff"]["id"]
            last = client.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["id"]
            got: list[dict[str, Any]] = []

            def listen() -> None:
                with httpx.stream("GET", f"{url}/api/v1/sessions/{sid}/events", params={"after": last},
                                  timeout=30) as r:
                    for line in r.iter_lines():
                        if line.startswith("data:"):
                            got.append(json.loads(line[5:]))
                            return

            t = threading.Thread(target=listen, daemon=True)
            t.start()
            time.sleep(1.0)  # the stream has read the store once and now waits
            started = time.monotonic()
            rt.advisers.reply(case, "王律师", "我来帮您看看。")  # stored as another worker would store it
            t.join(timeout=20)
            assert got and got[0]["text"] == "我来帮您看看。" and got[0]["role"] == "adviser"
            assert time.monotonic() - started < 20  # far under the 60 s fallback
    finally:
        rt.close()
