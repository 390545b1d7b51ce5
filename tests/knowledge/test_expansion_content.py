"""Query expansion holds synonyms only: no figures, deadlines or answer phrases in the thesaurus or glossary."""

from __future__ import annotations

import re

import pytest

from knowledge.tokens import glossary, thesaurus

FIGURE = re.compile(r"(\d|[零一二三四五六七八九十百千万两]+(日|天|个月|年|周岁|人|倍|元|%|个工作日))")
ANSWER_WORDS = ("不收取", "不收费", "不得", "应当", "可以不设", "缴足", "不停止", "不予受理", "有权", "以下罚款")
NUMBER_IN_KEY = re.compile(r"(\d|[一二两三双半]|double|one|sole)", re.I)


@pytest.mark.parametrize("source", ["thesaurus", "glossary"])
def test_expansion_terms_carry_no_figures_unless_the_words_do(source: str) -> None:
    pairs = thesaurus() if source == "thesaurus" else glossary()
    bad = [(k, v) for k, v in pairs if FIGURE.search(v) and not NUMBER_IN_KEY.search(k)]
    assert not bad


@pytest.mark.parametrize("source", ["thesaurus", "glossary"])
def test_expansion_terms_hold_no_answer_phrases(source: str) -> None:
    pairs = thesaurus() if source == "thesaurus" else glossary()
    bad = [(k, v) for k, v in pairs if any(w in v and w not in k for w in ANSWER_WORDS)]
    assert not bad


@pytest.mark.parametrize(("word", "answer"), [
    ("出资期限", "五年内缴足"), ("免费吗", "不收取任何费用"), ("调解费", "不收取任何费用"), ("审批多久", "二十日"),
    ("公证多久", "十五个工作日"), ("老员工", "连续工作满十年"), ("仲裁要多久", "四十五日"),
])
def test_the_entries_that_held_answers_now_hold_the_legal_term_only(word: str, answer: str) -> None:
    found = dict(thesaurus())
    assert word in found and answer not in found[word]
