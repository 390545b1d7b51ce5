"""How much each BM25 term of a question counts.

jieba's search mode cuts one word into the word and its parts ("劳动仲裁" -> 劳动, 仲裁, 劳动仲裁; "人民法院" ->
人民, 法院, 人民法院), so a compound the question uses counted three or four times over against a plain word
beside it ("时间", "收费"), and the article that repeats the compound outranked the one that answers. Here every
word of the question (jieba's accurate cut of the question and its expansion) holds a weight of 1, shared
equally among the search terms it is cut into; a term that two words yield keeps the larger share.

An English word counts ENGLISH_WEIGHT: in the index it meets only the English summaries of guides (the statutes
are Chinese), while the glossary's Chinese terms for the same question reach the statutes.

A question is expanded and cut once (``_cut``, kept for the last few questions): the search's weights and the
engine's plain terms are both read from that one accurate cut, the terms as jieba's search mode reads them from
it (``_search_tokens``, the steps of ``jieba.Tokenizer.cut_for_search`` on the words of ``Tokenizer.cut``), and the
terms of each word are kept per word (``_word_shares``), so a turn no longer expands and cuts its question twice."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge import expansion
from knowledge.english import is_stopword, normalise
from knowledge.expansion import expand_query
from knowledge.tokens import _CJK, _WORD, QUESTION_WORDS, STOPWORDS, _jieba, tokenize

ENGLISH_WEIGHT = 0.25
_LATIN = re.compile(r"[a-z]")


def dictionary_cut(text: str) -> list[str]:
    """jieba's accurate cut of a text with the legal-terms dictionary, nothing dropped (``ingest.compound_terms``
    mines the compounds it splits). Here rather than in ``knowledge.tokens``, whose source is the index tokens'
    fingerprint: a new helper there would re-cut every shipped chunk."""
    return [w for w in _jieba().cut(text) if w]


@lru_cache(maxsize=16)  # the questions of the turns in flight, not a query cache
def _cut(query: str) -> tuple[str, ...]:
    """jieba's accurate cut of the question as the glossary reads it, with its expansion, lower-cased."""
    return tuple(_jieba().cut(expand_query(normalise(query)).lower()))


@lru_cache(maxsize=8192)
def _word_shares(word: str) -> tuple[tuple[str, float], ...]:
    """The search terms one word of a question is cut into, each with its share of the word's weight."""
    parts = [t for t in dict.fromkeys(tokenize(word)) if t not in QUESTION_WORDS and not is_stopword(t)]
    return tuple((t, (ENGLISH_WEIGHT if _LATIN.search(t) else 1.0) / len(parts)) for t in parts)


def query_weights(query: str) -> dict[str, float]:
    """Each BM25 term of the question -> its weight (1 for a word cut into one term, 1/n for each of n parts)."""
    weights: dict[str, float] = {}
    for word in _cut(query):
        for term, share in _word_shares(word):
            weights[term] = max(weights.get(term, 0.0), share)
    return weights


def _search_tokens(words: tuple[str, ...]) -> list[str]:
    """``knowledge.tokens.tokenize`` of the text these words are jieba's accurate cut of (the text lower-cased):
    jieba's search mode yields, for each word, its two- and three-character parts found in the dictionary, then
    the word."""
    freq = _jieba().dt.FREQ
    out: list[str] = []
    for w in words:
        pieces: list[str] = []
        if len(w) > 2:
            pieces += [g for g in (w[i:i + 2] for i in range(len(w) - 1)) if freq.get(g)]
        if len(w) > 3:
            pieces += [g for g in (w[i:i + 3] for i in range(len(w) - 2)) if freq.get(g)]
        pieces.append(w)
        for tok in pieces:
            tok = tok.strip()
            if not tok or tok in STOPWORDS:
                continue
            if _CJK.search(tok):
                if len(tok) > 1 or tok in {"税", "罚", "股"}:
                    out.append(tok)
            elif _WORD.fullmatch(tok):
                out.append(tok)
    return out


def query_terms(query: str) -> list[str]:
    """The question's BM25 terms, each once (``knowledge.expansion.query_terms`` of the question as the glossary reads
    it: English possessives and inflections at their glossary form), from the cut its weights were read from."""
    return [t for t in dict.fromkeys(_search_tokens(_cut(query))) if t not in QUESTION_WORDS]


def question_cut(query: str) -> list[str]:
    """jieba's accurate cut of the question itself, lower-cased, without its expansion (the character index reads
    it): the first words of the shared cut when they make up the question (jieba cuts block by block, and the
    expansion follows the question after a space, which ends a block), else cut anew."""
    own = query.lower()
    if normalise(query) == query:
        words, length = _cut(query), 0
        for i, word in enumerate(words):
            if length == len(own):
                if "".join(words[:i]) == own:
                    return list(words[:i])
                break
            length += len(word)
        else:
            if length == len(own) and "".join(words) == own:
                return list(words)
    return list(_jieba().cut(own))


def plain_query_terms(query: str) -> list[str]:
    """``query_terms`` computed the long way (expanded and cut again): what the shared cut must equal."""
    return expansion.query_terms(normalise(query))
