"""Character-level keyword evidence (knowledge.charindex) and the document level prior (knowledge.docrank): a
question in everyday words reaches the article whose statute terms share its characters, and when a question
names no law the basic law is put above an implementing rule or a court interpretation saying the same.
Phrasings and the fixture statutes are this file's own."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from conftest import indexed_statutes

import knowledge.base as base
from composition import Runtime
from knowledge.bm25 import Bm25Builder
from knowledge.charindex import CharBuilder, query_chars
from knowledge.docrank import LEVEL_PRIOR, NAME_BOOST, build_view, document_prior, level

STORAGE = "中华人民共和国仓储服务法"
STORAGE_ARTICLES = {
    "第一章 一般规定": [
        "仓储服务经营者应当建立货物入库登记制度，如实记录入库货物的品名、数量和存放位置。",
        "存货人可以凭仓单提取货物，保管人不得无故拒绝。",
        "因保管不善造成货物毁损、灭失的，保管人应当承担赔偿责任，赔偿数额按照货物的实际价值确定。",
        "仓储费用由双方约定；没有约定的，按照当地同类服务的标准收取。",
        "保管人应当定期检查仓库的消防设施和安全出口。",
        "存货人逾期不提取货物的，保管人可以依法提存该货物。",
    ],
}
SPC = "最高人民法院关于审理仓储服务纠纷案件适用法律若干问题的解释"
SPC_ARTICLES = {"一般规定": ["存货人逾期不提取货物的，保管人可以依法提存该货物，提存费用由存货人负担。"]}


def test_the_characters_of_a_questions_own_words_are_its_terms() -> None:
    chars = query_chars("仓库里的货被弄坏了，索赔金额怎么算？")
    assert {"赔", "额", "货", "仓"} <= set(chars)
    assert all(w == 1.0 for w in chars.values())
    assert "怎" not in chars and "么" not in chars  # 怎么 is a stop word
    assert query_chars("How much compensation can we claim?") == {}  # English: nothing at character level


def test_the_character_index_counts_each_chunks_characters_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = [["赔偿", "数额", "赔偿数额", "2023"], ["仓单", "提取", "货物"], [], ["abc"], ["工资", "支付"],
              ["货物", "赔偿"], ["仓储", "费用", "约定"]]
    monkeypatch.setattr(CharBuilder, "BATCH", 3)  # several batches and a part batch
    fast, plain = CharBuilder(), Bm25Builder()
    for tokens in chunks:
        fast.add(tokens)
        plain.add([ch for token in tokens for ch in token if "\u4e00" <= ch <= "\u9fff"])  # one by one
    ids = [f"c{i}" for i in range(len(chunks))]
    question = query_chars("存的货坏了，赔偿的金额怎么算？")
    assert np.allclose(fast.build(ids).scores(question), plain.build(ids).scores(question))
    assert fast.build(ids).scores(question)[[2, 3]].tolist() == [0.0, 0.0]


@pytest.fixture
def storage(tmp_path, embeddings) -> Iterator[Runtime]:
    with indexed_statutes(tmp_path, embeddings, ("仓储服务法.md", STORAGE, STORAGE_ARTICLES),
                          ("仓储解释.md", SPC, SPC_ARTICLES)) as rt:
        yield rt


@pytest.mark.parametrize(("question", "locator"), [
    ("寄存的东西拿回来要凭什么单子？", "第二条"),  # 拿回来 / 单子 -> 提取 / 仓单
    ("存放的费用没谈好怎么收？", "第四条"),  # 存放的费用 / 没谈好 -> 仓储费用 / 没有约定
])
def test_everyday_words_reach_the_article_that_shares_their_characters(
    storage: Runtime, monkeypatch: pytest.MonkeyPatch, question: str, locator: str
) -> None:
    hits = storage.kb.search(question, k=3)
    assert (hits[0].title, hits[0].locator) == (STORAGE, locator)
    monkeypatch.setattr(base, "CHAR_WEIGHT", 0.0)
    without = storage.kb.search(question, k=3)
    assert (without[0].title, without[0].locator) != (STORAGE, locator)  # the words alone do not get there


def test_with_no_law_named_the_law_comes_before_the_interpretation_saying_the_same(storage: Runtime) -> None:
    hits = storage.kb.search("客户一直不来取货，我们能把货物提存吗？", k=2)
    assert [p.title for p in hits] == [STORAGE, SPC]


@pytest.mark.parametrize(("title", "kind"), [
    ("中华人民共和国民法典", "law"),
    ("中华人民共和国专利法", "law"),
    ("工伤保险条例", "regulation"),
    ("中华人民共和国商标法实施条例", "regulation"),
    ("中华人民共和国税收征收管理法实施细则", "regulation"),
    ("女职工劳动保护特别规定", "regulation"),
    ("最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释", "interpretation"),
    ("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "interpretation"),
    ("企业劳动用工合规指引", None),
    ("点单式服务：合同审查", None),
    ("中华人民共和国安全生产法（2021年修正）", "law"),
    ("员工差旅费报销方法", None),  # an uploaded guide ending in 法 is no law
    ("中华人民共和国民营经济促进法（草案）", None),  # a draft is in force nowhere
    ("中华人民共和国（示例）某某法（2018年修正）", "law"),  # only the trailing version is stripped
])
def test_a_titles_level(title: str, kind: str | None) -> None:
    assert level(title) == kind


def test_the_level_prior_applies_only_when_no_law_is_named() -> None:
    titles = {"law": ("中华人民共和国仓储服务法", None), "reg": ("仓储服务条例", None), "spc": (SPC, None),
              "guide": ("仓储企业合规指引", None)}
    view = build_view(["law", "law", "reg", "spc", "guide"], titles)
    unnamed = document_prior(view, "货物逾期不提取怎么办")
    assert np.allclose(unnamed, [LEVEL_PRIOR["law"]] * 2 + [LEVEL_PRIOR["regulation"], 0.0, 0.0])
    assert LEVEL_PRIOR["law"] > LEVEL_PRIOR["regulation"] > LEVEL_PRIOR["interpretation"]
    named = document_prior(view, "仓储服务条例对提存怎么规定")
    assert np.allclose(named, [0, 0, NAME_BOOST, 0, 0])
