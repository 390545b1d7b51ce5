"""Reading a typed reply to a self-check question: yes, no, unsure, or not an answer at all.

People answer a yes/no question the way they talk: 有的，签了 / 没签 / 还没有 / 不太清楚 / yep / nope / I think so.
``read_answer`` reads such a reply clause by clause: each clause (split at punctuation) is read on its own from how it
starts (是 / 有 / 已 / yes… ; 没 / 不 / 未 / no… ; a short verb echo with 了/过, "签了") or, first, from a hedge
anywhere in it (不清楚 / 可能 / not sure / maybe); the clauses must agree. A reply that says "some of them" (部分 /
有的…有的 / not all) is none of the three, so it is asked again rather than guessed.

``not_an_answer`` recognises a message that is clearly something else (a question, a request, a long account), which
the assistant should handle instead of asking the question again; ``wants_to_quit`` the wish to give the self-check
up for good (放弃自测 / 不做了 / quit the self-check), ``wants_to_resume`` the wish to go on with a paused one.
"""

from __future__ import annotations

import re
import unicodedata

ANSWER_MAX_CHARS = 40  # a longer message is an account or a question, not an answer
LONG_ZH = 20  # an unreadable message this long (characters without spaces) is not an attempt to answer
LONG_EN_WORDS = 8

_SPLIT = re.compile(r"[，,。.!！;；、~～…:：\n]+|但是|但|不过|\s+(?:and|but|though)\s+", re.I)
_EDGE = " \t\r\n。.!！,，~～、…;；:：\"'“”‘’()（）[]【】"

UNSURE = re.compile(
    r"(不|没)(太|大|是很|很|怎么)?(清楚|确定|知道|了解|记得|明白|懂)|说不(清|准|好|上来)|不好说|不一定|看情况|拿不准|搞不清|"
    r"不晓得|没(太)?(注意|留意|关注|了解)|也许|可能|大概|或许|好像|估计|应该|不详|未知|吃不准|忘了|记不清|"
    r"\b(unsure|uncertain|maybe|perhaps|probably|possibly|dunno|unknown)\b|not (sure|certain)|"
    r"(don'?t|do not|didn'?t) know|no (idea|clue)|(can'?t|cannot) (say|tell)|hard to (say|tell)|i guess|depends",
    re.I)
PARTIAL = re.compile(r"部分|有些|有的.{0,8}(有的|没|不|未)|不全|没全|不是全部|不是所有|并非全部|少数|大部分|大多|多数|"
                     r"\b(some of|partly|partially|not all|not every|most of|half of)\b", re.I)
YES = re.compile(
    r"^(没错|没问题|不错|当然|肯定|确实|确定|是|有|对|嗯|恩|好|行|已|都|全|均|一直|"
    r"yes|yeah|yea|yep|yup|ya|yah|sure|of course|correct|right|indeed|absolutely|definitely|certainly|affirmative|"
    r"i (think|believe) so|(i|we) (do|have|did|are|am)\b|it (is|does|has)\b|they (are|do|have)\b|that'?s right|ok|okay|"
    r"true|done|y$)", re.I)
NO = re.compile(
    r"^(没|无|否|不|未|尚未|还没|还未|从没|从来没|从未|并没|并未|"
    r"no\b|nope|nah|not\b|never|none|negative|false|n$|"
    r"i (don'?t|do not) think so|(i|we) (don'?t|do not|haven'?t|have not|didn'?t|did not|aren'?t|are not|am not)\b|"
    r"(haven|hasn|didn|don|doesn|isn|aren|wasn|weren)'?t\b|it'?s not\b|it is not\b|they (don'?t|aren'?t)\b)", re.I)
VERB_ECHO = re.compile(r"^[^没不未无否]{1,4}[了过]$")  # 签了 / 做过 / 办理了 / 缴纳了: the question's verb, done
NEGATION = re.compile(r"[没不未无否]")
ALL_OR_ALWAYS = re.compile(r"^(都|全|均|一直|从来|向来)")  # 都签了 is yes, 都没签 / 一直没有 is no

QUESTION = re.compile(
    r"[？?]|吗|是否|是不是|有没有|能不能|可不可以|要不要|会不会|怎么|如何|怎样|为什么|为何|什么|哪|多久|多少|几[个天年月次]|"
    r"能否|可否|请问|^(how|what|why|when|where|which|who|whom|whose|can|could|should|would|is|are|am|do|does|did|"
    r"may|might|will|shall)\b", re.I)
REQUEST = re.compile(
    r"我想|我要|想要|帮我|帮忙|请帮|麻烦|预约|订单|进度|咨询|办理|查询|菜单|服务|订阅|预警|人工|顾问|律师|投诉|举报|"
    r"\b(i want|i'?d like|i would like|i need|help me|book|booking|order|orders|menu|services?|subscribe|alerts?|"
    r"lawyer|adviser|advisor|human|complain|contact)\b", re.I)
