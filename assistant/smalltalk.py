"""Short messages that are not questions: thanks, goodbye, an acknowledgement, a bare "no", or nothing but emoji
and punctuation. Each gets a short reply of its own (``SmallTalk`` names its text) instead of the whole greeting
again or a count towards dissatisfaction: "否" after an answer is no complaint, "谢谢" no request for the menu.
A message that says anything more ("谢谢，那试用期多久") is not small talk."""

from __future__ import annotations

import re

_END = r"[\s。.!！~～…，,、]*"
_THANKS = re.compile(r"^(谢谢(你|您|啦|了)?|多谢|感谢(你|您)?|辛苦(了|啦)|"
                     r"thanks?( you)?( so much| a lot)?|thx|ty|cheers)" + _END + "$", re.I)
_BYE = re.compile(r"^(再见|拜拜|回头见|下次见|bye|bye-?bye|goodbye|see you)" + _END + "$", re.I)
_ACK = re.compile(r"^(好的?|好吧|行|嗯+|哦+|收到|明白(了)?|知道了|了解(了)?|ok(ay)?|k|got it|i see|alright|sure|"
                  r"👍|👌|🙏)" + _END + "$", re.I)
_NO = re.compile(r"^(否|不|不是|没有|没|no|nope|nah)" + _END + "$", re.I)
_ANY_WORD_OR_DIGIT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def small_talk(text: str) -> str | None:
    """The text key of the reply to a message that is only small talk, else None."""
    t = text.strip()
    if _THANKS.match(t):
        return "small_thanks"
    if _BYE.match(t):
        return "small_bye"
    if _NO.match(t):
        return "small_no"
    if _ACK.match(t):
        return "small_ack"
    if not _ANY_WORD_OR_DIGIT.search(t):  # emoji, ？？？, "..."
        return "small_nothing"
    return None
