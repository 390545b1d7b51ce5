"""A long complaint about the assistant is a complaint (talk20, issue #11 "no dead ends"): a paragraph venting that the
answers are useless or the service bad gets the dissatisfaction reply, and a second one an adviser, like a short
"没用"; a long legal question that tells of a supplier's, a landlord's or a contractor's bad service is still a
question. Through the engine and HTTP on a real runtime (SQLite and the index on disk, the bundled model)."""

from __future__ import annotations

import pytest
from talk_support import state, talking

from assistant.complaints import SHORT, a_complaint, about_us, vents
from assistant.texts import t
from composition import Runtime

COMPLAINTS = {
    "zh": ["你们这个机器人根本没用，问了三遍都答非所问，我真的很无语，浪费了我一个下午的时间，我要投诉你们",
           "每次问你都给我贴一大段条文，我要的是具体该怎么操作，你们的回答一点参考价值都没有，真的太失望了",
           "这个助手简直是摆设，我问的是劳动合同的事它给我讲公司登记，前言不搭后语，你们到底有没有人在维护啊"],
    "en": ["I have asked the same question three times and your bot keeps giving me irrelevant answers, this is a "
           "complete waste of my time and I want to complain",
           "Honestly your assistant is useless, every reply is just a wall of legal text that has nothing to do with "
           "what I asked, very disappointed with this service",
           "You keep misunderstanding me and pasting the same articles over and over, this is the worst online legal "
           "service I have ever tried"],
}
OTHERS = {
    "zh": ["供应商服务很差，交货一拖再拖，打电话也不接，合同里没写违约金，我们能不能解除合同并要求赔偿？",
           "物业公司服务太烂了，楼道垃圾一个月没人清，我们公司作为业主可以拒交物业费吗，会不会被起诉",
           "之前找的代理记账公司很不专业，报税出错被罚了款，这笔损失能不能找他们赔，需要准备什么证据"],
    "en": ["Our logistics provider has been terrible, deliveries are late every week and they ignore our emails; can "
           "we terminate the contract early without paying a penalty?",
           "The cleaning company we hired did a useless job and keeps missing visits, are we allowed to withhold "
           "payment under the contract?"],
}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_complaint_gets_the_dissatisfaction_reply_then_an_adviser(rt: Runtime, channel: str,
                                                                          lang: str) -> None:
    """Each message is longer than the short-message bound; the first gets the apology with the way to a person,
    the second in a row opens a case marked dissatisfied."""
    first, second = COMPLAINTS[lang][0], COMPLAINTS[lang][1]
    assert len(first) > SHORT and len(second) > SHORT
    with talking(rt, channel, lang) as (say, sid):
        got = say(first)
        assert got["route"] == "fallback" and got["reply"] == t("dissatisfied", lang), got["reply"][:80]
        assert state(rt, sid())["unhappy"] == 1 and rt.handoffs.active(sid()) is None
        again = say(second)
        case = rt.handoffs.active(sid())
        assert again["route"] == "handoff" and case is not None and case.reason == "dissatisfied"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_long_complaint_is_read_as_one(rt: Runtime, lang: str) -> None:
    """Each paraphrase, in a conversation of its own, gets the dissatisfaction reply (not an answer from the law)."""
    for message in COMPLAINTS[lang]:
        reply = rt.assistant.handle(None, message, lang=lang)
        assert reply.route == "fallback" and reply.reply == t("dissatisfied", lang), (message, reply.reply[:80])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_question_about_a_counterpartys_bad_service_is_a_question(rt: Runtime, lang: str) -> None:
    """Bad service told of a supplier, a landlord or an agency, then a question: no apology, no count towards a
    hand-off for dissatisfaction."""
    for message in OTHERS[lang]:
        reply = rt.assistant.handle(None, message, lang=lang)
        assert reply.reply != t("dissatisfied", lang), message
        assert not rt.conversations.get(reply.session_id).state.get("unhappy"), message
        case = rt.handoffs.active(reply.session_id)
        assert case is None or case.reason != "dissatisfied", message


def test_about_us_names_the_assistant_or_its_answers_not_someone_else() -> None:
    for message in [*COMPLAINTS["zh"], *COMPLAINTS["en"], "回答全是套话，系统做得一塌糊涂，浪费时间，差评"]:
        assert about_us(message), message
    for message in [*OTHERS["zh"], *OTHERS["en"]]:
        assert not about_us(message), message
    # a short message read surely as dissatisfaction is one, an unsure short one is not; a long one must be about us,
    # and read as dissatisfaction first, or second or third when it vents in two words or more
    assert a_complaint("没用", "dissatisfied", (), True) and not a_complaint("没用", "dissatisfied", (), False)
    assert a_complaint(COMPLAINTS["zh"][2], "legal", ("dissatisfied", "order"), False)
    assert a_complaint(COMPLAINTS["zh"][2], "legal", ("order_status", "dissatisfied"), False)
    assert not a_complaint(COMPLAINTS["zh"][2], "legal", ("order_status", "order"), False)
    assert not a_complaint(OTHERS["zh"][0], "dissatisfied", (), True)
    assert not a_complaint(COMPLAINTS["en"][0], "legal", ("order", "greeting"), True)
    assert not vents("你们的回答没用，我再问一次：试用期最长可以约定多久，超过了怎么赔？")
