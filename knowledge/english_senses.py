"""Which sense an English word has in a question, told by the words around it, so the glossary meets the word it
means: one spelling, two statute words ("leave" is time off in "annual leave" and quitting in "wants to leave";
"penalty" is a fine from an authority and a sum a contract sets; "inspect" is an officer's check of a firm and the
inspection of goods). Each rule rewrites the word to another English word the glossary holds — words to words,
never an answer."""

from __future__ import annotations

import re

_VERB_BEFORE = (r"to|will|would|can|could|may|might|must|should|shall|he|she|they|who|that|i|we|you|and|just|"
                r"already|has|have|had|then|suddenly|later|employee|worker|engineer|manager|staff|never")
_GIVING_AFTER = r"a|an|some|cash|money|any|his|her|their|our|your|it|them|behind|message|note|word|deposit"

# "wants to leave", "who left last month", "leaving during probation": quitting, not time off (the glossary's
# "leave" is 休息休假); "leave a deposit", "left his passport" (giving) and "take leave" stay as they are.
_QUITTING = re.compile(rf"\b(?P<before>{_VERB_BEFORE})(?P<gap> (?:to |not )?)(?:leave|leaves|leaving|left)\b"
                       rf"(?! (?:{_GIVING_AFTER})\b)", re.I)


# A penalty a contract sets (for late delivery, for breach, for quitting before a training's service period ends) is
# liquidated damages (违约金), not a fine (罚款) — unless an authority is named in the question.
_AUTHORITY = re.compile(r"\b(?:fine[sd]?|authorit(?:y|ies)|administrative|government|bureau|regulators?|"
                        r"inspectors?|officials?|tax|customs|police)\b", re.I)
_CONTRACT = re.compile(r"\b(?:contracts?|agreements?|deals?|clauses?|breach(?:es|ed)?|late delivery|"
                       r"delayed delivery|supplier|buyer|seller|customer|training|service period|non compete|"
                       r"non-compete|quit|quits|quitting|resign(?:s|ed)?)\b", re.I)
_PENALTY = re.compile(r"\bpenalt(?:y|ies)\b", re.I)

# "what share of our workforce": a proportion, not shares of a company.
_SHARE_OF = re.compile(r"\b(?:what|which|a|the|maximum|max|largest|highest)\s+share\s+of\b(?!\s+(?:the\s+)?"
                       r"(?:company|equity|stock|capital))", re.I)

# Goods, imports and exports are inspected (检验), firms are inspected by officers (检查).
_GOODS = re.compile(r"\b(?:goods|products?|imports?|imported|exports?|exported|shipments?|cargo|commodit(?:y|ies))\b",
                    re.I)
_INSPECT = re.compile(r"\binspect(?:ed|s|ing|ion|ions)?\b", re.I)

# "his authority", "her authority to sign": an agent's power to act (代理权), not an authority (行政机关).
_AGENT_AUTHORITY = re.compile(r"\b(?:his|her|their|its agent's|the agent's|agent)\s+authority\b(?! to)", re.I)

# "right away", "right after the fire": at once, just — no right (权利).
_RIGHT_AS_JUST = re.compile(r"\bright(?= (?:away|now|then|there|here|after|before|when|at|in front|next to|on time)\b)",
                            re.I)


def _one(sentence: str, contract_penalty: bool) -> str:
    sentence = _RIGHT_AS_JUST.sub("just", sentence)
    sentence = _QUITTING.sub(lambda m: m.group("before") + m.group("gap") + "quit", sentence)
    if contract_penalty:
        sentence = _PENALTY.sub("liquidated damages", sentence)
    sentence = _SHARE_OF.sub(lambda m: m.group(0).replace("share", "proportion"), sentence)
    if _GOODS.search(sentence):
        sentence = _INSPECT.sub("goods inspection", sentence)
    return _AGENT_AUTHORITY.sub(lambda m: m.group(0) + " to sign", sentence)


def choose_senses(text: str) -> str:
    """The question with each word of two senses rewritten to the word of the sense its sentence gives it."""
    contract_penalty = bool(_PENALTY.search(text) and _CONTRACT.search(text) and not _AUTHORITY.search(text))
    parts = re.split(r"((?<=[.?!;])\s+)", text)  # sentences and the spaces between them, kept as they are
    return "".join(part if i % 2 else _one(part, contract_penalty) for i, part in enumerate(parts))
