"""Hand-offs from the web reach advisers: the queue, claim, reply (stored, listed, pushed over SSE), close;
logins, roles and the login throttle; the overdue flag; a restart in the middle of an open case."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import live_server

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from db.base import utcnow
from db.models_chat import Handoff
from handoffs.desk import CLOSED_NOTICE
from knowledge.embeddings import QifaEmbeddings

PW = "adviser-pass-1"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("wang", "adviser", PW)
    runtime.accounts.add("zhao", "adviser", PW)
    runtime.accounts.add("chen", "curator", PW)
    runtime.accounts.add("root", "admin", PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def auth(client: TestClient, name: str, password: str = PW) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    return {"Authorization": f"Bearer {body['access_token']}"}


def hand_off(client: TestClient) -> tuple[str, int]:
    r = client.post("/api/v1/chat", json={"message": "转人工"})
    assert r.status_code == 200 and r.json()["route"] == "handoff", r.text
    return r.json()["session_id"], r.json()["handoff"]["id"]


def test_handoff_reaches_queue_claim_reply_close(client: TestClient) -> None:
    sid, case_id = hand_off(client)
    wang, zhao = auth(client, "wang"), auth(client, "zhao")
    queue = client.get("/api/v1/handoffs", headers=wang).json()
    assert [(q["id"], q["session_id"], q["status"], q["channel"], q["overdue"]) for q in queue] == [
        (case_id, sid, "open", "web", False)]
    assert {"reason", "created_at", "waiting_minutes"} <= set(queue[0])

    # the bot stays quiet while the case is open: route handoff, no citations, no second acknowledgement
    quiet = client.post("/api/v1/chat", json={"message": "劳动合同试用期最长多久？", "session_id": sid}).json()
    assert quiet["route"] == "handoff" and quiet["citations"] == [] and quiet["reply"].startswith("已转给法律顾问")

    r = client.post(f"/api/v1/handoffs/{case_id}/claim", headers=wang)
    assert r.status_code == 200 and r.json()["status"] == "assigned" and r.json()["assigned_to"] == "wang"
    r = client.post(f"/api/v1/handoffs/{case_id}/claim", headers=zhao)
    assert r.status_code == 409 and "already claimed by wang" in r.json()["error"]["message"]
    assert client.get("/api/v1/handoffs?status=assigned", headers=wang).json()[0]["id"] == case_id

    r = client.post(f"/api/v1/handoffs/{case_id}/reply", headers=wang, json={"text": "您好，我是顾问王，请讲。"})
    assert r.status_code == 201 and r.json()["role"] == "adviser"
    assert client.post(f"/api/v1/handoffs/{case_id}/reply", headers=wang, json={"text": ""}).status_code == 422
    assert client.post(f"/api/v1/handoffs/{case_id}/reply", headers=wang,
                       json={"text": "x" * 4001}).status_code == 422
    messages = client.get(f"/api/v1/sessions/{sid}/messages").json()
    assert [(m["role"], m["author"]) for m in messages][-1] == ("adviser", "wang")

    detail = client.get(f"/api/v1/handoffs/{case_id}", headers=wang).json()
    assert [m["role"] for m in detail["transcript"]] == ["user", "bot", "user", "bot", "adviser"]
    assert "passages" in detail
    assert client.get("/api/v1/handoffs/999", headers=wang).status_code == 404

    r = client.post(f"/api/v1/handoffs/{case_id}/close", headers=wang, json={"note": "已电话联系"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    last = client.get(f"/api/v1/sessions/{sid}/messages").json()[-1]
    assert last["role"] == "system" and last["text"] == CLOSED_NOTICE["zh"]  # the enterprise is told
    r = client.post(f"/api/v1/handoffs/{case_id}/reply", headers=wang, json={"text": "还在吗？"})
    assert r.status_code == 409 and "closed" in r.json()["error"]["message"]
    assert client.get("/api/v1/handoffs", headers=wang).json() == []

    again = client.post("/api/v1/chat", json={"message": "/menu", "session_id": sid}).json()
    assert again["route"] == "menu" and again["reply"]


@pytest.mark.parametrize(("message", "half"), [
    ("有人拿刀堵在公司门口说要杀了我", "涉及人身安全且尚无顾问回复"),
    ("A man with a knife is at our gate and says he will kill me", "about a person's safety and nobody has replied"),
])
def test_closing_an_unanswered_danger_case_needs_the_confirmation(client: TestClient, message: str,
                                                                  half: str) -> None:
    """review20 finding 5, the API's side: the console asks for a tick before closing an open danger case nobody
    has answered; the staff API refused nothing. Without ``confirm_danger: true`` it is now a 422 naming the
    field, in both languages (Chinese first), and the case stays open."""
    first = client.post("/api/v1/chat", json={"message": message}).json()
    assert first["route"] == "handoff" and first["handoff"]["reason"] == "danger", first
    case_id, sid = first["handoff"]["id"], first["session_id"]
    wang = auth(client, "wang")
    for body in (None, {"note": "已电话联系"}, {"confirm_danger": False}, {"confirm_danger": "yes"}):
        r = client.post(f"/api/v1/handoffs/{case_id}/close", headers=wang,
                        **({} if body is None else {"json": body}))
        assert r.status_code == 422, (body, r.text)
        error = r.json()["error"]
        if body != {"confirm_danger": "yes"}:  # a string is not a tick: the schema refuses it first
            assert error["code"] == "danger_unconfirmed" and half in error["message"]
            assert error["message"].index("涉及人身安全") < error["message"].index("person's safety")
            assert error["fields"][0]["field"] == "confirm_danger"
        assert client.get(f"/api/v1/handoffs/{case_id}", headers=wang).json()["status"] == "open"
    assert client.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["role"] != "system"  # nobody was told
    r = client.post(f"/api/v1/handoffs/{case_id}/close", headers=wang,
                    json={"note": "已电话联系，人员安全", "confirm_danger": True})
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["note"] == "已电话联系，人员安全"
    assert client.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["text"] == CLOSED_NOTICE[first["lang"]]


def test_an_answered_danger_case_and_other_cases_close_without_the_confirmation(client: TestClient) -> None:
    wang = auth(client, "wang")
    danger = client.post("/api/v1/chat", json={"message": "有人拿刀堵在公司门口说要杀了我"}).json()["handoff"]["id"]
    assert client.post(f"/api/v1/handoffs/{danger}/reply", headers=wang,
                       json={"text": "请立即拨打 110，我们马上联系您。"}).status_code == 201
    r = client.post(f"/api/v1/handoffs/{danger}/close", headers=wang)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    _, plain = hand_off(client)
    r = client.post(f"/api/v1/handoffs/{plain}/close", headers=wang, json={"confirm_danger": True})
    assert r.status_code == 200 and r.json()["status"] == "closed"  # the tick is ignored where it is not needed
    r = client.post(f"/api/v1/handoffs/{plain}/close", headers=wang, json={"confirm_danger": True})
    assert r.status_code == 409 and r.json()["error"]["fields"][0]["field"] == "case"  # closed already


@pytest.fixture
def server(runtime: Runtime, client: TestClient) -> Iterator[str]:
    with live_server(create_app(runtime=runtime)) as url:
        yield url


def test_reply_arrives_over_sse_within_a_second(client: TestClient, server: str) -> None:
    sid, case_id = hand_off(client)
    wang = auth(client, "wang")
    last = client.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["id"]
    assert httpx.get(f"{server}/api/v1/sessions/nope/events").status_code == 404
    got: list[tuple[str, dict[str, Any], float]] = []
    ready = threading.Event()

    def listen() -> None:
        import json

        with httpx.stream("GET", f"{server}/api/v1/sessions/{sid}/events",
                          headers={"Last-Event-ID": str(last)}, timeout=5) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            event: dict[str, str] = {}
            for line in r.iter_lines():
                ready.set()  # the stream has begun (its first line is the retry interval)
                if line.startswith(("event:", "id:", "data:")):
                    key, _, value = line.partition(":")
                    event[key] = value.strip()
                elif line == "" and "data" in event:
                    got.append((event["id"], json.loads(event["data"]), time.monotonic()))
                    return

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    assert ready.wait(5)
    sent = time.monotonic()
    r = client.post(f"/api/v1/handoffs/{case_id}/reply", headers=wang, json={"text": "顾问已接入。"})
    assert r.status_code == 201
    t.join(3)
    assert got, "no event arrived"
    event_id, message, at = got[0]
    assert event_id == str(r.json()["id"]) and message["role"] == "adviser" and message["text"] == "顾问已接入。"
    assert at - sent < 1.0


def test_anonymous_gets_401_on_every_staff_endpoint(client: TestClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    checked = 0
    for path, ops in paths.items():
        if not path.startswith(("/api/v1/handoffs", "/api/v1/staff")):
            continue
        url = path.replace("{case_id}", "1").replace("{order_id}", "1").replace("{name}", "wang")
        for method in ops:
            r = client.request(method.upper(), url, json={"text": "x", "status": "accepted", "name": "a",
                                                          "role": "adviser", "password": "12345678"})
            assert r.status_code == 401, (method, url, r.text)
            bad = client.request(method.upper(), url, headers={"Authorization": "Bearer not-a-token"})
            assert bad.status_code == 401, (method, url)
            checked += 1
    assert checked >= 10


def test_roles(client: TestClient) -> None:
    wang, chen, root = auth(client, "wang"), auth(client, "chen"), auth(client, "root")
    assert client.get("/api/v1/handoffs", headers=chen).status_code == 403
    assert client.get("/api/v1/staff/orders", headers=chen).status_code == 403
    assert client.get("/api/v1/handoffs", headers=root).status_code == 200
    assert client.get("/api/v1/staff/users", headers=wang).status_code == 403
    assert client.post("/api/v1/staff/users", headers=wang,
                       json={"name": "evil", "role": "admin", "password": "12345678"}).status_code == 403
    assert [u["name"] for u in client.get("/api/v1/staff/users", headers=root).json()] == [
        "chen", "root", "wang", "zhao"]
    r = client.post("/api/v1/staff/users", headers=root, json={"name": "sun", "role": "adviser", "password": "x"})
    assert r.status_code == 422 and "too short" in r.json()["error"]["message"]
    assert client.post("/api/v1/staff/users/zhao/disable", headers=root).json()["active"] is False
    r = client.post("/api/v1/auth/token", data={"username": "zhao", "password": PW})
    assert r.status_code == 401


def test_disabled_user_token_stops_working(client: TestClient, runtime: Runtime) -> None:
    zhao = auth(client, "zhao")
    assert client.get("/api/v1/auth/me", headers=zhao).json()["name"] == "zhao"
    runtime.accounts.disable("zhao")  # type: ignore[union-attr]
    assert client.get("/api/v1/handoffs", headers=zhao).status_code == 401


def test_wrong_password_401_then_429(client: TestClient) -> None:
    for _ in range(5):
        r = client.post("/api/v1/auth/token", data={"username": "wang", "password": "wrong-pass"})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "invalid_credentials"
    r = client.post("/api/v1/auth/token", data={"username": "wang", "password": PW})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert client.post("/api/v1/auth/token", data={"username": "nobody", "password": PW}).status_code == 401
    auth(client, "zhao")  # other users are not locked out


def test_overdue_flag(client: TestClient, runtime: Runtime) -> None:
    _, old = hand_off(client)
    _, new = hand_off(client)
    with runtime.db.session() as s:
        h = s.get(Handoff, old)
        assert h is not None
        h.created_at = utcnow() - timedelta(days=30)
    queue = client.get("/api/v1/handoffs", headers=auth(client, "wang")).json()
    assert [(q["id"], q["overdue"]) for q in queue] == [(old, True), (new, False)]
    assert queue[0]["waiting_minutes"] >= 30 * 24 * 60


def test_staff_orders(client: TestClient) -> None:
    wang = auth(client, "wang")
    svc = client.get("/api/v1/services").json()[0]
    order = client.post("/api/v1/orders", json={
        "service_id": svc["id"], "enterprise_name": "义乌测试有限公司", "credit_code": "91440300708461136T",
        "contact_name": "张三", "phone": "13800138000", "description": "想咨询劳动合同", "consent": True})
    assert order.status_code == 201, f"cannot place an order for {svc['id']}: {order.text}"
    oid = order.json()["id"]
    listed = client.get("/api/v1/staff/orders?status=submitted", headers=wang).json()
    assert [o["id"] for o in listed] == [oid] and "accepted" in listed[0]["next"]
    assert client.get("/api/v1/staff/orders?status=bogus", headers=wang).status_code == 422
    r = client.post(f"/api/v1/staff/orders/{oid}/status", headers=wang, json={"status": "completed"})
    assert r.status_code == 409
    r = client.post(f"/api/v1/staff/orders/{oid}/status", headers=wang, json={"status": "accepted"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert client.get(f"/api/v1/staff/orders/{oid}", headers=wang).json()["history"][-1]["actor"] == "wang"
    assert client.get("/api/v1/staff/orders/999", headers=wang).status_code == 404


def test_restart_in_the_middle_of_an_open_case(settings: Settings, embeddings: QifaEmbeddings) -> None:
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    rt.accounts.add("wang", "adviser", PW)
    with TestClient(create_app(runtime=rt)) as c:
        sid, case_id = hand_off(c)
    rt.close()
    rt2 = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        with TestClient(create_app(runtime=rt2)) as c:
            wang = auth(c, "wang")
            detail = c.get(f"/api/v1/handoffs/{case_id}", headers=wang).json()
            assert detail["status"] == "open" and [m["role"] for m in detail["transcript"]] == ["user", "bot"]
            r = c.post(f"/api/v1/handoffs/{case_id}/reply", headers=wang, json={"text": "重启后仍可回复。"})
            assert r.status_code == 201
            assert c.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["text"] == "重启后仍可回复。"
    finally:
        rt2.close()
