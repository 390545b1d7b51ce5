"""What a message typed into the order form is, before any field sees it: a request to the form (change an item,
stop), a question or another booking typed where a name is asked, or a "yes" at the consent and confirm steps.

Free-text fields take almost anything, so the form must know what is *not* a value: a name is short and asks
nothing, and a change request names the item to change ("修改 电话"); "修改劳动合同模板…" at the description is
the user's account, not a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.router import asks_a_question
from orders.texts import FIELD_ALIASES

NAME_FIELDS = ("enterprise_name", "contact_name")  # free text, but a name: short, and no question
# a name is at most this long with a question's shape (张三？ is a name said with doubt; a question is longer)
NAME_QUESTION_MIN = 6
# an enterprise's name ends with what it is: however it reads, that is a name (谁家小吃店, "Who's Who Ltd")
ORG_SUFFIX = re.compile(r"(公司|厂|店|行|社|中心|部|所|馆|院|坊|场|园|站|室|集团|商行|工作室|"
                        r"\bco\.?|\bltd\.?|\binc\.?|\bllc|\bcorp\.?|\bcompany|\bgroup|\bstudio|\bfactory)\W*$", re.I)
_QUESTION_END = re.compile(r"([?？]|[吗呢么嘛][。.!！?？]*)\s*$")
# asking to book: a verb of booking (the service it names is the catalogue's business)
BOOKING = re.compile(r"(预约|预订|办理|申请|我要约|帮我约|想约|\bbook(ing)?\b|\border\b|\bschedule\b|\bsign me up\b)",
                     re.I)
# words that stop the booking: the form's cancel words
BOOKING_CANCEL_WORDS = frozenset({"取消预约", "放弃预约", "不约了", "不预约了", "cancel the booking",
                                  "cancel my booking", "cancel booking"})
CANCEL_WORDS = BOOKING_CANCEL_WORDS | {
    "取消", "不办了", "算了", "放弃", "退出", "不要了", "不用了", "不需要了", "不填了", "不弄了",
    "cancel", "stop", "quit", "exit", "never mind", "nevermind", "forget it",
}
_EDIT_VERB = (r"(?:我要|我想|请|帮我)?(?:修改|更改|更正|改一下|改改|改)"
              r"|(?:i want to |i'd like to |please )?(?:change|edit|correct|fix)\b")
EDIT_RE = re.compile(rf"^(?:{_EDIT_VERB})\s*(?P<rest>.*)$", re.I | re.S)
# between the item and a new value given in the same message: 修改 电话为139…, change phone to 139…
_VALUE_SEP = re.compile(r"^\s*(?:[:：]|改为|改成|为|成|\bto\b)\s*", re.I)
_LABEL_SEP = re.compile(r"^\s*[:：]\s*")
_ARTICLE = re.compile(r"^(?:the|my|our|a)\s+", re.I)
_FILLER = "。.!！?？ 　,，"
# a "yes" is these words, one or more (对的，提交吧), each with its polite ending (吧, please)
CONFIRM_WORDS = frozenset({
    "确认", "确认提交", "提交", "确定", "确定提交", "没问题", "没有问题", "对", "对的", "是", "是的", "好", "好的",
    "可以", "行", "没错", "无误", "确认无误", "正确", "都对", "同意", "就这样", "提交吧",
    "confirm", "confirmed", "submit", "submit it", "yes", "yes please", "yep", "yeah", "ok", "okay", "sure",
    "looks good", "looks right", "all good", "all correct", "correct", "that's right", "that is right", "go ahead",
    "fine", "right", "send it", "confirm it", "agreed", "agree", "i agree",
})
_POLITE_END = re.compile(r"(吧|啊|呀|了|哦|哈|嘛|呢|啦|的吧|\s+please|\s+thanks|\s+thank you|\s+then)$", re.I)
_POLITE_START = re.compile(r"^(please\s+|嗯|那就|那|就)", re.I)


@dataclass(frozen=True)
class EditRequest:
    """A change request: the item named (None: none named, so ask which) and a new value given with it."""

    field: str | None
    value: str = ""


def bare(text: str) -> str:
    """The message without its surrounding punctuation, in lower case: what is compared with word lists."""
    return text.strip().strip(_FILLER).lower()


def _item(rest: str, free_text: bool) -> tuple[str, str] | None:
    """The field an edit request names at its start, and a new value given after it; None when it names none.
    At a free-text field only "item：value" gives a value (修改公司为… may be an account of the matter)."""
    s = rest.strip().strip(_FILLER)
    article = _ARTICLE.match(s)
    s = s[article.end():] if article else s
    low = s.lower()
    for alias in sorted(FIELD_ALIASES, key=len, reverse=True):
        if not low.startswith(alias):
            continue
        after = s[len(alias):]
        if not after.strip(_FILLER):
            return FIELD_ALIASES[alias], ""
        sep = (_LABEL_SEP if free_text else _VALUE_SEP).match(after)
        if sep and (not alias.isascii() or after[:1] in " :："):  # "phone to …", not "phonetic"
            return FIELD_ALIASES[alias], after[sep.end():].strip()
    return None


def edit_request(text: str, free_text: bool) -> EditRequest | None:
    """A change request (修改 电话 / edit phone / 修改电话为139… / change phone to 139…), or None when the message is
    none. A bare 修改 / edit asks which item. At a field that takes free text, a message starting with 修改 that
    names no item is the value (修改劳动合同模板，增加保密条款); elsewhere it is a request naming an unknown item."""
    m = EDIT_RE.match(text.strip())
    if not m:
        return None
    rest = m.group("rest").strip()
    if not rest.strip(_FILLER):
        return EditRequest(None)
    item = _item(rest, free_text)
    if item is not None:
        return EditRequest(item[0], item[1])
    return None if free_text else EditRequest("", rest)


def is_cancel(text: str) -> bool:
    """Whether every clause of the message is a word that stops the form (取消 / 算了，取消预约 / "never mind, cancel
    the booking")."""
    return clause_words(text, CANCEL_WORDS) is not None


def cancels_the_booking(text: str) -> bool:
    """Whether the message stops the form and one of its clauses names the booking (算了，不约了 / "forget it, cancel
    my booking")."""
    words = clause_words(text, CANCEL_WORDS)
    return words is not None and any(w in BOOKING_CANCEL_WORDS for w in words)


def says_yes(text: str, words: frozenset[str] = CONFIRM_WORDS) -> bool:
    """Whether every clause of the message is one of ``words`` (没问题 / 对的，提交吧 / "ok, submit it")."""
    return clause_words(text, words) is not None


def clause_words(text: str, words: frozenset[str]) -> list[str] | None:
    """The message's clauses as the words of ``words`` they are, once a polite start or end is dropped (对的，提交吧 ->
    对的, 提交); None when a clause is something else or the message is empty."""
    parts = [p.strip() for p in re.split(r"[，,。.!！;；、~～]+", text.strip().lower()) if p.strip()]
    if not parts:
        return None
    found: list[str] = []
    for part in parts:
        word = _POLITE_START.sub("", part).strip()
        half = len(word) // 2
        if word[:half] == word[half:] and word[:half] in words:  # 算了算了
            word = word[:half]
        while word not in words:
            shorter = _POLITE_END.sub("", word).strip()
            if shorter == word or not shorter:
                return None
            word = shorter
        found.append(word)
    return found


def not_a_name(text: str) -> bool:
    """Whether a message typed where a name is asked is clearly something else: a question (a question mark, 吗 / 呢
    at the end, or a question's words) longer than a name with doubt, and not ending as an enterprise's name does."""
    word = text.strip()
    if ORG_SUFFIX.search(word) or len(word.strip(_FILLER)) < NAME_QUESTION_MIN:
        return False
    return bool(_QUESTION_END.search(word)) or asks_a_question(word)


def asks_to_book(text: str) -> bool:
    """Whether the message asks for a booking (预约合同审查 / "book a contract review"): the verb is enough here, as a
    name never has one."""
    return bool(BOOKING.search(text)) and not ORG_SUFFIX.search(text.strip())


def labelled(text: str, field: str) -> str | None:
    """The value of a message that names its field first (企业名称：谁来帮帮忙有限公司 / "name: …"): however it reads,
    that is the value. None when the message does not start so."""
    m = re.match(r"^\s*([^:：]{1,20})\s*[:：]\s*(.+)$", text, re.S)
    if not m:
        return None
    name = _ARTICLE.sub("", m.group(1).strip().lower())
    return m.group(2).strip() if FIELD_ALIASES.get(name) == field or name == field else None
