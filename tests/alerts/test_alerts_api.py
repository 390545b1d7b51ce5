"""Compliance alerts through the HTTP API: topics, a session's subscriptions (see, change, unsubscribe all),
notices for curators (roles, bad input with nothing written, the audit log), the web delivery (a message of the
session, once), the conversation's own rule (/subscribe, 订阅, 取消订阅, the notice's "ask about it"), the
retention purge, and a document tagged with a topic announcing itself when indexed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from conftest import COMPANY, COMPANY_TITLE, statute_text
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from composition import Runtime, purge
from db.base import utcnow
from db.models_alerts import Delivery, Notice, Subscription
from db.models_chat import ChatMessage, ChatSession
from db.models_curation import AuditEntry

PW = "staff-pass-1"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    for name, role in (("wang", "adviser"), ("chen", "curator"), ("root", "admin")):
        runtime.accounts.add(name, role, PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def auth(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PW})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def session(client: TestClient, message: str = "你好") -> str:
    r = client.post("/api/v1/chat", json={"message": message})
    assert r.status_code == 200, r.text
    return str(r.json()["session_id"])


def count(rt: Runtime, model: Any) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def dispatch(rt: Runtime) -> dict[str, int]:
    return asyncio.run(rt.dispatcher().run_once()).to_json()


NOTICE = {"title": "劳动合同法实施条例修订", "body": "用人单位应于30日内完成书面劳动合同的补签。",
          "topics": ["labour"], "links": ["https://example.gov.cn/notice/1"]}


def test_topics_are_listed_in_both_languages(client: TestClient) -> None:
    r = client.get("/api/v1/alerts/topics")
    assert r.status_code == 200
    topics = {t["id"]: t for t in r.json()}
    assert {"crystal", "padlock", "quilting", "labour", "foreign", "tax", "ip", "safety", "environment", "data",
            "contracts", "governance"} <= set(topics)
    assert topics["crystal"]["zh"] == "水晶产业" and topics["labour"]["en"] == "Labour and employment"
    assert {t["kind"] for t in topics.values()} == {"industry", "area"}


def test_subscribe_see_change_and_unsubscribe_all(client: TestClient) -> None:
    sid = session(client)
    r = client.get(f"/api/v1/sessions/{sid}/subscriptions")
    assert r.status_code == 200 and r.json()["topics"] == []
    kept = r.json()["kept"]
    assert "会话的编号" in kept["zh"] and "180 天" in kept["zh"] and "until you unsubscribe" in kept["en"]
    r = client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["tax", "水晶产业", "labour", "tax"]})
    assert r.status_code == 200, r.text
    assert r.json()["topics"] == ["crystal", "labour", "tax"]  # names accepted, duplicates dropped, in list order
    assert client.get(f"/api/v1/sessions/{sid}/subscriptions").json()["topics"] == ["crystal", "labour", "tax"]
    r = client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["ip"]})
    assert r.json()["topics"] == ["ip"]
    r = client.delete(f"/api/v1/sessions/{sid}/subscriptions")
    assert r.status_code == 200 and r.json()["topics"] == []
    assert client.get(f"/api/v1/sessions/{sid}/subscriptions").json()["topics"] == []


def test_bad_subscriptions_are_refused_naming_the_problem_and_nothing_changes(client: TestClient,
                                                                              runtime: Runtime) -> None:
    sid = session(client)
    client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["labour"]})
    r = client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["labour", "astrology", "星座"]})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "unknown_topic" and "'astrology'" in err["message"] and "'星座'" in err["message"]
    assert err["fields"][0]["field"] == "topics"
    for bad in ({"topics": "labour"}, {"topics": [1, 2]}, {"topics": ["x"] * 51}, {}):
        r = client.put(f"/api/v1/sessions/{sid}/subscriptions", json=bad)
        assert r.status_code == 422, bad
        assert r.json()["error"]["fields"], bad
    assert client.get(f"/api/v1/sessions/{sid}/subscriptions").json()["topics"] == ["labour"]
    r = client.put("/api/v1/sessions/no-such-session/subscriptions", json={"topics": ["labour"]})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_session"
    assert client.get("/api/v1/sessions/no-such-session/subscriptions").status_code == 404
    assert count(runtime, Subscription) == 1


def test_notices_are_for_curators_and_admins(client: TestClient) -> None:
    assert client.post("/api/v1/notices", json=NOTICE).status_code == 401
    assert client.get("/api/v1/notices").status_code == 401
    r = client.post("/api/v1/notices", json=NOTICE, headers=auth(client, "wang"))
    assert r.status_code == 403 and "当前角色无此权限" in r.json()["error"]["message"]
    assert client.post("/api/v1/notices", json=NOTICE, headers=auth(client, "chen")).status_code == 201
    assert client.post("/api/v1/notices", json=NOTICE, headers=auth(client, "root")).status_code == 201
    assert len(client.get("/api/v1/notices", headers=auth(client, "chen")).json()) == 2
    assert client.get("/api/v1/notices/999", headers=auth(client, "chen")).status_code == 404


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"title": ""}, "title", "invalid_notice"),
    ({"title": "   "}, "title", "invalid_notice"),
    ({"title": "标" * 201}, "title", "invalid_notice"),
    ({"body": "正" * 4001}, "body", "invalid_notice"),
    ({"body": 12}, "body", "invalid_notice"),
    ({"topics": []}, "topics", "invalid_notice"),
    ({"topics": ["labour", "astrology"]}, "topics", "unknown_topic"),
    ({"links": ["javascript:alert(1)"]}, "links", "invalid_notice"),
    ({"links": "https://example.gov.cn"}, "links", "invalid_notice"),
    ({"links": [f"https://example.gov.cn/{n}" for n in range(11)]}, "links", "invalid_notice"),
])
def test_bad_notices_are_refused_and_nothing_is_written(client: TestClient, runtime: Runtime,
                                                        change: dict[str, Any], field: str, code: str) -> None:
    sid = session(client)
    client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["labour"]})
    audit = count(runtime, AuditEntry)
    r = client.post("/api/v1/notices", json={**NOTICE, **change}, headers=auth(client, "chen"))
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["fields"][0]["field"] == field
    assert "/" in err["message"]  # both languages
    assert count(runtime, Notice) == 0 and count(runtime, Delivery) == 0 and count(runtime, AuditEntry) == audit


def test_a_notice_reaches_each_web_subscriber_once_with_its_actions(client: TestClient, runtime: Runtime) -> None:
    labour, tax, nobody = session(client), session(client), session(client)
    both = session(client)
    client.put(f"/api/v1/sessions/{labour}/subscriptions", json={"topics": ["labour"]})
    client.put(f"/api/v1/sessions/{tax}/subscriptions", json={"topics": ["tax"]})
    client.put(f"/api/v1/sessions/{both}/subscriptions", json={"topics": ["labour", "contracts"]})
    r = client.post("/api/v1/notices", json={**NOTICE, "topics": ["labour", "contracts"]}, headers=auth(client, "chen"))
    assert r.status_code == 201, r.text
    notice = r.json()
    assert notice["recipients"] == 2 and notice["pending"] == 0 and notice["change"] == "notice"
    assert dispatch(runtime) == {"sent": 2, "retried": 0, "failed": 0, "recalled": 0}
    assert dispatch(runtime) == {"sent": 0, "retried": 0, "failed": 0, "recalled": 0}  # never twice
    for sid, expected in ((labour, 1), (both, 1), (tax, 0), (nobody, 0)):
        alerts = [m for m in client.get(f"/api/v1/sessions/{sid}/messages").json() if m["route"] == "alert"]
        assert len(alerts) == expected, sid
    alert = next(m for m in client.get(f"/api/v1/sessions/{labour}/messages").json() if m["route"] == "alert")
    assert alert["role"] == "system"
    assert "合规预警" in alert["text"] and NOTICE["title"] in alert["text"] and NOTICE["body"] in alert["text"]
    assert "https://example.gov.cn/notice/1" in alert["text"]
    actions = alert["citations"][0]["actions"]
    assert [a["message"] for a in actions] == [f"/alert_ask {notice['id']}", "/order", "/subscribe"]
    got = client.get(f"/api/v1/notices/{notice['id']}", headers=auth(client, "chen")).json()
    assert (got["delivered"], got["pending"], got["failed"]) == (2, 0, 0)
    entries = client.get("/api/v1/audit", headers=auth(client, "root"), params={"action": "notice.publish"}).json()
    assert entries[0]["actor"] == "chen" and entries[0]["after"]["recipients"] == 2


def test_the_conversation_subscribes_and_unsubscribes_in_words_and_commands(client: TestClient,
                                                                             runtime: Runtime) -> None:
    r = client.post("/api/v1/chat", json={"message": "我想订阅合规预警"})
    body = r.json()
    sid = body["session_id"]
    assert body["route"] == "menu" and "合规预警订阅" in body["reply"] and "180 天" in body["reply"]
    toggles = {s["message"]: s["label"] for s in body["suggestions"]}
    assert toggles["/subscribe labour"] == "☐ 劳动用工" and "/unsubscribe" not in toggles
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "/subscribe labour", "lang": "zh"}).json()
    assert "已订阅“劳动用工”" in body["reply"] and body["data"]["subscriptions"] == ["labour"]
    assert {s["message"]: s["label"] for s in body["suggestions"]}["/subscribe labour"] == "✅ 劳动用工"
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "/subscribe 税务", "lang": "zh"}).json()
    assert body["data"]["subscriptions"] == ["labour", "tax"]
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "/subscribe astrology", "lang": "zh"}).json()
    assert "没有找到主题“astrology”" in body["reply"] and "/api/" not in body["reply"]  # the topics, no API path
    assert body["data"]["subscriptions"] == ["labour", "tax"]
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "/subscribe tax", "lang": "zh"}).json()
    assert "已取消订阅“税务”" in body["reply"] and body["data"]["subscriptions"] == ["labour"]
    assert runtime.alerts.of(sid) == ["labour"]
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "取消订阅"}).json()
    assert "已取消全部订阅" in body["reply"] and runtime.alerts.of(sid) == []
    en = client.post("/api/v1/chat", json={"message": "subscribe to alerts"}).json()
    assert "Compliance alerts" in en["reply"] and "until you unsubscribe" in en["reply"]
    # a legal question that mentions 预警 is still a question, not the subscription menu
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "企业建立预警机制有什么法律规定？"}).json()
    assert "合规预警订阅" not in body["reply"]


def test_ask_about_a_notice_becomes_a_question(client: TestClient, runtime: Runtime) -> None:
    sid = session(client)
    nid = client.post("/api/v1/notices", json=NOTICE, headers=auth(client, "chen")).json()["id"]
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": f"/alert_ask {nid}", "lang": "zh"}).json()
    assert body["route"] != "menu" and "合规预警订阅" not in body["reply"]
    body = client.post("/api/v1/chat", json={"session_id": sid, "message": "/alert_ask 99999", "lang": "zh"}).json()
    assert "没有找到这条通知" in body["reply"]


def test_a_withdrawn_notice_stops_and_its_web_copies_say_so(client: TestClient, runtime: Runtime) -> None:
    curator = auth(client, "chen")
    shown, later = session(client), session(client)
    client.put(f"/api/v1/sessions/{shown}/subscriptions", json={"topics": ["labour"]})
    first = client.post("/api/v1/notices", json=NOTICE, headers=curator).json()
    assert dispatch(runtime)["sent"] == 1  # reached the first subscriber
    client.put(f"/api/v1/sessions/{later}/subscriptions", json={"topics": ["labour"]})
    second = client.post("/api/v1/notices", json={**NOTICE, "title": "错发的通知"}, headers=curator).json()
    assert second["recipients"] == 2
    for nid in (first["id"], second["id"]):  # one already delivered, one still queued
        assert client.delete(f"/api/v1/notices/{nid}").status_code == 401
        assert client.delete(f"/api/v1/notices/{nid}", headers=auth(client, "wang")).status_code == 403
        r = client.delete(f"/api/v1/notices/{nid}", headers=curator)
        assert r.status_code == 200 and r.json()["withdrawn_by"] == "chen" and r.json()["withdrawn_at"]
    assert dispatch(runtime) == {"sent": 0, "retried": 0, "failed": 0, "recalled": 0}  # the queued copies are dropped
    assert client.get(f"/api/v1/notices/{second['id']}", headers=curator).json()["pending"] == 0
    alerts = [m for m in client.get(f"/api/v1/sessions/{shown}/messages").json() if m["route"] == "alert"]
    assert len(alerts) == 1 and "撤回" in alerts[0]["text"] and NOTICE["body"] not in alerts[0]["text"]
    assert alerts[0]["citations"] == []  # no "ask about it" button left on it
    assert [m for m in client.get(f"/api/v1/sessions/{later}/messages").json() if m["route"] == "alert"] == []
    body = client.post("/api/v1/chat", json={"session_id": shown, "message": f"/alert_ask {first['id']}",
                                             "lang": "en"}).json()
    assert "withdrawn" in body["reply"]
    r = client.delete(f"/api/v1/notices/{first['id']}", headers=curator)
    assert r.status_code == 409 and r.json()["error"]["code"] == "notice_withdrawn"
    for bad, status in (("99999", 404), ("0x1", 422), (str(2**70), 422)):
        assert client.delete(f"/api/v1/notices/{bad}", headers=curator).status_code == status, bad
    entries = client.get("/api/v1/audit", headers=auth(client, "root"), params={"action": "notice.withdraw"}).json()
    assert [e["after"]["web_replaced"] for e in entries] == [0, 1]


def test_subscriptions_and_deliveries_go_with_the_conversation(client: TestClient, runtime: Runtime) -> None:
    old, kept, forgotten = session(client), session(client), session(client)
    for sid in (old, kept, forgotten):
        client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["labour"]})
    client.post("/api/v1/notices", json=NOTICE, headers=auth(client, "chen"))
    dispatch(runtime)
    with runtime.db.session() as s:  # the old conversation's last user message is 200 days old
        for m in s.scalars(select(ChatMessage).where(ChatMessage.session_id == old)):
            if m.route != "alert":
                m.created_at = utcnow() - timedelta(days=200)
        s.get(ChatSession, old).created_at = utcnow() - timedelta(days=200)  # type: ignore[union-attr]
    assert client.delete(f"/api/v1/sessions/{forgotten}").status_code == 200
    report = purge(runtime.db, runtime.settings)  # an alert received recently does not keep it alive
    assert report.conversations == 1
    with runtime.db.session() as s:
        assert set(s.scalars(select(Subscription.session_id))) == {kept}
        assert set(s.scalars(select(Delivery.session_id))) == {kept}


def test_a_document_tagged_with_a_topic_is_announced_when_indexed(client: TestClient, runtime: Runtime) -> None:
    sid = session(client)
    client.put(f"/api/v1/sessions/{sid}/subscriptions", json={"topics": ["governance"]})
    chen = auth(client, "chen")
    data = statute_text(COMPANY_TITLE, COMPANY).encode()
    r = client.post("/api/v1/documents", headers=chen, files={"file": ("company.md", data)},
                    data={"topics": "governance,astrology"})
    assert r.status_code == 422 and "'astrology'" in r.json()["error"]["message"]
    assert client.get("/api/v1/documents", headers=chen).json() == []  # nothing written
    r = client.post("/api/v1/documents", headers=chen, files={"file": ("company.md", data)},
                    data={"topics": "公司治理"})
    assert r.status_code == 202, r.text
    doc = r.json()
    assert doc["topics"] == ["governance"]
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/documents/{doc['id']}", headers=chen).json()["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    notices = client.get("/api/v1/notices", headers=chen).json()
    assert len(notices) == 1
    assert notices[0]["document_id"] == doc["id"] and notices[0]["change"] == "added"
    assert COMPANY_TITLE in notices[0]["title"] and notices[0]["recipients"] == 1
    # amended through curation (its validity): announced again; its topics edited in the metadata
    r = client.patch(f"/api/v1/documents/{doc['id']}", headers=chen, json={"status": "amended", "topics": ["ip"]})
    assert r.status_code == 200, r.text
    assert r.json()["topics"] == ["ip"]
    notices = client.get("/api/v1/notices", headers=chen).json()
    assert [n["change"] for n in notices] == ["amended", "added"] and notices[0]["topics"] == ["ip"]
    r = client.patch(f"/api/v1/documents/{doc['id']}", headers=chen, json={"topics": ["astrology"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_topic"
    dispatch(runtime)
    alerts = [m for m in client.get(f"/api/v1/sessions/{sid}/messages").json() if m["route"] == "alert"]
    assert len(alerts) == 1 and COMPANY_TITLE in alerts[0]["text"] and doc["id"] in alerts[0]["text"]
