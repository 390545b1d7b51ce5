"""Console banners come from fixed codes (a link cannot put its own text on the page); security headers on API
responses too; HSTS only over TLS (directly or from a trusted proxy)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import live_server

from api.app import create_app
from api.server import uvicorn_options
from composition import Runtime

PW = "adviser-pass-1"
PHISH = "您的账号已冻结，请致电 400-000-0000 / call now"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("wang", "adviser", PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def console_login(client: TestClient) -> str:
    page = client.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    r = client.post("/console/login", data={"username": "wang", "password": PW, "csrf": token.group(1)},
                    follow_redirects=False)
    assert r.status_code == 303
    form = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/").text)
    assert form is not None
    return form.group(1)


def test_banners_come_from_fixed_codes_only(client: TestClient) -> None:
    for params in ({"error": PHISH}, {"msg": PHISH}, {"err": PHISH}, {"done": PHISH}):
        assert PHISH not in client.get("/console/login", params=params).text
    csrf = console_login(client)
    chat = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    case_id = chat["handoff"]["id"]
    for params in ({"msg": PHISH}, {"err": PHISH}, {"done": PHISH}):
        assert PHISH not in client.get(f"/console/cases/{case_id}", params=params).text
        assert PHISH not in client.get("/console/orders", params=params).text
    r = client.post(f"/console/cases/{case_id}/claim", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/console/cases/{case_id}?done=claimed"
    assert "已认领 Claimed" in client.get(r.headers["location"]).text
    # a refusal is shown on the page itself, not carried in a link
    r = client.post(f"/console/cases/{case_id}/reply", data={"csrf": csrf, "text": " "}, follow_redirects=False)
    assert r.status_code == 422 and 'class="msg err"' in r.text
    r = client.post("/console/orders/999999/status", data={"csrf": csrf, "status": "accepted"},
                    follow_redirects=False)
    assert r.status_code == 404 and 'class="msg err"' in r.text


def test_security_headers_on_api_responses(client: TestClient) -> None:
    for r in (client.get("/healthz"), client.post("/api/v1/chat", json={"message": "你好"}),
              client.get("/api/v1/services"), client.get("/api/v1/nope"), client.post("/api/v1/chat", json={})):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in r.headers  # plain http
    demo = client.get("/demo")  # a route's own CSP is kept
    assert "script-src 'self'" in demo.headers["Content-Security-Policy"]
    assert client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers.get(
        "Strict-Transport-Security") is None  # not from an untrusted client


def test_hsts_over_tls(runtime: Runtime) -> None:
    with TestClient(create_app(runtime=runtime), base_url="https://qifa.example.gov.cn") as tls:
        assert tls.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_hsts_behind_a_trusted_proxy(runtime: Runtime) -> None:
    runtime.settings.trusted_proxies = "127.0.0.1"
    options = uvicorn_options(runtime.settings)
    options.pop("log_config")
    with live_server(create_app(runtime=runtime), **options) as base:
        r = httpx.get(base + "/healthz", headers={"X-Forwarded-Proto": "https"})
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Strict-Transport-Security" not in httpx.get(base + "/healthz").headers