QUIT = re.compile(
    r"(放弃|取消|删除|清除|清空|丢弃|作废|重置)(这次|本次|这个|当前的?|此次)?(的)?(法治)?(体检)?(自测|自查|测试|问卷)|"
    r"不(想|再|要)?(做|测|答|弄)了|(自测|测试|问卷)不(想)?(做|测|答)了|不(想|再)(做|测|继续)(自测|测试|了)|"
    r"\b(quit|abandon|cancel|drop|discard|end|delete) (the |this |my )?"
    r"(self[- ]?check|check[- ]?up|quiz|questionnaire)\b|"
    r"\bgive up\b|\bstop for good\b", re.I)
RESUME = re.compile(
    r"^(继续|接着|接着做|继续做|继续答|继续答题|继续吧|接着来|回到自测|"
    r"continue|resume|go on|carry on|back to the (self[- ]?check|check[- ]?up|quiz))$", re.I)
LATER = re.compile(r"^(取消|算了|先不做|先不答|稍后|等会|等一下|以后再说|下次再(做|说)?|回头再(做|说)?|"
                   r"cancel|never ?mind|later|not now|another time)$", re.I)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip(_EDGE).lower()


def _read_clause(clause: str) -> str | None:
    c = clause.strip(_EDGE)
    c = re.sub(r"^(嗯+|恩+|呃+|额+|啊+|哦+|噢+|well|um+|uh+|hmm+|oh)\s*[，,]?\s*(?=.)", "", c, flags=re.I) \
        if not re.fullmatch(r"(嗯+|恩+)", c) else c
    if not c:
        return None
    if UNSURE.search(c):
        return "unsure"
    yes = YES.match(c)
    if yes:
        if not NEGATION.search(c[yes.end():]):
            return "yes"
        return "no" if ALL_OR_ALWAYS.match(c) else None  # 都没签: no; 是没签 says both
    if NO.match(c):
        return "no"
    if VERB_ECHO.match(c):
        return "yes"
    return None


def read_answer(text: str) -> str | None:
    """'yes', 'no' or 'unsure' for a typed reply to a yes/no question; None when it is none of these (a question,
    "some of them", clauses that disagree, or nothing that reads as an answer)."""
    c = _clean(text)
    if not c or len(c) > ANSWER_MAX_CHARS or PARTIAL.search(c):
        return None
    if QUESTION.search(c) and not UNSURE.search(c):  # "是否要签？" / "有没有…" ask; "不确定？" is still unsure
        return None
    english = re.search(r"[a-z]", c) is not None and not re.search(r"[\u4e00-\u9fff]", c)
    if english and len(c.split()) > LONG_EN_WORDS + 4:
        return None
    readings = {r for r in (_read_clause(part) for part in _SPLIT.split(c)) if r is not None}
    if "unsure" in readings:
        return "unsure"
    return readings.pop() if len(readings) == 1 else None


# the whole message one answer word, as a user answering question after question types it (是 / 否 / yes / no):
# after a pause it is still meant for the self-check (talk20); an acknowledgement (好的 / ok) is small talk
BARE_ANSWERS = frozenset({
    "是", "是的", "否", "不是", "有", "有的", "没有", "没", "无", "对", "不对", "不", "确定", "不确定", "不清楚",
    "不知道", "yes", "y", "yep", "yeah", "yup", "no", "n", "nope", "nah", "unsure", "not sure", "don't know",
    "dont know", "maybe",
})


def bare_answer(text: str) -> bool:
    """Whether the whole message is one answer word (是 / 否 / 不确定 / yes / no / not sure)."""
    return _clean(text) in BARE_ANSWERS


def not_an_answer(text: str) -> bool:
    """A message that is clearly not meant as an answer: a question, a request (我的订单 / 我想预约 / book …) or a long
    account. A short message that is none of these ("一部分", "你好") is not counted: the question is asked again."""
    c = _clean(text)
    if not c:
        return False
    if QUESTION.search(c) and len(re.findall(r"[\u4e00-\u9fffA-Za-z]", c)) >= 2:
        return True
    if REQUEST.search(c):
        return True
    english = not re.search(r"[\u4e00-\u9fff]", c)
    return len(c.split()) > LONG_EN_WORDS if english else len(re.sub(r"\s", "", c)) > LONG_ZH


def wants_to_quit(text: str) -> bool:
    """放弃自测 / 不做了 / 不想测了 / quit the self-check / give up: the self-check is given up for good."""
    c = _clean(text)
    return len(c) <= ANSWER_MAX_CHARS and QUIT.search(c) is not None and not re.search(r"[？?吗]", c)


def wants_to_resume(text: str) -> bool:
    """继续 / 接着做 / resume / continue: go on with a paused self-check (继续自测 is also a start word)."""
    return RESUME.match(_clean(text)) is not None


def wants_a_break(text: str) -> bool:
    """取消 / 算了 / 稍后 / later / never mind while a question waits: a pause (the answers are kept)."""
    return LATER.match(_clean(text)) is not None
