"""A question about when we are there (你们几点下班 / 周末有人吗 / 顾问什么时候上班 / "what are your office hours?"):
answered with the advisers' office hours and whether one is on duty now, not as out of scope. The one asked is us —
you, the bureau, an adviser, a lawyer, staff, the human service — or nobody at all in a short message; a question
about someone else's hours (员工的工作时间, "our staff's working hours") is the law's."""

from __future__ import annotations

import re

_US = r"(你们|您们|贵局|贵单位|司法局|人工(客服|服务)?|客服|顾问|律师|工作人员|窗口|服务台)"
_WHEN = (r"(几点|什么时候|啥时候|哪天|哪几天|几时)(上班|下班|开门|关门|开始|结束|有人|在|营业|办公|能回复?|回复|值班)"
         r"|(上班|下班|办公|工作|服务|营业|值班|接待)时间"
         r"|(周末|周六|周日|星期[六天日]|礼拜[六天日]|节假日|假期|晚上|中午|今天|明天)(也?)(上班|有人|营业|办公|值班|在吗|在不在)"
         r"|(上班|有人|营业|办公|值班)(吗|么|不)")
_ASKED_OF_US = re.compile(_US + r"[的也都还]?.{0,4}?(" + _WHEN + ")")
_BARE = re.compile(r"^(请问|问一下|那)?[，,]?(" + _WHEN + r")(是)?(几点|什么时候|多少)?[?？吗呢呀啊。.!！\s]*$")
_THEIRS = re.compile(r"员工|职工|劳动者|工人|我们的|我们公司|我司|本公司|加班|工时|法定")

_EN_ASKED_OF_US = re.compile(
    r"\byour (office|opening|business|working|service) hours\b"
    r"|\bwhen (are|do) you (open|close)\b|\bwhat time do you (open|close|start|finish)\b"
    r"|\bare you (open|available|there) (on|at|during|today|tomorrow|now|tonight|in the)\b"
    r"|\b(when|what time) (is|are) (an? |your )?(advis[eo]rs?|lawyers?|staff|someone|anyone|a person|people)"
    r" (available|on duty|in|there|around)\b", re.I)


def asks_our_hours(text: str) -> bool:
    """Whether the message asks when we (or an adviser) can be reached."""
    t = text.strip()
    if len(t) > 60:
        return False
    if _EN_ASKED_OF_US.search(t):
        return True
    if _THEIRS.search(t):
        return False
    return bool(_ASKED_OF_US.search(t) or _BARE.match(t))
