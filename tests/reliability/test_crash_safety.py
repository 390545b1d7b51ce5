"""kill -9 of a real ``qifa serve`` while orders and messages arrive over HTTP, and of a real ``qifa ingest``:
after a restart every acknowledged (2xx) order and message is there, and the index has no duplicated or
orphaned chunk."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from server_proc import run_qifa, serve

ORDER: dict[str, Any] = {
    "service_id": "contract-review", "enterprise_name": "浦江晶彩水晶有限公司", "credit_code": "91440300708461136T",
    "contact_name": "张三", "phone": "0579-84123456", "description": "审查一份采购合同", "consent": True,
}
QUESTIONS = ["服务清单", "我要预约合同审查", "你好", "/menu"]


class Traffic:
    """Client threads placing orders and chatting until stopped; remembers every 2xx answer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.orders: list[dict[str, Any]] = []  # acknowledged orders (id, number, session_id)
        self.messages: list[tuple[str, int, str]] = []  # (session_id, bot message id, user text)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.transport_errors = 0

    def order_loop(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as c:
            i = 0
            while not self.stop.is_set():
                i += 1
                body = {**ORDER, "description": f"采购合同 {n}-{i}"}
                try:
                    r = c.post("/api/v1/orders", json=body)
                except httpx.TransportError:
                    with self.lock:
                        self.transport_errors += 1
                    continue
                if r.status_code == 201:
                    with self.lock:
                        self.orders.append(r.json())

    def chat_loop(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as c:
            sid: str | None = None
            i = 0
            while not self.stop.is_set():
                text = f"{QUESTIONS[i % len(QUESTIONS)]} {n}-{i}"
                i += 1
                try:
                    r = c.post("/api/v1/chat", json={"message": text, "session_id": sid})
                except httpx.TransportError:
                    with self.lock:
                        self.transport_errors += 1
                    continue
                if r.status_code == 200:
                    data = r.json()
                    sid = data["session_id"]
                    with self.lock:
                        self.messages.append((sid, data["message_id"], text))


def test_acknowledged_orders_and_messages_survive_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "var"
    with serve(data) as server:
        traffic = Traffic(server.url)
        threads = [threading.Thread(target=traffic.order_loop, args=(n,)) for n in range(3)]
        threads += [threading.Thread(target=traffic.chat_loop, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 120
            while len(traffic.orders) < 15 or len(traffic.messages) < 15:
                assert time.monotonic() < deadline, "too few answers before the kill"
                time.sleep(0.05)
            server.kill9()  # requests are in flight: the client threads never pause
            time.sleep(0.3)
        finally:
            traffic.stop.set()
            for t in threads:
                t.join(timeout=30)
    acked_orders, acked_messages = list(traffic.orders), list(traffic.messages)
    assert traffic.transport_errors > 0  # some requests really were cut off by the kill

    with serve(data) as server, httpx.Client(base_url=server.url, timeout=10) as c:
        for order in acked_orders:
            r = c.get(f"/api/v1/orders/{order['id']}", params={"session_id": order["session_id"]})
            assert r.status_code == 200, order
            assert r.json()["number"] == order["number"] and r.json()["status"] == "submitted"
        by_session: dict[str, list[dict[str, Any]]] = {}
        for sid, message_id, text in acked_messages:
            if sid not in by_session:
                r = c.get(f"/api/v1/sessions/{sid}/messages")
                assert r.status_code == 200
                by_session[sid] = r.json()
            stored = {m["id"]: m for m in by_session[sid]}
            assert message_id in stored and stored[message_id]["role"] == "bot"
            assert any(m["role"] == "user" and m["text"] == text for m in by_session[sid])
        # numbers stay distinct and the server goes on numbering after the crash
        numbers = [o["number"] for o in acked_orders]
        assert len(set(numbers)) == len(numbers)
        after = c.post("/api/v1/orders", json=ORDER)
        assert after.status_code == 201 and after.json()["number"] not in numbers
    with sqlite3.connect(data / "qifa.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # no order half-written: every stored order has its first history event
        bare = conn.execute("SELECT count(*) FROM orders o WHERE NOT EXISTS "
                            "(SELECT 1 FROM order_events e WHERE e.order_id = o.id)").fetchone()[0]
        assert bare == 0


def _many_statutes(root: Path, n: int = 30) -> Path:
    from conftest import cn_number, statute_text

    folder = root / "many"
    folder.mkdir(parents=True)
    for i in range(1, n + 1):
        chapters = {"第一章 总则": [f"为了规范第{i}类企业的经营活动，制定本条例。", f"第{i}类企业应当依法经营。"],
                    "第二章 管理": [f"第{i}类企业应当按时报送第{j + 1}项年度报告。" for j in range(2)]}
        (folder / f"条例{i:02d}.md").write_text(statute_text(f"第{cn_number(i)}类企业管理条例", chapters), "utf-8")
    return folder


def _documents(db_file: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM kb_documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_ingest_killed_by_kill_9_completes_on_rerun_without_duplicate_or_orphan(tmp_path: Path) -> None:
    import subprocess
    import sys

    from server_proc import REPO, qifa_env

    folder = _many_statutes(tmp_path)
    data = tmp_path / "var"
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "ingest", str(folder)], cwd=REPO,
                            env=qifa_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _documents(data / "qifa.db") < 5:
            assert proc.poll() is None, "the ingest ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert 5 <= _documents(data / "qifa.db") < 30

    done = run_qifa(data, "ingest", str(folder))
    assert done.returncode == 0, done.stderr
    assert "0 failed" in done.stdout
    stats = run_qifa(data, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    import json

    figures = json.loads(stats.stdout)
    assert figures["documents"] == 30
    with sqlite3.connect(data / "qifa.db") as conn:
        sql_ids = [r[0] for r in conn.execute("SELECT id FROM kb_chunks")]
    assert len(sql_ids) == len(set(sql_ids)) == figures["chunks"]
    # the vectors in Chroma are exactly the chunk rows: none duplicated, none orphaned, none missing
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(data / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    vector_ids = client.get_collection("qifa_chunks").get(include=[])["ids"]
    assert len(vector_ids) == len(set(vector_ids))
    assert set(vector_ids) == set(sql_ids)
    again = run_qifa(data, "ingest", str(folder))
    assert "0 added, 0 replaced, 30 unchanged, 0 failed" in again.stdout
