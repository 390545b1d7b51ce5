"""A question about what a breach costs finds the law's liability chapter (knowledge.liability): the article of 法律责任
that sanctions the breach comes near the top, before the law's other articles on the act; a question
about the duty itself keeps the duty article first; only the laws the search found gain, and a question about the
penalty procedure (paying a fine, a hearing) is no sanction question. The statutes (an invented cold-store law and an
invented packaging regulation) and the phrasings are this file's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import indexed_statutes

from composition import Runtime
from knowledge.embeddings import QifaEmbeddings

LAW = "中华人民共和国冷库安全管理法"
LAW_ARTICLES = {
    "第一章 总则": [
        "为了保障冷库作业安全，保护作业人员的生命健康，制定本法。",
    ],
    "第二章 冷库经营": [
        "冷库经营者不得将食品与有毒有害化学品混合存放在同一库房内。",
        "冷库经营者应当每季度对制冷设备和氨制冷系统进行一次检修，并保存检修记录。",
        "冷库经营者应当为进入低温库房的作业人员配备防寒服装，并限定连续作业时间。",
    ],
    "第三章 监督检查": [
        "冷库安全监督部门可以进入冷库现场检查库房存放情况、制冷设备和检修记录，冷库经营者应当配合。",
        "冷库安全监督部门发现冷库存放食品与化学品混合的，应当责令立即分开存放。",
    ],
    "第四章 法律责任": [
        "违反本法规定，冷库经营者将食品与有毒有害化学品混合存放的，责令改正，处一万元以上五万元以下罚款；"
        "情节严重的，责令停业整顿。",
        "违反本法规定，冷库经营者未按规定检修制冷设备的，责令限期改正；逾期未改正的，处五千元以上二万元以下罚款。",
        "冷库安全监督部门的工作人员滥用职权、玩忽职守的，依法给予处分。",
    ],
}
REG = "包装物回收管理条例"
REG_ARTICLES = {
    "第一章 一般规定": [
        "生产者应当回收其产品使用的塑料周转箱和托盘，并建立回收台账。",
    ],
    "第二章 法律责任": [
        "违反本条例规定，生产者未回收塑料周转箱和托盘的，处二千元以上一万元以下罚款。",
    ],
}
DUTY, SANCTION = (LAW, "第二条"), (LAW, "第七条")
ASKS_SANCTION = [
    "仓库里把食品和化学品堆在一个冷库间，被检查出来要怎么罚？",
    "冷库里食品跟化学品放一起了，公司会有什么后果？",
    "Our cold store keeps food next to toxic chemicals. What penalty could we face if an inspector finds it?",
]
ASKS_DUTY = [
    "食品和化学品能不能放在同一个冷库库房里？",
    "Can food be stored in the same cold room as toxic chemicals?",
]


@pytest.fixture(scope="module")
def cold_store(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    with indexed_statutes(tmp_path_factory.mktemp("liability"), embeddings, ("冷库安全管理法.md", LAW, LAW_ARTICLES),
                          ("包装物回收管理条例.md", REG, REG_ARTICLES)) as rt:
        yield rt


def _places(rt: Runtime, question: str, k: int = 5) -> list[tuple[str, str]]:
    return [(p.title, p.locator) for p in rt.kb.search(question, k=k)]


@pytest.mark.parametrize("question", ASKS_SANCTION)
def test_a_question_about_the_sanction_gets_the_liability_article_near_the_top(cold_store: Runtime,
                                                                               question: str) -> None:
    """First or second: the duty article or a supervision article naming the same act may stay first (without the
    gain the liability article was third or fourth, below both)."""
    places = _places(cold_store, question)
    assert places.index(SANCTION) <= 1


@pytest.mark.parametrize("question", ASKS_DUTY)
def test_a_question_about_the_duty_keeps_the_duty_article_first(cold_store: Runtime, question: str) -> None:
    assert _places(cold_store, question)[0] == DUTY


def test_only_the_laws_found_gain(cold_store: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The regulation's liability article is no answer to a cold-store question: its score is what it was
    without the gain, and the cold-store law's liability article gained LIABILITY_GAIN."""
    import knowledge.liability as liability

    question = ASKS_SANCTION[0]
    gained = {(p.title, p.locator): p.score for p in cold_store.kb.search(question, k=20)}
    monkeypatch.setattr(liability, "LIABILITY_GAIN", 0.0)
    plain = {(p.title, p.locator): p.score for p in cold_store.kb.search(question, k=20)}
    assert gained[SANCTION] == pytest.approx(plain[SANCTION] + 0.2, abs=1e-5)
    other = (REG, "第二条")
    if other in gained:
        assert gained[other] == pytest.approx(plain[other], abs=1e-5)


@pytest.mark.parametrize(("question", "sanction"), [
    ("拿了假发票入账，会被怎么罚？", True),
    ("工地没戴安全帽被查到，要罚多少？", True),
    ("这样做要承担什么责任？", True),
    ("厂里超标排放，会受到哪些处罚？", True),
    ("What happens if we keep selling after the licence expires?", True),
    ("How much is the fine for a late annual report?", True),
    ("What sanctions could the company face for this?", True),
    ("罚款决定书收到了，几天内要把钱交上？", False),
    ("被罚款五万，能申请听证会吗？", False),
    ("处罚决定不服，去哪里申请复议？", False),
    ("Within how many days do we pay a fine once it is decided?", False),
    ("Can we ask for a hearing before a large fine is imposed?", False),
])
def test_a_sanction_question_is_told_from_a_penalty_procedure_question(question: str, sanction: bool) -> None:
    from knowledge.liability import asks_sanction

    assert asks_sanction(question) is sanction
