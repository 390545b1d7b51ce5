"""The conversation's side of compliance alerts: ``/subscribe`` (the topics as toggle buttons and what is
kept), ``/subscribe <topic>`` (toggle one), ``/unsubscribe`` (all, one action; ``/unsubscribe <topic>``: that one),
short free text about 订阅 / 预警 / subscribe / alerts, and ``/alert_ask <notice>`` (a notice's "ask about it"
button), which becomes a question for the knowledge base. Every channel gets the same replies; the store is behind
``ports.AlertBook``.

Free text names topics the way people say them (``named_topics``: 水晶 for 水晶产业, 劳动 for 劳动用工, labour or labor
for "Labour and employment"): "取消订阅水晶" drops that topic only (everything only when no topic is named), "订阅水晶
产业预警" / "subscribe to labour alerts" subscribes to it. A topic the command names that does not exist gets the
list of topics, in the conversation's language. Markup or script ("<script>alert(1)</script>") is never alerts talk."""

from __future__ import annotations

import re

from assistant.ports import AlertBook
from assistant.reply import Reply, Suggestion

SUBSCRIBE = re.compile(r"^/subscribe(?:@\w+)?(?:\s+(.+))?$", re.I | re.S)
UNSUBSCRIBE = re.compile(r"^/unsubscribe(?:@\w+)?(?:\s+(.+))?\s*$", re.I | re.S)
ASK = re.compile(r"^/alert_ask\s+(\d{1,12})\s*$", re.I)
TALK = re.compile(r"(订阅|预警|subscri|alerts?\b)", re.I)
STOP = re.compile(r"(退订|取消.{0,4}(订阅|预警)|不再.{0,4}(订阅|预警|推送)|unsubscribe|"
                  r"(stop|no more) (the |my )?([a-z-]+ ){0,3}alerts)", re.I)
QUESTION = re.compile(r"[?？吗]|如何|怎么|什么|法律|规定|how|what|why", re.I)
TALK_MAX = 30
COMMAND_NAME_ZH = 4  # /subscribe 劳动: a topic said short; a longer name must be the topic's own
TALK_MAX_EN = 45  # English says the same in more characters ("subscribe to labour and tax alerts")
MARKUP = re.compile(r"<\s*/?\s*[a-z][^<>]*>|\balert\s*\(", re.I)  # HTML or script: "alert" is code, not alerts talk
# words of a topic's English name that say nothing of which topic it is
GENERIC_EN = {"industry", "related", "protection", "information", "work", "personal", "corporate", "and", "the"}

