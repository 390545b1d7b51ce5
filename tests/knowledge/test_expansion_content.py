"""Query expansion holds synonyms only: no figures, deadlines or answer phrases in the thesaurus or glossary."""

from __future__ import annotations

import re

import pytest

from knowledge.expansion import expand_query, glossary, thesaurus

FIGURE = re.compile(r"(\d|[零一二三四五六七八九十百千万两]+(日|天|个月|年|周岁|人|倍|元|%|个工作日))")
ANSWER_WORDS = ("不收取", "不收费", "不得", "应当", "可以不设", "缴足", "不停止", "不予受理", "有权", "以下罚款")
NUMBER_IN_KEY = re.compile(r"(\d|[一二两三双半]|double|one|sole)", re.I)


@pytest.mark.parametrize("source", ["thesaurus", "glossary"])
def test_expansion_terms_carry_no_figures_unless_the_words_do(source: str) -> None:
    pairs = thesaurus() if source == "thesaurus" else glossary()
    bad = [(k, v) for k, v in pairs if FIGURE.search(v) and not NUMBER_IN_KEY.search(k)]
    assert not bad


@pytest.mark.parametrize("source", ["thesaurus", "glossary"])
def test_expansion_terms_hold_no_answer_phrases(source: str) -> None:
    pairs = thesaurus() if source == "thesaurus" else glossary()
    bad = [(k, v) for k, v in pairs if any(w in v and w not in k for w in ANSWER_WORDS)]
    assert not bad


@pytest.mark.parametrize(("word", "answer"), [
    ("出资期限", "五年内缴足"), ("免费吗", "不收取任何费用"), ("调解费", "不收取任何费用"), ("审批多久", "二十日"),
    ("公证多久", "十五个工作日"), ("老员工", "连续工作满十年"), ("仲裁要多久", "四十五日"),
])
def test_the_entries_that_held_answers_now_hold_the_legal_term_only(word: str, answer: str) -> None:
    found = dict(thesaurus())
    assert word in found and answer not in found[word]


@pytest.mark.parametrize(("question", "term"), [
    ("请的律师是哪个律所的？", "律师事务所"), ("单位出钱让我去学技术，回来要干满几年吗", "培训"),
    ("车间一天最多干几个钟头", "小时"), ("网上买的东西不想要了能退吗", "退货"),
    ("房东拖着不交物业费怎么办", "逾期"), ("外资企业赚的钱能拿走吗", "利润"),
])
def test_everyday_words_reach_the_statute_term(question: str, term: str) -> None:
    assert term in expand_query(question).removeprefix(question)


@pytest.mark.parametrize("question", ["女工生小孩能休几天假", "离婚了孩子归谁养", "带孩子来上班可以吗"])
def test_a_child_in_ordinary_talk_is_not_read_as_a_minor_s_data(question: str) -> None:
    assert "未成年人" not in expand_query(question)


def test_a_company_limited_by_shares_is_not_read_as_a_limited_liability_company() -> None:
    assert "有限责任公司" in expand_query("开有限公司要几个股东")
    assert "有限责任公司" not in expand_query("股份有限公司的董事会怎么开")


@pytest.mark.parametrize(("question", "term"), [
    ("Can a competitor register our brand as a trademark first?", "商标"),
    ("Our engineer invented a new valve; who may apply for the patent?", "专利"),
    ("Who holds the copyright in a logo a freelancer drew for us?", "著作权"),
])
def test_english_intellectual_property_words_reach_the_statute_that_governs_them(question: str, term: str) -> None:
    """Not only 知识产权 (a guide's heading): the statutes pack has the trademark, patent and copyright laws."""
    assert term in expand_query(question).removeprefix(question)


@pytest.mark.parametrize("source", ["thesaurus", "glossary"])
def test_each_word_has_one_line(source: str) -> None:
    """A repeated key is dead weight at best and a silent conflict at worst (the longer-key-first order keeps
    both, and which one a reader edits is luck): merges of two branches' additions meet here."""
    pairs = thesaurus() if source == "thesaurus" else glossary()
    keys = [k for k, _ in pairs]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


@pytest.mark.parametrize("question", ["对方老板要跑路了，还没交的货怎么办", "供货商老板出国了，合同还能履行吗",
                                      "买家一直不交货款的尾款，我们能解除合同吗", "对方拖到现在都不交图纸"])
def test_a_boss_or_a_thing_not_handed_over_in_contract_talk_is_not_read_as_labour_or_payment_due(question: str) -> None:
    added = expand_query(question).removeprefix(question)
    assert "用人单位" not in added and "不缴" not in added


@pytest.mark.parametrize(("question", "term"), [
    ("老板让我们周末都来加班，不来就扣钱", "用人单位"), ("老板要求员工下班后随时回消息合法吗", "用人单位"),
    ("老板不给员工买意外险怎么办", "用人单位"), ("厂里一直不交税会被怎么罚", "不缴"),
    ("单位不交公积金可以投诉吗", "不缴"),
])
def test_a_boss_directing_the_staff_and_what_is_paid_in_keep_their_statute_terms(question: str, term: str) -> None:
    assert term in expand_query(question).removeprefix(question)
