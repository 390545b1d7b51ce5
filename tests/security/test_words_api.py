"""Staff edit the sensitive-word list and read the review log of blocked messages over the API (curators and
admins only; changes audited; bad edits refused with a JSON error and nothing written)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime

PW = "words-pass-123"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    for name, role in (("chen", "curator"), ("wang", "adviser"), ("root", "admin")):
        runtime.accounts.add(name, role, PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def login(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PW})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_curators_edit_the_list_and_the_engine_applies_it_at_once(client: TestClient, runtime: Runtime) -> None:
    chen = login(client, "chen")
    listed = client.get("/api/v1/moderation/words", headers=chen).json()
    assert listed["staff"] == [] and len(listed["shipped"]) >= 10
    r = client.post("/api/v1/moderation/words", json={"word": " 红包返现 "}, headers=chen)
    assert r.status_code == 201 and r.json() == {"word": "红包返现"}
    assert client.get("/api/v1/moderation/words", headers=chen).json()["staff"] == ["红包返现"]
    reply = client.post("/api/v1/chat", json={"message": "加微信领红包返现，电话13812345678"}).json()
    assert "红包返现" not in str(reply)
    blocked = client.get("/api/v1/moderation/blocked", headers=chen).json()
    assert [(b["kind"], b["word"], b["session_id"]) for b in blocked] == [("input", "红包返现", reply["session_id"])]
    assert "138****5678" in blocked[0]["text"] and "13812345678" not in blocked[0]["text"]  # masked for review
    r = client.delete("/api/v1/moderation/words/红包返现", headers=chen)
    assert r.status_code == 200 and r.json() == {"word": "红包返现"}
    assert runtime.words.find("红包返现") is None  # off the list at once in this worker
    actions = [(e.action, e.target, e.actor) for e in runtime.audit.entries()]
    assert ("word.add", "红包返现", "chen") in actions and ("word.remove", "红包返现", "chen") in actions


def test_bad_edits_are_refused_with_json_errors(client: TestClient, runtime: Runtime) -> None:
    root = login(client, "root")
    client.post("/api/v1/moderation/words", json={"word": "刷单"}, headers=root)
    cases = [
        ("POST", "/api/v1/moderation/words", {"word": "刷单"}, 409, "duplicate_word"),
        ("POST", "/api/v1/moderation/words", {"word": "   "}, 422, "invalid_word"),
        ("POST", "/api/v1/moderation/words", {"word": "长" * 101}, 422, "invalid_word"),
        ("POST", "/api/v1/moderation/words", {"word": 5}, 422, "invalid_request"),
        ("POST", "/api/v1/moderation/words", {}, 422, "invalid_request"),
        ("DELETE", "/api/v1/moderation/words/不在表中", None, 404, "unknown_word"),
        ("GET", "/api/v1/moderation/blocked?days=0", None, 422, "invalid_request"),
    ]
    for method, url, body, status, code in cases:
        r = client.request(method, url, json=body, headers=root)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (url, body, r.text)
        assert r.json()["error"]["message"]
    shipped = client.get("/api/v1/moderation/words", headers=root).json()["shipped"][0]
    r = client.delete(f"/api/v1/moderation/words/{shipped}", headers=root)
    assert r.status_code == 404 and "shipped" in r.json()["error"]["message"]  # the shipped list stays
    assert runtime.words.staff_words() == ["刷单"]


def test_only_curators_and_admins(client: TestClient) -> None:
    wang = login(client, "wang")
    for method, url in (("GET", "/api/v1/moderation/words"), ("GET", "/api/v1/moderation/blocked"),
                        ("DELETE", "/api/v1/moderation/words/x")):
        assert client.request(method, url).status_code == 401
        assert client.request(method, url, headers=wang).status_code == 403
    r = client.post("/api/v1/moderation/words", json={"word": "x"}, headers=wang)
    assert r.status_code == 403 and r.json()["error"]["message"]