TEXT = {
    "zh": {"panel": "合规预警订阅：规则有变化时，我们会在本渠道通知您。点按主题可订阅或取消（✅ 为已订阅）。",
           "now": "当前订阅：{topics}。", "none": "当前没有订阅任何主题。", "off": "取消全部订阅",
           "added": "已订阅“{topic}”。", "removed": "已取消订阅“{topic}”。",
           "cleared": "已取消全部订阅，不会再收到合规预警；您的订阅记录已删除。需要时发送 /subscribe 重新订阅。",
           "nothing": "您没有订阅任何主题。发送 /subscribe 可选择主题。", "unknown": "没有找到这条通知。",
           "no_topic": "没有找到主题“{name}”。可订阅的主题：{topics}。", "not_had": "您没有订阅“{topic}”。",
           "withdrawn": "这条通知已由发布方撤回，请以后续通知为准。"},
    "en": {"panel": "Compliance alerts: when rules change we tell you here. Tap a topic to subscribe or unsubscribe "
                    "(✅ = subscribed).",
           "now": "Subscribed: {topics}.", "none": "You are not subscribed to any topic.", "off": "Unsubscribe all",
           "added": "Subscribed to “{topic}”.", "removed": "Unsubscribed from “{topic}”.",
           "cleared": "Unsubscribed from everything: no more alerts, and your subscription record is deleted. "
                      "Send /subscribe to choose topics again.",
           "nothing": "You are not subscribed to any topic. Send /subscribe to choose some.",
           "unknown": "This notice was not found.",
           "no_topic": "There is no topic “{name}”. The topics are: {topics}.",
           "not_had": "You are not subscribed to “{topic}”.",
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


def named_topics(book: AlertBook, text: str) -> list[str]:
    """The topic ids ``text`` names: a topic's id or name, its Chinese name's first two characters (水晶 for 水晶产业),
    or a telling word of its English name, spelt alike in its first four letters (labor / labour, contract)."""
    low = text.casefold()
    words = re.findall(r"[a-z]+", low)
    found = []
    for (tid, zh), (_, en) in zip(book.choices("zh"), book.choices("en"), strict=True):
        keys = {w for w in re.findall(r"[a-z]+", en.casefold()) if w not in GENERIC_EN and len(w) >= 3}
        english = any(w == k or (len(w) >= 4 and len(k) >= 4 and w[:4] == k[:4]) for w in words for k in keys | {tid})
        if zh in text or (len(zh) >= 2 and zh[:2] in text) or en.casefold() in low or english:
            found.append(tid)
    return found


def _lead(book: AlertBook, sid: str, lang: str, ids: list[str], on: bool) -> str:
    """Subscribe to (``on``) or unsubscribe from the topics ``ids``; what was done, in ``lang``."""
    tx = TEXT[lang]
    names = dict(book.choices(lang))
    have = book.of(sid)
    if on:
        book.add(sid, ids)
        return " ".join(tx["added"].format(topic=names[i]) for i in ids)
    for i in ids:
        if i in have:
            book.toggle(sid, i)
    return " ".join(tx["removed" if i in have else "not_had"].format(topic=names[i]) for i in ids)


def _command_topic(book: AlertBook, sid: str, name: str, lang: str, on: bool | None) -> Reply:
    """``/subscribe <topic>`` (``on`` None: toggle) or ``/unsubscribe <topic>`` (False): a topic named as the
    panel names it, or as people say it; else the list of topics."""
    tx = TEXT[lang]
    names = {tid: {tid, zh.casefold(), en.casefold()}
             for (tid, zh), (_, en) in zip(book.choices("zh"), book.choices("en"), strict=True)}
    exact = [tid for tid, keys in names.items() if name.casefold() in keys]
    short = len(name) <= COMMAND_NAME_ZH if re.search(r"[\u4e00-\u9fff]", name) else len(name.split()) <= 3
    ids = exact or (named_topics(book, name) if short else [])  # 劳动 is a topic; 劳动法律师 is none
    if len(ids) != 1:
        topics = "、".join(n for _, n in book.choices(lang)) if lang == "zh" else \
            ", ".join(n for _, n in book.choices(lang))
        return panel(book, sid, lang, tx["no_topic"].format(name=name[:40], topics=topics))
    if on is None:
        on = ids[0] not in book.of(sid)
    return panel(book, sid, lang, _lead(book, sid, lang, ids, on))


def alerts_reply(book: AlertBook | None, sid: str, text: str, lang: str, form_active: bool) -> Reply | str | None:
    """A reply, a question to answer instead of ``text`` (``/alert_ask``), or None (not about alerts)."""
    if book is None:
        return None
    tx = TEXT[lang]
    limit = TALK_MAX if re.search(r"[\u4e00-\u9fff]", text) else TALK_MAX_EN
    talk = not form_active and len(text) <= limit and not QUESTION.search(text) and not MARKUP.search(text)
    dropped = UNSUBSCRIBE.match(text)
    if dropped and dropped.group(1):
        return _command_topic(book, sid, dropped.group(1).strip(), lang, False)
    named = named_topics(book, text) if talk and not text.startswith("/") else []
    if talk and STOP.search(text) and named:  # 取消订阅水晶: that topic only
        return panel(book, sid, lang, _lead(book, sid, lang, named, False))
    if dropped or (talk and STOP.search(text)):
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
        return _command_topic(book, sid, found.group(1).strip(), lang, None)
    if talk and TALK.search(text) and named:  # 订阅水晶产业预警 / subscribe to labour alerts
        return panel(book, sid, lang, _lead(book, sid, lang, named, True))
    if found or (talk and TALK.search(text)):
        return panel(book, sid, lang)
    return None
