"""The adviser console: redirect to the login, log in with the form, the queue, CSRF, reply through a form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime

PW = "adviser-pass-1"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("wang", "adviser", PW)
    with TestClient(create_app(runtime=runtime), follow_redirects=False) as c:
        yield c


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def log_in(client: TestClient) -> str:
    page = client.get("/console/login")
    assert page.status_code == 200 and "顾问登录" in page.text
    r = client.post("/console/login", data={"username": "wang", "password": PW, "csrf": csrf(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return csrf(client.get("/console/").text)


def test_logged_out_is_sent_to_login(client: TestClient) -> None:
    for url in ("/console/", "/console/queue", "/console/cases/1", "/console/orders"):
        r = client.get(url)
        assert r.status_code == 303 and r.headers["location"] == "/console/login", url
    assert client.post("/console/cases/1/reply", data={"text": "x", "csrf": "x"}).status_code == 303


def test_login_shows_queue_and_reply_through_form(client: TestClient) -> None:
    chat = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    sid, case_id = chat["session_id"], chat["handoff"]["id"]
    page = client.get("/console/login")
    bad = client.post("/console/login", data={"username": "wang", "password": "wrong-pass", "csrf": csrf(page.text)})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text
    token = log_in(client)
    queue = client.get("/console/")
    assert queue.status_code == 200 and "待处理 Open" in queue.text and f"/console/cases/{case_id}" in queue.text
    assert "Content-Security-Policy" in queue.headers
    assert f"#{case_id}" in client.get("/console/queue?status=open").text
    case = client.get(f"/console/cases/{case_id}")
    assert case.status_code == 200 and "转人工" in case.text and "对话记录 Transcript" in case.text

    r = client.post(f"/console/cases/{case_id}/reply", data={"text": "您好，顾问已接入。", "csrf": token})
    assert r.status_code == 303
    messages = client.get(f"/api/v1/sessions/{sid}/messages").json()
    last = messages[-1]
    assert (last["role"], last["author"], last["text"]) == ("adviser", "wang", "您好，顾问已接入。")
    assert "您好，顾问已接入。" in client.get(f"/console/cases/{case_id}").text
    r = client.post(f"/console/cases/{case_id}/close", data={"note": "done", "csrf": token})
    assert r.status_code == 303
    assert "已结案 Closed" in client.get(f"/console/cases/{case_id}").text
    assert client.get("/console/orders").status_code == 200


def test_post_without_csrf_is_403(client: TestClient) -> None:
    chat = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    case_id, sid = chat["handoff"]["id"], chat["session_id"]
    log_in(client)
    r = client.post(f"/console/cases/{case_id}/reply", data={"text": "伪造的回复"})
    assert r.status_code == 403
    r = client.post(f"/console/cases/{case_id}/reply", data={"text": "伪造的回复", "csrf": "0" * 64})
    assert r.status_code == 403
    assert client.post("/console/login", data={"username": "wang", "password": PW}).status_code == 403
    assert all(m["role"] != "adviser" for m in client.get(f"/api/v1/sessions/{sid}/messages").json())


def test_hostile_input_on_the_console_gets_4xx_and_stores_nothing(client: TestClient, runtime: Runtime) -> None:
    chat = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    sid, case_id = chat["session_id"], chat["handoff"]["id"]
    token = log_in(client)
    before = len(runtime.conversations.messages(sid))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    # bytes that are not UTF-8 in a form field reach the desk as replacement characters, never as surrogates
    r = client.post(f"/console/cases/{case_id}/reply", content=f"csrf={token}&text=%ED%A0%80".encode(), headers=form)
    assert r.status_code == 303
    stored = runtime.conversations.messages(sid)[before:]
    assert [m.role for m in stored] == ["adviser"] and "\ufffd" in stored[0].text
    for url in (f"/console/cases/{2**63}", f"/console/cases/{2**63}/claim", f"/console/orders/{2**63}/status"):
        r = client.get(url) if url.endswith(str(2**63)) else client.post(url, data={"csrf": token})
        # the console's own pages (review20 finding 16): a GET names no page, a POST's form cannot be read
        assert r.status_code == (404 if url.endswith(str(2**63)) else 422), url
        said = "页面不存在" if r.status_code == 404 else "表单内容无法读取"
        assert r.headers["content-type"].startswith("text/html") and said in r.text, url
    assert client.get("/healthz").status_code == 200
