"""The sensitive-word matcher's folding (``assistant.moderation.normalise``) takes NFKC character by character for
texts of the common characters: the same result as ``unicodedata`` on the whole text, for every such character
and for texts mixing them with the ones that compose, decompose or reorder (those go through ``unicodedata``)."""

from __future__ import annotations

import random
import re
import unicodedata

from assistant import moderation
from assistant.moderation import normalise


def _by_unicodedata(text: str) -> str:
    return moderation._SKIP.sub("", unicodedata.normalize("NFKC", text).lower())


def _alone() -> list[str]:
    """Every character the fast way takes (one per code point of the ranges it accepts)."""
    return [chr(u) for a, b in moderation._RANGES for u in range(a, b + 1)
            if moderation._NOT_ALONE.search(chr(u)) is None]


def test_no_character_taken_alone_combines_with_another() -> None:
    """No character the fast way takes is a combining mark or the second of any canonical composition (every
    code point's decomposition is looked at; Hangul vowels and trailing consonants compose by rule)."""
    second = {0x1161 + i for i in range(21)} | {0x11A8 + i for i in range(27)}
    for u in range(0x110000):
        parts = unicodedata.decomposition(chr(u)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            second.add(int(parts[1], 16))
    alone = _alone()
    assert len(alone) > 21_000  # the ideographs and the punctuation of nearly every message
    assert [c for c in alone if unicodedata.combining(c) or ord(c) in second] == []
    assert all(unicodedata.normalize("NFKC", c) == c for c in map(chr, range(0x4E00, 0xA000)))


def test_the_fast_folding_equals_unicodedata_on_mixed_texts() -> None:
    rng = random.Random(19)
    alone = _alone()
    common = list("，。：；？！（）《》“”、…％—·　ＡＺａｚ０９Ａ\n 劳动合同法第三十九条AbC-/|_*")
    others = ["e\u0301", "\u0301", "\u0308", "가", "\u1100\u1161", "ﬁ", "Ω", "K", "µ", "é", "Σ", "ΑΣ ",
              "\u0338", "ｶﾞ", "\uff9e", "①②", "㎏", "\u00a8", "\u2002x\u2003"]
    for _ in range(3_000):
        pieces = [rng.choice(common) if rng.random() < 0.6 else rng.choice(alone) for _ in range(rng.randint(0, 40))]
        text = "".join(pieces)
        assert normalise(text) == _by_unicodedata(text), text
        at = rng.randint(0, len(text))
        mixed = text[:at] + rng.choice(others) + text[at:]
        assert normalise(mixed) == _by_unicodedata(mixed), mixed


def test_every_character_taken_alone_folds_as_unicodedata_folds_it() -> None:
    for c in _alone():
        for text in (c, f"甲{c}乙", f"A{c}{c}b", f"{c}\u3000{c}"):
            assert normalise(text) == _by_unicodedata(text), repr(text)
    assert re.fullmatch(r"[a-z0-9]*", normalise("ＡＢＣ　１２３，abc。"))  # full width folded, punctuation gone
