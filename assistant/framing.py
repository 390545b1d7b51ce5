"""Words that frame a message rather than say its matter (the stored message keeps them; a message of nothing else
is left as it is).

A form of address opening a message (领导您好，… / 老师，请问… / 亲，… / 老板，我们那个公证办好了没有) is said to us,
not about the matter, and left out of what is routed and looked up: 领导 must not find an article on the Party's
leadership nor 老板 read as a case about the boss.
A wish to learn opening it (想了解一下劳动仲裁的流程 / 请教一下，…) asks the question that follows: it tells the
router that a wish is a question, and is left out of what is looked up (了解 must not find the article on what a
worker may ask to 了解)."""

from __future__ import annotations

import re

_ADDRESS = re.compile(
    r"^\s*(?:(?:您好|你好|hi|hello|嗨|哈喽)[，,！!～~\s]*)?"
    r"(?:领导|老师|老板|亲爱的|亲|同志|师傅|律师|专家|工作人员|客服|小助手|企法通)们?(?:您好|你好|好)?"
    r"\s*[，,！!：:～~]+\s*", re.I)

_TO_LEARN = re.compile(r"^\s*(?:请问)?(?:我们?|本人)?(?:想|要|希望|需要)?"
                       r"(?:了解|知道|请教|问问|问一下|问下)(?:一下|下)?(?:关于)?[，,：:\s]*")


def _cut(text: str, m: re.Match[str] | None) -> str:
    return text if m is None or not text[m.end():].strip() else text[m.end():]


def without_address(text: str) -> str:
    """The message without the form of address it opens with."""
    return _cut(text, _ADDRESS.match(text))


def without_wish_to_learn(text: str) -> str:
    """The message without the wish to learn it opens with: what is looked up."""
    return _cut(text, _TO_LEARN.match(text))
