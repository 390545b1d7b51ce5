"""The engine's button labels in both languages, for the widget (``labels`` of ``GET /api/v1/widget/config``).

When the user switches the widget's language, the suggestion buttons already on screen were written by the engine
in the old one. The widget shows each in the new one: a label met here in one language is shown as its pair in the
other, exactly as the engine would have written it. Only fixed labels are here (a command's, a category's, a
scenario's, a self-check answer's); a label with a name in it (a service, a topic) is named by the widget from the
catalogue, or stays as written (pressing it sends the same message, answered in the language chosen)."""

from __future__ import annotations

from functools import cache

from assistant.selfcheck import ANSWER_LABEL
from assistant.selfcheck import TEXT as SELFCHECK_TEXT
from assistant.texts import TEXTS
from knowledge.catalogue import CATEGORIES, SCENARIOS
from orders.texts import ORDER_TEXTS

CLARIFY = ("clarify_legal", "clarify_order", "clarify_human")


def _fixed(table: dict[str, dict[str, str]], keys: list[str]) -> list[dict[str, str]]:
    """The pairs of ``keys`` that are whole labels (no ``{field}`` to fill in)."""
    return [{"zh": table[k]["zh"], "en": table[k]["en"]} for k in keys
            if "{" not in table[k]["zh"] + table[k]["en"]]


@cache
def button_labels() -> tuple[dict[str, str], ...]:
    """Every fixed label pair, Chinese and English (first pair wins when the widget looks one up)."""
    pairs = _fixed(TEXTS, [k for k in TEXTS if k.endswith("_label") or k in CLARIFY])
    pairs += _fixed(SELFCHECK_TEXT, [k for k in SELFCHECK_TEXT if k.endswith("_label") or k == "handoff"])
    pairs += _fixed(ORDER_TEXTS, [k for k in ORDER_TEXTS if k.endswith("_label")])
    pairs += [{"zh": ANSWER_LABEL["zh"][a], "en": ANSWER_LABEL["en"][a]} for a in ANSWER_LABEL["zh"]]
    # the menu's: a category or scenario is its Chinese name, and in English the same followed by the English one
    pairs += [{"zh": zh, "en": f"{zh} {en}"} for zh, en in (CATEGORIES | SCENARIOS).items()]
    return tuple(pairs)
