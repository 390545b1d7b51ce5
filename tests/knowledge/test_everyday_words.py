"""Everyday words enterprises use for going to court, defaulting, counterfeits, competitors, leases and defects
reach the statute's own word through the thesaurus (word to word), and so the article that uses it; words
that only look alike (告诉, 年终红包, 撤出投资) are not read as suing, bribery or leaving a partnership.
Phrasings and the fixture statute are this file's own."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Docs

import knowledge.expansion as expansion
import knowledge.termweights as termweights
from composition import Runtime, build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge.expansion import expand_query, thesaurus

LIMIT = 20_000_000
CONTENT = Path(expansion.__file__).parent / "content"
STORAGE = "中华人民共和国仓储服务法"
STORAGE_ARTICLES = {
    "第一章 一般规定": [
        "仓储服务经营者应当建立货物入库登记制度，如实记录入库货物的品名、数量和存放位置。",
        "因仓储合同纠纷提起的诉讼，由被告住所地或者仓库所在地人民法院管辖。",
        "存货人不履行支付仓储费用义务的，保管人可以留置相应的货物。",
        "保管人应当定期检查仓库的消防设施和安全出口，发现火灾隐患的，应当及时消除。",
        "仓储合同中的格式条款免除保管人主要责任的，该条款无效。",
        "存货人应当按照约定的时间支付仓储费用，逾期支付的，应当支付违约金。",
        "保管人对入库货物的数量、质量有异议的，应当在入库时提出。",
        "存货人对仓储费用的数额有争议的，可以请求人民法院确定。",
        "存货人提取货物时，应当付清仓储费用；保管人不得扣押存货人的证件。",
        "仓库管理人员应当经过培训，持证上岗。",
        "保管人不得以担保或者其他名义向存货人收取财物。",
        "仓库的租金由双方按照当地同类仓库的水平约定。",
        "存货合同应当采用书面形式，合同条款应当写明货物的品名和数量。",
    ],
}


def _added(question: str) -> str:
    return expand_query(question).removeprefix(question)


@pytest.mark.parametrize(("question", "term"), [
    ("这种买卖纠纷该找哪家法院？", "管辖"),
    ("对方公司在外省，我们去哪里告比较好？", "管辖"),
    ("我们想告对方拖延交货", "被告"),
    ("判决都生效了，他还是赖着不给", "不履行"),
    ("客户资金链断了，货款还不上了", "债务"),
    ("网上有人卖冒牌的我们的产品", "假冒"),
    ("这份采购合同里好几条霸王条款", "格式条款"),
    ("国庆节让员工上班，之后给调休", "补休"),
    ("房东要把仓库收回去自己用", "出租人"),
    ("几家供应商投标时串标", "串通投标"),
    ("入职时交的押金离职能要回来吗", "财物"),
    ("法院寄来了传票", "传唤"),
    ("这批设备有毛病，用户受伤了", "缺陷"),
    ("半夜仓库起火了", "火灾"),
    ("车间的废料能卖给回收站吗", "固体废物"),
    ("朋友打的借条还有用吗", "借据"),
    ("税务局说我们少报了收入", "税务机关"),
    ("开个奶茶店要去市监局办什么", "市场监督管理部门"),
    ("环保局来厂里检查废水", "生态环境主管部门"),
    ("仓库验收要消防队来看吗", "消防救援机构"),
    ("客户说预付款必须要回来", "返还"),
    ("我们下单后卖家一直不发货", "交付"),
    ("采购时被供应商骗了怎么办", "欺诈"),
    ("老板口头答应的奖励算数吗", "效力"),
    ("销售在外地出差时摔伤了", "因工外出"),
    ("车间要给每个人配劳保用品吗", "劳动防护用品"),
    ("喷漆房的废气怎么处理", "大气污染物"),
    ("设计图的版权归谁", "著作权"),
    ("税务登记证丢了还能补吗", "遗失"),
    ("营业执照丢了去哪里补办", "遗失"),  # 营业执照 is a key of its own: 丢了 must still be read after it
    ("外籍员工丢了工作许可证怎么补", "遗失"),  # a lost work permit, not a lost job
    ("不小心把合同原件弄丢了", "遗失"),
    ("进货单据丢失了能报销吗", "遗失"),
    ("搬货时闪了腰算工伤吗", "认定为工伤"),
])
def test_an_everyday_word_reaches_the_statutes_word(question: str, term: str) -> None:
    assert term in _added(question)


@pytest.mark.parametrize(("question", "absent"), [
    ("你能告诉我年假怎么算吗", "提起诉讼"),
    ("还能告诉员工加班的安排吗", "诉讼时效"),
    ("我们被人告知要整改消防", "被告"),
    ("过年给员工发红包要交税吗", "贿赂"),
    ("外资撤出要办什么手续", "退伙"),
    ("被公司辞退丢了工作能拿补偿吗", "遗失"),
    ("丢了客户以后工厂能裁员吗", "遗失"),
    ("仲裁员和对方律师认识怎么办", "裁减人员"),
    ("法治体检能查出哪些用工问题", "职业健康检查"),  # the bureau's legal health check, not a medical one
])
def test_a_word_that_only_looks_alike_is_not_expanded(question: str, absent: str) -> None:
    assert absent not in _added(question)


def test_every_expansion_term_is_a_word_of_the_shipped_statutes_or_guides() -> None:
    texts = "".join(Path(f).read_text(encoding="utf-8") for pattern in ("packs/*/texts/*.md", "guides/**/*.md")
                    for f in glob.glob(str(CONTENT / pattern), recursive=True))
    missing = [(key, term) for key, terms in thesaurus() for term in terms.split() if term not in texts]
    assert not missing


@pytest.fixture
def storage(tmp_path: Path, embeddings) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    rt = build_runtime(Settings(_env_file=None, data_dir=tmp_path / "var", shipped_packs="none"),
                       shipped=False, embeddings=embeddings)
    ingest(rt.kb, [Docs(tmp_path / "docs").statute("仓储服务法.md", STORAGE, STORAGE_ARTICLES)], LIMIT)
    yield rt
    rt.close()


@pytest.mark.parametrize(("question", "locator"), [
    ("存东西的费用谈崩了，我们该去哪个法院告他？", "第二条"),
    ("寄存的客户一直赖账不付钱，我们能扣着他的货吗？", "第三条"),
    ("存东西之前仓库让我们先交一笔押金，这合理吗？", "第十一条"),
])
def test_a_question_in_everyday_words_reaches_the_article_in_statute_words(
    storage: Runtime, monkeypatch: pytest.MonkeyPatch, question: str, locator: str
) -> None:
    hits = storage.kb.search(question, k=3)
    assert (hits[0].title, hits[0].locator) == (STORAGE, locator)
    monkeypatch.setattr(expansion, "thesaurus", lambda: [])
    termweights._cut.cache_clear()  # the question's expanded cut is kept for its turn: cut it again without
    without = storage.kb.search(question, k=3)
    assert (without[0].title, without[0].locator) != (STORAGE, locator)  # the everyday words alone do not get there
