"""Whether a booking's preferred time is a time: a date, a weekday, a time of day, a range of them, or "as soon as
possible" / "any time" (talk20, issue #11: the field took a legal question, "asdf" or a credit code as its value).

A time is told with a few remarks around it (下周二上午，最好早一点 / "Tuesday morning if possible"): a message that
names a time and asks nothing is one. A question is one only when little but the time and a word of asking is left
(下周二上午可以吗 / "is Monday ok?"); 员工周末加班工资怎么算 names 周末 but asks about wages.
"""

from __future__ import annotations

import re

from assistant.router import asks_a_question

_CN_NUM = "零〇一二两三四五六七八九十"
# a date, a weekday, a part of the day, a clock time, a relative day or week (Chinese)
_TIME_ZH = (
    rf"\d{{4}}\s*[-/.年]\s*\d{{1,2}}(\s*[-/.月]\s*\d{{1,2}}\s*[日号]?)?|\d{{1,2}}\s*[-/月]\s*\d{{1,2}}\s*[日号]?|"
    rf"[\d{_CN_NUM}]{{1,3}}\s*月(份|初|中|底|中旬|上旬|下旬)?|[\d{_CN_NUM}]{{1,3}}\s*[日号](?![元块])|"
    rf"(周|星期|礼拜)[一二三四五六日天1-7末]|周末|工作日|节假日|节后|年后|年前|假期|"
    rf"(上|中|下|今|明|后|本|这|下下)(午|周|星期|个?礼拜|个?月|半年|年)|(今|明|后|大后|当|次|隔)天|今晚|明晚|今早|明早|"
    rf"(早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|白天|全天|凌晨)|月(初|中|底|末)|年(初|中|底|末)|"
    rf"\d{{1,2}}\s*[:：]\s*\d{{2}}|[\d{_CN_NUM}]{{1,3}}\s*(点|时)(半|钟|[\d{_CN_NUM}]{{1,2}}分?)?|"
    rf"[\d{_CN_NUM}]{{1,3}}\s*(天|日|周|个?星期|个?月)(内|以内|之内|后|以后|之后)|"
    r"尽快|越快越好|尽早|马上|随时|都可以|都行|均可|什么时候都|任何时间|时间不限|不限时间|看你们|听(你们的?)?安排|你们(定|安排)|"
    r"有空|方便的时候|工作时间|上班时间|营业时间"
)
# the same in English
_TIME_EN = (
    r"\b(today|tomorrow|tonight|yesterday|weekdays?|weekends?|mornings?|afternoons?|evenings?|noon|midday|"
    r"(mon|tues|wednes|thurs|fri|satur|sun)days?|mon|tue|tues|thu|thur|thurs|fri|"
    r"jan(uary)?|feb(ruary)?|march|apr(il)?|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|"
    r"may \d{1,2}(st|nd|rd|th)?|\d{1,2}(st|nd|rd|th)? may|next (week|month)|this (week|month)|"
    r"end of (the )?(week|month)|asap|as soon as possible|"
    r"any ?time|whenever|flexible|at your convenience|working hours|business hours|office hours|"
    r"\d{1,2}\s*(:\s*\d{2}\s*)?(am|pm|a\.m\.|p\.m\.)|\d{1,2}(st|nd|rd|th))\b|\b\d{1,2}\s*:\s*\d{2}\b|"
    r"\b\d{1,2}\s*/\s*\d{1,2}(\s*/\s*\d{2,4})?\b|\b\d{4}-\d{1,2}-\d{1,2}\b"
)
_TIME = re.compile(f"(?:{_TIME_ZH})|(?:{_TIME_EN})", re.I)
# what may stand beside a time in a question that proposes it (下周二上午可以吗, "is Monday ok?")
_ASIDE = re.compile(
    r"[\s\W_\d]|可以|可不可以|行不行|行|吗|么|呢|吧|啊|呀|好|方便|的|都|或|或者|和|到|至|之间|以后|之后|以前|之前|前|后|左右|"
    r"最好|比较|我|我们|你们|在|时候|时间|来|过来|上门|见面|面谈|约|安排|点|"
    r"\b(is|are|would|will|can|could|does|do|be|ok|okay|fine|good|work|suit|you|we|i|it|that|at|on|in|the|or|and|"
    r"to|from|between|after|before|around|about|please|any|time|maybe|possible)\b",
    re.I,
)
_LEFT_OVER = 2  # characters of other words a proposed time may keep (下周二上午能来吗: 能)


def is_a_time(text: str) -> bool:
    """Whether a preferred time names a time: a date, a weekday, a time of day, a range or 尽快 / "any time", with
    remarks but no question of its own (a question only when it proposes the time: 周一上午可以吗)."""
    if not _TIME.search(text):
        return False
    if not asks_a_question(text):
        return True
    rest = _ASIDE.sub("", _TIME.sub("", text))
    return len(rest) <= _LEFT_OVER
