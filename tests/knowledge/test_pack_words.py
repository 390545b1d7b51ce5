"""The words enterprises use for the subjects of the statutes pack (trade secrets, unwritten terms, fines, warning
signs, fire exits, two sets of books, bid rigging, set-off; in English: data messages, underpaid tax, unemployment
insurance, accounting records, bid evaluation, fire exits) reach the statute's own word (word to word); a word two
statutes use for different things (公积金: a company's reserve fund, or the housing fund) is read as neither.
Phrasings and fixture statutes are this file's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import indexed_statutes

import knowledge.expansion as expansion
import knowledge.termweights as termweights
from composition import Runtime
from knowledge.expansion import expand_query


def _added(question: str) -> str:
    return expand_query(question).removeprefix(question)


@pytest.mark.parametrize(("question", "term"), [
    ("跳槽的工程师把我们的技术秘密用到了新东家", "商业秘密"),
    ("借款合同里没约定利息怎么算", "未约定"),
    ("订单上没写交货地点", "未约定"),
    ("发票上的付款期限过了对方还不给", "履行期限"),
    ("消防检查不合格会被罚吗", "罚款"),
    ("冲压机旁边要挂警示牌吗", "安全警示标志"),
    ("打磨工要不要戴口罩", "劳动防护用品"),
    ("仓库的逃生通道能不能堆货", "疏散通道"),
    ("老板让会计做两套账", "会计账簿"),
    ("有人拉我们去陪标", "串通投标"),
    ("对方欠我们的钱能和我们欠他的货款抵账吗", "抵销"),
    ("给客户群发短信推销新品", "发送广告"),
    ("工厂交排污费的标准", "环境保护税"),
    ("保修期从什么时候开始算", "起算"),
    ("消防来检查我们不配合会怎样", "阻碍"),
])
def test_a_pack_subject_in_everyday_words_reaches_the_statutes_word(question: str, term: str) -> None:
    assert term in _added(question)


@pytest.mark.parametrize(("question", "term"), [
    ("Is a data message accepted as evidence in court?", "数据电文"),
    ("The tax office says we underpaid VAT for two quarters.", "少缴"),
    ("Who manages the unemployment insurance fund?", "失业保险"),
    ("Which accounting records must a small firm keep?", "会计档案"),
    ("Who sits on the bid evaluation committee?", "评标"),
    ("Our warehouse fire exits are blocked by pallets.", "疏散通道"),
    ("Can a bankruptcy administrator refuse our set off?", "抵销"),
    ("Must a platform disclose a tie in sale to buyers?", "搭售"),
])
def test_a_pack_subject_in_english_reaches_the_statutes_word(question: str, term: str) -> None:
    assert term in _added(question)


def test_a_reserve_fund_is_not_read_as_the_housing_fund() -> None:
    assert "住房公积金" not in _added("分红之前公司要先提公积金吗")
    assert "住房公积金管理中心" in _added("公积金中心让我们补缴")  # the housing fund's office is named as such


COMPANY = "中华人民共和国仓储公司法"
COMPANY_ARTICLES = {
    "第一章 一般规定": [
        "仓储公司分配当年税后利润时，应当提取利润的百分之十列入公司法定公积金。",
        "仓储公司的股东会由全体股东组成，股东会是公司的权力机构。",
        "仓储公司的董事会对股东会负责，董事任期由公司章程规定。",
    ],
}
HOUSING = "仓储行业住房公积金缴存条例"
HOUSING_ARTICLES = {
    "第一章 总则": [
        "仓储企业应当为职工缴存住房公积金，住房公积金的月缴存额为职工本人上一年度月平均工资乘以缴存比例。",
        "住房公积金管理中心负责住房公积金的归集、管理和使用。",
        "仓储企业不办理住房公积金缴存登记的，由住房公积金管理中心责令限期办理。",
    ],
}


@pytest.fixture
def two_funds(tmp_path: Path, embeddings) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    with indexed_statutes(tmp_path, embeddings, ("仓储公司法.md", COMPANY, COMPANY_ARTICLES),
                          ("住房公积金缴存条例.md", HOUSING, HOUSING_ARTICLES)) as rt:
        yield rt


def _best(hits: list, title: str) -> float:  # type: ignore[type-arg]
    return max((h.score for h in hits if h.title == title), default=0.0)


def test_a_question_on_the_reserve_fund_finds_the_company_article_and_no_longer_leans_to_the_housing_fund(
    two_funds: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "年底分红以前要先留多少公积金？"
    hits = two_funds.kb.search(question, k=6)
    assert (hits[0].title, hits[0].locator) == (COMPANY, "第一条")
    lead = _best(hits, COMPANY) - _best(hits, HOUSING)
    old = expansion.thesaurus()
    monkeypatch.setattr(expansion, "thesaurus", lambda: [("公积金", "住房公积金"), *old])  # the entry this replaced
    termweights._cut.cache_clear()  # the question's expanded cut is kept for its turn: cut it again with it
    with_housing = two_funds.kb.search(question, k=6)
    assert _best(with_housing, COMPANY) - _best(with_housing, HOUSING) < lead  # read as 住房公积金, it leaned there
