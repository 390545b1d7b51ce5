"""The conversation's side of compliance alerts: ``/subscribe`` (the topics as toggle buttons and what is
kept), ``/subscribe <topic>`` (toggle one), ``/unsubscribe`` (all, one action), short free text about
订阅 / 预警 / subscribe / alerts, and ``/alert_ask <notice>`` (a notice's "ask about it" button), which
becomes a question for the knowledge base. Every channel gets the same replies; the store is behind
``ports.AlertBook``."""

from __future__ import annotations

import re

from assistant.ports import AlertBook
from assistant.reply import Reply, Suggestion

SUBSCRIBE = re.compile(r"^/subscribe(?:@\w+)?(?:\s+(.+))?$", re.I | re.S)
UNSUBSCRIBE = re.compile(r"^/unsubscribe(?:@\w+)?\s*$", re.I)
ASK = re.compile(r"^/alert_ask\s+(\d{1,12})\s*$", re.I)
TALK = re.compile(r"(订阅|预警|subscri|alerts?\b)", re.I)
STOP = re.compile(r"(退订|取消.{0,4}(订阅|预警)|不再.{0,4}(订阅|预警|推送)|unsubscribe|stop (the )?alerts)", re.I)
QUESTION = re.compile(r"[?？吗]|如何|怎么|什么|法律|规定|how|what|why", re.I)
TALK_MAX = 30

TEXT = {
    "zh": {"panel": "合规预警订阅：规则有变化时，我们会在本渠道通知您。点按主题可订阅或取消（✅ 为已订阅）。",
           "now": "当前订阅：{topics}。", "none": "当前没有订阅任何主题。", "off": "取消全部订阅",
           "added": "已订阅“{topic}”。", "removed": "已取消订阅“{topic}”。",
           "cleared": "已取消全部订阅，不会再收到合规预警；您的订阅记录已删除。需要时发送 /subscribe 重新订阅。",
           "nothing": "您没有订阅任何主题。发送 /subscribe 可选择主题。", "unknown": "没有找到这条通知。",
           "withdrawn": "这条通知已由发布方撤回，请以后续通知为准。"},
    "en": {"panel": "Compliance alerts: when rules change we tell you here. Tap a topic to subscribe or unsubscribe "
                    "(✅ = subscribed).",
           "now": "Subscribed: {topics}.", "none": "You are not subscribed to any topic.", "off": "Unsubscribe all",
           "added": "Subscribed to “{topic}”.", "removed": "Unsubscribed from “{topic}”.",
           "cleared": "Unsubscribed from everything: no more alerts, and your subscription record is deleted. "
                      "Send /subscribe to choose topics again.",
           "nothing": "You are not subscribed to any topic. Send /subscribe to choose some.",
           "unknown": "This notice was not found.",
           "withdrawn": "This notice was withdrawn by its publisher; later notices prevail."},
}


def panel(book: AlertBook, sid: str, lang: str, lead: str = "") -> Reply:
    """The topics as toggle buttons, the current choice, what is kept and for how long."""
    tx = TEXT[lang]
    have = book.of(sid)
    now = tx["now"].format(topics=book.label(have, lang)) if have else tx["none"]
    body = "\n\n".join(p for p in (lead, tx["panel"], now, book.kept(lang)) if p)
    buttons = [Suggestion(("✅ " if tid in have else "☐ ") + name, f"/subscribe {tid}", "message")
               for tid, name in book.choices(lang)]
    if have:
        buttons.append(Suggestion(tx["off"], "/unsubscribe", "message"))
    return Reply(sid, body, "menu", suggestions=buttons, data={"subscriptions": have})


def alerts_reply(book: AlertBook | None, sid: str, text: str, lang: str, form_active: bool) -> Reply | str | None:
    """A reply, a question to answer instead of ``text`` (``/alert_ask``), or None (not about alerts)."""
    if book is None:
        return None
    tx = TEXT[lang]
    if UNSUBSCRIBE.match(text) or (not form_active and len(text) <= TALK_MAX and STOP.search(text)
                                   and not QUESTION.search(text)):
        return Reply(sid, tx["cleared"] if book.clear(sid) else tx["nothing"], "menu",
                     suggestions=[Suggestion("/subscribe", "/subscribe", "message")], data={"subscriptions": []})
    asked = ASK.match(text)
    if asked:
        notice = book.notice_state(int(asked.group(1)))
        if notice is None or notice.withdrawn:
            return Reply(sid, tx["unknown" if notice is None else "withdrawn"], "fallback",
                         suggestions=[Suggestion("/subscribe", "/subscribe")])
        title = notice.title
        return (f"Regarding “{title}”: what does my enterprise need to do?" if lang == "en"
                else f"关于“{title}”，我的企业需要注意什么？")
    found = SUBSCRIBE.match(text)
    if found and found.group(1):
        name = found.group(1).strip()
        try:
            on = book.toggle(sid, name)
        except ValueError as exc:
            return panel(book, sid, lang, str(exc))
        topic = next((n for tid, n in book.choices(lang) if name.casefold() in (tid, n.casefold())), name)
        return panel(book, sid, lang, tx["added" if on else "removed"].format(topic=topic))
    if found or (not form_active and len(text) <= TALK_MAX and TALK.search(text) and not QUESTION.search(text)):
        return panel(book, sid, lang)
    return None
