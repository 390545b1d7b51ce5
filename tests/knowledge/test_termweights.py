"""Query term weights: each word of a question weighs 1 in BM25, shared among the parts jieba's search mode cuts it
into; English words count half (they meet only guides' English summaries). Phrasings are this file's own."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.bm25 import Bm25Index
from knowledge.expansion import query_terms
from knowledge.termweights import ENGLISH_WEIGHT, query_weights
from knowledge.tokens import _jieba, tokenize


@pytest.mark.parametrize("question", [
    "向人民法院起诉要交多少费用？",
    "劳动仲裁委员会在哪里办公",
    "外商投资企业的登记手续怎么办理",
    "股东会决议被撤销以后怎么办",
])
def test_each_word_of_a_question_weighs_one_in_all(question: str) -> None:
    weights = query_weights(question)
    assert set(weights) == set(query_terms(question))  # the same terms as before, only weighted
    for word in _jieba().cut(question.lower()):
        parts = [t for t in tokenize(word) if t in weights]
        if parts:
            assert sum(weights[t] for t in parts) == pytest.approx(1.0, abs=1e-6) or max(
                weights[t] for t in parts) == pytest.approx(1.0)


def test_a_compound_counts_no_more_than_a_plain_word_beside_it() -> None:
    weights = query_weights("向人民法院起诉要交多少费用？")
    parts = [t for t in ("人民", "法院", "人民法院") if t in weights]
    assert len(parts) >= 2
    assert sum(weights[t] for t in parts) <= weights["费用"] + 1e-6
    assert all(weights[t] < 1.0 for t in parts)


def test_english_words_count_less_than_chinese_ones() -> None:
    weights = query_weights("Can our landlord sell the factory we lease?")
    english = {t: w for t, w in weights.items() if t.isascii()}
    assert english and max(english.values()) <= ENGLISH_WEIGHT
    assert query_weights("厂房出租")["出租"] == 1.0


def test_weighted_scores_are_the_weighted_sum_of_term_scores() -> None:
    idx = Bm25Index(["a", "b", "c"], [["仲裁", "收费"], ["仲裁", "仲裁", "期限"], ["期限"]])
    plain = idx.scores(["仲裁", "期限"])
    np.testing.assert_allclose(plain, idx.scores({"仲裁": 1.0, "期限": 1.0}), rtol=1e-6)
    weighted = idx.scores({"仲裁": 0.25, "期限": 1.0, "未知": 3.0})
    np.testing.assert_allclose(weighted, 0.25 * idx.scores(["仲裁"]) + idx.scores(["期限"]), rtol=1e-6)
    assert not idx.scores({"未知": 1.0}).any()


def test_the_article_on_the_asked_point_beats_one_that_repeats_the_compound() -> None:
    """A question naming a compound ("劳动争议仲裁") and the point it asks ("收费"): the article that repeats the
    compound without the point no longer outranks the one that has both."""
    texts = {
        "repeats": "劳动争议仲裁委员会由劳动行政部门代表、工会代表和企业方面代表组成。"
                   "劳动争议仲裁委员会依法聘任仲裁员。",
        "answers": "当事人申请仲裁的，仲裁机构不收费。",
        "insurance": "用人单位应当按照国家规定为职工缴纳社会保险费。",
        "contract": "合同当事人应当按照约定全面履行自己的义务。",
        "shares": "公司股东依法享有资产收益、参与重大决策和选择管理者等权利。",
    }
    ids = list(texts)
    idx = Bm25Index(ids, [tokenize(t) for t in texts.values()])
    question = "申请劳动争议仲裁，仲裁委员会收费吗？"
    assert ids[int(np.argmax(idx.scores(query_terms(question))))] == "repeats"  # every term counted once
    assert ids[int(np.argmax(idx.scores(query_weights(question))))] == "answers"


def test_scores_read_from_the_columns_equal_the_sparse_product_float_for_float() -> None:
    rng = np.random.default_rng(7)
    vocab = [f"词{i}" for i in range(40)]
    docs = [list(rng.choice(vocab, size=int(rng.integers(1, 30)))) for _ in range(300)]
    idx = Bm25Index([f"c{i}" for i in range(300)], docs)
    for _ in range(20):
        terms = list(dict.fromkeys(rng.choice([*vocab, "不在索引"], size=8)))
        weights = {t: float(rng.uniform(0.1, 1.0)) for t in terms}
        known = [t for t in weights if t in idx.vocab]
        cols = idx.matrix[:, [idx.vocab[t] for t in known]]
        ranked, plain = idx.scores_both(weights)
        assert ranked.dtype == plain.dtype == np.float32
        assert np.array_equal(ranked, np.asarray(cols @ np.array([weights[t] for t in known], np.float32)).ravel())
        assert np.array_equal(plain, np.asarray(cols @ np.ones(len(known), np.float32)).ravel())
        assert np.array_equal(idx.scores(list(weights)), plain)
        assert np.array_equal(idx.scores(weights), ranked)  # the weighted sums alone: the same floats
    assert not idx.scores_both({"不在索引": 1.0})[0].any()
