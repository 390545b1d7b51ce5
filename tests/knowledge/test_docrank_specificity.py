"""A court interpretation's article against the law's (knowledge.specificity, knowledge.docrank): the
interpretation that answers what the law's general article leaves open comes first, in words only it holds; a
question in the law's own words still gets the law first; and the level prior is read per question, so a sweep can
set it. The statutes (an invented storage law and an invented SPC interpretation of it) and the phrasings are this
file's own."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from conftest import indexed_statutes

import knowledge.docrank as docrank
import knowledge.specificity as specificity
from composition import Runtime
from knowledge.bm25 import Bm25Builder
from knowledge.docrank import build_view
from knowledge.embeddings import QifaEmbeddings

LAW = "中华人民共和国仓储服务法"
LAW_ARTICLES = {
    "第一章 一般规定": [
        "仓储服务经营者应当建立货物入库登记制度，如实记录入库货物的品名、数量和存放位置。",
        "存货人逾期不提取货物的，保管人可以提存该货物，提存费用由存货人负担。",
        "因保管不善造成货物毁损、灭失的，保管人应当承担赔偿责任。",
        "仓储费用由双方约定；没有约定的，按照当地同类服务的标准收取。",
        "保管人应当定期检查仓库的消防设施和安全出口。",
    ],
}
SPC = "最高人民法院关于审理仓储服务合同纠纷案件适用法律问题的解释"
SPC_ARTICLES = {
    "一般规定": [
        "仓单记载的货物数量与实际入库数量不一致的，人民法院应当以入库登记为准，但是有相反证据的除外。",
        "存货人逾期不提取货物，保管人未经催告即提存该货物，存货人主张提存费用由保管人负担的，人民法院应予支持。",
        "存货人以仓储费用过高为由拒绝支付的，人民法院不予支持，但是收费明显违反当地同类服务标准的除外。",
    ],
}
NARROW = [  # what the law's article leaves open: storing away the goods with no reminder first
    "客户逾期不提货，我们没有催告就把货物提存了，提存费用由谁负担？",
    "没催告就提存了客户的货，提存费用谁出？",
]
OWN_WORDS = [  # the law's article answers: the interpretation adds nothing
    "存货人逾期不提取货物，保管人能不能提存？",
    "客户一直不来取货，我们能把货物提存吗？",
]


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    with indexed_statutes(tmp_path_factory.mktemp("spc"), embeddings, ("仓储服务法.md", LAW, LAW_ARTICLES),
                          ("仓储解释.md", SPC, SPC_ARTICLES)) as rt:
        yield rt


def _scores(rt: Runtime, question: str) -> dict[tuple[str, str], float]:
    return {(p.title, p.locator): p.score for p in rt.kb.search(question, k=5)}


@pytest.mark.parametrize("question", NARROW)
def test_the_interpretation_that_answers_comes_before_the_laws_general_article(storage: Runtime,
                                                                                question: str) -> None:
    hits = storage.kb.search(question, k=3)
    assert [(p.title, p.locator) for p in hits[:2]] == [(SPC, "第二条"), (LAW, "第二条")]


@pytest.mark.parametrize("question", NARROW)
def test_the_interpretation_gains_for_a_word_no_law_article_holds(
    storage: Runtime, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    """催告 is in the interpretation's article and in no law article: it gains SPEC_GAIN (the rarest term counts 1),
    the law's article nothing."""
    gain, gained = specificity.SPEC_GAIN, _scores(storage, question)
    monkeypatch.setattr(specificity, "SPEC_GAIN", 0.0)
    plain = _scores(storage, question)
    assert gain > 0
    assert gained[(SPC, "第二条")] == pytest.approx(plain[(SPC, "第二条")] + gain, abs=1e-5)
    assert gained[(LAW, "第二条")] == pytest.approx(plain[(LAW, "第二条")], abs=1e-5)


@pytest.mark.parametrize("question", OWN_WORDS)
def test_a_question_in_the_laws_own_words_gets_the_law_first(
    storage: Runtime, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    gained = _scores(storage, question)
    assert max(gained, key=lambda key: gained[key]) == (LAW, "第二条")
    monkeypatch.setattr(specificity, "SPEC_GAIN", 0.0)
    assert _scores(storage, question) == gained  # the interpretation holds no word of the question the law lacks


def test_an_interpretation_repeating_the_laws_terms_gains_nothing() -> None:
    """Unit level: the gain is for terms no law article in the pool holds, so of two interpretation articles the one
    that only repeats the law's words keeps its score and the one with a word of its own gains."""
    chunks = [["存货人", "提取", "货物", "催告"],  # law
              ["存货人", "提取", "货物", "催告"],  # interpretation, the law's words only
              ["短信", "催告", "存货人"],  # interpretation, with a word of its own
              ["仓储", "费用"]]  # a guide: no level, never raised
    builder = Bm25Builder()
    for tokens in chunks:
        builder.add(tokens)
    index = builder.build([f"c{i}" for i in range(len(chunks))])
    view = build_view(["law", "spc", "spc", "guide"],
                      {"law": (LAW, None), "spc": (SPC, None), "guide": ("仓储企业合规指引", None)})
    score = np.array([1.0, 0.85, 0.8, 0.7])
    ranked, raised = specificity.specific(index, view, {"短信": 1.0, "催告": 1.0, "货物": 1.0}, np.arange(4), score)
    assert raised[[0, 1, 3]].tolist() == score[[0, 1, 3]].tolist()
    assert raised[2] == pytest.approx(0.8 + specificity.SPEC_GAIN)  # 短信 is the rarest term: weight 1
    assert ranked.tolist() == [0, 2, 1, 3]


def test_the_level_prior_is_read_per_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sweep sets LEVEL_PRIOR between runs on one snapshot: the view follows it without being built again."""
    view = build_view(["law", "spc", "law"], {"law": (LAW, None), "spc": (SPC, None)})
    law, spc = docrank.LEVEL_PRIOR["law"], docrank.LEVEL_PRIOR["interpretation"]
    assert view.prior.tolist() == [law, spc, law]
    monkeypatch.setattr(docrank, "LEVEL_PRIOR", {"law": 0.0, "regulation": 0.0, "interpretation": 0.2})
    assert view.prior.tolist() == [0.0, 0.2, 0.0]
    assert view.prior is view.prior  # worked out once per setting, not per question
