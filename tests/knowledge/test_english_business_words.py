"""The plain English a foreign-invested or exporting firm's manager writes about tax, trade, data, products and
company changes reaches the word the statute uses (word to word, never an answer). Phrasings are this file's own."""

from __future__ import annotations

import pytest

from knowledge.termweights import query_terms


@pytest.mark.parametrize(("question", "term"), [
    ("Are the lab's research and development costs written off against profit?", "开发"),
    ("Is a gift to a charity fund tax deductible for us?", "捐赠"),
    ("Is a gift to a charity fund tax deductible for us?", "扣除"),
    ("What counts as taxable income for a trading firm?", "所得额"),
    ("Our office network was hacked over the weekend.", "网络"),
    ("The tax office says our filing had a mistake in it.", "税务机关"),
    ("HR kept a new recruit's passport in the safe.", "证件"),
    ("May we scan staff fingerprints at the gate?", "生物识别"),
    ("Does a foreign-funded clinic need any extra approval?", "外商投资企业"),
    ("A faulty product burned a user's hand. Who answers for it?", "产品"),
    ("Our plant imports resin from Korea every month.", "进口"),
    ("We plan to close down the branch at the end of the year.", "解散"),
    ("Could we bid for government contracts in the province?", "政府采购"),
    ("The supervisor keeps breaking the safety rules.", "违反"),
    ("We would like to cut the firm's registered capital by half.", "减少"),
    ("Can our customer data be stored by our parent in Germany?", "境外"),
])
def test_everyday_business_english_reaches_the_statute_word(question: str, term: str) -> None:
    assert term in query_terms(question)


@pytest.mark.parametrize(("question", "term"), [
    ("Our production line was down for two days.", "产品"),
    ("Staff get a lunch break of one hour.", "违反"),
])
def test_look_alike_words_do_not_take_the_new_entries_sense(question: str, term: str) -> None:
    assert term not in query_terms(question)
