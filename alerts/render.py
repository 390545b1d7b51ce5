"""A notice as a subscriber reads it: the title, the cited change, the body, the links and the actions
(ask about it, order a service, manage the subscription), in the conversation's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.topics import Topics

ASK = "/alert_ask"  # the engine turns "/alert_ask <notice id>" into a question about the notice
WEB_ROUTE = "alert"  # the route of a notice's message in a web conversation
WITHDRAWN_TEXT = "📢 此合规预警已由发布方撤回。/ This compliance alert was withdrawn by its publisher."


@dataclass
class Action:
    label: str
    message: str  # what the channel sends to the engine when it is picked


@dataclass
class NoticeMessage:
    notice_id: int
    title: str
    body: str
    topics: list[str]
    links: list[str]
    document_id: str | None
    change: str


def notice_text(n: NoticeMessage, topics: Topics, lang: str) -> str:
    head = "📢 合规预警" if lang == "zh" else "📢 Compliance alert"
    names = topics.label(n.topics, lang)
    lines = [f"{head} · {names}", n.title]
    if n.document_id:
        lines.append(("所涉文件：" if lang == "zh" else "Document concerned: ") + n.document_id)
    lines += ["", n.body]
    if n.links:
        lines += ["", ("链接：" if lang == "zh" else "Links:"), *n.links]
    lines += ["", "回复 /subscribe 管理订阅，/unsubscribe 取消全部订阅。" if lang == "zh"
              else "Send /subscribe to manage your topics, /unsubscribe to stop all alerts."]
    return "\n".join(lines)


def notice_actions(n: NoticeMessage, lang: str) -> list[Action]:
    if lang == "en":
        return [Action("Ask about it", f"{ASK} {n.notice_id}"), Action("Order a service", "/order"),
                Action("My alert topics", "/subscribe")]
    return [Action("就此提问", f"{ASK} {n.notice_id}"), Action("预约服务", "/order"), Action("管理订阅", "/subscribe")]


def web_citation(n: NoticeMessage, lang: str) -> dict[str, Any]:
    """What the widget needs beside the text (kept in the message's ``citations``): the notice and its actions."""
    return {"notice_id": n.notice_id, "title": n.title, "source": n.document_id or "", "locator": "",
            "links": n.links, "topics": n.topics, "change": n.change,
            "actions": [{"label": a.label, "message": a.message} for a in notice_actions(n, lang)]}
