"""Rate limits per address, per conversation, per site key and per login; a cap on open event streams."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import live_server
from pydantic import ValidationError

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from knowledge.embeddings import QifaEmbeddings


@pytest.fixture
def make(tmp_path: Path, embeddings: QifaEmbeddings) -> Iterator[Any]:
    built: list[Runtime] = []

    def build(**limits: Any) -> Runtime:
        rt = build_runtime(Settings(data_dir=tmp_path / f"var{len(built)}", **limits), shipped=False,
                           embeddings=embeddings)
        built.append(rt)
        return rt

    yield build
    for rt in built:
        rt.close()


def assert_429(r: httpx.Response, code: str = "rate_limited") -> None:
    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) >= 1
    err = r.json()["error"]
    assert err["code"] == code and "请" in err["message"] and "retry" in err["message"].replace("try again", "retry")


def test_per_address_limit(make: Any) -> None:
    rt = make(rate_limit_per_ip=3, rate_limit_per_session=0)
    with TestClient(create_app(runtime=rt)) as client:
        codes = [client.post("/api/v1/chat", json={"message": "你好"}).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        assert_429(client.post("/api/v1/chat", json={"message": "你好"}))
        assert_429(client.get("/api/v1/services"))
        assert client.get("/healthz").status_code == 200  # not a public conversation endpoint
    with TestClient(create_app(runtime=rt), client=("203.0.113.9", 5000)) as other:
        assert other.post("/api/v1/chat", json={"message": "你好"}).status_code == 200  # another address


def test_per_session_limit_leaves_other_conversations_alone(make: Any) -> None:
    rt = make(rate_limit_per_ip=0, rate_limit_per_session=2)
    with TestClient(create_app(runtime=rt)) as client:
        sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]  # opens it: not counted
        for _ in range(2):
            assert client.post("/api/v1/chat", json={"message": "服务清单", "session_id": sid}).status_code == 200
        assert_429(client.post("/api/v1/chat", json={"message": "服务清单", "session_id": sid}))
        assert_429(client.get(f"/api/v1/sessions/{sid}/messages"))  # the id in the path counts too
        assert client.post("/api/v1/chat", json={"message": "你好"}).status_code == 200  # a new conversation
        # three user messages and their replies: the refused one left nothing
        assert [m.role for m in rt.conversations.messages(sid)].count("user") == 3


def test_per_site_key_limit(make: Any) -> None:
    rt = make(rate_limit_per_ip=0, rate_limit_per_session=0, rate_limit_per_site=2)
    key = rt.sites.add("县司法局", ["https://sfj.example.gov.cn"]).key
    headers = {"X-Qifa-Site-Key": key}
    with TestClient(create_app(runtime=rt)) as client:
        assert client.get("/api/v1/widget/config", headers=headers).status_code == 200
        assert client.get("/api/v1/services", headers=headers).status_code == 200
        assert_429(client.post("/api/v1/chat", json={"message": "你好"}, headers=headers))
        assert_429(client.get("/api/v1/widget/config", params={"site_key": key}))
        assert client.get("/api/v1/widget/config").status_code == 200  # without the key: not this bucket


def test_login_limit_per_user_and_address_on_top_of_the_throttle(make: Any) -> None:
    rt = make(rate_limit_login=3)
    rt.accounts.add("root", "admin", "root-pass-123")
    with TestClient(create_app(runtime=rt)) as client:
        for _ in range(3):
            r = client.post("/api/v1/auth/token", data={"username": "root", "password": "root-pass-123"})
            assert r.status_code == 200
        assert_429(client.post("/api/v1/auth/token", data={"username": "root", "password": "root-pass-123"}))
        assert_429(client.post("/api/v1/auth/token", data={"username": " ROOT ", "password": "x"}))
        # another name from the same address is a separate bucket (it gets the ordinary 401)
        assert client.post("/api/v1/auth/token", data={"username": "wang", "password": "x"}).status_code == 401


def test_zero_turns_the_limits_off(make: Any) -> None:
    rt = make(rate_limit_per_ip=0, rate_limit_per_session=0, rate_limit_per_site=0, rate_limit_login=0)
    with TestClient(create_app(runtime=rt)) as client:
        sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
        for _ in range(25):
            assert client.get(f"/api/v1/sessions/{sid}/messages").status_code == 200


def test_defaults_let_a_person_chat_and_stop_a_script(make: Any) -> None:
    rt = make()
    assert (rt.settings.rate_limit_per_ip, rt.settings.rate_limit_per_session) == (60, 20)
    with TestClient(create_app(runtime=rt)) as client:
        sid = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
        codes = [client.get(f"/api/v1/sessions/{sid}/messages").status_code for _ in range(25)]
        assert codes[:19] == [200] * 19 and codes[-1] == 429  # a script polling one conversation is stopped


def test_unusable_storage_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="rate-limit storage"):
        Settings(data_dir=tmp_path, rate_limit_storage="nosuch://x")


def test_event_streams_are_capped_per_address(make: Any) -> None:
    rt = make(rate_limit_per_ip=0, rate_limit_per_session=0, max_streams_per_ip=2, max_streams_total=10)
    with live_server(create_app(runtime=rt)) as base, httpx.Client(base_url=base, timeout=10) as http:
        sid = http.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
        url = f"/api/v1/sessions/{sid}/events"
        with http.stream("GET", url) as first, http.stream("GET", url) as second:
            assert first.status_code == second.status_code == 200
            third = http.get(url)
            assert_429(third, "too_many_streams")
        # once the server has seen them close, a stream opens again
        deadline = time.monotonic() + 10
        while True:
            with http.stream("GET", url) as again:
                if again.status_code == 200:
                    break
                assert again.status_code == 429 and time.monotonic() < deadline, "the closed streams were not released"
            time.sleep(0.1)
