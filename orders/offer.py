"""The reply to a booking of a service that isn't offered (我要注册公司, /order nonexistent): it says so first, then
lists the services that are, by category, in full, instead of the whole greeting. A booking that names nothing
(我想预约 / "/order") gets the same list, headed "choose one"."""

from __future__ import annotations

import re

from assistant.reply import Reply, Suggestion
from knowledge.catalogue import CATEGORIES, Catalogue
from orders.texts import ot

# the words of asking to book: what is left once they are gone is the thing asked for
_ASKING = re.compile(
    r"^/order(?:@\w+)?|我们|我|想要|想|要|需要|预约|预订|办理|办个|办|申请|一下|一个|帮忙|帮|请|麻烦|服务|可以吗|吗|"
    r"(?<![\w-])(?:i'?d|i|we|would|like|want|need|to|please|book|booking|order|service|can|you|help|me|for|us)"
    r"(?![\w-])",
    re.I)
ASKED_MAX = 20  # longer than this, what is left is no service's name: the reply names nothing
# a clause break or a question word left over: what is left is a sentence, not a service's name (注销这个公司，怎么)
_NOT_A_NAME = re.compile(r"[，,；;？?]|怎么|如何|哪些|什么|多少|了解|知道|流程|\b(?:how|what|which|where|when)\b", re.I)


def asked_for(text: str) -> str:
    """What the booking asks for, once the words of asking are gone ('' when nothing is left)."""
    left = re.sub(r"\s+", " ", _ASKING.sub(" ", text)).strip(" 。.!！?？,，:：'\"“”")
    return re.sub(r"^(?:a|an|the)\s+", "", left, flags=re.I)


def not_offered(sid: str, text: str, lang: str, catalogue: Catalogue) -> Reply:
    asked = asked_for(text)
    if not asked:
        head = ot("offered_head", lang)
    elif len(asked) <= ASKED_MAX and not _NOT_A_NAME.search(asked):
        head = ot("not_offered", lang, asked=asked) + "\n" + ot("offered_head", lang)
    else:
        head = ot("not_offered_plain", lang) + "\n" + ot("offered_head", lang)
    lines = [head]
    suggestions: list[Suggestion] = []
    for cat in catalogue.categories():
        services = catalogue.by_category(cat)
        if lang == "en":
            lines.append(f"· {CATEGORIES[cat]}: " + ", ".join(s.name_en for s in services))
        else:
            lines.append(f"· {cat}：" + "、".join(s.name for s in services))
        suggestions.append(Suggestion(f"{cat} {CATEGORIES[cat]}" if lang == "en" else cat, f"/category {cat}",
                                      "category"))
    lines.append(ot("offered_foot", lang))
    return Reply(sid, "\n".join(lines), "order", suggestions=suggestions,
                 data={"not_offered": asked or None, "services": [s.id for s in catalogue.services]})
