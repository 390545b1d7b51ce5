"""Which of our services fit a kind of enterprise or a topic: "涉外企业有哪些服务", "你们有哪些针对外贸企业的服务",
"What services do you offer for foreign companies?" (issue #11, no dead ends: the welcome menu answered them).

The question asks for services (``asks_for_services``: 哪些服务 / 什么服务 / 服务有哪些 at its end, "what / which …
services", "services … for …", in English put to us or asking which: "does the county provide any services for …"
asks whether, which the guides answer); the topic is what is left once the asking words and the words any enterprise
would say (企业, 公司, "companies", "legal" …) are taken away. A scenario or a category named (依法维权, 服务代办)
lists its services as its button does; else services are matched on the topic's words: in their name or tags first,
in their description else. Nothing matched: the menu, when the question is put to us (你们 / "you") or names no
topic; else the message is not ours, nor one that asks what someone must provide (物业公司应提供哪些服务 is a legal
question).
"""

from __future__ import annotations

import re

from assistant.menu import category_listing, menu
from assistant.reply import Suggestion
from assistant.services import service_name
from knowledge.catalogue import CATEGORIES, SCENARIOS, Catalogue, Service

MAX_CHARS_ZH = 40
MAX_WORDS_EN = 20
MAX_LISTED = 6
_ASK_ZH = re.compile(
    r"(哪些|什么|啥|哪几(个|项|类|种)|哪一些)[^，。,.？?！!]{0,16}?(服务|业务)(项目)?(可以(选|办|用|申请|点))?"
    r"[？?。！!呢吗啊呀]*$|"
    r"(服务|业务)(项目)?(都)?(有|包括)(哪些|什么|啥)[？?。！!呢吗啊呀]*$")
_ASK_EN = re.compile(r"\b(what|which|any)\b[^.?!]{0,40}\bservices\b|\bservices\b[^.?!]{0,30}\b(do you|you (offer|have|"
                     r"provide)|available|can you)\b", re.I)
# what someone must provide is the law's question (物业公司应当提供哪些服务), not a look at our list
_DUTY = re.compile(r"应当|应该|必须|应提供|须提供|有义务|"
                   r"\b(must|shall|should|required|obliged|have to|has to|need to)\b", re.I)
# what one thing is (企业法治体检是什么服务 / 属于哪类服务) asks about it, not for a list
_WHAT_IS = re.compile(r"(是|属于|算)(一)?(个|种|项|类)?(什么|啥|哪类|哪种|哪一类)(样|类型|性质)?的?(服务|业务)")
_WHICH_EN = re.compile(r"\b(what|which)\b")
_TO_US = re.compile(r"你们|您们|你这|您这|贵(单位|局|中心)|这里|这儿|平台|助手|\b(you|your)\b", re.I)
_FILLER_ZH = re.compile(r"哪些|哪一些|哪几个|哪几项|哪几类|哪几种|什么|啥|服务|业务|项目|包括|选|申请|点|请问|"
                        r"你们|您们|我们|咱们|这里|这儿|都|有|提供|能|可以|办|做|干|针对|面向|适合|对于|关于|给|为|"
                        r"企业|公司|单位|老板|厂|法律|法治|涉企|这种|这样|这类|那种|类|样|的|吗|呢|啊|呀|是|开|搞|"
                        r"[\s\W_\d]")
_FILLER_EN = frozenset(
    "a an the is are do does you your we our i my me us what which any kind kinds type types sort of for to there "
    "services service offer offered provide provided have has available can could legal help companies company firms "
    "firm businesses business enterprises enterprise like with in that who run own".split())
_WORD_EN = re.compile(r"[a-z0-9]+")


def asks_for_services(text: str, english: bool) -> bool:
    low = text.strip().lower()
    if english:  # "does the county provide any services for …" asks whether, which the guides answer
        return (len(low.split()) <= MAX_WORDS_EN and bool(_ASK_EN.search(low))
                and bool(_WHICH_EN.search(low) or _TO_US.search(low)))
    return len(low) <= MAX_CHARS_ZH and bool(_ASK_ZH.search(low))


def _topic(text: str, english: bool) -> str | list[str]:
    low = text.strip().lower()
    if english:
        return [w for w in _WORD_EN.findall(low) if w not in _FILLER_EN]
    return _FILLER_ZH.sub(" ", low).split()


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _score_zh(svc: Service, pieces: list[str]) -> int:
    """2 for a piece in the service's name or tags (or a tag in the piece), 1 for one in its description."""
    best = 0
    for p in pieces:
        if len(p) < 2:
            continue
        if p in svc.name or any(p in tag or (len(tag) >= 2 and tag in p) for tag in svc.tags):
            best = 2
        elif p in svc.summary:
            best = max(best, 1)
    return best


def _score_en(svc: Service, words: list[str]) -> int:
    named = {_stem(w) for term in (svc.name_en, *svc.tags) for w in _WORD_EN.findall(term.lower())}
    described = {_stem(w) for w in _WORD_EN.findall(svc.summary_en.lower())}
    stems = {_stem(w) for w in words}
    return 2 if stems & named else 1 if stems & described else 0


def matching(catalogue: Catalogue, text: str, english: bool) -> list[Service]:
    """The services whose name, tags or (failing those) description hold the topic's words."""
    topic = _topic(text, english)
    if not topic:
        return []
    scored = [(_score_en(s, list(topic)) if english else _score_zh(s, list(topic)), s) for s in catalogue.services]
    top = max((score for score, _ in scored), default=0)
    return [s for score, s in scored if score and score == top][:MAX_LISTED]


def services_for(catalogue: Catalogue, text: str, lang: str, english: bool) -> tuple[str, list[Suggestion],
                                                                                      list[str]] | None:
    """The services a question asks for (text, buttons, their ids); the menu when it asks us and none fits; None when
    the message asks for no services of ours."""
    if not asks_for_services(text, english) or _DUTY.search(text) or _WHAT_IS.search(text):
        return None
    for key in (*SCENARIOS, *CATEGORIES):
        if key in text or (english and (SCENARIOS.get(key) or CATEGORIES.get(key, "")).lower() in text.lower()):
            listing = category_listing(catalogue, key, lang)
            if listing is not None:
                return listing[0], listing[1], [s.id for s in (catalogue.by_scenario(key) if key in SCENARIOS
                                                                 else catalogue.by_category(key))]
    found = matching(catalogue, text, english)
    if not found:
        if _topic(text, english) and not _TO_US.search(text):
            return None
        body, suggestions = menu(catalogue, lang)
        return body, suggestions, []
    head = ("These of our services fit what you asked about:" if lang == "en" else "与您所问相关的服务有：")
    lines = [head]
    for svc in found:
        summary = svc.summary_en if lang == "en" else svc.summary
        lines.append(f"· {service_name(svc, lang)}：{summary}" if lang == "zh" else f"· {svc.name_en}: {summary}")
    lines.append("Tap one for its details and booking." if lang == "en" else "点击服务名称查看详情并预约。")
    suggestions = [Suggestion(service_name(svc, lang), f"/service {svc.id}", "service") for svc in found]
    return "\n".join(lines), suggestions, [s.id for s in found]
