"""Query expansion: the statute wording for everyday words, added to a question before it is tokenised —
English phrases through the glossary (matched on crude word stems), Chinese colloquialisms through the thesaurus.
Words to words only: no figure, deadline or answer phrase (tests/knowledge/test_expansion_content.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from knowledge.tokens import _CJK, CONTENT, QUESTION_WORDS, tokenize

GLOSSARY = CONTENT / "glossary_en_zh.tsv"
THESAURUS = CONTENT / "thesaurus_zh.tsv"


def query_terms(query: str) -> list[str]:
    """BM25 terms for a question: its own tokens plus the statute wording it expands to, once each."""
    return [t for t in dict.fromkeys(tokenize(expand_query(query))) if t not in QUESTION_WORDS]


_SUFFIXES = (
    "ational", "ations", "ation", "ating", "ated", "ates", "ate", "ements", "ement", "ments", "ment",
    "ions", "ion", "ings", "ing", "ies", "ied", "ed", "es", "al", "s", "e", "y",
)


def _stem(word: str) -> str:
    """A crude English stem, so "expropriate", "expropriated" and "expropriation" meet one glossary key. A -ies / -ied
    word is its -y word first ("copied", "copies" -> "copy"): stripped as they are, a short one lost its y and missed
    its key ("copi" against "copy")."""
    if len(word) > 4 and word.endswith(("ies", "ied")):
        word = word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _stems(text: str) -> str:
    return " ".join(_stem(w) for w in re.sub(r"[^a-z0-9']+", " ", text.lower()).split())


def _pairs(path: Path) -> list[tuple[str, str]]:
    """``key<TAB>terms`` lines, longest key first; ``#`` lines are comments."""
    pairs: list[tuple[str, str]] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, terms = line.partition("\t")
            if terms.strip() and not key.startswith("#"):
                pairs.append((key.strip().lower(), terms.strip()))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


@lru_cache(maxsize=1)
def glossary() -> list[tuple[str, str]]:
    return _pairs(GLOSSARY)


@lru_cache(maxsize=1)
def _stemmed_glossary() -> list[tuple[str, str]]:
    pairs = [(_stems(en), zh) for en, zh in glossary()]
    return sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def _same_stem() -> dict[str, list[tuple[str, str]]]:
    """Glossary phrases that stem alike but expand differently ("register" 登记, "registered" 注册; "minor" 轻微,
    "minors" 未成年人), by stem, longest phrase first: the stem alone cannot tell them apart, the question's own
    words can."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for en, zh in glossary():
        stem = _stems(en)
        if stem:
            groups.setdefault(stem, []).append((en, zh))
    return {stem: g for stem, g in groups.items() if len({zh for _, zh in g}) > 1}


def _as_written(stem: str, zh: str, words: str) -> str:
    """The expansion of the phrase the question writes itself when several share ``stem`` (``words``: the
    question's words, space-padded); else of the longest one the question's words begin with ("designed" is a
    form of "design", not of "designate"); else ``zh``."""
    group = _same_stem().get(stem, ())
    for en, terms in group:
        if f" {en} " in words:
            return terms
    begun = [(en, terms) for en, terms in group if f" {en}" in words]
    return max(begun, key=lambda p: len(p[0]))[1] if begun else zh


@lru_cache(maxsize=1)
def thesaurus() -> list[tuple[str, str]]:
    return _pairs(THESAURUS)


_OPENED: dict[str, tuple[list[tuple[str, str]], dict[str, list[int]]]] = {}  # see _opened_by


def _opened_by(name: str, pairs: list[tuple[str, str]], first: Callable[[str], str]) -> dict[str, list[int]]:
    """The places in ``pairs`` (a glossary or thesaurus list, as loaded now) of the keys each ``first(key)`` opens;
    built again when the list is another object (reloaded, or replaced in a test)."""
    kept = _OPENED.get(name)
    if kept is not None and kept[0] is pairs:
        return kept[1]
    index: dict[str, list[int]] = {}
    for i, (key, _) in enumerate(pairs):
        index.setdefault(first(key), []).append(i)
    _OPENED[name] = (pairs, index)
    return index


def expand_query(text: str) -> str:
    """Append the statute wording for everyday words: English phrases through the glossary (matched on
    crude word stems), Chinese colloquialisms through the thesaurus (longest key first; matched text is
    consumed). Only the phrases opened by a word of the question, and the keys opened by one of its characters
    (or holding a space), are tried, in the same order: consuming a match drops words or leaves a space, so it
    makes no other phrase or key appear (the whole lists were tried for every question: 0.1-0.3 ms)."""
    extra: list[str] = []
    if re.search(r"[A-Za-z]", text):
        low = " " + _stems(text) + " "
        words = " " + " ".join(re.sub(r"[^a-z0-9']+", " ", text.lower()).split()) + " "
        glossary_en = _stemmed_glossary()
        by_word = _opened_by("glossary", glossary_en, lambda en: en.split(" ", 1)[0])
        for i in sorted({i for word in set(low.split()) for i in by_word.get(word, ())}):
            en, zh = glossary_en[i]
            if f" {en} " in low:
                extra.append(_as_written(en, zh, words))
                low = low.replace(f" {en} ", " ")
    if _CJK.search(text):
        rest = text
        keys = thesaurus()
        by_char = _opened_by("thesaurus", keys, lambda key: " " if " " in key else key[0])
        for i in sorted({i for ch in {*text, " "} for i in by_char.get(ch, ())}):
            key, terms = keys[i]
            if key in rest:
                extra.append(terms)
                rest = rest.replace(key, " ")
    return text + (" " + " ".join(extra) if extra else "")
