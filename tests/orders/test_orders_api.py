"""The services and orders endpoints through HTTP (TestClient), on a real SQLite store in tmp_path."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime

CODE = "91440300708461136T"
GOOD: dict[str, Any] = {
    "service_id": "contract-review",
    "enterprise_name": "浦江晶彩水晶有限公司",
    "credit_code": CODE,
    "contact_name": "张三",
    "phone": "0579-84123456",
    "description": "审查一份采购合同",
    "consent": True,
}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def fields_of(resp: Any) -> dict[str, str]:
    return {f["field"]: f["message"] for f in resp.json()["error"]["fields"]}


def test_services_list_filter_and_detail(client: TestClient, runtime: Runtime) -> None:
    all_services = client.get("/api/v1/services").json()
    assert len(all_services) == len(runtime.catalogue.services)
    first = all_services[0]
    for key in ("id", "name", "name_en", "category", "category_en", "scenarios", "form_fields", "summary"):
        assert key in first
    zh = client.get("/api/v1/services", params={"category": "法律咨询"}).json()
    en = client.get("/api/v1/services", params={"category": "Legal consultation"}).json()
    assert zh == en and zh and all(s["category"] == "法律咨询" and s["category_en"] == "Legal consultation" for s in zh)
    sc = client.get("/api/v1/services", params={"scenario": "Rights protection"}).json()
    assert sc and all("依法维权" in s["scenarios"] for s in sc)
    both = client.get("/api/v1/services", params={"category": "法律咨询", "scenario": "依法维权"}).json()
    assert both and all(s["category"] == "法律咨询" and "依法维权" in s["scenarios"] for s in both)
    bad = client.get("/api/v1/services", params={"category": "烹饪"})
    assert bad.status_code == 422 and "category" in fields_of(bad)

    detail = client.get("/api/v1/services/contract-review")
    assert detail.status_code == 200 and detail.json()["name"] == "合同审查"
    assert detail.json()["name_en"] == "Contract review"
    missing = client.get("/api/v1/services/no-such-service")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_service"


def test_create_get_and_history(client: TestClient) -> None:
    resp = client.post("/api/v1/orders", json={**GOOD, "phone": "+86 138 0013 8000"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert re.fullmatch(r"QF-\d{8}-\d{4}", body["number"]) and body["status"] == "submitted"
    assert body["id"] and body["session_id"] and body["phone"] == "13800138000"
    got = client.get(f"/api/v1/orders/{body['id']}", params={"session_id": body["session_id"]})
    assert got.status_code == 200 and got.json()["number"] == body["number"]
    assert [e["kind"] for e in got.json()["history"]] == ["status", "adviser_notice"]


def test_order_from_a_chat_session_shows_in_the_chat(client: TestClient) -> None:
    sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    order = client.post("/api/v1/orders", json={**GOOD, "session_id": sid}).json()
    assert order["session_id"] == sid and order["channel"] == "web"
    reply = client.post("/api/v1/chat", json={"message": "我的订单", "session_id": sid}).json()
    assert order["number"] in reply["reply"]
    unknown = client.post("/api/v1/orders", json={**GOOD, "session_id": "nope"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_session"


@pytest.mark.parametrize(
    ("field", "value", "zh", "en"),
    [
        ("enterprise_name", "甲" * 101, "企业名称不能超过", "at most 100"),
        ("enterprise_name", None, "必填", "required"),
        ("credit_code", "91440300708461136X", "统一社会信用代码校验位错误", "credit code check character is wrong"),
        ("credit_code", "9144", "应为 18 位", "18 characters"),
        ("contact_name", "", "联系人", "contact name"),
        ("phone", "12345", "电话号码格式不正确", "not valid"),
        ("phone", 13800138000, "必须是文本", "must be text"),
        ("description", "字" * 1001, "不能超过 1000", "at most 1000"),
        ("preferred_time", "时" * 101, "期望时间不能超过", "at most 100"),
        ("consent", False, "明确同意", "consent"),
        ("consent", "yes", "明确同意", "consent"),
    ],
)
def test_each_invalid_field_is_named(client: TestClient, field: str, value: Any, zh: str, en: str) -> None:
    resp = client.post("/api/v1/orders", json={**GOOD, "service_id": "legal-consultation", field: value})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "invalid_order" and field in error["message"]
    messages = fields_of(resp)
    assert list(messages) == [field]
    assert zh in messages[field] and en in messages[field] and " / " in messages[field]


def test_several_bad_fields_at_once_and_nothing_stored(client: TestClient, runtime: Runtime) -> None:
    resp = client.post("/api/v1/orders", json={"service_id": "contract-review", "phone": "1", "consent": False})
    assert resp.status_code == 422
    assert set(fields_of(resp)) == {"enterprise_name", "credit_code", "contact_name", "phone", "description",
                                    "consent"}
    with runtime.db.session() as s:
        from db.models_orders import Order

        assert s.query(Order).count() == 0


def test_unknown_service_and_missing_service_id(client: TestClient) -> None:
    resp = client.post("/api/v1/orders", json={**GOOD, "service_id": "no-such-service"})
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "unknown_service"
    resp = client.post("/api/v1/orders", json={k: v for k, v in GOOD.items() if k != "service_id"})
    assert resp.status_code == 422 and "service_id" in fields_of(resp)


def test_other_sessions_get_404(client: TestClient) -> None:
    order = client.post("/api/v1/orders", json=GOOD).json()
    other = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    url = f"/api/v1/orders/{order['id']}"
    for params in ({"session_id": other}, {}, {"session_id": ""}):
        resp = client.get(url, params=params)
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "unknown_order"
    assert client.get("/api/v1/orders/99999", params={"session_id": order["session_id"]}).status_code == 404
    for body in ({"session_id": other}, {}):
        resp = client.post(f"{url}/cancel", json=body)
        assert resp.status_code == 404
    resp = client.post(f"{url}/rating", json={"session_id": other, "level": "满意"})
    assert resp.status_code == 404
    assert client.get(url, params={"session_id": order["session_id"]}).json()["status"] == "submitted"


def test_cancel_and_rate_over_http(client: TestClient, runtime: Runtime) -> None:
    desk = runtime.orders
    assert desk is not None
    first = client.post("/api/v1/orders", json=GOOD).json()
    sid = first["session_id"]
    resp = client.post(f"/api/v1/orders/{first['id']}/cancel", json={"session_id": sid, "reason": "已自行解决"})
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    assert resp.json()["history"][-1]["reason"] == "已自行解决"
    again = client.post(f"/api/v1/orders/{first['id']}/cancel", json={"session_id": sid})
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"

    second = client.post("/api/v1/orders", json={**GOOD, "session_id": sid}).json()
    early = client.post(f"/api/v1/orders/{second['id']}/rating", json={"session_id": sid, "level": "满意"})
    assert early.status_code == 409 and "尚未办理完成" in early.json()["error"]["message"]
    for to in ("accepted", "in_progress", "completed"):
        desk.change_status(second["id"], to, "顾问 王")
    bad = client.post(f"/api/v1/orders/{second['id']}/rating", json={"session_id": sid, "level": "超级满意"})
    assert bad.status_code == 422 and "level" in fields_of(bad)
    ok = client.post(f"/api/v1/orders/{second['id']}/rating",
                     json={"session_id": sid, "level": "非常满意", "comment": "很专业"})
    assert ok.status_code == 200 and ok.json()["rating"] == 5 and ok.json()["rating_label"] == "非常满意"
    twice = client.post(f"/api/v1/orders/{second['id']}/rating", json={"session_id": sid, "level": 1})
    assert twice.status_code == 409


def test_concurrent_orders_get_distinct_numbers(client: TestClient) -> None:
    results: list[Any] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def place(i: int) -> None:
        barrier.wait()
        resp = client.post("/api/v1/orders", json={**GOOD, "contact_name": f"联系人{i}"})
        with lock:
            results.append((resp.status_code, resp.json()))

    threads = [threading.Thread(target=place, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in results] == [201] * 20, results
    numbers = [body["number"] for _, body in results]
    assert len(set(numbers)) == 20
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, 21))
