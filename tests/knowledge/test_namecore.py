"""A law's name counts by how much of its distinctive name the question covers (knowledge.namecore): a word that is
only a fragment of another law's name ("设备" of a 冷链设备安全法) no longer lifts that law's articles over the
article that answers, while a question that covers the name's core still gains from it. Phrasings and the fixture
statutes are this file's own."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from conftest import indexed_statutes

import knowledge.namecore as namecore
from composition import Runtime
from knowledge.docrank import build_view
from knowledge.namecore import PARTIAL_WEIGHT, NameCover, bare, core

COLD = "中华人民共和国冷链设备安全法"
# 运营者, not 使用单位: the dictionary keeps that compound whole, and the articles' lengths matter here
COLD_ARTICLES = {
    "第一章 总则": [
        "运营者应当建立安全技术档案。",
        "检验机构应当对检验结果负责。",
        "检验机构不得扣留运营者的技术档案。",
        "冷链设备出现故障或者发生异常情况的，运营者应当对其进行全面检查，消除隐患后，方可继续使用。",
    ],
}
STORE = "中华人民共和国仓储服务法"
STORE_ARTICLES = {
    "第一章 一般规定": [
        "存货人可以凭仓单提取货物，保管人不得无故拒绝。",
        "存货人交存的货物，保管人不得扣留；存货人要求取回的，保管人应当及时交还。",
        "仓储费用由双方约定；没有约定的，按照当地同类服务的标准收取。",
    ],
}

REGISTER = "中华人民共和国商事登记法"  # a larger law beside them, as in a real index the two are a small share
REGISTER_ARTICLES = {"第一章 总则": [
    f"商事主体办理第{n}类登记事项{'涉及货物' if n % 5 else ''}的，登记机关应当在{n}个工作日内作出决定。"
    for n in range(1, 31)
]}


@pytest.mark.parametrize(("title", "expected_core"), [
    (COLD, "冷链设备安全"),
    ("中华人民共和国仓储服务法实施条例", "仓储服务"),  # the kind, then the law it implements
    ("最高人民法院关于审理仓储服务纠纷案件适用法律若干问题的解释（二）", "仓储服务纠纷"),
    ("最高人民法院关于适用《中华人民共和国冷链设备安全法》若干问题的解释", "冷链设备安全"),
    ("中华人民共和国民法典", "民法典"),  # too short without its kind: kept whole
    ("冷库管理暂行条例", "冷库管理"),
])
def test_the_core_of_a_name_drops_its_frame_and_its_kind(title: str, expected_core: str) -> None:
    assert core(title) == expected_core
    assert bare(title).startswith(expected_core)


def test_the_name_field_counts_by_the_share_of_the_core_the_question_covers() -> None:
    cover = NameCover.build([COLD, STORE, "仓储企业服务指南"], [True, True, False])
    whole = cover.weights({"冷链": 1.0, "设备": 1.0, "安全": 1.0})
    assert whole.tolist()[:2] == [1.0, PARTIAL_WEIGHT]
    assert whole[2] == 1.0  # not a statute: its name counts whole
    part = cover.weights(["设备", "维修"])
    assert part[0] == pytest.approx(PARTIAL_WEIGHT + (1 - PARTIAL_WEIGHT) * 2 / 6)
    assert cover.weights(["安全法", "冷链设备"])[0] == 1.0  # a term running into the kind covers the core's part
    assert cover.weights(["仓储服务法"])[1] == 1.0
    assert cover.weights(["法"]).tolist()[:2] == [PARTIAL_WEIGHT, PARTIAL_WEIGHT]  # the kind alone covers nothing


def test_every_chunk_of_a_document_gets_its_documents_weight() -> None:
    view = build_view(["cold", "store", "cold"], {"cold": (COLD, None), "store": (STORE, None)})
    w = view.name_weights({"设备": 1.0})
    assert w[0] == w[2] < 1.0 and w[1] == PARTIAL_WEIGHT


@pytest.fixture
def kb(tmp_path, embeddings) -> Iterator[Runtime]:
    with indexed_statutes(tmp_path, embeddings, ("冷链设备安全法.md", COLD, COLD_ARTICLES),
                          ("仓储服务法.md", STORE, STORE_ARTICLES),
                          ("商事登记法.md", REGISTER, REGISTER_ARTICLES)) as rt:
        yield rt


def test_a_fragment_of_another_laws_name_does_not_lift_that_law(kb: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    question = "我们的货物设备被扣留了怎么办？"  # 设备: only a fragment of the equipment law's name
    hits = kb.kb.search(question, k=3)
    assert (hits[0].title, hits[0].locator) == (STORE, "第二条")
    keyword = {h.chunk_id: h.bm25 for h in kb.kb.search(question, k=10, mode="bm25")}
    # the whole name field for every fragment (as before): the equipment law's article came first
    monkeypatch.setattr(namecore, "PARTIAL_WEIGHT", 1.0)
    kb.kb._invalidate()
    assert kb.kb.search(question, k=3)[0].title == COLD
    # the plain keyword score passages report (the engine's confidence) counts the whole name either way
    assert {h.chunk_id: h.bm25 for h in kb.kb.search(question, k=10, mode="bm25")} == keyword


def test_a_question_that_covers_the_core_still_gains_from_the_name(kb: Runtime) -> None:
    hits = kb.kb.search("冷链设备出了故障还能接着用吗？", k=3, mode="bm25")
    assert (hits[0].title, hits[0].locator) == (COLD, "第四条")
    weights = kb.kb._snap().view.name_weights({"冷链设备": 1.0, "安全": 1.0})
    assert np.isin(weights, [1.0, PARTIAL_WEIGHT]).all() and (weights == 1.0).any()
