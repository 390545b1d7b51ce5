"""A question about what a court's procedure requires is a legal question, however the summons or the lawsuit is told
(talk20, issue #11): "法院传票来了，我该准备什么？" / "We got a court summons, what is the deadline to respond?" are not
sure high risk, so they open no high-risk case; asking for a strategy or a win, for someone to represent us, a criminal
summons or an event told with no question still go to an adviser. (A large sum in dispute told with the question gets
the answer and an adviser's offer since talk21: tests/assistant/test_procedure_with_a_case.py.) On a real runtime (the
bundled model, SQLite and the index on disk)."""

from __future__ import annotations

import pytest

from assistant.router import asks_court_procedure
from composition import Runtime

PROCEDURE = {
    "zh": ["法院传票来了，我该准备什么？", "被起诉了答辩期是多久", "我们收到了法院的传票，不去开庭会怎么样",
           "刚接到法院的开庭通知，开庭时要带哪些东西", "公司被人告了，举证期限一般是多长时间",
           "传票上的开庭日期我们老板在外地出差，可以申请改期吗"],
    "en": ["We got a court summons, what is the deadline to respond?",
           "We were served with a lawsuit, can we ask for the case to be moved to our local court?",
           "Our company has been sued; how long do we have to file a defence?",
           "A summons arrived for a hearing next month, what documents should we bring to court?"],
}
ADVISER = {
    "zh": ["法院传票来了，下周开庭，怎么应对", "我们被起诉了，帮我们制定应诉策略", "被告了，这个官司我们能打赢吗",
           "收到传票了，请你们派个律师帮我们出庭", "我们被人起诉了 下周就开庭 什么都没准备",
           "公安发了传唤通知，去了要准备什么"],
    "en": ["we've been served with a lawsuit and the hearing is next week",
           "We got a court summons, can your lawyers represent us?",
           "The police summoned our manager for questioning, what should he bring?"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_court_procedure_question_is_answered_not_handed_off_as_high_risk(rt: Runtime, lang: str) -> None:
    """The router reads each as a question (route answer), and the conversation opens no high-risk case."""
    for message in PROCEDURE[lang]:
        intent = rt.assistant.router.classify(message)
        assert intent.route == "answer" and intent.reason is None, (message, intent)
        reply = rt.assistant.handle(None, message, lang=lang)
        case = rt.handoffs.active(reply.session_id)
        assert case is None or case.reason != "high_risk", (message, reply.reply[:80])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_strategy_a_representation_or_a_criminal_summons_still_goes_to_an_adviser(
        rt: Runtime, lang: str) -> None:
    for message in ADVISER[lang]:
        intent = rt.assistant.router.classify(message)
        assert intent.route == "handoff" and intent.reason == "high_risk", (message, intent)
        reply = rt.assistant.handle(None, message, lang=lang)
        case = rt.handoffs.active(reply.session_id)
        assert reply.route == "handoff" and case is not None and case.reason == "high_risk", message


def test_asks_court_procedure_needs_a_court_a_procedure_and_a_question() -> None:
    for message in [*PROCEDURE["zh"], *PROCEDURE["en"]]:
        assert asks_court_procedure(message), message
    for message in [*ADVISER["zh"], *ADVISER["en"],
                    "试用期最长多久", "开庭了"]:
        assert not asks_court_procedure(message), message
