"""``expand_query`` tries only the glossary phrases a word of the question opens and the thesaurus keys one of its
characters opens: the same expansion, in the same order, as trying every phrase and key of both lists (longest
first, a match consumed), for each phrase and key alone, for several together, overlapping or side by side, and for
a removal that brings two words together."""

from __future__ import annotations

import random
import re

from knowledge.expansion import _as_written, _stemmed_glossary, _stems, expand_query, glossary, thesaurus
from knowledge.tokens import _CJK


def _every_key(text: str) -> str:
    """The expansion as it was: every phrase and key of both lists tried in turn."""
    extra: list[str] = []
    if re.search(r"[A-Za-z]", text):
        low = " " + _stems(text) + " "
        words = " " + " ".join(re.sub(r"[^a-z0-9']+", " ", text.lower()).split()) + " "
        for en, zh in _stemmed_glossary():
            if f" {en} " in low:
                extra.append(_as_written(en, zh, words))
                low = low.replace(f" {en} ", " ")
    if _CJK.search(text):
        rest = text
        for key, terms in thesaurus():
            if key in rest:
                extra.append(terms)
                rest = rest.replace(key, " ")
    return text + (" " + " ".join(extra) if extra else "")


def test_each_phrase_and_key_expands_as_before() -> None:
    for en, _ in glossary():
        text = f"Can the company {en} before the deadline?"
        assert expand_query(text) == _every_key(text)
    for key, _ in thesaurus():
        text = f"公司{key}了怎么办"
        assert expand_query(text) == _every_key(text)


def test_several_together_expand_as_before() -> None:
    rng = random.Random(15)
    phrases = [en for en, _ in glossary()]
    keys = [key for key, _ in thesaurus()]
    fillers = ["", " ", "，", "我们", "the", " and ", "员工", "of the"]
    several = 0
    for _ in range(2_000):
        parts = [rng.choice(phrases) if rng.random() < 0.5 else rng.choice(keys) for _ in range(rng.randint(1, 4))]
        text = "".join(p + rng.choice(fillers) for p in parts)
        cut = rng.randint(0, len(text))  # a key cut in two, or two keys run together
        for t in (text, text[:cut] + text[cut + 1:], text.lower(), text.upper()):
            assert expand_query(t) == _every_key(t), t
        several += expand_query(text).count(" ", len(text)) >= 2  # two expansions or more
    assert several > 500


def test_a_removal_that_joins_two_words_is_followed() -> None:
    """Consuming a phrase drops its words: the words on either side meet, and a phrase made of them matches
    after it (it did before too): every glossary phrase of two words, split around a one-word phrase."""
    singles = [en for en, _ in glossary() if " " not in en.strip()][:40]
    pairs = [en.split() for en, _ in glossary() if len(en.split()) == 2][:200]
    joined = 0
    for first, second in pairs:
        for middle in singles:
            text = f"{first} {middle} {second}"
            assert expand_query(text) == _every_key(text), text
            joined += expand_query(text).count(" ", len(text)) >= 2  # the middle word's and the pair's
    assert joined > 100
