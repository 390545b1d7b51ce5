"""One expansion and one jieba cut per question (knowledge.termweights): the engine's plain terms and the search's
weights read from it must be what expanding and cutting the question again gives, term for term and in order.
Phrasings are this file's own."""

from __future__ import annotations

import pytest

from knowledge import termweights
from knowledge.english import is_stopword, normalise
from knowledge.expansion import expand_query
from knowledge.tokens import QUESTION_WORDS, _jieba, tokenize

PHRASINGS = [
    "老板三个月没发工资了，我能不能直接去劳动仲裁？",
    "合伙人退伙以后，之前欠供应商的货款还要他还吗",
    "我们厂的商标被隔壁县一家作坊仿冒了怎么维权",
    "网店卖的面膜被消费者说是三无产品，要赔多少倍",
    "How long do we have to file a claim after the supplier's goods turned out defective?",
    "Our landlord wants to end the lease early — can he keep the deposit?",
    "公司注册资本认缴了500万，股东还没实缴，债权人能找股东要钱吗？",
    "人民调解委员会调解达成的协议有法律效力吗",
    "税 罚 股",
    "  前后有空格的问题  ",
    "PIPL 对跨境传输员工数据有什么要求",
    "！！？？",
]


def _weights_the_long_way(question: str) -> dict[str, float]:
    """The weights as computed before the cut was shared: expand and cut the question, cut each word again."""
    weights: dict[str, float] = {}
    for word in _jieba().cut(expand_query(normalise(question)).lower()):
        parts = [t for t in dict.fromkeys(tokenize(word)) if t not in QUESTION_WORDS and not is_stopword(t)]
        for term in parts:
            share = (termweights.ENGLISH_WEIGHT if termweights._LATIN.search(term) else 1.0) / len(parts)
            weights[term] = max(weights.get(term, 0.0), share)
    return weights


@pytest.mark.parametrize("question", PHRASINGS)
def test_terms_from_the_shared_cut_are_those_of_cutting_again(question: str) -> None:
    termweights._cut.cache_clear()
    assert termweights.query_terms(question) == termweights.plain_query_terms(question)
    assert termweights.query_weights(question) == _weights_the_long_way(question)
    # asked again (the cut kept): the same again
    assert termweights.query_terms(question) == termweights.plain_query_terms(question)
    assert termweights.query_weights(question) == _weights_the_long_way(question)


def test_a_question_is_expanded_and_cut_once_for_both(monkeypatch: pytest.MonkeyPatch) -> None:
    termweights._cut.cache_clear()
    calls: list[str] = []
    real = termweights.expand_query
    monkeypatch.setattr(termweights, "expand_query", lambda text: calls.append(text) or real(text))
    question = "工伤认定申请超过一年了还能补办吗"
    termweights.query_weights(question)
    termweights.query_terms(question)
    assert len(calls) == 1


def test_the_kept_cuts_are_few() -> None:
    """Only the questions of the turns in flight are kept: it is no cache of answers to repeated questions."""
    assert termweights._cut.cache_info().maxsize is not None and termweights._cut.cache_info().maxsize <= 16


@pytest.mark.parametrize("question", [*PHRASINGS, "劳动合同法第十条怎么理解？", "ａｂｃ牌子的合同\r"])
def test_the_questions_own_cut_is_jiebas_cut_of_it(question: str) -> None:
    """The character index reads the question's own words (no expansion) from the shared cut."""
    termweights._cut.cache_clear()
    termweights.query_weights(question)
    assert termweights.question_cut(question) == list(_jieba().cut(question.lower()))


def test_a_chinese_questions_own_words_need_no_second_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    question = "供应商交的货有质量问题，能不能拒付货款？"
    termweights.query_weights(question)

    def no_cut() -> None:
        raise AssertionError("cut again")

    monkeypatch.setattr(termweights, "_jieba", no_cut)
    assert termweights.question_cut(question)[:2] == ["供应商", "交"]
