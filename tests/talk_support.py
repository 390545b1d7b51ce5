"""Talking to the assistant in a test, through the engine or through HTTP (TestClient on api.app), and reading
what a conversation left behind: its state, the orders and the hand-off cases stored, the question a form asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from composition import Runtime
from db.models_chat import Handoff
from db.models_orders import Order
from orders.texts import ot

Say = Callable[[str], dict[str, Any]]


@contextmanager
def talking(rt: Runtime, channel: str, lang: str) -> Iterator[tuple[Say, Callable[[], str]]]:
    """``say(text)`` -> the reply as the HTTP API's JSON (through TestClient on api.app, or the engine's Reply in
    the same shape), and the session's id. The first message (the /order or /checkup command) names the language;
    every reply must say something."""
    sid: list[str] = []
    with ExitStack() as stack:
        client = stack.enter_context(TestClient(create_app(runtime=rt))) if channel == "http" else None

        def say(text: str) -> dict[str, Any]:
            lang_given = None if sid else lang
            if client is not None:
                body: dict[str, Any] = {"message": text}
                if sid:
                    body["session_id"] = sid[0]
                if lang_given:
                    body["lang"] = lang_given
                r = client.post("/api/v1/chat", json=body)
                assert r.status_code == 200, r.text
                data: dict[str, Any] = r.json()
            else:
                reply = rt.assistant.handle(sid[0] if sid else None, text, lang=lang_given)
                data = {"session_id": reply.session_id, "reply": reply.reply, "route": reply.route, "lang": reply.lang,
                        "data": reply.data, "handoff": reply.handoff,
                        "suggestions": [{"message": s.message, "label": s.label} for s in reply.suggestions]}
            if not sid:
                sid.append(data["session_id"])
            assert data["reply"].strip(), f"an empty reply to {text!r}"
            return data

        yield say, lambda: sid[0]


def state(rt: Runtime, sid: str) -> dict[str, Any]:
    return rt.conversations.get(sid).state


def orders(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Order)) or 0)


def cases(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Handoff)) or 0)


def question(form: dict[str, Any], lang: str, rt: Runtime) -> str:
    """What the form asks at its current step: the field's question, or the summary's head at the confirm step."""
    field = form["current"]
    if field is None:
        return ot("summary_head", lang)
    return ot("ask_consent", lang, days=rt.settings.order_retention_days) if field == "consent" else ot(
        f"ask_{field}", lang)
