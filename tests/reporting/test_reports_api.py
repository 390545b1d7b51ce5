"""The dashboard's figures and the service ledger through the API, from conversations, hand-offs, feedback and
orders made through the API itself; roles; bad periods."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import LABOUR_2012, LABOUR_TITLE, Docs, bearer
from fastapi.testclient import TestClient

from composition import Runtime
from db.models_chat import ChatMessage, ChatSession, Handoff
from ingest.pipeline import ingest

ORDER: dict[str, Any] = {"service_id": "contract-review", "enterprise_name": "=浦江晶彩水晶有限公司",
                         "credit_code": "91440300708461136T", "contact_name": "张三", "phone": "0579-84123456",
                         "description": "审查一份采购合同", "consent": True}


@pytest.fixture
def client(staff_api: TestClient, runtime: Runtime, docs: Docs) -> TestClient:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    return staff_api


def today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def make_activity(client: TestClient) -> dict[str, Any]:
    """Two answered conversations (one 👍, one 👎), a hand-off answered by an adviser, a completed and rated order."""
    adviser = bearer(client, "wang")
    a = client.post("/api/v1/chat", json={"message": "劳动合同期限三年的，试用期最长多久？"}).json()
    assert a["route"] == "answer"
    client.post(f"/api/v1/sessions/{a['session_id']}/feedback", json={"message_id": a["message_id"], "vote": 1})
    b = client.post("/api/v1/chat", json={"message": "经济补偿怎么计算？"}).json()
    client.post(f"/api/v1/sessions/{b['session_id']}/feedback", json={"message_id": b["message_id"], "vote": -1})
    c = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    case = c["handoff"]["id"]
    assert client.post(f"/api/v1/handoffs/{case}/claim", headers=adviser).status_code == 200
    assert client.post(f"/api/v1/handoffs/{case}/reply", headers=adviser, json={"text": "您好"}).status_code == 201
    order = client.post("/api/v1/orders", json=ORDER).json()
    for status in ("accepted", "in_progress", "completed"):
        r = client.post(f"/api/v1/staff/orders/{order['id']}/status", headers=adviser, json={"status": status})
        assert r.status_code == 200, r.text
    r = client.post(f"/api/v1/orders/{order['id']}/rating", json={"session_id": order["session_id"], "level": 4})
    assert r.status_code == 200, r.text
    return {"answered": a, "disliked": b, "case": c, "order": order}


def test_stats_count_what_happened(client: TestClient) -> None:
    made = make_activity(client)
    r = client.get("/api/v1/stats", headers=bearer(client, "chen"), params={"from": today(), "to": today()})
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["days"] == [today()] and s["from"] == s["to"] == today()
    assert s["conversations"]["total"] == 4  # three chats and the order's own web session
    assert s["conversations"]["by_channel"] == {"web": [4]}
    assert s["conversations"]["by_site"] == {"—": [4]}
    assert s["messages"]["by_channel"] == {"web": [3]} and s["messages"]["total"] == 3
    assert s["routes"]["answer"] == 2 and s["routes"]["handoff"] == 1
    assert s["feedback"] == {"up": 1, "down": 1, "up_rate": 0.5}
    # of the three conversations in which the enterprise wrote, only the 👍 one resolved itself
    assert s["self_service"] == {"conversations": 3, "resolved": 1, "rate": 0.333}
    h = s["handoffs"]
    assert (h["total"], h["answered"], h["within_promise"], h["within_promise_rate"]) == (1, 1, 1, 1.0)
    assert h["promise_minutes"] == 30 and 0 <= h["first_response_minutes"]["median"] < 1
    assert s["orders"]["by_service"] == {made["order"]["service_name"]: {"completed": 1}}
    assert s["orders"]["by_status"] == {"completed": 1}
    assert s["ratings"] == {"count": 1, "by_level": {"5": 0, "4": 1, "3": 0, "2": 0, "1": 0}, "mean": 4.0}
    assert {"question": "转人工", "count": 1} in s["top_questions"]
    # a period with nothing in it: zeros, and no division by zero
    empty = client.get("/api/v1/stats", headers=bearer(client, "root"),
                       params={"from": "2020-01-01", "to": "2020-01-03"}).json()
    assert empty["conversations"]["by_channel"] == {} and len(empty["days"]) == 3
    assert empty["self_service"]["rate"] is None and empty["feedback"]["up_rate"] is None


def test_ledger_csv_one_row_per_order_with_bom(client: TestClient) -> None:
    made = make_activity(client)
    for who in ("wang", "chen", "root"):  # advisers may export it too
        r = client.get("/api/v1/ledger.csv", headers=bearer(client, who), params={"from": today(), "to": today()})
        assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="qifa-ledger-{today()}-{today()}.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "编号 Number" and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["编号 Number"] == made["order"]["number"]
    assert row["企业 Enterprise"] == "'=浦江晶彩水晶有限公司"  # never a formula in Excel
    assert row["统一社会信用代码 Credit code"] == ORDER["credit_code"] and row["类别 Category"] == "法律咨询"
    assert row["状态 Status"] == "completed" and row["顾问 Adviser"] == "wang" and row["评价 Rating"] == "4"
    for column in ("提交时间 Submitted", "受理时间 Accepted", "办理时间 In progress", "完成时间 Completed"):
        assert row[column].startswith(today())
    assert row["取消时间 Cancelled"] == "" and row["不予受理时间 Rejected"] == ""
    old = client.get("/api/v1/ledger.csv", headers=bearer(client, "wang"),
                     params={"from": "2020-01-01", "to": "2020-01-01"})
    assert len(list(csv.reader(io.StringIO(old.content.decode("utf-8-sig"))))) == 1


def test_roles_and_bad_periods(client: TestClient) -> None:
    assert client.get("/api/v1/stats").status_code == 401
    assert client.get("/api/v1/ledger.csv").status_code == 401
    assert client.get("/api/v1/stats", headers=bearer(client, "wang")).status_code == 403
    curator = bearer(client, "chen")
    default = client.get("/api/v1/stats", headers=curator).json()
    assert len(default["days"]) == 30 and default["to"] == today()
    for params, field in (({"from": "2024-13-01"}, "from"), ({"to": "yesterday"}, "to"),
                          ({"from": "2024-03-02", "to": "2024-03-01"}, "from"),
                          ({"from": "2020-01-01", "to": "2024-01-01"}, "to"), ({"from": "2024-1-1"}, "from")):
        for url in ("/api/v1/stats", "/api/v1/ledger.csv"):
            r = client.get(url, headers=curator, params=params)
            assert r.status_code == 422, (url, params)
            assert r.json()["error"]["fields"][0]["field"] == field and " / " in r.json()["error"]["message"]


def test_hand_off_response_times_count_office_minutes_not_nights_and_weekends(client: TestClient,
                                                                             runtime: Runtime) -> None:
    """Office hours Mon-Fri 08:30-17:00 (Asia/Shanghai); March 2026 has no public holiday or make-up day."""
    tz = ZoneInfo("Asia/Shanghai")

    def utc(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
        return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC).replace(tzinfo=None)

    cases = [  # (opened, first adviser reply): Friday evening -> Monday morning; a night; within one morning
        (utc(2026, 3, 13, 16, 50), utc(2026, 3, 16, 8, 40)),  # 10 + 10 office minutes, ~64 hours on the clock
        (utc(2026, 3, 16, 16, 0), utc(2026, 3, 17, 9, 0)),  # 60 + 30 office minutes, 17 hours on the clock
        (utc(2026, 3, 17, 10, 0), utc(2026, 3, 17, 10, 20)),  # 20 minutes either way
    ]
    with runtime.db.session() as s:
        for n, (opened, replied) in enumerate(cases):
            sid = f"weekend-{n}"
            s.add(ChatSession(id=sid, channel="web", created_at=opened))
            s.flush()
            s.add(Handoff(session_id=sid, reason="user_request", channel="web", status="assigned", created_at=opened))
            s.add(ChatMessage(session_id=sid, role="adviser", text="您好", author="wang", created_at=replied))
    r = client.get("/api/v1/stats", headers=bearer(client, "chen"), params={"from": "2026-03-13", "to": "2026-03-17"})
    assert r.status_code == 200, r.text
    h = r.json()["handoffs"]
    assert h["minutes"] == "office" and (h["total"], h["answered"]) == (3, 3)
    assert h["first_response_minutes"] == {"median": 20.0, "mean": 43.3, "max": 90.0}
    assert h["first_response_wall_minutes"]["max"] == 3830.0  # Friday 16:50 to Monday 08:40
    assert (h["within_promise"], h["within_promise_rate"]) == (2, 0.667)  # promise: 30 office minutes
