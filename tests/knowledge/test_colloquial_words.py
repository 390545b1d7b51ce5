"""The words an owner, HR or accountant types where a statute has its own term reach that term (word to word): hurts
at work (切伤, 砸伤, 烫伤, 卷进机器) are the work-injury regulation's 事故伤害, a debt one cannot get back is about
诉讼时效, 走人 is 解除劳动合同, 缴齐 is 足额缴纳, 很像 is 近似 ... ; the same words in other senses are not
read so (要多交多少钱 is not an overpayment). Phrasings and the fixture statute are this file's own."""

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
    ("学徒开冲压机时被模具切伤了两根手指", "事故伤害"),
    ("吊装的时候钢板掉下来砸伤了工人", "事故伤害"),
    ("锅炉房的师傅被蒸汽烫伤了", "事故伤害"),
    ("女工的头发卷进了传送带", "事故伤害"),
    ("装修队的工人从脚手架上摔断了胳膊", "事故伤害"),
    ("仓管员干活的时候被叉车撞了", "工作时间"),
    ("这笔设备款拖了好多年了，估计要不回来了", "诉讼时效"),
    ("经销商欠的钱收不回来怎么办", "诉讼时效"),
    ("财务跳槽前一天才说要走人", "解除劳动合同"),
    ("销售经理业绩差，公司能调他的岗吗", "不能胜任工作"),
    ("门卫大爷下个月就退休了", "法定退休年龄"),
    ("单位一直没给保洁阿姨买社保", "缴纳"),
    ("公司的社保费一直没交齐", "足额"),
    ("股东的出资款三年了还没缴齐", "足额"),
    ("医保交满多少年退休后就不用再交了", "累计缴费"),
    ("合伙开的火锅店不想开了要办什么", "注销登记"),
    ("采购商老板跑路了，我们的货款怎么办", "逃避债务"),
    ("隔壁厂的包装和我们的很像", "近似"),
    ("外包公司把我们的设计图拿去用了", "未经许可"),
    ("注册商标到期前怎么续期", "续展"),
    ("顾客买到坏的鸡蛋要求赔偿", "消费者"),
    ("电商平台对入驻商家有什么责任", "平台内经营者"),
    ("宣传海报上写了销量第一", "最高级"),
    ("新来的叉车司机没培训能开车吗", "安全生产教育和培训"),
    ("员工出差期间突然去世了", "死亡"),
    ("工伤的医药费公司要先垫钱吗", "先行支付"),
    ("这批布料质量不行，能退货吗", "质量不符合约定"),
    ("一审我们败诉了，还能怎么办", "上诉"),
])
def test_an_everyday_word_reaches_the_statutes_term(question: str, term: str) -> None:
    assert term in _added(question)


@pytest.mark.parametrize(("question", "term"), [
    ("A forklift driver's foot was crushed under a pallet. Is that covered?", "事故伤害"),
    ("A cook was scalded by boiling oil in the canteen.", "事故伤害"),
    ("The buyer stopped paying five years ago; is it too late to sue?", "诉讼时效"),
    ("A rival's logo looks like ours.", "近似"),
])
def test_the_same_words_in_english_reach_the_statutes_term(question: str, term: str) -> None:
    assert term in _added(question)


@pytest.mark.parametrize(("question", "absent"), [
    ("补缴社保要多交多少钱", "多缴"),  # paying extra, not having overpaid
    ("客户在店门口摔倒了", "事故伤害"),  # a fall is not yet a hurt, and a customer's fall is no work injury
    ("拆机器前要先切断电源吗", "事故伤害"),
    ("新店开业，老板想做个全网推广", "最高级"),
])
def test_a_word_in_another_sense_is_not_read_as_the_statutes_term(question: str, absent: str) -> None:
    assert absent not in _added(question)


INJURY = "仓储行业工伤保险办法"
INJURY_ARTICLES = {
    "第一章 工伤认定": [
        "职工在工作时间和工作场所内，因工作原因受到事故伤害的，应当认定为工伤。",
        "职工因工外出期间下落不明的，其近亲属可以领取供养亲属抚恤金。",
        "仓储企业应当为职工缴纳工伤保险费，缴费费率由经办机构确定。",
        "仓储企业应当每年组织职工进行一次职业健康检查，费用由企业承担。",
        "工伤职工的近亲属可以向社会保险行政部门提出工伤认定申请。",
        "库房的货架应当稳固并标明承重。",
        "打包机的操作人员应当经过培训后上岗。",
    ],
}


@pytest.fixture
def injury(tmp_path: Path, embeddings) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    with indexed_statutes(tmp_path, embeddings, ("仓储行业工伤保险办法.md", INJURY, INJURY_ARTICLES)) as rt:
        yield rt


def _score(hits: list, locator: str) -> float:  # type: ignore[type-arg]
    return max((h.score for h in hits if h.locator == locator), default=0.0)


def test_a_hurt_described_by_the_act_reaches_the_work_injury_article(
    injury: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Told as what happened (夹伤, 砸伤) the question meets the article only through 事故伤害: it comes first, or
    (a shelf in the question and in another article) it scores far higher than without the thesaurus."""
    told, shelf = "理货员上班时手被夹伤了", "搬运工被倒下的货架砸伤了腿，这算什么？"
    hits = injury.kb.search(told, k=3)
    assert (hits[0].title, hits[0].locator) == (INJURY, "第一条")
    with_words = _score(injury.kb.search(shelf, k=4), "第一条")
    monkeypatch.setattr(expansion, "thesaurus", lambda: [])
    termweights._cut.cache_clear()  # the question's expanded cut is kept for its turn: cut it again without
    assert injury.kb.search(told, k=3)[0].locator != "第一条"  # the act alone does not get there
    assert _score(injury.kb.search(shelf, k=4), "第一条") * 2 < with_words
