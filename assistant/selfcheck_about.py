"""Questions about the self-check itself ("自测要多久？", "自测收费吗", "What does the self-check cover?"), answered
from its own definition: the questionnaires the desk holds (their titles, summaries and number of questions) and what
the self-check is (about ten minutes of yes / no / unsure questions in this conversation, a report at the end, free).
They were read as out of scope, or handed off for want of a source (issue #11, no dead ends). The reply offers the
/checkup button, like the menu's.

The quiz is named (自测, "self-check", "self-assessment", "quiz"; not 自查, any self-inspection, nor a medical
"check-up") and something about it is asked (its time, its fee, what it covers); a booking (预约) is the on-site
check's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.reply import Reply, Suggestion
from checkups import Checkups, Questionnaire

MAX_CHARS_ZH = 30
MAX_WORDS_EN = 16
# no \b: "self-check要做多少题" glues the English word to Chinese characters, which are word characters too
QUIZ = re.compile(r"自测|(?<![a-z])self[- ]?(check(-?up)?|assessment|test)s?(?![a-z])|(?<![a-z])quiz(?![a-z])", re.I)
BOOKING = re.compile(r"预约|\bbook(ing)?\b", re.I)
ASPECTS: dict[str, re.Pattern[str]] = {
    "time": re.compile(r"多久|多长时间|几分钟|多少分钟|花多少时间|要多少时间|几道题|多少题|多少道|\b(how long|how many "
                       r"questions|how much time|minutes)\b", re.I),
    "fee": re.compile(r"收费|免费|要钱|花钱|付费|多少钱|费用|\b(free|cost|costs|fees?|charge[sd]?|pay|price)\b", re.I),
    "scope": re.compile(r"包括|包含|涵盖|覆盖|内容|测什么|测哪些|查什么|查哪些|哪些方面|哪些领域|是什么|干什么|"
                        r"有什么用|"
                        r"\b(cover|covers|include|includes|involve|involves|about|what is|what's|areas?|topics?)\b",
                        re.I),
}
TEXT: dict[str, dict[str, str]] = {
    "time": {"zh": "法治体检自测约需十分钟：在本对话中逐题回答“是 / 否 / 不确定”，答完即得到风险报告。",
             "en": "The legal health self-check takes about ten minutes: yes / no / unsure questions in this "
                   "conversation, with the risk report as soon as you finish."},
    "fee": {"zh": "法治体检自测免费：在本对话中在线完成，不收取任何费用，报告也可免费下载 PDF。",
            "en": "The legal health self-check is free: you take it online in this conversation, and the report "
                  "(PDF too) costs nothing."},
    "scope": {"zh": "法治体检自测按问卷逐题排查企业的法律风险，最后给出附法律依据的风险报告（可下载 PDF）"
                    "和建议的服务。",
              "en": "The legal health self-check goes through a questionnaire on your enterprise's legal risks, "
                    "then gives a risk report citing the law (PDF available) with the services it recommends."},
    "list": {"zh": "可选问卷：", "en": "Questionnaires:"},
    "go": {"zh": "点击下方按钮即可开始。", "en": "Tap below to start."},
    "label": {"zh": "开始法治体检自测", "en": "Start the self-check"},
}


def asked_about(text: str, english: bool) -> str | None:
    """What a question about the self-check asks (time, fee, scope); None when it is no such question."""
    low = text.strip()
    if (english and len(low.split()) > MAX_WORDS_EN) or (not english and len(low) > MAX_CHARS_ZH):
        return None
    if not QUIZ.search(low) or BOOKING.search(low):
        return None
    return next((key for key, pattern in ASPECTS.items() if pattern.search(low)), None)


def about_reply(sid: str, aspect: str, lang: str, questionnaires: list[tuple[Questionnaire, int]]) -> Reply:
    """The answer first, then each questionnaire with its summary and number of questions, and the /checkup button."""
    lines = [TEXT[aspect][lang], TEXT["list"][lang]]
    for qn, count in questionnaires:
        if lang == "en":
            lines.append(f"· {qn.title_en} (about {count} questions): {qn.summary_en}")
        else:
            lines.append(f"· {qn.title}（约 {count} 题）：{qn.summary}")
    lines.append(TEXT["go"][lang])
    return Reply(sid, "\n".join(lines), "answer", suggestions=[Suggestion(TEXT["label"][lang], "/checkup", "checkup")],
                 data={"checkup_about": aspect})


def about_the_self_check(desk: Checkups, sid: str, text: str, lang: str, english: bool,
                         count: Callable[[Questionnaire], int]) -> Reply | None:
    """The reply to a question about the self-check; None for any other message. ``count``: a questionnaire's
    number of questions (as the self-check announces them when it starts), asked only for such a question (every
    message passes here: counting them for all took 0.3 ms a message)."""
    aspect = asked_about(text, english)
    if aspect is None:
        return None
    return about_reply(sid, aspect, lang, [(qn, count(qn)) for qn in desk.all()])
