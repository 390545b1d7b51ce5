"""Understand a message before retrieval: menu, order, hand-off (asked for or high-risk), out of scope.

Rules are plain patterns so that staff can read them; thresholds were calibrated on eval/questions.jsonl.
Anything not caught here is a question for the knowledge base (route ``answer``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LARGE_AMOUNT_YUAN = 1_000_000  # a dispute of this size goes to an adviser

_HUMAN = re.compile(
    r"(转人工|人工客服|人工服务|^人工$|^真人|找真人|真人服务|找(个|一个|一位)?(律师|顾问|专家|法律顾问)(?!事务所)|"
    r"我要找顾问|联系(律师|顾问|法律顾问)|别跟机器|不要机器|"
    r"\b(human|agent|real person|operator)\b|talk to (a|an|the) (lawyer|person|adviser|advisor|human)|"
    r"speak (to|with) (a|an|the) (lawyer|person|adviser|advisor|human))",
    re.I,
)
_RISK = re.compile(
    r"(胜诉|败诉|打官司|官司|诉讼策略|仲裁策略|应对策略|制定.{0,6}策略|坐牢|判刑|刑事|涉嫌|拘留|逮捕|"
    r"带走调查|被公安|死亡|伤亡|安全事故|重大事故|财产保全|转移资产|评估一下|帮我分析|帮我们分析|"
    r"\bstrategy\b|\bdetained\b|\barrested\b|\bpolice\b|\bcriminal\b|\bprison\b|\bjail\b|\bdied\b|"
    r"\bfatal\b|\bwin (the|our|this) case\b)",
    re.I,
)
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)|(\d+(?:\.\d+)?)\s*(million|billion)", re.I)
_MENU = re.compile(
    r"(你能做什么|能做些?什么|可以做什么|有(哪些|什么)(法律)?服务|提供(哪些|什么)服务|服务(清单|菜单|目录|列表)|"
    r"^菜单|^帮助$|^help$|怎么用|如何使用|what can you do|what do you do|services? (do )?you offer|"
    r"show me the (services|menu)|^menu$|list of services|how (do i|to) use)",
    re.I,
)
_GREETING = re.compile(
    r"^(你好|您好|嗨|哈喽|在吗|在不在|早上好|下午好|晚上好|hi|hello|hey|good (morning|afternoon|evening))"
    r"[\s!！。.,，~]*(there)?[\s!！。.,，~]*$",
    re.I,
)
_ORDER = re.compile(
    r"(预约|想申请|要申请|申请.{0,8}(服务|调解|体检|辅导|审查)|帮我(们)?(安排|预约|登记|办理|约)|请帮我(们)?.{0,8}(预约|安排)|"
    r"我(想|要)(办理|办|请律师)|想请律师|请律师帮|下单|点单|我要(下单|预约)|"
    r"\b(i'?d like|i would like|we'?d like|we would like|we want|i want|please|can you|could you)\b.{0,40}"
    r"\b(book|schedule|arrange|apply for|order|sign up for|request)\b|^(book|schedule|arrange)\b)",
    re.I,
)
_QUESTION = re.compile(r"(吗|呢|？|\?|有没有|什么时候|多少|多久|是否|能不能|可不可以|怎么|如何|哪些)")
_OFF_TOPIC = re.compile(
    r"(天气|气温|下雨|写(一)?首|诗歌|作诗|^.{0,12}诗$|的诗|笑话|股票|基金|涨停|炒股|菜谱|[肉鱼鸡鸭虾蛋菜饭汤面饼糕丝粥]怎么做|"
    r"红烧|做菜|电影|电视剧|比赛|NBA|足球|篮球|世界杯|乘以|除以|等于多少|算一下|星座|彩票|"
    r"\b(weather|poems?|poetry|jokes?|recipes?|stocks?|movies?|films?|football|soccer|basketball|match(es)?|games?|lottery|"
    r"horoscopes?|songs?)\b)",
    re.I,
)
_DISSATISFIED = re.compile(
    r"(不满意|没用|没有用|答非所问|不对|没帮助|没有帮助|看不懂|不是我要的|胡说|"
    r"not helpful|useless|wrong answer|doesn'?t help|did not help|didn'?t help|not what i asked)",
    re.I,
)


@dataclass
class Intent:
    route: str  # menu | order | handoff | fallback | answer
    reason: str | None = None


def large_amount(text: str) -> bool:
    for m in _AMOUNT.finditer(text):
        if m.group(1):
            value = float(m.group(1)) * (10_000 if m.group(2) == "万" else 100_000_000)
        else:
            value = float(m.group(3)) * (1_000_000 if m.group(4).lower() == "million" else 1_000_000_000)
        if value >= LARGE_AMOUNT_YUAN:
            return True
    return False


def is_dissatisfied(text: str) -> bool:
    return len(text) <= 30 and bool(_DISSATISFIED.search(text))


def classify(text: str) -> Intent:
    """The route a message asks for before looking anything up; ``answer`` when none."""
    t = text.strip()
    if _HUMAN.search(t):
        return Intent("handoff", "user_request")
    if _GREETING.match(t) or (_MENU.search(t) and len(t) <= 40):
        return Intent("menu")
    if _OFF_TOPIC.search(t):
        return Intent("fallback", "out_of_scope")
    if _RISK.search(t) or large_amount(t):
        return Intent("handoff", "high_risk")
    m = _ORDER.search(t)
    if m and not (m.group(0).startswith(("想申请", "要申请")) and _QUESTION.search(t)):
        return Intent("order")
    return Intent("answer")
