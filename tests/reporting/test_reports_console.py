"""The console's dashboard and ledger download: roles, the vendored chart files (and nothing else) served
locally, a bad period shown on the page, the CSP."""

from __future__ import annotations

import pytest
from conftest import console_login
from fastapi.testclient import TestClient


@pytest.fixture
def client(staff_console: TestClient) -> TestClient:
    return staff_console


def test_dashboard_for_curators_ledger_for_every_staff_role(client: TestClient) -> None:
    assert client.get("/console/dashboard").headers["location"] == "/console/login"
    assert client.get("/console/ledger.csv").headers["location"] == "/console/login"
    console_login(client, "wang")
    assert client.get("/console/dashboard").status_code == 403
    assert 'action="/console/ledger.csv"' in client.get("/console/orders").text
    r = client.get("/console/ledger.csv", params={"from": "2026-01-01", "to": "2026-01-31"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert "qifa-ledger-2026-01-01-2026-01-31.csv" in r.headers["content-disposition"]
    assert client.get("/console/ledger.csv", params={"from": "2026-02-30"}).status_code == 422
    client.cookies.clear()
    console_login(client, "chen")
    page = client.get("/console/dashboard", params={"from": "2026-01-01", "to": "2026-01-07"})
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'nonce-" in csp and "unsafe-eval" not in csp and "http" not in csp
    assert '<script nonce="' in page.text and 'src="/console/static/uplot/uPlot.iife.min.js"' in page.text
    assert '"days": ["2026-01-01", "2026-01-02", "2026-01-03"' in page.text
    bad = client.get("/console/dashboard", params={"from": "2026-05-01", "to": "2026-04-01"})
    assert bad.status_code == 200 and "开始日期晚于结束日期" in bad.text


def test_only_the_vendored_files_are_served(client: TestClient) -> None:
    js = client.get("/console/static/uplot/uPlot.iife.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert b"uPlot" in js.content and len(js.content) < 60_000
    assert client.get("/console/static/uplot/uPlot.min.css").headers["content-type"].startswith("text/css")
    for name in ("../router.py", "uplot/LICENSE.txt", "%2e%2e/templates/base.html", "uplot/../../router.py"):
        assert client.get(f"/console/static/{name}").status_code == 404, name
