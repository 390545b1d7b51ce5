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

import numpy as np

from knowledge.bm25 import Bm25Builder, Bm25Index
from knowledge.termweights import question_cut
from knowledge.tokens import QUESTION_WORDS, STOPWORDS

CHAR_WEIGHT = 0.3  # next to BM25_WEIGHT and 1 - BM25_WEIGHT of the two scaled rankers (knowledge.base)
_FIRST, _LAST = 0x4E00, 0x9FFF  # the CJK Unified Ideographs block: the index's fixed vocabulary
_HAN = re.compile(r"[\u4e00-\u9fff]")
_VOCAB = {chr(c): c - _FIRST for c in range(_FIRST, _LAST + 1)}


class CharBuilder(Bm25Builder):
    """A :class:`Bm25Builder` whose terms are the Chinese characters of each chunk's search tokens (a compound and
    its parts both count, as in the word index; BM25 saturates repeated characters). The vocabulary is the fixed
    block of characters, so chunks are counted BATCH at a time with numpy, not term by term (this index has more
    entries than the word index; counted one by one it took twice as long to build)."""

    BATCH = 1000

    def __init__(self) -> None:
        super().__init__()
        self.vocab = dict(_VOCAB)
        self._pending: list[str] = []

    def add(self, tokens: list[str]) -> None:
        self._pending.append("".join(tokens))
        if len(self._pending) >= self.BATCH:
            self._flush()

    def build(self, ids: list[str], k1: float | None = None, b: float | None = None) -> Bm25Index:
        self._flush()
        return super().build(ids, k1, b)

    def _flush(self) -> None:
        if not self._pending:
            return
        texts, self._pending = self._pending, []
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        first = len(self.lengths)
        row = np.repeat(np.arange(first, first + len(texts), dtype=np.int64), [len(t) for t in texts])
        han = (codes >= _FIRST) & (codes <= _LAST)
        row, col = row[han], codes[han].astype(np.int64) - _FIRST
        keys, tf = np.unique(row * len(_VOCAB) + col, return_counts=True)
        self.rows.frombytes((keys // len(_VOCAB)).astype(np.int32).tobytes())
        self.cols.frombytes((keys % len(_VOCAB)).astype(np.int32).tobytes())
        self.tf.frombytes(tf.astype(np.float32).tobytes())
        self.lengths.frombytes(np.bincount(row - first, minlength=len(texts)).astype(np.float32).tobytes())


def query_chars(query: str) -> dict[str, float]:
    """The characters of the question's content words (no stop or question words), each weighing 1."""
    chars: dict[str, float] = {}
    for word in question_cut(query):  # jieba's cut of query.lower(), shared with the question's terms
        if word in STOPWORDS or word in QUESTION_WORDS:
            continue
        for ch in word:
            if _HAN.match(ch):
                chars[ch] = 1.0
    return chars
