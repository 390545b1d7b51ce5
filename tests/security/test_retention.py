"""Retention: `qifa purge` (and the daily job) deletes old conversations and erases the personal details of
closed orders past their retention date; a user's "delete my conversation" (DELETE /sessions/{id})."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from api.app import create_app
from assistant.retention import forget
from cli.main import main
from composition import Runtime, purge, run_daily
from db.base import utcnow
from db.models_chat import ChatMessage, ChatSession, Handoff
from db.models_orders import Order, OrderEvent
from orders.retention import ERASED

CODE = "91440300708461136T"
ORDER: dict[str, Any] = {"service_id": "contract-review", "enterprise_name": "浦江晶彩水晶有限公司",
                         "credit_code": CODE, "contact_name": "张三", "phone": "13800138000",
                         "description": "审查一份采购合同", "consent": True}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def count(rt: Runtime, model: Any, *where: Any) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def age(rt: Runtime, sid: str, days: int) -> None:
    """Make a conversation look ``days`` old (its creation and every message)."""
    then = utcnow() - timedelta(days=days)
    with rt.db.session() as s:
        s.execute(update(ChatSession).where(ChatSession.id == sid).values(created_at=then))
        s.execute(update(ChatMessage).where(ChatMessage.session_id == sid).values(created_at=then))


def test_delete_my_conversation(client: TestClient, runtime: Runtime) -> None:
    assert client.get("/api/v1/widget/config").json()["delete_conversation"] is True
    sid = client.post("/api/v1/chat", json={"message": "我要预约合同审查"}).json()["session_id"]
    client.post("/api/v1/chat", json={"message": "浦江晶彩水晶有限公司", "session_id": sid})
    assert runtime.conversations.get(sid).state  # a form is being filled
    order = client.post("/api/v1/orders", json={**ORDER, "session_id": sid}).json()
    client.post("/api/v1/chat", json={"message": "转人工", "session_id": sid})
    other = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]

    r = client.delete(f"/api/v1/sessions/{sid}")
    assert r.status_code == 200 and r.json() == {"ok": True}
    assert count(runtime, ChatMessage, ChatMessage.session_id == sid) == 0
    assert count(runtime, Handoff, Handoff.session_id == sid) == 0
    assert not runtime.conversations.exists(sid)
    assert client.get(f"/api/v1/sessions/{sid}/messages").status_code == 404
    kept = runtime.orders.get(order["id"])
    assert kept is not None and kept.phone == "13800138000" and kept.session_id is None  # the order stays
    assert count(runtime, ChatMessage, ChatMessage.session_id == other) == 2  # another conversation stays
    again = client.delete(f"/api/v1/sessions/{sid}")
    assert again.status_code == 404 and again.json()["error"]["code"] == "unknown_session"


def test_delete_preflight_is_allowed_for_a_registered_site(client: TestClient, runtime: Runtime) -> None:
    runtime.sites.add("县司法局", ["https://sfj.example.gov.cn"])
    r = client.options("/api/v1/sessions/abc", headers={"Origin": "https://sfj.example.gov.cn",
                                                        "Access-Control-Request-Method": "DELETE"})
    assert r.status_code == 204 and "DELETE" in r.headers["Access-Control-Allow-Methods"]


def test_purge_deletes_old_conversations_and_erases_closed_orders(runtime: Runtime, client: TestClient) -> None:
    old = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    waiting = client.post("/api/v1/chat", json={"message": "转人工"}).json()["session_id"]
    fresh = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    age(runtime, old, 200)
    age(runtime, waiting, 200)  # an open hand-off keeps its conversation
    closed = client.post("/api/v1/orders", json=ORDER).json()
    open_order = client.post("/api/v1/orders", json=ORDER).json()
    recent_closed = client.post("/api/v1/orders", json=ORDER).json()
    for o in (closed, recent_closed):
        runtime.orders.change_status(o["id"], "rejected", "王律师", "不属于受理范围，已电话告知张三 13800138000")
    with runtime.db.session() as s:
        s.execute(update(Order).where(Order.id.in_([closed["id"], open_order["id"]]))
                  .values(retain_until=utcnow() - timedelta(days=1)))

    report = purge(runtime.db, runtime.settings)
    assert report.to_json() == {"conversations": 1, "orders": 1}
    assert not runtime.conversations.exists(old)
    assert runtime.conversations.exists(waiting) and runtime.conversations.exists(fresh)
    erased = runtime.orders.get(closed["id"])
    assert erased is not None and erased.phone == "" and erased.credit_code is None
    assert "张三" not in json.dumps(erased.to_json(), ensure_ascii=False)
    assert erased.number == closed["number"] and erased.status == "rejected"  # the record itself stays
    with runtime.db.session() as s:
        reasons = {(e.order_id, e.to_status, e.reason) for e in s.scalars(select(OrderEvent))}
    assert (closed["id"], "rejected", ERASED) in reasons  # the adviser's note quoting the phone is gone
    assert (recent_closed["id"], "rejected", "不属于受理范围，已电话告知张三 13800138000") in reasons  # not yet due
    for kept in (open_order, recent_closed):  # still being handled / not yet due
        info = runtime.orders.get(kept["id"])
        assert info is not None and info.phone == "13800138000"
    assert purge(runtime.db, runtime.settings).to_json() == {"conversations": 0, "orders": 0}  # idempotent


def test_qifa_purge_cli(runtime: Runtime, client: TestClient, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    age(runtime, sid, 40)
    monkeypatch.setenv("QIFA_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("QIFA_CONVERSATION_RETENTION_DAYS", "30")
    assert main(["purge", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"conversations": 1, "orders": 0}
    assert not runtime.conversations.exists(sid)
    assert main(["purge"]) == 0
    assert "deleted 0 conversations" in capsys.readouterr().out


async def test_the_daily_job_purges_and_survives_a_failing_round(runtime: Runtime) -> None:
    sid = runtime.conversations.open(None, "web").id
    runtime.conversations.add(sid, "user", "你好")
    age(runtime, sid, 400)
    task = asyncio.create_task(run_daily(runtime.db, runtime.settings, interval_s=0.05, first_after_s=0))
    try:
        for _ in range(100):
            if not runtime.conversations.exists(sid):
                break
            await asyncio.sleep(0.05)
        assert not runtime.conversations.exists(sid)
        assert not task.done()
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_forget_unknown_session_raises(runtime: Runtime) -> None:
    from assistant.conversations import UnknownSession

    with pytest.raises(UnknownSession):
        forget(runtime.db, "no-such-session")
