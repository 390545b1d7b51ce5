"""A statute's compound (安全出口, 使用单位) is one search term: split into its common parts (安全 + 出口), a
question about it matched every article that uses the parts in another sense (出口 = export) and those outranked the
article that names the compound. The terms come from ingest.compound_terms, whose rule is checked here too.
Phrasings and fixture statutes are this file's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import indexed_statutes

from composition import Runtime
from ingest.compound_terms import mine
from knowledge.tokens import tokenize


@pytest.mark.parametrize(("question", "term"), [
    ("车间的安全出口被货架挡住了，这样违法吗？", "安全出口"),  # a place
    ("我们厂是叉车的使用单位，要做什么？", "使用单位"),  # a role
    ("产品达不到强制性标准还能卖吗", "强制性标准"),  # a legal concept
    ("合同里的仲裁协议无效怎么办", "仲裁协议"),  # a document
    ("仿冒别家包装算不算混淆行为", "混淆行为"),
])
def test_a_statute_compound_stays_one_search_term(question: str, term: str) -> None:
    assert term in tokenize(question)


FIRE = "中华人民共和国场所防火条例"
FIRE_ARTICLES = {"第一章 总则": [
    "任何单位、个人不得占用、堵塞、封闭疏散通道、安全出口。",
    "场所应当按照国家标准配置灭火器材，并定期组织维修。",
    "场所管理人员应当每日进行防火巡查，并填写巡查记录。",
]}
EXPORT = "中华人民共和国物项输出管理法"  # uses 安全 and 出口 throughout, never 安全出口
EXPORT_ARTICLES = {"第一章 总则": [
    "国家对两用物项的出口实行管制，维护国家安全和利益；出口经营者应当建立出口合规制度。",
    "出口经营者违反本法规定出口管制物项，危害国家安全的，由主管部门责令停止出口。",
    "主管部门可以对危害国家安全的出口经营者采取限制措施，禁止其出口相关物项。",
]}
LIFT = "中华人民共和国起重机械条例"
LIFT_ARTICLES = {"第一章 总则": [
    "起重机械的使用单位应当建立安全技术档案，并按期申请定期检验。",
    "起重机械的制造企业应当对产品质量负责。",
]}
SEAL = "中华人民共和国印章管理办法"  # 使用 and 单位 in every article, never 使用单位
SEAL_ARTICLES = {"第一章 总则": [
    "单位使用印章应当登记；单位不得使用未经备案的印章。",
    "单位变更名称的，应当停止使用原印章，并将原印章交回；单位另行刻制的，应当备案。",
    "单位使用电子印章的，应当符合国家规定；单位不得转借印章供他人使用。",
]}
@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    with indexed_statutes(Path(tmp_path_factory.mktemp("terms22")), embeddings,
                          ("fire.md", FIRE, FIRE_ARTICLES), ("export.md", EXPORT, EXPORT_ARTICLES),
                          ("lift.md", LIFT, LIFT_ARTICLES), ("seal.md", SEAL, SEAL_ARTICLES)) as runtime:
        yield runtime


@pytest.mark.parametrize(("question", "title", "answer"), [
    ("车间的安全出口被货架挡住了，这样违法吗？", FIRE, "安全出口"),
    ("作为使用单位，我们要为设备做什么？", LIFT, "使用单位"),
])
@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_the_article_naming_the_compound_outranks_those_matching_its_parts(
        rt: Runtime, question: str, title: str, answer: str, mode: str) -> None:
    top = rt.kb.search(question, k=3, mode=mode)  # type: ignore[arg-type]
    assert (top[0].title, answer in top[0].text) == (title, True)


def test_the_parts_still_find_the_articles_using_them_in_their_own_sense(rt: Runtime) -> None:
    top = rt.kb.search("出口管制物项危害国家安全会怎样", k=3, mode="bm25")
    assert top[0].title == EXPORT


def test_the_rule_lists_a_split_compound_and_leaves_phrases_and_known_words_out() -> None:
    """应急出口 (not in the dictionary) is cut into 应急 + 出口, both of which run through three export documents
    that never use it; 依照规定 (a phrase of the statutes' grammar) and 安全出口 (already a word) are left out."""
    fire = [("fire", "任何单位不得堵塞应急出口，依照规定设置安全出口。"),
            ("fire", "应急出口应当保持畅通，应急出口处不得堆放物品，依照规定检查安全出口。"),
            ("fire", "场所应当设置应急出口标志，依照规定标明安全出口。"),
            ("fire", "每层设两个应急出口，依照规定标明位置。")]
    export = [(f"export{i}", "出口经营者应当制定应急预案；发生紧急情况的，暂停出口并报告。") for i in range(3)]
    found = {c.term: c for c in mine(fire + export, min_count=4, min_elsewhere=3)}
    assert set(found) == {"应急出口"}
    assert found["应急出口"].parts == ("应急", "出口")
    assert found["应急出口"].count >= 4 and found["应急出口"].elsewhere == {"export0", "export1", "export2"}
    assert mine(fire + export[:2], min_count=4, min_elsewhere=3) == []  # two documents pulled in: under the bar
