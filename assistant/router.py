"""Understand a message before retrieval: a few precise rules, then the intent model.

Rules stay only where a rule is right: an explicit request for a person (转人工 / "human"), leaving a
hand-off (取消人工 / /bot), and a request to predict a case's outcome (能不能打赢 / 胜算 / "chances of
winning": no statute answers it). An amount of at least one million yuan, read from digits and from Chinese
numerals (cn2an), sends the message to an adviser unless the model is clearly sure it is a question about what
the law says (两百万的合同对方违约，法律上能解除吗): a large sum raises the bar, it does not make a rule question a
case. Everything else is decided by ``assistant.intents.IntentModel`` with a probability;
the engine decides what to do when it is unsure. A hand-off the model chooses over a legal question by a small
margin is unsure too: a question that mentions a dispute, an injury or a penalty is still a question.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import cn2an
import numpy as np

from assistant.intents import IntentModel, Prediction

LARGE_AMOUNT_YUAN = 1_000_000  # a dispute of this size goes to an adviser, unless it only asks the law
LARGE_AMOUNT_LEGAL = 0.5  # with such an amount, the legal reading must outweigh all others together (issue11R)
SURE = 0.4  # the model's probability at or above which its intent is taken as said (calibrated on eval/tune.jsonl)
LEAVE_SURE = 0.6  # leaving a hand-off from free text (the rule catches the usual words)
HANDOFF_MARGIN = 0.2  # a hand-off intent must beat every other route's intent by this much to be taken as said
# A high-risk case must beat every other route by more: a question told with the words of an accident, a police
# visit or a fleeing debtor ("司机撞了人，赔偿法律上谁出") reads partly as a case. Calibrated on eval/tune.jsonl, the
# tuning questions and the tests' phrasings (issue11R): cases are ahead by 0.7 or more, such questions by 0.48 or less.
HIGH_RISK_MARGIN = 0.6  # the middle of the gap between the two
LEGAL_MARGIN = 0.1  # any other route must beat the legal question by this much (else: answer if the KB can, or ask)

_HUMAN = re.compile(
    r"(转人工|人工客服|人工服务|^人工[。.!！]?$|^(human|agent)( please)?[.!]?$|\btalk to a human\b|"
    r"\b(a|an) (real|live) person\b)",
    re.I,
)
_LEAVE = re.compile(
    r"^\s*(/bot\b|取消人工|取消转人工|不用人工了?|不要人工了?|返回机器人|回到机器人|返回助手|"
    r"back to (the )?(assistant|bot)|cancel (the )?hand-?off)",
    re.I,
)
_OUTCOME = re.compile(
    r"(胜算|赢面|输赢|胜诉率|几成把握|"
    r"(能|能不能|能否|会不会|可不可以|有没有可能|可能)(打)?(赢|胜诉|败诉|输)(?![入出送液血得利钱])|"
    r"(胜诉|打赢|赢|败诉|输)的?(可能性?|几率|概率|把握|机会)|"
    r"\bchances? (of|to) (winning|win|succeed|success)|\b(will|would|can|could) (we|i) (win|lose)\b|"
    r"\blikel(y|ihood)\b.{0,30}\b(win|winning|lose|losing)\b)",
    re.I,
)
# "What do we do now" asks for someone to act, not what the law says; every other question word asks something.
_WHAT_NOW = re.compile(
    r"(怎么办|咋办|如何是好|(该|要|应该)?(怎么|如何)(处理|应对|做)|"
    r"what (should|do|can|shall|must) (we|i|the company) do( now)?|what now|"
    r"how (should|do|can) (we|i) (respond|handle|deal with)( (this|it))?)[?？!！。.\s]*",
    re.I,
)
_QUESTION = re.compile(
    r"([?？]|吗|呢|什么|多少|几[个天年次月条种]|谁|哪|是否|能否|能不能|可不可以|可以|算不算|要不要|有没有|合法|违法|咋|"
    r"(是|算)[^，。,.]{0,12}还是|"
    r"怎么|怎样|如何|多久|多长|(^|[,;:，；：。]\s*)(what|how|who|whose|which|when|where|why|is|are|can|could|do|does|"
    r"should|must|may|will|would)\b|\bunder the law\b|\blegally\b)",
    re.I,
)
_UNIT = {"万": 10_000, "亿": 100_000_000, "million": 1_000_000, "billion": 1_000_000_000}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|million|billion)|(\d{7,})\s*(元|块|yuan|rmb)", re.I)
_CN_AMOUNT = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?:万|亿)")


@dataclass
class Intent:
    route: str  # menu | order | handoff | fallback | answer | unhappy | leave
    reason: str | None = None
    intent: str | None = None  # the model's intent, when the model decided
    probability: float = 1.0  # 1.0 for a rule
    sure: bool = True
    vector: np.ndarray | None = None  # the message's embedding, when the model computed it (search reuses it)


ROUTE_OF: dict[str, tuple[str, str | None]] = {
    "greeting": ("menu", None),
    "order": ("order", None),
    "human": ("handoff", "user_request"),
    "high_risk": ("handoff", "high_risk"),
    "dissatisfied": ("unhappy", None),
    "leave_handoff": ("leave", None),
    "out_of_scope": ("fallback", "out_of_scope"),
    "legal": ("answer", None),
}


def amounts(text: str) -> list[float]:
    """Yuan amounts written with 万/亿/million or as long digit strings, in digits or Chinese numerals."""
    found: list[float] = []
    for m in _AMOUNT.finditer(text):
        if m.group(1):
            found.append(float(m.group(1)) * _UNIT[m.group(2).lower()])
        else:
            found.append(float(m.group(3)))
    for m in _CN_AMOUNT.finditer(text):
        word = m.group(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                found.append(float(cn2an.cn2an(word, "smart")))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def large_amount(text: str) -> bool:
    return any(v >= LARGE_AMOUNT_YUAN for v in amounts(text))


def asks_for_person(text: str) -> bool:
    return bool(_HUMAN.search(text.strip()))


def _best_other(p: Prediction) -> float:
    """The probability of the likeliest intent that does not lead to a hand-off."""
    return max((v for k, v in p.probabilities.items() if ROUTE_OF[k][0] != "handoff"), default=0.0)


def is_sure(p: Prediction) -> bool:
    """Whether the model's intent is taken as said: probable enough, a hand-off clearly ahead of every other
    route (a coin flip between a hand-off and, say, a legal question is no request for a person; a high-risk case
    must be further ahead, see ``HIGH_RISK_MARGIN``), and any route
    but an answer ahead of the legal question (an order form started on a coin flip is a dead end too)."""
    if p.probability < SURE:
        return False
    route = ROUTE_OF[p.intent][0]
    if route == "answer":
        return True
    if route == "handoff":  # the hand-off intents together (high risk and a request for a person) lead by a margin
        margin = HIGH_RISK_MARGIN if p.intent == "high_risk" else HANDOFF_MARGIN
        to_adviser = sum(v for k, v in p.probabilities.items() if ROUTE_OF[k][0] == "handoff")
        if to_adviser - _best_other(p) < margin:
            return False
    return p.probability - p.probabilities.get("legal", 0.0) >= LEGAL_MARGIN


def asks_the_law(text: str, p: Prediction) -> bool:
    """Whether a message that names a large sum is still only a question about what the law says: the legal
    intent, clearly, and a question besides "what do we do" (a request to act on the dispute, a report of it, a
    hand-off, an order or an unsure reading goes to an adviser)."""
    return p.intent == "legal" and p.probability >= LARGE_AMOUNT_LEGAL and asks_a_question(text)


def asks_outcome(text: str) -> bool:
    """Whether the message asks us to predict whether a case or arbitration will be won or lost."""
    return bool(_OUTCOME.search(text))


def asks_a_question(text: str) -> bool:
    """Whether the message asks something (吗, 谁, 多久, "who pays", a question mark) besides "what do we do now":
    a report of an event, or "…，怎么办", asks an adviser to act."""
    return bool(_QUESTION.search(_WHAT_NOW.sub(" ", text)))


def leaves_handoff(text: str) -> bool:
    return bool(_LEAVE.search(text))


class Router:
    def __init__(self, model: IntentModel | None) -> None:
        self.model = model

    def predict(self, text: str, vector: np.ndarray | None = None) -> Prediction | None:
        return self.model.predict(text, vector) if self.model is not None else None

    def classify(self, text: str) -> Intent:
        """The route a message asks for before looking anything up."""
        t = text.strip()
        if asks_for_person(t):
            return Intent("handoff", "user_request")
        if leaves_handoff(t):
            return Intent("leave")
        if asks_outcome(t):
            return Intent("handoff", "high_risk")
        large = large_amount(t)
        if self.model is None:  # no model (a test of the rules alone): a large sum is a case, the rest questions
            return Intent("handoff", "high_risk") if large else Intent("answer")
        vector = self.model.embeddings.encode([t])[0]
        p = self.model.predict(t, vector)
        if large and not asks_the_law(t, p):
            return Intent("handoff", "high_risk", p.intent, p.probability, True, vector)
        route, reason = ROUTE_OF[p.intent]
        return Intent(route, reason, p.intent, p.probability, is_sure(p), vector)

    def wants_to_leave(self, text: str) -> bool:
        if leaves_handoff(text):
            return True
        p = self.predict(text)
        return p is not None and p.intent == "leave_handoff" and p.probability >= LEAVE_SURE
