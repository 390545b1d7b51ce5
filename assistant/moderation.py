"""Sensitive-word filtering on user messages and on answers, as Chinese government services require.

The list is the shipped ``sensitive_words.txt`` plus the words staff add (``qifa words add``, table
``sensitive_words``). Matching ignores case, spaces, punctuation between characters and full-/half-width forms. A
blocked message is not stored in the conversation (a placeholder is) and gets a polite refusal; a blocked answer
is replaced by one. Both go to the review log (``moderation_events``) with their text; the general log says only
that something was blocked.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db import Database
from db.models_moderation import ModerationEvent, SensitiveWord

log = logging.getLogger(__name__)
SHIPPED = Path(__file__).with_name("sensitive_words.txt")
RELOAD_S = 30.0  # words added by staff (another process) take effect within this time
MAX_WORD = 100
PLACEHOLDER = "［已屏蔽的消息 / blocked message］"
REFUSAL = {
    "zh": "抱歉，您的消息包含不适宜的内容，无法处理。请换一种说法描述您的法律问题，或输入“人工”联系法律顾问。",
    "en": "Sorry, your message contains content we cannot process. Please rephrase your legal question, "
          "or type \"human\" to reach a legal adviser.",
}
ANSWER_WITHHELD = {
    "zh": "抱歉，该问题的答复需要人工审核，暂不能显示。您可以输入“人工”联系法律顾问。",
    "en": "Sorry, the answer to this question needs a review by staff and cannot be shown now. "
          "Type \"human\" to reach a legal adviser.",
}
_SKIP = re.compile(r"[\s\u200b-\u200f\u2060\ufeff·.,，。、_*\-|/\\]+")


class WordError(ValueError):
    """A word that cannot be added or removed; ``str(exc)`` says why (both languages)."""


class DuplicateWord(WordError):
    """The word is already on the list."""


class UnknownWord(WordError):
    """The word is not on the staff list (the shipped list cannot be changed)."""


# The characters of nearly every message and answer: ASCII, Latin-1's symbols, general and CJK punctuation, circled
# numbers, the full-width forms and the unified ideographs. NFKC of a text made of those that decompose among them
# into no combining mark is NFKC of each character apart: none of them is a combining mark or the second character
# of a composition (a test checks every code point), so no two of them compose or reorder.
_RANGES = ((0x09, 0x0D), (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2460, 0x2473), (0x3000, 0x303F),
           (0x4E00, 0x9FFF), (0xFF01, 0xFF65))
_IDEOGRAPHS = (0x4E00, 0x9FFF)  # NFKC leaves each unified ideograph as it is (a test checks each)


def _in_ranges(ch: str) -> bool:
    return any(a <= ord(ch) <= b for a, b in _RANGES)


def _nfkc_alone() -> tuple[dict[str, str], re.Pattern[str], re.Pattern[str]]:
    """The characters of ``_RANGES`` that NFKC maps alone, with what it maps them to where that is another string;
    a pattern finding any character that is not one of them, and one finding those it changes."""
    changed: dict[str, str] = {}
    alone: list[str] = [f"{chr(_IDEOGRAPHS[0])}-{chr(_IDEOGRAPHS[1])}"]
    for a, b in _RANGES:
        for ch in map(chr, range(a, b + 1) if (a, b) != _IDEOGRAPHS else ()):
            if all(unicodedata.combining(p) == 0 and _in_ranges(p) for p in unicodedata.normalize("NFKD", ch)):
                alone.append(re.escape(ch))
                if (nfkc := unicodedata.normalize("NFKC", ch)) != ch:
                    changed[ch] = nfkc
    return (changed, re.compile(f"[^{''.join(alone)}]"),
            re.compile(f"[{''.join(map(re.escape, changed))}]"))


_CHANGED, _NOT_ALONE, _CHANGES = _nfkc_alone()


def _changed(m: re.Match[str]) -> str:
    return _CHANGED[m.group(0)]


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, without spaces, zero-width and filler punctuation. NFKC of a
    text whose characters it maps alone (``_nfkc_alone``) is taken character by character, with the same result:
    through ``unicodedata`` an answer of a thousand characters took a quarter of a millisecond."""
    nfkc = _CHANGES.sub(_changed, text) if _NOT_ALONE.search(text) is None else unicodedata.normalize("NFKC", text)
    return _SKIP.sub("", nfkc.lower())


def shipped_words() -> list[str]:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@dataclass
class Blocked:
    word: str


class SensitiveWords:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._loaded_at = -RELOAD_S
        self._pattern: re.Pattern[str] | None = None
        self._words: dict[str, str] = {}

    # ---- the list -------------------------------------------------------------------------------------------
    def staff_words(self) -> list[str]:
        with self.db.session() as s:
            return list(s.scalars(select(SensitiveWord.word).order_by(SensitiveWord.word)))

    def add(self, word: str) -> str:
        clean = word.strip()
        if not normalise(clean):
            raise WordError("the word is empty / 敏感词不能为空")
        if len(clean) > MAX_WORD:
            raise WordError(f"the word is longer than {MAX_WORD} characters / 敏感词不能超过 {MAX_WORD} 个字符")
        try:
            with self.db.session() as s:
                if s.scalars(select(SensitiveWord).where(SensitiveWord.word == clean)).first() is not None:
                    raise DuplicateWord(f"'{clean}' is already on the list / “{clean}”已在列表中")
                s.add(SensitiveWord(word=clean))
        except IntegrityError as exc:
            raise DuplicateWord(f"'{clean}' is already on the list / “{clean}”已在列表中") from exc
        self._loaded_at = -RELOAD_S
        return clean

    def remove(self, word: str) -> None:
        clean = word.strip()
        with self.db.session() as s:
            row = s.scalars(select(SensitiveWord).where(SensitiveWord.word == clean)).first()
            if row is not None:
                s.delete(row)
        if row is None:
            hint = " (it is on the shipped list, which staff cannot change)" if clean in shipped_words() else ""
            raise UnknownWord(f"'{clean}' is not on the staff list{hint} / “{clean}”不在工作人员添加的列表中")
        self._loaded_at = -RELOAD_S

    def _matcher(self) -> re.Pattern[str] | None:
        with self._lock:
            if time.monotonic() - self._loaded_at >= RELOAD_S:
                words = {normalise(w): w for w in [*shipped_words(), *self.staff_words()] if normalise(w)}
                ordered = sorted(words, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
                self._words, self._loaded_at = words, time.monotonic()
            return self._pattern

    # ---- checking -------------------------------------------------------------------------------------------
    def find(self, text: str) -> Blocked | None:
        pattern = self._matcher()
        m = pattern.search(normalise(text)) if pattern is not None else None
        return Blocked(self._words.get(m.group(0), m.group(0))) if m else None

    def record(self, session_id: str | None, kind: str, blocked: Blocked, text: str) -> None:
        """Keep a blocked message or answer for review; the general log gets no text."""
        with self.db.session() as s:
            s.add(ModerationEvent(session_id=session_id, kind=kind, word=blocked.word, text=text))
        log.warning("blocked %s (sensitive word); kept for review", kind)

    def review(self, since: datetime | None = None) -> list[ModerationEvent]:
        with self.db.session() as s:
            q = select(ModerationEvent).order_by(ModerationEvent.id)
            if since is not None:
                q = q.where(ModerationEvent.created_at >= since)
            rows = list(s.scalars(q))
            s.expunge_all()
            return rows
