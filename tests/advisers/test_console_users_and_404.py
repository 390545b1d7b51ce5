"""The console's own pages for mistyped addresses (an HTML 404, while the API's 404 stays JSON) and the
administrators' users page (review20 finding 16)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime
from tests.advisers.test_console import csrf

PW = "admin-pass-123"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    for name, role in (("root", "admin"), ("wang", "adviser"), ("cur", "curator")):
        runtime.accounts.add(name, role, PW)
    with TestClient(create_app(runtime=runtime), follow_redirects=False) as c:
        yield c


def log_in(client: TestClient, name: str) -> str:
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": name, "password": PW, "csrf": csrf(page.text)})
    assert r.status_code == 303
    return csrf(client.get("/console/documents").text)


@pytest.mark.parametrize("path", ["/console/userz", "/console/cases/abc", "/console/cases/1/close"])
def test_a_mistyped_console_address_gets_a_console_page(client: TestClient, path: str) -> None:
    log_in(client, "root")
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "页面不存在：请检查网址，或从菜单进入 / No such page" in r.text and "转人工队列 Queue" in r.text
    assert "Content-Security-Policy" in r.headers


def test_logged_out_a_mistyped_address_gets_the_page_without_the_menu(client: TestClient) -> None:
    r = client.get("/console/userz")
    assert r.status_code == 404 and "页面不存在" in r.text and "退出 Log out" not in r.text


def test_the_api_still_answers_json(client: TestClient) -> None:
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "http_error"
    r = client.get("/api/v1/staff/handoffs/abc")
    assert r.status_code in (401, 404, 422) and r.headers["content-type"].startswith("application/json")


def test_the_users_page_is_for_administrators(client: TestClient) -> None:
    log_in(client, "cur")
    assert "/console/users" not in client.get("/console/documents").text
    r = client.get("/console/users")
    assert r.status_code == 403 and "此页面仅限系统管理员使用" in r.text
    client.cookies.clear()
    assert client.get("/console/users").headers["location"] == "/console/login"


def test_an_administrator_adds_and_disables_accounts(client: TestClient, runtime: Runtime) -> None:
    token = log_in(client, "root")
    page = client.get("/console/users")
    assert page.status_code == 200 and "用户 Users" in page.text and "法律顾问 Adviser" in page.text
    r = client.post("/console/users", data={"name": "li.na", "role": "curator", "password": "short", "csrf": token})
    assert r.status_code == 422 and "密码至少 8 位 / the password is too short" in r.text
    assert 'value="li.na"' in r.text and '<option value="curator" selected>' in r.text
    r = client.post("/console/users", data={"name": "li.na", "role": "curator", "password": "long-enough-1",
                                            "csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/users?done=user_added"
    assert runtime.accounts.get("li.na").role == "curator"  # type: ignore[union-attr]
    r = client.post("/console/users/li.na/disable", data={"csrf": token})
    assert r.status_code == 303 and runtime.accounts.get("li.na").active is False  # type: ignore[union-attr]
    r = client.post("/console/users/root/disable", data={"csrf": token})
    assert r.status_code == 409 and "不能停用自己的账号" in r.text
    assert client.post("/console/users/wang/disable", data={"csrf": "forged"}).status_code == 403
