"""A question about a remedy against an administrative decision the enterprise received — 行政复议, 行政诉讼, 听证,
陈述申辩, "can we appeal the fine" — is answered from the statutes AND offers an adviser with the engine's button, as a
court's procedure told with one's own case is (issue #11, admin31). The same question asked in general gets the
answer and no offer; a request to act, a strategy, a win, a criminal matter or a huge sum to be handled still goes
to an adviser. Chinese first, English second; on a real runtime (the bundled model, SQLite and the index on disk)
over fixture administrative laws."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import indexed_statutes

from assistant.admin_remedies import names_a_remedy, received_a_decision
from assistant.router import asks_admin_remedy
from assistant.texts import t
from composition import Runtime

RECONSIDERATION_LAW = ("行政复议法.md", "中华人民共和国行政复议法", {
    "第三章 行政复议申请": [
        "公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道或者应当知道该行政行为之日起六十日内提出"
        "行政复议申请；但是法律规定的申请期限超过六十日的除外。",
        "行政复议期间行政行为不停止执行；但是被申请人认为需要停止执行的，应当停止执行。",
    ],
})
PENALTY_LAW = ("行政处罚法.md", "中华人民共和国行政处罚法", {
    "第五章 行政处罚的决定": [
        "行政机关拟作出较大数额罚款、责令停产停业、吊销许可证件等行政处罚决定，应当告知当事人有要求听证的权利；"
        "当事人要求听证的，应当在行政机关告知后五日内提出。",
        "当事人有权进行陈述和申辩。行政机关不得因当事人陈述、申辩而给予更重的处罚。",
    ],
})

WITH_OUR_DECISION = {
    "zh": ["我们公司刚被卫健部门罚了两万元，这个罚款能不能申请复议",
           "仓库被消防支队查封了，想申请行政复议，有期限限制吗",
           "厂里接到了吊销排污许可证的告知书，可以要求举行听证吗", "规划局罚了我们六万，罚款交完以后还可以提行政诉讼吗",
           "我司被水利局处罚，能否在作出决定前进行陈述和申辩？", "被自然资源局罚了六百万，申请行政复议有没有期限"],
    "en": ["Our warehouse was fined by the fire brigade last week. Is there a deadline to apply for reconsideration?",
           "The regulator revoked our operating permit; our shop has been penalised. Can we ask for a hearing?",
           "We have been fined by the tax authority and we disagree. Can we challenge the penalty?"],
}
IN_GENERAL = {
    "zh": ["企业对行政处罚决定不服的，申请行政复议的期限是多长？", "要求听证的话，应当在行政机关告知后几天内提出？"],
    "en": ["What is the time limit for applying for administrative reconsideration?"],
}
STILL_AN_ADVISER = {
    "zh": ["我们被卫健部门罚了两万，帮我们起草行政复议申请书", "规划局罚了我们六万，这个行政官司我们能打赢吗",
           "公司被罚款后老板被公安刑拘了，还能申请行政复议吗", "被罚了四千万还要停业，请你们律师帮我们处理"],
    "en": ["We were fined 3 million yuan by the regulator, can your firm represent us at the hearing?",
           "We were fined by the bureau; what are our chances of winning a reconsideration?"],
}


@pytest.fixture(scope="module")
def law(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[Runtime]:
    with indexed_statutes(Path(tmp_path_factory.mktemp("admin31")), embeddings, RECONSIDERATION_LAW,
                          PENALTY_LAW) as rt:
        yield rt


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_remedy_against_our_decision_is_answered_and_offers_an_adviser(law: Runtime, lang: str) -> None:
    for message in WITH_OUR_DECISION[lang]:
        intent = law.assistant.router.classify(message)
        assert intent.route == "answer" and intent.sure and intent.offer_adviser, (message, intent)
        assert intent.offer_text == "offer_adviser_decision", message  # the remedies' offer, not a lawsuit's


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_remedy_asked_in_general_is_answered_with_no_offer(law: Runtime, lang: str) -> None:
    for message in IN_GENERAL[lang]:
        intent = law.assistant.router.classify(message)
        assert intent.route == "answer" and not intent.offer_adviser, (message, intent)
        assert asks_admin_remedy(message) and not received_a_decision(message), message


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_request_to_act_a_win_a_criminal_matter_or_a_huge_sum_to_handle_still_goes_to_an_adviser(
        law: Runtime, lang: str) -> None:
    for message in STILL_AN_ADVISER[lang]:
        intent = law.assistant.router.classify(message)
        assert intent.route == "handoff" and intent.reason == "high_risk", (message, intent)
        assert not asks_admin_remedy(message), message


@pytest.mark.parametrize(("message", "fact"), [
    ("我们公司刚被卫健部门罚了两万元，这个罚款能不能申请复议", "六十日内提出行政复议申请"),
    ("厂里接到了吊销排污许可证的告知书，可以要求举行听证吗", "要求听证的权利"),
])
def test_the_answer_gives_the_rule_and_offers_an_adviser_without_opening_a_case(law: Runtime, message: str,
                                                                                fact: str) -> None:
    reply = law.assistant.handle(None, message, lang="zh")
    assert reply.route == "answer" and fact in reply.reply, reply.reply[:200]
    assert reply.reply.rstrip().endswith(t("offer_adviser_decision", "zh")) and reply.data["adviser_offer"] is True
    assert [(s.label, s.message) for s in reply.suggestions][-1] == (t("clarify_human", "zh"), "/human")
    assert law.handoffs.active(reply.session_id) is None  # an offer, not a hand-off


def test_a_remedy_is_administrative_by_itself_or_with_a_decision_named() -> None:
    for message in ["能不能申请复议", "可以要求听证吗", "对罚款不服怎么办", "Can we appeal the fine?",
                    "Can we challenge the bureau's decision?"]:
        assert names_a_remedy(message), message
    for message in ["对一审判决不服可以上诉吗", "Can we appeal the court's judgment?", "试用期最长多久",
                    "换了开户行要不要告诉市场监管局，撤销旧账户要多久",
                    "Is it fine to send the contract by email?"]:
        assert not names_a_remedy(message), message
