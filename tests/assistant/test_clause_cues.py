"""What the lead keeps per clause and per passage text (assistant.clause_cues, assistant.answer): bounded, and a
changed text is measured again. Phrasings and the fictional 某市职工技能培训办法 are this file's own."""

from __future__ import annotations

import pytest

from assistant import answer, answer_type_en
from assistant.answer import candidate_clauses
from assistant.clause_cues import CACHED_CLAUSES, clause_cues, measure
from knowledge.base import Passage

RULE = "第八条 企业应当自培训结束之日起三十日内报销培训费。"


def passage(text: str) -> Passage:
    return Passage("某市职工技能培训办法:第八条", "doc", "某市职工技能培训办法", "law.md", "第八条", "", text,
                   "2020-01-01", "现行有效", "statute", 1.0, 20.0, 0.5)


def test_the_clause_cues_are_kept_for_a_bounded_number_of_texts() -> None:
    clause_cues.cache_clear()
    for n in range(CACHED_CLAUSES + 50):
        clause_cues(f"第{n}条 企业应当在{n}日内支付工资。")
    info = clause_cues.cache_info()
    assert info.maxsize == CACHED_CLAUSES and info.currsize == CACHED_CLAUSES
    assert info.misses == CACHED_CLAUSES + 50  # each text measured once
    clause_cues.cache_clear()


def test_a_changed_clause_text_is_measured_again() -> None:
    clause_cues.cache_clear()
    first = clause_cues("企业应当自培训结束之日起三十日内报销培训费")
    assert first.deadline and first.norm and not first.who
    assert clause_cues("企业应当自培训结束之日起三十日内报销培训费") is first  # the same text: kept
    changed = clause_cues("培训费由企业承担")
    assert not changed.deadline and changed.who
    assert changed == measure("培训费由企业承担") and clause_cues.cache_info().misses == 2


def test_a_changed_passage_text_is_split_and_measured_again() -> None:
    answer._passage_clauses.cache_clear()
    asked = "培训费最晚多少天内要报销？"
    before = candidate_clauses(asked, [passage(RULE)])
    assert [c.stated["deadline"] for c in before] == [True]
    after = candidate_clauses(asked, [passage("第八条 企业应当报销培训费。报销凭证由企业负责保存。")])
    assert [c.stated["deadline"] for c in after] == [False, False] and after[1].stated["who"]
    info = answer._passage_clauses.cache_info()
    assert info.maxsize == answer.CACHED_PASSAGES and info.misses == 2


@pytest.mark.parametrize("text, pairs", [("中a文字", {"文字"}), ("劳动合同", {"劳动", "动合", "合同"}), ("a b", set()),
                                         ("", set())])
def test_the_character_pairs_are_those_of_adjacent_chinese_characters(text: str, pairs: set[str]) -> None:
    assert answer._pairs(text) == pairs


def test_a_clause_shares_the_question_pairs_it_holds_side_by_side() -> None:
    question = "培训费报销要什么凭证"  # 培训 训费 费报 报销 销要 要什 什么 么凭 凭证
    cands = candidate_clauses(question, [passage("第八条 企业应当报销培训费。报销凭证由企业负责保存。")])
    for c in cands:
        assert c.bigrams == len(answer._pairs(question) & answer._pairs(c.sentence)) / 9
    assert [round(c.bigrams * 9) for c in cands] == [3, 2]  # 培训 训费 报销; 报销 凭证


@pytest.mark.parametrize("text, latin", [("什么是格式条款", False), ("第三条 １２３", False),
                                         ("What is a trade secret", True), ("\u017f", True), ("\u212a", True)])
def test_a_text_without_a_latin_letter_holds_no_english_cue(text: str, latin: bool) -> None:
    assert answer_type_en.has_latin(text) == latin
    cues = [answer_type_en.ASKS_DEFINITION, answer_type_en.ASKS_QUANTITY, answer_type_en.ASKS_DEADLINE,
            answer_type_en.ASKS_PERMISSION, answer_type_en.ASKS_CONSEQUENCE, answer_type_en.ASKS_WHO,
            answer_type_en.ASKS_METHOD, *answer_type_en.KINDS.values()]
    if not latin:
        assert not any(cue.search(text) for cue in cues)
