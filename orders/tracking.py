"""Order tracking asked in words: an order number anywhere in a message (its status, or cancelling it when the
message says so), and a request to cancel "my order" with no number (the orders are listed with their buttons).

Only the user's own request counts: 取消订单要付违约金吗 / "can a buyer cancel an order" are legal questions, so the
request without a number must be the whole (short) message, with the user as the one who cancels.
"""

from __future__ import annotations

import re

from orders.desk import NUMBER_RE

_WHICH = r"(?:我的|我们的|这个|那个|这笔|刚才的?|刚刚的?|刚才那个|之前的?|上一个|最近的?|该)?"
_WHAT = r"(?:订单|预约|单子|服务预约)"
_VERB = r"(?:取消|撤销|撤回|退掉|作废)(?:掉|一下)?"
_END = r"(?:吧|了|啊|呀|吗|么)*[。.!！?？~～]*"
_CANCEL_MINE_ZH = re.compile(
    rf"^(?:请|麻烦你?|能|可以|能不能|可不可以)?(?:我|我们)?(?:要|想|想要|需要|得)?(?:请|麻烦你?|帮我|帮忙|给我)?"
    rf"(?:把)?{_WHICH}{_WHAT}?(?:给我)?{_VERB}{_WHICH}{_WHAT}?{_END}$"
    rf"|^(?:我|我们)?(?:不想要|不要|不需要|不想)了?{_WHICH}{_WHAT}了?{_END}$"
    rf"|^{_WHICH}{_WHAT}(?:我|我们)?(?:不要了|不想要了|不需要了|不用了|不办了|取消吧|取消掉吧?|撤销吧){_END}$")
_CANCEL_MINE_EN = re.compile(
    r"^(?:please\s+)?(?:(?:i|we)\s+(?:want|would like|'d like|need)\s+to\s+|(?:can|could)\s+you\s+(?:please\s+)?|"
    r"help me\s+|i'?d like you to\s+)?(?:cancel|withdraw|call off)\s+(?:my|the|this|that|our|an?)?\s*"
    r"(?:last\s+|latest\s+|recent\s+)?(?:order|booking|appointment|request)s?(?:\s+please)?[.!?]*$"
    r"|^(?:i|we)\s+(?:don'?t|do not|no longer)\s+(?:want|need)\s+(?:my|the|this|that|our)\s+(?:order|booking)"
    r"(?:\s+any\s?more)?[.!]*$", re.I)
_CANCEL_WORD = re.compile(r"(取消|撤销|撤回|退掉|作废|不要了|不想要了|不需要了|\bcancel|\bwithdraw|\bcall off)", re.I)
# the order was cancelled by someone else, or the user asks about a cancellation: its status, not a cancellation
_NOT_MINE = re.compile(r"(被|没有?|未|不是|为什么|为何|怎么|[?？吗]|\bwhy\b|\bwas\b|\bbeen\b|\bnot\b|n't)", re.I)
_NUMBER_FILLER = re.compile(r"[\s。.!！?？,，:：]|订单|查询|查一下|查|进度|状态|的|order|status|of", re.I)


def number_in(text: str) -> str | None:
    """The first order number in the message, in upper case."""
    m = NUMBER_RE.search(text)
    return m.group(0).upper() if m else None


def cancels_numbered(text: str) -> bool:
    """Whether a message with an order number asks to cancel it (取消 QF-… / 帮我把QF-…撤销 / cancel QF-…), not why it
    was cancelled."""
    return bool(_CANCEL_WORD.search(text)) and not _NOT_MINE.search(NUMBER_RE.sub(" ", text))


def cancels_mine(text: str) -> bool:
    """Whether the whole message asks to cancel the user's order or booking, with no number (我要取消订单 / 帮我取消
    刚才的预约 / 不想要这个订单了 / "cancel my booking")."""
    word = text.strip()
    if len(word) > 60:
        return False
    if _CANCEL_MINE_EN.match(word):
        return True
    return bool(_CANCEL_MINE_ZH.match(word)) and bool(re.search(_WHAT, word))


def only_a_number(text: str) -> bool:
    """Whether the message is an order number, with at most a word of tracking around it (查询 QF-… / QF-… 进度)."""
    return number_in(text) is not None and not _NUMBER_FILLER.sub("", NUMBER_RE.sub("", text)).strip()
