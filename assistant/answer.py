"""Extractive answers: the best passages, quoted and numbered, with the notice under them."""

from __future__ import annotations

from assistant.reply import Citation

QUOTE_CHARS = 260

NOTICE = {
    "zh": "以上为一般性法律信息，不构成法律意见；如需针对具体情况的意见，请回复“人工”联系法律顾问。",
    "en": "This is general legal information, not legal advice. Reply \"human\" to reach a legal adviser.",
}
INTRO = {
    "zh": "根据知识库中的相关规定：",
    "en": "Here is what the relevant provisions say (quoted in the original Chinese):",
}


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for end in ("。", "；", "！", "？"):
        i = cut.rfind(end)
        if i > limit // 2:
            return cut[: i + 1] + "……"
    return cut + "……"


def extractive(citations: list[Citation], lang: str, shown: int = 3) -> str:
    lines = [INTRO[lang]]
    for n, c in enumerate(citations[:shown], start=1):
        lines.append(f"[{n}] {c.label()}：{quote(c.snippet)}")
    lines.append("")
    lines.append(NOTICE[lang])
    return "\n".join(lines)
