"""An answer cites only the passages that address the question (issue #11, review19 finding 17): a passage beside
the best one is cited when it shares the question's key terms (by their IDF in the index) about as much as the
passage sharing most of them does, or scores close to the best one. An article that shares only a common word (a
court's deadline article and 期限) is not listed among the provisions the answer rests on."""

from __future__ import annotations

import re

import pytest

from assistant.answer import extractive
from assistant.answerability import relevant
from composition import Runtime
from knowledge.base import Passage

PROBATION = ("第十九条 劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限一年以上不满三年的，"
             "试用期不得超过二个月；三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。")
GUIDE = "《劳动合同法》第十九条规定，劳动合同期限一年以上不满三年的，试用期不得超过二个月。"
BANKRUPTCY = ("第十条 债权人提出破产申请的，人民法院应当自收到申请之日起五日内通知债务人。"
              "有特殊情况需要延长前两款规定的裁定受理期限的，经上一级人民法院批准，可以延长十五日。")
LITIGATION = "第一百五十二条 人民法院适用普通程序审理的案件，应当在立案之日起六个月内审结。"
WEIGHTS = {"试用期": 0.6, "试用": 0.59, "期限": 0.27}  # "试用期最长多久" / "How long can probation be?"


def passage(text: str, title: str, locator: str, score: float, bm25: float, dense: float) -> Passage:
    return Passage(f"{title}:{locator}", title, title, f"{title}.md", locator, "", text, None, None, "law",
                   score, bm25, dense)


def retrieved() -> list[Passage]:
    return [passage(PROBATION, "中华人民共和国劳动合同法", "第十九条", 1.12, 27.0, 0.33),
            passage(GUIDE, "企业劳动用工合规指引", "三、试用期的规定", 0.81, 27.0, 0.34),
            passage(BANKRUPTCY, "中华人民共和国企业破产法", "第十条", 0.60, 2.5, 0.37),
            passage(LITIGATION, "中华人民共和国民事诉讼法", "第一百五十二条", 0.60, 0.0, 0.37)]


def test_a_deadline_article_sharing_only_a_common_word_is_not_cited() -> None:
    ps = retrieved()
    assert relevant(ps, 10.0) == ps  # all above the relevance floor ...
    assert [p.locator for p in relevant(ps, 10.0, WEIGHTS)] == ["第十九条", "三、试用期的规定"]  # ... two address it


def test_a_passage_scoring_close_to_the_best_one_is_cited_without_the_terms() -> None:
    ps = retrieved()
    ps[3].score = 1.0  # dense search puts it beside the best one: it may say the same in other words
    assert [p.locator for p in relevant(ps, 10.0, WEIGHTS)] == ["第十九条", "三、试用期的规定", "第一百五十二条"]
    english = relevant(retrieved(), 10.0, {"probation": 0.9})  # no Chinese term to compare: the floor decides
    assert len(english) == 4


def test_the_passage_a_lead_sentence_is_quoted_from_is_always_cited() -> None:
    ps = retrieved()
    body, citations = extractive("试用期最长多久", ps, "zh", WEIGHTS, cited=ps[:1])
    assert [c.locator for c in citations][:1] == ["第十九条"]
    assert "第十条" not in [c.locator for c in citations] and "破产" not in body
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert numbers <= set(range(1, len(citations) + 1))


# ---------------------------------------------------------------- the deployed knowledge (guides + statutes pack)


@pytest.mark.parametrize(("question", "lang", "topic"), [
    ("劳动合同的试用期最长能约定几个月？", "zh", "试用"),
    ("注册商标的有效期是多少年？", "zh", "商标"),
    ("发明专利的保护期有多长？", "zh", "专利"),
    ("What is the longest probation period we can agree on?", "en", "试用"),
    ("For how many years does an invention patent last?", "en", "专利"),
])
def test_every_passage_an_answer_cites_is_about_the_question(pack_rt: Runtime, question: str, lang: str,
                                                            topic: str) -> None:
    reply = pack_rt.assistant.handle(None, question, lang=lang)
    assert reply.route == "answer", reply.reply
    assert reply.citations
    for c in reply.citations:
        assert topic in f"{c.title}{c.locator}{c.snippet}", (c.title, c.locator, c.snippet[:80])


def test_a_probation_question_cites_no_court_or_bankruptcy_deadline(pack_rt: Runtime) -> None:
    reply = pack_rt.assistant.handle(None, "How long can a probation period last?", lang="en")
    titles = [c.title for c in reply.citations]
    assert reply.route == "answer" and "中华人民共和国劳动合同法" in titles
    assert not {"中华人民共和国企业破产法", "中华人民共和国民事诉讼法", "中华人民共和国行政诉讼法"} & set(titles)
    assert "Bankruptcy" not in reply.reply and "Civil Procedure" not in reply.reply
