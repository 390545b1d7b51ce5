"""Everyday words for what the pack's regulations and interpretations say (fire safety, tendering, lending, special
equipment, guarantees by public bodies, the head of a unit's accounts) reach the statute's word; phrases that stem
alike keep the expansion of the one the question writes."""

from __future__ import annotations

import pytest

from knowledge.expansion import expand_query


def _added(question: str) -> str:
    return expand_query(question).removeprefix(question)


@pytest.mark.parametrize(("question", "term"), [
    ("村委会给合作社的贷款签字担保了，有效吗", "村民委员会"),
    ("居委会能不能给商户作保", "居民委员会"),
    ("街道办替一家厂出面作保，银行认吗", "机关"),
    ("仓库着火了，责任是仓管的还是老板负责", "单位负责人"),
    ("对方拿来一份还钱计划，说分三年还", "清偿"),
    ("尾款一直不给，我们能把机器拉回来吗", "取回"),
    ("监察大队说要查完才给结论，要查多久", "调查"),
    ("合同过期了他还照常上班", "工作"),
    ("涨工资的事老板口头答应过", "协商一致"),
])
def test_chinese_everyday_words_reach_the_statute_term(question: str, term: str) -> None:
    assert term in _added(question)


@pytest.mark.parametrize(("question", "term"), [
    ("Someone parked a van right in front of the fire hydrant. Who fines them?", "消火栓"),
    ("The corridor to the exit is blocked with boxes every night.", "堵塞"),
    ("We did not win the bid. When do we get our bond back?", "未中标"),
    ("We did not win the bid. When do we get our bond back?", "退还"),
    ("Can our factory borrow from a supplier at 10% interest?", "借款"),
    ("May a company raise funds from its workers?", "筹集资金"),
    ("When can we start using the new crane?", "投入使用"),
    ("Does a design made by a former employee belong to the company?", "属于 单位"),
])
def test_english_everyday_words_reach_the_statute_term(question: str, term: str) -> None:
    assert term in _added(question)


@pytest.mark.parametrize(("question", "term", "not_term"), [
    ("How soon must we register the new boiler?", "登记", "注册"),
    ("Is the registered office shown on the licence?", "注册", "登记"),
    ("Can we keep the personal data of minors?", "未成年人", "轻微"),
    ("It was only a minor breach of the rules.", "轻微", "未成年人"),
])
def test_phrases_that_stem_alike_keep_the_expansion_of_the_one_written(question: str, term: str,
                                                                       not_term: str) -> None:
    added = _added(question)
    assert term in added and not_term not in added


def test_a_boss_in_contract_talk_is_still_not_the_head_of_a_unit() -> None:
    assert "单位负责人" not in _added("对方老板要跑路了，还没交的货怎么办")


@pytest.mark.parametrize(("question", "term"), [
    ("The customer wants to cancel our purchase agreement halfway. Can they?", "解除"),
    ("Cancellation of a lease by the landlord: what notice is owed?", "解除"),
    ("Can the authority cancel our permit?", "撤销"),
    ("The parts were delivered late again this month.", "迟延 交付"),
])
def test_cancelling_a_contract_reads_as_rescinding_it_and_late_delivery_as_delay(question: str, term: str) -> None:
    """"Cancel" is 解除 for a contract and 撤销 for a decision; the glossary gives both (the statute's two words)."""
    assert term in _added(question)
