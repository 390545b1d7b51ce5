"""The site gate over HTTP (TestClient on the real app and a SQLite store): CORS only for registered origins,
403 JSON for a site key from another origin or an unknown key, the site recorded on new conversations, and
the widget's assets (script, config, demo page)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.texts import t
from composition import Runtime
from db.models_chat import ChatSession
from sites import SiteInfo, Sites

GOOD = "https://sfj.example.gov.cn"
OTHER = "https://evil.example.com"
SERVICE = "/api/v1/services/contract-review"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


@pytest.fixture
def site(runtime: Runtime) -> SiteInfo:
    return Sites(runtime.db).add("pujiang", [GOOD, "http://127.0.0.1:8080"])


def headers(site: SiteInfo | None = None, origin: str | None = None, **extra: str) -> dict[str, str]:
    h = dict(extra)
    if site is not None:
        h["X-Qifa-Site-Key"] = site.key
    if origin is not None:
        h["Origin"] = origin
    return h


def preflight(client: TestClient, path: str, origin: str, request_headers: str = "content-type,x-qifa-site-key") -> Any:
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": request_headers})


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = r.json()["error"]
    assert error["code"] == code
    assert error["fields"] == [{"field": "site_key", "message": error["message"]}]  # the API's one error shape
    assert r.headers["x-request-id"]
    assert re.search(r"[\u4e00-\u9fff]", error["message"]) and re.search(r"[a-z]{3}", error["message"])
    return error


def test_preflight_is_answered_for_a_registered_origin_only(client: TestClient, site: SiteInfo) -> None:
    r = preflight(client, "/api/v1/chat", GOOD)
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == GOOD
    allowed = {h.strip().lower() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"x-qifa-site-key", "content-type", "last-event-id"} <= allowed
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "Origin" in r.headers["vary"]
    # the origin given with a default port and upper case is the same origin
    assert preflight(client, "/api/v1/orders", "https://SFJ.example.gov.cn:443").status_code == 204

    refused = preflight(client, "/api/v1/chat", OTHER)
    assert_error(refused, 403, "site_not_enabled")
    assert "access-control-allow-origin" not in refused.headers
    # staff endpoints never answer CORS, even for a registered origin
    staff = preflight(client, "/api/v1/handoffs", GOOD, "authorization")
    assert "access-control-allow-origin" not in staff.headers


def test_a_request_with_the_key_from_its_origin_gets_cors_and_records_the_site(
        client: TestClient, site: SiteInfo, runtime: Runtime) -> None:
    r = client.post("/api/v1/chat", json={"message": "你好"}, headers=headers(site, GOOD))
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == GOOD
    sid = r.json()["session_id"]
    assert Sites(runtime.db).site_of(sid) == site.id
    # a conversation from elsewhere (no key) names no site
    plain = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    assert Sites(runtime.db).site_of(plain) is None
    with runtime.db.session() as s:
        assert s.get(ChatSession, sid).site_id == site.id  # type: ignore[union-attr]

    got = client.get(SERVICE, headers=headers(site, GOOD))
    assert got.status_code == 200 and got.headers["access-control-allow-origin"] == GOOD
    # without an Origin header (a server, or a same-origin GET) the key is accepted, without CORS headers
    server = client.get(SERVICE, headers=headers(site))
    assert server.status_code == 200 and "access-control-allow-origin" not in server.headers


def test_a_key_from_another_origin_or_an_unknown_key_is_refused(client: TestClient, site: SiteInfo,
                                                                  runtime: Runtime) -> None:
    before = len(Sites(runtime.db).list())
    with runtime.db.session() as s:
        sessions = s.query(ChatSession).count()
    r = client.post("/api/v1/chat", json={"message": "你好"}, headers=headers(site, OTHER))
    error = assert_error(r, 403, "site_not_enabled")
    assert OTHER in error["message"] and "not enabled for this site" in error["message"]
    # the refusal is readable by the page, so that the widget can say why
    assert r.headers["access-control-allow-origin"] == OTHER

    unknown = client.post("/api/v1/chat", json={"message": "你好"},
                          headers={"X-Qifa-Site-Key": "qs_not-a-registered-key", "Origin": GOOD})
    assert_error(unknown, 403, "unknown_site_key")
    assert_error(client.get(SERVICE, headers={"X-Qifa-Site-Key": "<script>", "Origin": GOOD}), 403,
                 "unknown_site_key")
    # the site key in the query (EventSource cannot send headers) is checked the same way
    assert_error(client.get(f"/api/v1/widget/config?site_key={site.key}", headers={"Origin": OTHER}), 403,
                 "site_not_enabled")
    # nothing was written by the refused requests
    with runtime.db.session() as s:
        assert s.query(ChatSession).count() == sessions
    assert len(Sites(runtime.db).list()) == before


def test_a_removed_site_is_refused_at_once(client: TestClient, site: SiteInfo, runtime: Runtime) -> None:
    assert client.get(SERVICE, headers=headers(site, GOOD)).status_code == 200
    Sites(runtime.db).remove(site.name)
    assert_error(client.get(SERVICE, headers=headers(site, GOOD)), 403, "unknown_site_key")
    assert preflight(client, "/api/v1/chat", GOOD).status_code == 403


def test_events_take_the_key_from_the_query_and_check_the_origin(client: TestClient, site: SiteInfo) -> None:
    sid = client.post("/api/v1/chat", json={"message": "你好"}, headers=headers(site, GOOD)).json()["session_id"]
    url = f"/api/v1/sessions/{sid}/events?site_key={site.key}"
    refused = client.get(url, headers={"Origin": OTHER})
    assert_error(refused, 403, "site_not_enabled")
    # an EventSource reconnecting with Last-Event-ID is preflighted
    ok = client.options(url, headers={"Origin": GOOD, "Access-Control-Request-Method": "GET",
                                      "Access-Control-Request-Headers": "last-event-id"})
    assert ok.status_code == 204 and "last-event-id" in ok.headers["access-control-allow-headers"].lower()
    # a POST does not take the key from the query
    post = client.post(f"/api/v1/chat?site_key={site.key}", json={"message": "你好"}, headers={"Origin": OTHER})
    assert post.status_code == 200 and "access-control-allow-origin" not in post.headers


def test_widget_config_names_the_site_and_the_retention_period(client: TestClient, site: SiteInfo,
                                                               runtime: Runtime) -> None:
    r = client.get(f"/api/v1/widget/config?site_key={site.key}", headers={"Origin": GOOD})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == GOOD
    config = r.json()
    assert config.pop("labels")  # see test_widget_config_pairs_the_engines_button_labels
    assert config == {"site": "pujiang", "retention_days": runtime.settings.order_retention_days,
                      "max_message_chars": runtime.settings.max_message_chars, "delete_conversation": True}
    assert client.get("/api/v1/widget/config").json()["site"] is None  # the same-origin demo page


def suggestion_labels(client: TestClient, message: str, lang: str) -> list[str]:
    r = client.post("/api/v1/chat", json={"message": message, "lang": lang})
    assert r.status_code == 200
    return [s["label"] for s in r.json()["suggestions"]]


def test_widget_config_pairs_the_engines_button_labels(client: TestClient) -> None:
    """After a switch of the widget's language the buttons on screen are shown as the engine writes them in the
    other language: the config pairs each fixed label of the engine's (the menu's, a clarifying question's)
    with its other language, Chinese first, and names no label with a name to fill in."""
    pairs = client.get("/api/v1/widget/config").json()["labels"]
    to_en = {p["zh"]: p["en"] for p in reversed(pairs)}  # the first pair wins, as in the widget
    to_zh = {p["en"]: p["zh"] for p in reversed(pairs)}
    zh, en = suggestion_labels(client, "/menu", "zh"), suggestion_labels(client, "/menu", "en")
    assert len(zh) == len(en) > 5  # the categories, the scenarios, the self-check
    assert [to_en[z] for z in zh] == en and [to_zh[e] for e in en] == zh
    for key in ("clarify_legal", "clarify_order", "clarify_human", "back_label", "keep_asking_label"):
        assert to_en[t(key, "zh")] == t(key, "en")  # the labels of a question asked back, of a hand-off
    assert {"zh": "是", "en": "Yes"} in pairs and {"zh": "放弃本次预约", "en": "Drop this booking"} in pairs
    assert not any("{" in p["zh"] + p["en"] for p in pairs)


def test_widget_script_is_small_cacheable_and_inserts_text_only(client: TestClient) -> None:
    r = client.get("/widget.js")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age" in r.headers["cache-control"] and r.headers["etag"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert len(gzip.compress(r.content)) < 40_000
    source = r.text
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert banned not in source, banned
    assert client.get("/widget.js", headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_demo_page_embeds_the_widget_under_a_strict_csp(client: TestClient) -> None:
    r = client.get("/demo")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert '<script src="/widget.js"' in r.text and "司法局" in r.text
    assert "<style" not in r.text and "style=" not in r.text  # the page itself obeys its CSP
    assert client.get("/demo/demo.css").headers["content-type"].startswith("text/css")
