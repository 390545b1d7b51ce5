"""The console's compliance-notice page: curators only, publishing through the form (CSRF) to the subscribers,
a bad form shown again with the reason and nothing written, the page's CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime

PW = "staff-pass-1"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    for name, role in (("wang", "adviser"), ("chen", "curator")):
        runtime.accounts.add(name, role, PW)
    with TestClient(create_app(runtime=runtime), follow_redirects=False) as c:
        yield c


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def log_in(client: TestClient, name: str) -> None:
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": name, "password": PW, "csrf": csrf(page.text)})
    assert r.status_code == 303


def test_only_curators_see_the_notices_page(client: TestClient) -> None:
    assert client.get("/console/notices").headers["location"] == "/console/login"
    log_in(client, "wang")
    assert client.get("/console/notices").status_code == 403
    assert "/console/notices" not in client.get("/console/").text


def test_publish_through_the_form(client: TestClient, runtime: Runtime) -> None:
    web = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    runtime.alerts.set(web, ["quilting"])
    log_in(client, "chen")
    page = client.get("/console/notices")
    assert page.status_code == 200 and "绗缝产业" in page.text and "暂无" in page.text
    assert "script-src 'nonce-" in page.headers["content-security-policy"]
    token = csrf(page.text)
    form = {"csrf": token, "title": "绗缝制品出口新规", "body": "自下月起执行新的出口检验要求。",
            "links": "https://example.gov.cn/q\n", "topics": ["quilting", "foreign"]}
    r = client.post("/console/notices", data={**form, "csrf": "forged"})
    assert r.status_code == 403 and runtime.notices.recent() == []
    r = client.post("/console/notices", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/console/notices?done=notice"
    [notice] = runtime.notices.recent()
    assert (notice.title, notice.topics, notice.links, notice.recipients) == (
        "绗缝制品出口新规", ["quilting", "foreign"], ["https://example.gov.cn/q"], 1)
    listed = client.get("/console/notices?done=notice").text
    assert "已发布" in listed and "绗缝制品出口新规" in listed and "0 / 1" in listed


def test_withdraw_through_the_form(client: TestClient, runtime: Runtime) -> None:
    web = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    runtime.alerts.set(web, ["quilting"])
    notice = runtime.notices.publish("错发的通知", "内容有误。", ["quilting"], [], "chen")
    log_in(client, "chen")
    page = client.get("/console/notices").text
    action = f"/console/notices/{notice.id}/withdraw"
    assert action in page
    assert client.post(action, data={"csrf": "forged"}).status_code == 403
    assert runtime.notices.get(notice.id).withdrawn_at is None  # type: ignore[union-attr]
    r = client.post(action, data={"csrf": csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == "/console/notices?done=withdrawn"
    assert runtime.notices.get(notice.id).withdrawn_by == "chen"  # type: ignore[union-attr]
    listed = client.get(r.headers["location"]).text
    assert "已撤回 Withdrawn" in listed and action not in listed
    r = client.post(action, data={"csrf": csrf(page)})
    assert r.status_code == 409 and 'role="alert"' in r.text and "已撤回" in r.text
    r = client.post("/console/notices/99999/withdraw", data={"csrf": csrf(page)})
    assert r.status_code == 404 and 'role="alert"' in r.text


@pytest.mark.parametrize(("change", "reason"), [
    ({"title": ""}, "title is empty"),
    ({"body": "长" * 4001}, "over the limit of 4000"),
    ({"topics": []}, "至少选择一个主题"),
    ({"topics": ["astrology"]}, "unknown topic"),
    ({"links": "ftp://example.gov.cn"}, "not an http(s) URL"),
])
def test_a_bad_form_comes_back_with_the_reason(client: TestClient, runtime: Runtime, change: dict[str, object],
                                               reason: str) -> None:
    log_in(client, "chen")
    token = csrf(client.get("/console/notices").text)
    form = {"csrf": token, "title": "标题", "body": "正文", "links": "", "topics": ["tax"], **change}
    r = client.post("/console/notices", data=form)
    assert r.status_code == 422 and reason in r.text
    if form["body"] == "正文":
        assert 'value="标题"' in r.text or form["title"] == ""  # what was typed is kept
    assert runtime.notices.recent() == []


def test_documents_uploaded_in_the_console_carry_alert_topics(client: TestClient, runtime: Runtime) -> None:
    log_in(client, "chen")
    token = csrf(client.get("/console/documents").text)
    text = "# 水晶加工企业环保指引\n\n水晶加工企业应当对废水进行处理，达标后方可排放，并建立台账。\n".encode()
    r = client.post("/console/documents", data={"csrf": token, "topics": "crystal, astrology"},
                    files={"file": ("crystal.md", text)})
    assert r.status_code == 422 and "astrology" in r.text and client.get("/api/v1/documents").status_code == 401
    assert runtime.documents.list() == []
    r = client.post("/console/documents", data={"csrf": token, "topics": "水晶产业，环境保护"},
                    files={"file": ("crystal.md", text)})
    assert r.status_code == 303
    [row] = runtime.documents.list()
    assert runtime.documents.get(row.id).meta["topics"] == ["crystal", "environment"]
