"""The case page over HTTP (review20 findings 5 and 17): refused replies and closes keep what was typed and say
why Chinese first; an unanswered danger case closes only with the explicit confirmation; the live transcript
endpoint; the widget's buttons shown by their labels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime
from tests.advisers.test_console import PW, csrf


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("wang", "adviser", PW)
    with TestClient(create_app(runtime=runtime), follow_redirects=False) as c:
        page = c.get("/console/login")
        r = c.post("/console/login", data={"username": "wang", "password": PW, "csrf": csrf(page.text)})
        assert r.status_code == 303
        yield c


def test_a_reply_to_a_withdrawn_case_is_refused_and_kept_in_its_box(client: TestClient) -> None:
    first = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    sid, case_id = first["session_id"], first["handoff"]["id"]
    token = csrf(client.get(f"/console/cases/{case_id}").text)
    client.post("/api/v1/chat", json={"message": "/bot", "session_id": sid})
    r = client.post(f"/console/cases/{case_id}/reply", data={"text": "您好，<请提供>合同。", "csrf": token})
    assert r.status_code == 409
    assert f"回复未发送。企业已返回机器人，撤回了转人工请求，案件 {case_id} 已结案" in r.text
    assert "您好，&lt;请提供&gt;合同。</textarea>" in r.text and "未发送的回复 Unsent reply" in r.text
    assert "发送 Send" not in r.text


def test_refused_messages_are_chinese_first(client: TestClient, runtime: Runtime) -> None:
    case_id = client.post("/api/v1/chat", json={"message": "转人工"}).json()["handoff"]["id"]
    token = csrf(client.get(f"/console/cases/{case_id}").text)
    runtime.advisers.claim(case_id, "li")
    r = client.post(f"/console/cases/{case_id}/reply", data={"text": "我来回复", "csrf": token})
    assert r.status_code == 409 and f"案件 {case_id} 已由 li 认领 / case #{case_id} is already claimed by li" in r.text
    assert "我来回复</textarea>" in r.text
    r = client.post(f"/console/cases/{case_id}/close", data={"note": "结案说明", "csrf": token})
    assert r.status_code == 409 and "结案说明</textarea>" in r.text


def test_an_unanswered_danger_case_closes_only_when_confirmed(client: TestClient, runtime: Runtime) -> None:
    reply = client.post("/api/v1/chat", json={"message": "有人拿刀堵在公司门口说要杀了我"}).json()
    case_id = reply["handoff"]["id"]
    page = client.get(f"/console/cases/{case_id}")
    assert 'name="confirm_danger"' in page.text
    r = client.post(f"/console/cases/{case_id}/close", data={"note": "已电话联系", "csrf": csrf(page.text)})
    assert r.status_code == 422 and "此案涉及人身安全且尚无顾问回复：请勾选确认后再结案" in r.text
    assert "已电话联系</textarea>" in r.text
    assert runtime.handoffs.get(case_id).status == "open"  # type: ignore[union-attr]
    r = client.post(f"/console/cases/{case_id}/close",
                    data={"note": "已电话联系", "confirm_danger": "yes", "csrf": csrf(page.text)})
    assert r.status_code == 303 and runtime.handoffs.get(case_id).status == "closed"  # type: ignore[union-attr]


def test_an_answered_danger_case_and_other_cases_close_without_the_box(client: TestClient, runtime: Runtime) -> None:
    case_id = client.post("/api/v1/chat", json={"message": "有人拿刀堵在公司门口说要杀了我"}).json()["handoff"]["id"]
    runtime.advisers.reply(case_id, "wang", "请立即拨打 110，我们马上联系您。")
    page = client.get(f"/console/cases/{case_id}")
    assert 'name="confirm_danger"' not in page.text
    r = client.post(f"/console/cases/{case_id}/close", data={"csrf": csrf(page.text)})
    assert r.status_code == 303


def test_the_live_transcript_gives_the_new_messages_and_the_status(client: TestClient) -> None:
    first = client.post("/api/v1/chat", json={"message": "转人工"}).json()
    sid, case_id = first["session_id"], first["handoff"]["id"]
    last = client.get(f"/api/v1/sessions/{sid}/messages").json()[-1]["id"]
    r = client.get(f"/console/cases/{case_id}/messages?after={last}")
    assert r.status_code == 200 and r.json() == {"html": "", "last": last, "status": "open",
                                                 "status_label": "待处理 Open", "closed_message": ""}
    client.post("/api/v1/chat", json={"message": "补充：<b>员工</b>已经入职两个月了。", "session_id": sid})
    d = client.get(f"/console/cases/{case_id}/messages?after={last}").json()
    assert "补充：&lt;b&gt;员工&lt;/b&gt;已经入职两个月了。" in d["html"] and d["last"] > last
    client.post("/api/v1/chat", json={"message": "/bot", "session_id": sid})
    d = client.get(f"/console/cases/{case_id}/messages?after={d['last']}").json()
    assert d["status"] == "closed" and d["closed_message"].startswith("企业已返回机器人")
    assert client.get("/console/cases/99999/messages").status_code == 404
    client.cookies.clear()
    assert client.get(f"/console/cases/{case_id}/messages").status_code == 303  # logged out: to the login


def test_the_transcript_shows_the_buttons_labels_not_the_commands(client: TestClient) -> None:
    first = client.post("/api/v1/chat", json={"message": "/checkup"}).json()
    sid = first["session_id"]
    case_id = client.post("/api/v1/chat", json={"message": "/human", "session_id": sid}).json()["handoff"]["id"]
    text = client.get(f"/console/cases/{case_id}").text
    assert "法治体检 Self-check" in text and "转人工 Talk to an adviser" in text and "按钮 Button" in text
    assert ">/human<" not in text and ">/checkup<" not in text
