"""Character-level keyword evidence: a third BM25 index whose terms are the Chinese characters of each chunk's
words, mixed into the hybrid score with CHAR_WEIGHT.

Enterprises ask in everyday words that the statutes do not use: 索赔 for 赔偿, 拿回来 for 取回, 抵掉 for 抵销,
金额 for 数额, 避开 for 规避. A word-level index scores such a word 0 (or, worse, matches it by chance in an
unrelated article, where a rare colloquial word carries a high IDF), and the bundled embedding model does not
tell the neighbouring articles of one law apart. The words still share characters with the statute's term, and a
character's IDF is low when it is common, so summed over a question's characters the article that uses the
asker's characters most (赔, 额, 取, 回, 抵) gains a little over its neighbours. It is a back-off, weighted below
the word and dense rankers, and it only re-orders chunks one of those two already found.

Only the question's own words count (not the thesaurus or glossary expansion: those already reach the word index),
so an English question has no characters here and is left as it was."""

from __future__ import annotations

import re

from knowledge.tokens import QUESTION_WORDS, STOPWORDS, _jieba

CHAR_WEIGHT = 0.3  # next to BM25_WEIGHT and 1 - BM25_WEIGHT of the two scaled rankers (knowledge.base)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def chunk_chars(tokens: list[str]) -> list[str]:
    """The index terms of a chunk: the Chinese characters of its stored search tokens (a compound and its parts
    both count, as in the word index; BM25 saturates repeated characters)."""
    return [ch for token in tokens for ch in token if _HAN.match(ch)]


def query_chars(query: str) -> dict[str, float]:
    """The characters of the question's content words (no stop or question words), each weighing 1."""
    chars: dict[str, float] = {}
    for word in _jieba().cut(query.lower()):
        if word in STOPWORDS or word in QUESTION_WORDS:
            continue
        for ch in word:
            if _HAN.match(ch):
                chars[ch] = 1.0
    return chars
