"""English questions on the query side: the words that only shape an English sentence ("what", "does", "our",
"want") are dropped from the BM25 query, as the Chinese question words are (knowledge.tokens.QUESTION_WORDS);
possessives and inflections the glossary's stems miss are brought to its form (``normalise``).

The statutes are Chinese: an English word meets only the English summaries of guides and service cards, so a
question's grammar ("how", "we", "have") made a guide's summary outrank the article that the glossary's Chinese
terms found. Dropped from queries only, never from the index (the search tokens of the shipped packs stay valid).
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.english_senses import choose_senses
from knowledge.expansion import glossary

STOPWORDS = frozenset("""
a an the this that these those there here it its it's i me my mine we us our ours you your yours he him his she
her hers they them their theirs one someone anyone somebody anybody something anything everything nothing
who whom whose which what when where why how whether if then than so as such
is am are was were be been being do does did doing done have has had having get gets got getting
will would shall should can could may might must need needs ought
to of in on at by for from with without about into onto over under after before during while until within
up down out off again further also just only very too quite really still already even ever never not no
and or but nor either neither both each every all any some most more much many few several other another
please tell know want wants wanted like let lets make makes made go goes going went say says said told
thing things way ways kind sort lot lots yes ok okay hi hello thanks thank
""".split())


def is_stopword(word: str) -> bool:
    """A word of an English question's grammar, not of its subject."""
    return word in STOPWORDS


# Past forms the suffix rules below cannot undo.
IRREGULAR = {"sold": "sell", "bought": "buy", "left": "leave", "hit": "hit", "owed": "owe",
             "brought": "bring", "sent": "send", "made": "make", "lost": "lose", "held": "hold", "struck": "strike",
             "laid": "lay", "withheld": "withhold", "signed": "sign", "hurt": "hurt", "froze": "freeze"}
_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b|(?<=s)['’](?![a-z])", re.I)
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _glossary_words() -> frozenset[str]:
    return frozenset(key for key, _ in glossary() if " " not in key)


def _candidates(word: str) -> list[str]:
    """Base forms of an inflected word: "fined" -> fine, "suing" -> sue, "quitting" -> quit, "taxes" -> tax."""
    out: list[str] = []
    for suffix in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            stem = word[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])
    return out


def base_form(word: str) -> str:
    """The glossary's form of an English word when the word is an inflection of one of its single-word keys
    (the glossary's crude stems miss short words: "fined" is no "fine", "sued" no "sue"); else the word."""
    low = word.lower()
    known = _glossary_words()
    if low in known:
        return word
    if low in IRREGULAR and IRREGULAR[low] in known:
        return IRREGULAR[low]
    return next((c for c in _candidates(low) if c in known), word)


# "How long is a registration valid / does a licence last" asks for the term of the registration or licence: the
# statutes' word for it is its validity period (有效期), which the glossary holds.
_LASTS = re.compile(r"\bhow (?:long|many years)\b[^?.!]*?\b(?:valid|in force)\b|"
                    r"\bhow (?:long|many years)\b[^?.!]*?\b(?:registrations?|licen[cs]es?|permits?|certificates?|"
                    r"trademarks?)\b[^?.!]*?\b(?:last|lasts)\b", re.I)


def normalise(text: str) -> str:
    """An English question as the glossary reads it: possessives dropped ("the director's term" -> "the director
    term"), a word of two senses at the word of the one its sentence gives it (``knowledge.english_senses``),
    inflected words at their glossary form, a question on how long a registration or licence lasts naming
    its validity period. Chinese text is returned unchanged."""
    if not _LATIN_WORD.search(text):
        return text
    text = choose_senses(_POSSESSIVE.sub("", text))
    if _LASTS.search(text):
        text += " (validity period)"
    return _LATIN_WORD.sub(lambda m: base_form(m.group(0)), text)
