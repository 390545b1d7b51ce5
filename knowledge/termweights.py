"""How much each BM25 term of a question counts.

jieba's search mode cuts one word into the word and its parts ("劳动仲裁" -> 劳动, 仲裁, 劳动仲裁; "人民法院" ->
人民, 法院, 人民法院), so a compound the question uses counted three or four times over against a plain word
beside it ("时间", "收费"), and the article that repeats the compound outranked the one that answers. Here every
word of the question (jieba's accurate cut of the question and its expansion) holds a weight of 1, shared
equally among the search terms it is cut into; a term that two words yield keeps the larger share.

An English word counts ENGLISH_WEIGHT: in the index it meets only the English summaries of guides (the statutes
are Chinese), while the glossary's Chinese terms for the same question reach the statutes."""

from __future__ import annotations

import re

from knowledge import tokens
from knowledge.english import is_stopword, normalise
from knowledge.tokens import QUESTION_WORDS, _jieba, expand_query, tokenize

ENGLISH_WEIGHT = 0.25
_LATIN = re.compile(r"[a-z]")


def query_weights(query: str) -> dict[str, float]:
    """Each BM25 term of the question -> its weight (1 for a word cut into one term, 1/n for each of n parts)."""
    weights: dict[str, float] = {}
    for word in _jieba().cut(expand_query(normalise(query)).lower()):
        parts = [t for t in dict.fromkeys(tokenize(word)) if t not in QUESTION_WORDS and not is_stopword(t)]
        for term in parts:
            share = (ENGLISH_WEIGHT if _LATIN.search(term) else 1.0) / len(parts)
            weights[term] = max(weights.get(term, 0.0), share)
    return weights


def query_terms(query: str) -> list[str]:
    """The question's BM25 terms, each once (``knowledge.tokens.query_terms`` of the question as the glossary reads
    it: English possessives and inflections at their glossary form)."""
    return tokens.query_terms(normalise(query))
