"""Business rules that belong to the engine, the same in every channel: the personal-data notice on a session's
first reply, and the session's language (``/lang``) kept as engine state."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from assistant.texts import t
from composition import Runtime
from db.models_chat import ChatSession


@pytest.mark.parametrize("channel", ["cli", "web", "telegram"])
def test_the_first_reply_of_a_new_session_carries_the_notice_once(runtime: Runtime, channel: str) -> None:
    external = "42" if channel == "telegram" else None
    first = runtime.assistant.handle(None, "你好", channel=channel, external_id=external)
    assert first.notice == t("privacy", "zh") and t("privacy", "zh") not in first.reply
    again = runtime.assistant.handle(first.session_id, "你好", channel=channel)
    assert again.notice is None


def test_the_notice_is_in_the_language_of_the_first_reply(runtime: Runtime) -> None:
    assert runtime.assistant.handle(None, "/menu", lang="en").notice == t("privacy", "en")


def test_lang_sets_the_sessions_language_for_the_messages_that_follow(runtime: Runtime) -> None:
    a = runtime.assistant
    sid = a.handle(None, "你好").session_id
    chosen = a.handle(sid, "/lang en")
    assert (chosen.reply, chosen.lang) == (t("lang_set", "en"), "en")
    assert a.handle(sid, "服务清单").lang == "en"  # the choice wins over the message's own language
    assert a.handle(sid, "/menu", lang="zh").lang == "zh"  # an explicit language still wins for one message
    assert a.handle(sid, "/lang xx").reply == t("lang_usage", "en")  # refused: the choice stays
    assert a.handle(sid, "/lang zh").lang == "zh"
    assert a.handle(sid, "What is the menu?").lang == "zh"


def test_the_chosen_language_is_read_back_by_channel_and_chat(runtime: Runtime) -> None:
    a = runtime.assistant
    assert a.language("telegram", "7", "en") == "en"  # no session yet: the fallback
    a.handle(None, "/lang en", channel="telegram", external_id="7")
    assert a.language("telegram", "7", "zh") == "en"
    assert a.handle(None, "你好", channel="telegram", external_id="7", hint="zh").lang == "en"


def test_a_sticky_message_continues_in_the_conversations_language(runtime: Runtime) -> None:
    a = runtime.assistant
    sid = a.handle(None, "What services do you offer?").session_id
    assert a.handle(sid, "/menu", sticky=True).lang == "en"
    assert a.handle(sid, "/menu", hint="zh").lang == "zh"


def test_an_order_over_http_opens_no_session_when_it_is_refused(runtime: Runtime) -> None:
    def sessions() -> int:
        with runtime.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(ChatSession)) or 0)

    with TestClient(create_app(runtime=runtime)) as client:
        service = client.get("/api/v1/services").json()[0]["id"]
        assert client.post("/api/v1/orders", json={"service_id": "no-such-service"}).status_code == 404
        assert client.post("/api/v1/orders", json={"service_id": service, "phone": "123"}).status_code == 422
        assert sessions() == 0
        ok = client.post("/api/v1/orders", json={
            "service_id": service, "enterprise_name": "义乌测试有限公司", "credit_code": "91440300708461136T",
            "contact_name": "张三", "phone": "13800138000", "description": "合同审查", "consent": True})
        assert ok.status_code == 201, ok.text
        assert sessions() == 1 and ok.json()["channel"] == "web"


def test_a_command_keeps_the_conversations_language(runtime: Runtime) -> None:
    a = runtime.assistant
    zh = a.handle(None, "你们提供哪些服务？").session_id
    assert a.handle(zh, "/menu").lang == "zh"  # a command's Latin letters do not make it English
    en = a.handle(None, "What services do you offer?").session_id
    assert a.handle(en, "/menu").lang == "en"
    assert a.handle(None, "/menu").lang == "zh"  # alone in a new conversation: Chinese first
