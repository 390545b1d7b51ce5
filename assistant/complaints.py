"""Whether a dissatisfied message is about us: the assistant, its answers or the service (talk20, issue #11).

A short message the intent model reads as dissatisfaction is a complaint ("没用", "wrong answer"). A long one is only
when it names us (你们 / 机器人 / 助手 / "your bot" / "you keep…") or, with no one else named, our answers or the
platform: a paragraph venting that the answers are useless is a complaint, while a long account of a supplier's or a
landlord's bad service (物业服务很差… / "our logistics provider has been terrible…") is someone else's, and a legal
question if it asks one.
"""

from __future__ import annotations

import re

SHORT = 40  # up to this many characters, the model's reading alone decides
DISSATISFIED = "dissatisfied"  # the intent model's reading of dissatisfaction

# us, named outright: the people of the service, the assistant, "you" doing something to the user
_US = re.compile(
    r"你们|机器人|智能助手|小助手|助手|企法通|问你|你(这|给|答|回|说的|讲|根本|老是|总是|一直|到底|就|还是)|"
    r"\b(your|this|the) (bot|assistant|chat ?bot|answers?|replies|responses|service|system|platform|help ?desk)\b|"
    r"\byou (keep|never|don'?t|didn'?t|just|always|still|clearly|totally|completely|are|'re)\b",
    re.I,
)
# us, named by what we give: the answers, the system, the platform (when no one else is the subject)
_OURS = re.compile(r"回答|答复|回复|答案|答非所问|系统|平台|客服|法条|条文|\b(answers?|replies|bot|chatbot|you|your)\b",
                   re.I)
# someone else whose service or goods the message is about
_OTHERS = re.compile(
    r"他们|她们|对方|供应商|物业|房东|业主|客户|商家|卖家|店家|厂家|快递|物流|银行|保险公司|装修|外包|承包|开发商|"
    r"代理记账|中介|合作方|经销商|老板|员工|淘宝|京东|拼多多|"
    r"\b(they|them|their|supplier|landlord|seller|vendor|contractor|provider|agency|bank|insurer|courier|customer|"
    r"client|distributor|partner|employer|employee|staff)s?\b",
    re.I,
)


def about_us(text: str) -> bool:
    """Whether the message names us (你们 / 机器人 / "your bot"), or our answers or platform with no one else named."""
    return bool(_US.search(text)) or (bool(_OURS.search(text)) and not _OTHERS.search(text))


# words that judge the answers or the service (two or more, and the message is venting)
_VENTING = re.compile(
    r"答非所问|前言不搭后语|驴唇不对马嘴|牛头不对马嘴|文不对题|摆设|没用|没有用|一点用|屁用|废物|垃圾|太差|很差|差劲|太烂|"
    r"无语|失望|浪费[^，。,.]{0,6}时间|白白浪费|看不懂|不专业|敷衍|糊弄|投诉|差评|气死|受不了|不靠谱|"
    r"\b(useless|waste of|irrelevant|disappoint\w*|terrible|awful|rubbish|garbage|hopeless|worst|complain\w*|"
    r"pointless|nonsense|frustrat\w*|unhelpful|not helpful|ridiculous)\b",
    re.I,
)
VENTING_WORDS = 2


def vents(text: str) -> bool:
    """Whether the message judges the answers or the service in two words or more (没用, 答非所问, "useless")."""
    return len({m.group(0).lower() for m in _VENTING.finditer(text)}) >= VENTING_WORDS


def a_complaint(text: str, lead: str | None, behind: tuple[str, ...], sure: bool) -> bool:
    """Whether a message is a complaint to answer as one, from the intent model's readings (``lead`` first,
    ``behind``: the second and third; ``sure``: the first is taken as said): a short message surely read as
    dissatisfaction; a long one about us read so first, or second or third behind other readings when it vents (a
    paragraph about the answers names the law it asked about and asks whether anyone looks after us, which reads as
    a legal question and as tracking too: "我问的是劳动合同的事它给我讲公司登记…你们到底有没有人在维护")."""
    if len(text) <= SHORT:
        return lead == DISSATISFIED and sure
    if not about_us(text):
        return False
    return lead == DISSATISFIED or (DISSATISFIED in behind and vents(text))
