"""The API's contract: /openapi.json documents a response body for every operation; input the store cannot take
(lone surrogates, integers beyond 64 bits) is refused as JSON 4xx on every route that takes text or ids, and the
server keeps serving; anything unexpected is a JSON 500 with a request id, logged with its traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime

PW = "adviser-pass-1"
HUGE = 2**63  # one past the largest 64-bit integer
SURROGATE = '"bad \\ud800 text"'  # valid JSON, not storable UTF-8


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("root", "admin", PW)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def staff(client: TestClient) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": "root", "password": PW})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_every_operation_documents_its_response_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
            assert ok, (method, path)
            for code, response in ok.items():
                schemas = [c.get("schema") for c in response.get("content", {}).values()]
                assert schemas and all(schemas), f"{method.upper()} {path} {code} has no response schema"
            operations += 1
    assert operations >= 23
    assert "/console/" not in spec["paths"] and "/telegram/webhook" not in spec["paths"]  # HTML and Telegram's
    chat = spec["paths"]["/api/v1/chat"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    fields = spec["components"]["schemas"][chat["$ref"].rsplit("/", 1)[1]]["properties"]
    assert "message_id" in fields and "notice" in fields and "id" not in fields


def raw(client: TestClient, method: str, url: str, body: str | None = None, **kw: Any) -> Any:
    headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
    return client.request(method, url, content=body.encode() if body is not None else None, headers=headers, **kw)


def assert_refused(r: Any, status: int = 422) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["code"] in ("invalid_request", "invalid_message")


def test_hostile_input_on_the_enterprise_routes(client: TestClient) -> None:
    sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    cases = [
        ("POST", "/api/v1/chat", f'{{"message": {SURROGATE}}}'),
        ("POST", "/api/v1/chat", f'{{"message": "hi", "session_id": {SURROGATE}}}'),
        ("GET", f"/api/v1/sessions/{sid}/messages?after={HUGE}", None),
        ("GET", f"/api/v1/sessions/{sid}/messages?after={-HUGE - 1}", None),
        ("GET", f"/api/v1/sessions/{sid}/events?after={HUGE}", None),
        ("POST", f"/api/v1/sessions/{sid}/feedback", f'{{"message_id": {HUGE}, "vote": 1}}'),
        ("POST", "/api/v1/orders", f'{{"service_id": "contract-review", "enterprise_name": {SURROGATE}}}'),
        ("POST", "/api/v1/orders", f'{{"service_id": {SURROGATE}}}'),
        ("POST", "/api/v1/orders", f'{{"service_id": "contract-review", "session_id": {SURROGATE}}}'),
        ("GET", f"/api/v1/orders/{HUGE}?session_id={sid}", None),
        ("POST", f"/api/v1/orders/{HUGE}/cancel", f'{{"session_id": "{sid}"}}'),
        ("POST", "/api/v1/orders/1/cancel", f'{{"session_id": "{sid}", "reason": {SURROGATE}}}'),
        ("POST", f"/api/v1/orders/{HUGE}/rating", f'{{"session_id": "{sid}", "level": 5}}'),
        ("POST", "/api/v1/orders/1/rating", f'{{"session_id": "{sid}", "level": {HUGE}}}'),
        ("POST", "/api/v1/orders/1/rating", f'{{"session_id": "{sid}", "level": 5, "comment": {SURROGATE}}}'),
    ]
    for method, url, body in cases:
        assert_refused(raw(client, method, url, body))
        assert client.get("/healthz").status_code == 200
    r = client.get(f"/api/v1/sessions/{sid}/events", headers={"Last-Event-ID": str(HUGE)})
    assert_refused(r)
    assert len(client.get(f"/api/v1/sessions/{sid}/messages").json()) == 2  # nothing half-written


@pytest.mark.parametrize("url", [
    "/api/v1/services?category=%ED%A0%80", "/api/v1/services?scenario=%ED%A0%80", "/api/v1/services/%ED%A0%80",
    "/api/v1/sessions/%ED%A0%80/messages", "/api/v1/orders/1?session_id=%ED%A0%80",
])
def test_undecodable_bytes_in_paths_and_queries_get_json_4xx(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/json"), r.text
    assert client.get("/healthz").status_code == 200


def test_hostile_input_on_the_staff_routes(client: TestClient, staff: dict[str, str]) -> None:
    cases = [
        ("GET", f"/api/v1/handoffs/{HUGE}", None),
        ("POST", f"/api/v1/handoffs/{HUGE}/claim", None),
        ("POST", "/api/v1/handoffs/1/reply", f'{{"text": {SURROGATE}}}'),
        ("POST", f"/api/v1/handoffs/{-HUGE - 1}/reply", '{"text": "ok"}'),
        ("POST", "/api/v1/handoffs/1/close", f'{{"note": {SURROGATE}}}'),
        ("GET", f"/api/v1/staff/orders/{HUGE}", None),
        ("POST", "/api/v1/staff/orders/1/status", f'{{"status": "accepted", "reason": {SURROGATE}}}'),
        ("POST", f"/api/v1/staff/orders/{HUGE}/status", '{"status": "accepted"}'),
        ("POST", "/api/v1/staff/users", f'{{"name": {SURROGATE}, "role": "adviser", "password": "12345678"}}'),
        ("POST", "/api/v1/staff/users", f'{{"name": "sun", "role": "adviser", "password": {SURROGATE}}}'),
    ]
    for method, url, body in cases:
        assert_refused(raw(client, method, url, body, headers=staff))
        assert client.get("/healthz").status_code == 200
    r = client.get("/api/v1/staff/orders?status=%ED%A0%80", headers=staff)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_status"
    assert client.post("/api/v1/staff/users/%ED%A0%80/disable", headers=staff).status_code == 404
    r = client.post("/api/v1/auth/token", content=b"username=%ED%A0%80&password=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"
    assert [u["name"] for u in client.get("/api/v1/staff/users", headers=staff).json()] == ["root"]


def test_the_unexpected_is_a_json_500_with_a_request_id_logged_with_its_traceback(
        client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(runtime.assistant, "handle", broken)
    with caplog.at_level(logging.ERROR, logger="qifa.api"):
        r = client.post("/api/v1/chat", json={"message": "你好"})
    assert r.status_code == 500 and r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    rid = r.headers["X-Request-ID"]
    assert error["code"] == "internal" and error["request_id"] == rid and rid in error["message"]
    assert "secret detail" not in r.text and "Traceback" not in r.text
    [record] = [rec for rec in caplog.records if rid in rec.getMessage()]
    assert record.exc_info is not None and "secret detail" in str(record.exc_info[1])
    monkeypatch.undo()
    assert client.post("/api/v1/chat", json={"message": "你好"}).status_code == 200  # still serving


def test_every_response_has_a_request_id(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
