"""/healthz, /readyz and the admins' Prometheus metrics at /metrics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from composition import Runtime

PW = "metrics-pass-1"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("root", "admin", PW)
    runtime.accounts.add("wang", "adviser", PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def bearer(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PW})
    assert r.status_code == 200
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["not_ready"] == []
    assert set(body["checks"]) == {"database", "index"}  # no Telegram configured: not checked
    assert body["checks"]["database"] == {"ok": True, "detail": "sqlite"}


def test_metrics_are_for_admins_only(client: TestClient) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["message"]
    adviser = client.get("/metrics", headers=bearer(client, "wang"))
    assert adviser.status_code == 403 and adviser.json()["error"]["message"]
    forged = client.get("/metrics", headers={"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.forged"})
    assert forged.status_code == 401


def test_metrics_count_requests_routes_latencies_and_waiting_handoffs(client: TestClient) -> None:
    menu = client.post("/api/v1/chat", json={"message": "服务清单"}).json()
    client.post("/api/v1/chat", json={"message": "你好", "session_id": menu["session_id"]})
    handoff = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    assert handoff["route"] == "handoff"
    sid = menu["session_id"]
    client.get(f"/api/v1/sessions/{sid}/messages")
    client.get("/no/such/path")
    r = client.get("/metrics", headers=bearer(client, "root"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    got = samples(r.text)
    chat = ("qifa_http_requests_total", (("method", "POST"), ("route", "/api/v1/chat"), ("status", "200")))
    assert got[chat] == 3
    assert got[("qifa_http_requests_total", (("method", "GET"), ("route", "/api/v1/sessions/{session_id}/messages"),
                                             ("status", "200")))] == 1
    assert got[("qifa_http_requests_total", (("method", "GET"), ("route", "other"), ("status", "404")))] == 1
    assert got[("qifa_http_request_duration_seconds_count", (("method", "POST"), ("route", "/api/v1/chat")))] == 3
    assert got[("qifa_http_request_duration_seconds_sum", (("method", "POST"), ("route", "/api/v1/chat")))] > 0
    assert got[("qifa_handoffs_waiting", ())] == 1
    assert got[("qifa_replies_total", (("route", "menu"),))] == 2
    assert got[("qifa_replies_total", (("route", "handoff"),))] == 1
    assert got[("qifa_vector_store_down", ())] == 0
    assert sid not in r.text  # ids never become labels


def test_metrics_count_the_413s_and_429s_of_the_body_and_rate_limits(tmp_path, embeddings, caplog) -> None:
    """Both limits answer before routing; the metrics (outside them) count their answers under the route meant,
    and the access log names that route too."""
    import logging

    caplog.set_level(logging.INFO, logger="qifa.access")
    from composition import build_runtime
    from config import Settings

    rt = build_runtime(Settings(data_dir=tmp_path / "var", rate_limit_per_ip=2, rate_limit_per_session=0,
                                max_body_kb=1), shipped=False, embeddings=embeddings)
    try:
        rt.accounts.add("root", "admin", PW)
        with TestClient(create_app(runtime=rt)) as client:
            big = client.post("/api/v1/chat", content=b'{"message": "' + b"x" * 4000 + b'"}',
                              headers={"Content-Type": "application/json"})
            assert big.status_code == 413  # refused before the rate limit counts it
            sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
            assert client.get(f"/api/v1/sessions/{sid}/messages").status_code == 200
            assert client.post("/api/v1/chat", json={"message": "你好"}).status_code == 429
            assert client.get(f"/api/v1/sessions/{sid}/messages").status_code == 429
            got = samples(client.get("/metrics", headers=bearer(client, "root")).text)
        chat = "/api/v1/chat"
        assert got[("qifa_http_requests_total", (("method", "POST"), ("route", chat), ("status", "413")))] == 1
        assert got[("qifa_http_requests_total", (("method", "POST"), ("route", chat), ("status", "429")))] == 1
        assert got[("qifa_http_requests_total", (("method", "POST"), ("route", chat), ("status", "200")))] == 1
        messages = "/api/v1/sessions/{session_id}/messages"
        for status in ("200", "429"):
            assert got[("qifa_http_requests_total", (("method", "GET"), ("route", messages), ("status", status)))] == 1
        assert got[("qifa_http_request_duration_seconds_count", (("method", "POST"), ("route", chat)))] == 3
        assert sid not in str(got)
        logged = [(r.method, r.route, r.status) for r in caplog.records if r.name == "qifa.access"]
        assert ("POST", chat, 413) in logged and ("GET", messages, 429) in logged
    finally:
        rt.close()
