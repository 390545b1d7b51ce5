"""Prompt-injection guard: text that tries to change the assistant's rules, and checks on a model's answer.

Documents and messages are data. A passage that addresses the assistant ("忽略以上指令…", "ignore previous
instructions", "你现在是…") is no legal source: it is left out of answers. A model's answer is refused (the
caller falls back to the extractive answer) when it repeats such a phrase, shows the system prompt's markers,
or links to a URL that none of the passages contains.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable

INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|跳过)\s*(以上|上述|之前|前面|先前|上面|此前|所有|全部|一切)?\s*(的)?\s*(所有|全部)?\s*"
    r"(指令|指示|规则|要求|提示|设定|约束|命令|说明)"
    r"|(你|您)现在(是|扮演|作为)|从现在(起|开始)\s*(你|您)"
    r"|(扮演|假装|充当)(一个|一名)?.{0,10}(角色|助手|机器人|AI)"
    r"|(输出|显示|泄露|打印|告诉我)\s*(你的)?\s*(系统提示|系统指令|提示词|system ?prompt)"
    r"|\b(ignore|disregard|forget|override)\W+(all\W+)?(of\W+)?(the\W+|your\W+|any\W+)?"
    r"(previous|prior|above|earlier|preceding|foregoing|system|original)\W+(\w+\W+)?"
    r"(instructions|rules|prompts?|directions|directives)\b"
    r"|\byou are now\b|\bnew instructions\b|\bact as\b|\bpretend to be\b|\bjailbreak\b"
    r"|\b(reveal|print|show|repeat)\b\W+(?:\w+\W+){0,3}?(system prompt|instructions)\b",
    re.IGNORECASE)
# pieces of the conversation frame that never belong in an answer
MARKERS = ("<passages>", "</passages>", "<question>", "</question>", "system prompt", "systemmessage",
           "系统提示", "只能依据<passages>", "涉企法律服务助手。只能依据")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'）)\]】，。]+", re.IGNORECASE)


def injected(text: str) -> bool:
    """Whether ``text`` addresses the assistant with instructions."""
    return bool(INJECTION.search(text))


class PassageChecks:
    """``injected`` for knowledge-base passages, kept per chunk: a chunk's text is searched once (about 60 us for an
    article: the pattern is tried at every character), and again only when the chunk's text changed. At most
    ``size`` chunks are kept (then the oldest half is let go)."""

    def __init__(self, size: int = 20_000) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.size = size
        # chunk id -> (a digest of its text when checked, injected?): a digest, not the text (20,000 articles of
        # 1-3 KB each would be 20-60 MB per worker)
        self._seen: dict[str, tuple[bytes, bool]] = {}
        self._lock = threading.Lock()

    def injected(self, chunk_id: str, text: str) -> bool:
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        seen = self._seen.get(chunk_id)
        if seen is not None and seen[0] == digest:
            return seen[1]
        found = injected(text)
        with self._lock:
            if len(self._seen) >= self.size:
                for key in list(self._seen)[: max(1, self.size // 2)]:
                    del self._seen[key]
            self._seen[chunk_id] = (digest, found)
        return found

    def __len__(self) -> int:
        return len(self._seen)


def answer_problem(answer: str, passages: Iterable[str]) -> str | None:
    """Why a model's ``answer`` cannot be shown (None: it can)."""
    lowered = answer.lower()
    if any(m.lower() in lowered for m in MARKERS):
        return "system prompt marker"
    if injected(answer):
        return "injected instruction"
    sources = " ".join(passages).lower()
    for url in URL.findall(answer):
        if url.lower().rstrip(".,;") not in sources:
            return "link not in the passages"
    return None
